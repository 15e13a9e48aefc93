"""Audit of a report run: nothing published may let anyone recognise a person.

``analyse audit reports/RUN`` scans every HTML, CSV and XLSX file of a run for

- pseudonyms from the run's data set (residents, alters, respondents, raters),
- CPR-like numbers,
- counts below ``min_cell`` that were not suppressed: in published tables (columns of counts)
  and in sentences ("3 af 12 borgere").

Embedded images are not text and are skipped (figures are built from suppressed aggregates
by construction). ``analyse report`` runs the audit at the end of every steering run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analyse.dataset import Dataset
from analyse.screen import find_cpr

PSEUDONYM_COLUMNS = {
    "residents": ("resident_id",),
    "relations": ("resident_id", "alter_id"),
    "outcomes": ("resident_id",),
    "understanding": ("respondent_id",),
    "assessments": ("rater_id", "resident_id"),
}
_BASE64 = re.compile(r"data:[a-z/+.\-]+;base64,[A-Za-z0-9+/=\s]+")
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")
_COUNT_HEADER = re.compile(r"^(antal|n|number|count)\b", re.I)
#: A whole number as the reports print it: plain, or with thousands separators (Danish "." or
#: English "," or a (narrow) no-break space, as Babel writes them).
_NUMBER = r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+"
_SENTENCE_COUNT = re.compile(
    rf"(?<![\d.,])({_NUMBER}) (?:af|of) ({_NUMBER}) (?:borgere|residents|medarbejdere|staff)"
)
_WHOLE_NUMBER = re.compile(rf"^\s*({_NUMBER})\s*$")


def count_value(text: object) -> float | None:
    """A published count as a number: ``"3.927"`` (Danish) and ``"3,927"`` (English) are 3927.

    Counts are whole numbers, so a separator between groups of three digits is a thousands
    separator; anything else is read as a plain number (``"<5"`` or ``""`` give ``None``).

    >>> count_value("3.927"), count_value("3,927"), count_value("12"), count_value("<5")
    (3927.0, 3927.0, 12.0, None)
    """
    m = _WHOLE_NUMBER.match(str(text))
    if m:
        return float(re.sub(r"\D", "", m.group(1)))
    value = pd.to_numeric(str(text).strip().replace(",", "."), errors="coerce")
    return None if pd.isna(value) else float(value)


def pseudonyms(ds: Dataset) -> set[str]:
    """Every pseudonym of a person in the data set."""
    found: set[str] = set()
    for table, columns in PSEUDONYM_COLUMNS.items():
        frame = getattr(ds, table)
        for c in columns:
            found.update(str(v) for v in frame[c].dropna().unique())
    return found


def _text_findings(text: str, where: str, names: set[str], min_cell: int) -> list[str]:
    findings = []
    clean = _BASE64.sub(" ", text)
    tokens = set(_TOKEN.findall(clean))
    for token in sorted(tokens & names):
        findings.append(f"{where}: pseudonym '{token}'")
    if find_cpr(clean):
        findings.append(f"{where}: CPR-like number")
    visible = re.sub(r"<[^>]+>", " ", clean)
    for m in _SENTENCE_COUNT.finditer(visible):
        k = int(re.sub(r"\D", "", m.group(1)))
        if 0 < k < min_cell:
            findings.append(f"{where}: unsuppressed count '{m.group(0)}' below {min_cell}")
    return findings


def _table_findings(frame: pd.DataFrame, where: str, names: set[str], min_cell: int) -> list[str]:
    findings = []
    cells = frame.astype(str)
    values = set(cells.to_numpy().ravel().tolist()) | {str(c) for c in frame.columns}
    for token in sorted(values & names):
        findings.append(f"{where}: pseudonym '{token}'")
    for value in values:
        if find_cpr(value):
            findings.append(f"{where}: CPR-like number")
            break
    for column in frame.columns:
        if _COUNT_HEADER.match(str(column).strip()):
            numeric = pd.to_numeric(frame[column].map(count_value), errors="coerce")
            small = numeric[(numeric > 0) & (numeric < min_cell)]
            if len(small):
                findings.append(
                    f"{where}: column '{column}' shows count {int(small.iloc[0])} below {min_cell}"
                )
    return findings


def audit_files(files: Iterable[Path], root: Path, names: set[str], min_cell: int) -> list[str]:
    findings: list[str] = []
    for path in sorted(files):
        where = str(path.relative_to(root))
        suffix = path.suffix.lower()
        if suffix == ".html":
            findings += _text_findings(path.read_text(encoding="utf-8"), where, names, min_cell)
        elif suffix == ".csv":
            frame = pd.read_csv(
                path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
            findings += _table_findings(frame, where, names, min_cell)
        elif suffix == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, dtype=str)
            for sheet, frame in sheets.items():
                findings += _table_findings(frame.fillna(""), f"{where}:{sheet}", names, min_cell)
    return findings


def audit_run(run_dir: Path, ds: Dataset, *, min_cell: int = 5) -> list[str]:
    """Every finding in the published files of a run (executed notebooks are not published)."""
    run_dir = Path(run_dir)
    names = pseudonyms(ds)
    files = [
        p
        for p in run_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in (".html", ".csv", ".xlsx")
        and "notebooks" not in p.parts
    ]
    return audit_files(files, run_dir, names, min_cell)


def audit_command_run(run_dir: Path, data: Path | None = None) -> tuple[list[str], int]:
    """Audit a finished run folder; the data set and min_cell are read from its run.json."""
    from analyse.prepare import load

    run_dir = Path(run_dir)
    record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    params = record["parameters"]
    ds = load(Path(data or params["data"]))
    min_cell = int(params.get("min_cell", 5))
    return audit_run(run_dir, ds, min_cell=min_cell), min_cell
