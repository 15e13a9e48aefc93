"""Simulated trials: do the practice-vs-comparison conclusions hold at their error rate?

Generates trials with the design's structure — practices tried per botilbud, site and
site x time variation, residents' own level and noise, dropout before the second wave and
missing answers — and runs the package's own functions on them:

- :func:`analyse.stats.prepost.cluster_trial` (the site-level analysis the reports use) and, for
  reference, the resident-level :func:`analyse.stats.prepost.model` it replaced;
- :func:`analyse.stats.prepost.cluster_change` (a practice's change over all its sites);
- the report family: Holm over every *bedre*/*værre* a report can print
  (:func:`analyse.stats.prepost._padjust`, the function :func:`analyse.report.main_results.family` uses).

It prints per scenario the interval's coverage, the rate of false *bedre*/*værre* per
printed comparison, the share of overviews and site reports with any false *bedre*/*værre*
when nothing changes, and the power for a change of half a within-site SD.

``python benchmarks/sim_trials.py`` (full, a few minutes); ``make bench`` runs it through
``benchmarks/bench_sim_trials.py``; ``tests/test_sim_trials.py`` runs a small fixed-seed
version. The table is in docs/statistics.md.
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
    _padjust,
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


def simulate(sc: Scenario, rng: np.random.Generator) -> pd.DataFrame:
    """One trial in long format (resident_id, site_id, practice, wave, y)."""
    arms = ["none"] + [f"P{i + 1}" for i in range(sc.n_practices)]
    rows_site, rows_arm = [], []
    for arm in arms:
        rows_site += [f"{arm}-{j}" for j in range(sc.sites_per_arm)]
        rows_arm += [arm] * sc.sites_per_arm
    sizes = rng.integers(sc.residents[0], sc.residents[1] + 1, len(rows_site))
    site = np.repeat(np.array(rows_site), sizes)
    arm = np.repeat(np.array(rows_arm), sizes)
    n = len(site)
    site_level = np.repeat(rng.normal(0, sc.sd_site, len(rows_site)), sizes)
    site_change = np.repeat(rng.normal(0, sc.sd_site_time, len(rows_site)), sizes)
    person = rng.normal(0, sc.sd_resident, n)
    change = sc.drift + site_change + np.where(arm != "none", sc.effect, 0.0)
    pre = site_level + person + rng.normal(0, sc.sd_noise, n)
    post = site_level + person + change + rng.normal(0, sc.sd_noise, n)
    post[rng.random(n) < sc.dropout] = np.nan
    pre[rng.random(n) < sc.missing] = np.nan
    post[rng.random(n) < sc.missing] = np.nan
    ids = np.array([f"R{i}" for i in range(n)])
    frame = pd.DataFrame(
        {
            "resident_id": np.concatenate([ids, ids]),
            "site_id": np.concatenate([site, site]),
            "practice": np.concatenate([arm, arm]),
            "wave": ["pre"] * n + ["post"] * n,
            "y": np.concatenate([pre, post]),
        }
    )
    return frame.dropna(subset=["y"])


def _false(conclusion_low: np.ndarray, conclusion_high: np.ndarray, truth: float) -> np.ndarray:
    """A *bedre*/*værre* that points the wrong way or where nothing changed."""
    clear = (conclusion_low > 0) | (conclusion_high < 0)
    wrong_side = ((conclusion_low > 0) & (truth <= 0)) | ((conclusion_high < 0) & (truth >= 0))
    return clear & wrong_side


def run_scenario(sc: Scenario, n_trials: int, seed: int, *, with_model: bool = False) -> dict:
    """Coverage, false conclusions and power of one scenario over ``n_trials`` trials."""
    rng = np.random.default_rng(seed)
    cover, false_cmp, decided, concl = [], [], [], []
    cover_arm, false_arm = [], []
    any_false_overview, any_false_site = [], []
    cover_model, false_model = [], []
    min_ok = sc.sites_per_arm >= DEFAULT_MIN_SITES_PER_ARM
    for _ in range(n_trials):
        data = simulate(sc, rng)
        res = cluster_trial(data, "y", min_pairs=2, min_cell=3)
        ok = res["withheld"].eq("none").to_numpy()
        lo, hi = res["ci_low"].to_numpy(float), res["ci_high"].to_numpy(float)
        cover += list(((lo <= sc.effect) & (sc.effect <= hi))[ok])
        false_cmp += list(_false(lo, hi, sc.effect)[ok])
        decided += list(((lo > 0) | (hi < 0))[ok])
        # The arms' own changes over all sites (the Hovedresultater's "alle botilbud").
        arm = cluster_change(data, "y")
        alo, ahi = arm["ci_low"].to_numpy(float), arm["ci_high"].to_numpy(float)
        truth = np.where(arm["practice"].eq("none"), sc.drift, sc.drift + sc.effect)
        fine = np.isfinite(alo)
        cover_arm += list(((alo <= truth) & (truth <= ahi))[fine])
        false_arm += list(_false(alo, ahi, 0.0)[fine] & (truth[fine] == 0))
        # The overview's family: every arm's change and every comparison, Holm, and nothing
        # printed below the minimum of sites per arm.
        p = np.concatenate([arm["p"].to_numpy(float), res["p"].to_numpy(float)])
        signs = np.concatenate([arm["estimate"].to_numpy(float), res["estimate"].to_numpy(float)])
        truths = np.concatenate([truth, np.full(len(res), sc.effect)])
        eligible = np.isfinite(p) & min_ok
        adj = np.full(len(p), np.nan)
        if eligible.any():
            adj[eligible] = _padjust(p[eligible], np.zeros(eligible.sum(), np.int64), "holm")
        clear = eligible & (adj < 0.05)
        wrong = clear & ((truths == 0) | (np.sign(signs) != np.sign(truths)))
        any_false_overview.append(bool(wrong.any()))
        concl.append(clear[len(arm) :].tolist())
        # A site report's family: its own change (one site, paired t over its residents), its
        # practice's change over all sites and the comparison group's.
        any_false_site.append(_site_report_false(data, arm, sc, min_ok))
        if with_model:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = model(data, "y", min_pairs=2, min_cell=3, min_sites=2)
            mok = m["withheld"].eq("none").to_numpy()
            mlo, mhi = m["ci_low"].to_numpy(float), m["ci_high"].to_numpy(float)
            cover_model += list(((mlo <= sc.effect) & (sc.effect <= mhi))[mok])
            false_model += list(_false(mlo, mhi, sc.effect)[mok])
    out = {
        "scenario": sc.name,
        "sites/arm": sc.sites_per_arm,
        "sd site×time": sc.sd_site_time,
        "effect": sc.effect,
        "coverage": float(np.mean(cover)),
        "false per comparison": float(np.mean(false_cmp)) if sc.effect == 0 else np.nan,
        "power (interval)": float(np.mean(decided)) if sc.effect != 0 else np.nan,
        "power (report)": float(np.mean([any(c) for c in concl])) if sc.effect != 0 else np.nan,
        "coverage, arm change": float(np.mean(cover_arm)) if cover_arm else np.nan,
        "false overviews": float(np.mean(any_false_overview)),
        "false site reports": float(np.mean(any_false_site)),
    }
    if with_model:
        out["coverage, old model"] = float(np.mean(cover_model))
        out["false, old model"] = float(np.mean(false_model)) if sc.effect == 0 else np.nan
    return out


def _site_report_false(data: pd.DataFrame, arm: pd.DataFrame, sc: Scenario, min_ok: bool) -> bool:
    """Whether a practice site's report prints any false *bedre*/*værre* (Holm over its family).

    The site's own change is a statement about that site: its truth includes the site's own
    site x time deviation, which the simulation does not keep, so only the null scenarios
    (no site x time, no effect, no drift) count the site's own statement.
    """
    from scipy import stats

    site0 = data[data["practice"] != "none"]["site_id"].iloc[0]
    own = data[data["site_id"] == site0].pivot_table(
        index="resident_id", columns="wave", values="y"
    )
    d = (own.get("post") - own.get("pre")).dropna()
    p_list, false_if_clear = [], []
    if len(d) >= 2 and d.std() > 0:
        p_list.append(float(stats.ttest_1samp(d, 0.0).pvalue))
        false_if_clear.append(sc.sd_site_time == 0 and sc.effect == 0 and sc.drift == 0)
    if min_ok:
        for _, r in arm.iterrows():
            if r["practice"] in ("none", "P1") and np.isfinite(r["p"]):
                p_list.append(float(r["p"]))
                truth = sc.drift + (sc.effect if r["practice"] != "none" else 0.0)
                false_if_clear.append(truth == 0)
    if not p_list:
        return False
    adj = _padjust(np.array(p_list), np.zeros(len(p_list), np.int64), "holm")
    return bool(np.any((adj < 0.05) & np.array(false_if_clear)))


SCENARIOS = (
    Scenario("null, no site×time", sd_site_time=0.0),
    Scenario("null, site×time", sd_site_time=0.3),
    Scenario("null, strong site×time", sd_site_time=0.6),
    Scenario("null, 2 sites/arm", sites_per_arm=2),
    Scenario("null, 3 sites/arm", sites_per_arm=3),
    Scenario("null, 8 sites/arm", sites_per_arm=8),
    Scenario("null, 3 practices", n_practices=3),
    Scenario("effect 0.5, 2 sites/arm", sites_per_arm=2, effect=0.5),
    Scenario("effect 0.5, 3 sites/arm", sites_per_arm=3, effect=0.5),
    Scenario("effect 0.5, 4 sites/arm", effect=0.5),
    Scenario("effect 0.5, 8 sites/arm", sites_per_arm=8, effect=0.5),
)


def table(
    n_trials: int, seed: int, *, with_model: bool = True, scenarios=SCENARIOS
) -> pd.DataFrame:
    """The simulation table: one row per scenario."""
    return pd.DataFrame(
        [
            run_scenario(sc, n_trials, seed + i, with_model=with_model)
            for i, sc in enumerate(scenarios)
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240)
    parser.add_argument("--no-model", action="store_true", help="skip the old mixed model (slow)")
    args = parser.parse_args(argv)
    t = table(args.trials, args.seed, with_model=not args.no_model)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(t.to_markdown(index=False, floatfmt=".3f") if _has_tabulate() else t.to_string())


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
