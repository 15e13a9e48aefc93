"""Issue 17, clean exits: a stopped run leaves nothing behind, a killed run leaves no process
and the next run cleans what it left. Every wait is bounded; nothing is timed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

#: Upper bounds of the waits below (a loaded machine may be slow; none is an assertion).
START_TIMEOUT = 300
EXIT_TIMEOUT = 60


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def leftovers(parent: Path, tmpdir: Path) -> list[str]:
    """Hidden run folders or locks beside ``--out``, private data copies in TMPDIR."""
    beside = [p.name for p in parent.iterdir() if p.name.startswith(".run.")]
    private = [p.name for p in tmpdir.iterdir() if p.name.startswith("analyse-")]
    return beside + private


STOPPABLE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from analyse.cli import _stop_on_signals
    from analyse.outputs import output_folder
    from analyse.run.batch import private_folder

    _stop_on_signals()
    out = Path(sys.argv[1])
    with output_folder(out, command="report") as tmp, private_folder("analyse-data-") as p:
        (tmp / "H1.html").write_text("half")
        (p / "data.parquet").write_text("copy")
        (out.parent / "ready").write_text("")
        time.sleep(120)
    """
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopped_run_removes_its_temporary_run_and_data_copy(
    tmp_path: Path, signum: int
) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir))
    proc = subprocess.Popen(
        [sys.executable, "-c", STOPPABLE, str(tmp_path / "run")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: (tmp_path / "ready").exists(), START_TIMEOUT, "the run to start")
        assert leftovers(tmp_path, tmpdir)  # the run has something to clean
        proc.send_signal(signum)
        proc.communicate(timeout=EXIT_TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert leftovers(tmp_path, tmpdir) == []
    assert not (tmp_path / "run").exists()


@pytest.fixture
def short_tmpdir():
    """A private TMPDIR with a short path: the forkserver's socket lives there, and a socket
    path may not exceed about 100 characters (pytest's own folders can be longer)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="nr-", dir="/tmp" if Path("/tmp").is_dir() else None))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def demo(tmp_path: Path, cli) -> Path:
    data = tmp_path / "demo"
    assert cli("demo-data", data, "--sites", "3").exit_code == 0
    return data


def start_report(tmp_path: Path, data: Path, tmpdir: Path) -> subprocess.Popen:
    """``analyse report`` in a new process; returns once its report workers run."""
    env = dict(os.environ, TMPDIR=str(tmpdir))
    code = "from analyse.cli import main; main()"
    args = ["report", str(data), "--out", str(tmp_path / "run"), "--no-progress", "-j", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    main = psutil.Process(proc.pid)

    def workers_run() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"the report ended early: {proc.stderr.read().decode()[-2000:]}")
        try:
            kids = main.children(recursive=True)
            # the forkserver, and at least one report process forked from it
            return any(k.ppid() != proc.pid for k in kids)
        except psutil.Error:
            return False

    wait_for(workers_run, START_TIMEOUT, "the report processes")
    return proc


def test_sigterm_stops_the_report_workers_and_cleans_up(
    tmp_path: Path, demo: Path, short_tmpdir: Path
) -> None:
    tmpdir = short_tmpdir
    proc = start_report(tmp_path, demo, tmpdir)
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=EXIT_TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM
    _, alive = psutil.wait_procs(kids, timeout=EXIT_TIMEOUT)
    assert alive == []
    assert leftovers(tmp_path, tmpdir) == []
    assert not (tmp_path / "run").exists()


def test_after_kill_9_no_worker_survives_and_the_next_run_cleans_up(
    tmp_path: Path, demo: Path, short_tmpdir: Path, monkeypatch
) -> None:
    tmpdir = short_tmpdir
    proc = start_report(tmp_path, demo, tmpdir)
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
        proc.kill()
        proc.communicate(timeout=EXIT_TIMEOUT)
    finally:
        proc.kill()
    _, alive = psutil.wait_procs(kids, timeout=EXIT_TIMEOUT)
    assert alive == []
    assert leftovers(tmp_path, tmpdir)  # a killed process cannot clean up ...

    from test_outputs import report  # ... the next run does

    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    report(demo, tmp_path / "run")
    assert leftovers(tmp_path, tmpdir) == []
    assert (tmp_path / "run" / "samlet.html").exists()


HANGING = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    import analyse.data.csvbytes, analyse.data.io
    from analyse.cli import main

    ready = Path(sys.argv[1])

    def hang(path):  # a read on a drive that never answers
        ready.write_text("")
        threading.Event().wait()

    analyse.data.csvbytes.read_regular = analyse.data.io.read_regular = hang
    sys.argv = ["analyse", "validate", sys.argv[2], *sys.argv[3:]]
    main()
    """
)


@pytest.mark.parametrize(
    ("signum", "lang", "line"),
    [
        (signal.SIGTERM, "da", "Afbrudt: kørslen er stoppet"),
        (signal.SIGHUP, "da", "Afbrudt: kørslen er stoppet"),
        (signal.SIGINT, "da", "Afbrudt: kørslen er stoppet"),
        (signal.SIGINT, "en", "Stopped: the run was stopped"),
    ],
    ids=["sigterm", "sighup", "ctrl-c", "ctrl-c-en"],
)
def test_a_stop_ends_a_run_stuck_in_a_read_with_one_line(
    tmp_path: Path, signum: int, lang: str, line: str
) -> None:
    """Issue 26: a read that never returns held the run; SIGTERM did nothing and SIGTERM and
    SIGHUP stayed ignored. Issue 21: Ctrl-C printed nothing. Now every stop ends the run with
    the same line, in the language asked for."""
    from conftest import small_tables, write_dialect

    data = write_dialect(small_tables(), tmp_path / "data", "da-semicolon-bom")
    proc = subprocess.Popen(
        [sys.executable, "-c", HANGING, str(tmp_path / "ready"), str(data), "--lang", lang],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: (tmp_path / "ready").exists(), START_TIMEOUT, "the read to hang")
        time.sleep(0.5)  # into the wait for the read (not an assertion)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=EXIT_TIMEOUT)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), lines
