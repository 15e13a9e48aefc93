"""Issue 17: output folders that never destroy a user's files; names that cannot collide.

Each reproducer of the issue is a test here: the command either does the right thing or
refuses (exit 2, one clear line), and no file it did not write is deleted or changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from analyse.errors import ConfigError, DataError
from analyse.outputs import (
    FILES_MARKER,
    MARKER,
    SENTINEL,
    OutputError,
    check_out,
    distinct_stems,
    file_stem,
    output_folder,
    write_files,
)
from analyse.run.batch import Job, choose_sites, run_report


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative path -> SHA-256)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def unchanged(before: dict[str, str], after: dict[str, str]) -> bool:
    """Whether every file of ``before`` is still there with the same content."""
    return all(after.get(k) == v for k, v in before.items())


def fake_runner(job: Job, out_dir: Path) -> Job:
    """A report in no time: one HTML file per job, named as the batch names it."""
    from analyse.run.batch import _safe_name

    name = f"{_safe_name(job.name)}.html"
    (out_dir / name).write_text(f"<p>{job.name}</p>", encoding="utf-8")
    job.status, job.files = "ok", [name]
    return job


def report(data: Path, out: Path, **kwargs):
    kwargs.setdefault("notebooks_dir", out.parent)
    return run_report(data, out, progress=False, runner=fake_runner, workers=1, **kwargs)


# ----------------------------------------------------------------------------- the folder rule


def test_new_and_empty_folders_are_written_and_marked(tmp_path: Path) -> None:
    for out in (tmp_path / "new" / "run", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir()
        with output_folder(out, command="prepare") as tmp:
            (tmp / "a.txt").write_text("a")
            (tmp / "sub").mkdir()
            (tmp / "sub" / "b.txt").write_text("b")
        marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
        assert marker["command"] == "prepare"
        assert sorted(marker["files"]) == ["a.txt", "sub/b.txt"]
        assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def test_an_earlier_run_is_replaced_but_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with output_folder(out, command="report") as tmp:
        (tmp / "old.html").write_text("old")
    with output_folder(out, command="report") as tmp:
        (tmp / "new.html").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "new.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no lock, no temporary folder


@pytest.mark.parametrize("change", ["added", "edited", "nested"])
def test_a_run_folder_holding_a_users_file_is_refused(tmp_path: Path, change: str) -> None:
    out = tmp_path / "run"
    with output_folder(out, command="report") as tmp:
        (tmp / "H1.html").write_text("report")
        (tmp / "tabeller").mkdir()
    if change == "added":
        (out / "noter.txt").write_text("my notes")
    elif change == "edited":
        (out / "H1.html").write_text("report, with my comments")
    else:
        (out / "tabeller" / "noter.txt").write_text("my notes")
    before = tree_hashes(tmp_path)
    with pytest.raises(OutputError, match="did not write|ikke har skrevet"):
        with output_folder(out, command="report") as tmp:
            raise AssertionError("the body must not run")  # pragma: no cover
    assert tree_hashes(tmp_path) == before


def test_a_same_size_hand_edit_of_a_run_file_is_refused(tmp_path: Path) -> None:
    """An edit that keeps the file's size (one word for another of the same length) is the
    user's change all the same: the folder is refused and nothing is deleted."""
    out = tmp_path / "run"
    with output_folder(out, command="report") as tmp:
        (tmp / "H1.html").write_text("report")
    (out / "H1.html").write_text("REPORT")
    before = tree_hashes(tmp_path)
    with pytest.raises(OutputError, match="did not write|ikke har skrevet"):
        check_out(out, command="report")
    assert tree_hashes(tmp_path) == before


def test_a_same_size_hand_edit_with_its_time_restored_is_refused(tmp_path: Path) -> None:
    """The marker is trusted by hash only: a same-size edit whose modification time was put
    back (a sync tool, ``touch -r``) is still the user's change."""
    out = tmp_path / "run"
    with output_folder(out, command="report") as tmp:
        (tmp / "H1.html").write_text("report")
    st = (out / "H1.html").stat()
    (out / "H1.html").write_text("REPORT")
    os.utime(out / "H1.html", ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(OutputError, match="did not write|ikke har skrevet"):
        check_out(out, command="report")


@pytest.mark.parametrize(
    "marker",
    ['{"files": {"a.txt": 3}}', '{"files": [], "command": "report"}', "not json", '{"files": {}}'],
)
def test_a_broken_or_forged_marker_vouches_for_nothing(tmp_path: Path, marker: str) -> None:
    out = tmp_path / "run"
    out.mkdir()
    (out / "a.txt").write_text("a user's file")
    (out / MARKER).write_text(marker)
    with pytest.raises(OutputError):
        check_out(out, command="report")
    assert (out / "a.txt").read_text() == "a user's file"


def test_a_run_of_another_command_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with output_folder(out, command="demo-data") as tmp:
        (tmp / "borgere.csv").write_text("x")
    with pytest.raises(OutputError, match="analyse demo-data"):
        check_out(out, command="prepare", lang="en")


def test_a_file_or_an_input_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "f.txt"
    afile.write_text("keep")
    with pytest.raises(OutputError, match="is a file"):
        check_out(afile, command="prepare", lang="en")
    data = tmp_path / "data"
    data.mkdir()
    for out in (data, tmp_path):
        with pytest.raises(OutputError, match="holds the input"):
            check_out(out, command="prepare", inputs=[data], lang="en")
    # Issue 21: a new folder inside the data folder is refused too (raw data is never
    # modified); beside it is fine.
    for lang, words in (("da", "ligger inde i inddata-mappen"), ("en", "inside the input folder")):
        with pytest.raises(OutputError, match=words):
            check_out(data / "reports", command="report", inputs=[data], lang=lang)
    assert check_out(tmp_path / "reports", command="report", inputs=[data]) == (
        tmp_path / "reports"
    )
    # a workbook's folder is not an input folder: a run beside the workbook is fine
    book = tmp_path / "data.xlsx"
    book.write_bytes(b"")
    assert check_out(tmp_path / "run", command="report", inputs=[book]) == tmp_path / "run"


def test_a_failed_run_leaves_the_earlier_one_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with output_folder(out, command="prepare") as tmp:
        (tmp / "a.txt").write_text("first")
    with pytest.raises(RuntimeError):
        with output_folder(out, command="prepare") as tmp:
            (tmp / "a.txt").write_text("half")
            raise RuntimeError("crash")
    assert (out / "a.txt").read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_second_run_into_the_same_folder_fails_at_once(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with output_folder(out, command="report", lang="en") as tmp:
        (tmp / "a.html").write_text("first")
        with pytest.raises(OutputError, match="Another run"):
            with output_folder(out, command="report", lang="en"):
                raise AssertionError("the body must not run")  # pragma: no cover
    assert (out / "a.html").read_text() == "first"


def test_a_folder_that_cannot_be_written_is_a_clear_refusal(tmp_path: Path, monkeypatch) -> None:
    def denied(self) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("analyse.outputs._Lock.acquire", denied)
    with pytest.raises(OutputError, match="Cannot write into .*no permission to write"):
        with output_folder(tmp_path / "run", command="prepare", lang="en"):
            raise AssertionError("the body must not run")  # pragma: no cover
    with pytest.raises(OutputError, match="Cannot write into"):
        write_files(tmp_path / "docs", {"a.md": b"x"}, command="codebook", lang="en")


def test_leftovers_of_a_killed_run_are_cleaned_and_look_alikes_kept(tmp_path: Path) -> None:
    out = tmp_path / "run"
    killed = tmp_path / ".run.naere-tmp-abc123"  # a killed run's temporary folder
    (killed / "tabeller").mkdir(parents=True)
    (killed / SENTINEL).write_text("12345")
    (killed / "H1.html").write_text("half")
    look_alike = tmp_path / ".run.naere-tmp-mine"  # no sentinel: not ours
    look_alike.mkdir()
    (look_alike / "x.txt").write_text("keep")
    stale_lock = tmp_path / ".run.naere-relationer.lock"
    stale_lock.write_text("12345")
    with output_folder(out, command="report") as tmp:
        (tmp / "H1.html").write_text("new")
    assert not killed.exists()
    assert (look_alike / "x.txt").read_text() == "keep"
    assert not stale_lock.exists()


# ----------------------------------------------------------------------------- the commands


@pytest.fixture
def demo(tmp_path: Path, cli) -> Path:
    """A small synthetic data set (3 sites) in tmp_path/parent/demo, beside a user's note."""
    parent = tmp_path / "parent"
    assert cli("demo-data", parent / "demo", "--sites", "3").exit_code == 0
    (parent / "notes.txt").write_text("a user's notes", encoding="utf-8")
    return parent / "demo"


def test_report_into_the_data_folder_is_refused(demo: Path, cli) -> None:
    before = tree_hashes(demo.parent)
    result = cli("report", demo, "--out", demo, "--lang", "en")
    assert result.exit_code == 2
    assert "holds the input" in result.output
    assert tree_hashes(demo.parent) == before


@pytest.mark.parametrize("command", ["prepare", "demo-data"])
def test_writing_into_a_parent_of_data_sets_is_refused(demo: Path, cli, command: str) -> None:
    before = tree_hashes(demo.parent)
    args = ("prepare", demo, "--out", demo.parent) if command == "prepare" else (
        "demo-data",
        demo.parent,
    )
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert tree_hashes(demo.parent) == before


def test_out_naming_a_file_is_refused_and_the_file_kept(demo: Path, cli, tmp_path: Path) -> None:
    afile = tmp_path / "result.txt"
    afile.write_text("keep me")
    result = cli("prepare", demo, "--out", afile)
    assert result.exit_code == 2
    assert "er en fil" in result.output
    assert afile.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parent", "result.txt"]


def test_out_dot_is_refused_before_any_work(demo: Path, cli, monkeypatch) -> None:
    monkeypatch.chdir(demo.parent)
    before = tree_hashes(demo.parent)
    calls = []
    monkeypatch.setattr("analyse.run.batch.load", lambda *a, **k: calls.append(a))
    result = cli("report", demo, "--out", ".")
    assert result.exit_code == 2
    assert calls == []  # refused before the data set was even read
    assert tree_hashes(demo.parent) == before
    assert [p.name for p in demo.parent.parent.iterdir() if p.name.startswith(".")] == []


def test_rerun_into_a_run_folder_keeps_the_users_notes(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "run"
    report(demo, out)
    report(demo, out)  # an earlier run of ours is replaced
    (out / "noter.txt").write_text("my notes")
    with pytest.raises(OutputError, match="noter.txt"):
        report(demo, out)
    assert (out / "noter.txt").read_text() == "my notes"


def test_template_never_replaces_a_workbook_without_overwrite(tmp_path: Path, cli) -> None:
    book = tmp_path / "skabelon.xlsx"
    book.write_bytes(b"a filled-in workbook")
    result = cli("template", book)
    assert result.exit_code == 2
    assert "--overwrite" in result.output
    assert book.read_bytes() == b"a filled-in workbook"
    assert cli("template", book, "--overwrite").exit_code == 0
    assert book.read_bytes()[:2] == b"PK"  # now an xlsx (a zip)
    assert cli("template", tmp_path).exit_code == 2  # a folder is not a file name


def test_codebook_adds_its_files_and_never_replaces_a_users_file(tmp_path: Path, cli) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "dask.md").write_text("the user's page")
    assert cli("codebook", "--out", docs).exit_code == 0
    assert cli("codebook", "--out", docs, "--lang", "en").exit_code == 0  # ours: replaced
    assert (docs / "dask.md").read_text() == "the user's page"
    (docs / "codebook.md").write_text("edited by hand")
    result = cli("codebook", "--out", docs)
    assert result.exit_code == 2
    assert (docs / "codebook.md").read_text() == "edited by hand"
    assert cli("codebook", "--out", docs, "--overwrite").exit_code == 0
    assert sorted(p.name for p in docs.iterdir()) == [
        FILES_MARKER,
        "codebook.html",
        "codebook.md",
        "dask.md",
    ]


def test_write_files_refuses_an_input_and_a_folder_of_that_name(tmp_path: Path) -> None:
    (tmp_path / "relations.csv").mkdir()
    with pytest.raises(OutputError):
        write_files(tmp_path, {"relations.csv": b"x"}, command="import", overwrite=True)
    mapping = tmp_path / "sub" / "import-report.json"
    mapping.parent.mkdir()
    mapping.write_text("{}")
    with pytest.raises(OutputError, match="input"):
        write_files(
            mapping.parent,
            {"import-report.json": b"x"},
            command="import",
            overwrite=True,
            inputs=[mapping],
            lang="en",
        )
    assert mapping.read_text() == "{}"


# ----------------------------------------------------------------------------- names


def test_file_stem_keeps_plain_codes_and_never_yields_a_reserved_name() -> None:
    assert [file_stem(s) for s in ("H1", "Solgården", "Æblehaven", "h-1_x")] == [
        "H1",
        "Solgården",
        "Æblehaven",
        "h-1_x",
    ]
    hostile = [".", "..", "samlet", "Samlet", "index", "CON", "nul", "com1", "LPT9", "a/b", "a b"]
    stems = [file_stem(s) for s in hostile]
    assert len({s.casefold() for s in stems}) == len(hostile)
    for stem in stems:
        assert "/" not in stem and stem not in (".", "..")
        assert stem.casefold() not in {"samlet", "index", "con", "nul", "com1", "lpt9"}


def test_file_stem_is_injective_on_text(tmp_path: Path) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
    def check(a: str, b: str) -> None:
        if a != b:
            assert file_stem(a).casefold() != file_stem(b).casefold() or (
                a.casefold() == b.casefold() and "~" not in file_stem(a)
            )

    check()


def test_case_twins_and_reserved_sites_are_refused_for_a_run() -> None:
    with pytest.raises(ConfigError, match="H8.*h8|differ only"):
        distinct_stems(["H8", "h8"], lang="en")
    with pytest.raises(ConfigError, match="reserved"):
        choose_sites(["H1", "samlet"], "all", lang="en")
    assert choose_sites(["H1", "H2"], ["H1", "H1", "H2", "H1"]) == ["H1", "H2"]


def test_site_list_duplicates_run_once(demo: Path, tmp_path: Path) -> None:
    result = report(demo, tmp_path / "run", sites=["H1", "H1", "H1"])
    assert [j.name for j in result.jobs] == ["H1", "samlet"]


def test_danish_site_and_practice_codes_validate(tmp_path: Path, tables) -> None:
    from analyse.data.io import write_dataset
    from analyse.data.validate import read_dataset

    t = {k: v.copy() for k, v in tables.items()}
    rename_site = {"H1": "Solgården", "H2": "Æblehaven"}
    rename_practice = {"P1": "Fællesskab"}
    for frame in t.values():
        if "site_id" in frame:
            frame["site_id"] = frame["site_id"].replace(rename_site)
        if "practice" in frame:
            frame["practice"] = frame["practice"].replace(rename_practice)
    write_dataset(t, tmp_path / "data", style="da")
    ds = read_dataset(tmp_path / "data")
    assert sorted(ds.sites) == ["Solgården", "Æblehaven"]


@pytest.mark.parametrize("code", ["samlet", "INDEX", "CON", "com1", ".", "..", "H.1"])
def test_reserved_site_codes_are_refused_at_validation(tmp_path: Path, tables, code) -> None:
    from analyse.data.io import write_dataset
    from analyse.data.validate import read_dataset

    t = {k: v.copy() for k, v in tables.items()}
    for frame in t.values():
        if "site_id" in frame:
            frame["site_id"] = frame["site_id"].replace({"H1": code})
    write_dataset(t, tmp_path / "data", style="da")
    with pytest.raises(DataError) as err:
        read_dataset(tmp_path / "data", lang="en")
    rules = {p.rule for p in err.value.problems if p.value == code}
    assert rules and all("site code" in r and "samlet" in r for r in rules)


def test_site_codes_differing_only_in_case_are_refused_at_validation(
    tmp_path: Path, tables
) -> None:
    from analyse.data.io import write_dataset
    from analyse.data.validate import read_dataset

    t = {k: v.copy() for k, v in tables.items()}
    t["residents"].loc[t["residents"]["resident_id"] == "B106", "site_id"] = "h2"
    write_dataset(t, tmp_path / "data", style="da")
    with pytest.raises(DataError) as err:
        read_dataset(tmp_path / "data", lang="en")
    [problem] = [p for p in err.value.problems if p.value == "h2"]
    assert "also spelt 'H2'" in problem.rule and problem.row == 7


def test_private_data_copy_is_owner_only_and_stale_ones_are_removed(
    tmp_path: Path, monkeypatch
) -> None:
    import tempfile

    from analyse.run.batch import private_folder

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "analyse-data-dead"
    dead.mkdir()
    (dead / "owner.pid").write_text("999999999")
    foreign = tmp_path / "analyse-data-other"  # no owner file: not ours to judge
    foreign.mkdir()
    with private_folder("analyse-data-") as folder:
        assert (folder.stat().st_mode & 0o777) == 0o700
    assert not folder.exists() and not dead.exists() and foreign.exists()


def test_a_prepared_run_can_be_replaced_by_prepare_only(tmp_path: Path, demo: Path, cli) -> None:
    out = tmp_path / "prepared"
    assert cli("prepare", demo, "--out", out).exit_code == 0
    result = cli("report", demo, "--out", out, "--lang", "en")
    assert result.exit_code == 2
    assert "analyse prepare" in result.output
    assert (out / "manifest.json").exists()


def test_a_report_of_a_prepared_folder_refuses_that_folder(tmp_path: Path, demo: Path) -> None:
    out = tmp_path / "prepared"
    from analyse.data.prepare import prepare

    prepare(demo, out)
    with pytest.raises(OutputError):
        report(out, out / "..", sites=["H1"])
    assert os.path.exists(out / "manifest.json")


def test_the_marker_never_looks_like_a_cpr_number_to_the_audit(tmp_path: Path) -> None:
    """A hex SHA-256 often holds ten digits in a row, a possible CPR number to the audit
    (it failed a clean run once); the marker's digests are base64."""
    from analyse.data.screen import find_cpr

    out = tmp_path / "run"
    with output_folder(out, command="report") as tmp:
        for i in range(400):
            (tmp / f"{i}.csv").write_text(f"table {i}")
    hex_digests = [hashlib.sha256(f"table {i}".encode()).hexdigest() for i in range(400)]
    assert any(find_cpr(h) for h in hex_digests)  # the hazard is real ...
    assert not find_cpr((out / MARKER).read_text(encoding="utf-8"))  # ... and avoided


def test_a_folder_written_into_while_it_is_removed_is_removed(tmp_path: Path) -> None:
    """A stopped run's temporary folder goes even if a dying process still writes into it."""
    import threading
    import time

    from analyse.outputs import remove_folder

    folder = tmp_path / ".run.naere-tmp-x"
    folder.mkdir()
    stop = time.monotonic() + 0.3

    def late_writer() -> None:  # like a kernel that outlives its killed parent for a moment
        i = 0
        while time.monotonic() < stop:
            try:
                (folder / f"figure-{i}.png").write_bytes(b"x" * 1000)
            except OSError:
                pass
            i += 1

    writer = threading.Thread(target=late_writer)
    writer.start()
    time.sleep(0.05)
    assert remove_folder(folder, seconds=2.0)  # one shutil.rmtree leaves it (tried: 30 of 30)
    writer.join()
    assert not folder.exists()


def test_a_hand_edit_with_the_same_size_and_time_is_never_removed(tmp_path: Path) -> None:
    """Issue 21: the marker's record was trusted by size and modification time; a hand edit
    that kept both (an editor restoring the time, ``touch -r``) was deleted as ours."""
    import os

    out = tmp_path / "run"
    with output_folder(out, command="prepare") as tmp:
        (tmp / "a.txt").write_text("first")
    st = (out / "a.txt").stat()
    (out / "a.txt").write_text("FIRST")  # same size, other content
    os.utime(out / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (out / "a.txt").stat().st_mtime_ns == st.st_mtime_ns
    with pytest.raises(OutputError, match="a.txt"):
        with output_folder(out, command="prepare") as tmp:
            (tmp / "a.txt").write_text("second")
    assert (out / "a.txt").read_text() == "FIRST"


def test_an_out_name_of_any_legal_length_gets_a_lock_and_a_run(tmp_path: Path) -> None:
    """Issue 26: a legal 250-character --out name was refused: the lock's name beside it
    (".NAME.naere-relationer.lock") was longer than a file name may be."""
    out = tmp_path / ("r" * 250)
    with output_folder(out, command="report") as tmp:
        (tmp / "a.txt").write_text("x")
    with output_folder(out, command="report") as tmp:  # replaces its own earlier run
        (tmp / "a.txt").write_text("y")
    assert (out / "a.txt").read_text() == "y"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_a_full_disk_leaves_no_lock_and_no_temporary_run(tmp_path: Path, monkeypatch) -> None:
    """Issue 21: a full disk left empty lock files; now the refusal is one line and nothing
    is left beside --out."""
    import errno
    import os

    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    out = tmp_path / "run"
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OutputError, match="the disk is full"):
        with output_folder(out, command="prepare", lang="en") as tmp:
            (tmp / "a.txt").write_text("x")
            raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "write", real_write)
    assert list(tmp_path.iterdir()) == []


def test_a_run_is_made_under_a_working_folder_of_4000_characters(
    tmp_path: Path, monkeypatch
) -> None:
    """Issue 26: with a working folder of about 4,000 characters the run was built from
    absolute paths, longer than a path may be in one system call, and failed."""
    import os

    monkeypatch.chdir(tmp_path)
    for i in range(20):  # each name legal (200 characters), the path about 4,000
        name = f"{i:02d}" + "x" * 198
        os.mkdir(name)
        os.chdir(name)
    assert len(os.getcwd()) > 4000
    data = Path("data")
    data.mkdir()
    (data / "borgere.csv").write_text("x", encoding="utf-8")
    for content in ("first", "second"):  # a new run, then one replacing it
        with output_folder("run", command="report", inputs=[data]) as tmp:
            assert len(str(tmp)) < 200  # relative to the working folder
            (tmp / "H1.html").write_text(content, encoding="utf-8")
        assert Path("run/H1.html").read_text(encoding="utf-8") == content
    assert sorted(os.listdir(".")) == ["data", "run"]
    with pytest.raises(OutputError, match="inde i inddata-mappen"):
        check_out(data / "run", command="report", inputs=[data])


def test_the_quick_look_at_the_lock_refuses_only_a_live_run(tmp_path: Path) -> None:
    """refuse_if_busy (issue 21) creates nothing, passes a free folder and a lock file left by
    a killed run, and refuses one a live run holds."""
    from analyse.outputs import _LOCK, _Lock, refuse_if_busy, short_name

    out = tmp_path / "run"
    refuse_if_busy(out)
    assert list(tmp_path.iterdir()) == []
    left = tmp_path / f".{short_name(out.name)}{_LOCK}"
    left.write_text("999999999\n")  # no such process: a killed run's file
    refuse_if_busy(out)
    left.unlink()
    held = _Lock(left, str(out), "en")
    held.acquire()
    try:
        with pytest.raises(ConfigError, match="Another run is already writing"):
            refuse_if_busy(out, lang="en")
    finally:
        held.release()
    refuse_if_busy(out)
