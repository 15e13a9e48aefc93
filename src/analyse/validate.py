"""Validation: from raw text tables to a :class:`~analyse.dataset.Dataset`, or every problem.

The steps, each reporting :class:`~analyse.problems.Problem` objects that name file, row,
column (as written in the file), value and rule:

1. file-level checks: missing required tables, empty or headerless files, missing or
   duplicated columns;
2. the privacy screen at the door (:mod:`analyse.screen`);
3. normalisation of text to canonical codes and numbers (Danish aliases, decimal comma,
   ``ved ikke``), reporting text that is not a number;
4. the pandera models of :mod:`analyse.schema` with ``lazy=True`` (codes, ranges,
   required values, pseudonym format, unique keys), their failure cases translated into
   problems;
5. cross-table rules: orphans, duplicate keys, relations in a wave where the resident was
   not assessed.

All problems are collected and raised together as one :class:`~analyse.errors.DataError`
(:class:`~analyse.errors.PrivacyError` when any of them is a privacy problem).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from analyse import screen
from analyse.dataset import Dataset
from analyse.errors import DataError, PrivacyError
from analyse.io import RawTable, read_raw_tables
from analyse.problems import Problem
from analyse.schema import (
    MISSING_SPELLINGS,
    MODELS,
    NO_PRACTICE,
    NO_PRACTICE_SPELLINGS,
    SCALES,
    TABLES,
    ColumnSpec,
    fold,
    header_lookup,
    table_spec,
    value_lookup,
)

log = logging.getLogger(__name__)

Lang = Literal["da", "en"]

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
    "not_pseudonym": {
        "da": "Skal være et pseudonym (bogstaver og cifre, mindst ét ciffer, ingen mellemrum, højst 32 tegn) – aldrig et navn",
        "en": "Must be a pseudonym (letters and digits, at least one digit, no spaces, at most 32 characters) – never a name",
    },
    "bad_code_format": {
        "da": "Skal være en kode (bogstaver, cifre, _ . -, ingen mellemrum, højst 32 tegn)",
        "en": "Must be a code (letters, digits, _ . -, no spaces, at most 32 characters)",
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
        :data:`analyse.schema.SCALES` (3-item UCLA, 3-9).

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
    if not path.exists():
        raise DataError(
            [Problem(str(path), None, None, None, _not_found(lang), "not_found")],
            f"{path} does not exist",
        )
    raw, clashes, warnings = read_raw_tables(path)
    ds = validate_raw(raw, source=path.name, clashes=clashes, lang=lang, scales=scales)
    ds.warnings = warnings + ds.warnings
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

    frames: dict[str, pd.DataFrame] = {}
    texts: dict[str, pd.DataFrame] = {}
    headers: dict[str, dict[str, str]] = {}
    for table in TABLES:
        if table not in raw:
            continue
        rt = raw[table]
        result = _check_table(rt, out, lang, warnings)
        if result is None:
            continue
        text, header_of = result
        frame = _normalise(rt, text, header_of, out, scales)
        _run_schema(table, rt.file, frame, text, header_of, out, scales)
        frames[table] = frame
        texts[table] = text
        headers[table] = header_of

    _cross_table(frames, texts, headers, {t: raw[t].file for t in frames}, out)

    if out.problems:
        problems = sorted(
            out.problems,
            key=lambda p: (p.file, p.row if p.row is not None else -1, p.column or ""),
        )
        cls = PrivacyError if any(p.code in PRIVACY_CODES for p in problems) else DataError
        raise cls(problems)
    ds = Dataset.from_frames(**frames)
    ds.sources = {t: raw[t].file for t in frames}
    ds.warnings = warnings
    return ds


# --------------------------------------------------------------------------- file level


def _check_table(
    rt: RawTable, out: _Collector, lang: Lang, warnings: list[str]
) -> tuple[pd.DataFrame, dict[str, str]] | None:
    """Map headers; screen unknown columns; report file-level problems."""
    spec = table_spec(rt.table)
    if rt.frame.shape[1] == 0:
        out.add(
            rt.file, None, None, None, "empty_file", unit=UNITS[rt.table][0 if lang == "da" else 1]
        )
        return None
    lookup = header_lookup(rt.table)
    mapped: dict[str, str] = {}  # canonical -> header as written
    unknown: list[str] = []
    position: dict[str, int] = {}
    headerless: list[int] = []
    for i, header in enumerate(rt.frame.columns):
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
        column = rt.frame.iloc[:, i]
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
            ";".join(rt.frame.columns[:4]),
            "no_header",
            expected=expected,
        )
        return None
    for header in unknown:
        if not screen.identifying_header(header):
            warnings.append(
                f"{rt.file}: column '{header}' is not in the data contract for {rt.table}; ignored"
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
    columns = {c: rt.frame.iloc[:, position[h]] for c, h in mapped.items()}
    frame = pd.DataFrame(columns, index=rt.frame.index)
    frame.attrs["positions"] = {c: position[h] for c, h in mapped.items()}
    return frame, mapped


# --------------------------------------------------------------------------- normalisation


def _normalise(
    rt: RawTable,
    frame: pd.DataFrame,
    header_of: dict[str, str],
    out: _Collector,
    scales: Mapping[str, tuple[int, int]],
) -> pd.DataFrame:
    """Text to canonical values, column by column, on unique values (fast on big tables)."""
    spec = table_spec(rt.table)
    result = {}
    for c in spec.columns:
        if c.name not in frame.columns:
            result[c.name] = pd.Series(pd.NA, index=frame.index, dtype=object)
            continue
        codes, uniques = rt.factorized(frame.attrs["positions"][c.name])
        if c.kind in ("id", "text") and not (c.table == "residents" and c.name == "practice"):
            stripped = [u.strip() for u in uniques]
            mapped = np.array([v if v else pd.NA for v in stripped], dtype=object)
        else:
            mapped = np.array([_normalise_value(c, v) for v in uniques], dtype=object)
        values = mapped[codes] if len(uniques) else np.array([], dtype=object)
        new = pd.Series(values, index=frame.index, dtype=object)
        if c.kind == "int" and len(uniques):
            bad_unique = np.fromiter(
                (isinstance(v, _Bad) for v in mapped), dtype=bool, count=len(mapped)
            )
            if bad_unique.any():
                bad = np.append(bad_unique, False)[codes]
                for row, v in new[bad].items():
                    out.add(rt.file, int(row), header_of[c.name], v.text, v.code)
                new = new.where(~bad, other=pd.NA)
        result[c.name] = new
    return pd.DataFrame(result, index=frame.index)


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
    schema = MODELS[table].to_schema()
    for c in table_spec(table).columns:
        if c.configurable_range and c.configurable_range in scales:
            low, high = scales[c.configurable_range]
            schema = schema.update_column(c.name, checks=[pa.Check.ge(low), pa.Check.le(high)])
    return schema


def _range(c: ColumnSpec, scales: Mapping[str, tuple[int, int]]) -> tuple[int | None, int | None]:
    if c.configurable_range and c.configurable_range in scales:
        return scales[c.configurable_range]
    return c.ge, c.le


def _run_schema(
    table: str,
    file: str,
    frame: pd.DataFrame,
    text: pd.DataFrame,
    header_of: dict[str, str],
    out: _Collector,
    scales: Mapping[str, tuple[int, int]],
) -> None:
    """Run the pandera model's column checks, on each column's distinct values.

    Every check of the contract is element-wise (codes, ranges, patterns, required values), so
    checking each distinct value once and mapping failures back to the rows that hold it
    gives the same problems as checking every row — in a fraction of the time on national
    data. Uniqueness is a cross-table rule (:func:`_cross_table`) and is not repeated here.
    """
    spec = table_spec(table)
    schema = _schema_for(table, scales)
    present = [c for c in spec.columns if c.name in header_of]
    if not present:
        return
    distinct: dict[str, tuple[np.ndarray, list, int | None]] = {}
    for c in present:
        codes, uniques = pd.factorize(frame[c.name], sort=False, use_na_sentinel=True)
        values = list(uniques)
        na_position = None
        if (codes == -1).any():
            na_position = len(values)
            values.append(pd.NA)
        distinct[c.name] = (codes, values, na_position)
    # Columns with few distinct values share one frame (padded to the longest by repeating the
    # first value; failures at padded positions are ignored); a column with many distinct values
    # (ids) gets a frame of its own. Few pandera calls, each on little data.
    small = [c for c in present if len(distinct[c.name][1]) <= 5000]
    groups = ([small] if small else []) + [[c] for c in present if c not in small]
    for group in groups:
        _check_distinct(group, distinct, schema, frame, text, header_of, file, out, scales)


def _check_distinct(group, distinct, schema, frame, text, header_of, file, out, scales) -> None:
    length = max(len(distinct[c.name][1]) for c in group)
    columns = {}
    checks = {}
    for c in group:
        values = distinct[c.name][1]
        padded = values + [values[0]] * (length - len(values)) if values else [pd.NA] * length
        columns[c.name] = pd.array(padded, dtype="Int64" if c.kind == "int" else "string")
        column_schema = schema.columns[c.name].set_name(c.name)
        column_schema.unique = False  # a cross-table rule (_cross_table)
        checks[c.name] = column_schema
    try:
        pa.DataFrameSchema(checks).validate(pd.DataFrame(columns), lazy=True)
    except SchemaErrors as err:
        for case in err.failure_cases.itertuples(index=False):
            if pd.isna(case.index) or case.column not in checks:
                continue  # column-level failures are reported at file level
            codes, values, na_position = distinct[case.column]
            position = int(case.index)
            if position >= len(values):
                continue  # padding
            c = next(c for c in group if c.name == case.column)
            code, fields = _translate(str(case.check), c, scales)
            if code == "duplicate_key":
                continue
            wanted = -1 if position == na_position else position
            header = header_of[c.name]
            for row in frame.index[codes == wanted]:
                out.add(file, int(row), header, text.at[row, c.name].strip(), code, **fields)


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
        if "(?=" in check:
            return "not_pseudonym", {}
        return "bad_code_format", {}
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
    frames: Mapping[str, pd.DataFrame],
    texts: Mapping[str, pd.DataFrame],
    headers: Mapping[str, Mapping[str, str]],
    files: Mapping[str, str],
    out: _Collector,
) -> None:
    lang = out.lang
    for table, key in KEYS.items():
        if table not in frames:
            continue
        f = frames[table]
        present = [k for k in key if k in headers[table]]
        if len(present) < len(key) or f.empty:
            continue
        keyed = f[list(key)].dropna()
        dup = _key_codes(keyed).duplicated(keep=False).to_numpy()
        if not dup.any():
            continue
        d = keyed[dup]
        first_row = d.reset_index().groupby(list(key), sort=False)["index"].transform("min")
        first_row.index = d.index
        key_words = ", ".join(headers[table][k] for k in key)
        for row in d.index[d.index != first_row.values]:
            out.add(
                files[table],
                int(row),
                headers[table][key[-1]],
                texts[table].at[row, key[-1]].strip(),
                "duplicate_key",
                key=key_words,
                first=int(first_row.at[row]),
            )

    residents = frames.get("residents")
    if residents is not None and not {"resident_id", "site_id"} <= set(headers["residents"]):
        residents = None  # already reported as a missing column; orphans would only be noise
    resident_ids = set(residents["resident_id"].dropna()) if residents is not None else None
    what_resident = "Borgeren" if lang == "da" else "The resident"
    target_residents = "borgere (residents)"
    if resident_ids is not None:
        for table in ("relations", "outcomes", "assessments"):
            if table in frames and "resident_id" in headers.get(table, {}):
                _orphans(
                    frames[table],
                    "resident_id",
                    resident_ids,
                    files[table],
                    headers[table]["resident_id"],
                    what_resident,
                    target_residents,
                    out,
                )
        if "understanding" in frames and {"role", "respondent_id"} <= set(headers["understanding"]):
            u = frames["understanding"]
            res = u[u["role"] == "resident"]
            _orphans(
                res,
                "respondent_id",
                resident_ids,
                files["understanding"],
                headers["understanding"]["respondent_id"],
                what_resident,
                target_residents,
                out,
            )
        sites = set(residents["site_id"].dropna())
        if "understanding" in frames and "site_id" in headers["understanding"]:
            _orphans(
                frames["understanding"],
                "site_id",
                sites,
                files["understanding"],
                headers["understanding"]["site_id"],
                "Botilbuddet" if lang == "da" else "The site",
                "borgere (residents)",
                out,
            )
    # understanding.item -> items
    if "understanding" in frames and "item" in headers.get("understanding", {}):
        items = set(frames["items"]["item"].dropna()) if "items" in frames else set()
        if "items" in frames and "item" not in headers["items"]:
            items = None
        target = "spoergsmaal (items)"
        if items is not None:
            what = "Spørgsmålet" if lang == "da" else "The item"
            _orphans(
                frames["understanding"],
                "item",
                items,
                files["understanding"],
                headers["understanding"]["item"],
                what,
                target,
                out,
            )
    # residents.practice -> practices or none
    if residents is not None and "practice" in headers.get("residents", {}):
        practices = (
            set(frames["practices"]["practice"].dropna()) if "practices" in frames else set()
        )
        practices.add("none")
        _orphans(
            residents,
            "practice",
            practices,
            files["residents"],
            headers["residents"]["practice"],
            "Praksis" if lang == "da" else "The practice",
            "praksisser (practices) – eller 'none'",
            out,
        )
    # relations only in waves with an outcomes row
    if "relations" in frames and "outcomes" in frames:
        rel, oc = frames["relations"], frames["outcomes"]
        if {"resident_id", "wave"} <= set(headers["relations"]) and {"resident_id", "wave"} <= set(
            headers["outcomes"]
        ):
            assessed = oc[["resident_id", "wave"]].dropna()
            r = rel[["resident_id", "wave"]].dropna()
            missing = ~_key_codes(r).isin(_key_codes(assessed)).to_numpy()
            if resident_ids is not None:
                missing &= r["resident_id"].isin(resident_ids).to_numpy()
            for row in r.index[missing]:
                written = texts["relations"].at[row, "wave"].strip()
                out.add(
                    files["relations"],
                    int(row),
                    headers["relations"]["wave"],
                    written,
                    "not_assessed",
                    wave=written,
                )
    # required tables with no rows
    for table in ("residents",):
        if table in frames and frames[table].empty:
            out.add(files[table], None, None, None, "no_rows")


def _key_codes(frame: pd.DataFrame) -> pd.Series:
    """One string per row joining the key columns (fast to compare, hash and count)."""
    columns = [frame[c].astype(str).to_numpy(dtype=object) for c in frame.columns]
    joined = columns[0]
    for column in columns[1:]:
        joined = joined + "\x1f" + column
    return pd.Series(joined, index=frame.index)


def _orphans(
    frame: pd.DataFrame,
    column: str,
    allowed: set,
    file: str,
    header: str,
    what: str,
    target: str,
    out: _Collector,
) -> None:
    s = frame[column].dropna()
    bad = s[~s.isin(allowed)]
    for row, value in bad.items():
        value = str(value)
        out.add(file, int(row), header, value, "orphan", what=what, ref=value, target=target)
