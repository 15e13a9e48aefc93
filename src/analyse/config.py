"""Paths and defaults: every path of the project comes from here or from arguments."""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Literal

from analyse.errors import ConfigError

#: The languages of messages, labels and reports.
Lang = Literal["da", "en"]
#: Who a report or view is for: the steering group (only gated numbers) or the consultant.
Audience = Literal["steering", "consultant"]

#: The package folder (src/analyse).
PACKAGE_DIR = Path(__file__).resolve().parent
#: The project root when running from a source checkout (src/analyse/../..).
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = PROJECT_DIR / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_DIR / "reports"
NOTEBOOKS_DIR = PROJECT_DIR / "notebooks"
#: The bundled demo data set (synthetic), as a consultant would receive it.
DEMO_DATA = RAW_DIR / "demo"

#: Default seed of the demo data and of every bootstrap in the notebooks.
DEFAULT_SEED = 20261123
#: Smallest number of persons a steering-group number may rest on (never below 3).
DEFAULT_MIN_CELL = 5
MIN_CELL_FLOOR = 3

#: Environment variable that holds the key for pseudonymising imported names.
PSEUDONYM_KEY_ENV = "ANALYSE_PSEUDONYM_KEY"


def env_lang(default: str = "da") -> str:
    """The message language from ``ANALYSE_LANG`` (``da`` or ``en``)."""
    lang = os.environ.get("ANALYSE_LANG", default)
    return lang if lang in ("da", "en") else default


def check_min_cell(min_cell: object) -> int:
    """Validate ``min_cell``: a whole number, at least 3 (default 5).

    Parameters
    ----------
    min_cell
        The smallest number of persons a published number may rest on.

    Returns
    -------
    int
        ``min_cell`` as an ``int``.

    Raises
    ------
    ConfigError
        If ``min_cell`` is not a whole number or is below 3.

    Examples
    --------
    >>> check_min_cell(5)
    5
    >>> check_min_cell(2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analyse.errors.ConfigError: min_cell must be a whole number of at least 3; received 2. ...
    """
    ok = isinstance(min_cell, numbers.Integral) and not isinstance(min_cell, bool)
    if not ok or int(min_cell) < MIN_CELL_FLOOR:  # type: ignore[call-overload]
        raise ConfigError(
            f"min_cell must be a whole number of at least {MIN_CELL_FLOOR}; received {min_cell!r}. "
            f"Use the default {DEFAULT_MIN_CELL}, or a larger number for more protection; "
            f"numbers below {MIN_CELL_FLOOR} could identify a person."
        )
    return int(min_cell)  # type: ignore[call-overload]


def package_version() -> str:
    """The installed version of the package (``0.0.0`` when running from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("naere-relationer")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"
