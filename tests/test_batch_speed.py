"""The batch's speed work (issue 25) changes no output: what it skips is what no reader sees."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analyse import report  # noqa: E402
from analyse.config import NOTEBOOKS_DIR  # noqa: E402
from analyse.data.demo import make_demo_tables  # noqa: E402
from analyse.data.io import write_dataset  # noqa: E402
from analyse.data.prepare import load, prepare  # noqa: E402
from analyse.report import main_results
from analyse.run.batch import SITE_NOTEBOOK, Job, SheetTable, _write_tables, execute  # noqa: E402

SEED = 5


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw") / "kommune"
    write_dataset(make_demo_tables(8, seed=SEED), raw, style="da")
    out = tmp_path_factory.mktemp("prepared") / "prepared"
    prepare(raw, out)
    return out


def test_the_comparison_model_is_the_overviews_and_the_same(prepared: Path, tmp_path) -> None:
    """The overview's practice-vs-comparison table, built from its slice of the shared results,
    is the one built on the whole data. (The comparison is the site-level trial now, a few
    t intervals on site means, so the shared results may hold it; issue 24.)"""
    folder = tmp_path / "prepared"
    shutil.copytree(prepared, folder)
    ds = load(folder)
    report.write_shared_cache(folder, ds, min_cell=5, seed=SEED)
    overview = report.load(folder, site="all", min_cell=5, seed=SEED)
    whole = report.Context(ds, report.ALL, "steering", "da", 5, SEED)

    def table(ctx) -> pd.DataFrame:
        items = main_results.sammenligning(ctx)
        [t] = [i for i in items if isinstance(i, report.Table)]
        return t.frame

    pd.testing.assert_frame_equal(table(overview), table(whole))


def test_two_reports_in_one_process_and_one_notebook_write(prepared: Path, tmp_path, monkeypatch):
    """The in-process engine runs a second report in the same process (a benchmark does), and
    papermill writes each executed notebook once at the end, not after every cell."""
    import papermill.execute
    import papermill.iorw

    writes: list[str] = []
    real = papermill.iorw.write_ipynb

    def counting(nb, path, *args, **kwargs):
        writes.append(str(path))
        return real(nb, path, *args, **kwargs)

    monkeypatch.setattr(papermill.iorw, "write_ipynb", counting)
    monkeypatch.setattr(papermill.execute, "write_ipynb", counting)
    sites = load(prepared).sites[:2]
    for site in sites:
        job = Job(
            site,
            NOTEBOOKS_DIR / SITE_NOTEBOOK,
            {"dataset": str(prepared), "site": site, "min_cell": 5, "seed": SEED},
        )
        done = execute(job, tmp_path / "out", engine="inprocess")
        assert done.status == "ok", done.error
    assert len([w for w in writes if w]) <= 2 * len(sites)  # was ~20 per report


def test_workbook_cells_types_formats_and_widths(tmp_path) -> None:
    """Write-only workbooks hold what the report shows: text as text (typed as a string, so
    never run as a formula), numbers with their format, empty cells empty, column widths."""
    from openpyxl import load_workbook

    values = pd.DataFrame(
        {"Gruppe": ["=SUM(A1)+B1", "B"], "Antal": [12, None], "Andel": [0.25, 0.5]}
    )
    table = SheetTable(
        values.astype(object).where(values.notna(), None),
        pd.DataFrame({"Gruppe": [None, None], "Antal": ["#,##0", None], "Andel": ["0%", "0%"]}),
        pd.DataFrame({"Gruppe": [0, 0], "Antal": [0, 0], "Andel": [0, 0]}),
        pd.DataFrame({"Gruppe": [False] * 2, "Antal": [False] * 2, "Andel": [True] * 2}),
    )
    import analyse.run.batch as batch

    frame = values.copy()
    original = batch.spreadsheet_table
    try:
        batch.spreadsheet_table = lambda _frame, lang: table
        files = _write_tables([("tabel", frame)], tmp_path, "H1", lang="da")
    finally:
        batch.spreadsheet_table = original
    ws = load_workbook(tmp_path / files[-1]).active
    assert [c.value for c in ws[1]] == ["Gruppe", "Antal", "Andel"]
    formula = ws["A2"]
    assert formula.value == "=SUM(A1)+B1" and formula.data_type == "s"  # text, not a formula
    assert ws["B2"].value == 12 and ws["B2"].number_format == "#,##0"
    assert ws["B3"].value is None
    assert ws["C3"].value == 0.5 and ws["C3"].number_format == "0%"
    assert ws.column_dimensions["A"].width == 13  # the longest cell + 2, at least 10
    assert ws.column_dimensions["B"].width == 10
