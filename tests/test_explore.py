"""analyse.explore: what the exploration notebooks show, and that they never crash on data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyse import explore
from analyse.config import DEMO_DATA
from analyse.stats import prepost

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
PSEUDONYM = re.compile(r"\bB\d{3,5}\b")

ANALYSES = {
    "overview": (),
    "composition": (),
    "prepost": (),
    "turnover": (),
    "relationship_map": (),
    "needs_by_site": (),
    "needs_crosstab": (),
    "needs_residents": (),
    "close_nonstaff": (),
    "staff_agreement": (),
    "alpha": (),
    "roles": (),
    "change": (),
    "assessments": (),
    "outcome_change": (),
    "network_change": (),
    "reliable_change": (),
    "attrition": (),
}


def _all_views(ex: explore.Exploration) -> dict[str, explore.View]:
    return {name: getattr(ex, name)(*args) for name, args in ANALYSES.items()}


@pytest.fixture(scope="module")
def demo() -> explore.Exploration:
    return explore.open(DEMO_DATA, interactive=False)


def test_display_table_labels_headers_and_formats_danish() -> None:
    frame = pd.DataFrame(
        {
            "wave": ["pre", "post"],
            "practice": ["P1", "none"],
            "n": [12, 1234],
            "mean_diff": [-0.456, 1.25],
            "only_staff_close": [True, False],
            "p_t_adj": [0.0004, 0.0312],
        }
    )
    shown = explore.display_table(frame, "da", pvalues=["p_t_adj"])
    assert list(shown.columns) == [
        "Måling",
        "Praksis",
        "Antal borgere",
        "Ændring (efter − før)",
        "Kun personale tæt på",
        "p (t-test, Holm)",
    ]
    assert shown.iloc[0].tolist() == ["før", "P1", "12", "-0,5", "ja", "<0,001"]
    assert shown.iloc[1].tolist() == [
        "efter",
        "ingen (sammenligning)",
        "1.234",
        "1,3",
        "nej",
        "0,031",
    ]
    english = explore.display_table(frame, "en", pvalues=["p_t_adj"])
    assert english.iloc[1].tolist() == ["after", "none (comparison)", "1,234", "1.3", "no", "0.031"]


def test_every_demo_analysis_has_danish_headers_and_a_figure(demo) -> None:
    for name, view in _all_views(demo).items():
        assert view.kind == "result", (name, view.texts)
        assert view.figures, f"{name} draws no figure"
        for _title, table in view.tables:
            raw = [c for c in table.columns if SNAKE_CASE.match(str(c))]
            assert not raw, f"{name} shows raw column names {raw}"


def test_steering_views_hold_no_pseudonym_and_no_resident_level_view() -> None:
    ex = explore.open(DEMO_DATA, audience="steering", interactive=False)
    views = _all_views(ex)
    for name in ("relationship_map", "needs_residents"):
        assert views[name].kind == "absent" and not views[name].figures
    for name, view in views.items():
        assert not PSEUDONYM.search(view.html()), f"{name} shows a pseudonym to the steering group"


def test_invalid_data_gives_the_problem_table_never_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DEMO_DATA, folder)
    path = folder / "borgermaal.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    cells = lines[1].split(";")
    cells[header.index("tilfredshed")] = "17"
    lines[1] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ex = explore.open(folder, interactive=False)
    assert ex.problem is not None and ex.problem.kind == "problem"
    ((_title, table),) = ex.problem.tables
    assert list(table.columns) == ["Fil", "Række", "Kolonne", "Værdi", "Regel"]
    row = table.iloc[0]
    assert (row["Fil"], row["Række"], row["Kolonne"], row["Værdi"]) == (
        "borgermaal.csv",
        "2",
        "tilfredshed",
        "17",
    )
    assert ex.summary() is ex.problem
    for name, view in _all_views(ex).items():
        assert view.kind == "problem" and not view.figures, name


def test_a_wrong_site_names_the_sites_that_exist() -> None:
    ex = explore.open(DEMO_DATA, site="h2", interactive=False)
    (message,) = ex.problem.texts
    assert "'h2'" in message and "H1, H2, H3, H4, H5, H6, H7, H8" in message and "H2?" in message
    english = explore.open(DEMO_DATA, site="X9", lang="en", interactive=False)
    assert english.problem.texts[0].startswith(
        "Site 'X9' is not in the data. Sites in the data: H1"
    )


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"audience": "board"}, "audience"),
        ({"min_cell": 1}, "min_cell"),
        ({"lang": "de"}, "lang"),
    ],
)
def test_a_bad_parameter_is_a_sentence(kwargs: dict, words: str) -> None:
    ex = explore.open(DEMO_DATA, interactive=False, **kwargs)
    assert ex.problem is not None and words in ex.problem.texts[0]


def test_a_missing_folder_is_a_sentence(tmp_path: Path) -> None:
    ex = explore.open(tmp_path / "nowhere", interactive=False)
    assert ex.problem is not None and ex.problem.kind == "problem"
    ((_title, table),) = ex.problem.tables
    assert table.loc[0, "Regel"] == "Stien findes ikke"


def test_without_optional_tables_the_sections_say_what_is_missing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("borgere", "relationer", "borgermaal", "praksisser"):
        shutil.copy(DEMO_DATA / f"{name}.csv", folder)
    ex = explore.open(folder, interactive=False)
    assert ex.problem is None
    assert any("forstaaelse" in t for t in ex.summary().texts)
    for name in ("staff_agreement", "alpha", "roles", "change"):
        view = getattr(ex, name)()
        assert view.kind == "absent" and "forstaaelse" in view.texts[0], name
    assert "vurderinger" in ex.assessments().texts[0]
    assert ex.overview().figures and ex.outcome_change().figures


def test_one_site_restricts_every_table(demo) -> None:
    ex = explore.open(DEMO_DATA, site="H3", interactive=False)
    assert set(ex.indicators()["site_id"]) == {"H3"}
    ((_t, table),) = ex.turnover().tables
    assert table["Botilbud"].tolist() == ["H3"]


def test_consultants_see_the_attrition_means_of_the_rows_they_see(demo) -> None:
    """Never an aggregate hidden next to the rows it sums (issue 16): prepost.attrition
    withholds the means of 3 lost residents, the consultant view shows them."""
    withheld = prepost.attrition(demo.ds).comparison
    assert (withheld["withheld"] == "all").all()
    view = demo.attrition()
    (_t1, comparison), (_t2, lost) = view.tables
    scores = pd.to_numeric(lost["Ensomhed"].str.replace(",", "."), errors="coerce")
    shown = comparison.set_index("Mål").loc["Ensomhed", "Gns. før, faldet fra"]
    assert shown == f"{scores.mean():.1f}".replace(".", ",")


def test_reliable_change_counts_and_sentence_agree_with_prepost(demo) -> None:
    view = demo.reliable_change("loneliness")
    long = prepost.outcomes_long(demo.ds)
    rc = prepost.reliable_change(
        long, "resident_id", "wave", "loneliness", 0.72, lower_is_better=True, group="practice"
    )
    ((_t, counts),) = view.tables
    improved = counts.set_index("Praksis")["Pålideligt bedre"]
    expected = rc.subjects.groupby("practice")["category"].apply(
        lambda c: int((c == "improved").sum())
    )
    assert improved["P3"] == str(expected["P3"]) and int(improved.astype(int).sum()) == int(
        expected.sum()
    )
    critical = rc.counts.loc[0, "critical_change"]
    # Jacobson & Truax (1991): critical change = 1.96 * sqrt(2) * SD_pre * sqrt(1 - r)
    assert critical == pytest.approx(
        1.959964 * np.sqrt(2) * rc.counts.loc[0, "sd_pre"] * np.sqrt(1 - 0.72), rel=1e-5
    )
    assert f"mindst {critical:.1f} point".replace(".", ",") in view.texts[0]
    assert "Hughes" in view.texts[1]


def test_reliability_is_a_parameter(demo) -> None:
    looser = demo.reliable_change("loneliness", {"loneliness": 0.9}).texts[0]
    assert "reliabilitet 0,90" in looser
    unknown = demo.reliable_change("satisfaction")
    assert unknown.kind == "absent" and "ét spørgsmål" in unknown.texts[0]
    assert demo.reliable_change("satisfaction", {"satisfaction": 0.7}).figures


def test_interactive_views_offer_dropdowns(demo) -> None:
    pytest.importorskip("ipywidgets")
    ex = explore.open(DEMO_DATA, interactive=True)
    view = ex.relationship_map()
    pickers, _out = view.widget.children
    site, resident = pickers.children
    assert site.options[:2] == ("H1", "H2") and resident.value == resident.options[0]
    site.value = "H2"
    first_h2 = sorted(ex.ds.residents.loc[ex.ds.residents["site_id"] == "H2", "resident_id"])[0]
    assert resident.value == first_h2
    measure, _out = ex.outcome_change().widget.children
    assert [v for _label, v in measure.options] == ["loneliness", "satisfaction"]


def test_view_html_escapes_text() -> None:
    view = explore.View(["<script>x</script>"], [("t", pd.DataFrame({"A": ["<b>"]}))])
    assert "<script>" not in view.html() and "&lt;b&gt;" in view.html()


def test_notebook_04_compares_one_site_with_the_comparison_pairs_of_all_sites() -> None:
    """Issue 21: with ``site`` set the comparison had 0 comparison pairs ("for få par"); it now
    uses the comparison group's pairs from every site, as a difference in mean change (the
    overview's scale), and names the count model's ratio apart."""
    ex = explore.open(DEMO_DATA, site="H1", interactive=False)
    view = ex.comparison()
    (_, shown), *_ = view.tables
    pairs = pd.to_numeric(shown["Par i sammenligningsgruppen"], errors="coerce")
    assert (pairs > 0).all()
    scales = set(shown["Skala"])
    assert "forskel i gennemsnitlig ændring" in scales
    ratio_rows = shown[shown["Skala"].str.startswith("forhold")]
    assert len(ratio_rows) == 1 and ratio_rows["Mål"].iloc[0].endswith("(forhold)")
    assert shown["Praksis"].nunique() == 1  # this site's practice only


def test_steering_notebook_shows_what_the_steering_reports_show() -> None:
    """Issue 21: a steering notebook printed "6 borgere i botilbud H1" where the H1 steering
    report hides the number; it now shows the reports' gated tables and hides what they hide."""
    from analyse import report

    for site in ("H1", "H2"):
        ex = explore.open(DEMO_DATA, site=site, audience="steering", interactive=False)
        ctx = report.load(DEMO_DATA, site=site, audience="steering")
        title = " ".join(i.text for i in report.title(ctx) if hasattr(i, "text"))
        summary = " ".join(ex.summary().texts)
        count = re.search(r"(\d+) borgere i botilbud", summary)
        if count:  # the notebook shows a count only where the report shows the same count
            assert f"{count.group(1)} borgere" in title, (site, summary, title)
        else:
            assert "vises ikke" in summary
        assert not ex.summary().tables  # no rows per table: counts of persons' rows
        change = ex.outcome_change()
        site_items = report._trial_items(
            ctx, report.trial_family_table(ctx, report.trial_long(ctx)), "foer_efter", ""
        )
        reported = next(i.frame for i in site_items if hasattr(i, "frame"))
        for _, frame in change.tables:
            for _, row in frame.iterrows():
                same = reported[reported["Mål"] == row["Mål"]]
                assert len(same) == 1 and list(same.iloc[0]) == list(row), (site, row.to_dict())
        assert ex.reliable_change().kind == "absent" and ex.attrition().kind == "absent"


#: The analyses of notebooks 01-03 (Kortlægning, Behov, Fælles forståelse).
_STEERING_01_03 = (
    "overview",
    "composition",
    "prepost",
    "turnover",
    "needs_by_site",
    "needs_crosstab",
    "close_nonstaff",
    "staff_agreement",
    "alpha",
    "roles",
    "change",
    "assessments",
)


def _report_published(ctx) -> tuple[list[tuple[str, pd.DataFrame]], set[str]]:
    """Every table (title, frame) and sentence a steering report of ``ctx`` publishes."""
    from analyse import report

    items = [
        *report.kortlaegning(ctx),
        *report.behov(ctx),
        *report.faelles_forstaaelse(ctx),
    ]
    if not ctx.too_small:
        long = report.trial_long(ctx)
        if ctx.overview:
            items += report._by_practice(ctx, long)
        else:
            title = ctx.t("Før og efter afprøvningen", "Before and after")
            items += report._trial_items(
                ctx, report.trial_family_table(ctx, long), "foer_efter", title
            )
    tables = [(i.title, i.frame) for i in items if type(i).__name__ == "Table"]
    texts = {i.text for i in items if type(i).__name__ in ("Paragraph", "Heading")}
    texts |= {i.note for i in items if type(i).__name__ == "Table" and i.note}
    return tables, texts


@pytest.mark.parametrize("site", ["H1", "H4", "all"])
def test_steering_notebooks_01_to_03_show_only_the_steering_reports_numbers(site: str) -> None:
    """Issue 21: with audience="steering", notebooks 01-03 applied their own suppression
    (tables per site and wave that no report publishes, hidden differently). Every table a
    steering view shows is now a table of that site's steering report (the overview's for
    all sites), cell for cell, hidden markers included, and every sentence is the report's;
    an analysis the reports do not publish is not shown. H4 (7 residents) has hidden cells."""
    from analyse.report import shared

    ex = explore.open(DEMO_DATA, site=site, audience="steering", interactive=False)
    ctx = shared.load(DEMO_DATA, site=site, audience="steering")
    tables, texts = _report_published(ctx)
    hidden = 0
    for name in _STEERING_01_03:
        view = getattr(ex, name)()
        if view.kind == "absent":
            assert not view.tables and not view.figures, name
            continue
        assert view.kind == "result", (name, view.texts)
        # the report's figure, or its table drawn as bars; where the report says in one
        # sentence that no statement had enough answers, the view is that sentence
        assert view.figures or not view.tables, name
        assert view.tables or view.figures or len(view.texts) > 1, name
        for title, frame in view.tables:
            # the report's table, or some of its rows (the before/after rows of the measures
            # asked for), each cell as the report shows it
            rows = {
                tuple(r)
                for t, f in tables
                if t == title and list(f.columns) == list(frame.columns)
                for r in f.astype(str).to_numpy()
            }
            assert len(frame) and all(tuple(r) in rows for r in frame.astype(str).to_numpy()), (
                site,
                name,
                title,
                frame.to_dict(),
            )
            cells = frame.astype(str).to_numpy().ravel()
            hidden += sum(c.startswith("<") or c == "(s)" for c in cells)
        for sentence in view.texts[1:]:  # the first says whose numbers these are
            assert sentence in texts, (site, name, sentence)
    if site == "H4":
        assert hidden, "H4's steering report hides cells; the notebook must hide them too"
