"""The fast paths of reading, validation and prepare give what the plain ways give.

Issue 3 made validate + prepare of national data fast (integer codes instead of string keys,
one factorisation per column, typed columns built from distinct values, Parquet written by
pyarrow directly). Each shortcut is checked here against the straightforward computation it
replaces, on generated inputs, so that a faster path can never change a result.
"""

from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyse.data.dataset import Dataset
from analyse.data.demo import make_demo_tables
from analyse.data.io import (
    Source,
    _first_nonblank_line,
    _to_raw_table,
    read_raw,
    write_dataset,
)
from analyse.data.prepare import write_parquet
from analyse.data.schema import apply_dtypes, table_spec
from analyse.data.validate import _Coded, _combined_codes, read_dataset
from analyse.errors import DataError
from conftest import small_tables

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- reading


@SETTINGS
@given(
    text=st.text(alphabet=["a", ";", " ", "\t", "\r", "\n", "\x0b", "\x85", "\u2028"], max_size=40),
    head=st.integers(min_value=1, max_value=8),
)
def test_first_nonblank_line_is_that_of_splitlines(text: str, head: int) -> None:
    """Reading only the head of a file finds the header line that splitting it all finds."""
    expected = next((ln for ln in text.splitlines() if ln.strip()), "")
    assert _first_nonblank_line(text, head=head) == expected


def _reference_raw_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The raw table as computed before issue 3: fill, find the header, drop blank rows."""
    frame = frame.fillna("")
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    header_row = next(
        int(i)
        for i, row in zip(frame.index, frame.itertuples(index=False), strict=True)
        if any(str(v).strip() for v in row)
    )
    header = [h.strip().lstrip("\ufeff").strip() for h in frame.loc[header_row]]
    body = frame.loc[header_row + 1 :]
    blank_columns = [
        body.iloc[:, i].map(lambda v: not str(v).strip()).to_numpy(dtype=bool)
        for i in range(body.shape[1])
    ]
    blank = np.logical_and.reduce(blank_columns) if len(body) else np.zeros(0, dtype=bool)
    keep = [i for i, h in enumerate(header) if h != "" or not blank_columns[i].all()]
    body = body.iloc[~blank, keep].copy()
    body.columns = [header[i] for i in keep]
    return body, header_row


CELLS = st.sampled_from(["", " ", "  ", "a", "B1", " B1 ", "før", "\ufeffx", None, np.nan])


@SETTINGS
@given(
    rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=12).filter(
        lambda rows: any(v is not None and v == v and str(v).strip() for r in rows for v in r)
    )
)
def test_raw_table_is_the_filled_table(rows: list[list[object]]) -> None:
    """Missing cells are read as "" and blank rows dropped exactly as with ``fillna("")``."""
    frame = pd.DataFrame(rows, dtype=object)
    raw = _to_raw_table(Source("residents", Path("borgere.csv")), frame.copy())
    expected, header_row = _reference_raw_table(frame.copy())
    assert raw.header_row == header_row
    pd.testing.assert_frame_equal(raw.frame, expected, check_index_type=True)
    for i in range(raw.frame.shape[1]):  # the cached factorisation is that of the column
        codes, uniques = raw.factorized(i)
        want_codes, want_uniques = pd.factorize(expected.iloc[:, i], sort=False)
        np.testing.assert_array_equal(codes, want_codes)
        assert list(uniques) == list(want_uniques)


def _csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


TEXT_CELLS = st.text(
    alphabet=list(string.ascii_letters[:6]) + [";", '"', " ", "æ", "ø", "\n"], max_size=6
)


@SETTINGS
@given(rows=st.lists(st.lists(TEXT_CELLS, min_size=3, max_size=3), min_size=2, max_size=8))
def test_utf8_bytes_are_read_as_the_decoded_text(tmp_path_factory, rows) -> None:
    """UTF-8 files go to the parser as their bytes; Windows-1252 files as decoded text: same cells."""
    rows = [["borger_id", "botilbud", "boform"], *rows]
    folder = tmp_path_factory.mktemp("enc")
    read = {}
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        path = folder / f"borgere-{encoding}.csv"
        path.write_bytes(_csv_bytes(rows, encoding))
        read[encoding] = read_raw(Source("residents", path))
    for encoding in ("utf-8-sig", "cp1252"):
        assert read[encoding].header_row == read["utf-8"].header_row
        pd.testing.assert_frame_equal(read[encoding].frame, read["utf-8"].frame)


# --------------------------------------------------------------------------- codes


def _distinct_values(c) -> list[object]:
    if c.kind == "int":
        return [1, 2, 3, 7]
    if c.kind == "bool":
        return ["yes", "no"]
    if c.kind == "code":
        return [*c.code_values[:3], "unknown-code"]
    return ["B1", "B10", "H2", "x y"]


@SETTINGS
@given(data=st.data(), table=st.sampled_from(["residents", "relations", "outcomes", "practices"]))
def test_typed_from_codes_is_apply_dtypes(data, table: str) -> None:
    """Converting each distinct value once and taking by codes gives apply_dtypes' frame."""
    n = data.draw(st.integers(min_value=0, max_value=15))
    index = pd.Index(range(2, 2 + n))
    columns, plain = {}, {}
    for c in table_spec(table).columns:
        pool = _distinct_values(c)
        k = data.draw(st.integers(min_value=0, max_value=len(pool)))
        values = np.array(pool[:k], dtype=object)
        codes = np.array(
            data.draw(st.lists(st.integers(-1, k - 1), min_size=n, max_size=n)), dtype=np.intp
        )
        columns[c.name] = (codes, values)
        plain[c.name] = pd.Series(
            [pd.NA if code < 0 else values[code] for code in codes], index=index, dtype=object
        )
    got = _Coded(table, index, columns).typed()
    want = apply_dtypes(table, pd.DataFrame(plain, index=index))
    pd.testing.assert_frame_equal(got, want, check_exact=True)


@SETTINGS
@given(
    keys=st.lists(
        st.tuples(st.integers(-1, 3), st.integers(-1, 2), st.integers(-1, 4)),
        min_size=1,
        max_size=25,
    ),
    limit=st.sampled_from([2**62, 7, 2]),
)
def test_combined_codes_equal_exactly_when_keys_equal(keys, limit: int) -> None:
    """One integer per row: equal for equal keys, different otherwise (also when renumbered)."""
    parts = np.array(keys, dtype=np.intp).T
    sizes = (4, 3, 5)
    columns = [(parts[j], np.arange(sizes[j]).astype(object)) for j in range(3)]
    combined, complete = _combined_codes(columns, limit=limit)
    np.testing.assert_array_equal(complete, (parts >= 0).all(axis=0))
    rows = np.flatnonzero(complete)
    for a in rows:
        for b in rows:
            assert (combined[a] == combined[b]) == (keys[a] == keys[b])


# --------------------------------------------------------------------------- cross-table


def _expected_cross_table(tables: dict[str, pd.DataFrame]) -> set[tuple]:
    """Duplicates, orphan residents and unassessed relations, with plain pandas on strings."""
    files = {"residents": "residents.csv", "relations": "relations.csv", "outcomes": "outcomes.csv"}
    keys = {
        "residents": ["resident_id"],
        "relations": ["resident_id", "wave", "alter_id"],
        "outcomes": ["resident_id", "wave"],
    }
    expected = set()
    for table, key in keys.items():
        f = tables[table].reset_index(drop=True)
        f.index = f.index + 2  # the row a user sees (header = row 1)
        first = f.reset_index().groupby(key)["index"].transform("min")
        first.index = f.index
        for row in f.index[f.index != first]:
            expected.add((files[table], row, key[-1], "duplicate_key", int(first[row])))
    residents = set(tables["residents"]["resident_id"])
    assessed = set(zip(tables["outcomes"]["resident_id"], tables["outcomes"]["wave"], strict=True))
    for table in ("relations", "outcomes"):
        f = tables[table].reset_index(drop=True)
        for i, rid in enumerate(f["resident_id"]):
            if rid not in residents:
                expected.add((files[table], i + 2, "resident_id", "orphan", None))
    rel = tables["relations"].reset_index(drop=True)
    for i, (rid, wave) in enumerate(zip(rel["resident_id"], rel["wave"], strict=True)):
        if rid in residents and (rid, wave) not in assessed:
            expected.add(("relations.csv", i + 2, "wave", "not_assessed", None))
    return expected


def test_cross_table_problems_are_those_of_plain_pandas(tmp_path: Path) -> None:
    """Integer-coded keys and references report the rows that string keys report."""
    rng = np.random.default_rng(3)
    tables = make_demo_tables(3, seed=2)
    tables = {k: tables[k] for k in ("residents", "relations", "outcomes", "practices")}
    res, rel, oc = tables["residents"], tables["relations"], tables["outcomes"]
    rel = pd.concat([rel, rel.sample(6, random_state=1)], ignore_index=True)  # duplicates
    rel.loc[rng.choice(len(rel), 3, replace=False), "resident_id"] = "B99991"  # orphans
    rel.loc[rng.choice(len(rel), 5, replace=False), "wave"] = "followup"  # not assessed
    oc = pd.concat([oc, oc.iloc[[0, 5]]], ignore_index=True)
    oc.loc[len(oc)] = {**oc.iloc[1].to_dict(), "resident_id": "B99992"}
    res = pd.concat([res, res.iloc[[1]].assign(site_id="H9")], ignore_index=True)
    tables.update(residents=res, relations=rel, outcomes=oc)
    write_dataset(tables, tmp_path / "data", style="en", sep=",", encoding="utf-8")

    with pytest.raises(DataError) as err:
        read_dataset(tmp_path / "data", lang="en")
    got = set()
    for p in err.value.problems:
        if p.code in ("duplicate_key", "orphan", "not_assessed"):
            first = int(p.rule.rsplit("row ", 1)[1]) if p.code == "duplicate_key" else None
            got.add((p.file, p.row, p.column, p.code, first))
    expected = _expected_cross_table(tables)
    assert got == expected
    assert {code for *_, code, _ in got} == {"duplicate_key", "orphan", "not_assessed"}


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("attrs", [{}, {"note": "kept by pandas"}], ids=["plain", "with-attrs"])
def test_parquet_is_the_file_pandas_writes(tmp_path: Path, attrs: dict) -> None:
    """pyarrow called directly writes byte for byte what ``DataFrame.to_parquet`` writes."""
    ds = Dataset.from_frames(**small_tables())
    for name, frame in ds.tables().items():
        frame = frame.copy()
        frame.index = frame.index + 2  # as validated tables: the row a user sees
        frame.attrs.update(attrs)
        write_parquet(frame, tmp_path / f"{name}.parquet")
        frame.reset_index(drop=True).to_parquet(tmp_path / f"{name}-pandas.parquet", index=False)
        assert (tmp_path / f"{name}.parquet").read_bytes() == (
            tmp_path / f"{name}-pandas.parquet"
        ).read_bytes(), name


# --------------------------------------------------------------------------- privacy screen


@SETTINGS
@given(
    st.lists(
        st.text(alphabet=list("0123456789 -@.abæ") + ["\u0663", "\uff11", "\u00e9"], max_size=16),
        min_size=1,
        max_size=30,
    )
)
def test_screen_prefilter_finds_what_the_regular_expression_finds(values) -> None:
    """``screen._suspects`` only searches values with an ``@`` or eight digit-like bytes; it
    must flag exactly the values the plain regular expression flags (Unicode digits too)."""
    from analyse.data.screen import _SUSPECT, _suspects

    assert _suspects(values) == [i for i, v in enumerate(values) if _SUSPECT.search(v)]


# --------------------------------------------------------------------------- Arrow's parser

RAW_CSV = st.lists(
    st.sampled_from(["a", "B1", ";", '"', " ", "\n", "\r", "\r\n", "æ", "\t"]), max_size=40
).map("".join)
QUOTED_CELL = st.builds(
    lambda s: '"' + s.replace('"', '""') + '"',
    st.lists(st.sampled_from(["a", ";", '"', "\n", "\r\n", " ", "ø"]), max_size=5).map("".join),
)
CSV_CELL = st.one_of(st.text(alphabet=["a", "B", "1", " ", "æ", "\t"], max_size=4), QUOTED_CELL)
ROWS_CSV = st.builds(
    lambda rows, end, last: end.join(";".join(r) for r in rows) + (end if last else ""),
    st.lists(st.lists(CSV_CELL, min_size=1, max_size=4), min_size=1, max_size=8),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)


PLAIN_CELL = st.lists(st.sampled_from(["a", "B", "1", " ", "æ", "\t", ","]), max_size=4).map(
    "".join
)
#: Files as written (every row as wide as the header), sometimes with one cell too few or too
#: many, or a blank line, in a row.
RECT_CSV = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.builds(
        lambda rows, end, last: end.join(";".join(r) for r in rows) + (end if last else ""),
        st.lists(
            st.lists(PLAIN_CELL, min_size=width, max_size=width)
            | st.lists(PLAIN_CELL, min_size=0, max_size=width + 1),
            min_size=1,
            max_size=8,
        ),
        st.sampled_from(["\n", "\r\n", "\r"]),
        st.booleans(),
    )
)


def _cells(columns) -> list[list[str]]:
    """The records of a file's columns as lists of text cells (a missing cell as "")."""
    filled = [[("" if c < 0 else str(u[c])) for c in codes] for codes, u in columns]
    return [list(record) for record in zip(*filled, strict=True)]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(RECT_CSV, ROWS_CSV, RAW_CSV))
def test_arrow_reads_the_cells_pandas_reads(text: str) -> None:
    """Where Arrow's parser reads a file, it reads the cells pandas' C parser reads; where the
    two could differ (ragged rows, blank lines, an open quote), Arrow declines."""
    from analyse.data.csvbytes import arrow_columns
    from analyse.data.io import ReadIssue, _frame_columns, _pandas_csv

    if not text or text.isspace():
        return  # read_raw answers these before any parser runs
    header_line = _first_nonblank_line(text)
    body = text.encode("utf-8")
    arrow = arrow_columns(body, ";", header_line.count(";") + 1)
    if arrow is None:
        return
    try:
        frame = _pandas_csv("f.csv", body, text, ";")
    except ReadIssue as issue:  # pragma: no cover - the failure to show
        raise AssertionError(f"Arrow read a file pandas refuses: {issue.as_issue()}") from None
    assert _cells(arrow) == _cells(_frame_columns(frame))


def test_arrow_reads_the_files_we_write(tmp_path) -> None:
    """The fast parser is the one that reads well-formed files (the test above would pass if it
    declined everything)."""
    from analyse.data.csvbytes import arrow_columns

    write_dataset(make_demo_tables(3, seed=2), tmp_path, style="da")
    for path in sorted(tmp_path.glob("*.csv")):
        body = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        first = body.split(b"\n", 1)[0].decode()
        assert arrow_columns(body, ";", first.count(";") + 1) is not None, path.name


@settings(max_examples=500, deadline=None)
@given(
    value=st.lists(
        st.sampled_from(["a", "Z", "0", "9", "_", ".", "-", "é", " ", "\n", "!"]), max_size=36
    )
    .map("".join)
    .filter(lambda v: not v.endswith("\n"))  # values are checked stripped
)
def test_pseudonym_pattern_is_the_look_ahead_rule(value: str) -> None:
    """The pattern RE2 can run, with the length check beside it, accepts exactly what the rule
    as first written accepts: 1-32 letters, digits, ``_``, ``.`` or ``-``, one a digit."""
    import re

    from analyse.data.schema import PSEUDONYM_MAX_LENGTH, PSEUDONYM_PATTERN

    rule = bool(re.match(r"^(?=.*\d)[A-Za-z0-9_.\-]{1,32}$", value))
    short = len(value) <= PSEUDONYM_MAX_LENGTH
    assert (bool(re.match(PSEUDONYM_PATTERN, value)) and short) == rule
    as_arrow = pd.Series([value], dtype="str").str.match(PSEUDONYM_PATTERN).iloc[0]
    assert bool(as_arrow) == bool(re.match(PSEUDONYM_PATTERN, value))  # ``$`` as Python reads it


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(RECT_CSV, RAW_CSV, ROWS_CSV),
    bom=st.booleans(),
    extra=st.sampled_from(["", "\u00a0", "\x85", "\u2028", "\x0c", "\udcff"]),
)
def test_plain_utf8_files_read_as_decoded_text(text: str, bom: bool, extra: str) -> None:
    """A file Arrow reads from its bytes gives the table the full way (decode, then parse)
    gives; files it must not read (quotes, NUL, other encodings) it declines."""
    from analyse.data.io import _read_decoded, _read_plain_utf8

    data = (text + extra).encode("utf-8", errors="surrogateescape")  # \udcff: a stray byte
    data = (b"\xef\xbb\xbf" if bom else b"") + data
    source = Source("residents", Path("borgere.csv"))
    fast = _read_plain_utf8(source, data)
    if fast is None:
        return
    full = _read_decoded(source, data)
    assert fast.header_row == full.header_row
    assert fast.issues == full.issues
    pd.testing.assert_frame_equal(fast.frame, full.frame)


def test_plain_utf8_reads_our_files(tmp_path) -> None:
    """The fast way is the one taken for the files we write (else the test above is empty)."""
    from analyse.data.io import _read_plain_utf8

    write_dataset(make_demo_tables(3, seed=2), tmp_path, style="da")
    for path in sorted(tmp_path.glob("*.csv")):
        assert _read_plain_utf8(Source("residents", path), path.read_bytes()) is not None


# --------------------------------------------------------------------------- early reading


def test_files_read_early_give_the_tables_read_late(tmp_path) -> None:
    """The command line's early reading (while it imports) changes nothing in the tables."""
    from analyse.data.csvbytes import EarlyRead
    from analyse.data.io import read_raw_tables

    write_dataset(make_demo_tables(4, seed=3), tmp_path, style="da")
    outcomes = tmp_path / "borgermaal.csv"  # one file read the full way (a quoted cell)
    outcomes.write_bytes(outcomes.read_bytes().replace(b";selv\r\n", b';"selv"\r\n', 1))
    assert b'"' in outcomes.read_bytes()
    late, _, _ = read_raw_tables(tmp_path)
    with EarlyRead(tmp_path) as early:
        soon, _, _ = read_raw_tables(tmp_path, early=early)
    assert set(soon) == set(late)
    for table, raw in late.items():
        pd.testing.assert_frame_equal(soon[table].frame, raw.frame)
        assert (soon[table].header_row, soon[table].issues) == (raw.header_row, raw.issues)
        assert soon[table].sha256 == raw.sha256 is not None


def test_a_file_changed_after_its_early_read_is_read_again(tmp_path) -> None:
    from analyse.data.csvbytes import EarlyRead

    write_dataset(make_demo_tables(4, seed=3), tmp_path, style="da")
    path = tmp_path / "borgere.csv"
    with EarlyRead(tmp_path) as early:
        for future in list(early._futures.values()):
            future.result()  # every file read early ...
        path.write_bytes(
            path.read_bytes() + b"B999;H1;botilbud;ingen;30-49\r\n"
        )  # ... then changed
        ds = read_dataset(tmp_path, early=early)
    assert "B999" in set(ds.residents["resident_id"])
    assert len(ds.residents) == len(pd.read_csv(path, sep=";", encoding="utf-8-sig"))


def test_chunks_with_their_own_dictionaries_are_joined() -> None:
    """Arrow shares one dictionary across a column's chunks; were it not so, the codes would
    still be those of the column's cells in first-occurrence order."""
    import pyarrow as pa

    from analyse.data.csvbytes import _dictionary_codes

    chunks = [
        pa.array(["b", "a", "b"]).dictionary_encode(),
        pa.array(["c", "a"]).dictionary_encode(),
    ]
    codes, uniques = _dictionary_codes(pa.chunked_array(chunks))
    assert list(uniques[codes]) == ["b", "a", "b", "c", "a"]
    assert list(uniques) == ["b", "a", "c"]
    shared = pa.chunked_array([pa.array(["b", "a", "b"]), pa.array(["c", "a"])]).dictionary_encode()
    codes, uniques = _dictionary_codes(shared)
    assert list(uniques[codes]) == ["b", "a", "b", "c", "a"]


def test_problems_do_not_depend_on_which_file_is_read_first(tmp_path) -> None:
    """Tables are checked as their files arrive (two threads, the largest first): the problems
    and warnings are those of reading and checking one table after the other."""
    from analyse.data.io import read_raw_tables
    from analyse.data.validate import validate_raw

    write_dataset(make_demo_tables(6, seed=4), tmp_path, style="da")
    for name, old, new in [
        ("borgere.csv", b";botilbud;", b";boform_x;"),  # unknown code
        ("relationer.csv", b";familie;", b";Anna;"),  # unknown code in a large file
        ("relationer.csv", b"\r\nB0", b"\r\nKaren;"),  # a name as an id: a ragged row
        ("borgermaal.csv", b";selv\r\n", b";selv;x\r\n"),  # a cell without a header
    ]:
        path = tmp_path / name
        path.write_bytes(path.read_bytes().replace(old, new, 1))
    (tmp_path / "noter.csv").write_text("x;y\n1;2\n", encoding="utf-8")  # not a table
    one_by_one, clashes, warnings = read_raw_tables(tmp_path)  # a dict: in contract order
    with pytest.raises(DataError) as expected:
        validate_raw(dict(one_by_one), source=tmp_path.name, clashes=clashes)
    for _ in range(3):
        with pytest.raises(DataError) as got:
            read_dataset(tmp_path)
        assert [p.as_dict() for p in got.value.problems] == [
            p.as_dict() for p in expected.value.problems
        ]
    assert len(expected.value.problems) >= 4
