"""The command line as a user meets it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from analyse.data.prepare import read_prepared
from analyse.data.schema import TABLES


def test_help_lists_every_command_with_an_example(cli) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("validate", "prepare", "demo-data", "template", "codebook"):
        assert command in result.output
        sub = cli(command, "--help")
        assert sub.exit_code == 0
        assert "Example: analyse" in sub.output, command


def test_validate_prints_a_summary(danish_folder: Path, cli) -> None:
    result = cli("validate", danish_folder)
    assert result.exit_code == 0, result.output
    assert "Data er gyldige" in result.output
    assert "H1, H2" in result.output
    result = cli("validate", danish_folder, "--json")
    summary = json.loads(result.stdout)
    assert summary["rows"]["residents"] == 6 and summary["rows"]["relations"] == 12
    assert summary["waves"] == ["pre", "post"]


def test_prepare_writes_parquet_and_manifest(danish_folder: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "processed"
    result = cli("prepare", danish_folder, "--out", out)
    assert result.exit_code == 0, result.output
    # the marker makes the folder replaceable by a later prepare (issue 17)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLES] + ["manifest.json", ".naere-relationer-run.json"]
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    by_name = {i["file"]: i["sha256"] for i in manifest["inputs"]}
    for f in danish_folder.iterdir():
        assert by_name[f.name] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert manifest["tables"]["relations"]["rows"] == 12
    assert manifest["package"]["version"]
    ds = read_prepared(out)
    assert str(ds.relations["closeness"].dtype) == "Int64"
    assert ds.relations["wave"].cat.ordered
    assert list(pd.read_parquet(out / "residents.parquet").columns)[:2] == [
        "resident_id",
        "site_id",
    ]


def test_prepare_replaces_an_old_folder_atomically(
    danish_folder: Path, tmp_path: Path, cli
) -> None:
    # Issue 17: an earlier prepare is replaced; a folder holding a user's file is refused
    # (it used to be deleted with the file).
    out = tmp_path / "processed"
    assert cli("prepare", danish_folder, "--out", out).exit_code == 0
    (out / "manifest.json").touch()  # same content, new time: still ours
    assert cli("prepare", danish_folder, "--out", out).exit_code == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    (out / "stale.txt").write_text("a user's note")
    result = cli("prepare", danish_folder, "--out", out)
    assert result.exit_code == 2
    assert "stale.txt" in result.output
    assert (out / "stale.txt").read_text() == "a user's note"


def test_failed_prepare_keeps_the_old_folder(danish_folder: Path, tmp_path: Path, cli) -> None:
    out = tmp_path / "processed"
    assert cli("prepare", danish_folder, "--out", out).exit_code == 0
    (danish_folder / "borgere.csv").write_text("", encoding="utf-8")
    assert cli("prepare", danish_folder, "--out", out).exit_code == 2
    assert (out / "manifest.json").exists()


def test_missing_path_is_a_clear_message(cli, tmp_path: Path) -> None:
    result = cli("validate", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "findes ikke" in result.output


def test_console_script_runs_without_traceback(danish_folder: Path) -> None:
    (danish_folder / "borgere.csv").write_text("borger_id;botilbud\nB1;H1\n", encoding="utf-8")
    exe = Path(sys.executable).parent / "analyse"
    proc = subprocess.run(
        [str(exe), "validate", str(danish_folder)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "borgere.csv" in proc.stdout + proc.stderr


def test_an_empty_site_list_is_refused_at_once(danish_folder: Path, tmp_path: Path, cli) -> None:
    """Issue 26: ``--site ,`` ran only the overview without a word."""
    for given in (",", " , ,", ""):
        result = cli("report", danish_folder, "--out", tmp_path / "run", "--site", given)
        assert result.exit_code == 2, result.output
        assert "nævner intet botilbud" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()
    result = cli("report", danish_folder, "-o", tmp_path / "run", "--site", ",", "--lang", "en")
    assert result.exit_code == 2 and "names no site" in result.output


def test_site_codes_typed_decomposed_are_the_composed_site(tmp_path: Path) -> None:
    """Issue 21: a site code typed as A + combining ring (NFD) was refused with a message
    showing a value that looks valid; it is the site written with Å (NFC), in the data and
    in --site."""
    import unicodedata

    from analyse import read_dataset
    from analyse.run.batch import choose_sites
    from conftest import small_tables, write_dialect

    tables = small_tables()
    nfd = unicodedata.normalize("NFD", "Åbo")
    tables["residents"]["site_id"] = ["Åbo", nfd, "Åbo", "H2", "H2", "H2"]
    for name in ("understanding",):
        frame = tables[name]
        frame["site_id"] = [nfd if s == "H1" else s for s in frame["site_id"]]
    folder = write_dialect(tables, tmp_path / "data", "da-semicolon-bom")
    ds = read_dataset(folder)
    assert sorted(ds.sites) == ["H2", "Åbo"]
    assert choose_sites(ds.sites, ["Åbo"]) == ["Åbo"]


def _one_line(result, *words: str) -> None:
    import re

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output  # and no exception's name (a bug's message)
    assert not re.search(r"\b[A-Z][A-Za-z]*Error\b", result.output), result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    for word in words:
        assert word in lines[0], lines[0]


def test_audit_on_a_bad_path_is_one_clear_line(tmp_path: Path, cli) -> None:
    """Issue 21: audit on a file or an empty folder ended in NotADirectoryError, exit 1."""
    afile = tmp_path / "rapport.html"
    afile.write_text("<p>x</p>")
    empty = tmp_path / "tom"
    empty.mkdir()
    _one_line(cli("audit", afile), "er en fil")
    _one_line(cli("audit", empty), "ikke en kørselsmappe")
    _one_line(cli("audit", tmp_path / "nowhere"), "findes ikke")
    (empty / "run.json").write_text("{not json")
    _one_line(cli("audit", empty, "--lang", "en"), "not a run folder")
    _one_line(cli("audit", afile, "--lang", "en"), "is a file")


def test_template_into_a_folder_it_cannot_write_is_one_clear_line(
    tmp_path: Path, cli, monkeypatch
) -> None:
    """Issue 21: template into a read-only folder ended in a raw OSError, exit 1."""
    import analyse.outputs

    afile = tmp_path / "fil"
    afile.write_text("x")
    _one_line(cli("template", afile / "skabelon.xlsx"), "Kan ikke skrive i")

    def read_only(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(analyse.outputs, "_replace_atomically", read_only)
    _one_line(
        cli("template", tmp_path / "skabelon.xlsx"), "Kan ikke skrive i", "ingen skriveadgang"
    )
    _one_line(cli("template", tmp_path / "t.xlsx", "--lang", "en"), "Cannot write into")
    _one_line(cli("template", tmp_path / "t.txt"), "skal ende på .xlsx")


def test_commands_on_a_missing_or_wrong_data_path_are_one_clear_line(tmp_path: Path, cli) -> None:
    afile = tmp_path / "noter.txt"
    afile.write_text("x")
    empty = tmp_path / "tom"
    empty.mkdir()
    for command in ("validate", "prepare", "report"):
        extra = [] if command == "validate" else ["--out", tmp_path / f"out-{command}"]
        for path in (tmp_path / "nowhere", afile):
            result = cli(command, path, *extra)
            assert result.exit_code == 2, (command, path, result.output)
            assert "Traceback" not in result.output and "Error" not in result.output
        result = cli(command, empty, *extra)
        assert result.exit_code == 2 and "mangler" in result.output, result.output


def test_a_second_report_into_the_same_folder_is_refused_before_any_work(
    danish_folder: Path, tmp_path: Path, cli, monkeypatch
) -> None:
    """Issue 21: a second concurrent run was refused only after 34 s (the lock was taken after
    validation and preparation). Now the lock comes first: nothing is read."""
    import analyse.run.batch
    from analyse.outputs import _LOCK, _Lock, short_name

    def no_work(*args, **kwargs):
        raise AssertionError("the data set was read before the lock was taken")

    monkeypatch.setattr(analyse.run.batch, "load", no_work)
    out = tmp_path / "run"
    held = _Lock(tmp_path / f".{short_name(out.name)}{_LOCK}", str(out), "da")
    held.acquire()  # another run holds it
    try:
        result = cli("report", danish_folder, "--out", out, "--no-progress")
    finally:
        held.release()
    _one_line(result, "En anden kørsel skriver allerede")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data"]) or not out.exists()


def test_site_codes_of_a_prepared_folder_are_checked_again(
    danish_folder: Path, tmp_path: Path, cli
) -> None:
    """Issue 26: an invalid site code edited into a prepared folder was not re-checked; a
    site's code names its report file."""
    out = tmp_path / "processed"
    assert cli("prepare", danish_folder, "--out", out).exit_code == 0
    residents = pd.read_parquet(out / "residents.parquet")
    residents["site_id"] = residents["site_id"].astype(str).replace({"H2": "../H2"})
    residents.to_parquet(out / "residents.parquet")
    result = cli("report", out, "--out", tmp_path / "run", "--no-progress")
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "run").exists()
    from analyse.errors import DataError

    try:
        read_prepared(out, lang="en")
    except DataError as err:
        found = [(p.file, p.row, p.value, p.code) for p in err.problems]
    else:
        found = []
    assert found == [("processed/residents.parquet", 5, "../H2", "bad_site_code")]


def test_a_folder_that_cannot_be_written_is_one_danish_line(tmp_path: Path, cli) -> None:
    """Issue 21: the refusal quoted the system's English words ("File exists",
    "Permission denied") under --lang da; it now says why in the user's language."""
    import errno

    from analyse.outputs import _cannot_write

    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    result = cli("template", a_file / "skabelon.xlsx", "--lang", "da")
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "en del af stien er en fil" in line and "File exists" not in line, line
    for code, strerror in [(errno.EACCES, "Permission denied"), (errno.EROFS, "Read-only")]:
        said = str(_cannot_write(tmp_path, OSError(code, strerror), "da"))
        assert strerror not in said and "intet er skrevet" in said, said
        english = str(_cannot_write(tmp_path, OSError(code, strerror), "en"))
        assert "nothing was written" in english


def test_a_second_report_is_refused_before_the_report_machinery_loads(
    danish_folder: Path, tmp_path: Path
) -> None:
    """Issue 21: under load the second run took 30 s to be refused, importing papermill and
    the batch before it looked at the lock; the command now looks first."""
    from analyse.outputs import _LOCK, _Lock, short_name

    out = tmp_path / "run"
    held = _Lock(tmp_path / f".{short_name(out.name)}{_LOCK}", str(out), "da")
    held.acquire()  # another run (this process) is writing
    script = (
        "import sys\n"
        "from analyse.cli import app\n"
        "try:\n"
        f"    app(['report', {str(danish_folder)!r}, '--out', {str(out)!r}, '--lang', 'da'])\n"
        "except SystemExit as stop:\n"
        "    loaded = [m for m in ('analyse.run.batch', 'papermill') if m in sys.modules]\n"
        "    print('exit', stop.code, 'loaded', loaded)\n"
    )
    try:
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    finally:
        held.release()
    assert "exit 2 loaded []" in proc.stdout, (proc.stdout, proc.stderr)
    assert "En anden kørsel skriver allerede" in proc.stdout + proc.stderr


def test_report_with_a_primary_outcome_on_the_demo(tmp_path: Path, cli) -> None:
    """Issue 24: ``analyse report --primary-outcome`` reaches every report: the family sentence
    names the primary outcome, the other outcomes are exploratory, run.json records it; the
    choices are the data contract's outcomes and a wrong one exits 2 with one line."""
    import re

    from analyse.cli import PrimaryOutcome
    from analyse.data.schema import OUTCOMES

    assert [o.value for o in PrimaryOutcome] == list(OUTCOMES)
    demo = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo"
    bad = cli("report", demo, "--out", tmp_path / "bad", "--primary-outcome", "happiness")
    assert bad.exit_code == 2 and "happiness" in bad.output
    out = tmp_path / "run"
    result = cli(
        "report",
        demo,
        "--out",
        out,
        "--site",
        "H5",
        "--primary-outcome",
        "loneliness",
        "--no-progress",
        "-j",
        "1",
    )
    assert result.exit_code == 0, result.output
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["parameters"]["primary_outcome"] == "loneliness"
    for name in ("H5", "samlet"):
        text = re.sub(r"<[^>]+>|\s+", " ", (out / f"{name}.html").read_text(encoding="utf-8"))
        assert "Det primære mål er ensomhed" in text, name
        assert "udforskende, ingen konklusion" in text, name
