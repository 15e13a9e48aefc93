"""Nære relationer: analysis and reports for *Fremtidens Handicap- og Botilbud*.

The public entry point for data is :func:`read_dataset`; the analysis modules are
:mod:`analyse.relations`, :mod:`analyse.agreement` and :mod:`analyse.prepost`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from analyse.dataset import Dataset
from analyse.errors import AnalyseError, ConfigError, DataError, PrivacyError
from analyse.problems import Problem
from analyse.validate import read_dataset

try:
    __version__ = version("naere-relationer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

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
