"""Plain UTF-8 CSV files parsed by Arrow from their bytes, and read early.

A data folder's files can be read while the command line is still importing pandas and
pandera: :class:`EarlyRead` reads each CSV file's bytes, hashes them and, for a plain file
(:func:`plain_columns`), has Arrow parse and factorise it. Arrow does that work without
Python's global interpreter lock, on the core the imports leave idle. :mod:`analyse.data.io` takes
the results (:meth:`EarlyRead.take`) and does the rest as for a file it reads itself.

This module imports only numpy and pyarrow (pandas imports both in any case), so that it can
start before the heavy imports.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
#: Lines of one CSV file: as many rows as an Excel sheet holds (national data has a few
#: hundred thousand rows in its largest table).
MAX_ROWS = 1_048_576
#: Columns of one table (the widest table of the contract has about ten).
MAX_COLUMNS = 1_000
#: Bytes read early in all (three times a national data set); the files beyond are read as
#: usual. The early reader cannot tell a table's file from another CSV file in the folder
#: (the names of the tables are in the pandera models it reads before): this bounds what
#: reading a file that is not a table can cost.
EARLY_MAX_BYTES = 128 * 1024 * 1024

#: Bytes of one table file (a million rows of 20 wide cells is about 200 MB): a file that is
#: larger, or grows past this while it is read, is refused instead of read without an end.
MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024


class NotAFile(OSError):
    """A path that names no regular file: a FIFO, a device, a socket, a folder or a loop of
    symbolic links. ``kind`` says which (``fifo``, ``device``, ``socket``, ``folder``,
    ``symlink_loop``)."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(f"{path}: not a regular file ({kind})")
        self.kind = kind


class TooLarge(OSError):
    """A file of more than :data:`MAX_FILE_BYTES` (or one that grew past it while read)."""

    def __init__(self, path: str | os.PathLike[str], size: int) -> None:
        super().__init__(f"{path}: more than {MAX_FILE_BYTES} bytes")
        self.size = size


def file_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file (None when it is)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special"


def open_regular(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    """Open a regular file for reading without ever blocking on what it turns out to be.

    Opened non-blocking (a FIFO then opens at once instead of waiting for a writer), then
    checked by the open file's own status, so a file replaced by a FIFO or a device between a
    check and the read is caught. Returns the file descriptor (the caller closes it) and its
    status. Raises :class:`NotAFile` for anything but a regular file, :class:`TooLarge`, or
    the :class:`OSError` of the opening (permission ...).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotAFile(path, "symlink_loop") from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket; a folder (Windows)
            raise NotAFile(path, "socket" if exc.errno == errno.ENXIO else "folder") from None
        raise
    try:
        st = os.fstat(fd)
        kind = file_kind(st.st_mode)
        if kind is not None:
            raise NotAFile(path, kind)
        if st.st_size > MAX_FILE_BYTES:
            raise TooLarge(path, st.st_size)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_regular(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (see :func:`open_regular`), at most :data:`MAX_FILE_BYTES`
    (a file still growing past that is refused), and its status as opened."""
    fd, st = open_regular(path)
    parts: list[bytes] = []
    total, want = 0, st.st_size + 1  # the size as opened; more only if it grows meanwhile
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(min(want, MAX_FILE_BYTES + 1 - total)):
            parts.append(chunk)
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise TooLarge(path, total)
            want = 1 << 20
    return b"".join(parts), st


#: A column of a file: for each record, the position of its cell among the column's distinct
#: texts (``-1``: the record has no such cell), and those texts, in the order they first occur
#: (as :func:`pandas.factorize` and Arrow's ``dictionary_encode`` give them).
Column = tuple[np.ndarray, np.ndarray]


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


def plain_columns(data: bytes) -> list[Column] | None:
    """Arrow's reading of a plain UTF-8 CSV file's bytes, as columns of every record, or None.

    Plain: UTF-8 (with or without BOM), no NUL byte, no quote, within the limits, and records
    Arrow reads (every one as wide as the first, no blank line). Most files are; they are read
    without decoding them into a Python string first (for a national file, tens of megabytes).
    Anything else is None, and :mod:`analyse.data.io` reads it the full way, which gives the same
    table for a plain file (``tests/test_prepare_speed_equivalence.py``).
    """
    encoded = _plain_encoded(data)
    return None if encoded is None else [_dictionary_codes(column) for column in encoded]


def _plain_encoded(data: bytes) -> list | None:
    """:func:`plain_columns` as Arrow leaves them (dictionary-encoded), or None.

    Everything here but a few checks runs in Arrow's C++ without Python's global interpreter
    lock; making the columns' distinct values Python strings (:func:`_dictionary_codes`) is
    left to the caller.
    """
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if b'"' in body or b"\x00" in body or not body or body.isspace():
        return None
    head = body[: 1 << 16]
    lines = head.decode("utf-8", errors="ignore").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or (first == len(lines) - 1 and len(head) < len(body)):
        return None  # the header line may run on beyond the head
    header_line = lines[first]
    sep = sniff_delimiter(header_line)
    width = header_line.count(sep) + 1
    if width > MAX_COLUMNS:
        return None
    encoded = _arrow_encoded(body, sep, width, check_utf8=True)
    if encoded is None or len(encoded[0]) > MAX_ROWS:
        # Without quotes every line break ends a record: MAX_ROWS records or fewer means as
        # few lines, as the full way counts them. More: the full way says so.
        return None
    return encoded


def arrow_columns(
    body: bytes, sep: str, width: int, *, check_utf8: bool = False
) -> list[Column] | None:
    """Arrow's reading of a CSV file whose records all have ``width`` cells or fewer, else None.

    Arrow parses and factorises each column in C++ (``dictionary_encode``): no Python string is
    made for a cell, only one per distinct value. It is asked only for files without quotes,
    and refuses what pandas reads leniently (rows of other widths, blank lines): then None, and
    the caller asks pandas.
    """
    encoded = _arrow_encoded(body, sep, width, check_utf8=check_utf8)
    return None if encoded is None else [_dictionary_codes(column) for column in encoded]


def _arrow_encoded(body: bytes, sep: str, width: int, *, check_utf8: bool) -> list | None:
    """:func:`arrow_columns` as Arrow leaves them: dictionary-encoded chunked arrays."""
    if b'"' in body:
        # A quote Arrow and pandas read alike when quotes pair up, but Arrow ends an open quote
        # at the end of the file where pandas reports it: files with quotes go to pandas.
        return None
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    options = dict(
        read_options=pa_csv.ReadOptions(
            autogenerate_column_names=True, block_size=1 << 20, use_threads=False
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=sep,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=False,  # no quotes, so no line break inside a cell
            ignore_empty_lines=False,
        ),
        convert_options=pa_csv.ConvertOptions(
            # Autogenerated names are f0, f1, ...: every column is read as text.
            column_types={f"f{i}": pa.string() for i in range(width)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
            check_utf8=check_utf8,  # else the caller knows the bytes are UTF-8
        ),
    )
    try:
        table = pa_csv.read_csv(pa.py_buffer(body), **options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows == 0 or table.num_columns > width:
        return None
    if any(column.type != pa.string() for column in table.columns):
        return None
    return [column.dictionary_encode() for column in table.columns]


def _dictionary_codes(encoded) -> Column:  # a dictionary-encoded pyarrow.ChunkedArray
    """A column's codes and distinct texts, in the order they first occur, from Arrow.

    Arrow encodes a chunked column with one dictionary for all its chunks (each chunk carries
    it), so the chunks need not be joined first; should the chunks' dictionaries differ, they
    are joined and encoded again.
    """
    chunks = encoded.chunks
    if not chunks:
        return np.zeros(0, dtype=np.intp), np.empty(0, dtype=object)
    dictionary = chunks[-1].dictionary
    if not all(chunk.dictionary.equals(dictionary) for chunk in chunks):
        single = encoded.cast(dictionary.type).combine_chunks().dictionary_encode()
        chunks, dictionary = [single], single.dictionary
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks])
    uniques = np.asarray(dictionary.to_numpy(zero_copy_only=False), dtype=object)
    return codes.astype(np.intp, copy=False), uniques


@dataclass
class FileRead:
    """A file as read early: its bytes (kept only if it is not plain), their SHA-256, and
    Arrow's reading if it is plain (dictionary-encoded: :meth:`columns` makes the columns)."""

    data: bytes | None
    sha256: str
    encoded: list | None
    size: int
    mtime_ns: int

    def columns(self) -> list[Column] | None:
        """The file's columns (:func:`plain_columns`), None for a file that is not plain."""
        return None if self.encoded is None else [_dictionary_codes(c) for c in self.encoded]


class EarlyRead:
    """The CSV files of a folder, read on a thread of their own from the moment this is made.

    The largest file is read first. :meth:`take` hands a file over: waited for if it is being
    read, None if its reading has not begun (the caller then reads it itself, so that the
    files left are read on as many threads as the caller has) or the file changed since.
    ``close`` stops what has not begun; use it as a context manager.
    """

    def __init__(self, folder: str | Path) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early-read")
        self._futures: dict[Path, Future[FileRead | None]] = {}
        try:
            listed = [p for p in Path(folder).iterdir() if p.suffix.lower() in CSV_SUFFIXES]
            sized = [(p.stat().st_size, p) for p in listed if _regular(p)]
        except OSError:
            return  # the reader reports it
        budget = EARLY_MAX_BYTES
        for size, path in sorted(sized, key=lambda s: (-s[0], s[1].name)):
            if size <= budget:
                budget -= size
                self._futures[path.resolve()] = self._pool.submit(_read_file, path)

    def take(self, path: str | Path) -> FileRead | None:
        try:
            key = Path(path).resolve()
        except (OSError, RuntimeError):  # a loop of symbolic links: never read early
            return None
        future = self._futures.pop(key, None)
        if future is None or future.cancel():
            return None
        read = future.result()
        try:
            st = Path(path).stat()
        except OSError:
            return None
        if read is None or (st.st_size, st.st_mtime_ns) != (read.size, read.mtime_ns):
            return None
        return read

    def close(self, *, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> EarlyRead:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        # Leaving by an exception (a stop request ...): a read that hangs is not waited for.
        self.close(wait=kind is None)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _read_file(path: Path) -> FileRead | None:
    try:
        data, st = read_regular(path)
    except OSError:
        return None  # the reader reports it
    digest = hashlib.sha256(data).hexdigest()
    # Only what runs without the interpreter lock is done here, beside the imports: making
    # Python strings of the distinct values is left to the reader that takes the file.
    encoded = _plain_encoded(data)
    kept = data if encoded is None else None  # read the full way from its bytes
    return FileRead(kept, digest, encoded, st.st_size, st.st_mtime_ns)
