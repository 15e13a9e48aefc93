"""Hovedresultater, the practice-versus-comparison section, their figures, and the tables
Excel can use (fast unit tests; the end-to-end checks are in test_report.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from analyse import report
from analyse.data.demo import make_demo_tables
from analyse.data.io import write_dataset
from analyse.render.figures import before_after_means, change_dots, forest_plot
from analyse.report import main_results
from analyse.run.batch import csv_table, spreadsheet_number, spreadsheet_table

SEED = 5150  # data that is not in the repository


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw") / "kommune"
    write_dataset(make_demo_tables(10, seed=SEED), out, style="da")
    return out


@pytest.fixture(scope="module")
def overview(raw: Path) -> report.Context:
    return report.load(raw)


# ----------------------------------------------------------------------------- direction


@pytest.mark.parametrize(
    ("outcome", "diff", "low", "high", "expected"),
    [
        ("loneliness", -1.0, -1.6, -0.4, "better"),  # lower loneliness is better
        ("loneliness", 0.8, 0.2, 1.4, "worse"),
        ("satisfaction", 0.5, 0.1, 0.9, "better"),
        ("satisfaction", -0.5, -0.9, -0.1, "worse"),
        ("n_nonstaff", 0.4, -0.2, 1.0, "uncertain"),  # the interval holds 0
        ("n_gives", 0.4, np.nan, np.nan, "uncertain"),  # too few pairs for an interval
        ("n_gives", np.nan, np.nan, np.nan, "unknown"),  # hidden by the gate
    ],
)
def test_direction_words_follow_the_whole_interval(outcome, diff, low, high, expected) -> None:
    assert main_results.direction(outcome, diff, low, high) == expected


# ----------------------------------------------------------------------------- sections


def _texts(items) -> list[str]:
    return [i.text for i in items if isinstance(i, report.Paragraph | report.Heading)]


def test_overview_opens_with_three_to_five_sentences_and_one_figure(overview) -> None:
    items = main_results.hovedresultater(overview)
    assert isinstance(items[0], report.Heading) and items[0].text == "Hovedresultater"
    sentences = [i for i in items if isinstance(i, report.Paragraph) and i.kind == "text"]
    assert 3 <= len(sentences) <= 5
    figures = [i for i in items if isinstance(i, report.Figure)]
    assert len(figures) == 1
    body = " ".join(_texts(items))
    assert "skala 3–9, højere = mere ensom" in body and "skala 1–5" in body
    assert "sammenligningsgruppen" in body.lower()
    assert any(w in body for w in ("bedre", "værre", "usikkert"))


def test_hovedresultater_numbers_are_the_gated_tables(overview) -> None:
    """Every change the section states is a published cell of a practice's gated table."""
    frame = main_results.changes(overview)
    totals = main_results.practice_totals(overview)
    assert set(frame["kind"]) == {"practice", "comparison"}
    for _, row in frame.iterrows():
        code = next(c for c in totals if main_results._practice_name(overview, c) == row["group"])
        st = totals[code]
        if np.isnan(row["mean_diff"]):
            assert st.mask.at[row["outcome"], "mean_diff"] or pd.isna(
                st.values.at[row["outcome"], "mean_diff"]
            )
        else:
            assert not st.mask.at[row["outcome"], "mean_diff"]
            assert row["mean_diff"] == float(st.values.at[row["outcome"], "mean_diff"])


def test_site_report_sets_the_site_beside_its_practice_and_the_comparison(raw: Path) -> None:
    ctx = report.load(raw)
    sites = [s for s in ctx.ds.sites if not report.load(raw, site=s).too_small]
    treated = next(
        s
        for s in sites
        if main_results._practice_of_site(report.load(raw, site=s)) != main_results.COMPARISON
    )
    site = report.load(raw, site=treated)
    frame = main_results.changes(site)
    assert list(dict.fromkeys(frame["kind"])) == ["site", "practice", "comparison"]
    body = " ".join(_texts(main_results.hovedresultater(site)))
    assert f"Botilbud {treated} har afprøvet praksis" in body


def test_a_tiny_site_gets_its_practice_result_and_no_own_numbers(tmp_path: Path) -> None:
    tables = make_demo_tables(6, seed=4711)  # H6 has four residents
    write_dataset(tables, tmp_path / "raw", style="da")
    ctx = report.load(tmp_path / "raw", site="H6")
    assert ctx.too_small
    frame = main_results.changes(ctx)
    assert "site" not in set(frame["kind"])
    body = " ".join(_texts(main_results.hovedresultater(ctx)))
    assert "for få borgere til at vise egne tal" in body


def test_comparison_table_holds_model_and_plain_difference_and_holm(overview) -> None:
    items = main_results.sammenligning(overview)
    tables = [i for i in items if isinstance(i, report.Table)]
    assert [t.name for t in tables] == ["praksis_mod_sammenligning"]
    frame = tables[0].frame
    assert {"Forskel i ændring (model)", "Simpel forskel", "Konklusion"} <= set(frame.columns)
    body = " ".join(_texts(items))
    assert "ikke lodtrukket" in body and "Holm" in body
    did = main_results.did_table(overview)
    valid = did["p"].notna()
    if valid.any():
        # Holm: adjusted p never below raw p, and monotone in the raw p's order
        assert (did.loc[valid, "p_holm"] >= did.loc[valid, "p"] - 1e-15).all()
        order = did.loc[valid].sort_values("p")
        assert order["p_holm"].is_monotonic_increasing
        assert any(isinstance(i, report.Figure) for i in items)


def test_comparison_plain_difference_is_the_difference_of_gated_changes(overview) -> None:
    st, extra = main_results.comparison_gated(overview)
    totals = main_results.practice_totals(overview)
    base = totals[main_results.COMPARISON]
    for key, value in extra["plain_diff"].items():
        practice, outcome = key.split("|")
        a, b = totals[practice], base
        published = [
            None
            if st_.mask.at[outcome, "mean_diff"] or pd.isna(st_.values.at[outcome, "mean_diff"])
            else float(st_.values.at[outcome, "mean_diff"])
            for st_ in (a, b)
        ]
        if None in published:
            assert np.isnan(value)
        else:
            assert value == pytest.approx(published[0] - published[1])
    assert extra["plain_diff"].notna().any()


def test_comparison_is_hidden_for_a_practice_below_min_cell(overview) -> None:
    did = main_results.did_table(overview).copy()
    st, _ = main_results.comparison_gated(overview)
    small = did["n_pairs"].to_numpy() < overview.min_cell
    assert st.mask["estimate"].to_numpy()[small].all()


# ----------------------------------------------------------------------------- figures


def _changes(diff=(-1.0, 0.5), low=(-1.5, -0.1), high=(-0.5, 1.1)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["Botilbud X", "Sammenligningsgruppen"],
            "kind": ["site", "comparison"],
            "outcome": ["loneliness", "loneliness"],
            "n": [12.0, 20.0],
            "mean_pre": [7.0, 6.5],
            "mean_post": [6.0, 7.0],
            "mean_diff": list(diff),
            "ci_low": list(low),
            "ci_high": list(high),
        }
    )


def test_change_dots_draws_groups_with_n_and_names_the_better_side() -> None:
    fig = change_dots(_changes(), labels={"loneliness": "Ensomhed"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Botilbud X (n=12)",
        "Sammenligningsgruppen (n=20)",
    ]
    assert "← bedre" in ax.get_xlabel()
    assert ax.get_title() == "Ensomhed"


def test_a_figure_whose_every_value_is_hidden_is_not_drawn() -> None:
    nan = (np.nan, np.nan)
    hidden = _changes(diff=nan, low=nan, high=nan).assign(mean_pre=np.nan, mean_post=np.nan)
    assert change_dots(hidden) is None
    assert before_after_means(hidden) is None
    comparison = hidden.rename(columns={"mean_diff": "estimate"}).assign(plain_diff=np.nan)
    assert forest_plot(comparison) is None


def test_slope_chart_spans_the_whole_scale() -> None:
    fig = before_after_means(_changes(), ranges={"loneliness": (3.0, 9.0)})
    assert fig.axes[0].get_ylim() == (3.0, 9.0)
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) == 2]
    assert len(lines) == 2  # one line per group, never per resident


# ----------------------------------------------------------------------------- spreadsheets


@pytest.mark.parametrize(
    ("cell", "lang", "expected"),
    [
        ("15", "da", (15, 0, False)),
        ("5,1", "da", (5.1, 1, False)),
        ("-1,0", "da", (-1.0, 1, False)),
        ("1.234", "da", (1234, 0, False)),
        ("1.234,56", "da", (1234.56, 2, False)),
        ("25\u00a0%", "da", (0.25, 0, True)),
        ("1,234.5", "en", (1234.5, 1, False)),
        ("<5", "da", None),
        ("–", "da", None),
        ("før", "da", None),
    ],
)
def test_spreadsheet_number_reads_back_what_the_report_shows(cell, lang, expected) -> None:
    assert spreadsheet_number(cell, lang=lang) == expected


def test_xlsx_cells_are_numbers_and_markers_are_text_with_a_note(tmp_path: Path) -> None:
    from analyse.run.batch import _write_tables

    frame = pd.DataFrame(
        {
            "Måling": ["før", "efter"],
            "Antal borgere": ["15", "<5"],
            "Ændring": ["-1,0", "–"],
            "Note": ["=SUM(A1)", "tekst"],
        }
    )
    frame.attrs["note"] = "<5: Tallet bygger på færre end 5 personer eller er skjult."
    files = _write_tables([("noegletal", frame)], tmp_path, "H1", lang="da")
    assert files == ["tabeller/H1/noegletal.csv", "tabeller/H1.xlsx"]
    ws = load_workbook(tmp_path / "tabeller" / "H1.xlsx")["noegletal"]
    header = [c.value for c in ws[1]]
    assert header == ["Måling", "Antal borgere", "Ændring", "Note", "Bemærkning"]
    assert ws["B2"].value == 15 and ws["B2"].data_type == "n" and ws["B2"].number_format == "#,##0"
    assert (
        ws["C2"].value == -1.0 and ws["C2"].data_type == "n" and ws["C2"].number_format == "#,##0.0"
    )
    assert ws["B3"].value == "<5" and ws["B3"].data_type == "s"
    assert ws["C3"].value is None  # "–" is an empty cell, not text
    assert ws["D2"].value == "'=SUM(A1)" and ws["D2"].data_type == "s"  # text is neutralised
    assert ws["E2"].value is None and ws["E3"].value.startswith("<5: Tallet bygger")
    csv = (tmp_path / "tabeller" / "H1" / "noegletal.csv").read_text(encoding="utf-8-sig")
    assert "15;-1,0;'=SUM(A1);" in csv and "'-1,0" not in csv


def test_csv_numbers_keep_the_reports_decimals_without_thousands_separator() -> None:
    table = spreadsheet_table(pd.DataFrame({"a": ["1.234,50", "3"], "b": ["25\u00a0%", "7,0"]}))
    assert csv_table(table).to_dict("list") == {"a": ["1234,50", "3"], "b": ["25 %", "7,0"]}


# ----------------------------------------------------------------------------- agreement


def _understanding(n_staff: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for r in range(n_staff):
        for item in ("I1", "I2", "I3", "I4"):
            rows.append(
                {
                    "respondent_id": f"M{r}",
                    "role": "staff",
                    "site_id": "H1",
                    "wave": "pre",
                    "item": item,
                    "rating": int(rng.integers(3, 6)),
                }
            )
    return pd.DataFrame(rows)


def test_no_rwg_for_fewer_than_three_staff_but_alpha_from_two() -> None:
    two = report.staff_agreement_by_site(_understanding(2), ["H1"], seed=1)["H1"]
    three = report.staff_agreement_by_site(_understanding(3), ["H1"], seed=1)["H1"]
    assert np.isnan(two.at["pre", "rwg_j"]) and not np.isnan(two.at["pre", "alpha"])
    assert not np.isnan(three.at["pre", "rwg_j"])


def test_each_agreement_statistic_is_read_by_its_own_bands(overview) -> None:
    from analyse.stats.agreement import interpret

    items = report.faelles_forstaaelse(overview)
    table = next(
        i for i in items if isinstance(i, report.Table) and i.name == "enighed_medarbejdere"
    )
    frame = table.frame
    assert {"r_wg(J): betydning", "Krippendorffs α: betydning"} <= set(frame.columns)
    assert "Fortolkning" not in frame.columns  # one interpretation beside all indices is gone
    for _, row in frame.iterrows():
        if row["Krippendorffs α"] not in ("–", "<5"):
            value = float(row["Krippendorffs α"].replace(",", "."))
            # the band of the rounded value shown (bands start at two-decimal cut-offs)
            assert row["Krippendorffs α: betydning"] == interpret("alpha", value)
    body = " ".join(_texts(items))
    assert "De kan være uenige" in body


def test_bar_chart_is_not_drawn_when_every_bar_is_hidden() -> None:
    hidden = pd.DataFrame({"pre": [pd.NA, pd.NA], "post": [pd.NA, 0]}, index=["ven", "frivillig"])
    assert report._nothing_to_draw(hidden)
    assert not report._nothing_to_draw(hidden.assign(post=[pd.NA, 7]))


def test_sections_speak_english_too(raw: Path) -> None:
    ctx = report.load(raw, lang="en")
    body = " ".join(_texts(main_results.hovedresultater(ctx) + main_results.sammenligning(ctx)))
    assert "scale 3–9, higher = lonelier" in body and "not randomised" in body
    assert "bedre" not in body and "usikkert" not in body


# ----------------------------------------------------------------- issue 24: the family


def test_every_report_is_one_holm_family_and_says_so(raw: Path) -> None:
    from analyse.stats.prepost import _padjust

    for site in (report.ALL, "H1"):
        ctx = report.load(raw, site=site)
        fam = main_results.family(ctx)
        members = fam[fam["in_family"]]
        expected = _padjust(members["p"].to_numpy(float), np.zeros(len(members), int), "holm")
        assert members["p_adjusted"].to_numpy() == pytest.approx(expected)
        clear = fam["conclusion"].isin(["better", "worse"])
        assert (fam.loc[clear, "p_adjusted"] < main_results.FAMILY_ALPHA).all()
        assert not (fam["conclusion"].isin(["better", "worse"]) & ~fam["in_family"]).any()
        body = " ".join(_texts(main_results.hovedresultater(ctx)))
        assert "(Holm 1979)" in body and "højst 5 %" in body


def test_a_clear_interval_that_holm_takes_back_is_uncertain_in_words(overview, monkeypatch) -> None:
    raw_changes = main_results._raw_changes(overview).copy()
    raw_changes["direction"] = "better"
    raw_changes["p"] = 0.04  # each clear alone, none after Holm over several
    raw_changes["n_sites"] = 5
    monkeypatch.setattr(main_results, "_raw_changes", lambda ctx: raw_changes)
    monkeypatch.setattr(
        main_results,
        "_comparison_raw",
        lambda ctx: pd.DataFrame(columns=["practice", "outcome", "direction", "p", "few_sites"]),
    )
    ctx = report.Context(overview.ds, report.ALL, cache={})
    ctx.cache.update(
        {k: v for k, v in overview.cache.items() if not k.startswith("main_results:family")}
    )
    fam = main_results.family(ctx)
    assert set(fam["conclusion"]) == {"uncertain_adjusted"}


def test_a_practice_at_fewer_than_three_sites_gets_no_bedre_or_vaerre(overview) -> None:
    frame = main_results.changes(overview)
    arms = main_results._arm_changes(overview)
    assert (frame["n_sites"] >= 0).all()
    few = frame[
        (frame["kind"] != "site") & (frame["n_sites"] < 3) & (frame["direction"] != "unknown")
    ]
    assert len(few) and (few["direction"] == "few_sites").all()
    sentence = " ".join(_texts(main_results.hovedresultater(overview)))
    assert "for få botilbud til at afgøre" in sentence and " botilbud, " in sentence
    assert arms  # sites and degrees of freedom of every practice's change


def test_comparison_table_shows_sites_and_residents_per_arm(overview) -> None:
    items = main_results.sammenligning(overview)
    table = next(i for i in items if isinstance(i, report.Table)).frame
    for col in (
        "Botilbud, praksis",
        "Botilbud, sammenligning",
        "Borgere, praksis",
        "Borgere, sammenligning",
    ):
        assert col in table.columns
    did = main_results.did_table(overview)
    assert (did.groupby("outcome")["df"].nunique() <= 1).all()  # sites minus arms, per outcome
    few = did["few_sites"].to_numpy(bool)
    conclusions = table["Konklusion"].to_numpy()
    assert all(c in ("for få botilbud til at afgøre", "kan ikke vises") for c in conclusions[few])


def test_a_primary_outcome_makes_the_others_exploratory(raw: Path) -> None:
    base = report.load(raw)
    ctx = report.Context(base.ds, report.ALL, cache=base.cache, primary_outcome="loneliness")
    fam = main_results.family(ctx)
    others = fam.xs("change", level="kind")
    others = others[others.index.get_level_values("outcome") != "loneliness"]
    assert not others["conclusion"].isin(["better", "worse"]).any()
    assert not others["in_family"].any()
    assert "Det primære mål er ensomhed" in main_results.family_sentence(ctx)


def test_each_outcome_means_one_thing_everywhere():
    """Which way is better, the range and the short label are written once, in the schema
    (issue 22): the main results, the figures and the exploration read the same meaning."""
    from analyse.data.schema import OUTCOMES
    from analyse.explore import afproevning as explore
    from analyse.render import figures
    from analyse.report import main_results

    assert main_results.BETTER == {o: m.better for o, m in OUTCOMES.items()}
    assert figures._BETTER_SIDE == main_results.BETTER
    assert explore._LOWER_IS_BETTER == {o for o, m in OUTCOMES.items() if m.better < 0}
    assert set(main_results.TRIAL_VALUES) <= set(OUTCOMES)
    for o, m in OUTCOMES.items():
        assert main_results.RANGES[o] == (m.low, m.high)
        assert main_results.SHORT_LABELS[o] == m.label and set(m.label) == {"da", "en"}
        assert m.high is None or m.low < m.high


# ----------------------------------------------------------------------------- one family


def _trial_sentences(items) -> list[str]:
    return [t for t in _texts(items) if "intervallet går fra" in t]


def test_detailed_sentences_carry_the_reports_conclusions(raw: Path) -> None:
    """Issue 24: the detailed before/after sentences are the Hovedresultater's statements, so
    they say what the report's family concluded, never a verdict of the interval alone; a
    primary outcome makes the others' sentences exploratory."""
    base = report.load(raw)
    ctx = report.Context(base.ds, report.ALL, cache=base.cache, primary_outcome="loneliness")
    fam = main_results.family(ctx).xs("change", level="kind")
    others = fam[fam.index.get_level_values("outcome") != "loneliness"]
    # The data must have something to take back: a clear interval of another outcome.
    assert others["raw"].isin(["better", "worse"]).any()
    conclusions = main_results.trial_conclusions(ctx)
    sentences = _trial_sentences(report.afproevning(ctx, conclusions=conclusions))
    assert sentences
    clear = sum(
        c in ("better", "worse") for by_outcome in conclusions.values() for c in by_outcome.values()
    )
    assert sum("næppe tilfældig" in s for s in sentences) <= clear
    for s in sentences:
        if s.startswith(("Ensomhed", "Loneliness")):
            assert "Udforskende" not in s
        else:
            assert "næppe tilfældig" not in s, s
            assert "Udforskende, ingen konklusion" in s or "For få botilbud" in s, s
    # Without the report's family the sentences give the interval and no conclusion.
    bare = _trial_sentences(report.afproevning(ctx))
    assert bare and not any("næppe tilfældig" in s or "usikker" in s for s in bare)


def test_site_report_sentences_say_what_its_main_results_say(raw: Path) -> None:
    """A site report's detailed table is its own change, the Hovedresultater's first group:
    the same conclusion in both places, after the report's Holm adjustment."""
    checked = 0
    for site in report.load(raw).ds.sites[:4]:
        ctx = report.load(raw, site=site)
        if ctx.too_small:
            continue
        fam = main_results.family(ctx)
        conclusions = main_results.trial_conclusions(ctx).get(report.ALL, {})
        for outcome, c in conclusions.items():
            key = ("change", ctx.t(f"Botilbud {site}", f"Site {site}"), outcome)
            assert fam.at[key, "conclusion"] == c
        for s in _trial_sentences(report.afproevning(ctx, conclusions={report.ALL: conclusions})):
            checked += 1
            if "næppe tilfældig" in s:
                assert "også efter justering" in s
    assert checked


def test_primary_outcome_is_checked(raw: Path) -> None:
    from analyse.errors import ConfigError

    with pytest.raises(ConfigError, match="primary_outcome must be one of loneliness"):
        report.load(raw, primary_outcome="happiness")
    assert report.load(raw, primary_outcome="satisfaction").primary_outcome == "satisfaction"
