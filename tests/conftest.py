"""Shared fixtures: a small hand-made data set and writers for every dialect users send."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from hypothesis import settings

# Deterministic property tests in CI (a clean clone has no example database to replay).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

from analyse.data.io import write_dataset  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
DEMO = PROJECT / "data" / "raw" / "demo"


def small_tables() -> dict[str, pd.DataFrame]:
    """A small data set in canonical form, made by hand (not by the demo generator).

    Two sites, six residents; R3 has a zero network in pre; R6 has pre only (attrition);
    free text with æ, ø and å.
    """
    residents = pd.DataFrame(
        {
            "resident_id": ["B101", "B102", "B103", "B104", "B105", "B106"],
            "site_id": ["H1", "H1", "H1", "H2", "H2", "H2"],
            "setting": [
                "residential",
                "residential",
                "own_home",
                "residential",
                "own_home",
                "residential",
            ],
            "practice": ["P1", "P1", "P1", "none", "none", "none"],
            "age_band": ["18-29", "30-49", "50-64", "65+", None, "30-49"],
        }
    )
    relations = pd.DataFrame(
        [
            ("B101", "pre", "R1", "family", 1, "weekly", "yes", "yes", "mutual"),
            ("B101", "pre", "R2", "staff", 1, "daily", "no", "yes", "staff"),
            ("B101", "post", "R1", "family", 1, "weekly", "yes", "yes", None),
            ("B101", "post", "R3", "friend", 2, "monthly", "yes", "no", "resident"),
            ("B102", "pre", "R4", "co_resident", 2, "daily", "yes", "yes", "other"),
            ("B102", "post", "R4", "co_resident", 1, "daily", "yes", "yes", "other"),
            ("B103", "post", "R5", "volunteer", 3, "rarely", "no", "yes", None),
            ("B104", "pre", "R6", "staff", 1, "daily", "no", "yes", "staff"),
            ("B104", "post", "R6", "staff", 1, "daily", "no", "yes", "staff"),
            ("B105", "pre", "R7", "partner", 1, "daily", "yes", "yes", "mutual"),
            ("B105", "post", "R7", "partner", 1, "daily", "yes", "yes", "mutual"),
            ("B106", "pre", "R8", "community", 3, "monthly", "no", "no", None),
        ],
        columns=[
            "resident_id",
            "wave",
            "alter_id",
            "alter_type",
            "closeness",
            "contact",
            "resident_gives",
            "resident_receives",
            "initiative",
        ],
    )
    outcomes = pd.DataFrame(
        [
            ("B101", "pre", 7, 2, "yes", "self"),
            ("B101", "post", 5, 4, "no", "self"),
            ("B102", "pre", 6, 3, "unknown", "assisted"),
            ("B102", "post", 6, 3, "yes", "assisted"),
            ("B103", "pre", 9, 1, "yes", "proxy"),
            ("B103", "post", None, 2, None, "proxy"),
            ("B104", "pre", 5, 4, "no", "self"),
            ("B104", "post", 5, 4, "no", "self"),
            ("B105", "pre", 4, 5, "no", "assisted"),
            ("B105", "post", 4, 5, "no", "assisted"),
            ("B106", "pre", 8, 2, "yes", "self"),
        ],
        columns=["resident_id", "wave", "loneliness", "satisfaction", "wants_more", "respondent"],
    )
    items = pd.DataFrame(
        {
            "item": ["I1", "I2"],
            "text_da": [
                "En god relation går begge veje – jeg kan være noget for nogen",
                "Man skal kunne stole på hinanden",
            ],
            "text_en": [
                "A good relationship goes both ways",
                "You must be able to trust each other",
            ],
            "dimension": ["reciprocity", "trust"],
        }
    )
    understanding = pd.DataFrame(
        [
            ("M01", "staff", "H1", "pre", "I1", 4),
            ("M01", "staff", "H1", "pre", "I2", 5),
            ("M02", "staff", "H1", "pre", "I1", 3),
            ("M02", "staff", "H1", "pre", "I2", None),
            ("B101", "resident", "H1", "pre", "I1", 5),
            ("M03", "staff", "H2", "post", "I1", 2),
        ],
        columns=["respondent_id", "role", "site_id", "wave", "item", "rating"],
    )
    assessments = pd.DataFrame(
        [
            ("M01", "B101", "pre", "overall", 3),
            ("M02", "B101", "pre", "overall", 4),
            ("M01", "B102", "pre", "overall", 2),
            ("M02", "B102", "pre", "overall", 2),
        ],
        columns=["rater_id", "resident_id", "wave", "aspect", "rating"],
    )
    practices = pd.DataFrame(
        {
            "practice": ["P1"],
            "name_da": ["Fællesskab på tværs"],
            "description": [
                "Ugentlige grupper, hvor borgerne gør noget for hinanden – også udenfor bostedet"
            ],
            "site_id": ["H1"],
            "start": ["2026-02"],
            "end": ["2026-08"],
        }
    )
    return {
        "residents": residents,
        "relations": relations,
        "outcomes": outcomes,
        "understanding": understanding,
        "items": items,
        "assessments": assessments,
        "practices": practices,
    }


#: The dialects users send: (style, fmt, sep, encoding, line terminator).
DIALECTS: dict[str, dict] = {
    "da-semicolon-bom": dict(
        style="da", fmt="csv", sep=";", encoding="utf-8-sig", line_terminator="\r\n"
    ),
    "da-cp1252": dict(style="da", fmt="csv", sep=";", encoding="cp1252", line_terminator="\r\n"),
    "en-comma-utf8": dict(style="en", fmt="csv", sep=",", encoding="utf-8", line_terminator="\n"),
    "da-xlsx": dict(style="da", fmt="xlsx"),
    "en-tab-utf16": dict(
        style="en", fmt="csv", sep="\t", encoding="utf-16", line_terminator="\r\n"
    ),
}


def write_dialect(tables: dict[str, pd.DataFrame], out: Path, dialect: str) -> Path:
    """Write tables in one dialect; return the path to give to read_dataset."""
    written = write_dataset(tables, out, **DIALECTS[dialect])
    return written[0] if DIALECTS[dialect]["fmt"] == "xlsx" else out


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return small_tables()


@pytest.fixture
def danish_folder(tmp_path: Path, tables) -> Path:
    """The small data set as a Danish Excel export: `;`, BOM, Danish names and values."""
    return write_dialect(tables, tmp_path / "data", "da-semicolon-bom")


@pytest.fixture
def cli() -> Callable[..., object]:
    """Run the CLI in-process; returns the click Result (exit_code, output)."""
    from typer.testing import CliRunner

    from analyse.cli import app

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args])

    return run


@pytest.fixture
def big_enough(tables):
    """The small data set with every site at 5+ residents, so the audit has nothing to say."""
    import pandas as pd

    extra = pd.DataFrame(
        {
            "resident_id": [f"B2{i:02d}" for i in range(8)],
            "site_id": ["H1"] * 4 + ["H2"] * 4,
            "setting": "residential",
            "practice": "none",
            "age_band": None,
        }
    )
    tables["residents"] = pd.concat([tables["residents"], extra], ignore_index=True)
    return tables


def long_frame(pre: list[float], post: list[float], **extra: object) -> pd.DataFrame:
    """Paired scores in long format (``id``, ``wave`` pre/post, ``value``), extra columns as given."""
    n = len(pre)
    frame = pd.DataFrame(
        {
            "id": [f"S{i:03d}" for i in range(n)] * 2,
            "wave": ["pre"] * n + ["post"] * n,
            "value": list(pre) + list(post),
        }
    )
    for key, val in extra.items():
        frame[key] = val
    return frame
