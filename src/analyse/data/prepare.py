"""Prepare: validated tables as Parquet plus a manifest, written atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.config import Lang
from analyse.data.csvbytes import EarlyRead
from analyse.data.dataset import Dataset
from analyse.data.io import input_files, sha256
from analyse.data.schema import TABLES, apply_dtypes
from analyse.data.validate import read_dataset
from analyse.outputs import check_out, output_folder


@contextmanager
def atomic_folder(
    out: Path,
    *,
    command: str = "prepare",
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: str = "da",
) -> Iterator[Path]:
    """Write into a temporary folder beside ``out``; move it into place only on success.

    ``out`` must be new, empty or an earlier run of ``command`` (see
    :func:`analyse.outputs.output_folder`, which this is); it is checked and locked before the
    body runs. If the body raises, nothing is left behind and an existing ``out`` is untouched.
    """
    with output_folder(out, command=command, inputs=inputs, lang=lang) as tmp:
        yield tmp


def manifest(path: Path, ds: Dataset) -> dict[str, object]:
    """What a prepared folder records: inputs with SHA-256, row counts, package version."""
    from analyse.config import package_version

    path = Path(path)
    files = input_files(path)
    return {
        "source": str(path),
        "inputs": [
            {
                "file": f.name,
                # The hash of the bytes that were validated, when the reader kept it.
                "sha256": ds.input_sha256.get(f.name) or sha256(f),
                "bytes": f.stat().st_size,
            }
            for f in files
        ],
        "tables": {
            name: {"rows": len(frame), "file": f"{name}.parquet"}
            for name, frame in ds.tables().items()
        },
        "sites": ds.sites,
        "waves": ds.waves,
        "package": {"name": "naere-relationer", "version": package_version()},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "warnings": ds.warnings,
    }


def prepare(
    path: str | Path, out: str | Path, *, lang: Lang = "da", early: EarlyRead | None = None
) -> Dataset:
    """Validate the data set at ``path`` and write it to ``out`` as Parquet + manifest.json.

    Nothing is written when validation fails (the :class:`~analyse.errors.DataError` is
    raised before the output folder is created). ``out`` must be a new or empty folder, or an
    earlier ``prepare`` of ours (:func:`analyse.outputs.check_out`), and is checked before the
    data is read. ``early``: the folder's files, being read already (see
    :func:`analyse.data.validate.read_dataset`).
    """
    check_out(out, command="prepare", inputs=[path], lang=lang)  # refuse before reading
    ds = read_dataset(path, lang=lang, early=early)
    write_prepared(ds, path, out, lang=lang)
    return ds


def write_prepared(
    ds: Dataset, source: str | Path, out: str | Path, *, lang: str = "da"
) -> dict[str, object]:
    """Write an already validated data set (read from ``source``) as Parquet + manifest.json.

    Returns the manifest (inputs with their SHA-256, row counts, package version).
    """
    info = manifest(Path(source), ds)
    with atomic_folder(Path(out), command="prepare", inputs=[source], lang=lang) as tmp:
        # pyarrow encodes and compresses without the GIL: two tables are written at a time.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            written = [
                pool.submit(write_parquet, frame, tmp / f"{name}.parquet")
                for name, frame in ds.tables().items()
            ]
            for future in written:
                future.result()
        (tmp / "manifest.json").write_text(
            json.dumps(info, indent=2, ensure_ascii=False), encoding="utf-8"
        )
    return info


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as Parquet without its index, with less work than pandas.

    The file is byte for byte the one ``frame.reset_index(drop=True).to_parquet(path,
    index=False)`` writes. pandas would copy the frame to drop an index that is not written
    anyway, and convert the columns on a thread pool (no gain on a table's few columns, and
    contention on a shared machine); pyarrow is called directly with pandas' settings (Snappy).
    """
    if frame.attrs:  # pandas stores them in the file's metadata: leave that to pandas
        frame.reset_index(drop=True).to_parquet(path, index=False)
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
    pq.write_table(table, path, compression="snappy")


def is_prepared(path: str | Path) -> bool:
    """Whether ``path`` is a folder written by :func:`prepare`."""
    path = Path(path)
    return (
        path.is_dir()
        and (path / "manifest.json").exists()
        and (path / "residents.parquet").exists()
    )


def read_prepared(path: str | Path, *, lang: Lang = "da") -> Dataset:
    """Read a prepared folder back as a :class:`~analyse.data.dataset.Dataset`.

    The tables are screened again like raw data (:func:`screen_prepared`): a prepared folder
    can be edited, or come from someone else, after :func:`prepare` screened it.

    Raises
    ------
    PrivacyError
        A cell or column that could identify a person, with file, row, column (value masked).
    """
    path = Path(path)
    frames = {name: pd.read_parquet(path / f"{name}.parquet") for name in TABLES}
    screen_prepared(path, frames, lang=lang)
    check_prepared_sites(path, frames, lang=lang)
    ds = Dataset.from_frames(**{n: apply_dtypes(n, f) for n, f in frames.items()})
    info = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    ds.sources = {n: f"{path.name}/{n}.parquet" for n in TABLES}
    ds.warnings = list(info.get("warnings", []))
    return ds


def check_prepared_sites(
    path: Path, frames: Mapping[str, pd.DataFrame], *, lang: Lang = "da"
) -> None:
    """Check the site codes of a prepared folder again, as :mod:`analyse.data.validate` checks raw
    data: a site's code names its report file, so a code edited into the Parquet files (a
    path such as ``../x``, ``CON``, a code in NFD form) must not reach the file system.

    Raises
    ------
    DataError
        With one problem (file, row, column, value) for each bad code.
    """
    import re
    import unicodedata

    from analyse.data.schema import SITE_PATTERN
    from analyse.data.validate import rule_text
    from analyse.errors import DataError
    from analyse.problems import Problem

    pattern = re.compile(SITE_PATTERN)
    problems: list[Problem] = []
    for name, frame in frames.items():
        if "site_id" not in frame.columns:
            continue
        values = frame["site_id"]
        for value in pd.unique(values.dropna()):
            text = str(value)
            if pattern.match(text) and unicodedata.normalize("NFC", text) == text:
                continue
            row = int(np.flatnonzero((values == value).to_numpy())[0]) + 2
            problems.append(
                Problem(
                    f"{path.name}/{name}.parquet",
                    row,
                    "site_id",
                    text,
                    rule_text("bad_site_code", lang),
                    "bad_site_code",
                )
            )
    if problems:
        raise DataError(problems)


def load(path: str | Path, *, lang: Lang = "da") -> Dataset:
    """A data set from a raw folder, an XLSX workbook or a prepared folder (screened again)."""
    return read_prepared(path, lang=lang) if is_prepared(path) else read_dataset(path, lang=lang)


def _as_text(column: pd.Series) -> np.ndarray:
    """A column's values as the text a raw file would hold (missing: ``""``), as an object
    array; each distinct value is converted once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text = np.array([str(u) for u in uniques] + [""], dtype=object)
    return text[codes]  # code -1 (missing) takes the last entry, ""


def screen_prepared(path: Path, frames: dict[str, pd.DataFrame], *, lang: Lang = "da") -> None:
    """Screen the tables of a prepared folder like raw data (:mod:`analyse.data.screen`).

    Every cell is read as text: CPR numbers and e-mail addresses anywhere, phone numbers in
    free text and in columns outside the contract, and columns outside the contract by their
    header and content. A finding names ``<folder>/<table>.parquet``, the row (first data row
    = 2, as in a spreadsheet) and the column, with the value masked.

    Raises
    ------
    PrivacyError
        With every finding.
    """
    from analyse.data import screen
    from analyse.data.io import RawTable
    from analyse.data.schema import table_spec
    from analyse.data.validate import rule_text
    from analyse.errors import PrivacyError
    from analyse.problems import Problem

    problems: list[Problem] = []
    for name, frame in frames.items():
        contract = {c.name for c in table_spec(name).columns}
        text = pd.DataFrame(
            {str(c): _as_text(frame[c]) for c in frame.columns},
            index=pd.RangeIndex(2, len(frame) + 2),
        )
        rt = RawTable(name, f"{path.name}/{name}.parquet", text)
        known = {c: c for c in text.columns if c in contract}
        unknown = [c for c in text.columns if c not in contract]
        for (file, row, column, value, code), fields in screen.screen_table(
            rt, known=known, unknown=unknown, lang=lang
        ):
            problems.append(
                Problem(file, row, column, value, rule_text(code, lang, **fields), code)
            )
    if problems:
        raise PrivacyError(problems)
