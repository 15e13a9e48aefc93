"""Hostile and broken files: never a hang, never exhausted memory, never a row lost in silence.

Every case is a small file generated here. A file that cannot be read gives a problem that
names the file (and row and column where there is one), exit 2 on the command line, and no
traceback. Cases that would hang or take gigabytes if the guard regressed run in a
subprocess under resource limits (address space, CPU seconds) — never a timed assertion.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyse import read_dataset
from analyse.data import io as aio
from analyse.data import screen
from analyse.data.io import decode
from analyse.errors import ConfigError, DataError
from conftest import small_tables, write_dialect

SRC = Path(__file__).resolve().parent.parent / "src"


def problems_of(path: Path, **kwargs) -> list:
    with pytest.raises(DataError) as info:
        read_dataset(path, **kwargs)
    return info.value.problems


def codes(problems) -> set[str]:
    return {p.code for p in problems}


def run_limited(
    code: str, *, gib: float = 2.0, cpu_seconds: int = 120
) -> subprocess.CompletedProcess:
    """Run Python code in a child with at most ``gib`` GiB of address space and CPU seconds."""
    prelude = textwrap.dedent(
        f"""
        import resource, sys
        limit = int({gib} * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, ({cpu_seconds}, {cpu_seconds}))
        sys.path.insert(0, {str(SRC)!r})
        """
    )
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    import os

    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
    )


# --------------------------------------------------------------------------- workbooks


def _rewrite_sheet(src: Path, dst: Path, sheet_file: str, change) -> None:
    """Copy a workbook, changing the XML of one sheet part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == sheet_file:
                data = change(data)
            zout.writestr(info, data)


def _workbook(tmp_path: Path, tables=None) -> Path:
    return write_dialect(tables or small_tables(), tmp_path / "wb", "da-xlsx")


def _residents_sheet(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        index = wb.sheetnames.index("borgere")
    finally:
        wb.close()
    return f"xl/worksheets/sheet{index + 1}.xml"


def test_a_stale_dimension_loses_no_row(tmp_path: Path) -> None:
    """``<dimension ref="A1:F100">`` on 1,158 rows (as other programs write): all are read."""
    from openpyxl import load_workbook

    tables = small_tables()
    residents = tables["residents"]
    extra = pd.DataFrame(
        {
            "resident_id": [f"B{2000 + i}" for i in range(1158 - len(residents))],
            "site_id": "H1",
            "setting": "residential",
            "practice": "none",
            "age_band": "30-49",
        }
    )
    tables["residents"] = pd.concat([residents, extra], ignore_index=True)
    good = _workbook(tmp_path, tables)
    stale = tmp_path / "stale.xlsx"
    sheet = _residents_sheet(good)
    _rewrite_sheet(
        good,
        stale,
        sheet,
        lambda xml: re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:F100"/>', xml),
    )
    # The file really is stale: openpyxl's read-only mode stops at the recorded size.
    wb = load_workbook(stale, read_only=True)
    assert sum(1 for _ in wb["borgere"].iter_rows(values_only=True)) == 100
    wb.close()
    ds = read_dataset(stale)
    assert len(ds.residents) == 1158
    assert ds.residents["resident_id"].iloc[-1] == "B3151"


def _bomb(tmp_path: Path, cell: bytes) -> Path:
    good = _workbook(tmp_path)
    bomb = tmp_path / "bomb.xlsx"

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="1048576">' + cell + b"</row></sheetData>")

    _rewrite_sheet(good, bomb, _residents_sheet(good), change)
    return bomb


def test_a_value_at_xfd1048576_is_refused_within_a_gibibyte(tmp_path: Path) -> None:
    """The dimension bomb (7.5 GB before): one problem naming sheet, row and column."""
    bomb = _bomb(tmp_path, b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>')
    result = run_limited(
        f"""
        from analyse import read_dataset
        from analyse.errors import DataError
        try:
            read_dataset({str(bomb)!r}, lang="en")
        except DataError as err:
            for p in err.problems:
                print(p.code, p.file, p.row, p.column)
        """,
        gib=1.5,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "too_many_columns bomb.xlsx:borgere 1048576 (XFD)" in result.stdout


def test_an_empty_formatted_cell_far_away_is_harmless(tmp_path: Path) -> None:
    """A styled cell without a value at XFD1048576 (formatting only) is not data."""
    bomb = _bomb(tmp_path, b'<c r="XFD1048576" s="0"/>')
    ds = read_dataset(bomb)
    assert len(ds.residents) == 6


def test_a_sheet_over_the_cell_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(aio, "MAX_SHEET_CELLS", 20)
    problems = problems_of(_workbook(tmp_path), lang="en")
    assert "sheet_too_large" in codes(problems)
    p = next(p for p in problems if p.code == "sheet_too_large")
    assert p.file.startswith("data.xlsx:") and "at most 20 cells" in p.rule


def test_a_workbook_that_unpacks_to_too_much_is_refused(tmp_path: Path) -> None:
    """A zip bomb in a workbook is refused from the archive's directory, before unpacking."""
    good = _workbook(tmp_path)
    bomb = tmp_path / "padded.xlsx"
    padding = b" " * (4 << 20)  # white space between elements: valid XML, ratio ~1000
    _rewrite_sheet(
        good,
        bomb,
        _residents_sheet(good),
        lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>"),
    )
    problems = problems_of(bomb, lang="en")
    assert [(p.file, p.code) for p in problems] == [("padded.xlsx", "archive_too_large")]
    assert problems[0].value.startswith("xl/worksheets/")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("truncated", "damaged_workbook"),
        ("encrypted", "encrypted_workbook"),
        ("text", "damaged_workbook"),
    ],
)
def test_damaged_and_encrypted_workbooks_name_the_file(
    tmp_path: Path, cli, content: str, code: str
) -> None:
    good = _workbook(tmp_path)
    path = tmp_path / "indberetning.xlsx"
    if content == "truncated":
        path.write_bytes(good.read_bytes()[:3000])
    elif content == "encrypted":  # an OLE compound file: what Excel writes with a password
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    else:
        path.write_text("borger_id;botilbud\nB1;H1\n")
    problems = problems_of(path, lang="en")
    assert [(p.file, p.code) for p in problems] == [("indberetning.xlsx", code)]
    result = cli("validate", path, "--lang", "en")
    assert result.exit_code == 2
    assert "indberetning.xlsx" in result.output and "Traceback" not in result.output
    assert "empty" not in result.output


# --------------------------------------------------------------------------- CSV files


def _folder(tmp_path: Path) -> Path:
    return write_dialect(small_tables(), tmp_path / "data", "da-semicolon-bom")


def _edit(path: Path, change) -> None:
    path.write_bytes(change(path.read_bytes()))


def test_a_nul_byte_is_a_problem_with_row_and_column(tmp_path: Path) -> None:
    d = _folder(tmp_path)
    _edit(d / "borgere.csv", lambda b: b.replace(b"\r\nB102;H1", b"\r\nB102;H\x001", 1))
    problems = problems_of(d, lang="en")
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("borgere.csv", 3, "botilbud", "nul_byte")
    ]


def test_problem_lines_are_counted_as_a_text_editor_counts(tmp_path: Path) -> None:
    """A form feed or U+2028 inside a cell is not a line break (str.splitlines says it is)."""
    d = _folder(tmp_path)
    path = d / "spoergsmaal.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[1] = lines[1].replace(b"En god", "En\u2028god\x0c".encode(), 1)
    lines[2] = lines[2].replace(b"stole", b"sto\x00le", 1)
    path.write_bytes(b"\r\n".join(lines))
    problems = problems_of(d, lang="en")
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("spoergsmaal.csv", 3, "tekst_da", "nul_byte")
    ]


def test_a_windows_1252_line_in_a_utf8_file_is_a_problem(tmp_path: Path) -> None:
    """Not decoded as Windows-1252 throughout ("FÃ¦llesskab"): the line is reported."""
    d = _folder(tmp_path)
    path = d / "relationer.csv"
    lines = path.read_bytes().split(b"\r\n")
    assert "før".encode() in lines[1] and "før".encode() in lines[2]
    lines[2] = lines[2].decode("utf-8").encode("cp1252")  # a line pasted from another file
    path.write_bytes(b"\r\n".join(lines))
    problems = problems_of(d, lang="en")
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [
        ("relationer.csv", 3, "maaling", "mixed_encoding")
    ]
    # The rest of the file is read as UTF-8, never as Windows-1252 ("fÃ¸r").
    text, _ = decode(path.read_bytes())
    assert "Ã" not in text
    assert text.count("før") == sum("før".encode() in line for line in lines)


def test_a_windows_1252_file_is_still_read(tmp_path: Path) -> None:
    d = write_dialect(small_tables(), tmp_path / "cp", "da-cp1252")
    assert read_dataset(d).practices["name_da"].iloc[0] == "Fællesskab på tværs"


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le"])
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_utf16_and_utf32_are_read_with_or_without_bom(
    tmp_path: Path, encoding: str, bom: bool
) -> None:
    d = _folder(tmp_path)
    path = d / "borgere.csv"
    text = path.read_bytes().decode("utf-8-sig")
    data = (("\ufeff" if bom else "") + text).encode(encoding)
    path.write_bytes(data)
    assert decode(data)[0] == text
    ds = read_dataset(d)
    assert list(ds.residents["resident_id"]) == ["B101", "B102", "B103", "B104", "B105", "B106"]


def test_an_unbalanced_quote_names_file_and_row(tmp_path: Path, cli) -> None:
    d = _folder(tmp_path)
    _edit(d / "borgere.csv", lambda b: b.replace(b"\r\nB103;H1", b'\r\nB103;"H1', 1))
    problems = problems_of(d, lang="en")
    assert [(p.file, p.row, p.code) for p in problems] == [("borgere.csv", 4, "unbalanced_quote")]
    result = cli("validate", d, "--lang", "en")
    assert result.exit_code == 2 and "borgere.csv" in result.output
    assert "ParserError" not in result.output and "Traceback" not in result.output


def test_too_many_columns_in_the_header_or_a_row(tmp_path: Path) -> None:
    d = _folder(tmp_path)
    _edit(d / "borgere.csv", lambda b: b.replace(b"\r\n", b";" * aio.MAX_COLUMNS + b"\r\n", 1))
    problems = problems_of(d, lang="en")
    assert [(p.file, p.code) for p in problems] == [("borgere.csv", "too_many_columns")]
    d = _folder(tmp_path / "row")
    _edit(d / "borgere.csv", lambda b: b.replace(b"\r\nB104", b"\r\nB104" + b";x" * 2000, 1))
    problems = problems_of(d, lang="en")
    assert [(p.file, p.row, p.code) for p in problems] == [("borgere.csv", 5, "too_many_columns")]


def test_a_file_with_more_lines_than_a_sheet_holds_is_refused(tmp_path: Path, monkeypatch) -> None:
    import analyse.data.csvbytes

    monkeypatch.setattr(aio, "MAX_ROWS", 5)  # the full way
    monkeypatch.setattr(analyse.data.csvbytes, "MAX_ROWS", 5)  # Arrow's way, for plain files
    d = _folder(tmp_path)
    problems = problems_of(d, lang="en")
    assert ("borgere.csv", "too_many_rows") in {(p.file, p.code) for p in problems}
    p = next(p for p in problems if p.file == "borgere.csv")
    assert "7 lines" in p.rule and "at most 5" in p.rule


def test_a_cell_longer_than_excel_allows_is_a_problem(tmp_path: Path) -> None:
    d = _folder(tmp_path)
    long_id = "a" * 200_000 + "@"
    _edit(d / "borgere.csv", lambda b: b.replace(b"B105", long_id.encode(), 1))
    problems = problems_of(d, lang="en")
    p = next(p for p in problems if p.code == "cell_too_long")
    assert (p.file, p.row, p.column, p.value) == ("borgere.csv", 6, "borger_id", None)
    assert "200001" in p.rule
    assert all(len(q.value or "") < 100 for q in problems)  # never the whole cell back


def test_later_checks_see_a_long_cell_shortened(tmp_path: Path) -> None:
    d = _folder(tmp_path)
    _edit(d / "borgere.csv", lambda b: b.replace(b"B105", b"B" * 40_000, 1))
    raw = aio.read_raw(aio.Source("residents", d / "borgere.csv"))
    assert [args[4] for args, _ in raw.issues] == ["cell_too_long"]
    assert len(raw.frame.loc[6, "borger_id"]) == aio.MAX_CELL_CHARS
    codes, uniques = raw.factorized(0)
    assert max(map(len, uniques)) == aio.MAX_CELL_CHARS


def test_a_megabyte_cell_is_screened_in_bounded_cpu_and_memory(tmp_path: Path) -> None:
    """The e-mail pattern backtracked quadratically: 1 MB did not finish in 600 s."""
    d = _folder(tmp_path)
    _edit(d / "borgere.csv", lambda b: b.replace(b"B105", b"a" * 1_000_000 + b"@", 1))
    result = run_limited(
        f"""
        from analyse import read_dataset
        from analyse.errors import DataError
        try:
            read_dataset({str(d)!r})
        except DataError as err:
            print(sorted({{p.code for p in err.problems}}))
        """,
        gib=2.0,
        cpu_seconds=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cell_too_long" in result.stdout


def test_an_unreadable_file_is_named(tmp_path: Path, cli, monkeypatch) -> None:
    """A file without read permission (or locked by Excel): exit 2, the file named."""
    d = _folder(tmp_path)
    read_regular = aio.read_regular

    def refuse(path: Path):
        if Path(path).name == "borgere.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return read_regular(path)

    monkeypatch.setattr(aio, "read_regular", refuse)
    monkeypatch.setattr("analyse.data.csvbytes.read_regular", refuse)  # the command's early read
    problems = problems_of(d, lang="en")
    assert [(p.file, p.code) for p in problems] == [("borgere.csv", "unreadable_file")]
    result = cli("validate", d, "--lang", "en")
    assert result.exit_code == 2 and "borgere.csv" in result.output
    assert "Traceback" not in result.output and "empty" not in result.output


def test_a_csv_file_given_instead_of_a_folder_is_named(tmp_path: Path, cli) -> None:
    d = _folder(tmp_path)
    result = cli("validate", d / "borgere.csv")
    assert result.exit_code == 2 and "borgere.csv" in result.output
    assert "Traceback" not in result.output


# ------------------------------------------------- files that are not files (issues 21, 26)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and devices")


def _fifo(path: Path) -> None:
    import os

    os.mkfifo(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop.csv"))
    path.with_name("loop.csv").symlink_to(path.name)


@posix_only
@pytest.mark.parametrize(
    ("make", "code", "da", "en"),
    [
        (_fifo, "not_a_file_fifo", "FIFO", "FIFO"),
        (_device, "not_a_file_device", "enhed", "device"),
        (_loop, "not_a_file_symlink_loop", "løkke af symbolske links", "loop of symbolic links"),
    ],
    ids=["fifo", "dev-zero", "symlink-loop"],
)
def test_a_table_file_that_is_no_file_is_named_as_such_and_never_waited_for(
    tmp_path: Path, make, code: str, da: str, en: str
) -> None:
    """A FIFO, /dev/zero or a loop of links named borgere.csv: the file and what it is, not
    "table missing", and no read that never ends (in a child, bounded by CPU seconds: a FIFO
    opened for reading would block for ever, /dev/zero would fill memory)."""
    d = _folder(tmp_path)
    (d / "borgere.csv").unlink()
    make(d / "borgere.csv")
    result = run_limited(
        f"""
        from analyse import read_dataset
        from analyse.errors import DataError
        for lang in ("da", "en"):
            try:
                read_dataset({str(d)!r}, lang=lang)
            except DataError as err:
                for p in err.problems:
                    print(lang, p.file, p.code, p.rule, sep="|")
        """,
        cpu_seconds=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line.split("|") for line in result.stdout.splitlines()]
    assert [(f, c) for lang, f, c, _ in lines if lang == "da"] == [("borgere.csv", code)]
    assert "missing_table" not in result.stdout
    rules = {lang: rule for lang, _, _, rule in lines}
    assert da in rules["da"] and en in rules["en"]


@posix_only
def test_a_fifo_given_as_the_workbook_is_named_on_the_command_line(tmp_path: Path, cli) -> None:
    import os

    os.mkfifo(tmp_path / "data.xlsx")
    result = cli("validate", tmp_path / "data.xlsx", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "FIFO" in result.output and "data.xlsx" in result.output


def test_a_read_that_does_not_end_in_time_is_a_problem_naming_the_file(
    tmp_path: Path, monkeypatch
) -> None:
    """A read stuck on a drive that does not answer: after the time-out the table is a problem
    (read_timeout) naming its file, and the run is not held."""
    import threading

    d = _folder(tmp_path)
    release = threading.Event()
    read_regular = aio.read_regular

    def stall(path: Path):
        if Path(path).name == "borgere.csv":
            release.wait(60)  # a hung network read (released at the end of the test)
        return read_regular(path)

    monkeypatch.setattr(aio, "read_regular", stall)
    monkeypatch.setattr(aio, "READ_TIMEOUT_SECONDS", 0.5)
    try:
        problems = problems_of(d, lang="da")
    finally:
        release.set()
    assert [(p.file, p.code) for p in problems] == [("borgere.csv", "read_timeout")]
    assert "netværksdrev" in problems[0].rule


# --------------------------------------------------------------------------- the screen

OLD_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.+-@ 1_æ\n", max_size=40))
def test_the_linear_email_pattern_finds_what_the_old_one_found(text: str) -> None:
    assert [m.span() for m in screen.EMAIL.finditer(text)] == [
        m.span() for m in OLD_EMAIL.finditer(text)
    ]


def test_the_prefilter_misses_nothing_when_a_value_holds_nul() -> None:
    values = ["a\x00b", "010190-1234", "x", "anna@eksempel.dk"]
    assert screen._suspects(values) == [1, 3]


# --------------------------------------------------------------------------- the terminal


def test_markup_and_escape_sequences_in_data_are_shown_harmlessly(tmp_path: Path, cli) -> None:
    d = _folder(tmp_path)
    _edit(
        d / "borgere.csv",
        lambda b: b.replace(b"B101;H1;botilbud", "B101;H1;[/x][bold]\x1b[2J\u202e".encode(), 1),
    )
    result = cli("validate", d, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "[/x][bold]" in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "[/x][bold]\\x1b[2J\\u202" in result.output  # (the table folds the cell)
    assert "Traceback" not in result.output


def test_error_lines_keep_brackets_and_hide_control_characters(cli) -> None:
    from analyse.cli import error_line

    line = error_line("en", "[contact].values holds 'Less\x1b]0;x\x07'\nsecond line")
    assert line.plain == "Error: [contact].values holds 'Less\\x1b]0;x\\x07'\nsecond line"


# --------------------------------------------------------------------------- Network Canvas


def test_the_pseudonymisation_key_needs_variety_and_is_nfc_normalised() -> None:
    from analyse.networkcanvas.importer import pseudonymise

    for weak in ("a" * 20, "abababababababab", b"\x00" * 32):
        with pytest.raises(ConfigError, match="different characters"):
            pseudonymise(["B1"], ["Mor"], weak)
    with pytest.raises(ConfigError):  # white space only: no key at all once stripped
        pseudonymise(["B1"], ["Mor"], " " * 16)
    nfc = "Nøglen-til-år-2026"
    nfd = nfc.replace("å", "a\u030a")
    assert nfc != nfd
    assert pseudonymise(["B1"], ["Mor"], nfc) == pseudonymise(["B1"], ["Mor"], nfd)
    # Issue 21: a key pasted with surrounding spaces (or a newline) gave other pseudonyms.
    for padded in (f" {nfc}", f"{nfc} ", f"\t{nfc}\n"):
        assert pseudonymise(["B1"], ["Mor"], padded) == pseudonymise(["B1"], ["Mor"], nfc)


def test_a_network_canvas_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    from analyse.networkcanvas.importer import _list_files

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export/x_attributeList_Person.csv", b"a," * (4 << 20))
    with pytest.raises(DataError) as info:
        _list_files(path)
    (p,) = info.value.problems
    assert p.file == "export.zip" and p.code == "archive_too_large"
    assert "x_attributeList_Person.csv" in p.rule


# --------------------------------------------------------------------------- as a user meets it


def _nul(d: Path) -> None:
    _edit(d / "borgere.csv", lambda b: b.replace(b"\r\nB102;H1", b"\r\nB102;H\x001", 1))


def _mixed(d: Path) -> None:
    path = d / "relationer.csv"
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].decode("utf-8").encode("cp1252")
    path.write_bytes(b"\r\n".join(lines))


def _wide(d: Path) -> None:
    _edit(d / "borgere.csv", lambda b: b.replace(b"\r\nB104", b"\r\nB104" + b";x" * 2000, 1))


def _long(d: Path) -> None:
    _edit(d / "borgere.csv", lambda b: b.replace(b"B105", b"a" * 100_000 + b"@", 1))


@pytest.mark.parametrize(
    ("damage", "file", "words"),
    [
        (_nul, "borgere.csv", "NUL-tegn"),
        (_mixed, "relationer.csv", "UTF-8"),
        (_wide, "borgere.csv", "kolonner"),
        (_long, "borgere.csv", "32767"),
    ],
    ids=["nul", "mixed-encoding", "too-wide", "long-cell"],
)
def test_the_command_line_answers_with_exit_2_and_the_file(
    tmp_path: Path, cli, damage, file: str, words: str
) -> None:
    d = _folder(tmp_path)
    damage(d)
    result = cli("validate", d)
    assert result.exit_code == 2, result.output
    assert file in result.output and words in result.output
    assert "Traceback" not in result.output and "a" * 200 not in result.output


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"networkCanvasEgoUUID,name\ne1,Mor\ne2,Hanne\x00\n", "nul_byte"),
        (
            "networkCanvasEgoUUID,name\ne1,Søster\n".encode() + "e2,Bror å\n".encode("cp1252"),
            "mixed_encoding",
        ),
    ],
    ids=["nul", "mixed-encoding"],
)
def test_a_network_canvas_csv_with_nul_or_mixed_encoding_is_a_problem(
    data: bytes, code: str
) -> None:
    from analyse.networkcanvas.importer import _File, _read_csv

    problems: list = []
    assert _read_csv(_File("export/x_attributeList_Person.csv", lambda: data), problems) is None
    assert [(p.file, p.row, p.code) for p in problems] == [
        ("export/x_attributeList_Person.csv", 3, code)
    ]
    assert "Hanne" not in problems[0].rule


# ------------------------------------------------- workbooks read as Excel shows them (issue 26)


def _edited_workbook(tmp_path: Path, edit) -> Path:
    """The small data set as a Danish workbook, edited with openpyxl (which, like pandas and
    other scripts, stores a formula without its result) and saved."""
    from openpyxl import load_workbook

    path = _workbook(tmp_path)
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _found(path: Path, lang: str = "da") -> list[tuple]:
    return [
        (p.file.split(":")[-1], p.row, p.column, p.value, p.code)
        for p in problems_of(path, lang=lang)
    ]


def test_a_formula_without_a_stored_result_is_a_problem_not_a_missing_value(
    tmp_path: Path,
) -> None:
    """``=2+2`` written by a script in the optional loneliness column became <NA> while
    validate said "Data er gyldige": a resident's answer lost without a word."""

    def edit(wb) -> None:
        wb["borgermaal"]["C3"] = "=2+2"

    path = _edited_workbook(tmp_path, edit)
    problems = problems_of(path)
    assert [(p.file.split(":")[-1], p.row, p.column, p.value, p.code) for p in problems] == [
        ("borgermaal", 3, "ensomhed", "=2+2", "formula_without_value")
    ]
    assert path.name in problems[0].file
    assert "formel uden gemt resultat — åbn og gem i excel" in problems[0].rule.lower()
    assert "open and save in Excel" in problems_of(path, lang="en")[0].rule


def test_excel_error_values_are_named_wherever_they_stand(tmp_path: Path) -> None:
    """#N/A in a practice's free-text description was accepted (and would be published);
    #REF! and #DIV/0! elsewhere were refused as ordinary bad values."""

    def edit(wb) -> None:
        wb["praksisser"]["C2"] = "#N/A"  # beskrivelse: free text (an error cell, t="e")
        wb["borgermaal"]["C2"] = "#DIV/0!"
        wb["relationer"]["C2"] = "#REF!"

    found = _found(_edited_workbook(tmp_path, edit))
    assert found == [
        ("borgermaal", 2, "ensomhed", "#DIV/0!", "excel_error"),
        ("praksisser", 2, "beskrivelse", "#N/A", "excel_error"),
        ("relationer", 2, "relation_id", "#REF!", "excel_error"),
    ]


def test_excel_error_values_in_a_csv_file_are_named(tmp_path: Path) -> None:
    d = _folder(tmp_path)
    _edit(
        d / "praksisser.csv", lambda b: b.replace("Fællesskab på tværs".encode(), b" #VALUE! ", 1)
    )
    problems = problems_of(d)
    assert {(p.file, p.row, p.column, p.value, p.code) for p in problems} == {
        ("praksisser.csv", 2, "navn", " #VALUE! ", "excel_error")
    }
    assert "Excels fejlværdi #VALUE!" in problems[0].rule


def test_merged_cells_and_date_formatted_numbers_name_their_cause(tmp_path: Path) -> None:
    def edit(wb) -> None:
        ws = wb["borgere"]
        ws.merge_cells("B2:B4")  # the site H1 typed once for three residents
        cell = wb["borgermaal"]["C2"]
        cell.value = 4
        cell.number_format = "dd-mm-yyyy"

    found = _found(_edited_workbook(tmp_path, edit))
    assert ("borgere", 3, "botilbud", None, "merged_cell") in found
    assert ("borgere", 4, "botilbud", None, "merged_cell") in found
    assert ("borgermaal", 2, "ensomhed", "1900-01-04", "date_formatted_number") in found
    assert not [f for f in found if f[4] in ("missing_value", "not_a_number")]
    rules = {p.code: p.rule for p in problems_of(_edited_workbook(tmp_path / "b", edit))}
    assert "flettede celler B2:B4" in rules["merged_cell"]
    assert "tallet 4 vises som datoen 1900-01-04" in rules["date_formatted_number"]


def test_a_chart_sheet_named_like_a_table_is_called_a_chart_sheet(tmp_path: Path) -> None:
    from openpyxl.chart import BarChart

    def edit(wb) -> None:
        del wb["vurderinger"]
        chart = wb.create_chartsheet("vurderinger")
        chart.add_chart(BarChart())

    problems = problems_of(_edited_workbook(tmp_path, edit), lang="en")
    assert [(p.file.split(":")[-1], p.code) for p in problems] == [("vurderinger", "chart_sheet")]
    assert "chart sheet" in problems[0].rule and "damaged" not in problems[0].rule
