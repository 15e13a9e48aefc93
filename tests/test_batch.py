"""The batch machinery (papermill per site, HTML export, tables, index, run record, atomicity),
tested with small stand-in notebooks so that it does not depend on the report's content."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analyse import DataError
from analyse.errors import ConfigError
from analyse.run.batch import neutralise_cell, run_report

PARAMS = 'dataset = ""\nsite = "all"\naudience = "steering"\nlang = "da"\nmin_cell = 5\nseed = 1\n'
BODY = """
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
from analyse.data.prepare import load
from analyse.render.publish import show_table
ds = load(dataset)
res = ds.residents if site == "all" else ds.residents[ds.residents.site_id == site]
if site == "H2" and FAIL_H2:
    raise RuntimeError("planted failure in H2")
counts = res.groupby("site_id", observed=True).size()
table = counts.reset_index(name="Antal borgere")
table["Note"] = "=SUM(A1)" if site == "H1" else "<script>alert(1)</script>"
if audience == "steering":  # a steering table is declared to the gate (the batch checks it)
    from analyse.privacy.gate import release, suppress
    table = release(table, suppress(counts.to_frame("n"), n_col="n", margins="none"))
show_table(table, "borgere", title="Borgere pr. botilbud")
fig, ax = plt.subplots(figsize=(3, 2)); ax.bar(table["site_id"], table["Antal borgere"]); plt.show()
"""


def _notebooks(folder: Path, fail_h2: bool) -> Path:
    folder.mkdir()
    for name in ("botilbud-rapport.ipynb", "samlet-rapport.ipynb"):
        cells = [
            new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
            new_markdown_cell("# Rapport"),
            new_code_cell(f"FAIL_H2 = {fail_h2}\n" + BODY),
        ]
        nb = new_notebook(
            cells=cells,
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
        )
        nbformat.write(nb, folder / name)
    return folder


def test_batch_writes_reports_tables_index_and_run_record(tmp_path: Path, big_enough) -> None:
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=True)
    out = tmp_path / "reports" / "run"
    result = run_report(
        data, out, audience="consultant", workers=2, notebooks_dir=nbs, progress=False
    )

    status = {j.name: j.status for j in result.jobs}
    assert status == {"H1": "ok", "H2": "failed", "samlet": "ok"}
    assert not result.ok
    assert "planted failure in H2" in next(j.error for j in result.jobs if j.name == "H2")
    html = (out / "H1.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html  # images embedded
    assert "show_table(" not in html and "import matplotlib" not in html  # no input cells
    assert 'src="http' not in html  # self-contained
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "H1.html" in index and "FEJLET" in index
    # all or nothing: H2's half-written files and its error are in the withheld folder only
    assert "planted failure" not in index and "RuntimeError" not in index
    assert not (out / "notebooks" / "H2.ipynb").exists()
    assert (out / "tilbageholdt" / "notebooks" / "H2.ipynb").exists()
    assert "planted failure in H2" in (out / "tilbageholdt" / "fejl.txt").read_text("utf-8")
    run_json = (out / "run.json").read_text(encoding="utf-8")
    assert "planted failure" not in run_json and "kunne ikke laves" in run_json
    # free text is data, never markup; spreadsheet formulas are neutralised
    samlet = (out / "samlet.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in samlet and "&lt;script&gt;" in samlet
    csv = (out / "tabeller" / "H1" / "borgere.csv").read_text(encoding="utf-8-sig")
    assert "'=SUM(A1)" in csv
    assert (out / "tabeller" / "H1.xlsx").exists()
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    # the consultant's run keeps the file names (a steering run has hashes only: test_report)
    assert {i["file"]: i["sha256"] for i in record["inputs"]} == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()
    }
    assert record["parameters"]["data"] == str(data)
    assert record["parameters"]["workers"] == 2 and "pandas" in record["packages"]
    assert record["parameters"]["primary_outcome"] is None  # default: Holm over all statements
    assert set(record["timings"]["jobs"]) == {"H1", "H2", "samlet"}
    assert [p.name for p in out.parent.iterdir()] == ["run"]  # no temp folders left


@pytest.mark.parametrize("lang", ["da"])  # English: failed_terminal_line's doctest
def test_the_terminal_names_a_failed_report_but_never_its_error(
    tmp_path: Path, big_enough, cli, monkeypatch, caplog, lang: str
) -> None:
    """Issue 21: the command prints one plain line for H2 in --lang (withheld, where the
    details are); the exception's name and message are in fejl.txt only."""
    import functools
    import logging

    import analyse.run.batch as batch
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=True)
    monkeypatch.setattr(batch, "run_report", functools.partial(batch.run_report, notebooks_dir=nbs))
    out = tmp_path / "reports" / "run"
    caplog.set_level(logging.INFO)
    result = cli("report", data, "--out", out, "--lang", lang, "--no-progress", "-j", "1")
    assert result.exit_code == 1, result.output
    shown = result.output + caplog.text
    for leak in ("planted", "RuntimeError", "Traceback", "cell "):
        assert leak not in shown, leak
    lines = [line for line in result.output.splitlines() if "H2" in line]
    assert len(lines) == 1, result.output
    fejl = (out / "tilbageholdt" / "fejl.txt").as_posix()
    words = (
        ("kunne ikke laves og er tilbageholdt", "detaljerne står i")
        if lang == "da"
        else ("could not be made and is withheld", "the details are in")
    )
    assert all(w in lines[0] for w in words) and fejl in lines[0], lines[0]
    assert "planted failure in H2" in (out / "tilbageholdt" / "fejl.txt").read_text("utf-8")


def test_bad_data_writes_nothing(tmp_path: Path, danish_folder: Path) -> None:
    (danish_folder / "borgere.csv").write_text("", encoding="utf-8")
    out = tmp_path / "reports" / "run"
    with pytest.raises(DataError):
        run_report(danish_folder, out, notebooks_dir=tmp_path, progress=False)
    assert not out.exists()


def test_a_crash_leaves_no_half_written_folder(tmp_path: Path, danish_folder: Path) -> None:
    def crashing_runner(job, out_dir):
        (out_dir / "partial.html").write_text("half")
        raise KeyboardInterrupt

    out = tmp_path / "reports" / "run"
    with pytest.raises(KeyboardInterrupt):
        run_report(
            danish_folder,
            out,
            notebooks_dir=tmp_path,
            progress=False,
            runner=crashing_runner,
            workers=1,
        )
    assert not out.exists()
    assert list((tmp_path / "reports").iterdir()) == []


def test_min_cell_never_below_three(tmp_path: Path, danish_folder: Path) -> None:
    with pytest.raises(ConfigError):
        run_report(
            danish_folder, tmp_path / "r", min_cell=2, notebooks_dir=tmp_path, progress=False
        )


def test_unknown_site_is_refused(tmp_path: Path, danish_folder: Path) -> None:
    with pytest.raises(ConfigError, match="H9"):
        run_report(
            danish_folder, tmp_path / "r", sites=["H9"], notebooks_dir=tmp_path, progress=False
        )


def test_neutralise_cell() -> None:
    assert neutralise_cell("@cmd") == "'@cmd"
    assert neutralise_cell(3.5) == 3.5


def test_both_engines_give_the_same_tables(tmp_path: Path, big_enough) -> None:
    """The in-process engine (forked from a warm process) and a Jupyter kernel agree."""
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=False)
    runs = {}
    for engine in ("inprocess", "kernel"):
        out = tmp_path / engine
        result = run_report(
            data,
            out,
            audience="consultant",
            workers=2,
            notebooks_dir=nbs,
            progress=False,
            engine=engine,
        )
        assert result.ok, [j.error for j in result.jobs]
        runs[engine] = {
            p.relative_to(out): p.read_bytes() for p in (out / "tabeller").rglob("*.csv")
        }
    assert runs["inprocess"] == runs["kernel"] and runs["kernel"]


def test_scheduler_without_dask_installed_is_one_clear_line(monkeypatch):
    """Dask distributed is an optional extra (issue 22): without it, --scheduler is refused with
    the install command, never an ImportError."""
    import sys

    import pytest

    from analyse.errors import ConfigError
    from analyse.run import batch

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"naere-relationer\[dask\]"):
        batch._dask_client("processes", 1)


def test_primary_outcome_reaches_every_report_and_the_run_record(
    tmp_path: Path, big_enough
) -> None:
    """Issue 24: the report parameter ``primary_outcome`` is passed to every notebook and
    recorded in run.json; an unknown outcome is refused before any work."""
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=False)
    out = tmp_path / "reports" / "run"
    run_report(
        data,
        out,
        audience="consultant",
        workers=1,
        notebooks_dir=nbs,
        progress=False,
        primary_outcome="satisfaction",
    )
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["parameters"]["primary_outcome"] == "satisfaction"
    for name in ("H1", "samlet"):
        nb = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
        assert nb.metadata.papermill.parameters["primary_outcome"] == "satisfaction"
    with pytest.raises(ConfigError, match="primary_outcome must be one of"):
        run_report(data, tmp_path / "other", notebooks_dir=nbs, primary_outcome="happiness")
    assert not (tmp_path / "other").exists()
