"""Network Canvas exports read, mapped and pseudonymised into the data contract.

The names of :mod:`analyse.networkcanvas.importer` are available here too (``analyse.networkcanvas.NAME``), so
code written for the single module ``analyse.networkcanvas`` keeps working.
"""

from importlib import import_module
from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(import_module("analyse.networkcanvas.importer"), name)
