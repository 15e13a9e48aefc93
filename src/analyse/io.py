"""Reading raw data as consultants receive it, and writing data sets in the same styles.

Raw data arrives as a folder of CSV files or as one XLSX workbook with a sheet per table.
CSV files may be separated by ``,``, ``;`` or tabs, encoded as UTF-8 (with or without BOM),
Windows-1252 (what Excel on Windows writes as "CSV") or UTF-16 (Excel's "Unicode text"), with
decimal comma or point and CRLF or LF line ends. File and sheet names may be English or
Danish. Everything is read as text, exactly as written; nothing is coerced here.
:mod:`analyse.validate` turns the text into a validated :class:`~analyse.dataset.Dataset`.

Raw files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io as _io
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analyse.schema import TABLES, fold, table_lookup, table_spec

log = logging.getLogger(__name__)

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Sheets of our own Excel template that hold no data.
TEMPLATE_SHEETS = frozenset(
    fold(s) for s in ("vejledning", "guidance", "kodebog", "codebook", "lister", "lists")
)


@dataclass
class RawTable:
    """One table as written in its file: text cells, the user's row numbers as index.

    ``frame`` has the headers as written (surrounding white space removed) as column names,
    only text values (``""`` for an empty cell), and as index the row number a user sees in
    Excel or a text editor (header = row 1). Rows where every cell is empty are dropped.
    """

    table: str
    file: str
    frame: pd.DataFrame
    header_row: int = 1
    _factorized: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def column_name(self, position: int) -> str:
        """The column as a user finds it: its header, or its spreadsheet letter ``(F)`` if none."""
        header = self.frame.columns[position]
        if header:
            return header
        letters, i = "", position + 1
        while i:
            i, r = divmod(i - 1, 26)
            letters = chr(65 + r) + letters
        return f"({letters})"

    def factorized(self, position: int) -> tuple[np.ndarray, np.ndarray]:
        """Codes and distinct values of the column at ``position`` (computed once).

        Every check that looks at text does so once per distinct value, which keeps reading
        national data fast: most columns hold a handful of codes.
        """
        if position not in self._factorized:
            codes, uniques = pd.factorize(self.frame.iloc[:, position], sort=False)
            self._factorized[position] = (codes, np.asarray(uniques, dtype=object))
        return self._factorized[position]


@dataclass
class Source:
    """Where a table is: a CSV file, or a sheet of a workbook."""

    table: str
    path: Path
    sheet: str | None = None

    @property
    def display(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- decoding


def decode(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252.

    Returns the text and the encoding used. Windows-1252 is what Excel on Windows writes for
    "CSV (semikolonsepareret)"; every byte sequence that is not valid UTF-8 is read as it,
    so æ, ø and å survive.

    >>> decode("før".encode("utf-8-sig"))
    ('før', 'utf-8-sig')
    >>> decode("før".encode("cp1252"))
    ('før', 'cp1252')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV file, judged from its header line: ``;``, tab or ``,``.

    >>> sniff_delimiter("borger_id;botilbud;boform")
    ';'
    >>> sniff_delimiter("resident_id,site_id")
    ','
    """
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


# --------------------------------------------------------------------------- locating


def locate(path: Path) -> tuple[dict[str, Source], list[tuple[str, str]], list[str]]:
    """Find the tables of a data set at ``path`` (a folder or an XLSX workbook).

    Returns the sources by table, a list of (file, problem code) for files that clash, and
    warnings for files that are not tables of the contract.
    """
    path = Path(path)
    sources: dict[str, Source] = {}
    clashes: list[tuple[str, str]] = []
    warnings: list[str] = []
    if path.is_file() and path.suffix.lower() in XLSX_SUFFIXES:
        return _locate_sheets(path)
    if path.is_file():
        raise FileNotFoundError(f"{path} is neither a folder nor an .xlsx workbook")
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    csv_files = [p for p in files if p.suffix.lower() in CSV_SUFFIXES]
    workbooks = [p for p in files if p.suffix.lower() in XLSX_SUFFIXES]
    if not csv_files and len(workbooks) == 1:
        return _locate_sheets(workbooks[0])
    lookup = table_lookup()
    for p in csv_files:
        table = lookup.get(fold(p.stem))
        if table is None:
            warnings.append(f"{p.name}: not a table of the data contract; ignored")
            continue
        if table in sources:
            clashes.append((p.name, f"duplicate_table:{table}:{sources[table].display}"))
            continue
        sources[table] = Source(table, p)
    for p in files:
        if p not in csv_files and not (not csv_files and len(workbooks) == 1):
            if p.suffix.lower() not in (".md", ".json", ".toml"):
                warnings.append(f"{p.name}: not a CSV file of the data contract; ignored")
    return sources, clashes, warnings


def _locate_sheets(path: Path) -> tuple[dict[str, Source], list[tuple[str, str]], list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        names = list(wb.sheetnames)
    finally:
        wb.close()
    sources: dict[str, Source] = {}
    clashes: list[tuple[str, str]] = []
    warnings: list[str] = []
    lookup = table_lookup()
    for name in names:
        table = lookup.get(fold(name))
        if table is None:
            if fold(name) not in TEMPLATE_SHEETS:
                warnings.append(f"{path.name}:{name}: not a table of the data contract; ignored")
            continue
        if table in sources:
            clashes.append(
                (f"{path.name}:{name}", f"duplicate_table:{table}:{sources[table].display}")
            )
            continue
        sources[table] = Source(table, path, name)
    return sources, clashes, warnings


# --------------------------------------------------------------------------- reading


def read_raw(source: Source) -> RawTable:
    """Read one table as text, keeping the user's row numbers."""
    if source.sheet is not None:
        rows = _sheet_rows(source.path, source.sheet)
        frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    else:
        data = source.path.read_bytes()
        text, encoding = decode(data)
        if not text or text.isspace():  # as `not text.strip()`, without copying the text
            frame = pd.DataFrame()
        else:
            sep = sniff_delimiter(_first_nonblank_line(text))
            options = dict(
                sep=sep,
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_MINIMAL,
                engine="c",
            )
            # The parser reads UTF-8: give it the file's own bytes when they are the UTF-8 of the
            # text (no copy of the text into a StringIO, no encoding it back).
            utf8 = encoding in ("utf-8", "utf-8-sig")
            body = memoryview(data)[3:] if encoding == "utf-8-sig" else data

            def buffer() -> _io.IOBase:
                return _io.BytesIO(body) if utf8 else _io.StringIO(text)

            try:
                frame = pd.read_csv(buffer(), encoding="utf-8", **options)
            except (pd.errors.ParserError, pd.errors.EmptyDataError):
                # A row with more cells than the header, or blank lines above the header (the
                # parser takes the width from the first line): read every row as wide as the
                # widest, so validation can name the row (a cell in a column without a header).
                width = max(
                    (len(row) for row in csv.reader(_io.StringIO(text), delimiter=sep)), default=0
                )
                frame = pd.read_csv(buffer(), encoding="utf-8", names=range(width), **options)
    return _to_raw_table(source, frame)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if np.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _sheet_rows(path: Path, sheet: str) -> list[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _first_nonblank_line(text: str, *, head: int = 1 << 16) -> str:
    """The first line of ``text`` (as :meth:`str.splitlines` splits it) that is not blank.

    Looks at the first ``head`` characters first (then four times as many, ...), so that a
    large file is not split into lines only to read its header.

    >>> _first_nonblank_line("\\r\\n  \\r\\nborger_id;botilbud\\r\\nB1;H1")
    'borger_id;botilbud'
    """
    size = head
    while True:
        part = text[:size]
        whole = len(part) == len(text)
        lines = part.splitlines()
        for i, line in enumerate(lines):
            if line.strip():
                # A line is complete unless it runs to the end of a part that is not the text.
                if whole or i < len(lines) - 1:
                    return line
                break
        else:
            if whole:
                return ""
        size *= 4


def _is_blank(value: object) -> bool:
    """Whether a cell is empty: missing, or only white space (as after ``fillna("")``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return not str(value).strip()


def _blank_values(values: np.ndarray) -> np.ndarray:
    """For each distinct value of a column, whether it is blank (empty or white space)."""
    try:
        stripped = np.fromiter(map(str.strip, values), dtype=object, count=len(values))
    except TypeError:  # a value that is not text (not produced by our readers)
        stripped = np.fromiter((str(v).strip() for v in values), dtype=object, count=len(values))
    return stripped == ""


def _to_raw_table(source: Source, frame: pd.DataFrame) -> RawTable:
    if frame.empty or frame.shape[1] == 0:
        return RawTable(source.table, source.display, pd.DataFrame(), header_row=0)
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # 1-based line numbers
    header_row = next(
        (
            int(i)
            for i, row in zip(frame.index, frame.itertuples(index=False), strict=True)
            if not all(_is_blank(v) for v in row)
        ),
        None,
    )
    if header_row is None:
        return RawTable(source.table, source.display, pd.DataFrame(), header_row=0)
    header = [
        "" if _is_blank(h) else str(h).strip().lstrip("\ufeff").strip()
        for h in frame.loc[header_row]
    ]
    body = frame.loc[header_row + 1 :]
    # Both readers give text cells only (the C parser reads the cells a short row lacks as "").
    # Should a cell be missing all the same, its column is read with "" there, as before.
    factorized = {}
    blank_columns = []
    filled = False
    for i in range(body.shape[1]):
        column = body.iloc[:, i]
        codes, uniques = pd.factorize(column, sort=False)
        if len(codes) and codes.min() < 0:
            column = column.fillna("")
            codes, uniques = pd.factorize(column, sort=False)
            filled = True
        uniques = np.asarray(uniques, dtype=object)
        factorized[i] = (codes, uniques)
        blank_columns.append(np.append(_blank_values(uniques), True)[codes])
    if filled:
        body = body.fillna("")
    blank = np.logical_and.reduce(blank_columns) if len(body) else np.zeros(0, dtype=bool)
    # Drop trailing columns that are empty both in the header and in every row (Excel's
    # ";;;" padding); keep everything else, even with an empty header (reported later).
    keep = [i for i, h in enumerate(header) if h != "" or not blank_columns[i].all()]
    rows = ~blank
    if rows.all() and len(keep) == body.shape[1]:
        body = body.copy()  # what the selection below gives, without taking every cell
    else:
        body = body.iloc[rows, keep].copy()
    body.columns = [header[i] for i in keep]
    raw = RawTable(source.table, source.display, body, header_row=header_row)
    if rows.all():
        raw._factorized = {new: factorized[old] for new, old in enumerate(keep)}
    return raw


def read_raw_tables(path: Path) -> tuple[dict[str, RawTable], list[tuple[str, str]], list[str]]:
    """Read every table of a data set as text."""
    sources, clashes, warnings = locate(Path(path))
    if len(sources) > 1 and all(src.sheet is None for src in sources.values()):
        # CSV files: pandas' C parser releases the GIL while it tokenises, so the small tables
        # are read on a second thread while the large one (relations) is parsed.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {table: pool.submit(read_raw, src) for table, src in sources.items()}
            raw = {table: future.result() for table, future in futures.items()}
    else:
        raw = {table: read_raw(src) for table, src in sources.items()}
    return raw, clashes, warnings


def input_files(path: Path) -> list[Path]:
    """The files a data set at ``path`` is read from (for checksums in manifests)."""
    path = Path(path)
    sources, _, _ = locate(path)
    return sorted({s.path for s in sources.values()})


# --------------------------------------------------------------------------- writing


Style = Literal["da", "en"]


def to_style(table: str, frame: pd.DataFrame, *, style: Style = "da") -> pd.DataFrame:
    """A canonical table in a user-facing style: Danish headers and codes, or English.

    Yes/no columns become ``ja``/``nej`` (da) or ``yes``/``no`` (en); missing values become
    empty cells; whole numbers are written without decimals.
    """
    spec = table_spec(table)
    out = {}
    for c in spec.columns:
        if c.name not in frame.columns:
            continue
        s = frame[c.name]
        if c.kind == "bool":
            values = s.map(
                lambda v: (
                    "" if pd.isna(v) else ("yes" if (v is True or v == "yes" or v == 1) else "no")
                )
            )
            codes = {code.code: (code.da if style == "da" else code.code) for code in c.codes}
            s = values.map(lambda v, codes=codes: codes.get(v, v))
        elif c.kind == "code":
            codes = {code.code: (code.da if style == "da" else code.code) for code in c.codes}
            s = s.astype(object).map(
                lambda v, codes=codes: "" if pd.isna(v) else codes.get(str(v), str(v))
            )
        elif c.kind == "int":
            s = s.astype("Int64").astype(object).map(lambda v: "" if pd.isna(v) else str(int(v)))
        else:
            s = s.astype(object).map(lambda v: "" if pd.isna(v) else str(v))
        out[c.header(style)] = s.to_numpy()
    return pd.DataFrame(out)


def write_dataset(
    tables: Mapping[str, pd.DataFrame],
    out: Path,
    *,
    style: Style = "da",
    fmt: Literal["csv", "xlsx"] = "csv",
    sep: str = ";",
    encoding: str = "utf-8-sig",
    line_terminator: str = "\r\n",
) -> list[Path]:
    """Write canonical tables as a consultant would receive them.

    ``style="da"`` writes Danish file names, headers and codes (``borgere.csv`` with
    ``borger_id;botilbud;boform``); ``"en"`` the canonical English ones. CSV files default to
    Excel's Danish export: ``;``, UTF-8 with BOM, CRLF. ``fmt="xlsx"`` writes one workbook
    ``data.xlsx`` (``data_da.xlsx`` names are not needed: sheet names carry the tables).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    styled = {name: to_style(name, tables[name], style=style) for name in TABLES if name in tables}
    names = {name: (table_spec(name).da if style == "da" else name) for name in styled}
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        for name, frame in styled.items():
            ws = wb.create_sheet(names[name])
            ws.append(list(frame.columns))
            for row in frame.itertuples(index=False):
                ws.append([_xlsx_value(v) for v in row])
        path = out / ("data.xlsx" if style == "en" else "data.xlsx")
        wb.save(path)
        return [path]
    for name, frame in styled.items():
        path = out / f"{names[name]}.csv"
        frame.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator=line_terminator)
        written.append(path)
    return written


def _xlsx_value(v: str) -> object:
    if v == "":
        return None
    if v.isdigit() and len(v) < 6:
        return int(v)
    return v
