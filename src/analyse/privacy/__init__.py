"""The privacy gate: what may be published, as values and statuses.

The names of :mod:`analyse.privacy.gate` are available here too (``analyse.privacy.NAME``), so
code written for the single module ``analyse.privacy`` keeps working.
"""

from importlib import import_module
from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(import_module("analyse.privacy.gate"), name)
