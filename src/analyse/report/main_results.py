"""Hovedresultater: what happened, said first, and each practice set against the comparison.

Three sections of the steering reports, built from tables that already passed the privacy
gate (:mod:`analyse.privacy.gate`); this module computes no new mean:

- :func:`hovedresultater` opens every report: 3-5 plain Danish sentences and one figure,
  the change from before to after of each outcome with its 95 % confidence interval, for
  this site (when it can be shown), for its practice across all sites and for the
  comparison group, with the direction in words (*bedre*, *værre*, *usikkert*) and the
  scale stated. It reads the gated before/after tables of
  :func:`analyse.report.sections.trial_family_table` (this site) and
  :func:`analyse.report.sections.practice_family` (each practice's and the comparison group's
  table of all sites, the overview's ``TOTAL`` tables).
- :func:`udvikling` draws the same gated means before and after as a slope chart of
  aggregates (never single residents).
- :func:`sammenligning` (overview only) sets each practice against the comparison group:
  the difference in differences of :func:`analyse.stats.prepost.cluster_trial` (site-level
  analysis, *t* on sites minus arms degrees of freedom) with its 95 % confidence interval,
  gated by the number of pairs it rests on (:func:`analyse.privacy.gate.suppress`), beside the
  plain difference of the two gated mean changes and the sites and residents per arm.
- :func:`family`: every *bedre*/*værre* a report prints is one family, adjusted by Holm
  (or a primary outcome with the others exploratory), so that the chance of any false
  conclusion in a report is at most 5 %.

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
Journal of Statistics, 6(2), 65-70.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from analyse.data.schema import NO_PRACTICE, OUTCOMES
from analyse.privacy import gate as privacy
from analyse.report.sections import (
    ALL,
    TRIAL_VALUES,
    Context,
    Figure,
    Heading,
    Item,
    Paragraph,
    Table,
    check_primary_outcome,
    group_hidden,
    practice_family,
    trial_family_table,
    trial_long,
)
from analyse.words import text

Direction = Literal["better", "worse", "uncertain", "unknown"]
#: The practice code of the comparison group (the data contract's code for "no practice").
COMPARISON = NO_PRACTICE
#: A site whose residents have no practice recorded.
UNKNOWN = ""

#: Views of :data:`analyse.data.schema.OUTCOMES` (each outcome's meaning is written there once):
#: +1 where higher is better, the scale in words, the chart's range, the short label.
BETTER: dict[str, int] = {o: m.better for o, m in OUTCOMES.items()}
SCALES: dict[str, dict[str, str]] = {o: m.scale for o, m in OUTCOMES.items()}
RANGES: dict[str, tuple[float, float | None]] = {o: (m.low, m.high) for o, m in OUTCOMES.items()}
SHORT_LABELS: dict[str, dict[str, str]] = {o: m.label for o, m in OUTCOMES.items()}

DIRECTION_WORDS: dict[str, dict[str, str]] = {
    "better": {"da": "bedre", "en": "better"},
    "worse": {"da": "værre", "en": "worse"},
    "uncertain": {"da": "usikkert", "en": "uncertain"},
    "unknown": {"da": "kan ikke vises", "en": "cannot be shown"},
    "few_sites": {"da": "for få botilbud til at afgøre", "en": "too few sites to tell"},
    "exploratory": {"da": "udforskende, ingen konklusion", "en": "exploratory, no conclusion"},
    "uncertain_adjusted": {
        "da": "usikkert efter justering for antallet af udsagn",
        "en": "uncertain after adjusting for the number of statements",
    },
}

#: How a report controls chance over its *bedre/værre* statements (a report parameter,
#: :attr:`analyse.report.sections.Context.primary_outcome`): ``None`` (the default) makes every
#: statement of the report one family, adjusted by Holm (1979), so that the chance of at
#: least one false *bedre* or *værre* in the report is at most :data:`FAMILY_ALPHA`; an
#: outcome of :data:`BETTER` makes that outcome primary (its statements one Holm family)
#: and the others exploratory, without a conclusion.
FAMILY_ALPHA = 0.05


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

    The ``TOTAL`` table of :func:`analyse.report.sections.practice_family`: the overview publishes the
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
        ``ci_high`` (NaN where the gate hides the cell or it was not computed),
        ``n_sites`` (sites with complete pairs behind the row), ``p`` (from the published
        interval) and ``direction``: :func:`direction`, then ``"few_sites"`` for a practice
        or comparison group tried at fewer than
        :data:`analyse.stats.prepost.DEFAULT_MIN_SITES_PER_ARM` sites, ``"exploratory"`` for an
        outcome that is not the report's primary one, and ``"uncertain_adjusted"`` where
        the report's family adjustment (:func:`family`) takes a *bedre*/*værre* back.
        Every number is a cell of a gated table.
    """
    frame = _raw_changes(ctx)
    fam = family(ctx)
    keys = [("change", g, o) for g, o in zip(frame["group"], frame["outcome"], strict=True)]
    frame["direction"] = [fam.at[k, "conclusion"] if k in fam.index else "unknown" for k in keys]
    return frame


def _raw_changes(ctx: Context) -> pd.DataFrame:
    """:func:`changes` before the family adjustment (``direction`` from the interval alone)."""
    from analyse.stats.prepost import DEFAULT_MIN_PAIRS

    totals = practice_totals(ctx)
    arms = _arm_changes(ctx)
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
            cells = _gated_row(st, outcome)
            if g.kind == "site":
                n_sites = 1
                n = cells["n"]
                df = (n - 1) if not _missing(n) else DEFAULT_MIN_PAIRS - 1
            else:
                arm = arms.get((g.key, outcome), {})
                n_sites = int(arm.get("n_sites", 0))
                df = arm.get("df", np.nan)
            rows.append(
                {
                    "group": g.label,
                    "kind": g.kind,
                    "outcome": outcome,
                    **cells,
                    "n_sites": n_sites,
                    "p": _p_from_interval(
                        cells["mean_diff"], cells["ci_low"], cells["ci_high"], df
                    ),
                }
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
            "n_sites",
            "p",
        ],
    )
    frame["direction"] = [
        direction(o, d, lo, hi)
        for o, d, lo, hi in zip(
            frame["outcome"], frame["mean_diff"], frame["ci_low"], frame["ci_high"], strict=True
        )
    ]
    return frame


def _arm_changes(ctx: Context) -> dict[tuple[str, str], dict[str, float]]:
    """Sites and degrees of freedom of each practice's all-sites change (cached per run)."""
    from analyse.stats.prepost import cluster_change

    def compute() -> dict[tuple[str, str], dict[str, float]]:
        long = trial_long(ctx)
        out = {}
        for outcome in TRIAL_VALUES:
            for _, r in cluster_change(long, outcome).iterrows():
                out[(str(r["practice"]), outcome)] = {"n_sites": r["n_sites"], "df": r["df"]}
        return out

    return ctx.cached("main_results:arm_changes", compute)


def _p_from_interval(diff: object, low: object, high: object, df: object) -> float:
    """Two-sided p of a published symmetric *t* interval (NaN when anything is missing).

    ``p < 0.05`` exactly when the 95 % interval excludes 0, whatever ``df``: the family
    adjustment works on the same published numbers the reader sees.
    """
    from scipy import stats

    if any(_missing(v) for v in (diff, low, high, df)):
        return np.nan
    d, lo, hi, dof = float(diff), float(low), float(high), float(df)  # type: ignore[arg-type]
    if not (dof > 0 and hi > lo):
        return np.nan
    se = (hi - lo) / (2 * float(stats.t.ppf(0.975, dof)))
    return float(2 * stats.t.sf(abs(d) / se, dof))


class Conclusions(NamedTuple):
    """What :func:`conclude` decides for each statement of a family."""

    in_family: np.ndarray
    p_adjusted: np.ndarray
    conclusion: np.ndarray


def conclude(
    raw: np.ndarray,
    p: np.ndarray,
    few_sites: np.ndarray,
    exploratory: np.ndarray,
    *,
    alpha: float = FAMILY_ALPHA,
) -> Conclusions:
    """The words of one report's statements: Holm (1979) over the report's family.

    The rule every *bedre*/*værre* of a report passes (:func:`family` applies it to the
    report's published statements; the simulation in ``benchmarks/sim_trials.py`` applies it
    to simulated reports, so what it counts is what a report prints).

    Parameters
    ----------
    raw
        Each statement's direction from its published interval alone (:func:`direction`):
        ``"better"``, ``"worse"``, ``"uncertain"`` or ``"unknown"``.
    p
        Each statement's two-sided p (NaN when its interval is not published).
    few_sites
        Statements about a practice or the comparison group resting on fewer than
        :data:`analyse.stats.prepost.DEFAULT_MIN_SITES_PER_ARM` sites: never a conclusion.
    exploratory
        Statements of an outcome that is not the report's primary one: never a conclusion.
    alpha
        The family-wise error rate.

    Returns
    -------
    Conclusions
        ``in_family`` (the statement is one of the family Holm adjusts over), ``p_adjusted``
        (Holm within the family, NaN outside it) and ``conclusion``: ``raw``, except
        ``"uncertain_adjusted"`` for a *better*/*worse* whose adjusted p is not below
        ``alpha``, ``"exploratory"`` and ``"few_sites"`` as above.

    Examples
    --------
    Two clear statements of three, p .01 and .04: Holm keeps the first (.03) and takes the
    second back (.08).

    >>> c = conclude(np.array(["better", "worse", "uncertain"], dtype=object),
    ...              np.array([0.01, 0.04, 0.5]), np.zeros(3, bool), np.zeros(3, bool))
    >>> c.conclusion.tolist(), c.p_adjusted.round(2).tolist()
    (['better', 'uncertain_adjusted', 'uncertain'], [0.03, 0.08, 0.5])
    """
    from analyse.stats.prepost import _padjust

    raw = np.asarray(raw, dtype=object)
    p = np.asarray(p, dtype=float)
    few_sites = np.asarray(few_sites, dtype=bool)
    exploratory = np.asarray(exploratory, dtype=bool)
    decided = np.isin(raw, ["better", "worse", "uncertain"])
    members = decided & ~few_sites & ~exploratory & ~np.isnan(p)
    adjusted = np.full(len(raw), np.nan)
    if members.any():
        adjusted[members] = _padjust(p[members], np.zeros(int(members.sum()), np.int64), "holm")
    conclusion = raw.copy()
    clear = np.isin(raw, ["better", "worse"])
    conclusion[clear & ~(adjusted < alpha)] = "uncertain_adjusted"
    conclusion[decided & exploratory] = "exploratory"
    conclusion[(raw != "unknown") & few_sites] = "few_sites"
    return Conclusions(members, adjusted, conclusion)


def family(ctx: Context) -> pd.DataFrame:
    """Every *bedre*/*værre* statement the report can print, and its conclusion.

    The family is the report: the Hovedresultater's changes (this site, its practice in
    all sites, the comparison group; in the overview every practice and the comparison
    group) and, in the overview, each practice against the comparison group. A statement
    enters the family when its interval is published and it is eligible: a practice's or
    comparison group's change needs :data:`analyse.stats.prepost.DEFAULT_MIN_SITES_PER_ARM`
    sites (else ``"few_sites"``), and with a primary outcome only that outcome's
    statements are eligible (the others ``"exploratory"``). Holm's step-down (1979) over
    the family keeps the chance of any false *bedre*/*værre* in the report at most
    :data:`FAMILY_ALPHA`; a statement whose interval excludes 0 but whose adjusted p is
    not below it becomes ``"uncertain_adjusted"``.

    Returns
    -------
    pandas.DataFrame
        Index ``(kind, group, outcome)`` with ``kind`` ``"change"`` or ``"comparison"``;
        columns ``raw`` (the direction by the interval alone), ``p``, ``in_family``,
        ``p_adjusted`` (Holm within the family, NaN outside it) and ``conclusion``.
    """
    from analyse.stats.prepost import DEFAULT_MIN_SITES_PER_ARM

    def compute() -> pd.DataFrame:
        primary = check_primary_outcome(getattr(ctx, "primary_outcome", None))
        rows = []
        for _, r in _raw_changes(ctx).iterrows():
            few = r["kind"] != "site" and r["n_sites"] < DEFAULT_MIN_SITES_PER_ARM
            rows.append(("change", r["group"], r["outcome"], r["direction"], r["p"], few))
        if ctx.overview and not ctx.too_small and {"pre", "post"} <= set(ctx.waves):
            for _, r in _comparison_raw(ctx).iterrows():
                rows.append(
                    (
                        "comparison",
                        r["practice"],
                        r["outcome"],
                        r["direction"],
                        r["p"],
                        r["few_sites"],
                    )
                )
        frame = pd.DataFrame(rows, columns=["kind", "group", "outcome", "raw", "p", "few_sites"])
        exploratory = (
            frame["outcome"] != primary if primary is not None else pd.Series(False, frame.index)
        )
        decided = conclude(
            frame["raw"].to_numpy(object),
            frame["p"].to_numpy(float),
            frame["few_sites"].to_numpy(bool),
            exploratory.to_numpy(bool),
        )
        frame["in_family"] = decided.in_family
        frame["p_adjusted"] = decided.p_adjusted
        frame["conclusion"] = decided.conclusion
        frame = frame.set_index(["kind", "group", "outcome"])
        return frame.drop(columns="few_sites").assign(few_sites=frame["few_sites"])

    key = f"main_results:family:{ctx.site}:{ctx.lang}:{getattr(ctx, 'primary_outcome', None)}"
    return ctx.cached(key, compute)


def trial_conclusions(ctx: Context) -> dict[str, dict[str, str]]:
    """The report's conclusion for each before/after table it shows, by group and outcome.

    The detailed before/after tables of :func:`analyse.report.sections.afproevning` (this site's
    table, keyed :data:`analyse.report.sections.ALL`; in the overview each practice's and the
    comparison group's, keyed by code) are the same statements as the Hovedresultater's, so
    their sentences carry the same conclusion from the report's family (:func:`family`), never
    a verdict of the interval alone. Pass the result as ``afproevning(ctx, conclusions=...)``.

    Returns
    -------
    dict
        ``{group: {outcome: conclusion}}`` with the conclusions of :func:`family`.
    """
    if not {"pre", "post"} <= set(ctx.waves):
        return {}
    fam = family(ctx)
    out: dict[str, dict[str, str]] = {}
    for g in _groups(ctx):
        for outcome in TRIAL_VALUES:
            key = ("change", g.label, outcome)
            if key in fam.index:
                out.setdefault(g.key, {})[outcome] = str(fam.at[key, "conclusion"])
    return out


def family_sentence(ctx: Context) -> str:
    """Which statements form the report's family and how chance is controlled, in words."""
    fam = family(ctx)
    n = int(fam["in_family"].sum())
    primary = getattr(ctx, "primary_outcome", None)
    if primary is not None:
        label = _lower_first(SHORT_LABELS[primary][ctx.lang])
        return ctx.t(
            f"Det primære mål er {label}: kun det kan blive kaldt bedre eller værre, og dets {n} "
            "udsagn er justeret samlet for antallet (Holm 1979), så risikoen for mindst ét "
            "tilfældigt bedre eller værre i rapporten er højst 5 %. De øvrige mål er udforskende "
            "og får ingen konklusion.",
            f"The primary measure is {label}: only it can be called better or worse, and its {n} "
            "statements are adjusted together for their number (Holm 1979), so the chance of at "
            "least one better or worse by chance in this report is at most 5%. The other measures "
            "are exploratory and get no conclusion.",
        )
    if n == 0:
        return ctx.t(
            "Intet tal i rapporten har nok botilbud og borgere bag sig til at blive kaldt bedre "
            "eller værre.",
            "No number in this report rests on enough sites and residents to be called better "
            "or worse.",
        )
    return ctx.t(
        f"Rapportens {n} udsagn om bedre eller værre er justeret samlet for antallet (Holm 1979), "
        "så risikoen for mindst ét tilfældigt bedre eller værre i hele rapporten er højst 5 %.",
        f"The report's {n} statements of better or worse are adjusted together for their number "
        "(Holm 1979), so the chance of at least one better or worse by chance in the whole report "
        "is at most 5%.",
    )


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
    if text.no_change(row["mean_diff"]):
        diff = ctx.t("uændret", "unchanged")
    else:
        diff = text.fmt_change(row["mean_diff"], 1, ctx.lang, sign=True)
    if row["kind"] == "site":
        return f"{who} {diff} ({word})"
    return f"{who} {diff} ({word}; {_basis(ctx, row['n_sites'], row['n'])})"


def _basis(ctx: Context, n_sites: object, n: object) -> str:
    """``3 botilbud, 24 borgere``: what a group's result rests on (a hidden count as marker)."""
    sites = int(n_sites) if not _missing(n_sites) else 0
    residents = (
        text.count_phrase(int(n), "resident", ctx.lang)  # type: ignore[arg-type]
        if not _missing(n)
        else ctx.t(f"{text.MISSING} borgere", f"{text.MISSING} residents")
    )
    return ctx.t(f"{sites} botilbud", f"{sites} site{'' if sites == 1 else 's'}") + f", {residents}"


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
    return (
        ctx.t(
            "Bedre eller værre betyder, at hele 95 %-konfidensintervallet ligger på samme side af 0; "
            "usikkert betyder, at ændringen kan være tilfældig (intervallet rummer 0, eller der er for "
            "få borgere til at beregne det). Ændringerne alene viser ikke, at praksissen er årsagen.",
            "Better or worse means that the whole 95% confidence interval lies on one side of 0; "
            "uncertain means that the change may be chance (the interval holds 0, or there are too "
            "few residents to compute it). The changes alone do not show that the practice caused them.",
        )
        + " "
        + _sites_rule(ctx)
        + " "
        + family_sentence(ctx)
    )


def _sites_rule(ctx: Context) -> str:
    from analyse.stats.prepost import DEFAULT_MIN_SITES_PER_ARM

    k = DEFAULT_MIN_SITES_PER_ARM
    return ctx.t(
        "En praksis prøves af pr. botilbud, så dens interval for alle botilbud regnes med botilbud "
        f"som enhed; er den afprøvet i færre end {k} botilbud, er der for få botilbud til at afgøre, "
        "om den er bedre eller værre.",
        "A practice is tried per site, so its interval over all sites counts sites as the unit; "
        f"tried at fewer than {k} sites, too few sites tried it to tell better from worse.",
    )


def hovedresultater(ctx: Context) -> list[Item]:
    """The opening section: 3-5 sentences and one figure (see the module notes)."""
    from analyse.render.figures import change_dots

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
        "Der er ingen figur, fordi alle tal i den er skjult for at beskytte små grupper (for få "
        "borgere, eller tallene kunne regnes ud fra andre tal; se tabellens fodnote).",
        "There is no figure, because every number in it is hidden to protect small groups (too "
        "few residents, or the numbers could be worked out from others; see the table's note).",
    )


# ----------------------------------------------------------------------------- udvikling


def udvikling(ctx: Context) -> list[Item]:
    """Means before and after for the groups of :func:`hovedresultater`: a slope chart."""
    from analyse.render.figures import before_after_means

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
    """Each practice minus the comparison group, per outcome: :func:`analyse.stats.prepost.cluster_trial`.

    The site-level analysis of the trial (each site's mean change, the arms compared with a
    *t* interval on sites minus arms degrees of freedom), not the resident-level
    :func:`analyse.stats.prepost.model`, whose intervals are too narrow when sites differ in how
    much they change (issue 24).

    Returns
    -------
    pandas.DataFrame
        One row per practice and outcome: ``practice``, ``outcome``, ``estimate``,
        ``ci_low``, ``ci_high``, ``df``, ``p``, ``p_holm`` (Holm over every comparison the
        table makes; the report's conclusion uses the report's whole family,
        :func:`family`), ``n_pairs``, ``n_pairs_comparison``, ``n_sites``,
        ``n_sites_comparison``, ``few_sites``, ``reason``. Ungated: :func:`comparison_gated`
        is what a report shows.
    """
    from analyse.stats.prepost import _padjust, cluster_trial

    def compute() -> pd.DataFrame:
        long = trial_long(ctx)
        parts = []
        for outcome in TRIAL_VALUES:
            m = cluster_trial(long, outcome, comparison=COMPARISON, min_cell=ctx.min_cell)
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
                "df",
                "p",
                "p_holm",
                "n_pairs",
                "n_pairs_comparison",
                "n_sites",
                "n_sites_comparison",
                "few_sites",
                "reason",
            ]
        ]

    return ctx.cached("main_results:did", compute)


def _comparison_raw(ctx: Context) -> pd.DataFrame:
    """Each comparison's published direction (interval alone), p and sites, for :func:`family`."""
    st, _ = comparison_gated(ctx)
    did = did_table(ctx).set_index(["practice", "outcome"])
    rows = []
    for key in st.values.index:
        practice, outcome = key.split("|", 1)
        cell = {
            c: (
                np.nan
                if st.mask.at[key, c] or _missing(st.values.at[key, c])
                else float(st.values.at[key, c])
            )
            for c in ("estimate", "ci_low", "ci_high")
        }
        shown = not any(np.isnan(v) for v in cell.values())
        rows.append(
            {
                "practice": practice,
                "outcome": outcome,
                "direction": direction(outcome, cell["estimate"], cell["ci_low"], cell["ci_high"]),
                "p": float(did.at[(practice, outcome), "p"]) if shown else np.nan,
                "few_sites": bool(did.at[(practice, outcome), "few_sites"]),
            }
        )
    return pd.DataFrame(rows, columns=["practice", "outcome", "direction", "p", "few_sites"])


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
    plain, n_comp, plain_marker, n_comp_shown = [], [], [], []
    for p, o in zip(did["practice"], did["outcome"], strict=True):
        own = _gated_row(totals[p], o) if p in totals else {"mean_diff": np.nan}
        ref = _gated_row(base, o) if base is not None else {"mean_diff": np.nan, "n": np.nan}
        plain.append(own["mean_diff"] - ref["mean_diff"])
        n_comp.append(ref["n"])
        # A difference of a hidden change is hidden, with the gate's own marker (never "–",
        # whose footnote says "cannot be computed").
        markers = [
            _hidden_marker(ctx, t, o, "mean_diff") for t in (totals.get(p), base) if t is not None
        ]
        plain_marker.append(next((m for m in markers if m), None))
        n_comp_shown.append(_hidden_marker(ctx, base, o, "n") if base is not None else None)
    extra = pd.DataFrame(
        {
            "plain_diff": plain,
            "n_comparison": n_comp,
            "plain_marker": plain_marker,
            "n_comparison_marker": n_comp_shown,
        },
        index=table.index,
    )
    return st, extra


def _hidden_marker(ctx: Context, st: privacy.SuppressedTable, row: str, col: str) -> str | None:
    """What a gated table shows in a hidden cell (``<5``, ``(s)``, an interval); None if shown."""
    if row not in st.values.index or col not in st.values.columns or not st.mask.at[row, col]:
        return None
    return str(st.display(ctx.lang).at[row, col])


def sammenligning(ctx: Context) -> list[Item]:
    """Overview: each practice against the comparison group, a table and a forest plot."""
    from analyse.render.figures import forest_plot

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
    items += [Paragraph(s) for s in _source_sentences(ctx, frame)]
    fig = forest_plot(frame, labels=_outcome_titles(ctx), lang=ctx.lang)
    if fig is None:
        items.append(Paragraph(_nothing_to_draw(ctx)))
    else:
        items.append(
            Figure(
                fig, ctx.t("Praksis minus sammenligningsgruppe", "Practice minus comparison group")
            )
        )
    # Its numbers are the gated model table's and the practices' own gated rows (``extra``).
    display = privacy.release(_comparison_display(ctx, st, extra, frame), st)
    items.append(
        Table(
            display,
            "praksis_mod_sammenligning",
            ctx.t(
                "Ændring i praksis minus ændring i sammenligningsgruppen",
                "Change in the practice minus change in the comparison group",
            ),
            note=_comparison_note(ctx, st, display),
        )
    )
    return items


_OPPOSITE = {"better": "worse", "worse": "better"}


def _source_sentences(ctx: Context, frame: pd.DataFrame) -> list[str]:
    """Where each clear practice-vs-comparison difference comes from, in words.

    A practice can be "bedre" than the comparison group only because the comparison group got
    worse; a reader must not take that as the practice's own improvement. For every row the
    table concludes is better or worse (after Holm's adjustment), one sentence gives both
    changes (gated cells of the practices' own tables) and, when the practice's own change is
    not concluded in the difference's direction while the comparison group's is concluded the
    other way, says that the difference comes from the comparison group's change. Whether a
    change "blev bedre"/"blev værre" is the report's conclusion for it (:func:`family`).
    """
    totals = practice_totals(ctx)
    base = totals.get(COMPARISON)
    if base is None:
        return []
    fam = family(ctx)
    out = []
    for _, row in frame.iterrows():
        # Only the differences the table concludes on (clear also after Holm's adjustment).
        if row["direction"] not in _OPPOSITE or not row["clear_after_holm"]:
            continue
        if row["practice"] not in totals:
            continue
        outcome = row["outcome"]
        own = _gated_row(totals[row["practice"]], outcome)
        ref = _gated_row(base, outcome)
        if _missing(own["mean_diff"]) or _missing(ref["mean_diff"]):
            continue
        # The changes' own words are the report's conclusions for them (its family), never a
        # verdict of their intervals alone.
        own_dir = _concluded(fam, str(row["group"]), outcome)
        ref_dir = _concluded(fam, _practice_name(ctx, COMPARISON), outcome)
        what = _lower_first(SHORT_LABELS[outcome][ctx.lang])
        group = str(row["group"])
        word = DIRECTION_WORDS[row["direction"]][ctx.lang]
        own_text = _moved(ctx, own["mean_diff"], own_dir)
        ref_text = _moved(ctx, ref["mean_diff"], ref_dir)
        if own_dir != row["direction"] and ref_dir == _OPPOSITE[row["direction"]]:
            out.append(
                ctx.t(
                    f"{group} ligger {word} end sammenligningsgruppen på {what}, men forskellen "
                    f"kommer fra sammenligningsgruppens ændring: sammenligningsgruppen {ref_text}, "
                    f"mens {group} {own_text}.",
                    f"{group} is {word} than the comparison group on {what}, but the difference "
                    f"comes from the comparison group's change: the comparison group {ref_text}, "
                    f"while {group} {own_text}.",
                )
            )
        else:
            out.append(
                ctx.t(
                    f"{group} ligger {word} end sammenligningsgruppen på {what}: {group} "
                    f"{own_text}, sammenligningsgruppen {ref_text}.",
                    f"{group} is {word} than the comparison group on {what}: {group} "
                    f"{own_text}, the comparison group {ref_text}.",
                )
            )
    return out


def _concluded(fam: pd.DataFrame, group: str, outcome: str) -> str:
    """The report's conclusion for a group's change (``"unknown"`` when it has none)."""
    key = ("change", group, outcome)
    return str(fam.at[key, "conclusion"]) if key in fam.index else "unknown"


def _moved(ctx: Context, mean_diff: float, direction_: str) -> str:
    """``blev bedre (-1,2)``, ``blev værre (+0,9)``, ``ændrede sig ikke tydeligt (+0,1)``."""
    if text.no_change(mean_diff):
        return ctx.t("var uændret (0)", "was unchanged (0)")
    diff = text.fmt_change(mean_diff, 1, ctx.lang, sign=True)
    if direction_ == "better":
        return ctx.t(f"blev bedre ({diff})", f"got better ({diff})")
    if direction_ == "worse":
        return ctx.t(f"blev værre ({diff})", f"got worse ({diff})")
    return ctx.t(f"ændrede sig ikke tydeligt ({diff})", f"did not change clearly ({diff})")


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
    from analyse.stats.prepost import DEFAULT_MIN_SITES_PER_ARM

    k = DEFAULT_MIN_SITES_PER_ARM
    model_words = ctx.t(
        "Praksisserne prøves af pr. botilbud, så botilbuddet er enheden: intervallet sammenligner "
        "botilbuddenes gennemsnitlige ændringer (et t-interval med botilbud minus grupper som "
        "frihedsgrader); den simple forskel i gennemsnitlige ændringer står ved siden af, og "
        f"antallet af botilbud og borgere i hver gruppe står i tabellen. Med færre end {k} botilbud "
        "i en gruppe er der for få botilbud til at afgøre, om praksissen er bedre eller værre.",
        "Practices are tried per site, so the site is the unit: the interval compares the sites' "
        "mean changes (a t interval with sites minus groups as degrees of freedom); the plain "
        "difference in mean changes is shown beside it, and the number of sites and residents in "
        f"each group is in the table. With fewer than {k} sites in a group, too few sites tried "
        "the practice to tell better from worse.",
    )
    return (
        model_words
        + " "
        + ctx.t(
            "Det kan vise, om en praksis har ændret sig mere end sammenligningsgruppen; det kan ikke vise, "
            "at praksissen er årsagen, for botilbuddene er ikke lodtrukket, og grupperne er små. "
            f"Tabellen laver {n_tests} sammenligninger; med så mange vil nogle se tydelige ud ved et "
            "tilfælde. ",
            "It can show whether a practice changed more than the comparison group; it cannot show that "
            "the practice caused it, because the sites were not randomised and the groups are small. "
            f"The table makes {n_tests} comparisons; with so many, some will look clear by chance. ",
        )
        + family_sentence(ctx)
    )


def _comparison_frame(
    ctx: Context, st: privacy.SuppressedTable, extra: pd.DataFrame
) -> pd.DataFrame:
    """Long frame for the forest plot and the table: published values only (NaN = hidden)."""
    fam = family(ctx)
    did = did_table(ctx).set_index(["practice", "outcome"])
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
                "plain_marker": extra.at[key, "plain_marker"],
                "n_comparison_marker": extra.at[key, "n_comparison_marker"],
                "direction": est_dir,
                "conclusion": fam.at[("comparison", practice, outcome), "conclusion"],
                "clear_after_holm": fam.at[("comparison", practice, outcome), "conclusion"]
                in ("better", "worse"),
                "n_sites": did.at[(practice, outcome), "n_sites"],
                "n_sites_comparison": did.at[(practice, outcome), "n_sites_comparison"],
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
                DIRECTION_WORDS[c][ctx.lang] for c in frame["conclusion"]
            ],
            ctx.t("Simpel forskel", "Plain difference"): [
                m if isinstance(m, str) else text.fmt_number(v, 1, ctx.lang)
                for v, m in zip(frame["plain_diff"], frame["plain_marker"], strict=True)
            ],
            ctx.t("Borgere, praksis", "Residents, practice"): shown["n"].to_numpy(),
            ctx.t("Borgere, sammenligning", "Residents, comparison"): [
                m
                if isinstance(m, str)
                else (text.fmt_int(v, ctx.lang) if not _missing(v) else text.MISSING)
                for v, m in zip(frame["n_comparison"], frame["n_comparison_marker"], strict=True)
            ],
            ctx.t("Botilbud, praksis", "Sites, practice"): [
                text.fmt_int(v, ctx.lang) for v in frame["n_sites"]
            ],
            ctx.t("Botilbud, sammenligning", "Sites, comparison"): [
                text.fmt_int(v, ctx.lang) for v in frame["n_sites_comparison"]
            ],
        }
    )


def _comparison_note(
    ctx: Context, st: privacy.SuppressedTable, shown: pd.DataFrame | None = None
) -> str | None:
    """The footnote of the comparison table: one sentence per kind of cell it shows.

    A sentence stands only when a cell of ``shown`` (the displayed table) carries its marker:
    ``<5``, ``(s)``, an interval, ``–``. Without ``shown``: the gated table's markers and ``–``.
    """
    from analyse.stats.prepost import DEFAULT_MIN_PAIRS

    if shown is None:  # the gated table's own footnote, and the one for "–"
        kinds, dash = set(), True
    else:
        cells = {str(v).strip() for v in shown.to_numpy().ravel()}
        kinds = set()
        if f"<{ctx.min_cell}" in cells:
            kinds.add("primary")
        if text.SECONDARY_MARKER in cells:
            kinds.add("secondary")
        if "interval" in st.kinds() or any(
            c.startswith(("mindst", "at least")) or " til " in c or " to " in c for c in cells
        ):
            kinds.add("interval")
        dash = text.MISSING in cells
    if shown is None:
        own = st.note(ctx.lang)  # None when no hidden cell shows a marker
        parts = [own] if own else []
    else:
        parts = [text.suppressed_note(ctx.min_cell, ctx.lang, kinds=kinds)] if kinds else []
    if dash:
        m = DEFAULT_MIN_PAIRS
        parts.append(
            ctx.t(
                f"{text.MISSING} betyder, at tallet ikke kan beregnes: en gruppe har færre end {m} "
                "borgere målt begge gange, eller modellen kunne ikke tilpasses.",
                f"{text.MISSING} means that the number cannot be computed: a group has fewer than "
                f"{m} residents assessed both times, or the model could not be fitted.",
            )
        )
    return " ".join(parts) or None
