"""Nære relationer: analysis and reports for *Fremtidens Handicap- og Botilbud*.

The public entry point for data is :func:`read_dataset`; the analysis modules are
:mod:`analyse.stats.relations`, :mod:`analyse.stats.agreement` and :mod:`analyse.stats.prepost`.

The names below are imported when first used (PEP 562), so that ``import analyse`` — and
every command line call that does not need pandas, such as ``analyse --help`` — starts at
once.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from analyse.data.dataset import Dataset
    from analyse.data.validate import read_dataset
    from analyse.errors import AnalyseError, ConfigError, DataError, PrivacyError
    from analyse.problems import Problem

#: Where each public name lives.
_PUBLIC = {
    "AnalyseError": "analyse.errors",
    "ConfigError": "analyse.errors",
    "DataError": "analyse.errors",
    "PrivacyError": "analyse.errors",
    "Dataset": "analyse.data.dataset",
    "Problem": "analyse.problems",
    "read_dataset": "analyse.data.validate",
}

__all__ = [
    "AnalyseError",
    "ConfigError",
    "DataError",
    "Dataset",
    "PrivacyError",
    "Problem",
    "__version__",
    "read_dataset",
]


#: Modules that lived directly in ``analyse`` before the sub-packages: ``analyse.prepost``
#: and ``from analyse import prepost`` still give the module (notebooks written before).
_MOVED = {
    "agreement": "analyse.stats.agreement",
    "audit": "analyse.run.audit",
    "batch": "analyse.run.batch",
    "codebook": "analyse.data.codebook",
    "csvbytes": "analyse.data.csvbytes",
    "dataset": "analyse.data.dataset",
    "demo": "analyse.data.demo",
    "engine": "analyse.run.engine",
    "figures": "analyse.render.figures",
    "identifiers": "analyse.data.identifiers",
    "io": "analyse.data.io",
    "main_results": "analyse.report.main_results",
    "prepare": "analyse.data.prepare",
    "prepost": "analyse.stats.prepost",
    "publish": "analyse.render.publish",
    "relations": "analyse.stats.relations",
    "releases": "analyse.privacy.releases",
    "schema": "analyse.data.schema",
    "screen": "analyse.data.screen",
    "template": "analyse.data.template",
    "terminal": "analyse.run.terminal",
    "text": "analyse.words.text",
    "validate": "analyse.data.validate",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("naere-relationer")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0.0.0"
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    if name in _MOVED:
        return import_module(_MOVED[name])
    raise AttributeError(f"module 'analyse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
