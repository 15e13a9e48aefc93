"""Validation: from raw text tables to a :class:`~analyse.data.dataset.Dataset`, or every problem.

The steps, each reporting :class:`~analyse.problems.Problem` objects that name file, row,
column (as written in the file), value and rule:

1. file-level checks: missing required tables, empty or headerless files, missing or
   duplicated columns;
2. the privacy screen at the door (:mod:`analyse.data.screen`);
3. normalisation of text to canonical codes and numbers (Danish aliases, decimal comma,
   ``ved ikke``), reporting text that is not a number;
4. the pandera models of :mod:`analyse.data.schema` with ``lazy=True`` (codes, ranges,
   required values, pseudonym format, unique keys), their failure cases translated into
   problems;
5. cross-table rules: orphans, duplicate keys, relations in a wave where the resident was
   not assessed.

All problems are collected and raised together as one :class:`~analyse.errors.DataError`
(:class:`~analyse.errors.PrivacyError` when any of them is a privacy problem).
"""

from __future__ import annotations

import copy
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analyse.config import Lang
from analyse.data import screen
from analyse.data.csvbytes import EarlyRead
from analyse.data.dataset import Dataset
from analyse.data.io import PendingTables, RawTable, ReadIssue, notice_text, read_raw_tables
from analyse.data.schema import (
    MISSING_SPELLINGS,
    NO_PRACTICE,
    NO_PRACTICE_SPELLINGS,
    PSEUDONYM_PATTERN,
    SCALES,
    TABLES,
    ColumnSpec,
    canonical_column,
    empty_frame,
    fold,
    header_lookup,
    model_schema,
    table_spec,
    value_lookup,
)
from analyse.errors import DataError, PrivacyError
from analyse.problems import Problem

log = logging.getLogger(__name__)


#: Rule texts by problem code, in Danish and English. ``{...}`` fields come from the problem.
RULES: dict[str, dict[str, str]] = {
    "missing_table": {
        "da": "Tabellen '{table}' ({table_da}) mangler: den skal leveres som fil eller ark",
        "en": "The table '{table}' ({table_da}) is missing: deliver it as a file or sheet",
    },
    "duplicate_table": {
        "da": "Tabellen '{table}' findes to gange (også i {other})",
        "en": "The table '{table}' is delivered twice (also in {other})",
    },
    "empty_file": {
        "da": "Filen er tom: den skal have en overskriftsrække og en række pr. {unit}",
        "en": "The file is empty: it needs a header row and one row per {unit}",
    },
    "no_header": {
        "da": "Filen har ingen genkendelig overskriftsrække (forventet fx {expected})",
        "en": "The file has no recognisable header row (expected e.g. {expected})",
    },
    "missing_column": {
        "da": "Den krævede kolonne '{header}' ({name}) mangler",
        "en": "The required column '{name}' ({header}) is missing",
    },
    "duplicate_column": {
        "da": "Kolonnen '{name}' står to gange (også som '{other}')",
        "en": "The column '{name}' appears twice (also as '{other}')",
    },
    "empty_header": {
        "da": "Cellen står i en kolonne uden overskrift (rækken har flere celler end overskriftsrækken)",
        "en": "The cell is in a column without a header (the row has more cells than the header row)",
    },
    "unknown_code": {
        "da": "Ukendt værdi; tilladt er: {allowed}",
        "en": "Unknown value; allowed are: {allowed}",
    },
    "not_a_number": {
        "da": "Skal være et helt tal",
        "en": "Must be a whole number",
    },
    "not_whole": {
        "da": "Skal være et helt tal (ingen decimaler)",
        "en": "Must be a whole number (no decimals)",
    },
    "out_of_range": {
        "da": "Skal ligge mellem {low} og {high}",
        "en": "Must lie between {low} and {high}",
    },
    "missing_value": {
        "da": "Værdien mangler, men kolonnen skal udfyldes",
        "en": "The value is missing but the column is required",
    },
    "partly_answered": {
        "da": "Værdien mangler; udfyld den i hver række, eller lad kolonnen stå tom i alle rækker, "
        "hvis spørgsmålet ikke blev stillet",
        "en": "The value is missing; fill it in in every row, or leave the column empty in every "
        "row if the question was not asked",
    },
    "not_pseudonym": {
        "da": "Skal være et pseudonym (bogstaver og cifre, mindst ét ciffer, ingen mellemrum, højst 32 tegn) – aldrig et navn",
        "en": "Must be a pseudonym (letters and digits, at least one digit, no spaces, at most 32 characters) – never a name",
    },
    "bad_code_format": {
        "da": "Skal være en kode (bogstaver, også æ, ø, å, cifre, _ . -, ingen mellemrum, højst 32 tegn)",
        "en": "Must be a code (letters, æ, ø, å included, digits, _ . -, no spaces, at most 32 characters)",
    },
    "bad_site_code": {
        "da": "Skal være en botilbudskode (bogstaver, også æ, ø, å, cifre, _ -, ingen mellemrum eller punktum, højst 32 tegn) og ikke samlet, index eller et Windows-navn som CON, NUL, COM1",
        "en": "Must be a site code (letters, æ, ø, å included, digits, _ -, no spaces or dots, at most 32 characters), not samlet, index or a Windows name such as CON, NUL, COM1",
    },
    "site_case_twin": {
        "da": "Botilbuddet staves også '{other}' ({where}, række {first}); brug én stavemåde – ellers overskriver deres rapporter hinanden på Windows og macOS",
        "en": "The site is also spelt '{other}' ({where}, row {first}); use one spelling – otherwise their reports overwrite each other on Windows and macOS",
    },
    "bad_month": {
        "da": "Skal være en måned skrevet ÅÅÅÅ-MM",
        "en": "Must be a month written YYYY-MM",
    },
    "duplicate_key": {
        "da": "Dobbelt række: samme {key} som række {first}",
        "en": "Duplicate row: same {key} as row {first}",
    },
    "orphan": {
        "da": "{what} '{ref}' findes ikke i {target}",
        "en": "{what} '{ref}' does not exist in {target}",
    },
    "not_assessed": {
        "da": "Relation i målingen '{wave}', men borgeren har ingen række i borgermaal for den måling",
        "en": "Relation in wave '{wave}', but the resident has no outcomes row for that wave",
    },
    "no_rows": {
        "da": "Tabellen har ingen rækker",
        "en": "The table has no rows",
    },
    "cpr_number": {
        "da": "Ligner et CPR-nummer: data må kun indeholde pseudonymer. Fjern værdien",
        "en": "Looks like a CPR number: data may only hold pseudonyms. Remove the value",
    },
    "email": {
        "da": "Indeholder en e-mailadresse: den kan identificere en person. Fjern den",
        "en": "Holds an e-mail address: it could identify a person. Remove it",
    },
    "phone": {
        "da": "Indeholder et telefonnummer: det kan identificere en person. Fjern det",
        "en": "Holds a phone number: it could identify a person. Remove it",
    },
    "identifying_column": {
        "da": "Kolonnen ligner {what} og kan identificere personer: fjern kolonnen",
        "en": "The column looks like {what} and could identify people: remove the column",
    },
    "birth_date_values": {
        "da": "Kolonnen indeholder fulde datoer (mulige fødselsdatoer): fjern kolonnen",
        "en": "The column holds full dates (possible birth dates): remove the column",
    },
    # Files that cannot be read as they are (analyse.data.io): hostile or damaged input.
    "unreadable_file": {
        "da": "Filen kan ikke læses: luk den i andre programmer, og tjek at du har adgang til den",
        "en": "The file cannot be read: close it in other programs and check that you may read it",
    },
    "not_a_file_fifo": {
        "da": "Filen er en FIFO (en navngiven pipe), ikke en almindelig fil, og læses ikke (den kunne vente for evigt): læg den rigtige fil i stedet",
        "en": "The file is a FIFO (a named pipe), not a regular file, and is not read (it could wait for ever): put the real file in its place",
    },
    "not_a_file_device": {
        "da": "Filen er en enhed (fx /dev/zero), ikke en almindelig fil, og læses ikke: læg den rigtige fil i stedet",
        "en": "The file is a device (e.g. /dev/zero), not a regular file, and is not read: put the real file in its place",
    },
    "not_a_file_socket": {
        "da": "Filen er en socket, ikke en almindelig fil, og læses ikke: læg den rigtige fil i stedet",
        "en": "The file is a socket, not a regular file, and is not read: put the real file in its place",
    },
    "not_a_file_symlink_loop": {
        "da": "Filen er en løkke af symbolske links, der aldrig når en fil: læg den rigtige fil i stedet",
        "en": "The file is a loop of symbolic links that never reaches a file: put the real file in its place",
    },
    "not_a_file_folder": {
        "da": "Stien er en mappe, ikke en fil: læg den rigtige fil i stedet",
        "en": "The path is a folder, not a file: put the real file in its place",
    },
    "not_a_file_special": {
        "da": "Filen er ikke en almindelig fil og læses ikke: læg den rigtige fil i stedet",
        "en": "The file is not a regular file and is not read: put the real file in its place",
    },
    "file_too_large": {
        "da": "Filen er for stor ({mb} MB; højst {limit} MB læses) eller voksede, mens den blev læst: aflever tabellen som en almindelig, færdig fil",
        "en": "The file is too large ({mb} MB; at most {limit} MB are read) or grew while it was read: deliver the table as a regular, finished file",
    },
    "read_timeout": {
        "da": "Filen blev ikke færdiglæst inden for {seconds} sekunder (fx et netværksdrev, der ikke svarer): kopiér den til en lokal mappe, og kør igen",
        "en": "The file was not read within {seconds} seconds (e.g. a network drive that does not answer): copy it to a local folder and run again",
    },
    "formula_without_value": {
        "da": "Formel uden gemt resultat — åbn og gem i Excel (filen er skrevet af et program, og Excel har aldrig beregnet cellen; værdien ville ellers mangle)",
        "en": "Formula without a stored result — open and save in Excel (a program wrote the file and Excel never calculated the cell; the value would otherwise be missing)",
    },
    "excel_error": {
        "da": "Cellen viser Excels fejlværdi {error} (fx en formel, der fejler, eller en værdi indsat fra en), ikke en værdi: ret formlen eller skriv værdien",
        "en": "The cell shows Excel's error value {error} (e.g. a formula that fails, or a value pasted from one), not a value: fix the formula or type the value",
    },
    "date_formatted_number": {
        "da": "Cellen er formateret som dato i Excel, så tallet {number} vises som datoen {date}: formatér kolonnen som Tal eller Standard, og gem igen",
        "en": "The cell is formatted as a date in Excel, so the number {number} shows as the date {date}: format the column as Number or General and save again",
    },
    "merged_cell": {
        "da": "Cellen er en del af de flettede celler {range}: Excel viser den første celles værdi i dem alle, men filen har den kun i den første. Ophæv fletningen, og udfyld hver række",
        "en": "The cell is part of the merged cells {range}: Excel shows the first cell's value across them, but the file holds it in the first only. Unmerge the cells and fill in every row",
    },
    "chart_sheet": {
        "da": "Arket er et diagramark uden celler, ikke en tabel: læg tabellen i et almindeligt ark med det navn, eller omdøb diagramarket",
        "en": "The sheet is a chart sheet without cells, not a table: put the table in an ordinary sheet of that name, or rename the chart sheet",
    },
    "not_a_dataset": {
        "da": "Hverken en mappe eller en .xlsx-projektmappe: angiv mappen med CSV-filerne eller .xlsx-filen",
        "en": "Neither a folder nor an .xlsx workbook: give the folder of CSV files or the .xlsx file",
    },
    "encrypted_workbook": {
        "da": "Projektmappen er krypteret (adgangskode) eller i det gamle .xls-format: gem den i Excel som .xlsx uden adgangskode",
        "en": "The workbook is encrypted (password) or in the old .xls format: save it in Excel as .xlsx without a password",
    },
    "damaged_workbook": {
        "da": "Projektmappen er beskadiget eller ufuldstændig (fx ikke færdigkopieret): åbn den i Excel, og gem den igen",
        "en": "The workbook is damaged or incomplete (e.g. not fully copied): open it in Excel and save it again",
    },
    "archive_too_large": {
        "da": "Filen pakker ud til for meget ({mb} MB i én del; højst {limit} MB og {ratio} gange den pakkede størrelse) og er afvist",
        "en": "The file unpacks to too much ({mb} MB in one part; at most {limit} MB and {ratio} times its packed size) and is refused",
    },
    "sheet_too_large": {
        "da": "Arket er for stort: der er celler ud til række {rows} og kolonne {columns}; højst {limit} celler læses. Slet indhold langt fra tabellen",
        "en": "The sheet is too large: it has cells out to row {rows} and column {columns}; at most {limit} cells are read. Delete content far from the table",
    },
    "too_many_columns": {
        "da": "Rækken har {n} kolonner; højst {limit} læses (tabellerne har omkring ti)",
        "en": "The row has {n} columns; at most {limit} are read (the tables have about ten)",
    },
    "too_many_rows": {
        "da": "Filen har {n} linjer; højst {limit} læses (så mange rækker, som et Excel-ark kan have)",
        "en": "The file has {n} lines; at most {limit} are read (as many rows as an Excel sheet holds)",
    },
    "cell_too_long": {
        "da": "Cellen har {n} tegn; højst {limit} er tilladt (Excels grænse)",
        "en": "The cell has {n} characters; at most {limit} are allowed (Excel's limit)",
    },
    "nul_byte": {
        "da": "Cellen indeholder et NUL-tegn (byte 0), som ingen tekst har: ret cellen, eller gem filen igen som CSV UTF-8",
        "en": "The cell holds a NUL character (byte 0), which no text has: fix the cell, or save the file again as CSV UTF-8",
    },
    "mixed_encoding": {
        "da": "Linjen er ikke UTF-8 som resten af filen (fx Windows-1252 indsat fra en anden fil): gem filen igen som CSV UTF-8",
        "en": "The line is not UTF-8 like the rest of the file (e.g. Windows-1252 pasted from another file): save the file again as CSV UTF-8",
    },
    "unbalanced_quote": {
        "da": 'Et anførselstegn (") i rækken lukkes aldrig, så resten af filen ville blive læst som én celle: ret eller fjern det',
        "en": 'A quote (") in the row is never closed, so the rest of the file would be read as one cell: fix or remove it',
    },
    "unparsable_csv": {
        "da": "Filen kan ikke læses som CSV",
        "en": "The file cannot be read as CSV",
    },
}

PRIVACY_CODES = frozenset(
    {"cpr_number", "email", "phone", "identifying_column", "birth_date_values"}
)

UNITS = {
    "residents": ("borger", "resident"),
    "relations": ("relation", "relationship"),
    "outcomes": ("borger og måling", "resident and wave"),
    "understanding": ("besvarelse", "answer"),
    "items": ("spørgsmål", "item"),
    "assessments": ("vurdering", "rating"),
    "practices": ("praksis", "practice"),
}

RATING_WORDS = {
    fold("helt uenig"): "1",
    fold("uenig"): "2",
    fold("hverken enig eller uenig"): "3",
    fold("neutral"): "3",
    fold("enig"): "4",
    fold("helt enig"): "5",
    fold("strongly disagree"): "1",
    fold("disagree"): "2",
    fold("neither agree nor disagree"): "3",
    fold("agree"): "4",
    fold("strongly agree"): "5",
}


def rule_text(code: str, lang: Lang = "da", **fields: object) -> str:
    """The sentence for a rule in the language asked for."""
    template = RULES[code][lang]
    try:
        return template.format(**fields)
    except (KeyError, IndexError):  # pragma: no cover - a missing field is a bug, not user error
        return template


@dataclass
class _Collector:
    lang: Lang
    problems: list[Problem] = field(default_factory=list)
    seen: set[tuple[str, int | None, str | None]] = field(default_factory=set)

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: object,
        code: str,
        **fields: object,
    ) -> None:
        key = (file, row, column)
        if row is not None and key in self.seen:
            return  # one problem per cell: the first (most specific) one
        self.seen.add(key)
        text = (
            None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
        )
        self.problems.append(
            Problem(file, row, column, text, rule_text(code, self.lang, **fields), code)
        )


# --------------------------------------------------------------------------- public API


def read_dataset(
    path: str | Path,
    *,
    lang: Lang = "da",
    scales: Mapping[str, tuple[int, int]] | None = None,
    early: EarlyRead | None = None,
) -> Dataset:
    """Read and validate a data set: a folder of CSV files or one XLSX workbook.

    Parameters
    ----------
    path
        A folder with one file per table (English or Danish file names) or an ``.xlsx``
        workbook with one sheet per table.
    lang
        Language of the problem messages: ``"da"`` (default) or ``"en"``.
    scales
        Ranges of configurable scales, e.g. ``{"loneliness": (3, 12)}``; default
        :data:`analyse.data.schema.SCALES` (3-item UCLA, 3-9).
    early
        The folder's files, being read already (:class:`~analyse.data.csvbytes.EarlyRead`: the
        command line starts reading before its imports).

    Returns
    -------
    Dataset
        Canonical English names and codes, canonical dtypes; optional tables that were not
        delivered are present and empty.

    Raises
    ------
    DataError
        With ``.problems``, every problem found; :class:`PrivacyError` (a subclass) when any
        problem could identify a person.
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():  # a loop of links is named by the reader
        raise DataError(
            [Problem(str(path), None, None, None, _not_found(lang), "not_found")],
            f"{path} does not exist",
        )
    # Files are read on two threads while the tables already read are checked.
    # Not ``with``: leaving it would wait for a read that hangs (every read has its bound).
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        try:
            raw, clashes, warnings = read_raw_tables(path, pool=pool, early=early)
        except ReadIssue as issue:
            out = _Collector(lang)
            (file, row, column, value, code), fields = issue.as_issue()
            out.add(file, row, column, value, code, **fields)
            raise DataError(out.problems) from None
        # pandera's one-time set-up (its backends' imports, the models with these scales)
        # while the first files are parsed.
        for table in TABLES:
            _schema_for(table, {**SCALES, **(scales or {})})
        ds = validate_raw(raw, source=path.name, clashes=clashes, lang=lang, scales=scales)
        ds.input_sha256 = {rt.file: rt.sha256 for rt in raw.values() if rt.sha256}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    ds.warnings = [notice_text(w, lang) for w in warnings] + ds.warnings
    for w in ds.warnings:
        log.warning(w)
    return ds


def _not_found(lang: Lang) -> str:
    return "Stien findes ikke" if lang == "da" else "The path does not exist"


def validate_raw(
    raw: Mapping[str, RawTable],
    *,
    source: str = "",
    clashes: Iterable[tuple[str, str]] = (),
    lang: Lang = "da",
    scales: Mapping[str, tuple[int, int]] | None = None,
) -> Dataset:
    """Validate raw text tables; return the data set or raise with every problem."""
    out = _Collector(lang)
    scales = {**SCALES, **(scales or {})}
    warnings: list[str] = []
    for file, code in clashes:
        _, table, other = code.split(":", 2)
        out.add(file, None, None, None, "duplicate_table", table=table, other=other)
    for table in TABLES:
        spec = table_spec(table)
        if spec.required and table not in raw:
            out.add(source or ".", None, None, None, "missing_table", table=table, table_da=spec.da)

    coded: dict[str, _Coded] = {}
    texts: dict[str, _Text] = {}
    headers: dict[str, dict[str, str]] = {}
    table_warnings: dict[str, list[str]] = {}
    # Each table's checks look at that table alone: tables still being read are checked when
    # they arrive. Problems are sorted below, and everything kept in the contract's order, so
    # the result does not depend on which file was read first.
    for table in _as_read(raw):
        rt = raw[table]
        for args, fields in rt.issues:  # first: the most specific problem of a cell
            out.add(*args, **fields)
        if not rt.readable:
            continue
        result = _check_table(rt, out, lang, table_warnings.setdefault(table, []))
        if result is None:
            continue
        text, header_of = result
        coded[table] = _normalise(rt, text, header_of, out, scales)
        texts[table] = text
        headers[table] = header_of
    coded, texts, headers = ({t: d[t] for t in TABLES if t in d} for d in (coded, texts, headers))
    files = {t: raw[t].file for t in coded}
    _run_schemas(
        (_Checked(t, files[t], coded[t], texts[t], headers[t]) for t in coded), out, scales
    )
    warnings += [w for t in TABLES for w in table_warnings.get(t, [])]

    _cross_table(coded, texts, headers, files, out)
    _site_case_twins(texts, headers, files, out)

    if out.problems:
        problems = sorted(
            out.problems,
            key=lambda p: (p.file, p.row if p.row is not None else -1, p.column or ""),
        )
        cls = PrivacyError if any(p.code in PRIVACY_CODES for p in problems) else DataError
        raise cls(problems)
    # The frames already have the canonical dtypes (_Coded.typed is apply_dtypes on codes), so
    # the data set is built from them as they are; tables not delivered are empty.
    ds = Dataset(**{t: coded[t].typed() if t in coded else empty_frame(t) for t in TABLES})
    ds.sources = {t: raw[t].file for t in coded}
    ds.warnings = warnings
    return ds


def _as_read(raw: Mapping[str, RawTable]) -> Iterator[str]:
    """The contract's tables present in ``raw``: as their reading finishes when they are being
    read (:class:`~analyse.data.io.PendingTables`), else in the contract's order."""
    if isinstance(raw, PendingTables):
        yield from (t for t in raw.as_read() if t in TABLES)
    else:
        yield from (t for t in TABLES if t in raw)


def _site_case_twins(
    texts: Mapping[str, _Text],
    headers: Mapping[str, Mapping[str, str]],
    files: Mapping[str, str],
    out: _Collector,
) -> None:
    """Site codes that differ only in case (``H8`` and ``h8``): one problem per later spelling.

    A site's report is a file named after its code, and Windows and macOS do not tell ``H8``
    from ``h8`` in file names.
    """
    first: dict[str, tuple[str, int, str]] = {}  # casefolded code -> (spelling, row, file)
    for table, text in texts.items():
        if "site_id" not in text.columns:
            continue
        codes = text["site_id"].dropna()
        for row, code in codes[~codes.duplicated()].items():
            # NFC: the same code typed composed or decomposed is one site (made NFC when read)
            code = unicodedata.normalize("NFC", str(code).strip())
            key = code.casefold()
            if key not in first:
                first[key] = (code, int(row), files[table])
            elif first[key][0] != code:
                out.add(
                    files[table],
                    int(row),
                    headers[table].get("site_id", "site_id"),
                    code,
                    "site_case_twin",
                    other=first[key][0],
                    first=first[key][1],
                    where=first[key][2],
                )


# --------------------------------------------------------------------------- file level


class _Text:
    """A table's contract columns as written (text), by canonical name.

    Each column is made from the table's codes when first asked for: the checks work on codes
    and distinct values, and need the text of a few rows only (those they report).
    """

    def __init__(self, rt: RawTable, positions: dict[str, int]) -> None:
        self._rt = rt
        #: Canonical name -> position of the column in the file.
        self.positions = positions
        self.columns = list(positions)
        self.index = rt.index
        self._made: dict[str, pd.Series] = {}

    def __getitem__(self, name: str) -> pd.Series:
        if name not in self._made:
            self._made[name] = self._rt.column(self.positions[name]).rename(name)
        return self._made[name]

    def __len__(self) -> int:
        return len(self.index)


def _check_table(
    rt: RawTable, out: _Collector, lang: Lang, warnings: list[str]
) -> tuple[_Text, dict[str, str]] | None:
    """Map headers; screen unknown columns; report file-level problems."""
    spec = table_spec(rt.table)
    if rt.n_columns == 0:
        out.add(
            rt.file, None, None, None, "empty_file", unit=UNITS[rt.table][0 if lang == "da" else 1]
        )
        return None
    lookup = header_lookup(rt.table)
    mapped: dict[str, str] = {}  # canonical -> header as written
    unknown: list[str] = []
    position: dict[str, int] = {}
    headerless: list[int] = []
    for i, header in enumerate(rt.headers):
        if header == "":
            headerless.append(i)
            continue
        canonical = lookup.get(fold(header))
        if canonical is None:
            unknown.append(header)
            position[header] = i
        elif canonical in mapped:
            out.add(
                rt.file,
                rt.header_row,
                header,
                header,
                "duplicate_column",
                name=header,
                other=mapped[canonical],
            )
        else:
            mapped[canonical] = header
            position[header] = i
    # Privacy screen of every cell, in known and unknown columns.
    for args, fields in screen.screen_table(rt, known=mapped, unknown=unknown, lang=lang):
        out.add(*args, **fields)
    # After the screen, so that a CPR number in a headerless cell is reported masked.
    for i in headerless:
        column = rt.column(i)
        for row, value in column[column.str.strip() != ""].items():
            out.add(rt.file, int(row), rt.column_name(i), value.strip(), "empty_header")
    n_required = sum(c.required for c in spec.columns)
    if len(mapped) < max(1, -(-n_required // 2)):
        # Fewer than half of the required columns recognised: the first row is data, or the
        # file is not this table. Reporting every missing column would only add noise.
        expected = ", ".join(c.header("da") for c in spec.columns[:3])
        out.add(
            rt.file,
            rt.header_row,
            None,
            ";".join(rt.headers[:4]),
            "no_header",
            expected=expected,
        )
        return None
    for header in unknown:
        if not screen.identifying_header(header):
            warnings.append(
                f"{rt.file}: kolonnen '{header}' er ikke i datakontrakten for "
                f"{table_spec(rt.table).da}; den springes over"
                if lang == "da"
                else f"{rt.file}: column '{header}' is not in the data contract for {rt.table}; "
                "ignored"
            )
    for c in spec.columns:
        if c.required and c.name not in mapped:
            out.add(
                rt.file,
                rt.header_row,
                c.header("da"),
                None,
                "missing_column",
                header=c.da,
                name=c.name,
            )
    return _Text(rt, {c: position[h] for c, h in mapped.items()}), mapped


# --------------------------------------------------------------------------- normalisation


@dataclass
class _Coded:
    """A normalised table held as codes: for each column, the distinct canonical values and,
    for each row, the position of its value among them (``-1``: missing).

    Checks that compare values (pandera's, keys, orphans) work on the distinct values and on
    integer codes, never on the strings of every row; :meth:`typed` builds the canonical frame
    the same way (each distinct value converted once, then taken by the codes).
    """

    table: str
    index: pd.Index
    columns: dict[str, tuple[np.ndarray, np.ndarray]]

    def __len__(self) -> int:
        return len(self.index)

    @property
    def empty(self) -> bool:
        return len(self.index) == 0

    def typed(self) -> pd.DataFrame:
        """The table with canonical dtypes, as :func:`~analyse.data.schema.apply_dtypes` gives it."""
        result = {}
        for c in table_spec(self.table).columns:
            codes, values = self.columns[c.name]
            distinct = canonical_column(c, pd.Series(values, dtype=object))
            result[c.name] = pd.Series(
                distinct.array.take(codes, allow_fill=True), index=self.index, copy=False
            )
        return pd.DataFrame(result, index=self.index)


def _normalise(
    rt: RawTable,
    frame: _Text,
    header_of: dict[str, str],
    out: _Collector,
    scales: Mapping[str, tuple[int, int]],
) -> _Coded:
    """Text to canonical values, column by column, on unique values (fast on big tables).

    Returns the table as codes into each column's distinct canonical values (:class:`_Coded`);
    text that is not a whole number is reported here and is missing in the result.
    """
    spec = table_spec(rt.table)
    result: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for c in spec.columns:
        if c.name not in frame.columns:
            result[c.name] = (np.full(len(frame), -1, dtype=np.intp), np.empty(0, dtype=object))
            continue
        codes, uniques = rt.factorized(frame.positions[c.name])
        if c.kind in ("id", "text") and not (c.table == "residents" and c.name == "practice"):
            mapped = np.fromiter(map(str.strip, uniques), dtype=object, count=len(uniques))
            # NFC: a site code typed as A + combining ring is the code written with Å (the
            # two look the same and must be one site, one report, one pseudonym).
            wide = ~np.fromiter(map(str.isascii, mapped), dtype=bool, count=len(mapped))
            if wide.any():
                mapped[wide] = [unicodedata.normalize("NFC", v) for v in mapped[wide]]
            empty = mapped == ""
            if not empty.any() and (mapped == uniques).all():
                # Nothing to strip and nothing empty (ids as written): each distinct text is a
                # distinct value, in the same order.
                result[c.name] = (codes, uniques)
                continue
            mapped[empty] = pd.NA
        else:
            mapped = np.array([_normalise_value(c, v) for v in uniques], dtype=object)
        if c.kind == "int" and len(uniques):
            bad_unique = np.fromiter(
                (isinstance(v, _Bad) for v in mapped), dtype=bool, count=len(mapped)
            )
            if bad_unique.any():
                bad = np.append(bad_unique, False)[codes]
                for row, v in zip(frame.index[bad], mapped[codes[bad]], strict=True):
                    out.add(rt.file, int(row), header_of[c.name], v.text, v.code)
                mapped = np.where(bad_unique, pd.NA, mapped)
        # Distinct canonical values in the order they first occur in the rows (several
        # spellings can give the same value), and each row's position among them.
        to_value, values = pd.factorize(mapped, sort=False, use_na_sentinel=True)
        row_codes = np.append(to_value, -1)[codes].astype(np.intp, copy=False)
        result[c.name] = (row_codes, np.asarray(values, dtype=object))
    return _Coded(rt.table, frame.index, result)


@dataclass(frozen=True)
class _Bad:
    text: str
    code: str


def _normalise_value(c: ColumnSpec, raw: str) -> object:
    text = raw.strip()
    if c.kind in ("id", "text", "month"):
        if text == "":
            return pd.NA
        if c.table == "residents" and c.name == "practice" and fold(text) in NO_PRACTICE_SPELLINGS:
            return NO_PRACTICE
        if c.kind == "month":
            m = re.fullmatch(r"(\d{4})-(\d{2})-01(?: 00:00:00)?", text)
            if m:
                return f"{m.group(1)}-{m.group(2)}"
            m = re.fullmatch(r"(\d{1,2})[./-](\d{4})", text)
            if m:
                return f"{m.group(2)}-{int(m.group(1)):02d}"
        return text
    folded = fold(text)
    if c.kind in ("code", "bool"):
        if folded in MISSING_SPELLINGS and not (
            c.table == "outcomes" and c.name == "wants_more" and folded == "ved_ikke"
        ):
            return pd.NA
        return value_lookup(c.table, c.name).get(folded, text)
    # whole numbers
    if folded in MISSING_SPELLINGS:
        return pd.NA
    if c.name == "rating" and folded in RATING_WORDS:
        return int(RATING_WORDS[folded])
    number = text.replace("\u2212", "-").replace(" ", "")
    if re.fullmatch(r"[+-]?\d+", number):
        return int(number)
    number = number.replace(",", ".")
    try:
        x = float(number)
    except ValueError:
        return _Bad(text, "not_a_number")
    if not np.isfinite(x):
        return _Bad(text, "not_a_number")
    if not x.is_integer():
        return _Bad(text, "not_whole")
    return int(x)


# --------------------------------------------------------------------------- schema


def _schema_for(table: str, scales: Mapping[str, tuple[int, int]]) -> pa.DataFrameSchema:
    """The pandera schema of a table, with the configured scales, ready to validate.

    pandera registers its pandas backends (and imports its modules for them) at the first
    validation in a process; that one-time cost is taken here, with the schema, rather than in
    the middle of the first data set's checks.
    """
    ranges = tuple(
        (c.name, tuple(scales[c.configurable_range]))
        for c in table_spec(table).columns
        if c.configurable_range and c.configurable_range in scales
    )
    return _schema_with_ranges(table, ranges)


@cache
def _schema_with_ranges(
    table: str, ranges: tuple[tuple[str, tuple[int, int]], ...]
) -> pa.DataFrameSchema:
    """The schema of :func:`_schema_for`, built once per table and scales."""
    pa.DataFrameSchema.register_default_backends(pd.DataFrame)
    schema = model_schema(table)
    for name, (low, high) in ranges:
        schema = schema.update_column(name, checks=[pa.Check.ge(low), pa.Check.le(high)])
    return schema


def _range(c: ColumnSpec, scales: Mapping[str, tuple[int, int]]) -> tuple[int | None, int | None]:
    if c.configurable_range and c.configurable_range in scales:
        return scales[c.configurable_range]
    return c.ge, c.le


@dataclass
class _Checked:
    """A table whose columns are to be checked against its pandera model."""

    table: str
    file: str
    coded: _Coded
    text: _Text
    header_of: dict[str, str]


@dataclass
class _Distinct:
    """One column's distinct values, as pandera checks them."""

    key: str  # "table.column": unique across the tables checked together
    owner: _Checked
    spec: ColumnSpec
    codes: np.ndarray
    values: list
    na_position: int | None


def _run_schemas(
    tables: Iterable[_Checked], out: _Collector, scales: Mapping[str, tuple[int, int]]
) -> None:
    """Run each table's pandera column checks on each column's distinct values.

    Every check of the contract is element-wise (codes, ranges, patterns, required values), so
    checking each distinct value once and mapping failures back to the rows that hold it
    gives the same problems as checking every row — in a fraction of the time on national
    data. Uniqueness is a cross-table rule (:func:`_cross_table`) and is not repeated here.

    The columns of all tables are checked in a few pandera calls (each call has a fixed cost):
    columns with few distinct values share one frame, padded to the longest by repeating the
    first value (failures at padded positions are ignored); columns with many (ids) share
    frames with columns of a similar length, so that little padding is checked.
    """
    schemas: dict[str, pa.DataFrameSchema] = {}
    columns: list[_Distinct] = []
    for checked in tables:
        schemas[checked.table] = _schema_for(checked.table, scales)
        for c in table_spec(checked.table).columns:
            if c.name not in checked.header_of:
                continue
            codes, uniques = checked.coded.columns[c.name]
            values = list(uniques)
            na_position = None
            if (codes == -1).any():
                na_position = len(values)
                values.append(pd.NA)
            key = f"{checked.table}.{c.name}"
            columns.append(_Distinct(key, checked, c, codes, values, na_position))
    groups: dict[int, list[_Distinct]] = {}
    for d in columns:
        groups.setdefault(_length_class(len(d.values)), []).append(d)
    for _, group in sorted(groups.items()):
        _check_distinct(group, schemas, out, scales)


def _length_class(n: int) -> int:
    """0 for up to 5,000 values; then one class per factor of 4 (5,001-20,000, ...)."""
    k = 0
    while n > 5000 * 4**k:
        k += 1
    return k


def _check_distinct(
    group: list[_Distinct],
    schemas: Mapping[str, pa.DataFrameSchema],
    out: _Collector,
    scales: Mapping[str, tuple[int, int]],
) -> None:
    length = max(len(d.values) for d in group)
    columns = {}
    checks = {}
    for d in group:
        values = d.values
        padded = values + [values[0]] * (length - len(values)) if values else [pd.NA] * length
        columns[d.key] = pd.array(padded, dtype="Int64" if d.spec.kind == "int" else "string")
        # A copy: the table's schema is shared (built once) and stays as it is. Its checks run
        # as they are; its dtype does not apply, as the distinct values are text or whole
        # numbers (Int64) by construction, and their canonical dtypes are set afterwards.
        column_schema = copy.copy(schemas[d.owner.table].columns[d.spec.name]).set_name(d.key)
        column_schema.dtype = None
        column_schema.coerce = False
        column_schema.unique = False  # a cross-table rule (_cross_table)
        checks[d.key] = column_schema
    try:
        pa.DataFrameSchema(checks).validate(pd.DataFrame(columns), lazy=True)
    except SchemaErrors as err:
        by_key = {d.key: d for d in group}
        for key, by_value in _failed_values(err, by_key, scales).items():
            # Every row holding a failed value, found at once for the column (one pass over
            # the codes, however many distinct values failed).
            d = by_key[key]
            owner = d.owner
            hit = np.isin(d.codes, np.fromiter(by_value, dtype=np.intp, count=len(by_value)))
            written = owner.text[d.spec.name].to_numpy()[hit]
            header = owner.header_of[d.spec.name]
            rows = owner.coded.index[hit]
            for row, value_code, value in zip(rows, d.codes[hit], written, strict=True):
                code, fields = by_value[int(value_code)]
                out.add(owner.file, int(row), header, value.strip(), code, **fields)


def _failed_values(
    err: SchemaErrors, by_key: Mapping[str, _Distinct], scales: Mapping[str, tuple[int, int]]
) -> dict[str, dict[int, tuple[str, dict]]]:
    """For each column, the codes of its distinct values that failed, with the problem to report.

    The code is the value's position among the column's distinct values, ``-1`` for missing;
    a value failing several checks gets the first failure's problem.
    """
    failed: dict[str, dict[int, tuple[str, dict]]] = {}
    cases = err.failure_cases
    # Plain Python values, taken once per column (iterating pandas 3's Arrow-backed rows is
    # slow), and each (column, check) translated once.
    present = cases["index"].notna().to_numpy(dtype=bool)
    positions = cases["index"].to_numpy(dtype=object)
    case_columns = cases["column"].to_numpy(dtype=object)
    case_checks = cases["check"].to_numpy(dtype=object)
    translated: dict[tuple[str, str], tuple[str, dict]] = {}
    for ok, position, column, check in zip(
        present, positions, case_columns, case_checks, strict=True
    ):
        if not ok or column not in by_key:
            continue  # column-level failures are reported at file level
        d = by_key[column]
        position = int(position)
        if position >= len(d.values):
            continue  # padding
        key = (column, str(check))
        if key not in translated:
            translated[key] = _translate(str(check), d.spec, scales)
        code, fields = translated[key]
        if code == "duplicate_key":
            continue
        wanted = -1 if position == d.na_position else position
        failed.setdefault(column, {}).setdefault(wanted, (code, fields))
    return failed


def _translate(
    check: str, c: ColumnSpec, scales: Mapping[str, tuple[int, int]]
) -> tuple[str, dict]:
    if check.startswith("isin"):
        allowed = ", ".join(
            f"{code.da}/{code.code}" if code.da != code.code else code.code for code in c.codes
        )
        return "unknown_code", {"allowed": allowed}
    if check.startswith(("greater_than", "less_than", "in_range")):
        low, high = _range(c, scales)
        return "out_of_range", {"low": low, "high": high}
    if check == "not_nullable":
        return "missing_value", {}
    if check.startswith("str_matches"):
        if c.kind == "month":
            return "bad_month", {}
        if c.kind == "id" and PSEUDONYM_PATTERN in check:
            return "not_pseudonym", {}
        if c.name == "site_id":
            return "bad_site_code", {}
        return "bad_code_format", {}
    if check.startswith("str_length") and c.kind == "id":
        return "not_pseudonym", {}  # longer than PSEUDONYM_MAX_LENGTH
    if check == "field_uniqueness":
        return "duplicate_key", {}
    if check.startswith(("coerce_dtype", "dtype")):
        return "not_a_number", {}
    return "unknown_code", {"allowed": check}


# --------------------------------------------------------------------------- cross-table


KEYS: dict[str, tuple[str, ...]] = {
    "residents": ("resident_id",),
    "relations": ("resident_id", "wave", "alter_id"),
    "outcomes": ("resident_id", "wave"),
    "understanding": ("respondent_id", "site_id", "wave", "item"),
    "items": ("item",),
    "assessments": ("rater_id", "resident_id", "wave", "aspect"),
    "practices": ("practice",),
}


def _cross_table(
    tables: Mapping[str, _Coded],
    texts: Mapping[str, _Text],
    headers: Mapping[str, Mapping[str, str]],
    files: Mapping[str, str],
    out: _Collector,
) -> None:
    """Duplicate keys, orphans and relations in a wave without an outcomes row.

    Works on the integer codes of :class:`_Coded` tables: keys are compared as combined codes
    and references are looked up once per distinct value, then mapped back to the rows.
    """
    for table, key in KEYS.items():
        if table in tables and set(key) <= set(headers[table]) and not tables[table].empty:
            _duplicate_keys(tables[table], key, texts[table], headers[table], files[table], out)
    residents = tables.get("residents")
    if residents is not None and not {"resident_id", "site_id"} <= set(headers["residents"]):
        residents = None  # already reported as a missing column; orphans would only be noise
    for ref in _REFERENCES:
        _orphan_reference(ref, tables, headers, files, out, residents_ok=residents is not None)
    _relations_without_outcomes(tables, texts, headers, files, out, residents)
    _partly_answered(tables, headers, files, out)
    # required tables with no rows
    for table in ("residents",):
        if table in tables and tables[table].empty:
            out.add(files[table], None, None, None, "no_rows")


def _duplicate_keys(
    f: _Coded,
    key: tuple[str, ...],
    texts: _Text,
    headers: Mapping[str, str],
    file: str,
    out: _Collector,
) -> None:
    """Report every row whose key repeats an earlier row's (naming that first row)."""
    combined, complete = _combined_codes([f.columns[k] for k in key])
    rows = f.index[complete]
    combined = combined[complete]
    dup = pd.Index(combined).duplicated(keep=False)
    if not dup.any():
        return
    d_rows, d_keys = rows[dup], combined[dup]
    first_row = pd.Series(np.asarray(d_rows)).groupby(d_keys, sort=False).transform("min")
    first_row = first_row.to_numpy()
    key_words = ", ".join(headers[k] for k in key)
    later = np.asarray(d_rows) != first_row
    d_rows, first_row = d_rows[later], first_row[later]
    written = texts[key[-1]].loc[d_rows].to_numpy()
    for row, first, value in zip(d_rows, first_row, written, strict=True):
        out.add(
            file,
            int(row),
            headers[key[-1]],
            value.strip(),
            "duplicate_key",
            key=key_words,
            first=int(first),
        )


@dataclass(frozen=True)
class _Reference:
    """A column whose values must exist in another table (an orphan otherwise)."""

    table: str
    column: str
    target: str
    target_column: str
    what: tuple[str, str]  # the value's kind in a message, (da, en)
    target_words: str
    #: Columns the table also needs for the check (the respondent's role).
    needs: tuple[str, ...] = ()
    #: Values allowed besides the target's.
    also: tuple[str, ...] = ()
    #: Only the rows of this role are checked.
    role: str | None = None


_RESIDENTS = "borgere (residents)"
#: Every reference between tables, in the order its orphans are reported. Checks that involve
#: ``residents`` need its ``resident_id`` and ``site_id`` columns; an absent target table
#: allows no value, a target without its column is not checked (the missing column is
#: reported, and its orphans would only be noise).
# fmt: off
_REFERENCES = (
    #          table            column           target        target column
    _Reference("relations",     "resident_id",   "residents",  "resident_id",
               ("Borgeren", "The resident"), _RESIDENTS),
    _Reference("outcomes",      "resident_id",   "residents",  "resident_id",
               ("Borgeren", "The resident"), _RESIDENTS),
    _Reference("assessments",   "resident_id",   "residents",  "resident_id",
               ("Borgeren", "The resident"), _RESIDENTS),
    _Reference("understanding", "respondent_id", "residents",  "resident_id",
               ("Borgeren", "The resident"), _RESIDENTS, needs=("role",), role="resident"),
    _Reference("understanding", "site_id",       "residents",  "site_id",
               ("Botilbuddet", "The site"), _RESIDENTS),
    _Reference("understanding", "item",          "items",      "item",
               ("Spørgsmålet", "The item"), "spoergsmaal (items)"),
    _Reference("residents",     "practice",      "practices",  "practice",
               ("Praksis", "The practice"), "praksisser (practices) – eller 'none'",
               also=("none",)),
)
# fmt: on


def _orphan_reference(
    ref: _Reference,
    tables: Mapping[str, _Coded],
    headers: Mapping[str, Mapping[str, str]],
    files: Mapping[str, str],
    out: _Collector,
    *,
    residents_ok: bool,
) -> None:
    """Report the rows of ``ref.table`` whose ``ref.column`` is not in ``ref.target``."""
    if ref.table not in tables or not {ref.column, *ref.needs} <= set(headers.get(ref.table, {})):
        return
    if "residents" in (ref.table, ref.target) and not residents_ok:
        return
    if ref.target not in tables:
        allowed = _NO_VALUES
    elif ref.target_column not in headers.get(ref.target, {}):
        return
    else:
        allowed = tables[ref.target].columns[ref.target_column][1]
    if ref.also:
        allowed = np.append(allowed, list(ref.also))
    rows = None
    if ref.role is not None:
        role_codes, roles = tables[ref.table].columns["role"]
        rows = np.append(roles == ref.role, False)[role_codes]
    _orphans(
        tables[ref.table],
        ref.column,
        allowed,
        files[ref.table],
        headers[ref.table][ref.column],
        ref.what[0] if out.lang == "da" else ref.what[1],
        ref.target_words,
        out,
        rows=rows,
    )


def _relations_without_outcomes(
    tables: Mapping[str, _Coded],
    texts: Mapping[str, _Text],
    headers: Mapping[str, Mapping[str, str]],
    files: Mapping[str, str],
    out: _Collector,
    residents: _Coded | None,
) -> None:
    """Relations only in waves with an outcomes row (the resident was assessed)."""
    if "relations" not in tables or "outcomes" not in tables:
        return
    rel, oc = tables["relations"], tables["outcomes"]
    if not (
        {"resident_id", "wave"} <= set(headers["relations"])
        and {"resident_id", "wave"} <= set(headers["outcomes"])
    ):
        return
    # (resident, wave) as one integer in the outcomes' codes; the relations' codes are
    # translated into them first (-1: a value outcomes does not have).
    n_waves = len(oc.columns["wave"][1])
    o_res, o_wave = oc.columns["resident_id"][0], oc.columns["wave"][0]
    o_complete = (o_res >= 0) & (o_wave >= 0)
    assessed = o_res[o_complete].astype(np.int64) * n_waves + o_wave[o_complete]
    t_res, t_wave = (
        _translate_codes(rel.columns[k], oc.columns[k][1]) for k in ("resident_id", "wave")
    )
    r_complete = (rel.columns["resident_id"][0] >= 0) & (rel.columns["wave"][0] >= 0)
    found = (t_res >= 0) & (t_wave >= 0)
    r_key = np.where(found, t_res.astype(np.int64) * n_waves + t_wave, -1)
    missing = ~pd.Index(r_key[r_complete]).isin(assessed)
    if residents is not None:
        rc, rv = rel.columns["resident_id"]
        known = np.append(_object_index(rv).isin(residents.columns["resident_id"][1]), False)[rc]
        missing &= known[r_complete]
    bad_rows = rel.index[r_complete][missing]
    waves = texts["relations"]["wave"].loc[bad_rows].to_numpy()
    for row, wave in zip(bad_rows, waves, strict=True):
        written = wave.strip()
        out.add(
            files["relations"],
            int(row),
            headers["relations"]["wave"],
            written,
            "not_assessed",
            wave=written,
        )


_NO_VALUES = np.empty(0, dtype=object)

#: Questions a data collection may not have asked: empty in every row, or answered in every row.
NOT_ASKABLE = {"relations": ("resident_gives", "resident_receives")}


def _partly_answered(
    tables: Mapping[str, _Coded],
    headers: Mapping[str, Mapping[str, str]],
    files: Mapping[str, str],
    out: _Collector,
) -> None:
    """A question that may be not asked (empty everywhere) must otherwise be answered in every
    row: a missing answer among answers is a problem, never silently "no"."""
    for table, columns in NOT_ASKABLE.items():
        if table not in tables:
            continue
        f = tables[table]
        for column in columns:
            if column not in headers[table]:
                continue
            missing = f.columns[column][0] == -1
            if missing.any() and not missing.all():
                for row in f.index[missing]:
                    out.add(files[table], int(row), headers[table][column], "", "partly_answered")


def _object_index(values: np.ndarray) -> pd.Index:
    """An index of text values kept as Python objects, for ``isin`` and ``get_indexer``.

    pandas 3 would infer its string dtype, whose ``isin`` with object values compares in a
    Python loop (about five times slower on a million ids); an object index hashes them.
    """
    return pd.Index(values, dtype=object)


def _combined_codes(
    columns: list[tuple[np.ndarray, np.ndarray]], *, limit: int = 2**62
) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row for a key of several coded columns, and which rows have every part.

    Two rows with every part get the same integer exactly when they have the same value in
    every column. The combinations are renumbered whenever their count could reach ``limit``
    (keeps them within int64).
    """
    complete = np.logical_and.reduce([codes >= 0 for codes, _ in columns])
    combined = np.zeros(len(complete), dtype=np.int64)
    size = 1
    for codes, values in columns:
        n = max(len(values), 1)
        if size * n >= limit:  # renumber the combinations seen so far
            combined = pd.factorize(combined)[0].astype(np.int64)
            size = int(combined.max()) + 1 if len(combined) else 1
        combined = combined * n + np.maximum(codes, 0)
        size *= n
    return combined, complete


def _translate_codes(column: tuple[np.ndarray, np.ndarray], target: np.ndarray) -> np.ndarray:
    """Each row's value as a position among ``target``'s distinct values (-1: not among them)."""
    codes, values = column
    positions = (
        _object_index(target).get_indexer(values) if len(target) else np.full(len(values), -1)
    )
    return np.append(positions, -1)[codes]


def _orphans(
    table: _Coded,
    column: str,
    allowed: np.ndarray,
    file: str,
    header: str,
    what: str,
    target: str,
    out: _Collector,
    *,
    rows: np.ndarray | None = None,
) -> None:
    """Report the rows (of ``rows``, default all) whose value is not among ``allowed``."""
    codes, values = table.columns[column]
    unknown = ~_object_index(values).isin(allowed) if len(values) else np.zeros(0, dtype=bool)
    bad = np.append(unknown, False)[codes]
    if rows is not None:
        bad &= rows
    for row, code in zip(table.index[bad], codes[bad], strict=True):
        value = str(values[code])
        out.add(file, int(row), header, value, "orphan", what=what, ref=value, target=target)
