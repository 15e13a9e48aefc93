"""Tests of analyse.stats.prepost: published worked examples, reference implementations
(scipy, statsmodels, pingouin), the small-n guard, and a planted-effect data set."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analyse.data.dataset import Dataset
from analyse.errors import ConfigError
from analyse.stats.prepost import (
    PAIRED_COLUMNS,
    attrition,
    by_group,
    cluster_change,
    cluster_trial,
    guard,
    model,
    outcomes_long,
    paired,
    reliable_change,
)
from conftest import long_frame

# Lakens (2013), Table 1: two movies rated by the same ten people.
MOVIE_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
MOVIE_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]

# Wikipedia "Wilcoxon signed-rank test", Example and Effect size sections: the worked
# example of Kerby's (2014) simple difference formula (x1 = pre, x2 = post), r = .20.
WIKI_PRE = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145]
WIKI_POST = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135]

# Jacobson & Truax (1991), Table 2: Dyadic Adjustment Scale, 30 couples (as transcribed in
# AWKruijt/JT-RCI, data/J&T 1991 table2 DAS data.csv). Higher is better.
# fmt: off
JT_PRE = [90.5, 74, 97, 73.5, 61, 66.5, 68.5, 86.5, 88.5, 68.5, 98, 80.5, 89.5, 91.5, 83.5,
          60.5, 83, 88, 98.5, 78.5, 99.5, 79.5, 84.5, 92.5, 93, 85, 64, 61, 80, 82.5]
JT_POST = [97, 124, 97.5, 88, 96.5, 62.5, 112.5, 103.5, 90, 82.5, 105, 99.5, 112.5, 101,
           99.5, 79.5, 88, 100.5, 119, 116, 116, 129, 113, 118, 92, 114, 68, 52, 60.5, 104.5]
# fmt: on


# ------------------------------------------------------------------ published examples


@pytest.mark.parametrize(
    ("column", "published", "decimals"),
    [
        ("t", 4.74, 2),
        ("p_t", 0.001, 3),
        ("ci_low", 0.52, 2),
        ("ci_high", 1.48, 2),
        ("mean_pre", 7.7, 1),
        ("mean_post", 8.7, 1),
        ("sd_pre", 0.95, 2),
        ("sd_post", 0.82, 2),
        ("d_z", 1.50, 2),
        ("d_av", 1.13, 2),
        ("g_av", 1.08, 2),
        ("d_av_ci_low", 0.42, 2),
        ("d_av_ci_high", 1.80, 2),
        ("r_pre_post", 0.726, 3),
    ],
    ids=lambda v: str(v),
)
def test_lakens_2013_table_1(column: str, published: float, decimals: int) -> None:
    """Lakens (2013) Table 1 and text: t(9) = 4.74, p = .001, CI [0.52, 1.48], d_z = 1.50,
    d_av = 1.13 (95% CI [0.42, 1.80], ESCI / Algina & Keselman), g_av = 1.08, r = .726."""
    res = paired(long_frame(MOVIE_2, MOVIE_1), "id", "wave", "value").iloc[0]
    assert res["df"] == 9
    assert round(float(res[column]), decimals) == pytest.approx(published)


def test_lakens_g_av_interval_is_corrected_d_av_interval() -> None:
    res = paired(long_frame(MOVIE_2, MOVIE_1), "id", "wave", "value").iloc[0]
    j = res["g_av"] / res["d_av"]
    assert j == pytest.approx(1 - 3 / 71)
    assert res["g_av_ci_low"] == pytest.approx(res["d_av_ci_low"] * j)
    assert res["g_av_ci_high"] == pytest.approx(res["d_av_ci_high"] * j)
    assert res["g_av_ci_low"] < res["g_av"] < res["g_av_ci_high"]


def test_kerby_2014_rank_biserial_wikipedia_example() -> None:
    """Kerby (2014) simple difference formula, worked example of Wikipedia's Wilcoxon
    signed-rank article: rank sums 27 and 18 of 45, r = .60 - .40 = .20; W = 18."""
    res = paired(long_frame(WIKI_PRE, WIKI_POST), "id", "wave", "value", min_pairs=5).iloc[0]
    assert res["rank_biserial"] == pytest.approx(0.20)
    assert res["w"] == 18
    assert res["w_method"] == "normal"  # a zero difference and a tie: no exact p
    assert res["rank_biserial_ci_low"] < 0.2 < res["rank_biserial_ci_high"]


def test_rank_biserial_matches_pingouin() -> None:
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(1)
    pre = rng.normal(0, 1, 15)
    post = pre + rng.normal(0.4, 1, 15)
    res = paired(long_frame(pre, post), "id", "wave", "value").iloc[0]
    assert res["rank_biserial"] == pytest.approx(pg.wilcoxon(post, pre)["RBC"].iloc[0])


def test_rank_biserial_interval_matches_effectsize_formula() -> None:
    """R effectsize::rank_biserial (paired): Fisher z, SE = sqrt((2m^3+3m^2+m)/6)/(m(m+1)/2)."""
    res = paired(long_frame(WIKI_PRE, WIKI_POST), "id", "wave", "value", min_pairs=5).iloc[0]
    m = 9  # one zero difference dropped
    se = math.sqrt((2 * m**3 + 3 * m**2 + m) / 6) / (m * (m + 1) / 2)
    z = stats.norm.ppf(0.975)
    assert res["rank_biserial_ci_low"] == pytest.approx(math.tanh(math.atanh(0.2) - z * se))
    assert res["rank_biserial_ci_high"] == pytest.approx(math.tanh(math.atanh(0.2) + z * se))


def test_t_test_matches_scipy() -> None:
    rng = np.random.default_rng(2)
    pre = rng.integers(3, 10, 25).astype(float)
    post = np.clip(pre + rng.integers(-2, 2, 25), 3, 9)
    res = paired(long_frame(pre, post), "id", "wave", "value").iloc[0]
    ref = stats.ttest_rel(post, pre)
    assert res["t"] == pytest.approx(ref.statistic)
    assert res["p_t"] == pytest.approx(ref.pvalue)


@pytest.mark.parametrize("change", [-2.0, 0.0])
def test_constant_change_follows_scipy(change: float) -> None:
    pre = [5.0, 6, 7, 5, 6, 7, 5, 6, 7, 8, 4, 6]
    post = [p + change for p in pre]
    res = paired(long_frame(pre, post), "id", "wave", "value").iloc[0]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = stats.ttest_rel(post, pre)
    assert res["mean_diff"] == change
    assert res["t"] == pytest.approx(ref.statistic, nan_ok=True)
    assert res["p_t"] == pytest.approx(ref.pvalue, nan_ok=True)
    assert res["ci_low"] == res["ci_high"] == change
    assert res["g_av"] == pytest.approx(change / np.std(pre, ddof=1) * (1 - 3 / (8 * 12 - 9)))


def test_wilcoxon_exact_without_ties() -> None:
    pre = [10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
    post = [
        p + d
        for p, d in zip(
            pre, [1.5, -2.1, 3.2, 4.3, -5.4, 6.6, 7.7, 8.1, 9.9, 10.2, 11.3, 12.4], strict=True
        )
    ]
    res = paired(long_frame(pre, post), "id", "wave", "value").iloc[0]
    ref = stats.wilcoxon(np.subtract(post, pre), method="exact")
    assert res["w_method"] == "exact"
    assert res["w"] == ref.statistic
    assert res["p_w"] == pytest.approx(ref.pvalue)


def test_wilcoxon_normal_with_ties_matches_scipy_approx() -> None:
    rng = np.random.default_rng(3)
    pre = rng.integers(3, 10, 30).astype(float)
    post = np.clip(pre + rng.integers(-2, 3, 30), 3, 9)
    diff = post - pre
    res = paired(long_frame(pre, post), "id", "wave", "value").iloc[0]
    ref = stats.wilcoxon(diff[diff != 0], method="approx", correction=False)
    assert res["w_method"] == "normal"
    assert res["p_w"] == pytest.approx(ref.pvalue)


def test_jacobson_truax_1991_formula_on_table_2() -> None:
    """Jacobson & Truax (1991): RC = (x2 - x1) / S_diff, S_diff = sqrt(2 S_E^2),
    S_E = s1 sqrt(1 - r_xx); |RC| > 1.96 is reliable. Table 2's DAS data (higher better),
    as transcribed in AWKruijt/JT-RCI, with the r_xx = .84 its README uses for them. This
    checks the formula on real data; the paper's published worked numbers (s1 = 7.5,
    r_xx = .80 -> S_diff = 4.74, RC = 3.16) are in tests/test_prepost_published_rc.py."""
    frame = long_frame(JT_PRE, JT_POST)
    s1, rxx = 7.5, 0.84
    rc = reliable_change(frame, "id", "wave", "value", rxx, sd_pre=s1)
    s_diff = math.sqrt(2 * (s1 * math.sqrt(1 - rxx)) ** 2)
    expected = (np.array(JT_POST) - np.array(JT_PRE)) / s_diff
    assert rc.subjects["rci"].to_numpy() == pytest.approx(expected)
    assert rc.counts.loc[0, "s_diff"] == pytest.approx(s_diff)
    assert rc.counts.loc[0, "critical_change"] == pytest.approx(1.959964 * s_diff, rel=1e-6)
    n_up = int((expected > 1.959964).sum())
    n_down = int((expected < -1.959964).sum())
    assert rc.counts.loc[0, ["improved", "unchanged", "deteriorated"]].tolist() == [
        n_up,
        30 - n_up - n_down,
        n_down,
    ]
    # couple 28 (61 -> 52) and 29 (80 -> 60.5) fell by more than 1.96 S_diff = 5.9 points
    assert rc.subjects.set_index("id").loc[["S027", "S028"], "category"].tolist() == [
        "deteriorated",
        "deteriorated",
    ]


def test_reliable_change_lower_is_better_flips_categories() -> None:
    frame = long_frame(JT_PRE, JT_POST)
    up = reliable_change(frame, "id", "wave", "value", 0.9, sd_pre=10).counts.iloc[0]
    down = reliable_change(
        frame, "id", "wave", "value", 0.9, sd_pre=10, lower_is_better=True
    ).counts.iloc[0]
    assert up["improved"] == down["deteriorated"]
    assert up["deteriorated"] == down["improved"]


def test_reliable_change_default_sd_and_groups() -> None:
    frame = long_frame(JT_PRE, JT_POST, arm=["A"] * 15 + ["B"] * 15 + ["A"] * 15 + ["B"] * 15)
    rc = reliable_change(frame, "id", "wave", "value", 0.8, group="arm")
    assert rc.counts["sd_pre"].iloc[0] == pytest.approx(np.std(JT_PRE, ddof=1))
    assert rc.counts["arm"].tolist() == ["A", "B"]
    assert rc.counts["n"].tolist() == [15, 15]
    small = reliable_change(frame.iloc[[0, 1, 30, 31]], "id", "wave", "value", 0.8, sd_pre=7.5)
    assert small.counts.loc[0, "withheld"] == "all"
    assert small.counts.loc[0, ["improved", "unchanged", "deteriorated"]].isna().all()


@pytest.mark.parametrize("bad", [1.0, -0.1, 2, "0.8", True])
def test_reliable_change_rejects_bad_reliability(bad: object) -> None:
    with pytest.raises(ConfigError, match="reliability"):
        reliable_change(long_frame(JT_PRE, JT_POST), "id", "wave", "value", bad)


# ------------------------------------------------------------------ the guard


@pytest.mark.parametrize("min_cell", [2, 0, -1])
def test_min_cell_never_below_three(min_cell: int) -> None:
    with pytest.raises(ConfigError, match="at least 3"):
        guard(10, min_cell=min_cell)
    with pytest.raises(ConfigError):
        paired(long_frame(MOVIE_2, MOVIE_1), "id", "wave", "value", min_cell=min_cell)


def test_guard_levels() -> None:
    assert guard(10).withheld == "none"
    assert guard(9).withheld == "inference"
    assert guard(4).withheld == "all"
    assert guard(6, min_pairs=3, min_cell=7).withheld == "all"
    assert guard(6, min_pairs=2, min_cell=5).withheld == "none"
    assert "fewer than" in guard(4).reason


def test_paired_withholds_on_three_people() -> None:
    res = paired(long_frame([7, 8, 9], [4, 5, 6]), "id", "wave", "value").iloc[0]
    assert res["n"] == 3
    assert res["withheld"] == "all"
    assert "min_cell" in res["reason"]
    assert res[["mean_diff", "mean_pre", "p_t", "g_av", "rank_biserial"]].isna().all()


def test_paired_withholds_inference_but_keeps_means() -> None:
    res = paired(long_frame([7, 8, 9, 7, 8, 6], [4, 5, 6, 5, 6, 5]), "id", "wave", "value").iloc[0]
    assert res["withheld"] == "inference"
    assert res["mean_diff"] == pytest.approx(-14 / 6)
    assert res[["p_t", "p_w", "t", "ci_low", "d_z", "g_av", "g_av_ci_low"]].isna().all()
    assert res["w_method"] == "withheld"


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(0, 14),
    min_pairs=st.integers(2, 12),
    min_cell=st.integers(3, 8),
    seed=st.integers(0, 1000),
)
def test_guard_property_nothing_inferential_below_threshold(
    n: int, min_pairs: int, min_cell: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    pre = rng.integers(3, 10, n).astype(float)
    post = rng.integers(3, 10, n).astype(float)
    res = paired(
        long_frame(list(pre), list(post)),
        "id",
        "wave",
        "value",
        min_pairs=min_pairs,
        min_cell=min_cell,
    ).iloc[0]
    inferential = [
        "t",
        "p_t",
        "p_w",
        "w",
        "ci_low",
        "ci_high",
        "d_z",
        "d_av",
        "g_av",
        "g_av_ci_low",
        "g_av_ci_high",
        "rank_biserial",
    ]
    if n < max(min_pairs, min_cell):
        assert res[inferential].isna().all()
        assert res["withheld"] != "none" and isinstance(res["reason"], str)
    if n < min_cell:
        assert res[["mean_pre", "mean_post", "mean_diff", "sd_pre"]].isna().all()


# ------------------------------------------------------------------ invariants


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.integers(-5, 5))
def test_invariants_order_shift_and_direction(seed: int, shift: int) -> None:
    rng = np.random.default_rng(seed)
    pre = rng.integers(3, 10, 14).astype(float)
    post = np.clip(pre + rng.integers(-3, 3, 14), 3, 9)
    frame = long_frame(list(pre), list(post))
    base = paired(frame, "id", "wave", "value").iloc[0]
    shuffled = paired(frame.sample(frac=1, random_state=seed), "id", "wave", "value").iloc[0]
    moved = paired(frame.assign(value=frame["value"] + shift), "id", "wave", "value").iloc[0]
    swapped = paired(frame, "id", "wave", "value", pre="post", post="pre").iloc[0]
    numeric = [c for c in PAIRED_COLUMNS if c not in ("w_method", "withheld", "reason")]
    pd.testing.assert_series_equal(base[numeric], shuffled[numeric], check_names=False)
    for c in ("mean_diff", "t", "p_t", "d_z", "d_av", "g_av", "p_w", "rank_biserial"):
        assert moved[c] == pytest.approx(base[c], nan_ok=True)
    for c in ("mean_diff", "t", "d_z", "d_av", "g_av", "rank_biserial"):
        assert swapped[c] == pytest.approx(-base[c], nan_ok=True, abs=1e-12)
    assert swapped["p_t"] == pytest.approx(base["p_t"], nan_ok=True)


# ------------------------------------------------------------------ argument checks


def test_paired_argument_errors() -> None:
    frame = long_frame(MOVIE_2, MOVIE_1)
    with pytest.raises(ConfigError, match="no column"):
        paired(frame, "id", "wave", "rating")
    with pytest.raises(ConfigError, match="does not occur"):
        paired(frame, "id", "wave", "value", post="efter")
    with pytest.raises(ConfigError, match="duplicate"):
        paired(pd.concat([frame, frame.iloc[[0]]]), "id", "wave", "value")
    with pytest.raises(ConfigError, match="numeric"):
        paired(
            frame.assign(value=frame["value"].astype(str).replace("9", "meget")),
            "id",
            "wave",
            "value",
        )
    with pytest.raises(ConfigError, match="ci"):
        paired(frame, "id", "wave", "value", ci=95)
    with pytest.raises(ConfigError, match="DataFrame"):
        paired(frame.to_dict(), "id", "wave", "value")  # type: ignore[arg-type]


def test_paired_counts_excluded_subjects_and_ignores_followup() -> None:
    frame = long_frame(MOVIE_2, MOVIE_1)
    extra = pd.DataFrame(
        {
            "id": ["X1", "X2", "X3", "S000"],
            "wave": ["pre", "post", "pre", "followup"],
            "value": [5, 5, None, 1],
        }
    )
    res = paired(pd.concat([frame, extra]), "id", "wave", "value").iloc[0]
    assert res["n"] == 10
    assert res["n_excluded"] == 3
    assert res["t"] == pytest.approx(4.743416)


# ------------------------------------------------------------------ by_group


def test_by_group_holm_and_bh_match_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    n = 24
    frame = long_frame(
        list(rng.integers(3, 10, n)),
        list(rng.integers(3, 10, n)),
        arm=["A"] * 12 + ["B"] * 12 + ["A"] * 12 + ["B"] * 12,
    )
    frame["other"] = frame["value"] * 2 + rng.integers(0, 3, 2 * n)
    frame["third"] = rng.integers(0, 5, 2 * n)
    for method in ("holm", "fdr_bh"):
        res = by_group(frame, "arm", "id", "wave", ["value", "other", "third"], padjust=method)
        assert res["arm"].tolist() == ["A"] * 3 + ["B"] * 3
        assert res["indicator"].tolist() == ["value", "other", "third"] * 2
        for _, part in res.groupby("arm"):
            assert part["p_t_adj"].to_numpy() == pytest.approx(
                multipletests(part["p_t"].to_numpy(), method=method)[1]
            )
            assert part["p_w_adj"].to_numpy() == pytest.approx(
                multipletests(part["p_w"].to_numpy(), method=method)[1]
            )
        single = paired(frame[frame["arm"] == "B"], "id", "wave", "other").iloc[0]
        row = res[(res["arm"] == "B") & (res["indicator"] == "other")].iloc[0]
        assert row["t"] == pytest.approx(single["t"])


def test_by_group_argument_errors() -> None:
    frame = long_frame(MOVIE_2, MOVIE_1, arm="A")
    with pytest.raises(ConfigError, match="padjust"):
        by_group(frame, "arm", "id", "wave", "value", padjust="bonferroni")  # type: ignore[arg-type]
    moved = frame.copy()
    moved.loc[0, "arm"] = "B"
    with pytest.raises(ConfigError, match="more than one group"):
        by_group(moved, "arm", "id", "wave", "value")


# ------------------------------------------------------------------ planted data set

PLANTED = {"P1": -2, "P2": -1, "P3": 0, "none": 0}


def planted_dataset(seed: int = 11, per_arm: int = 12) -> Dataset:
    """A data set not in the repository: four arms of 12 residents at 6 sites, with a
    planted change in loneliness per practice; resident P1-00 is lost to follow-up."""
    rng = np.random.default_rng(seed)
    residents, outcomes = [], []
    for a, (arm, delta) in enumerate(PLANTED.items()):
        for i in range(per_arm):
            rid = f"B{a}{i:02d}"
            residents.append((rid, f"H{(a * per_arm + i) % 6 + 1}", "residential", arm))
            before = int(rng.integers(5, 8))
            outcomes.append((rid, "pre", before, int(rng.integers(1, 6)), "self"))
            if not (arm == "P1" and i == 0):
                outcomes.append((rid, "post", before + delta, int(rng.integers(1, 6)), "self"))
    return Dataset.from_frames(
        residents=pd.DataFrame(
            residents, columns=["resident_id", "site_id", "setting", "practice"]
        ),
        outcomes=pd.DataFrame(
            outcomes, columns=["resident_id", "wave", "loneliness", "satisfaction", "respondent"]
        ),
    )


def test_planted_change_recovered_per_practice() -> None:
    ds = planted_dataset()
    long = outcomes_long(ds)
    res = by_group(long, "practice", "resident_id", "wave", "loneliness").set_index("practice")
    for arm, delta in PLANTED.items():
        assert res.loc[arm, "mean_diff"] == delta  # exactly, over complete pairs
    assert res.loc["P1", "n"] == 11
    assert res.loc["P1", "n_excluded"] == 1
    assert res.loc[["P2", "P3", "none"], "n_excluded"].tolist() == [0, 0, 0]
    assert res.loc["none", "mean_diff"] == 0
    assert res.loc["none", "rank_biserial"] != res.loc["none", "rank_biserial"]  # no non-zero diffs
    assert res.loc["none", "w_method"] == "no non-zero differences"


def test_planted_change_recovered_by_the_model() -> None:
    """Difference-in-differences against the comparison group: -2, -1 and 0 as planted."""
    res = model(outcomes_long(planted_dataset()), "loneliness").set_index("practice")
    assert res.loc[["P1", "P2", "P3"], "estimate"].to_numpy() == pytest.approx(
        [-2, -1, 0], abs=1e-6
    )
    assert (res["withheld"] == "none").all()
    assert res.loc["P1", "n_pairs"] == 11


def test_planted_attrition_reports_the_lost_resident() -> None:
    result = attrition(planted_dataset())
    assert result.lost["resident_id"].tolist() == ["B000"]
    assert result.lost["practice"].tolist() == ["P1"]
    row = result.comparison.set_index("value").loc["loneliness"]
    assert (row["n_completed"], row["n_lost"]) == (47, 1)
    assert row["withheld"] == "all"
    assert np.isnan(row["mean_lost"])


def test_attrition_compares_groups_when_large_enough() -> None:
    ds = planted_dataset()
    post = ds.outcomes[ds.outcomes["wave"] == "post"]
    drop = post["resident_id"].isin([f"B2{i:02d}" for i in range(6)])
    ds2 = Dataset.from_frames(
        residents=ds.residents,
        outcomes=pd.concat([ds.outcomes[ds.outcomes["wave"] == "pre"], post[~drop]]).reset_index(
            drop=True
        ),
    )
    row = attrition(ds2).comparison.set_index("value").loc["loneliness"]
    assert row["n_lost"] == 7 and row["withheld"] == "none"
    pre = outcomes_long(ds2).query("wave == 'pre'").set_index("resident_id")["loneliness"]
    lost = pre[[f"B2{i:02d}" for i in range(6)] + ["B000"]]
    assert row["mean_lost"] == pytest.approx(lost.mean())
    assert row["mean_diff"] == pytest.approx(lost.mean() - pre.drop(lost.index).mean())
    assert 0 <= row["p_welch"] <= 1 and 0 <= row["p_mwu"] <= 1


def test_attrition_rejects_non_dataset() -> None:
    with pytest.raises(ConfigError, match="Dataset"):
        attrition(pd.DataFrame())


# ------------------------------------------------------------------ the model


def model_frame(seed: int = 7, per_arm: int = 15, effect: float = -1.5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for a, arm in enumerate(["P1", "none"]):
        for i in range(per_arm):
            rid = f"R{a}{i:02d}"
            site = f"H{(a * per_arm + i) % 6 + 1}"
            base = 6 + rng.normal(0, 1)
            for wave, post in (("pre", 0), ("post", 1)):
                y = base + 0.3 * post + effect * post * (arm == "P1") + rng.normal(0, 0.3)
                rows.append((rid, site, arm, wave, y))
    return pd.DataFrame(rows, columns=["resident_id", "site_id", "practice", "wave", "loneliness"])


def test_model_gaussian_did_matches_complete_pair_difference() -> None:
    frame = model_frame()
    res = model(frame, "loneliness").iloc[0]
    assert res["practice"] == "P1"
    assert res["model"] == "MixedLM"
    assert res["random_effects"] == "resident nested in site"
    change = frame.pivot(index="resident_id", columns="wave", values="loneliness")
    change = (
        (change["post"] - change["pre"])
        .groupby(frame.drop_duplicates("resident_id").set_index("resident_id")["practice"])
        .mean()
    )
    # balanced complete pairs: the DiD of the mixed model is the difference of mean changes
    assert res["estimate"] == pytest.approx(change["P1"] - change["none"], abs=1e-4)
    assert res["ci_low"] < -1.5 < res["ci_high"]
    assert res["withheld"] == "none"
    assert (res["n_pairs"], res["n_pairs_comparison"], res["n_sites"]) == (15, 15, 6)


def test_model_few_sites_uses_resident_intercept_and_says_so() -> None:
    frame = model_frame().assign(site_id="H1")
    res = model(frame, "loneliness").iloc[0]
    assert res["random_effects"].startswith("resident (only 1 site")
    assert np.isfinite(res["estimate"])


def test_model_too_few_residents_gives_a_reason_not_a_crash() -> None:
    frame = model_frame(per_arm=4)
    res = model(frame, "loneliness").iloc[0]
    assert res["withheld"] in ("all", "inference")
    assert "comparison group" in res["reason"] or "complete pairs" in res["reason"]
    assert np.isnan(res["estimate"])


def test_model_count_gee_recovers_rate_ratio() -> None:
    rng = np.random.default_rng(9)
    rows = []
    for a, arm in enumerate(["P1", "none"]):
        for i in range(30):
            base = rng.gamma(5, 1)
            for wave, post in (("pre", 0), ("post", 1)):
                mu = base * (1.5 if (post and arm == "P1") else 1.0)
                rows.append((f"R{a}{i}", f"H{i % 3}", arm, wave, rng.poisson(mu)))
    frame = pd.DataFrame(
        rows, columns=["resident_id", "site_id", "practice", "wave", "n_relations"]
    )
    res = model(frame, "n_relations", family="poisson").iloc[0]
    assert res["model"] == "GEE Poisson" and res["scale"] == "ratio"
    assert res["ci_low"] < 1.5 < res["ci_high"]
    nb = model(frame, "n_relations", family="negative_binomial").iloc[0]
    assert nb["model"] == "GEE negative binomial"
    with pytest.raises(ConfigError, match="counts"):
        model(frame.assign(n_relations=frame["n_relations"] + 0.5), "n_relations", family="poisson")


def test_model_argument_errors() -> None:
    frame = model_frame(per_arm=3)
    with pytest.raises(ConfigError, match="family"):
        model(frame, "loneliness", family="binomial")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="no column"):
        model(frame, "loneliness", site="botilbud")


# ------------------------------------------------------- site-level trial (issue 24)


def _site_frame(changes: dict[str, tuple[str, list[float]]]) -> pd.DataFrame:
    """One row per resident and wave: site -> (practice, residents' changes); pre is 0."""
    rows = []
    for site, (arm, diffs) in changes.items():
        for i, d in enumerate(diffs):
            rid = f"{site}-{i}"
            rows += [(rid, site, arm, "pre", 0.0), (rid, site, arm, "post", d)]
    return pd.DataFrame(rows, columns=["resident_id", "site_id", "practice", "wave", "v"])


def test_cluster_trial_equal_weights_is_students_t_on_site_means() -> None:
    """Hayes & Moulton (2017, sec. 9.2.1): the unweighted t test of the cluster summaries."""
    frame = _site_frame(
        {
            "A": ("P1", [1.0, 2.0, 0.0]),
            "B": ("P1", [3.0, 2.5]),
            "C": ("P1", [0.5, 1.5, 1.0, 2.0]),
            "D": ("none", [0.0, -1.0]),
            "E": ("none", [1.0, 0.0, 0.5]),
            "F": ("none", [-0.5, 0.5]),
        }
    )
    res = cluster_trial(frame, "v", weights="equal", min_pairs=2, min_cell=3).iloc[0]
    treated, control = [1.0, 2.75, 1.25], [-0.5, 0.5, 0.0]
    ref = stats.ttest_ind(treated, control)
    ci = ref.confidence_interval(0.95)
    assert res["estimate"] == pytest.approx(np.mean(treated) - np.mean(control), abs=1e-12)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert res["p"] == pytest.approx(ref.pvalue, abs=1e-12)
    assert (res["df"], res["n_sites"], res["n_sites_comparison"]) == (4, 3, 3)
    assert (res["n_pairs"], res["n_pairs_comparison"]) == (9, 7)
    assert not res["few_sites"] and res["withheld"] == "none"


def test_cluster_trial_pools_the_spread_over_every_arm_with_sites_minus_arms_df() -> None:
    sites = {
        f"S{i}": ("none" if i < 4 else ("P1" if i < 7 else "P2"), [i % 3, 1.0]) for i in range(10)
    }
    res = cluster_trial(_site_frame(sites), "v", min_pairs=2, min_cell=3).set_index("practice")
    assert res["df"].tolist() == [10 - 3, 10 - 3]


def test_cluster_trial_two_sites_per_arm_gives_an_interval_but_no_conclusion() -> None:
    frame = _site_frame(
        {
            "A": ("P1", [1.0, 2.0, 1.5]),
            "B": ("P1", [2.0, 2.5, 3.0]),
            "C": ("none", [0.0, 0.5, -0.5]),
            "D": ("none", [0.0, 1.0, 0.2]),
        }
    )
    res = cluster_trial(frame, "v", min_pairs=2, min_cell=3).iloc[0]
    assert np.isfinite(res["ci_low"]) and res["df"] == 2
    assert res["few_sites"] and "fewer than 3 per arm" in res["reason"]


def test_inverse_variance_weights_equal_equal_weights_for_equal_sites() -> None:
    rng = np.random.default_rng(3)
    sites = {f"S{i}": ("P1" if i < 4 else "none", list(rng.normal(i % 3, 1, 6))) for i in range(8)}
    frame = _site_frame(sites)
    a = cluster_trial(frame, "v", weights="inverse_variance", min_pairs=2, min_cell=3)
    b = cluster_trial(frame, "v", min_pairs=2, min_cell=3)
    assert a[["estimate", "ci_low", "ci_high"]].to_numpy() == pytest.approx(
        b[["estimate", "ci_low", "ci_high"]].to_numpy(), abs=1e-10
    )


def test_cluster_trial_bad_weights_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="weights"):
        cluster_trial(_site_frame({"A": ("P1", [1.0])}), "v", weights="size")  # type: ignore[arg-type]


def test_cluster_change_is_the_pooled_mean_with_a_site_level_interval() -> None:
    frame = _site_frame(
        {"A": ("P1", [1.0, 2.0, 3.0]), "B": ("P1", [0.0, 1.0]), "C": ("P1", [4.0, 4.0, 5.0, 3.0])}
    )
    res = cluster_change(frame, "v").iloc[0]
    m, d = np.array([3.0, 2.0, 4.0]), np.array([2.0, 0.5, 4.0])
    w = m / m.sum()
    est = float((w * d).sum())
    # CR2 with Bell-McCaffrey degrees of freedom, written out as matrices (issue 24: CR1 on
    # J - 1 df was too liberal when sites differ in size).
    b = np.eye(3) - np.outer(np.ones(3), w)
    c = np.diag(w**2 / (1 - w))
    se = np.sqrt((b @ d) @ c @ (b @ d))
    root_s = np.diag(np.sqrt(1 / m))
    a = root_s @ b.T @ c @ b @ root_s
    dof = np.trace(a) ** 2 / np.trace(a @ a)
    assert res["estimate"] == pytest.approx(est)  # the pooled mean of the 9 changes
    assert res["se"] == pytest.approx(se) and res["df"] == pytest.approx(dof)
    assert 1 < dof < 2  # below sites - 1 when the sites differ in size
    half = stats.t.ppf(0.975, dof) * se
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((est - half, est + half))


def test_cluster_change_of_one_site_has_no_interval() -> None:
    res = cluster_change(_site_frame({"A": ("P1", [1.0, 2.0, 3.0])}), "v").iloc[0]
    assert res["n_sites"] == 1 and np.isnan(res["ci_low"]) and np.isnan(res["p"])


def test_model_counts_sites_per_arm_not_all_sites() -> None:
    """Issue 24: six sites of which two carry the practice are two sites for the practice."""
    frame = model_frame().copy()
    arm = frame["practice"] == "P1"
    frame.loc[arm, "site_id"] = np.where(frame.loc[arm, "resident_id"].str[-1] < "5", "T1", "T2")
    frame.loc[~arm, "site_id"] = "C" + frame.loc[~arm, "resident_id"].str[-1].map(
        lambda c: str(int(c) % 6)
    )
    res = model(frame, "loneliness").iloc[0]
    assert res["random_effects"].startswith("resident (only 2 site(s) in an arm")
