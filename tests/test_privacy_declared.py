"""The declared publication model (issue 23): a steering report publishes only tables the
privacy gate released; an undeclared table fails loudly, naming itself."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analyse import report
from analyse.data.dataset import Dataset
from analyse.data.demo import make_demo_tables
from analyse.errors import PrivacyError
from analyse.privacy.gate import is_released, release, suppress
from analyse.render.publish import TABLE_MIME, table_bundle
from analyse.report import main_results, sections


def test_an_undeclared_table_fails_loudly_in_a_steering_report():
    raw = pd.DataFrame({"Botilbud": ["H1"], "Borgere": [3]})
    with pytest.raises(PrivacyError, match="'borgere_raa'"):
        table_bundle(raw, "borgere_raa", steering=True)
    # the report's own path to publishing refuses it too, before anything is displayed
    with pytest.raises(PrivacyError, match="'borgere_raa'"):
        sections.show([sections.Table(raw, "borgere_raa", "Borgere")])


def test_a_consultant_table_is_published_as_today():
    raw = pd.DataFrame({"borger_id": ["B001"], "relationer": [3]})
    bundle = table_bundle(raw, "borgere_indikatorer")
    assert bundle[TABLE_MIME]["data"] == [["B001", 3]]
    table = sections.Table(raw, "borgere_indikatorer", "Borgere", audience="consultant")
    assert table.audience == "consultant"


def test_the_gate_marks_what_it_releases_and_the_mark_survives_relabelling():
    st = suppress(
        pd.DataFrame({"n": [12, 3]}, index=pd.Index(["pre", "post"], name="wave")),
        n_col="n",
        margins="none",
    )
    shown = st.display()
    assert is_released(shown)
    relabelled = sections._relabel(shown, {"n": "Borgere"}, "Måling")
    assert is_released(relabelled)
    assert table_bundle(relabelled, "noegletal", steering=True)[TABLE_MIME]["data"] == [
        ["pre", "12"],
        ["post", "<5"],
    ]
    # a frame built anew from gated values is declared with the gated table it shows
    built = pd.DataFrame({"Borgere": shown["n"].to_numpy()})
    assert not is_released(built)
    assert is_released(release(built, st))
    with pytest.raises(PrivacyError):
        release(built)
    with pytest.raises(PrivacyError):
        release(built, shown)  # a display frame is not a gated table


@pytest.fixture(scope="module")
def demo_run():
    ds = Dataset.from_frames(**make_demo_tables(n_sites=6, seed=3))
    cache = report.precompute(ds)
    return ds, cache


SECTIONS = (
    report.title,
    main_results.hovedresultater,
    main_results.sammenligning,
    report.kortlaegning,
    report.behov,
    report.faelles_forstaaelse,
    report.afproevning,
    main_results.udvikling,
    report.om_rapporten,
)


def _tables(ds, cache, site: str, audience: str) -> list[sections.Table]:
    ctx = sections.Context(ds, site, audience, "da", 5, 1, {}, cache)
    out = []
    for section in SECTIONS:
        for item in section(ctx):
            if isinstance(item, sections.Figure):
                plt.close(item.figure)
            elif isinstance(item, sections.Table):
                out.append(item)
    return out


def test_every_table_of_a_steering_run_is_declared(demo_run):
    """Property over a demo run: every table of every steering report (each site and the
    overview) was released by the gate, and publishing it in a steering report succeeds."""
    ds, cache = demo_run
    names = set()
    for site in [*ds.sites, sections.ALL]:
        for table in _tables(ds, cache, site, "steering"):
            assert table.audience == "steering", (site, table.name)
            assert is_released(table.frame), (site, table.name)
            table_bundle(table.frame, table.name, steering=True)
            names.add(table.name)
    # the run publishes its key tables (a check that the property was tested on something)
    assert {"noegletal", "relationstyper", "behov", "udsagn_roller", "foer_efter"} <= names
    assert "praksis_mod_sammenligning" in names


def test_consultant_tables_of_residents_stay_consultant_only(demo_run):
    ds, cache = demo_run
    tables = _tables(ds, cache, ds.sites[0], "consultant")
    ungated = [t for t in tables if not is_released(t.frame)]
    assert ungated, "the consultants' resident-level tables are working tables, not gated"
    assert all(t.audience == "consultant" for t in ungated)


def test_the_batch_exports_no_undeclared_table_of_a_steering_report(tmp_path):
    """The batch checks again what it writes: a steering notebook that published a table
    around the report's own path (``show_table`` without ``steering=True``) is stopped before
    its CSV/XLSX or HTML is written; a consultant's is exported as before."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from analyse.run.batch import export

    gated = suppress(pd.DataFrame({"n": [12]}, index=["H1"]), n_col="n", margins="none")
    raw = pd.DataFrame({"Botilbud": ["H1"], "Borgere": [3]})
    nb = new_notebook()
    nb.cells.append(
        new_code_cell(
            "",
            outputs=[
                new_output("display_data", data=table_bundle(gated.display(), "noegletal")),
                new_output("display_data", data=table_bundle(raw, "borgere_raa")),
            ],
        )
    )
    executed = tmp_path / "H1.ipynb"
    nbformat.write(nb, executed)
    steering_out = tmp_path / "styregruppe"
    steering_out.mkdir()
    with pytest.raises(PrivacyError, match="'borgere_raa'"):
        export(executed, steering_out, "H1", nb=nb, steering=True)
    assert list(steering_out.iterdir()) == []
    consultant_out = tmp_path / "konsulent"
    consultant_out.mkdir()
    files = export(executed, consultant_out, "H1", nb=nb, steering=False)
    assert any(f.endswith("borgere_raa.csv") for f in files)
