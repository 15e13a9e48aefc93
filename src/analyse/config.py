"""Paths and defaults: every path of the project comes from here or from arguments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

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
