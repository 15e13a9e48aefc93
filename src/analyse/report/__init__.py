"""The report notebooks' sections: main results first, then the process's steps.

- :mod:`analyse.report.sections`: the report's context, table families and sections
  (Kortlægning, Behov, Fælles forståelse, Afprøvning, Om rapporten);
- :mod:`analyse.report.main_results`: Hovedresultater and the practice-vs-comparison table;
- :mod:`analyse.report.shared`: what the reports of a run share, computed once, and
  :func:`load`, which opens one report's context.

The names of these modules are available here too (``analyse.report.NAME``), so code written
for the single module ``analyse.report`` keeps working.
"""

from importlib import import_module
from typing import Any

_MODULES = ("analyse.report.sections", "analyse.report.shared", "analyse.report.main_results")


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    for module in _MODULES:
        value = getattr(import_module(module), name, _MISSING)
        if value is not _MISSING:
            return value
    raise AttributeError(f"module 'analyse.report' has no attribute {name!r}")


_MISSING = object()
