"""Simulated trials: do the practice-vs-comparison conclusions hold at their error rate?

Generates trials with the design's structure — practices tried per botilbud, site and
site x time variation, residents' own level and noise, dropout before the second wave and
missing answers — and runs the package's own functions on them:

- :func:`analyse.stats.prepost.cluster_trial` (the site-level analysis the reports use) and, for
  reference, the resident-level :func:`analyse.stats.prepost.model` it replaced;
- :func:`analyse.stats.prepost.cluster_change` (a practice's change over all its sites);
- whole reports (:func:`run_reports`): four outcomes, every site report and the overview,
  their words decided by the report's own functions
  (:func:`analyse.report.main_results.conclude`, the rule of
  :func:`analyse.report.main_results.family`, and :func:`analyse.words.text.conclusion_words`).

It prints two tables. Per scenario: the interval's coverage, the rate of false
*bedre*/*værre* per printed comparison and the power for a change of half a within-site SD,
each with its trials and Monte Carlo standard error. Per report design: the share of site
reports and of overviews that print any *bedre*, *værre* or *næppe tilfældig* when nothing
changes (and, for comparison, the share with the words of each interval alone).

``python benchmarks/sim_trials.py`` (full: 1,000 trials per null scenario, tens of minutes);
``make bench`` runs it through ``benchmarks/bench_sim_trials.py``; ``tests/test_sim_trials.py``
runs a small fixed-seed version. The tables are in docs/statistics.md.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from analyse.stats.prepost import (  # noqa: E402
    DEFAULT_MIN_SITES_PER_ARM,
    _cr2_bell_mccaffrey,
    cluster_change,
    cluster_trial,
    model,
)


@dataclass(frozen=True)
class Scenario:
    """One design: sites per arm, residents per site and the variance components (SD units)."""

    name: str
    sites_per_arm: int = 4
    n_practices: int = 1
    residents: tuple[int, int] = (6, 20)
    sd_site: float = 0.5  # site's level (cancels in a change)
    sd_site_time: float = 0.3  # how much a site's change differs from its arm's (site x time)
    sd_resident: float = 0.7  # resident's level (cancels in a change)
    sd_noise: float = 0.7  # within resident, each wave
    dropout: float = 0.15  # residents not measured after
    missing: float = 0.05  # answers missing in a wave
    effect: float = 0.0  # the practice's true change beyond the comparison's (SD units)
    drift: float = 0.0  # everybody's change (comparison group too)


def simulate(
    sc: Scenario, rng: np.random.Generator, outcomes: tuple[str, ...] = ("y",)
) -> pd.DataFrame:
    """One trial in long format (resident_id, site_id, practice, wave and one column per outcome).

    Each outcome has its own site, site x time, resident and noise terms (independent
    outcomes); dropout is the resident's (all outcomes), missing answers each outcome's.
    """
    arms = ["none"] + [f"P{i + 1}" for i in range(sc.n_practices)]
    rows_site, rows_arm = [], []
    for arm in arms:
        rows_site += [f"{arm}-{j}" for j in range(sc.sites_per_arm)]
        rows_arm += [arm] * sc.sites_per_arm
    sizes = rng.integers(sc.residents[0], sc.residents[1] + 1, len(rows_site))
    site = np.repeat(np.array(rows_site), sizes)
    arm = np.repeat(np.array(rows_arm), sizes)
    n = len(site)
    values = {}
    dropped = None
    for name in outcomes:
        site_level = np.repeat(rng.normal(0, sc.sd_site, len(rows_site)), sizes)
        site_change = np.repeat(rng.normal(0, sc.sd_site_time, len(rows_site)), sizes)
        person = rng.normal(0, sc.sd_resident, n)
        change = sc.drift + site_change + np.where(arm != "none", sc.effect, 0.0)
        pre = site_level + person + rng.normal(0, sc.sd_noise, n)
        post = site_level + person + change + rng.normal(0, sc.sd_noise, n)
        if dropped is None:
            dropped = rng.random(n) < sc.dropout
        post[dropped] = np.nan
        pre[rng.random(n) < sc.missing] = np.nan
        post[rng.random(n) < sc.missing] = np.nan
        values[name] = np.concatenate([pre, post])
    ids = np.array([f"R{i}" for i in range(n)])
    frame = pd.DataFrame(
        {
            "resident_id": np.concatenate([ids, ids]),
            "site_id": np.concatenate([site, site]),
            "practice": np.concatenate([arm, arm]),
            "wave": ["pre"] * n + ["post"] * n,
            **values,
        }
    )
    return frame.dropna(subset=list(outcomes), how="all")


def _false(conclusion_low: np.ndarray, conclusion_high: np.ndarray, truth: float) -> np.ndarray:
    """A *bedre*/*værre* that points the wrong way or where nothing changed."""
    clear = (conclusion_low > 0) | (conclusion_high < 0)
    wrong_side = ((conclusion_low > 0) & (truth <= 0)) | ((conclusion_high < 0) & (truth >= 0))
    return clear & wrong_side


def _mc_se(share: float, n: int) -> float:
    """Monte Carlo standard error of a share estimated from ``n`` independent draws."""
    return float(np.sqrt(share * (1 - share) / n)) if n else np.nan


def run_scenario(sc: Scenario, n_trials: int, seed: int, *, with_model: bool = False) -> dict:
    """Coverage, false conclusions and power of one scenario over ``n_trials`` trials.

    One outcome per trial: what the practice-vs-comparison interval and the arms' own
    intervals do. What whole reports print (four outcomes, Holm over each report) is
    :func:`run_reports`.
    """
    rng = np.random.default_rng(seed)
    cover, false_cmp, decided, concl = [], [], [], []
    cover_arm = []
    cover_model, false_model = [], []
    for _ in range(n_trials):
        data = simulate(sc, rng)
        res = cluster_trial(data, "y", min_pairs=2, min_cell=3)
        ok = res["withheld"].eq("none").to_numpy()
        lo, hi = res["ci_low"].to_numpy(float), res["ci_high"].to_numpy(float)
        cover += list(((lo <= sc.effect) & (sc.effect <= hi))[ok])
        false_cmp += list(_false(lo, hi, sc.effect)[ok])
        clear = ((lo > 0) | (hi < 0))[ok]
        decided += list(clear)
        concl += list(clear & ~res["few_sites"].to_numpy(bool)[ok])
        # The arms' own changes over all sites (the Hovedresultater's "alle botilbud").
        arm = cluster_change(data, "y")
        alo, ahi = arm["ci_low"].to_numpy(float), arm["ci_high"].to_numpy(float)
        truth = np.where(arm["practice"].eq("none"), sc.drift, sc.drift + sc.effect)
        fine = np.isfinite(alo)
        cover_arm += list(((alo <= truth) & (truth <= ahi))[fine])
        if with_model:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = model(data, "y", min_pairs=2, min_cell=3, min_sites=2)
            mok = m["withheld"].eq("none").to_numpy()
            mlo, mhi = m["ci_low"].to_numpy(float), m["ci_high"].to_numpy(float)
            cover_model += list(((mlo <= sc.effect) & (sc.effect <= mhi))[mok])
            false_model += list(_false(mlo, mhi, sc.effect)[mok])
    coverage = float(np.mean(cover))
    false_rate = float(np.mean(false_cmp)) if sc.effect == 0 else np.nan
    out = {
        "scenario": sc.name,
        "sites/arm": sc.sites_per_arm,
        "sd site×time": sc.sd_site_time,
        "effect": sc.effect,
        "trials": n_trials,
        "intervals": len(cover),
        "coverage": coverage,
        "MC SE": _mc_se(coverage, len(cover)),
        "false per comparison": false_rate,
        "MC SE (false)": _mc_se(false_rate, len(false_cmp)) if sc.effect == 0 else np.nan,
        "power (interval)": float(np.mean(decided)) if sc.effect != 0 else np.nan,
        "power (≥ 3 sites/arm)": float(np.mean(concl)) if sc.effect != 0 else np.nan,
        "coverage, arm change": float(np.mean(cover_arm)) if cover_arm else np.nan,
    }
    if with_model:
        out["coverage, old model"] = float(np.mean(cover_model))
        out["false, old model"] = float(np.mean(false_model)) if sc.effect == 0 else np.nan
    return out


#: The four outcomes a report concludes on (``analyse.report.sections.TRIAL_VALUES``).
REPORT_OUTCOMES = ("loneliness", "satisfaction", "n_nonstaff", "n_gives")

#: Words a report prints only as a conclusion: the Hovedresultater's and the comparison
#: table's *bedre*/*værre* and the detailed tables' "næppe tilfældig".
CONCLUSION_WORDS = ("bedre", "værre", "næppe tilfældig")


def _report_words(
    outcomes: list[str],
    est: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    p: np.ndarray,
    few: np.ndarray,
    detailed: np.ndarray,
    primary: str | None,
    *,
    adjust: bool = True,
) -> list[str]:
    """Everything one report prints about its statements, decided by the report's functions.

    :func:`analyse.report.main_results.direction` and :func:`~analyse.report.main_results.conclude`
    (the family of :func:`~analyse.report.main_results.family`), then the Hovedresultater's word
    (``DIRECTION_WORDS``) of each statement and, where the detailed before/after table shows
    the same statement, its sentence (:func:`analyse.words.text.conclusion_words`), in the
    statements' order. ``adjust=False``: the words of each interval alone (the reports before
    issue 24: :func:`~analyse.report.main_results.direction`,
    :func:`analyse.words.text.uncertainty_words`), for comparison.
    """
    from analyse.report.main_results import DIRECTION_WORDS, conclude, direction
    from analyse.words.text import conclusion_words, uncertainty_words

    raw = np.array(
        [direction(o, e, a, b) for o, e, a, b in zip(outcomes, est, lo, hi, strict=True)], object
    )
    if adjust:
        exploratory = np.array([primary is not None and o != primary for o in outcomes], bool)
        decided = conclude(raw, p, few, exploratory).conclusion
    else:
        decided = raw
    words = [DIRECTION_WORDS[c]["da"] for c in decided]
    words += [
        conclusion_words(a, b, c, "da") if adjust else uncertainty_words(a, b, "da")
        for a, b, c, d in zip(lo, hi, decided, detailed, strict=True)
        if d and np.isfinite(a) and np.isfinite(b)
    ]
    return words


def _says_conclusion(words: list[str]) -> bool:
    """Whether a report's words hold any conclusion (:data:`CONCLUSION_WORDS`)."""
    return any(w in ("bedre", "værre") or "næppe tilfældig" in w for w in words)


def run_reports(sc: Scenario, n_trials: int, seed: int, *, primary: str | None = None) -> dict:
    """Whole reports when nothing changes: the share that prints any conclusion word.

    Each trial has :data:`REPORT_OUTCOMES` (independent, each with the scenario's structure)
    and builds, as the reports do, every site report (its own change: paired *t* over its
    residents; its practice's change over all sites and the comparison group's:
    :func:`cluster_change`) and the overview (each arm's change and each practice against
    the comparison group: :func:`cluster_trial`); each report's words are decided by the
    report's own functions (:func:`_report_words`). The privacy gate is left out: it can
    only hide statements, so these shares are upper bounds of the published reports'.

    With site x time variation a site's own change is not null (the site changed), so there
    only the statements about arms and comparisons count as false. The ``unadjusted``
    columns give the same reports' words by each interval alone.
    """
    from analyse.report.main_results import _p_from_interval

    rng = np.random.default_rng(seed)
    nothing_changes = sc.sd_site_time == 0 and sc.effect == 0 and sc.drift == 0
    min_ok = DEFAULT_MIN_SITES_PER_ARM
    counts = {"site": 0, "overview": 0, "site_naive": 0, "overview_naive": 0, "sites": 0}
    for _ in range(n_trials):
        data = simulate(sc, rng, REPORT_OUTCOMES)
        arm_rows: dict[str, list] = {}
        cmp_rows: list = []
        for o in REPORT_OUTCOMES:
            arm = cluster_change(data, o)
            for r in arm.itertuples(index=False):
                p = _p_from_interval(r.estimate, r.ci_low, r.ci_high, r.df)
                arm_rows.setdefault(r.practice, []).append(
                    (o, r.estimate, r.ci_low, r.ci_high, p, r.n_sites < min_ok)
                )
            res = cluster_trial(data, o, min_pairs=2, min_cell=3)
            for r in res.itertuples(index=False):
                shown = r.withheld == "none"
                lo, hi, p = (r.ci_low, r.ci_high, r.p) if shown else (np.nan,) * 3
                cmp_rows.append((o, r.estimate, lo, hi, p, bool(r.few_sites)))
        # The overview: every arm's change (its detailed table too) and every comparison.
        rows = [(*r, True) for rs in arm_rows.values() for r in rs]
        rows += [(*r, False) for r in cmp_rows]
        for adjust, key in ((True, "overview"), (False, "overview_naive")):
            counts[key] += _says_conclusion(_report_words(*_columns(rows), primary, adjust=adjust))
        # Each site report: its own change (its detailed table), its practice's change over
        # all sites and the comparison group's.
        for (_, practice), own in _site_statements(data).groupby(level=[0, 1], sort=False):
            own_rows = [(*r, True) for r in own.itertuples(index=False)]
            arms = [(*r, False) for r in arm_rows.get(practice, []) if practice != "none"]
            arms += [(*r, False) for r in arm_rows.get("none", [])]
            family_rows = own_rows + arms
            counts["sites"] += 1
            for adjust, key in ((True, "site"), (False, "site_naive")):
                words = _report_words(*_columns(family_rows), primary, adjust=adjust)
                if not nothing_changes:  # the site changed: only the arms' words are false
                    words = words[len(own_rows) : len(family_rows)]
                counts[key] += _says_conclusion(words)
    n_sites = counts["sites"]
    return {
        "scenario": sc.name,
        "sites/arm": sc.sites_per_arm,
        "practices": sc.n_practices,
        "sd site×time": sc.sd_site_time,
        "primary outcome": primary or "–",
        "trials": n_trials,
        "site reports": n_sites,
        "false site reports": counts["site"] / n_sites,
        "MC SE (site)": _mc_se(counts["site"] / n_sites, n_trials),
        "false overviews": counts["overview"] / n_trials,
        "MC SE (overview)": _mc_se(counts["overview"] / n_trials, n_trials),
        "unadjusted: site reports": counts["site_naive"] / n_sites,
        "unadjusted: overviews": counts["overview_naive"] / n_trials,
    }


def _columns(rows: list[tuple]) -> tuple:
    """Statements (outcome, estimate, low, high, p, few sites, detailed) as arrays."""
    if not rows:
        return [], *(np.array([], float) for _ in range(4)), np.array([], bool), np.array([], bool)
    o, e, lo, hi, p, few, det = zip(*rows, strict=True)
    f = lambda v: np.asarray(v, float)  # noqa: E731
    return list(o), f(e), f(lo), f(hi), f(p), np.asarray(few, bool), np.asarray(det, bool)


def _site_statements(data: pd.DataFrame) -> pd.DataFrame:
    """Each site's own change per outcome: the paired *t* interval the site report prints.

    Vectorised over sites (the same numbers as ``scipy.stats.ttest_1samp`` per site).
    """
    from scipy import stats

    wide = data.set_index(["site_id", "practice", "resident_id", "wave"])[list(REPORT_OUTCOMES)]
    wide = wide.unstack("wave")
    parts = []
    for o in REPORT_OUTCOMES:
        d = (wide[(o, "post")] - wide[(o, "pre")]).dropna()
        g = d.groupby(level=["site_id", "practice"], sort=False)
        n, est, sd = g.size(), g.mean(), g.std()
        ok = (n >= 2) & (sd > 0)
        df = (n - 1).where(ok)
        se = sd / np.sqrt(n)
        half = stats.t.ppf(0.975, df) * se
        p = 2 * stats.t.sf(np.abs(est / se), df)
        parts.append(
            pd.DataFrame(
                {
                    "outcome": o,
                    "est": est.where(ok),
                    "lo": (est - half).where(ok),
                    "hi": (est + half).where(ok),
                    "p": pd.Series(p, index=n.index).where(ok),
                    "few": False,
                }
            )
        )
    return pd.concat(parts).sort_index(kind="stable")


SCENARIOS = (
    Scenario("null, no site×time", sd_site_time=0.0),
    Scenario("null, site×time", sd_site_time=0.3),
    Scenario("null, strong site×time", sd_site_time=0.6),
    Scenario("null, 2 sites/arm, no site×time", sites_per_arm=2, sd_site_time=0.0),
    Scenario("null, 2 sites/arm", sites_per_arm=2),
    Scenario("null, 3 sites/arm, no site×time", sites_per_arm=3, sd_site_time=0.0),
    Scenario("null, 3 sites/arm", sites_per_arm=3),
    Scenario("null, 8 sites/arm", sites_per_arm=8),
    Scenario("null, 3 practices", n_practices=3),
    Scenario("effect 0.5, 2 sites/arm", sites_per_arm=2, effect=0.5),
    Scenario("effect 0.5, 3 sites/arm", sites_per_arm=3, effect=0.5),
    Scenario("effect 0.5, 4 sites/arm", effect=0.5),
    Scenario("effect 0.5, 8 sites/arm", sites_per_arm=8, effect=0.5),
)

#: Whole reports when nothing changes (and one with site x time variation, where only the
#: arms' statements are null).
REPORT_SCENARIOS = (
    (Scenario("nothing changes", sd_site_time=0.0), None),
    (Scenario("nothing changes, 3 practices", n_practices=3, sd_site_time=0.0), None),
    (Scenario("nothing changes, 3 sites/arm", sites_per_arm=3, sd_site_time=0.0), None),
    (Scenario("nothing changes, 2 sites/arm", sites_per_arm=2, sd_site_time=0.0), None),
    (Scenario("arms null, site×time", sd_site_time=0.3), None),
    (Scenario("nothing changes, primary outcome", sd_site_time=0.0), "loneliness"),
)


def table(
    n_trials: int,
    seed: int,
    *,
    with_model: bool = True,
    scenarios=SCENARIOS,
    effect_trials: int | None = None,
) -> pd.DataFrame:
    """The simulation table: one row per scenario (``effect_trials`` for the power rows).

    Each row is also written to stderr when it is done (a long run shows its progress).
    """
    rows = []
    for i, sc in enumerate(scenarios):
        trials = n_trials if sc.effect == 0 or effect_trials is None else effect_trials
        number = SCENARIOS.index(sc) if sc in SCENARIOS else i  # the same seed in a part run
        rows.append(run_scenario(sc, trials, seed + number, with_model=with_model))
        print(rows[-1], file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def report_table(n_trials: int, seed: int, *, scenarios=REPORT_SCENARIOS) -> pd.DataFrame:
    """The reports' table: one row per design, whole reports when nothing changes."""
    rows = []
    for i, (sc, primary) in enumerate(scenarios):
        number = REPORT_SCENARIOS.index((sc, primary)) if (sc, primary) in REPORT_SCENARIOS else i
        rows.append(run_reports(sc, n_trials, seed + 100 + number, primary=primary))
        print(rows[-1], file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def tail_levels(n_draws: int = 100_000, seed: int = 1, sites: int = 4) -> pd.DataFrame:
    """How often each interval's *t* exceeds its critical value at 5 % and at Holm's smallest
    level (5 % / 12, the first step over a site report's 12 statements), under the null.

    Draws site mean changes directly (``n_draws`` trials, ``sites`` per arm; pairs per site
    as in :func:`simulate`, within-resident change variance 2 x 0.7^2) and applies the
    formulas of :func:`cluster_change` (CR2 of the pooled mean with Bell-McCaffrey degrees of
    freedom; and, for comparison, CR1 and CR2 on sites - 1 df) and :func:`cluster_trial` (equal weights, pooled variance, t on sites
    - arms df). Whole reports need the tails, not the 95 % level: Holm's first step tests
    at alpha / 12. Vectorised, seconds.
    """
    from scipy import stats

    rng = np.random.default_rng(seed)
    within = 2 * 0.7**2
    rows = []
    for sd_st in (0.0, 0.3):
        pairs = np.maximum(np.round(rng.integers(6, 21, (n_draws, 2 * sites)) * 0.81), 2)
        d = rng.normal(0.0, np.sqrt(sd_st**2 + within / pairs))
        own, other = d[:, :sites], d[:, sites:]
        w = pairs[:, :sites] / pairs[:, :sites].sum(1, keepdims=True)
        mu = (w * own).sum(1)
        e2 = (own - mu[:, None]) ** 2
        cr1 = sites / (sites - 1) * (w**2 * e2).sum(1)
        cr2 = (w**2 * e2 / (1 - w)).sum(1)
        pooled = (own.var(1, ddof=1) + other.var(1, ddof=1)) / 2
        diff = own.mean(1) - other.mean(1)
        bm = np.array(
            [
                _cr2_bell_mccaffrey(m, x, u)[1]
                for m, x, u in zip(pairs[:, :sites], own, mu, strict=True)
            ]
        )
        stats_ = {
            "arm change, CR1 on sites − 1 df (before)": (np.abs(mu) / np.sqrt(cr1), sites - 1),
            "arm change, CR2 on sites − 1 df": (np.abs(mu) / np.sqrt(cr2), sites - 1),
            "arm change (cluster_change: CR2, Bell–McCaffrey df)": (np.abs(mu) / np.sqrt(cr2), bm),
            "practice − comparison (cluster_trial)": (
                np.abs(diff) / np.sqrt(pooled * 2 / sites),
                2 * sites - 2,
            ),
        }
        for name, (t, dof) in stats_.items():
            row = {"interval": name, "sd site×time": sd_st, "sites/arm": sites}
            for level, label in ((0.05, "at 5 %"), (0.05 / 12, "at 5 %/12")):
                row[label] = float(np.mean(t > stats.t.ppf(1 - level / 2, dof)))
            rows.append(row)
    return pd.DataFrame(rows)


def _print(t: pd.DataFrame, floatfmt: str = ".3f") -> None:
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(t.to_markdown(index=False, floatfmt=floatfmt) if _has_tabulate() else t.to_string())
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000, help="trials per null scenario")
    parser.add_argument("--effect-trials", type=int, default=None, help="trials per power row")
    parser.add_argument("--report-trials", type=int, default=300, help="trials per report row")
    parser.add_argument("--seed", type=int, default=20240)
    parser.add_argument("--only", choices=("comparisons", "reports", "tails"), default=None)
    parser.add_argument("--no-model", action="store_true", help="skip the old mixed model (slow)")
    parser.add_argument(
        "--match",
        default="",
        help="only the scenarios whose name holds this (report designs: exactly this name)",
    )
    args = parser.parse_args(argv)
    if args.only == "tails":
        _print(tail_levels(), ".4f")
        return
    if args.only != "reports":
        _print(
            table(
                args.trials,
                args.seed,
                with_model=not args.no_model,
                effect_trials=args.effect_trials,
                scenarios=[sc for sc in SCENARIOS if args.match in sc.name],
            )
        )
    if args.only != "comparisons":
        designs = [d for d in REPORT_SCENARIOS if not args.match or d[0].name == args.match]
        _print(report_table(args.report_trials, args.seed, scenarios=designs))
    if args.only is None:
        _print(tail_levels(), ".4f")


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()


def quick_check(sc: Scenario, n_trials: int, seed: int) -> dict[str, float]:
    """The fast version for the test suite: coverage and false conclusions of
    :func:`cluster_trial`, beside a naive interval that pools residents and ignores sites.

    The naive interval is Welch's *t* on the residents' changes, practice against
    comparison: what a resident-level analysis without a site x time term amounts to.
    """
    from scipy import stats

    rng = np.random.default_rng(seed)
    cover, false, naive = [], [], []
    for _ in range(n_trials):
        data = simulate(sc, rng)
        res = cluster_trial(data, "y", min_pairs=2, min_cell=3)
        ok = res["withheld"].eq("none").to_numpy()
        lo, hi = res["ci_low"].to_numpy(float)[ok], res["ci_high"].to_numpy(float)[ok]
        cover += list((lo <= sc.effect) & (sc.effect <= hi))
        false += list(_false(lo, hi, sc.effect))
        wide = data.pivot_table(index=["resident_id", "practice"], columns="wave", values="y")
        d = (wide["post"] - wide["pre"]).dropna().reset_index()
        for code in res["practice"]:
            a = d.loc[d["practice"] == code, 0].to_numpy()
            b = d.loc[d["practice"] == "none", 0].to_numpy()
            t = stats.ttest_ind(a, b, equal_var=False)
            ci = t.confidence_interval(0.95)
            naive.append(ci.low <= sc.effect <= ci.high)
    return {
        "coverage": float(np.mean(cover)),
        "false": float(np.mean(false)),
        "naive_coverage": float(np.mean(naive)),
    }
