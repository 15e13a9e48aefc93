"""Nære relationer: analysis and reports for *Fremtidens Handicap- og Botilbud*.

The public entry point for data is :func:`read_dataset`; the analysis modules are
:mod:`analyse.relations`, :mod:`analyse.agreement` and :mod:`analyse.prepost`.

The names below are imported when first used (PEP 562), so that ``import analyse`` — and
every command line call that does not need pandas, such as ``analyse --help`` — starts at
once.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from analyse.dataset import Dataset
    from analyse.errors import AnalyseError, ConfigError, DataError, PrivacyError
    from analyse.problems import Problem
    from analyse.validate import read_dataset

#: Where each public name lives.
_PUBLIC = {
    "AnalyseError": "analyse.errors",
    "ConfigError": "analyse.errors",
    "DataError": "analyse.errors",
    "PrivacyError": "analyse.errors",
    "Dataset": "analyse.dataset",
    "Problem": "analyse.problems",
    "read_dataset": "analyse.validate",
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
    raise AttributeError(f"module 'analyse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
