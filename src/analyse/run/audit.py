"""Audit of a report run: nothing published may let anyone recognise a person.

``analyse audit reports/RUN`` scans every published file of a run (HTML, CSV, XLSX, JSON, text,
and the outputs of the executed notebooks) and every file name for

- pseudonyms from the run's data set (residents, alters, respondents, raters), also inside a
  text cell or a sentence;
- CPR-like numbers;
- counts below ``min_cell`` that were not suppressed: in published tables (columns of counts)
  and in sentences ("3 af 12 borgere").

Embedded images are not text and are skipped (figures are built from suppressed aggregates
by construction). A file the audit cannot read counts as a finding: the audit fails closed.

``analyse report`` ends every steering run with :func:`enforce`: a report with a finding is
**withheld** — its HTML, tables and executed notebook are moved into the consultant-only folder
``tilbageholdt/`` beside a file of the findings (``tilbageholdt/revision.txt``), so that the
steering folder holds only clean files. The findings themselves (with every pseudonym masked:
``B104`` is shown as ``B***``) go to the terminal and to that file, never into ``index.html`` or
``run.json``, which only say which report was withheld.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from analyse.data.dataset import Dataset
from analyse.data.identifiers import find_cpr, mask_cpr, mask_pseudonym
from analyse.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from analyse.run.jobs import Job

PSEUDONYM_COLUMNS = {
    "residents": ("resident_id",),
    "relations": ("resident_id", "alter_id"),
    "outcomes": ("resident_id",),
    "understanding": ("respondent_id",),
    "assessments": ("rater_id", "resident_id"),
}
#: An embedded image (not text). Line breaks are kept so that line numbers stay right.
_BASE64 = re.compile(r"data:[a-z/+.\-]+;base64,[A-Za-z0-9+/=\r\n]+")
_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")
_PART = re.compile(r"[^._\-]+")
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


#: The consultant-only folder of a run that holds withheld reports and the audit's findings.
WITHHELD_DIR = "tilbageholdt"
#: The findings of the audit, pseudonyms masked (in :data:`WITHHELD_DIR`).
FINDINGS_FILE = "revision.txt"
#: Files whose text the audit reads; any other file is checked by its name only.
TEXT_SUFFIXES = (".html", ".htm", ".json", ".txt", ".md", ".svg")
TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Finding:
    """One thing a run must not publish: where it is and what it is (never the pseudonym)."""

    file: str
    what: str
    kind: Literal["pseudonym", "cpr", "small_count", "unreadable"] = "pseudonym"

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


#: What a finding says, in Danish and English (``{...}`` fields from the finding).
WHAT: dict[str, dict[str, str]] = {
    "line_pseudonym": {
        "da": "linje {line}: pseudonym '{token}'",
        "en": "line {line}: pseudonym '{token}'",
    },
    "cpr": {"da": "tal, der ligner et CPR-nummer", "en": "CPR-like number"},
    "sentence_count": {
        "da": "ikke-skjult antal '{text}' under {min_cell}",
        "en": "unsuppressed count '{text}' below {min_cell}",
    },
    "row": {"da": "række {row}", "en": "row {row}"},
    "row_column": {"da": "række {row}, kolonne '{column}'", "en": "row {row}, column '{column}'"},
    "place_pseudonym": {"da": "{place}: pseudonym '{token}'", "en": "{place}: pseudonym '{token}'"},
    "row_cpr": {
        "da": "række {row}: tal, der ligner et CPR-nummer",
        "en": "row {row}: CPR-like number",
    },
    "column_count": {
        "da": "kolonnen '{column}' viser antallet {n} under {min_cell}",
        "en": "column '{column}' shows count {n} below {min_cell}",
    },
    "sheet_pseudonym": {
        "da": "arkets navn: pseudonym '{token}'",
        "en": "sheet name: pseudonym '{token}'",
    },
    "name_pseudonym": {
        "da": "filnavn: pseudonym '{token}'",
        "en": "file name: pseudonym '{token}'",
    },
    "name_cpr": {
        "da": "filnavn: tal, der ligner et CPR-nummer",
        "en": "file name: CPR-like number",
    },
    "unreadable": {"da": "kunne ikke læses ({error})", "en": "could not be read ({error})"},
}


def _what(key: str, lang: str, **fields: object) -> str:
    return WHAT[key]["da" if lang == "da" else "en"].format(**fields)


def pseudonyms(ds: Dataset) -> set[str]:
    """Every pseudonym of a person in the data set."""
    found: set[str] = set()
    for table, columns in PSEUDONYM_COLUMNS.items():
        frame = getattr(ds, table)
        for c in columns:
            found.update(str(v) for v in frame[c].dropna().unique())
    return found


def _names_in(text: str, names: set[str]) -> dict[str, int]:
    """The pseudonyms in a text, each with the position of its first occurrence.

    A pseudonym is found as a word of its own, also at the end of a sentence (``B104.``) or
    joined to other words by ``-``, ``_`` or ``.`` (``B104-netværk.csv``). Each distinct word
    of the text is looked at once (a report repeats its style sheet's words thousands of times).
    """
    if not names:
        return {}
    found: set[str] = set()
    for token in set(_TOKEN.findall(text)):
        found.update(c for c in _candidates(token) if c in names)
    return {name: _first_position(text, name) for name in found}


def mask_text(text: str, names: set[str]) -> str:
    """``text`` with every pseudonym of ``names`` masked and the digits of a CPR-like number
    hidden: for messages that leave the audit (a failed report's error in the index).

    >>> mask_text("cell 4: KeyError: 'B104' (010190-1234)", {"B104"})
    "cell 4: KeyError: 'B***' (######-####)"
    """
    for name in sorted(_names_in(text, names), key=len, reverse=True):
        pattern = rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])"
        text = re.sub(pattern, mask_pseudonym(name), text)
    return mask_cpr(text)


def _first_position(text: str, name: str) -> int:
    m = re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", text)
    return m.start() if m else max(text.find(name), 0)


@functools.lru_cache(maxsize=1 << 16)
def _candidates(token: str) -> tuple[str, ...]:
    """The token and every run of its ``.``/``-``/``_``-separated parts.

    Pseudonyms may hold these characters (``A7f3c-09ab-1e2d``), and so may the text around
    one (``B104-netværk.csv``, ``B104.``): every run of whole parts is a candidate.

    >>> _candidates("B104-net")
    ('B104-net', 'B104', 'net')
    """
    spans = [m.span() for m in _PART.finditer(token)]
    if len(spans) <= 1 or len(spans) > 12:  # no pseudonym has that many parts: parts alone
        return tuple(dict.fromkeys([token, *(token[a:b] for a, b in spans)]))
    out = [token]
    for i in range(len(spans)):
        for j in range(i, len(spans)):
            out.append(token[spans[i][0] : spans[j][1]])
    return tuple(dict.fromkeys(out))


def _clean(text: str) -> str:
    return _BASE64.sub(lambda m: " " + "\n" * m.group(0).count("\n"), text)


def _text_findings(
    text: str, where: str, names: set[str], min_cell: int, lang: str = "en"
) -> list[Finding]:
    findings = []
    clean = _clean(text)
    for token, pos in sorted(_names_in(clean, names).items()):
        line = clean.count("\n", 0, pos) + 1
        what = _what("line_pseudonym", lang, line=line, token=mask_pseudonym(token))
        findings.append(Finding(where, what))
    if find_cpr(clean):
        findings.append(Finding(where, _what("cpr", lang), "cpr"))
    visible = re.sub(r"<[^>]+>", " ", clean)
    for m in _SENTENCE_COUNT.finditer(visible):
        k = int(re.sub(r"\D", "", m.group(1)))
        if 0 < k < min_cell:
            findings.append(
                Finding(
                    where,
                    _what("sentence_count", lang, text=m.group(0), min_cell=min_cell),
                    "small_count",
                )
            )
    return findings


def _table_findings(
    cells: pd.DataFrame, where: str, names: set[str], min_cell: int, lang: str = "en"
) -> list[Finding]:
    """Findings in one table given as text cells, its header as the first row.

    Every cell is read as text, so a pseudonym inside a sentence of a text cell is found;
    the row of a finding is the row a spreadsheet shows (header = row 1).
    """
    findings: list[Finding] = []
    cells = cells.fillna("").astype(str)
    if cells.empty:
        return findings
    header = [str(h) for h in cells.iloc[0]]
    values = cells.to_numpy()
    seen: set[str] = set()
    cpr_found = False
    for (r, c), value in _distinct_cells(values):
        for token in sorted(_names_in(value, names)):
            if token not in seen:
                seen.add(token)
                column = header[c] if r > 0 else ""
                place = (
                    _what("row_column", lang, row=r + 1, column=column)
                    if column
                    else _what("row", lang, row=r + 1)
                )
                what = _what("place_pseudonym", lang, place=place, token=mask_pseudonym(token))
                findings.append(Finding(where, what))
        if not cpr_found and find_cpr(value):
            cpr_found = True
            findings.append(Finding(where, _what("row_cpr", lang, row=r + 1), "cpr"))
    body = pd.DataFrame(values[1:], columns=range(len(header)))
    for c, column in enumerate(header):
        if _COUNT_HEADER.match(column.strip()):
            numeric = pd.to_numeric(body[c].map(count_value), errors="coerce")
            small = numeric[(numeric > 0) & (numeric < min_cell)]
            if len(small):
                findings.append(
                    Finding(
                        where,
                        _what(
                            "column_count",
                            lang,
                            column=column,
                            n=int(small.iloc[0]),
                            min_cell=min_cell,
                        ),
                        "small_count",
                    )
                )
    return findings


def _distinct_cells(values) -> list[tuple[tuple[int, int], str]]:
    """Each distinct non-empty cell text once, with the position where it first occurs."""
    first: dict[str, tuple[int, int]] = {}
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if value and value not in first:
                first[value] = (r, c)
    return [(pos, value) for value, pos in first.items()]


def _notebook_text(path: Path) -> str:
    """What an executed notebook shows: its outputs and Markdown (not the code, not images)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    parts: list[str] = []

    def text(value: object) -> str:
        return "".join(value) if isinstance(value, list) else str(value)

    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            parts.append(text(cell.get("source", "")))
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(text(output["text"]))
            for mime, value in (output.get("data") or {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    parts.append(text(value))
            for key in ("ename", "evalue"):
                if key in output:
                    parts.append(str(output[key]))
    return "\n".join(parts)


def _file_findings(
    path: Path, where: str, names: set[str], min_cell: int, lang: str = "en"
) -> list[Finding]:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _text_findings(path.read_text(encoding="utf-8"), where, names, min_cell, lang)
    if suffix == ".ipynb":
        return _text_findings(_notebook_text(path), where, names, min_cell, lang)
    if suffix == ".csv":
        cells = pd.read_csv(
            path,
            sep=";",
            dtype=str,
            header=None,
            keep_default_na=False,
            encoding="utf-8-sig",
            engine="python",
        )
        return _table_findings(cells, where, names, min_cell, lang)
    if suffix == ".xlsx":
        findings = []
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, header=None)
        for sheet, cells in sheets.items():
            place = f"{where}:{sheet}"
            for token in sorted(_names_in(str(sheet), names)):
                what = _what("sheet_pseudonym", lang, token=mask_pseudonym(token))
                findings.append(Finding(place, what))
            findings += _table_findings(cells, place, names, min_cell, lang)
        return findings
    return []


def _name_findings(where: str, names: set[str], lang: str = "en") -> list[Finding]:
    """A file or folder named after a person: its name is published with the file."""
    findings = [
        Finding(where, _what("name_pseudonym", lang, token=mask_pseudonym(t)))
        for t in sorted(_names_in(where, names))
    ]
    if find_cpr(where):
        findings.append(Finding(where, _what("name_cpr", lang), "cpr"))
    return findings


def scan_files(
    files: Iterable[Path], root: Path, names: set[str], min_cell: int, *, lang: str = "en"
) -> list[Finding]:
    """Every finding in ``files`` (paths under ``root``): their names and their contents.

    A file that cannot be read is a finding itself (``unreadable``): what the audit cannot
    read, it cannot vouch for. ``lang``: the language of what each finding says.
    """
    findings: list[Finding] = []
    for path in sorted(files):
        where = path.relative_to(root).as_posix()
        findings += _name_findings(where, names, lang)
        try:
            findings += _file_findings(path, where, names, min_cell, lang)
        except Exception as err:  # noqa: BLE001 - any unreadable file fails the audit
            what = _what("unreadable", lang, error=type(err).__name__)
            findings.append(Finding(where, what, "unreadable"))
    return findings


def audit_files(
    files: Iterable[Path], root: Path, names: set[str], min_cell: int, *, lang: str = "en"
) -> list[str]:
    """The findings of :func:`scan_files` as lines (file: what), pseudonyms masked."""
    return [str(f) for f in scan_files(files, root, names, min_cell, lang=lang)]


def published_files(run_dir: Path) -> list[Path]:
    """Every file of a run the steering group receives (all but the withheld folder)."""
    run_dir = Path(run_dir)
    return sorted(
        p
        for p in run_dir.rglob("*")
        if p.is_file() and p.relative_to(run_dir).parts[0] != WITHHELD_DIR
    )


def scan_run(run_dir: Path, ds: Dataset, *, min_cell: int = 5, lang: str = "en") -> list[Finding]:
    """Every finding in the published files of a run."""
    run_dir = Path(run_dir)
    return scan_files(published_files(run_dir), run_dir, pseudonyms(ds), min_cell, lang=lang)


def audit_run(run_dir: Path, ds: Dataset, *, min_cell: int = 5, lang: str = "en") -> list[str]:
    """Every finding in the published files of a run, as lines; pseudonyms masked."""
    return [str(f) for f in scan_run(run_dir, ds, min_cell=min_cell, lang=lang)]


# ----------------------------------------------------------------------------- enforcing


@dataclass
class AuditOutcome:
    """What :func:`enforce` did.

    ``findings`` (pseudonyms masked) are for the terminal and the consultant-only findings
    file; ``public`` holds one sentence per withheld report for ``index.html`` and
    ``run.json`` — which report, never what was found in it.
    """

    findings: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)


def _job_files(job: Job) -> list[str]:
    """A report's files in the run folder: its HTML and tables, and its executed notebook."""
    files = list(job.files)
    for f in job.files:
        if f.endswith(".html") and "/" not in f:
            files.append(f"notebooks/{Path(f).stem}.ipynb")
    return files


def _withhold(run_dir: Path, relative: str) -> bool:
    source = run_dir / relative
    if not source.is_file():
        return False
    target = run_dir / WITHHELD_DIR / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
    parent = source.parent
    while parent != run_dir and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
    return True


_PUBLIC = {
    "da": "Rapporten {name} er tilbageholdt: revisionen fandt noget, der kan genkende en person. "
    "Den er ikke i denne mappe; konsulenten finder den og revisionens fund i mappen {folder}/ "
    "(må ikke deles).",
    "en": "The report {name} is withheld: the audit found something that could identify a "
    "person. It is not in this folder; the consultant finds it and the audit's findings in the "
    "folder {folder}/ (not to be shared).",
}
_WITHHELD_STATUS = {
    "da": "Tilbageholdt af revisionen (se {folder}/, kun for konsulenter)",
    "en": "Withheld by the audit (see {folder}/, for consultants only)",
}
_README = {
    "da": "KUN FOR KONSULENTER – MÅ IKKE DELES MED STYREGRUPPEN.\n\n"
    "Revisionen af kørslen fandt oplysninger, der kan genkende en person, i de filer, der er "
    "flyttet hertil. Pseudonymer er maskeret: kun det første tegn vises (B***). Ret årsagen og kør "
    "rapporterne igen.\n\nFund:\n",
    "en": "FOR CONSULTANTS ONLY – DO NOT SHARE WITH THE STEERING GROUP.\n\n"
    "The audit of the run found information that could identify a person in the files moved "
    "here. Pseudonyms are masked: only the first character is shown (B***). Fix the cause and run the reports "
    "again.\n\nFindings:\n",
}


def enforce(
    run_dir: Path,
    ds: Dataset,
    jobs: Sequence[Job],
    *,
    min_cell: int = 5,
    lang: Literal["da", "en"] = "da",
) -> AuditOutcome:
    """Audit a steering run and withhold every report with a finding.

    The files of a report with a finding (its HTML, its tables and its executed notebook),
    and any other file with a finding, are moved from ``run_dir`` into
    ``run_dir/tilbageholdt/`` (same relative paths), with ``revision.txt``: the findings,
    pseudonyms masked, headed "for consultants only". A withheld report's job gets status
    ``"withheld"``, no files, and a short status as its error. Called before ``index.html``
    and ``run.json`` are written; give them :attr:`AuditOutcome.public`, never the findings.

    Returns
    -------
    AuditOutcome
        ``findings`` for the terminal, ``public`` for the index and the run record,
        ``withheld`` the files moved (relative paths).
    """
    run_dir = Path(run_dir)
    names = pseudonyms(ds)
    for job in jobs:  # a failed report's error goes into the index: no pseudonym in it
        if job.error:
            job.error = mask_text(job.error, names)
    findings = scan_files(published_files(run_dir), run_dir, names, min_cell, lang=lang)
    outcome = AuditOutcome(findings=[str(f) for f in findings])
    if not findings:
        return outcome
    bad_files = {f.file.split(":", 1)[0] for f in findings}
    for job in jobs:
        files = _job_files(job)
        if not bad_files & set(files):
            continue
        outcome.withheld += [f for f in files if _withhold(run_dir, f)]
        job.status = "withheld"
        job.files = []
        status = _WITHHELD_STATUS[lang].format(folder=WITHHELD_DIR)
        job.error = f"{job.error}; {status}" if job.error else status
        outcome.public.append(_PUBLIC[lang].format(name=job.name, folder=WITHHELD_DIR))
    for relative in sorted(bad_files - set(outcome.withheld)):
        if _withhold(run_dir, relative):  # a file of no report: withheld on its own
            outcome.withheld.append(relative)
            outcome.public.append(_PUBLIC[lang].format(name=relative, folder=WITHHELD_DIR))
    (run_dir / WITHHELD_DIR / FINDINGS_FILE).write_text(
        _README[lang] + "".join(f"- {f}\n" for f in outcome.findings), encoding="utf-8"
    )
    return outcome


#: The errors of reports that could not be made (in :data:`WITHHELD_DIR`), pseudonyms masked.
ERRORS_FILE = "fejl.txt"

_FAILED_PUBLIC = {
    "da": "{report} kunne ikke laves, så den er ikke med i denne mappe; de øvrige rapporter er "
    "ikke berørt. Konsulenten finder fejlbeskeden i mappen {folder}/ (filen {file}, må ikke "
    "deles), retter årsagen og kører rapporterne igen.",
    "en": "{report} could not be made, so it is not in this folder; the other reports are not "
    "affected. The consultant finds the error message in the folder {folder}/ (the file {file}, "
    "not to be shared), fixes the cause and runs the reports again.",
}
_FAILED_README = {
    "da": "KUN FOR KONSULENTER – MÅ IKKE DELES MED STYREGRUPPEN.\n\n"
    "Disse rapporter kunne ikke laves. Det, der nåede at blive skrevet (det kørte notebook med "
    "fejlcellen, HTML og tabeller), er flyttet hertil og er ikke udgivet. Pseudonymer er "
    "maskeret (B***). Ret årsagen og kør rapporterne igen.\n\nFejl:\n",
    "en": "FOR CONSULTANTS ONLY – DO NOT SHARE WITH THE STEERING GROUP.\n\n"
    "These reports could not be made. What was written before the error (the executed notebook "
    "with the failing cell, HTML and tables) is moved here and is not published. Pseudonyms are "
    "masked (B***). Fix the cause and run the reports again.\n\nErrors:\n",
}


def failed_report_text(name: str, *, lang: Literal["da", "en"] = "da") -> str:
    """What the index and ``run.json`` say of a report that could not be made: plain words,
    what to do, never the error itself (no exception name, no traceback, no path).

    >>> failed_report_text("H2")[:43]
    'Rapporten for botilbud H2 kunne ikke laves,'
    """
    from analyse.run.jobs import OVERVIEW

    if name == OVERVIEW:
        report = "Den samlede rapport" if lang == "da" else "The overview report"
    else:
        report = f"Rapporten for botilbud {name}" if lang == "da" else f"The report for site {name}"
    return _FAILED_PUBLIC[lang].format(report=report, folder=WITHHELD_DIR, file=ERRORS_FILE)


_FAILED_TERMINAL = {
    "da": "{report} kunne ikke laves og er tilbageholdt; detaljerne står i {path} "
    "(kun for konsulenter).",
    "en": "{report} could not be made and is withheld; the details are in {path} "
    "(for consultants only).",
}


def failed_terminal_line(
    name: str, run_dir: Path | str, *, lang: Literal["da", "en"] = "da"
) -> str:
    """The one line the terminal prints of a report that could not be made.

    It names the report, says that it is withheld and where the details are
    (``run_dir/tilbageholdt/fejl.txt``); the error itself (exception name, message,
    traceback) is only in that file.

    >>> failed_terminal_line("H2", "reports/run", lang="en")
    'The report for site H2 could not be made and is withheld; the details are in reports/run/tilbageholdt/fejl.txt (for consultants only).'
    """
    from analyse.run.jobs import OVERVIEW

    if name == OVERVIEW:
        report = "Den samlede rapport" if lang == "da" else "The overview report"
    else:
        report = f"Rapporten for botilbud {name}" if lang == "da" else f"The report for site {name}"
    path = (Path(run_dir) / WITHHELD_DIR / ERRORS_FILE).as_posix()
    return _FAILED_TERMINAL[lang].format(report=report, path=path)


def withhold_failed(
    run_dir: Path,
    jobs: Sequence[Job],
    *,
    names: set[str] = frozenset(),
    lang: Literal["da", "en"] = "da",
) -> list[str]:
    """Move every file of a report that failed into the consultant-only folder: all or nothing.

    A report whose notebook stopped on an error is never published half-written: its HTML,
    tables and executed notebook (which hold the traceback and machine paths) go to
    ``run_dir/tilbageholdt/`` (same relative paths), and ``tilbageholdt/fejl.txt`` records
    each report's error with the pseudonyms in ``names`` masked. The job keeps its status
    ``"failed"`` and its error (for the terminal); its files are emptied. Call it before
    :func:`enforce`, ``index.html`` and ``run.json``; these say of the report only
    :func:`failed_report_text`.

    Returns
    -------
    list of str
        The files moved, relative to ``run_dir``.
    """
    from analyse.run.jobs import _safe_name

    run_dir = Path(run_dir)
    moved: list[str] = []
    failed = [job for job in jobs if job.status == "failed"]
    for job in failed:
        stem = _safe_name(job.name)
        candidates = set(_job_files(job)) | {
            f"notebooks/{stem}.ipynb",
            f"{stem}.html",
            f"tabeller/{stem}.xlsx",
        }
        table_dir = run_dir / "tabeller" / stem
        if table_dir.is_dir():
            candidates |= {
                p.relative_to(run_dir).as_posix() for p in table_dir.rglob("*") if p.is_file()
            }
        moved += [f for f in sorted(candidates) if _withhold(run_dir, f)]
        job.files = []
    if failed:
        lines = "".join(
            f"- {job.name}: {mask_text(job.error or '?', set(names))}\n" for job in failed
        )
        target = run_dir / WITHHELD_DIR / ERRORS_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_FAILED_README[lang] + lines, encoding="utf-8")
    return moved


def _say(lang: str, da: str, en: str) -> str:
    return da if lang == "da" else en


def _run_record(run_dir: Path, lang: str) -> dict:
    """The run.json of a run folder, or one clear line saying what ``run_dir`` is instead."""
    if not run_dir.exists():
        raise ConfigError(
            _say(
                lang,
                f"{run_dir} findes ikke: angiv mappen, som 'analyse report --out' skrev.",
                f"{run_dir} does not exist: give the folder 'analyse report --out' wrote.",
            )
        )
    if not run_dir.is_dir():
        raise ConfigError(
            _say(
                lang,
                f"{run_dir} er en fil, ikke en kørselsmappe: angiv mappen, som 'analyse report "
                "--out' skrev.",
                f"{run_dir} is a file, not a run folder: give the folder 'analyse report --out' "
                "wrote.",
            )
        )
    try:
        record = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("parameters"), dict):
        raise ConfigError(
            _say(
                lang,
                f"{run_dir} er ikke en kørselsmappe fra 'analyse report' (den har ingen læsbar "
                "run.json): angiv mappen, som 'analyse report --out' skrev.",
                f"{run_dir} is not a run folder of 'analyse report' (it has no readable "
                "run.json): give the folder 'analyse report --out' wrote.",
            )
        )
    return record


def audit_command_run(
    run_dir: Path, data: Path | None = None, *, lang: str = "en"
) -> tuple[list[str], int]:
    """Audit a finished run folder; the data set and min_cell are read from its run.json.

    The withheld folder is not audited: it is the consultant's, not the steering group's.
    A ``run_dir`` that is missing, a file or a folder without a readable run.json is refused
    with one line (:class:`~analyse.errors.ConfigError`), in ``lang``.
    """
    from analyse.data.prepare import load

    run_dir = Path(run_dir)
    record = _run_record(run_dir, lang)
    params = record["parameters"]
    if data is None and not params.get("data"):
        # A steering run does not name its data (a file name may name a person).
        raise ConfigError(
            _say(
                lang,
                f"{run_dir / 'run.json'} nævner ikke kørslens data (en kørsel for styregruppen "
                "gemmer kun inddatafilernes SHA-256): angiv dem med --data DATA.",
                f"{run_dir / 'run.json'} does not name the run's data (a steering run records "
                "its input files by SHA-256 only): give it with --data DATA.",
            )
        )
    data = Path(data or params["data"])
    _check_inputs(data, record.get("inputs") or [], lang=lang)
    ds = load(data, lang=lang)
    try:
        min_cell = int(params.get("min_cell", 5))
    except (TypeError, ValueError):
        min_cell = 5
    return audit_run(run_dir, ds, min_cell=min_cell, lang=lang), min_cell


def _check_inputs(data: Path, inputs: Sequence[dict], *, lang: str = "en") -> None:
    """Refuse data whose files are not the ones the run recorded (by SHA-256): an audit against
    other data would look for the wrong pseudonyms."""
    from analyse.data.io import input_files, sha256
    from analyse.data.prepare import is_prepared

    recorded = {i["sha256"] for i in inputs if isinstance(i, dict) and i.get("sha256")}
    if not recorded or is_prepared(data):
        return
    given = {sha256(f) for f in input_files(data)}
    if given != recorded:
        raise ConfigError(
            _say(
                lang,
                f"{data} er ikke de data, kørslen blev lavet af: filernes SHA-256 er andre end "
                "dem i run.json.",
                f"{data} is not the data this run was made from: its files' SHA-256 differ "
                "from those in run.json.",
            )
        )
