"""The steering-group reports, end to end on a data set that is not in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analyse.batch import run_report
from analyse.demo import make_demo_tables
from analyse.io import write_dataset

SEED = 4711  # not the bundled demo's seed: data that is not in the repository


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw") / "kommune"
    write_dataset(make_demo_tables(6, seed=SEED), out, style="da")
    return out


@pytest.fixture(scope="module")
def steering_run(data: Path, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("reports") / "run"
    result = run_report(data, out, sites=["H1", "H2", "H6"], audience="steering", workers=2, progress=False)
    return out, result


def _visible(html: str) -> str:
    """The text a reader sees: no tags, no embedded images."""
    html = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", html)
    html = re.sub(r"<style.*?</style>|<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_report_runs_and_the_audit_passes(steering_run) -> None:
    out, result = steering_run
    assert {j.name: j.status for j in result.jobs} == {"H1": "ok", "H2": "ok", "H6": "ok", "samlet": "ok"}, [
        j.error for j in result.jobs
    ]
    assert result.audit_findings == []
    for name in ("H1", "H2", "H6", "samlet", "index"):
        assert (out / f"{name}.html").exists()


def test_reports_are_danish_self_contained_and_without_code(steering_run) -> None:
    out, _ = steering_run
    html = (out / "H1.html").read_text(encoding="utf-8")
    assert 'lang="da"' in html
    assert "data:image/png;base64," in html  # figures embedded
    assert 'src="http' not in html  # nothing fetched from the internet
    for code in ("report.show(", "import ", "report.load("):
        assert code not in html  # no input cells
    visible = _visible(html)
    assert "Kortlægning" in visible and "Fælles forståelse" in visible and "Afprøvning" in visible
    assert re.search(r"\b\d+,\d\b", visible)  # Danish decimal comma
    assert "Traceback" not in visible


def test_no_pseudonym_in_any_steering_file(steering_run, data: Path) -> None:
    from analyse import read_dataset
    from analyse.audit import pseudonyms

    out, _ = steering_run
    names = pseudonyms(read_dataset(data))
    for path in out.rglob("*"):
        if path.suffix in (".html", ".csv") and "notebooks" not in path.parts:
            tokens = set(re.findall(r"[A-Za-z0-9_.\-]+", _visible(path.read_text(encoding="utf-8-sig"))))
            assert not tokens & names, path


def test_the_site_with_four_residents_shows_suppression(steering_run) -> None:
    out, _ = steering_run
    visible = _visible((out / "H6.html").read_text(encoding="utf-8"))
    assert "færre end 5 borgere" in visible
    assert not (out / "tabeller" / "H6").exists() or not any((out / "tabeller" / "H6").iterdir())


def test_no_leakage_between_sites(steering_run) -> None:
    out, _ = steering_run
    h1 = (out / "H1.html").read_text(encoding="utf-8")
    h2 = (out / "H2.html").read_text(encoding="utf-8")
    assert "botilbud H2" not in _visible(h1) and "botilbud H1" not in _visible(h2)
    images = lambda html: set(re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', html))  # noqa: E731
    assert images(h1) and images(h2) and not images(h1) & images(h2)
    t1 = pd.read_csv(out / "tabeller" / "H1" / "noegletal.csv", sep=";")
    t2 = pd.read_csv(out / "tabeller" / "H2" / "noegletal.csv", sep=";")
    assert not t1.equals(t2)


def test_tables_as_csv_and_xlsx_with_provenance(steering_run, data: Path) -> None:
    import hashlib
    import json

    out, _ = steering_run
    assert (out / "tabeller" / "H1" / "noegletal.csv").exists()
    assert (out / "tabeller" / "H1.xlsx").exists()
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    # steering: inputs by hash only, never by a file name (it may name a person), nor the path
    assert [set(i) for i in record["inputs"]] == [{"sha256"}] * len(record["inputs"])
    assert record["parameters"]["data"] is None and str(data) not in json.dumps(record)
    assert {i["sha256"] for i in record["inputs"]} == {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in data.iterdir()
    }


def test_suppression_is_consistent_across_reports(data: Path) -> None:
    """No hidden count of a site can be recovered by subtracting the other sites' published
    numbers from the overview's total: each shown overview cell hides 0 or at least 2 site cells."""
    from analyse import report

    contexts = {s: report.load(data, site=s) for s in ["all", "H1", "H2", "H3", "H4", "H5", "H6"]}
    shown = {}
    for site, ctx in contexts.items():
        # each report computes the family on its own (separate contexts, no shared cache)
        st = report._family(
            ctx, "key_figures", lambda ctx=ctx: report._by_site(ctx.indicators, report.key_figures, ctx.ds.sites),
            count_cols=list(report.KEY_COUNTS), n_col="n", stat_cols=list(report.KEY_STATS),
            of_n=list(report.KEY_COUNTS), margins="none",
        )
        shown[site] = st
    overview = shown["all"]
    checked = 0
    for column in ["n", *report.KEY_COUNTS]:
        for wave in overview.values.index:
            if overview.mask.at[wave, column]:
                continue
            hidden = [s for s in shown if s != "all" and shown[s].mask.at[wave, column]]
            assert len(hidden) != 1, (column, wave, hidden)
            checked += 1
            if not hidden:
                total = sum(int(shown[s].values.at[wave, column]) for s in shown if s != "all")
                assert total == int(overview.values.at[wave, column])
    assert checked > 0
    # and the site with four residents hides its numbers
    assert shown["H6"].mask["n"].all()


def _sections(html: str) -> list[tuple[str, str]]:
    """(heading, html up to the next h2) for every h2 of a report, in order."""
    parts = re.split(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
    return [(re.sub(r"<[^>]+>", "", parts[i]).replace("¶", "").strip(), parts[i + 1]) for i in range(1, len(parts), 2)]


@pytest.mark.parametrize("name", ["H1", "H2", "samlet"])
def test_each_report_with_numbers_opens_with_hovedresultater_and_a_figure(steering_run, name) -> None:
    out, _ = steering_run
    sections = _sections((out / f"{name}.html").read_text(encoding="utf-8"))
    heading, body = sections[0]
    assert heading == "Hovedresultater"
    assert body.count("data:image/png;base64,") == 1  # one figure
    visible = _visible(body)
    assert "skala 3–9, højere = mere ensom" in visible
    # a group's word is followed by its sites and residents (issue 24)
    assert re.search(r"\((bedre|værre|usikkert[^;)]*|for få botilbud til at afgøre)[;)]", visible)


def test_overview_sets_each_practice_against_the_comparison_group(steering_run) -> None:
    out, _ = steering_run
    sections = dict(_sections((out / "samlet.html").read_text(encoding="utf-8")))
    body = sections["Praksis mod sammenligningsgruppe"]
    assert "Ændring i praksis minus ændring i sammenligningsgruppen" in _visible(body)
    assert "ikke lodtrukket" in _visible(body) and "Holm" in _visible(body)
    table = pd.read_csv(out / "tabeller" / "samlet" / "praksis_mod_sammenligning.csv", sep=";")
    assert {"Forskel i ændring (model)", "Simpel forskel"} <= set(table.columns)
    shown = table["Forskel i ændring (model)"].notna().any()
    assert ("data:image/png;base64," in body) == bool(shown or table["Simpel forskel"].notna().any())


def test_index_marks_the_tiny_site_instead_of_ok(steering_run) -> None:
    out, _ = steering_run
    index = _visible((out / "index.html").read_text(encoding="utf-8"))
    row = re.search(r"Botilbud H6\s+(.*?)\s+Botilbud|Botilbud H6\s+(.*)$", index, flags=re.S)
    assert row and "For få borgere – indgår i den samlede rapport" in row.group(0)
    assert re.search(r"Botilbud H1\s+tabeller \(xlsx\)\s+OK", index)


def test_xlsx_numbers_are_numbers(steering_run) -> None:
    from openpyxl import load_workbook

    out, _ = steering_run
    wb = load_workbook(out / "tabeller" / "H1.xlsx")
    ws = wb["noegletal"]
    header = [c.value for c in ws[1]]
    n_col = header.index("Antal borgere") + 1
    values = [ws.cell(row=r, column=n_col) for r in range(2, ws.max_row + 1)]
    assert values and all(c.data_type == "n" or c.value in (None, "<5") or str(c.value)[:1].isalpha() for c in values)
    assert any(isinstance(c.value, int) for c in values)
    numeric = [c for row in ws.iter_rows(min_row=2) for c in row if c.data_type == "n"]
    assert any(isinstance(c.value, float) for c in numeric)  # means are numbers too
    for path in (out / "tabeller" / "H1").glob("*.csv"):
        assert "'-" not in path.read_text(encoding="utf-8-sig")  # no apostrophe before numbers


def test_a_note_survives_a_table_whose_hidden_cells_show_no_marker():
    """Regression (issue 21): a table whose mask is set while every status reads "shown"
    (``note()`` is None) crashed Fælles forståelse with a TypeError on normal data."""
    from types import SimpleNamespace

    from analyse import main_results, report

    st = SimpleNamespace(any_suppressed=True, note=lambda lang: None)
    for lang in ("da", "en"):
        ctx = SimpleNamespace(lang=lang, overview=False, t=lambda da, en, lang=lang: da if lang == "da" else en)
        assert isinstance(report._agreement_note(ctx, st), str)
        assert isinstance(main_results._comparison_note(ctx, st), str)
