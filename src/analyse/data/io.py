"""Reading raw data as consultants receive it, and writing data sets in the same styles.

Raw data arrives as a folder of CSV files or as one XLSX workbook with a sheet per table.
CSV files may be separated by ``,``, ``;`` or tabs, encoded as UTF-8 (with or without BOM),
Windows-1252 (what Excel on Windows writes as "CSV") or UTF-16 (Excel's "Unicode text"), with
decimal comma or point and CRLF or LF line ends. File and sheet names may be English or
Danish. Everything is read as text, exactly as written; nothing is coerced here.
:mod:`analyse.data.validate` turns the text into a validated :class:`~analyse.data.dataset.Dataset`.

Raw files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import datetime as _dt
import functools
import hashlib
import io as _io
import logging
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analyse.data.csvbytes import (
    CSV_SUFFIXES,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    Column,
    EarlyRead,
    NotAFile,
    TooLarge,
    arrow_columns,
    open_regular,
    plain_columns,
    read_regular,
    sniff_delimiter,
)
from analyse.data.schema import TABLES, fold, table_lookup, table_spec

log = logging.getLogger(__name__)

XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Limits on what one file may hold: hostile or broken files are refused with a clear message
#: instead of hanging or exhausting memory. A cell holds at most what Excel lets one hold.
MAX_CELL_CHARS = 32_767
#: Cells of one sheet's used area, rows × columns (a million rows of 20 columns).
MAX_SHEET_CELLS = 20_000_000
#: Bytes of one uncompressed part of a workbook or a Network Canvas zip export, and the largest
#: ratio of uncompressed to compressed size (workbooks compress about 5-20 times; a zip bomb
#: thousands of times). Checked from the archive's directory before anything is unpacked.
MAX_ZIP_ENTRY_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_FILE_MB = MAX_FILE_BYTES // 2**20
#: Seconds the files of one data set may take to be read (a hung network drive would
#: otherwise hold a run for ever); a table not read by then is a problem naming its file.
READ_TIMEOUT_SECONDS = 600.0
#: Sheets of our own Excel template that hold no data.
TEMPLATE_SHEETS = frozenset(
    fold(s) for s in ("vejledning", "guidance", "kodebog", "codebook", "lister", "lists")
)


class RawTable:
    """One table as written in its file: text cells, the user's row numbers as index.

    ``frame`` has the headers as written (surrounding white space removed) as column names,
    only text values (``""`` for an empty cell), and as index the row number a user sees in
    Excel or a text editor (header = row 1). Rows where every cell is empty are dropped.

    The readers give the table as columns of codes into distinct texts (:data:`Column`), which
    is all the checks need: ``frame`` and :meth:`column` are made from them when first asked
    for (a data frame of every cell as a Python string is most of the memory a large table
    would take). A table can also be given as ``frame``.
    """

    def __init__(
        self,
        table: str,
        file: str,
        frame: pd.DataFrame | None = None,
        header_row: int = 1,
        issues: list[tuple[tuple, dict[str, object]]] | None = None,
        readable: bool = True,
        *,
        columns: list[Column] | None = None,
        headers: list[str] | None = None,
        index: pd.Index | None = None,
    ) -> None:
        self.table = table
        self.file = file
        self.header_row = header_row
        #: Problems found while reading, as ``((file, row, column, value, code), fields)`` (the
        #: form :func:`analyse.data.screen.screen_table` yields); the codes' texts are in
        #: :data:`analyse.data.validate.RULES`.
        self.issues = [] if issues is None else issues
        #: False when the file could not be read at all (then the table is empty and
        #: ``issues`` says why): no further check applies to it.
        self.readable = readable
        #: SHA-256 of the file's bytes as read (CSV files), else None.
        self.sha256: str | None = None
        if columns is None:
            frame = pd.DataFrame() if frame is None else frame
            headers, index = list(frame.columns), frame.index
        self._frame = frame
        self._factorized: dict[int, Column] = dict(enumerate(columns or []))
        #: The headers as written, in file order ("" for a column without one).
        self.headers: list[str] = list(headers or [])
        #: The row numbers a user sees.
        self.index: pd.Index = pd.RangeIndex(0) if index is None else index

    def __repr__(self) -> str:
        return f"RawTable({self.table!r}, {self.file!r}, {len(self.index)} rows)"

    @property
    def n_columns(self) -> int:
        return len(self.headers)

    @property
    def frame(self) -> pd.DataFrame:
        """Every cell as text, the headers as column names, the user's row numbers as index."""
        if self._frame is None:
            cells = {i: self.column(i).to_numpy() for i in range(self.n_columns)}
            frame = pd.DataFrame(cells, index=self.index, dtype=object)
            frame.columns = list(self.headers)
            self._frame = frame
        return self._frame

    def column(self, position: int) -> pd.Series:
        """The cells of the column at ``position`` as text (object dtype), named by its header."""
        if self._frame is not None:
            return self._frame.iloc[:, position]
        codes, uniques = self._factorized[position]
        return pd.Series(
            uniques[codes], index=self.index, name=self.headers[position], dtype=object, copy=False
        )

    def column_name(self, position: int) -> str:
        """The column as a user finds it: its header, or its spreadsheet letter ``(F)`` if none."""
        header = self.headers[position]
        return header if header else _letters(position)

    def factorized(self, position: int) -> Column:
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


#: Warnings about files that are not tables, in Danish and English.
NOTICES: dict[str, dict[str, str]] = {
    "not_a_table": {
        "da": "{file}: ikke en tabel i datakontrakten; springes over",
        "en": "{file}: not a table of the data contract; ignored",
    },
    "not_a_csv_file": {
        "da": "{file}: ikke en CSV-fil i datakontrakten; springes over",
        "en": "{file}: not a CSV file of the data contract; ignored",
    },
}


class Notice(str):
    """A warning about the files of a data set: English text, with its code and fields so
    that :func:`notice_text` can give it in the user's language."""

    code: str
    fields: dict[str, object]

    def __new__(cls, code: str, **fields: object) -> Notice:
        self = super().__new__(cls, NOTICES[code]["en"].format(**fields))
        self.code, self.fields = code, fields
        return self


def notice_text(warning: str, lang: str = "en") -> str:
    """A warning in ``lang`` (a :class:`Notice`; any other text as it is).

    >>> notice_text(Notice("not_a_table", file="noter.csv"), "da")
    'noter.csv: ikke en tabel i datakontrakten; springes over'
    """
    if isinstance(warning, Notice):
        return NOTICES[warning.code]["da" if lang == "da" else "en"].format(**warning.fields)
    return str(warning)


def sha256(path: Path) -> str:
    """The SHA-256 of a regular file's bytes (:class:`OSError` for a FIFO, a device ...)."""
    h = hashlib.sha256()
    fd, _ = open_regular(path)
    with os.fdopen(fd, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def refuse_special(file: str, exc: OSError) -> ReadIssue:
    """The :class:`ReadIssue` of a file that could not be opened or read as a regular file."""
    if isinstance(exc, NotAFile):
        return ReadIssue(file, f"not_a_file_{exc.kind}")
    if isinstance(exc, TooLarge):
        return ReadIssue(file, "file_too_large", mb=exc.size // 2**20, limit=MAX_FILE_MB)
    return ReadIssue(file, "unreadable_file", value=exc.strerror or str(exc))


# --------------------------------------------------------------------------- decoding


class ReadIssue(Exception):
    """A file that cannot be read as a table: which file, and the problem code with its fields.

    Raised by the readers; :func:`read_raw_tables` turns it into an unreadable
    :class:`RawTable`, :func:`analyse.data.validate.read_dataset` into a problem naming the file.
    """

    def __init__(
        self,
        file: str,
        code: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        **fields: object,
    ) -> None:
        self.file = file
        self.code = code
        self.row = row
        self.column = column
        self.value = value
        self.fields = fields
        super().__init__(f"{file}: {code} {fields}")

    def as_issue(self) -> tuple[tuple, dict[str, object]]:
        """The problem as ``((file, row, column, value, code), fields)``."""
        return (self.file, self.row, self.column, self.value, self.code), dict(self.fields)


#: Byte order marks, longest first (UTF-32 LE starts with UTF-16 LE's mark).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xfe\xff", "utf-16", "utf-16"),
    (b"\xff\xfe", "utf-16", "utf-16"),
)
#: A valid multi-byte UTF-8 sequence: never found in Danish Windows-1252 text (æøå are
#: followed by ASCII letters there, not by bytes 0x80-0xBF).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 written without a byte order mark, told by where the NUL bytes are.

    Text in these encodings has a NUL byte in (nearly) every second or every fourth byte; a
    stray NUL in UTF-8 text does not look like that.

    >>> _wide_encoding("borger_id;botilbud".encode("utf-16-be"))
    'utf-16-be'
    >>> _wide_encoding("borger_id;botilbud".encode("utf-32-le"))
    'utf-32-le'
    >>> _wide_encoding(b"borger_id;botilbud") is None
    True
    """
    sample = data[: 1 << 14]
    n = len(sample) - len(sample) % 4
    if n < 4 or sample.count(0) < n // 3:
        return None
    zero = np.frombuffer(sample[:n], dtype=np.uint8).reshape(-1, 4) == 0
    share = zero.mean(axis=0)  # how often each of the four byte positions is NUL
    if (share[1:] > 0.9).all():
        return "utf-32-le"
    if (share[:3] > 0.9).all():
        return "utf-32-be"
    if share[0] > 0.9 and share[2] > 0.9:
        return "utf-16-be"
    if share[1] > 0.9 and share[3] > 0.9:
        return "utf-16-le"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes: UTF-8 (BOM or not), UTF-16 or UTF-32, else Windows-1252.

    Returns the text and the encoding used. UTF-16 and UTF-32 are recognised by their byte
    order mark, or without one by their NUL bytes. Windows-1252 is what Excel on Windows
    writes for "CSV (semikolonsepareret)"; a file that is not valid UTF-8 and holds no UTF-8
    sequence at all is read as it, so æ, ø and å survive. A file that mixes the two (UTF-8
    with a Windows-1252 line pasted in) is decoded as UTF-8 with U+FFFD for the bytes that
    are not; :func:`encoding_issues` finds those lines so they are reported, never guessed.

    >>> decode("før".encode("utf-8-sig"))
    ('før', 'utf-8-sig')
    >>> decode("før".encode("cp1252"))
    ('før', 'cp1252')
    >>> decode("før".encode("utf-32"))
    ('før', 'utf-32')
    """
    codec = name = None
    for bom, bom_codec, bom_name in _BOMS:
        if data.startswith(bom):
            codec, name = bom_codec, bom_name
            break
    else:
        codec = name = _wide_encoding(data)
    if codec is not None:
        try:
            return data.decode(codec), name
        except UnicodeDecodeError:  # reported by encoding_issues, never guessed
            return data.decode(codec, errors="replace"), f"{name}-mixed"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if _UTF8_MULTIBYTE.search(data):
            return data.decode("utf-8", errors="replace"), "utf-8-mixed"
        return data.decode("cp1252", errors="replace"), "cp1252"


#: The line breaks the CSV parser knows (not str.splitlines's, which also breaks at form
#: feeds, U+0085 and U+2028): line numbers in problems are those of a text editor.
_LINE_BREAK = re.compile(r"\r\n?|\n")


def encoding_issues(text: str, encoding: str, sep: str) -> list[tuple[int, int, str]]:
    """Where a decoded text holds what no table cell may: NUL bytes, or bytes not in its encoding.

    Returns ``(line, column position, code)`` for each line (1-based, as a text editor counts)
    with a NUL character (``nul_byte``) or, in a file that is UTF-8 except for some lines, with
    bytes that are not UTF-8 (``mixed_encoding``). The column position is the cell of the
    line (split at ``sep``) where the first such character is.
    """
    bad = "\x00\ufffd" if encoding.endswith("-mixed") else "\x00"
    if not any(ch in text for ch in bad):
        return []
    found = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        for ch in bad:
            at = line.find(ch)
            if at >= 0:
                code = "nul_byte" if ch == "\x00" else "mixed_encoding"
                found.append((number, line.count(sep, 0, at), code))
                break
    return found


# --------------------------------------------------------------------------- locating


def locate(path: Path) -> tuple[dict[str, Source], list[tuple[str, str]], list[str]]:
    """Find the tables of a data set at ``path`` (a folder or an XLSX workbook).

    Returns the sources by table, a list of (file, problem code) for files that clash, and
    warnings for files that are not tables of the contract. Raises :class:`ReadIssue` for a
    path that is neither, a folder that cannot be listed or a workbook that cannot be opened.
    """
    path = Path(path)
    sources: dict[str, Source] = {}
    clashes: list[tuple[str, str]] = []
    warnings: list[str] = []
    if not path.is_dir() and path.suffix.lower() in XLSX_SUFFIXES:
        return _locate_sheets(path)
    if not path.is_dir():
        try:  # what it is: a FIFO, a device, a loop of links ... is named as such
            os.close(open_regular(path)[0])
        except NotAFile as exc:
            raise refuse_special(path.name, exc) from None
        except OSError:
            pass
        raise ReadIssue(path.name, "not_a_dataset")
    try:
        listed = list(path.iterdir())
    except OSError as exc:
        raise ReadIssue(path.name, "unreadable_file", value=exc.strerror) from None
    # Everything but folders: a FIFO, a device or a loop of links named borgere.csv is a
    # table's file that cannot be read (and is named as such), not a missing table.
    files = sorted(p for p in listed if not p.is_dir() and not p.name.startswith((".", "~$")))
    csv_files = [p for p in files if p.suffix.lower() in CSV_SUFFIXES]
    workbooks = [p for p in files if p.suffix.lower() in XLSX_SUFFIXES]
    if not csv_files and len(workbooks) == 1:
        return _locate_sheets(workbooks[0])
    lookup = table_lookup()
    for p in csv_files:
        table = lookup.get(fold(p.stem))
        if table is None:
            warnings.append(Notice("not_a_table", file=p.name))
            continue
        if table in sources:
            clashes.append((p.name, f"duplicate_table:{table}:{sources[table].display}"))
            continue
        sources[table] = Source(table, p)
    for p in files:
        if p not in csv_files and not (not csv_files and len(workbooks) == 1):
            if p.suffix.lower() not in (".md", ".json", ".toml"):
                warnings.append(Notice("not_a_csv_file", file=p.name))
    return sources, clashes, warnings


def _locate_sheets(path: Path) -> tuple[dict[str, Source], list[tuple[str, str]], list[str]]:
    wb = open_workbook(path)
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
                warnings.append(Notice("not_a_table", file=f"{path.name}:{name}"))
            continue
        if table in sources:
            clashes.append(
                (f"{path.name}:{name}", f"duplicate_table:{table}:{sources[table].display}")
            )
            continue
        sources[table] = Source(table, path, name)
    return sources, clashes, warnings


#: The first bytes of an OLE compound file: an encrypted (password-protected) workbook, or
#: Excel 97-2003's .xls under an .xlsx name.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_zip_entries(infos: list[zipfile.ZipInfo], file: str) -> None:
    """Refuse an archive with a part too large to unpack, judged from its directory alone.

    Raises :class:`ReadIssue` (``archive_too_large``) when a part would unpack to more than
    :data:`MAX_ZIP_ENTRY_BYTES`, or to more than :data:`MAX_ZIP_RATIO` times its compressed
    size (a zip bomb). The sizes are those the archive records; :mod:`zipfile` never unpacks
    more than the recorded size of a part.
    """
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > MAX_ZIP_ENTRY_BYTES or (size > 1 << 20 and size > MAX_ZIP_RATIO * packed):
            raise ReadIssue(
                file,
                "archive_too_large",
                value=info.filename,
                mb=round(size / 2**20),
                limit=MAX_ZIP_ENTRY_BYTES // 2**20,
                ratio=MAX_ZIP_RATIO,
            )


def open_workbook(path: Path):  # -> openpyxl Workbook (read-only)
    """Open a workbook for reading, or raise :class:`ReadIssue` saying why it cannot be.

    Refused: a file that cannot be read (permission, locked), an encrypted workbook or an old
    ``.xls`` file, a damaged or truncated one, and one whose parts would unpack to too much.
    """
    from openpyxl import load_workbook

    name = path.name
    try:
        fd, _ = open_regular(path)
        with os.fdopen(fd, "rb") as f:
            head = f.read(8)
        if head == _OLE_SIGNATURE:
            raise ReadIssue(name, "encrypted_workbook")
        with zipfile.ZipFile(path) as archive:
            check_zip_entries(archive.infolist(), name)
        return load_workbook(path, read_only=True, data_only=True)
    except ReadIssue:
        raise
    except OSError as exc:  # permission, a file locked by another program, a FIFO ...
        raise refuse_special(name, exc) from None
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors
        log.debug("workbook %s not readable: %r", name, exc)
        raise ReadIssue(name, "damaged_workbook") from None


# --------------------------------------------------------------------------- reading


def read_raw(source: Source, *, early: EarlyRead | None = None) -> RawTable:
    """Read one table as text, keeping the user's row numbers.

    ``early``: files being read already (:class:`~analyse.data.csvbytes.EarlyRead`); the file is
    taken from there when it was read (or is being read), else read here.

    Raises :class:`ReadIssue` when the file cannot be read as a table at all; problems of
    single cells (NUL characters, a line in another encoding, a cell longer than
    :data:`MAX_CELL_CHARS`) are kept in :attr:`RawTable.issues`.
    """
    if source.sheet is not None:
        rows, marks = _sheet_rows(source.path, source.sheet, source.display)
        frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
        raw = _to_raw_table(source, frame)
        raw.issues[:0] = _mark_issues(source.display, rows, raw.header_row, marks)
        return raw
    taken = early.take(source.path) if early is not None else None
    if taken is not None:
        columns = taken.columns()
        raw = (
            _read_decoded(source, taken.data)
            if columns is None
            else _columns_to_raw_table(source, columns)
        )
        raw.sha256 = taken.sha256
        return raw
    try:
        data, _ = read_regular(source.path)
    except OSError as exc:
        raise refuse_special(source.display, exc) from None
    digest = hashlib.sha256(data).hexdigest()  # for the manifest: the bytes that were read
    raw = _read_csv_bytes(source, data)
    raw.sha256 = digest
    return raw


def _read_csv_bytes(source: Source, data: bytes) -> RawTable:
    """The table in a CSV file's bytes (see :func:`read_raw`)."""
    return _read_plain_utf8(source, data) or _read_decoded(source, data)


def _read_plain_utf8(source: Source, data: bytes) -> RawTable | None:
    """The table of a plain UTF-8 file, parsed by Arrow from its bytes (:func:`plain_columns`),
    or None: the caller then reads it the full way (:func:`_read_decoded`)."""
    columns = plain_columns(data)
    return None if columns is None else _columns_to_raw_table(source, columns)


def _read_decoded(source: Source, data: bytes) -> RawTable:
    """The table in a CSV file's bytes, decoded as text first (any encoding, any content)."""
    text, encoding = decode(data)
    if not text or text.isspace():  # as `not text.strip()`, without copying the text
        return _to_raw_table(source, pd.DataFrame())
    n_lines = max(text.count("\n"), text.count("\r"))
    if n_lines > MAX_ROWS:
        raise ReadIssue(source.display, "too_many_rows", n=n_lines, limit=MAX_ROWS)
    header_line = _first_nonblank_line(text)
    sep = sniff_delimiter(header_line)
    found = encoding_issues(text, encoding, sep)
    if found:  # a NUL would end the cell in the parser: read it as U+FFFD, reported below
        text = text.replace("\x00", "\ufffd")
        encoding = "replaced"
    columns = _parse_csv(source.display, data, text, encoding, sep, header_line)
    raw = _columns_to_raw_table(source, columns)
    header = next(csv.reader([header_line], delimiter=sep), [])
    for line, position, code in found:
        label = header[position].strip() if position < len(header) else ""
        raw.issues.append(((raw.file, line, label or _letters(position), None, code), {}))
    return raw


def _parse_csv(
    file: str, data: bytes, text: str, encoding: str, sep: str, header_line: str
) -> list[Column]:
    """Every record of a CSV text as columns of text cells (:data:`Column`), or :class:`ReadIssue`.

    A file in UTF-8 is read by pandas' C parser: its bytes were offered to Arrow already
    (:func:`~analyse.data.csvbytes.plain_columns`), which declined them. A text decoded from another
    encoding (or with NUL characters replaced) is offered to Arrow as UTF-8 first
    (:func:`~analyse.data.csvbytes.arrow_columns`). pandas reads what Arrow declines (rows of
    different widths, blank lines, quotes) as it is, so that validation can name the row; both
    give the same cells (``tests/test_prepare_speed_equivalence.py``).
    """
    width = header_line.count(sep) + 1
    if width > MAX_COLUMNS:
        raise ReadIssue(file, "too_many_columns", n=width, limit=MAX_COLUMNS)
    if encoding in ("utf-8", "utf-8-sig"):
        # The file's own bytes are the UTF-8 of the text (no copy, no encoding it back).
        body = data[3:] if encoding == "utf-8-sig" else data
    else:
        body = text.encode("utf-8")
        columns = arrow_columns(body, sep, width)
        if columns is not None:
            return columns
    return _frame_columns(_pandas_csv(file, body, text, sep))


def _pandas_csv(file: str, body: bytes, text: str, sep: str) -> pd.DataFrame:
    """pandas' C parser's reading of a CSV text, every cell as text, or :class:`ReadIssue`."""
    options = dict(
        sep=sep,
        header=None,
        dtype=object,  # Python str cells: pandas 3 would convert every cell to Arrow strings
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        quoting=csv.QUOTE_MINIMAL,
        engine="c",
    )

    def buffer() -> _io.IOBase:
        return _io.BytesIO(body)

    try:
        return pd.read_csv(buffer(), encoding="utf-8", **options)
    except pd.errors.ParserError as exc:
        _unbalanced_quote(file, exc)
    except pd.errors.EmptyDataError:
        pass
    # A row with more cells than the header, or blank lines above the header (the parser
    # takes the width from the first line): read every row as wide as the widest, so
    # validation can name the row (a cell in a column without a header).
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):  # before csv reads one
        if line.count(sep) >= MAX_COLUMNS:
            n = line.count(sep) + 1
            raise ReadIssue(file, "too_many_columns", row=number, n=n, limit=MAX_COLUMNS)
    reader = csv.reader(_io.StringIO(text), delimiter=sep)
    width = 0
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise ReadIssue(
                    file, "too_many_columns", row=reader.line_num, n=len(row), limit=MAX_COLUMNS
                )
            width = max(width, len(row))
    except csv.Error:  # a cell longer than the csv module reads: count separators instead
        # (an upper bound; columns beyond the widest row stay empty and are dropped).
        width = max(line.count(sep) for line in text.splitlines()) + 1
        if width > MAX_COLUMNS:
            raise ReadIssue(file, "too_many_columns", n=width, limit=MAX_COLUMNS) from None
    try:
        return pd.read_csv(buffer(), encoding="utf-8", names=range(width), **options)
    except pd.errors.ParserError as exc:
        _unbalanced_quote(file, exc)
        raise ReadIssue(file, "unparsable_csv", value=str(exc)[:200]) from None


def _unbalanced_quote(file: str, exc: Exception) -> None:
    """Raise :class:`ReadIssue` if the parser stopped at a quote that is never closed."""
    message = str(exc)
    if "EOF inside string" in message:
        m = re.search(r"starting at row (\d+)", message)
        row = int(m.group(1)) + 1 if m else None  # the parser counts lines from 0
        raise ReadIssue(file, "unbalanced_quote", row=row) from None


def _letters(position: int) -> str:
    """A column's spreadsheet letters in parentheses, ``(A)`` for the first.

    >>> _letters(0), _letters(25), _letters(26)
    ('(A)', '(Z)', '(AA)')
    """
    letters, i = "", position + 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return f"({letters})"


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


#: Excel's error values: what a cell shows when its formula fails (or when one was typed or
#: pasted as text, e.g. into a CSV file). Never a value: each is a problem that names it.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#REF!",
        "#DIV/0!",
        "#VALUE!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
#: Excel's day numbers up to this one are dates in 1900 (day 1 = 1900-01-01): a number of the
#: data contract (a score 1-9, a count) shown with a date format, never a date of the data.
_DATE_1900_LAST_SERIAL = 366

#: A cell marked while a sheet is read: (row, column, problem code, fields), both 1-based.
Mark = tuple[int, int, str, dict[str, object]]


def _mark_issues(
    file: str, rows: list[list[str]], header_row: int, marks: list[Mark]
) -> list[tuple[tuple, dict[str, object]]]:
    """The problems of the cells marked while a sheet was read, below its header row, each
    with the column's header as written (its letter when it has none)."""
    issues = []
    header = rows[header_row - 1] if 0 < header_row <= len(rows) else []
    for row, column, code, fields in sorted(marks, key=lambda m: (m[0], m[1])):
        if row <= header_row:
            continue
        name = header[column - 1].strip() if column <= len(header) else ""
        value = fields.pop("shown", None)
        issues.append(((file, row, name or _letters(column - 1), value, code), fields))
    return issues


def _sheet_rows(path: Path, sheet: str, file: str) -> tuple[list[list[str]], list[Mark]]:
    """A sheet's cells as text, row by row, as wide as its widest row with a value.

    The sheet's recorded size (``<dimension ref=...>``) is not trusted: files written by other
    programs often record a stale one (openpyxl's read-only mode would stop there and lose
    rows), and a hostile one can claim a million rows of 16,384 columns. The cells are read as
    they are in the file, only those with a value are kept, and the used area is checked
    against :data:`MAX_COLUMNS` and :data:`MAX_SHEET_CELLS` before any grid is built.

    Returns the rows and the cells marked on the way (:func:`_sheet_cells`).
    """
    wb = open_workbook(path)
    try:
        cells, marks = _sheet_cells(wb, sheet, file)
    except ReadIssue:
        raise
    except Exception as exc:  # XML that openpyxl cannot parse: a damaged workbook
        log.debug("sheet %s not readable: %r", file, exc)
        raise ReadIssue(file, "damaged_workbook") from None
    finally:
        wb.close()
    if not cells:
        return [], []
    n_rows = max(r for r, _, _ in cells)
    width = max(c for _, c, _ in cells)
    if n_rows * width > MAX_SHEET_CELLS:
        raise ReadIssue(file, "sheet_too_large", rows=n_rows, columns=width, limit=MAX_SHEET_CELLS)
    rows = [[""] * width for _ in range(n_rows)]
    for r, c, text in cells:
        rows[r - 1][c - 1] = text
    return rows, [m for m in marks if m[0] <= n_rows]


def _sheet_cells(wb, sheet: str, file: str) -> tuple[list[tuple[int, int, str]], list[Mark]]:
    """``(row, column, text)`` of every cell with a value, both 1-based, in file order, and
    the cells to report as they are read (:data:`Mark`).

    Reads the sheet's XML with openpyxl's own streaming parser (as its read-only worksheet
    does, without the padding to the recorded size), so dates, shared strings and cached
    formula values come out exactly as :meth:`iter_rows` gives them. Read as Excel shows the
    sheet: a formula whose result the file does not hold (written by a script, never opened
    in Excel: ``formula_without_value``), a number shown as a date in 1900
    (``date_formatted_number``) and each cell of a merged range but its first
    (``merged_cell``) are marked. A chart sheet has no cells: ``chart_sheet``.
    """
    ws = wb[sheet]
    if not hasattr(ws, "_get_source"):  # a chart sheet (openpyxl's Chartsheet)
        raise ReadIssue(file, "chart_sheet")
    cells: list[tuple[int, int, str]] = []
    marks: list[Mark] = []
    seen = widest = 0
    with ws._get_source() as src:
        parser = _marking_parser_class()(
            marks,
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for row, row_cells in parser.parse():
            seen += len(row_cells) + 1
            if seen > MAX_SHEET_CELLS:
                raise ReadIssue(
                    file, "sheet_too_large", rows=row, columns=widest, limit=MAX_SHEET_CELLS
                )
            for cell in row_cells:
                value = cell["value"]
                if value is None:
                    continue
                column = cell["column"]
                if column > MAX_COLUMNS:
                    raise ReadIssue(
                        file,
                        "too_many_columns",
                        row=row,
                        column=_letters(column - 1),
                        n=column,
                        limit=MAX_COLUMNS,
                    )
                widest = max(widest, column)
                cells.append((row, column, _cell_text(value)))
        last_row = max((r for r, _, _ in cells), default=0)
        marks += _merged_marks(parser.merged_cells, last_row, widest)
    return cells, marks


def _merged_marks(merged, last_row: int, widest: int) -> list[Mark]:
    """Each cell of a merged range but its first (where Excel keeps the value), within the
    used area (``last_row`` × ``widest``): the file holds nothing there, though Excel shows
    the first cell's value across the range."""
    from openpyxl.utils.cell import range_boundaries

    marks: list[Mark] = []
    for cell_range in getattr(merged, "mergeCell", None) or ():
        try:
            low_col, low_row, high_col, high_row = range_boundaries(cell_range.ref)
        except (TypeError, ValueError):
            continue
        high_row, high_col = min(high_row, last_row), min(high_col, widest)
        for r in range(low_row, high_row + 1):
            for c in range(low_col, high_col + 1):
                if (r, c) != (low_row, low_col):
                    marks.append((r, c, "merged_cell", {"range": cell_range.ref}))
    return marks


@functools.cache
def _marking_parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class MarkingParser(WorkSheetParser):
        """openpyxl's parser of cached values, marking what Excel would show otherwise."""

        def __init__(self, marks: list[Mark], *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._marks = marks

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            value = cell["value"]
            if value is None:
                formula = element.find(FORMULA_TAG)
                if formula is not None:  # a formula without its result
                    shown = "=" + (formula.text or "")
                    self._marks.append(
                        (cell["row"], cell["column"], "formula_without_value", {"shown": shown})
                    )
            elif cell["data_type"] == "d" and element.get("t", "n") == "n":
                number = _cast_serial(element)
                if number is not None and 0 <= number <= _DATE_1900_LAST_SERIAL:
                    self._marks.append(
                        (
                            cell["row"],
                            cell["column"],
                            "date_formatted_number",
                            {
                                "shown": _cell_text(value),
                                "date": _cell_text(value),
                                "number": _cell_text(number),
                            },
                        )
                    )
            return cell

    return MarkingParser


def _cast_serial(element) -> float | None:
    from openpyxl.worksheet._reader import VALUE_TAG

    try:
        return float(element.findtext(VALUE_TAG, None))
    except (TypeError, ValueError):
        return None


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


def _frame_columns(frame: pd.DataFrame) -> list[Column]:
    """A frame's columns as :data:`Column`: codes into distinct texts, ``-1`` where no cell is."""
    columns = []
    for i in range(frame.shape[1]):
        codes, uniques = pd.factorize(frame.iloc[:, i], sort=False)
        columns.append((codes.astype(np.intp, copy=False), np.asarray(uniques, dtype=object)))
    return columns


def _to_raw_table(source: Source, frame: pd.DataFrame) -> RawTable:
    """The raw table of a frame of text cells (a cell a short row lacks is missing: read as "")."""
    if frame.empty or frame.shape[1] == 0:
        return RawTable(source.table, source.display, pd.DataFrame(), header_row=0)
    return _columns_to_raw_table(source, _frame_columns(frame))


def _columns_to_raw_table(source: Source, columns: list[Column]) -> RawTable:
    """The raw table of a file's records, given as columns of codes into distinct texts.

    The first record that is not blank is the header; the records after it are the rows,
    numbered as a user counts them (the first record is row 1). Blank rows, and trailing
    columns empty in the header and in every row (Excel's ";;;" padding), are dropped. The
    columns' factorisations are kept for the checks (:meth:`RawTable.factorized`), with the
    distinct values in the order they first occur in the rows.
    """
    empty = RawTable(source.table, source.display, pd.DataFrame(), header_row=0)
    n_records = len(columns[0][0]) if columns else 0
    if n_records == 0:
        return empty
    columns = [_fill_missing(codes, uniques) for codes, uniques in columns]
    record_blank = _blank_records(columns)
    if record_blank.all():
        return empty
    first = int(np.argmax(~record_blank))  # the header, 0-based
    header_row = first + 1
    header = [
        ""
        if _is_blank(uniques[codes[first]])
        else uniques[codes[first]].strip().lstrip("\ufeff").strip()
        for codes, uniques in columns
    ]
    index = pd.RangeIndex(header_row + 1, n_records + 1)
    body = [_after_header(codes, uniques, first) for codes, uniques in columns]
    issues: list[tuple[tuple, dict[str, object]]] = []
    for i, (codes, uniques) in enumerate(body):
        issues.extend(_error_cells(source.display, index, codes, uniques, header, i))
        long = _long_cells(source.display, index, codes, uniques, header, i)
        if long:  # reported: later checks see the first MAX_CELL_CHARS characters only
            issues.extend(long)
            body[i] = (codes, np.array([u[:MAX_CELL_CHARS] for u in uniques], dtype=object))
    rows = ~_blank_records(body) if len(index) else np.zeros(0, dtype=bool)
    # Keep every column with a header or a value, even with an empty header (reported later);
    # the body's distinct values all occur in it, so a column is empty if they are all blank.
    keep = [i for i, h in enumerate(header) if h != "" or not _blank_values(body[i][1]).all()]
    if not rows.all():
        index = index[rows]  # pandas keeps a RangeIndex when the rows kept form a range
        body = [_refactorize(codes[rows], uniques) for codes, uniques in body]
    return RawTable(
        source.table,
        source.display,
        header_row=header_row,
        issues=issues,
        columns=[body[i] for i in keep],
        headers=[header[i] for i in keep],
        index=index,
    )


def _fill_missing(codes: np.ndarray, uniques: np.ndarray) -> Column:
    """A column with its missing cells (code ``-1``) read as ``""``, factorised in the order the
    values first occur (as every :data:`Column` is)."""
    if not len(codes) or codes.min() >= 0:
        return codes, uniques
    filled = np.flatnonzero(uniques == "")
    if len(filled):
        position = int(filled[0])
    else:
        position = len(uniques)
        uniques = np.append(uniques, np.array([""], dtype=object))
    # Refactorised, so that the distinct values stay in the order they first occur.
    return _refactorize(np.where(codes < 0, position, codes), uniques)


def _blank_records(columns: list[Column]) -> np.ndarray:
    """For each record, whether all its cells are blank.

    Columns with few distinct values are looked at first; each later column only at the
    records still blank, so that the distinct values of an id column are not all stripped to
    learn that no record is blank.
    """
    candidates = np.arange(len(columns[0][0]))
    for codes, uniques in sorted(columns, key=lambda column: len(column[1])):
        if not len(candidates):
            break
        held = codes[candidates]
        used = np.unique(held)
        blank = np.zeros(len(uniques), dtype=bool)
        blank[used] = _blank_values(uniques[used])
        candidates = candidates[blank[held]]
    result = np.zeros(len(columns[0][0]), dtype=bool)
    result[candidates] = True
    return result


def _after_header(codes: np.ndarray, uniques: np.ndarray, header: int) -> Column:
    """The factorisation of a column's records after the header record (0-based ``header``).

    Most often the header is the first record and its text (code 0, being the first) occurs
    nowhere below it: then dropping it shifts every other code down by one, and the order of
    first occurrence is kept.
    """
    body = codes[header + 1 :]
    if header == 0 and len(codes) and codes[0] == 0 and not (body == 0).any():
        return body - 1, uniques[1:]
    return _refactorize(body, uniques)


def _refactorize(codes: np.ndarray, uniques: np.ndarray) -> Column:
    """The factorisation of a selection of a column's rows: only the distinct values it holds,
    in the order they first occur (as :func:`pandas.factorize` of the selected cells gives)."""
    new_codes, used = pd.factorize(codes, sort=False)
    return new_codes.astype(np.intp, copy=False), uniques[used]


def _error_cells(
    file: str, index: pd.Index, codes: np.ndarray, uniques: np.ndarray, header: list[str], i: int
) -> list[tuple[tuple, dict[str, object]]]:
    """A problem for each cell of column ``i`` that holds one of Excel's error values
    (:data:`EXCEL_ERRORS`), in any column, free text included: never a value to publish."""
    short = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques)) <= 16
    if not short.any():
        return []
    error = np.zeros(len(uniques), dtype=bool)
    error[short] = [u.strip().upper() in EXCEL_ERRORS for u in uniques[short]]
    if not error.any():
        return []
    column = header[i] or _letters(i)
    rows = np.flatnonzero(np.append(error, False)[codes])
    return [
        (
            (file, int(index[r]), column, uniques[codes[r]], "excel_error"),
            {"error": uniques[codes[r]].strip().upper()},
        )
        for r in rows
    ]


def _long_cells(
    file: str, index: pd.Index, codes: np.ndarray, uniques: np.ndarray, header: list[str], i: int
) -> list[tuple[tuple, dict[str, object]]]:
    """A problem for each cell of column ``i`` longer than :data:`MAX_CELL_CHARS` characters."""
    lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
    long = lengths > MAX_CELL_CHARS
    if not long.any():
        return []
    column = header[i] or _letters(i)
    rows = np.flatnonzero(np.append(long, False)[codes])
    return [
        (
            (file, int(index[r]), column, None, "cell_too_long"),
            {"n": int(lengths[codes[r]]), "limit": MAX_CELL_CHARS},
        )
        for r in rows
    ]


def unreadable(source: Source, issue: ReadIssue) -> RawTable:
    """The table of a file that could not be read: no rows, and the reason as its issue."""
    return RawTable(
        source.table,
        source.display,
        pd.DataFrame(),
        header_row=0,
        issues=[issue.as_issue()],
        readable=False,
    )


def _read_or_refuse(source: Source, early: EarlyRead | None = None) -> RawTable:
    try:
        return read_raw(source, early=early)
    except ReadIssue as issue:
        return unreadable(source, issue)


def read_raw_tables(
    path: Path, *, pool: Executor | None = None, early: EarlyRead | None = None
) -> tuple[Mapping[str, RawTable], list[tuple[str, str]], list[str]]:
    """Read every table of a data set as text.

    A table whose file cannot be read comes back unreadable (:func:`unreadable`); a data set
    that cannot be opened at all (not a folder or workbook, a damaged workbook) raises
    :class:`ReadIssue`.

    With ``pool``, CSV files are read on its threads and the tables come back as
    :class:`PendingTables`: each is waited for when first looked up, so a caller can check one
    table while the next is still being parsed (Arrow and pandas' C parser release the GIL).
    The caller keeps the pool open until it has looked up every table it needs. ``early``:
    files being read already (:class:`~analyse.data.csvbytes.EarlyRead`), taken from there.
    """
    sources, clashes, warnings = locate(Path(path))
    if len(sources) > 1 and all(src.sheet is None for src in sources.values()):
        if pool is not None:
            return PendingTables(sources, pool, early), clashes, warnings
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as own:
            pending = PendingTables(sources, own, early)
            raw = {table: pending[table] for table in pending}
    else:
        raw = {table: _read_or_refuse(src, early) for table, src in sources.items()}
    return raw, clashes, warnings


class PendingTables(Mapping[str, RawTable]):
    """Tables being read on a pool's threads, the largest file first; a lookup waits for one,
    but never past :data:`READ_TIMEOUT_SECONDS` from the start (then the table is unreadable,
    ``read_timeout``)."""

    def __init__(
        self, sources: Mapping[str, Source], pool: Executor, early: EarlyRead | None = None
    ) -> None:
        import time

        order = sorted(sources, key=lambda t: -_size(sources[t].path))  # the longest first
        self._sources = sources
        self._deadline = time.monotonic() + READ_TIMEOUT_SECONDS
        self._futures: dict[str, Future[RawTable]] = {
            table: pool.submit(_read_or_refuse, sources[table], early) for table in order
        }

    def _left(self) -> float:
        import time

        return max(0.0, self._deadline - time.monotonic())

    def __getitem__(self, table: str) -> RawTable:
        from concurrent.futures import TimeoutError as FutureTimeout

        future = self._futures[table]
        try:
            return future.result(timeout=self._left())
        except FutureTimeout:
            future.cancel()
            source = self._sources[table]
            issue = ReadIssue(source.display, "read_timeout", seconds=round(READ_TIMEOUT_SECONDS))
            return unreadable(source, issue)

    def as_read(self) -> Iterator[str]:
        """The tables in the order their reading finishes (those not read in time last)."""
        from concurrent.futures import TimeoutError as FutureTimeout

        by_future = {future: table for table, future in self._futures.items()}
        done: set[str] = set()
        try:
            for future in as_completed(by_future, timeout=self._left()):
                done.add(by_future[future])
                yield by_future[future]
        except FutureTimeout:
            yield from (t for t in self._futures if t not in done)

    def __contains__(self, table: object) -> bool:  # without waiting for the table
        return table in self._futures

    def __iter__(self) -> Iterator[str]:
        return iter(self._futures)

    def __len__(self) -> int:
        return len(self._futures)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported by the reader


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
