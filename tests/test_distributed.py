"""The report batch on Dask distributed (issue 8): a real ``distributed.LocalCluster`` on this
machine gives byte-identical tables to the local pool, a failing report is isolated, and the
scheduler argument is checked at the boundary."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analyse.errors import ConfigError
from analyse.run.batch import Job, _checked_relpath, _payload, check_scheduler, run_report

PROJECT = Path(__file__).resolve().parent.parent
DEMO = PROJECT / "data" / "raw" / "demo"

PARAMS = 'dataset = ""\nsite = "all"\naudience = "steering"\nlang = "da"\nmin_cell = 5\nseed = 1\n'
# A stand-in report that remembers the previous report if the process is reused: it fails when
# it finds state left by another site, so any state shared between reports fails the test.
BODY = """
import builtins, os
from analyse.data.prepare import load
from analyse.render.publish import show_table
if getattr(builtins, "_previous_site", None) is not None:
    raise RuntimeError(f"state from {builtins._previous_site} leaked into {site}")
builtins._previous_site = site
ds = load(dataset)
res = ds.residents if site == "all" else ds.residents[ds.residents.site_id == site]
if site == "H2":
    raise RuntimeError("planted failure in H2")
table = res.groupby("site_id", observed=True).size().reset_index(name="Antal borgere")
show_table(table, "borgere", title="Borgere pr. botilbud")
"""


def _notebooks(folder: Path) -> Path:
    folder.mkdir()
    for name in ("botilbud-rapport.ipynb", "samlet-rapport.ipynb"):
        nb = new_notebook(
            cells=[new_code_cell(PARAMS, metadata={"tags": ["parameters"]}), new_code_cell(BODY)],
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
        )
        nbformat.write(nb, folder / name)
    return folder


def _tables(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in (out / "tabeller").rglob("*.csv")}


@pytest.mark.parametrize(
    "bad", ["", "LOCAL", "dask", "http://127.0.0.1:8786", "tcp://", "tcp:// host:1", None, 8786]
)
def test_scheduler_is_checked_before_anything_is_written(bad, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="tcp://"):
        check_scheduler(bad)
    out = tmp_path / "run"
    with pytest.raises(ConfigError, match="scheduler"):
        run_report(DEMO, out, scheduler=bad, progress=False)
    assert not out.exists()


@pytest.mark.parametrize("good", ["local", "processes", "tcp://10.0.0.5:8786", "tls://[::1]:8786"])
def test_scheduler_choices(good) -> None:
    assert check_scheduler(good) == good


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    import analyse.run.batch

    monkeypatch.setattr(analyse.run.batch, "CONNECT_TIMEOUT", "1s")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "reports" / "run"
    with pytest.raises(ConfigError, match="dask scheduler"):
        run_report(
            DEMO, out, sites=["H1"], scheduler=f"tcp://127.0.0.1:{port}", progress=False
        )
    assert not out.exists() and list((tmp_path / "reports").iterdir()) == []


@pytest.mark.parametrize("rel", ["../x.html", "/etc/passwd", "a/../../b", ""])
def test_returned_files_cannot_escape_the_run_folder(rel) -> None:
    with pytest.raises(ValueError):
        _checked_relpath(rel)


def test_the_payload_keeps_the_data_folder_name(tmp_path: Path) -> None:
    """Workers get ``…/prepared`` like a local run (the report may name its source)."""
    data = tmp_path / "prepared"
    (data / "sub").mkdir(parents=True)
    (data / "a.parquet").write_bytes(b"a")
    (data / "sub" / "b").write_bytes(b"b")
    nbs = _notebooks(tmp_path / "nbs")
    jobs = [
        Job(s, nbs / "botilbud-rapport.ipynb", {"dataset": str(data), "site": s})
        for s in ("H1", "H2")
    ]
    payload, where = _payload(jobs)
    assert where["H1"] == where["H2"] == {
        "notebook": "nb0/botilbud-rapport.ipynb",
        "dataset": "data1/prepared",
    }
    assert payload["files"] == {
        "nb0/botilbud-rapport.ipynb": (nbs / "botilbud-rapport.ipynb").read_bytes(),
        "data1/prepared/a.parquet": b"a",
        "data1/prepared/sub/b": b"b",
    }
    (data / "a.parquet").write_bytes(b"changed")
    assert _payload(jobs)[0]["token"] != payload["token"]


def test_local_cluster_gives_the_same_tables_as_the_local_pool(tmp_path: Path) -> None:
    """The real report notebooks on the bundled demo data (two sites plus the overview):
    a two-worker ``LocalCluster`` (processes) writes byte-identical CSV tables."""
    runs = {}
    for scheduler in ("local", "processes"):
        out = tmp_path / scheduler
        result = run_report(
            DEMO, out, sites=["H1", "H2"], workers=2, scheduler=scheduler, progress=False
        )
        assert result.ok, [(j.name, j.error) for j in result.jobs]
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
        assert record["parameters"]["scheduler"] == scheduler
        runs[scheduler] = (_tables(out), sorted(p.name for p in out.glob("*.html")))
    assert runs["local"][0] and runs["processes"] == runs["local"]
    assert runs["local"][1] == ["H1.html", "H2.html", "index.html", "samlet.html"]
    assert {p.parts[0] for p in runs["local"][0]} == {"tabeller"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp folders left


@pytest.fixture(scope="module")
def daemonic_cluster():
    """An existing cluster as ``dask worker`` starts it by default (daemonic workers)."""
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    yield cluster
    cluster.close()


def test_failing_report_is_isolated_on_an_existing_scheduler(
    tmp_path: Path, big_enough, daemonic_cluster
) -> None:
    """tcp:// to a running scheduler: H2 fails, H1 and the overview complete, the run is not
    ok; no report sees another's state (each runs in a new interpreter on daemonic workers)."""
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs")
    out = tmp_path / "reports" / "run"
    result = run_report(
        data,
        out,
        audience="consultant",
        workers=1,
        notebooks_dir=nbs,
        progress=False,
        scheduler=daemonic_cluster.scheduler_address,
    )
    status = {j.name: j.status for j in result.jobs}
    assert status == {"H1": "ok", "H2": "failed", "samlet": "ok"}
    assert not result.ok
    errors = {j.name: j.error for j in result.jobs}
    assert "planted failure in H2" in errors["H2"] and "leaked" not in errors["H2"]
    assert (out / "H1.html").exists() and (out / "samlet.html").exists()
    assert (out / "tabeller" / "H1" / "borgere.csv").exists()
    assert not (out / "tabeller" / "H2").exists()
    assert "FEJLET" in (out / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["run"]


def test_cli_passes_the_scheduler_through(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from analyse.cli import app

    runner = CliRunner()
    assert "--scheduler" in runner.invoke(app, ["report", "--help"]).output
    out = tmp_path / "run"
    result = runner.invoke(app, ["report", str(DEMO), "--out", str(out), "--scheduler", "dask"])
    assert result.exit_code == 2 and "tcp://" in result.output
    assert not out.exists()


def test_dask_logging_is_quiet_unless_verbose(monkeypatch) -> None:
    """Issue 26: ``--scheduler processes`` printed 43-50 ``INFO distributed`` lines. Unless
    --verbose (the root logger at INFO or below), distributed logs errors only here and, by
    the environment its worker processes inherit, critical ones only there."""
    import logging
    import os

    import distributed

    from analyse.run import batch

    made = {}

    class FakeCluster:
        def __init__(self, **kwargs) -> None:
            made["env"] = os.environ.get("DASK_LOGGING__DISTRIBUTED")

        def close(self) -> None:
            pass

    monkeypatch.setattr(distributed, "LocalCluster", FakeCluster)
    monkeypatch.setattr(distributed, "Client", lambda cluster: "client")
    monkeypatch.delenv("DASK_LOGGING__DISTRIBUTED", raising=False)
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.ERROR)
    monkeypatch.setattr(logging.getLogger("distributed"), "level", logging.INFO)
    assert batch._dask_client("processes", 1)[0] == "client"
    assert made["env"] == "critical"
    assert logging.getLogger("distributed").level == logging.ERROR
    # --verbose: left as distributed sets it
    monkeypatch.delenv("DASK_LOGGING__DISTRIBUTED", raising=False)
    monkeypatch.setattr(root, "level", logging.DEBUG)
    monkeypatch.setattr(logging.getLogger("distributed"), "level", logging.INFO)
    batch._dask_client("processes", 1)
    assert made["env"] is None and logging.getLogger("distributed").level == logging.INFO
