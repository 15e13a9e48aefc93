"""Hovedresultater: what happened, said first, and each practice set against the comparison.

Three sections of the steering reports, built from tables that already passed the privacy
gate (:mod:`analyse.privacy`); this module computes no new mean:

- :func:`hovedresultater` opens every report: 3-5 plain Danish sentences and one figure,
  the change from before to after of each outcome with its 95 % confidence interval, for
  this site (when it can be shown), for its practice across all sites and for the
  comparison group, with the direction in words (*bedre*, *værre*, *usikkert*) and the
  scale stated. It reads the gated before/after tables of
  :func:`analyse.report.trial_family_table` (this site) and
  :func:`analyse.report.practice_family` (each practice's and the comparison group's
  table of all sites, the overview's ``TOTAL`` tables).
- :func:`udvikling` draws the same gated means before and after as a slope chart of
  aggregates (never single residents).
- :func:`sammenligning` (overview only) sets each practice against the comparison group:
  the difference in differences of :func:`analyse.prepost.model` (mixed model, site random
  effect) with its 95 % confidence interval, gated by the number of pairs it rests on
  (:func:`analyse.privacy.suppress`), beside the plain difference of the two gated mean
  changes, with Holm's adjustment for the number of comparisons.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
Journal of Statistics, 6(2), 65-70.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analyse import privacy, text
from analyse.report import (
    ALL,
    TRIAL_VALUES,
    Context,
    Figure,
    Heading,
    Item,
    Paragraph,
    Table,
    group_hidden,
    practice_family,
    trial_family_table,
    trial_long,
)
from analyse.schema import NO_PRACTICE

Direction = Literal["better", "worse", "uncertain", "unknown"]
#: The practice code of the comparison group (the data contract's code for "no practice").
COMPARISON = NO_PRACTICE
#: A site whose residents have no practice recorded.
UNKNOWN = ""

#: +1 where a higher value is better, -1 where lower is better (loneliness).
BETTER: dict[str, int] = {"loneliness": -1, "satisfaction": 1, "n_nonstaff": 1, "n_gives": 1}

#: Each outcome's scale in words (the range and which way is better).
SCALES: dict[str, dict[str, str]] = {
    "loneliness": {
        "da": "skala 3–9, højere = mere ensom",
        "en": "scale 3–9, higher = lonelier",
    },
    "satisfaction": {
        "da": "skala 1–5, højere = mere tilfreds",
        "en": "scale 1–5, higher = more satisfied",
    },
    "n_nonstaff": {
        "da": "antal pr. borger, flere er bedre",
        "en": "number per resident, more is better",
    },
    "n_gives": {
        "da": "antal pr. borger, flere er bedre",
        "en": "number per resident, more is better",
    },
}

#: The y range of each outcome in the slope chart: the whole scale (counts from 0), so a small
#: change looks small.
RANGES: dict[str, tuple[float, float | None]] = {
    "loneliness": (3.0, 9.0),
    "satisfaction": (1.0, 5.0),
    "n_nonstaff": (0.0, None),
    "n_gives": (0.0, None),
}

SHORT_LABELS: dict[str, dict[str, str]] = {
    "loneliness": {"da": "Ensomhed", "en": "Loneliness"},
    "satisfaction": {"da": "Tilfredshed med relationer", "en": "Satisfaction with relationships"},
    "n_nonstaff": {"da": "Relationer, som ikke er personale", "en": "Relationships not with staff"},
    "n_gives": {
        "da": "Relationer, hvor borgeren giver",
        "en": "Relationships where the resident gives",
    },
}

DIRECTION_WORDS: dict[str, dict[str, str]] = {
    "better": {"da": "bedre", "en": "better"},
    "worse": {"da": "værre", "en": "worse"},
    "uncertain": {"da": "usikkert", "en": "uncertain"},
    "unknown": {"da": "kan ikke vises", "en": "cannot be shown"},
}


def direction(outcome: str, mean_diff: object, ci_low: object, ci_high: object) -> Direction:
    """The change in words: *better* or *worse* only when the whole 95 % CI lies on one side.

    Parameters
    ----------
    outcome
        A key of :data:`BETTER` (which way is better).
    mean_diff, ci_low, ci_high
        The change (after minus before) and its interval; missing values allowed.

    Returns
    -------
    str
        ``"unknown"`` when the change is missing; ``"uncertain"`` when the interval is missing
        (too few pairs) or holds 0; otherwise ``"better"`` or ``"worse"``.

    Examples
    --------
    >>> direction("loneliness", -1.0, -1.6, -0.4), direction("satisfaction", 0.3, -0.1, 0.7)
    ('better', 'uncertain')
    >>> direction("satisfaction", -0.8, -1.2, -0.4), direction("n_gives", None, None, None)
    ('worse', 'unknown')
    """
    if _missing(mean_diff):
        return "unknown"
    if _missing(ci_low) or _missing(ci_high):
        return "uncertain"
    low, high = float(ci_low), float(ci_high)  # type: ignore[arg-type]
    if low <= 0.0 <= high:
        return "uncertain"
    up = low > 0.0
    return "better" if up == (BETTER[outcome] > 0) else "worse"


def _missing(v: object) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# ----------------------------------------------------------------------------- the changes


@dataclass(frozen=True)
class Group:
    """One group whose changes the Hovedresultater show."""

    key: str
    label: str
    kind: Literal["site", "practice", "comparison"]


def _practice_of_site(ctx: Context) -> str:
    res = ctx.ds.residents
    codes = res.loc[res["site_id"].astype(str) == str(ctx.site), "practice"]
    mode = codes.dropna().astype(str).mode()
    return str(mode.iloc[0]) if len(mode) else UNKNOWN


def _practice_name(ctx: Context, code: str) -> str:
    names = (
        ctx.ds.practices.set_index("practice")["name_da"].to_dict() if len(ctx.ds.practices) else {}
    )
    if code == COMPARISON:
        return ctx.t("Sammenligningsgruppen", "Comparison group")
    name = names.get(code)
    return f"{code} {name}" if isinstance(name, str) and name else code


def _practice_codes(ctx: Context) -> list[str]:
    """Every practice tried in the run (all sites), the comparison group last."""

    def compute() -> list[str]:
        codes = ctx.ds.residents["practice"].dropna().astype(str).unique()
        return sorted(codes, key=lambda c: (c == COMPARISON, c))

    return ctx.cached("main_results:practices", compute)


def practice_totals(ctx: Context) -> dict[str, privacy.SuppressedTable]:
    """Each practice's and the comparison group's gated table of all sites (cached per run).

    The ``TOTAL`` table of :func:`analyse.report.practice_family`: the overview publishes the
    same table, so a site report may show it too. Computed once, while the overview is built,
    and kept with the run's common results.
    """

    def compute() -> dict[str, privacy.SuppressedTable]:
        long = trial_long(ctx)
        overview = Context(
            ctx.ds, ALL, ctx.audience, ctx.lang, ctx.min_cell, ctx.seed, {}, ctx.cache
        )
        return {c: practice_family(overview, long, c) for c in _practice_codes(ctx)}

    if not {"pre", "post"} <= set(ctx.waves):
        return {}
    return ctx.cached("main_results:practice_totals", compute)


def _groups(ctx: Context) -> list[Group]:
    codes = _practice_codes(ctx)
    if ctx.overview:
        kinds = {c: "comparison" if c == COMPARISON else "practice" for c in codes}
        return [Group(c, _practice_name(ctx, c), kinds[c]) for c in codes]  # type: ignore[arg-type]
    own = _practice_of_site(ctx)
    site_label = ctx.t(f"Botilbud {ctx.site}", f"Site {ctx.site}")
    groups = [Group(ALL, site_label, "site")]
    if own not in (COMPARISON, UNKNOWN):
        groups.append(
            Group(
                own,
                ctx.t(
                    f"{_practice_name(ctx, own)}, alle botilbud",
                    f"{_practice_name(ctx, own)}, all sites",
                ),
                "practice",
            )
        )
    if COMPARISON in codes:
        groups.append(Group(COMPARISON, _practice_name(ctx, COMPARISON), "comparison"))
    return groups


def changes(ctx: Context) -> pd.DataFrame:
    """The gated changes the Hovedresultater show, one row per group and outcome.

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (label), ``kind`` (``site``, ``practice``, ``comparison``),
        ``outcome``, ``n``, ``mean_pre``, ``mean_post``, ``mean_diff``, ``ci_low``,
        ``ci_high`` (NaN where the gate hides the cell or it was not computed) and
        ``direction`` (:func:`direction`). Every number is a cell of a gated table.
    """
    totals = practice_totals(ctx)
    rows = []
    for g in _groups(ctx):
        if g.kind == "site":
            if ctx.too_small:
                continue
            st = trial_family_table(ctx, trial_long(ctx))
        else:
            st = totals.get(g.key)
            if st is None:
                continue
        for outcome in TRIAL_VALUES:
            rows.append(
                {"group": g.label, "kind": g.kind, "outcome": outcome, **_gated_row(st, outcome)}
            )
    frame = pd.DataFrame(
        rows,
        columns=[
            "group",
            "kind",
            "outcome",
            "n",
            "mean_pre",
            "mean_post",
            "mean_diff",
            "ci_low",
            "ci_high",
        ],
    )
    frame["direction"] = [
        direction(o, d, lo, hi)
        for o, d, lo, hi in zip(
            frame["outcome"], frame["mean_diff"], frame["ci_low"], frame["ci_high"], strict=True
        )
    ]
    return frame


def _gated_row(st: privacy.SuppressedTable, outcome: str) -> dict[str, float]:
    """The published cells of one row of a gated table (hidden or missing cells as NaN)."""
    out = {}
    for col in ("n", "mean_pre", "mean_post", "mean_diff", "ci_low", "ci_high"):
        if outcome not in st.values.index or col not in st.values.columns:
            out[col] = np.nan
            continue
        v = st.values.at[outcome, col]
        hidden = bool(st.mask.at[outcome, col])
        out[col] = np.nan if hidden or _missing(v) else float(v)
    return out


# ----------------------------------------------------------------------------- sentences


def _change_phrase(ctx: Context, row: pd.Series) -> str:
    word = DIRECTION_WORDS[row["direction"]][ctx.lang]
    who = ctx.t("her", "here") if row["kind"] == "site" else _lower_first(str(row["group"]))
    if row["direction"] == "unknown":
        return f"{who}: {word}"
    diff = text.fmt_number(row["mean_diff"], 1, ctx.lang)
    if not diff.startswith(("-", "−")) and float(row["mean_diff"]) > 0:
        diff = "+" + diff
    return f"{who} {diff} ({word})"


def _lower_first(label: str) -> str:
    """``Sammenligningsgruppen`` -> ``sammenligningsgruppen`` (a code such as ``P1`` stays)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _outcome_sentence(ctx: Context, outcome: str, rows: pd.DataFrame) -> str:
    label = SHORT_LABELS[outcome][ctx.lang]
    scale = SCALES[outcome][ctx.lang]
    parts = [_change_phrase(ctx, r) for _, r in rows.iterrows()]
    return f"{label} ({scale}): " + "; ".join(parts) + "."


def _intro(ctx: Context, groups: list[Group]) -> str:
    if ctx.overview:
        n_practices = sum(g.kind == "practice" for g in groups)
        return ctx.t(
            f"Afprøvningen omfatter {text.count_phrase(n_practices, 'practice', ctx.lang)} og en "
            "sammenligningsgruppe uden ny praksis. Her er ændringen fra før til efter for hvert mål, "
            "i gennemsnit pr. borger, målt begge gange:",
            f"The trial covers {text.count_phrase(n_practices, 'practice', ctx.lang)} and a comparison "
            "group without a new practice. Here is the change from before to after for each measure, "
            "as a mean per resident assessed both times:",
        )
    own = _practice_of_site(ctx)
    if own == UNKNOWN:
        first = ctx.t(
            f"For botilbud {ctx.site} er der ikke angivet en praksis.",
            f"No practice is recorded for site {ctx.site}.",
        )
    elif own == COMPARISON:
        first = ctx.t(
            f"Botilbud {ctx.site} er med i sammenligningsgruppen: her er der ikke afprøvet en ny praksis.",
            f"Site {ctx.site} is in the comparison group: no new practice was tried here.",
        )
    else:
        first = ctx.t(
            f"Botilbud {ctx.site} har afprøvet praksis {_practice_name(ctx, own)}.",
            f"Site {ctx.site} tried practice {_practice_name(ctx, own)}.",
        )
    if ctx.too_small:
        first += " " + ctx.t(
            f"Botilbuddet har for få borgere til at vise egne tal; her er {_others(ctx)} i alle botilbud:",
            f"The site has too few residents to show its own numbers; here are {_others(ctx)} in all sites:",
        )
    else:
        first += " " + ctx.t(
            "Ændringen fra før til efter, i gennemsnit pr. borger målt begge gange:",
            "The change from before to after, as a mean per resident assessed both times:",
        )
    return first


def _others(ctx: Context) -> str:
    if _practice_of_site(ctx) in (COMPARISON, UNKNOWN):
        return ctx.t("sammenligningsgruppens resultat", "the result of the comparison group")
    return ctx.t(
        "praksissens og sammenligningsgruppens resultat",
        "the results of its practice and of the comparison group",
    )


def _intro_hidden_site(ctx: Context) -> str:
    first = _intro(ctx, []).split(". ")[0].rstrip(".") + "."
    return (
        first
        + " "
        + ctx.t(
            "Botilbuddets egne ændringer kan ikke vises, så ingen kan genkendes (for få borgere, eller "
            f"tallene kunne regnes ud fra andre tal); her er {_others(ctx)} i alle botilbud:",
            "The site's own changes cannot be shown, so that no one can be recognised (too few "
            f"residents, or the numbers could be worked out from others); here are {_others(ctx)} in "
            "all sites:",
        )
    )


def _how_to_read(ctx: Context) -> str:
    return ctx.t(
        "Bedre eller værre betyder, at hele 95 %-konfidensintervallet ligger på samme side af 0; "
        "usikkert betyder, at ændringen kan være tilfældig (intervallet rummer 0, eller der er for "
        "få borgere til at beregne det). Ændringerne alene viser ikke, at praksissen er årsagen.",
        "Better or worse means that the whole 95% confidence interval lies on one side of 0; "
        "uncertain means that the change may be chance (the interval holds 0, or there are too "
        "few residents to compute it). The changes alone do not show that the practice caused them.",
    )


def hovedresultater(ctx: Context) -> list[Item]:
    """The opening section: 3-5 sentences and one figure (see the module notes)."""
    from analyse.figures import change_dots

    items: list[Item] = [Heading(ctx.t("Hovedresultater", "Main results"))]
    if not {"pre", "post"} <= set(ctx.waves):
        return items + [
            Paragraph(
                ctx.t(
                    "Der er endnu ikke målt efter afprøvningen, så der er ingen resultater endnu.",
                    "There is no measurement after the trial yet, so there are no results yet.",
                )
            )
        ]
    frame = changes(ctx)
    groups = _groups(ctx)
    intro = _intro(ctx, groups)
    site_rows = frame["kind"] == "site"
    if site_rows.any() and (frame.loc[site_rows, "direction"] == "unknown").all():
        # Nothing of the site's own can be shown: say it once, not once per measure.
        frame = frame[~site_rows]
        intro = _intro_hidden_site(ctx)
    items.append(Paragraph(intro))
    if frame.empty:
        return items
    for outcome in TRIAL_VALUES:
        rows = frame[frame["outcome"] == outcome]
        if len(rows):
            items.append(Paragraph("• " + _outcome_sentence(ctx, outcome, rows)))
    items.append(Paragraph(_how_to_read(ctx), "note"))
    fig = change_dots(frame, labels=_outcome_titles(ctx), lang=ctx.lang)
    if fig is None:
        items.append(Paragraph(_nothing_to_draw(ctx)))
    else:
        items.append(
            Figure(
                fig,
                ctx.t(
                    "Ændring fra før til efter med 95 %-konfidensinterval",
                    "Change from before to after with 95% CI",
                ),
            )
        )
    return items


def _outcome_titles(ctx: Context) -> dict[str, str]:
    return {o: f"{SHORT_LABELS[o][ctx.lang]}\n({SCALES[o][ctx.lang]})" for o in TRIAL_VALUES}


def _nothing_to_draw(ctx: Context) -> str:
    return ctx.t(
        "Der er ingen figur, fordi alle tal i den er skjult (for få borgere).",
        "There is no figure, because every number in it is hidden (too few residents).",
    )


# ----------------------------------------------------------------------------- udvikling


def udvikling(ctx: Context) -> list[Item]:
    """Means before and after for the groups of :func:`hovedresultater`: a slope chart."""
    from analyse.figures import before_after_means

    if not {"pre", "post"} <= set(ctx.waves):
        return []
    items: list[Item] = [Heading(ctx.t("Gennemsnit før og efter", "Means before and after"), 3)]
    frame = changes(ctx)
    fig = None
    if not frame.empty:
        fig = before_after_means(frame, labels=_outcome_titles(ctx), ranges=RANGES, lang=ctx.lang)
    if fig is None:
        return items + [Paragraph(_nothing_to_draw(ctx))]
    items.append(
        Paragraph(
            ctx.t(
                "Gennemsnittet før og efter for borgere, der er målt begge gange; hver linje er en "
                "gruppe af borgere, aldrig en enkelt borger. Et mål, der er skjult, er ikke tegnet.",
                "The mean before and after for residents assessed both times; each line is a group "
                "of residents, never a single resident. A hidden measure is not drawn.",
            ),
            "note",
        )
    )
    items.append(Figure(fig, ctx.t("Gennemsnit før og efter", "Means before and after")))
    return items


# ----------------------------------------------------------------------------- comparison

COMPARISON_STATS = ("estimate", "ci_low", "ci_high", "p_holm")


def did_table(ctx: Context) -> pd.DataFrame:
    """Each practice minus the comparison group, per outcome: :func:`analyse.prepost.model`.

    Returns
    -------
    pandas.DataFrame
        One row per practice and outcome: ``practice``, ``outcome``, ``estimate``,
        ``ci_low``, ``ci_high``, ``p``, ``p_holm`` (Holm over every comparison the table
        makes), ``n_pairs``, ``n_pairs_comparison``, ``random_effects``, ``reason``.
        Ungated: :func:`comparison_gated` is what a report shows.
    """
    from analyse.prepost import _padjust, model

    def compute() -> pd.DataFrame:
        long = trial_long(ctx)
        parts = []
        for outcome in TRIAL_VALUES:
            m = model(long, outcome, comparison=COMPARISON, min_cell=ctx.min_cell)
            m["outcome"] = outcome
            parts.append(m)
        table = pd.concat(parts, ignore_index=True)
        table["p_holm"] = _padjust(
            table["p"].to_numpy(dtype=float), np.zeros(len(table), dtype=np.int64), "holm"
        )
        return table[
            [
                "practice",
                "outcome",
                "estimate",
                "ci_low",
                "ci_high",
                "p",
                "p_holm",
                "n_pairs",
                "n_pairs_comparison",
                "random_effects",
                "reason",
            ]
        ]

    return ctx.cached("main_results:did", compute)


def comparison_gated(ctx: Context) -> tuple[privacy.SuppressedTable, pd.DataFrame]:
    """The model's differences through the gate, and the plain differences of gated changes.

    Returns
    -------
    (SuppressedTable, DataFrame)
        The gated model table (index ``practice|outcome``; ``n`` = pairs of the practice,
        statistics :data:`COMPARISON_STATS`), and a frame with the same index holding
        ``plain_diff``: the practice's gated mean change minus the comparison group's gated
        mean change (NaN when either is hidden), and ``n_comparison`` (the comparison
        group's gated number of pairs).
    """
    did = did_table(ctx)
    totals = practice_totals(ctx)
    base = totals.get(COMPARISON)
    index = [f"{p}|{o}" for p, o in zip(did["practice"], did["outcome"], strict=True)]
    table = pd.DataFrame(
        {
            "n": did["n_pairs"].astype(int).to_numpy(),
            **{c: did[c].astype(float).to_numpy() for c in COMPARISON_STATS},
        },
        index=pd.Index(index, name="comparison"),
    )
    # A model estimate is a safe statistic (ACRO/SACRO: residual degrees of freedom >= 10):
    # it is not hidden because a mean or a count elsewhere is (issue 23). Its row is hidden
    # when the model rests on too few pairs; the practice's number of pairs where the run's
    # count structure hides it.
    n_all = (
        did["n_pairs"].astype(float).to_numpy() + did["n_pairs_comparison"].astype(float).to_numpy()
    )
    few_df = ~(n_all - 2 >= privacy.MIN_RESIDUAL_DF)
    hide_n = [
        group_hidden(ctx, ("trial", ("practice", str(p)), str(o)))
        for p, o in zip(did["practice"], did["outcome"], strict=True)
    ]
    force = pd.DataFrame({c: few_df for c in COMPARISON_STATS}, index=table.index)
    force["n"] = np.asarray(hide_n, dtype=bool) | few_df
    st = privacy.suppress(
        table,
        n_col="n",
        stat_cols=list(COMPARISON_STATS),
        margins="none",
        min_cell=ctx.min_cell,
        force=force,
        stats_follow_n=False,
    )
    plain, n_comp = [], []
    for p, o in zip(did["practice"], did["outcome"], strict=True):
        own = _gated_row(totals[p], o) if p in totals else {"mean_diff": np.nan}
        ref = _gated_row(base, o) if base is not None else {"mean_diff": np.nan, "n": np.nan}
        plain.append(own["mean_diff"] - ref["mean_diff"])
        n_comp.append(ref["n"])
    extra = pd.DataFrame({"plain_diff": plain, "n_comparison": n_comp}, index=table.index)
    return st, extra


def sammenligning(ctx: Context) -> list[Item]:
    """Overview: each practice against the comparison group, a table and a forest plot."""
    from analyse.figures import forest_plot

    if not ctx.overview or ctx.too_small or not {"pre", "post"} <= set(ctx.waves):
        return []
    items: list[Item] = [
        Heading(ctx.t("Praksis mod sammenligningsgruppe", "Practice against comparison group"))
    ]
    codes = [c for c in _practice_codes(ctx) if c != COMPARISON]
    if COMPARISON not in _practice_codes(ctx) or not codes:
        return items + [
            Paragraph(
                ctx.t(
                    "Sammenligningen kræver både mindst én praksis og en sammenligningsgruppe.",
                    "The comparison needs at least one practice and a comparison group.",
                )
            )
        ]
    st, extra = comparison_gated(ctx)
    did = did_table(ctx)
    n_tests = int(did["p"].notna().sum())
    items.append(Paragraph(_comparison_intro(ctx)))
    items.append(Paragraph(_comparison_caveat(ctx, n_tests, did), "note"))
    frame = _comparison_frame(ctx, st, extra)
    fig = forest_plot(frame, labels=_outcome_titles(ctx), lang=ctx.lang)
    if fig is None:
        items.append(Paragraph(_nothing_to_draw(ctx)))
    else:
        items.append(
            Figure(
                fig, ctx.t("Praksis minus sammenligningsgruppe", "Practice minus comparison group")
            )
        )
    items.append(
        Table(
            _comparison_display(ctx, st, extra, frame),
            "praksis_mod_sammenligning",
            ctx.t(
                "Ændring i praksis minus ændring i sammenligningsgruppen",
                "Change in the practice minus change in the comparison group",
            ),
            note=_comparison_note(ctx, st),
        )
    )
    return items


def _comparison_intro(ctx: Context) -> str:
    return ctx.t(
        "Processen afprøver praksisser for at vælge, hvilke der skal forankres. Her er hver praksis' "
        "ændring fra før til efter trukket fra med sammenligningsgruppens ændring: et tal under 0 for "
        "ensomhed og over 0 for de øvrige mål taler for praksissen.",
        "The process tries practices to decide which to anchor. Here each practice's change from "
        "before to after has the comparison group's change subtracted: a number below 0 for "
        "loneliness and above 0 for the other measures speaks for the practice.",
    )


def _comparison_caveat(ctx: Context, n_tests: int, did: pd.DataFrame) -> str:
    site_effect = bool(did["random_effects"].astype(str).str.contains("site").any())
    model_words = ctx.t(
        "Intervallet kommer fra en blandet model"
        + (
            " med botilbud som tilfældig effekt"
            if site_effect
            else " (for få botilbud til en botilbudseffekt)"
        )
        + "; den simple forskel i gennemsnitlige ændringer står ved siden af.",
        "The interval comes from a mixed model"
        + (" with site as a random effect" if site_effect else " (too few sites for a site effect)")
        + "; the plain difference in mean changes is shown beside it.",
    )
    return (
        model_words
        + " "
        + ctx.t(
            "Det kan vise, om en praksis har ændret sig mere end sammenligningsgruppen; det kan ikke vise, "
            "at praksissen er årsagen, for botilbuddene er ikke lodtrukket, og grupperne er små. "
            f"Tabellen laver {n_tests} sammenligninger; med så mange vil nogle se tydelige ud ved et "
            "tilfælde. Konklusionen er derfor justeret for antallet (Holm 1979): bedre eller værre står "
            "kun, hvor forskellen er tydelig også efter justeringen.",
            "It can show whether a practice changed more than the comparison group; it cannot show that "
            "the practice caused it, because the sites were not randomised and the groups are small. "
            f"The table makes {n_tests} comparisons; with so many, some will look clear by chance, so "
            "the conclusion is adjusted for their number (Holm 1979): better or worse is stated only "
            "where the difference stays clear after the adjustment.",
        )
    )


def _comparison_frame(
    ctx: Context, st: privacy.SuppressedTable, extra: pd.DataFrame
) -> pd.DataFrame:
    """Long frame for the forest plot and the table: published values only (NaN = hidden)."""
    rows = []
    for key in st.values.index:
        practice, outcome = key.split("|", 1)
        cell = {
            c: (
                np.nan
                if st.mask.at[key, c] or _missing(st.values.at[key, c])
                else float(st.values.at[key, c])
            )
            for c in ("n", *COMPARISON_STATS)
        }
        est_dir = direction(outcome, cell["estimate"], cell["ci_low"], cell["ci_high"])
        rows.append(
            {
                "practice": practice,
                "group": _practice_name(ctx, practice),
                "outcome": outcome,
                **cell,
                "plain_diff": float(extra.at[key, "plain_diff"]),
                "n_comparison": extra.at[key, "n_comparison"],
                "direction": est_dir,
                "clear_after_holm": (not np.isnan(cell["p_holm"])) and cell["p_holm"] < 0.05,
            }
        )
    return pd.DataFrame(rows)


def _comparison_display(
    ctx: Context, st: privacy.SuppressedTable, extra: pd.DataFrame, frame: pd.DataFrame
) -> pd.DataFrame:
    shown = st.display(ctx.lang, decimals={"estimate": 1, "ci_low": 1, "ci_high": 1, "p_holm": 3})
    return pd.DataFrame(
        {
            ctx.t("Mål", "Measure"): [SHORT_LABELS[o][ctx.lang] for o in frame["outcome"]],
            ctx.t("Praksis", "Practice"): frame["group"].to_numpy(),
            ctx.t("Forskel i ændring (model)", "Difference in change (model)"): shown[
                "estimate"
            ].to_numpy(),
            text.label("ci_low", ctx.lang): shown["ci_low"].to_numpy(),
            text.label("ci_high", ctx.lang): shown["ci_high"].to_numpy(),
            ctx.t("Konklusion", "Conclusion"): [
                _conclusion(ctx, d, c)
                for d, c in zip(frame["direction"], frame["clear_after_holm"], strict=True)
            ],
            ctx.t("Simpel forskel", "Plain difference"): [
                text.fmt_number(v, 1, ctx.lang) for v in frame["plain_diff"]
            ],
            ctx.t("Borgere, praksis", "Residents, practice"): shown["n"].to_numpy(),
            ctx.t("Borgere, sammenligning", "Residents, comparison"): [
                text.fmt_int(v, ctx.lang) if not _missing(v) else text.MISSING
                for v in frame["n_comparison"]
            ],
        }
    )


def _conclusion(ctx: Context, direction_: str, clear_after_holm: bool) -> str:
    """The direction by the 95 % CI, downgraded to uncertain when Holm's adjustment says so."""
    if direction_ in ("better", "worse") and not clear_after_holm:
        return ctx.t("usikkert efter Holm-justering", "uncertain after Holm adjustment")
    return DIRECTION_WORDS[direction_][ctx.lang]


def _comparison_note(ctx: Context, st: privacy.SuppressedTable) -> str:
    from analyse.prepost import DEFAULT_MIN_PAIRS

    m = DEFAULT_MIN_PAIRS
    note = ctx.t(
        f"{text.MISSING} betyder, at tallet ikke kan beregnes: en gruppe har færre end {m} borgere "
        "målt begge gange, eller modellen kunne ikke tilpasses.",
        f"{text.MISSING} means that the number cannot be computed: a group has fewer than {m} "
        "residents assessed both times, or the model could not be fitted.",
    )
    suppressed_note = st.note(ctx.lang)  # None when no hidden cell shows a marker
    if suppressed_note:
        note = suppressed_note + " " + note
    return note
