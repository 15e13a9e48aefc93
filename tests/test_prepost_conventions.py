"""Issue 14 for analyse.stats.prepost: regression tests of the d_av interval and of
reliable_change without complete pairs, refusal of infinite scores, and the Wilcoxon
conventions of R and SciPy as options (R's help-page example; SciPy computed live)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analyse.errors import ConfigError
from analyse.stats.prepost import by_group, paired, reliable_change
from conftest import long_frame

# R's wilcox.test help page, paired example (Hollander & Wolfe 1973, p. 29: depression
# scale before (x) and after (y) therapy): V = 40, p-value = 0.01953 one-sided, exact.
R_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
R_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


# ------------------------------------------------------------------ defect 1: d_av


def test_d_av_lies_inside_its_interval_when_the_sds_differ() -> None:
    """Issue 14 reproducer: 40 residents, pre all 3, post 3, 4, 5, 6 (x 10). Before the fix
    d_av was 2.65 with CI [1.26, 2.47]."""
    post = [3, 4, 5, 6] * 10
    res = paired(long_frame([3] * 40, post), "id", "wave", "value").iloc[0]
    assert res["d_av_ci_low"] < res["d_av"] < res["d_av_ci_high"]
    assert res["g_av_ci_low"] < res["g_av"] < res["g_av_ci_high"]
    sd_av = math.sqrt((0.0 + np.var(post, ddof=1)) / 2)
    assert res["d_av"] == pytest.approx(1.5 / sd_av)
    assert (round(res["d_av_ci_low"], 2), round(res["d_av_ci_high"], 2)) == (1.26, 2.47)


def test_standardizer_mean_is_lakens_d_av_with_its_own_interval() -> None:
    """Lakens (2013, eq. 10): d_av = mean_diff / ((sd_pre + sd_post) / 2); his Table 1
    example gives 1.13. On the issue's reproducer the interval on that scale is about
    [1.79, 3.49] (the issue's figure) and contains d_av = 2.65."""
    movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    res = paired(long_frame(movie_2, movie_1), "id", "wave", "value", standardizer="mean")
    res = res.iloc[0]
    assert res["d_av"] == pytest.approx(
        res["mean_diff"] / ((res["sd_pre"] + res["sd_post"]) / 2), rel=1e-12
    )
    assert round(res["d_av"], 2) == 1.13 and round(res["g_av"], 2) == 1.08
    post = [3, 4, 5, 6] * 10
    res = paired(long_frame([3] * 40, post), "id", "wave", "value", standardizer="mean").iloc[0]
    assert round(res["d_av"], 2) == 2.65
    assert (round(res["d_av_ci_low"], 2), round(res["d_av_ci_high"], 2)) == (1.79, 3.49)
    assert res["g_av_ci_low"] < res["g_av"] < res["g_av_ci_high"]
    with pytest.raises(ConfigError, match="standardizer must be 'rms'"):
        paired(long_frame([3] * 40, post), "id", "wave", "value", standardizer="pooled")
    grouped = by_group(
        long_frame([3] * 40, post, g="a"), "g", "id", "wave", "value", standardizer="mean"
    )
    assert grouped.at[0, "d_av"] == res["d_av"]


def test_d_av_interval_is_the_noncentral_t_interval_on_the_same_scale() -> None:
    """Algina & Keselman (2003): limits = noncentrality limits of the paired t times the
    factor that turns t into d_av (checked here with scipy's nct directly)."""
    pre = [4, 6, 5, 7, 3, 5, 6, 4, 5, 6, 7, 2]
    post = [6, 6, 7, 9, 4, 8, 6, 5, 8, 9, 9, 3]
    res = paired(long_frame(pre, post), "id", "wave", "value").iloc[0]
    factor = res["d_av"] / res["t"]
    lo = res["d_av_ci_low"] / factor
    hi = res["d_av_ci_high"] / factor
    assert stats.nct.sf(res["t"], res["df"], lo) == pytest.approx(0.025, abs=1e-6)
    assert stats.nct.cdf(res["t"], res["df"], hi) == pytest.approx(0.025, abs=1e-6)


def test_d_av_interval_where_scipys_noncentral_t_cdf_is_nan() -> None:
    """Found by the property test: diffs 0, -1, -1 (t = -2, df = 2) need nct.cdf(-2, 2, 12),
    which SciPy returns as NaN; the upper limit used to be NaN while the lower was not."""
    res = paired(
        long_frame([1, 2, 2], [1, 1, 1]), "id", "wave", "value", min_pairs=2, min_cell=3
    ).iloc[0]
    assert np.isfinite(res["d_av_ci_low"]) and np.isfinite(res["d_av_ci_high"])
    assert res["d_av_ci_low"] < res["d_av"] < res["d_av_ci_high"]
    factor = res["d_av"] / res["t"]  # se / s_av > 0
    lo, hi = res["d_av_ci_low"] / factor, res["d_av_ci_high"] / factor
    assert 1 - stats.nct.sf(res["t"], 2, hi) == pytest.approx(0.025, abs=1e-6)
    assert stats.nct.sf(res["t"], 2, lo) == pytest.approx(0.025, abs=1e-6)


# ------------------------------------------------------------------ defect 4: reliable change


def test_reliable_change_without_any_complete_pair_is_a_clear_result() -> None:
    """Issue 14 reproducer: every post score missing."""
    df = long_frame([3, 4, 5, 6, 7], [np.nan] * 5)
    rc = reliable_change(df, "id", "wave", "value", 0.8)
    assert rc.subjects.empty
    row = rc.counts.iloc[0]
    assert row["group"] == "all" and row["n"] == 0
    assert "no complete pair" in row["reason"]
    assert pd.isna(row["improved"])


def test_reliable_change_keeps_a_group_without_complete_pairs() -> None:
    pre = [10, 12, 14, 16, 18, 11, 13, 15, 17, 19, 10, 20]
    post = [20, 22, 24, 26, 28, 21, 23, 25, 27, 29, np.nan, np.nan]
    groups = ["P1"] * 10 + ["P2"] * 2
    df = long_frame(pre, post, practice=groups * 2)
    rc = reliable_change(df, "id", "wave", "value", 0.8, sd_pre=5.0, group="practice")
    counts = rc.counts.set_index("practice")
    assert list(counts.index) == ["P1", "P2"]
    assert counts.at["P1", "n"] == 10 and counts.at["P1", "improved"] == 10
    assert counts.at["P2", "n"] == 0
    assert counts.at["P2", "withheld"] == "all"
    assert "no complete pair" in counts.at["P2", "reason"]


# ------------------------------------------------------------------ infinite scores


@pytest.mark.parametrize(
    "call",
    [
        lambda d: paired(d, "id", "wave", "value"),
        lambda d: by_group(d.assign(g="a"), "g", "id", "wave", "value"),
        lambda d: reliable_change(d, "id", "wave", "value", 0.8),
    ],
    ids=["paired", "by_group", "reliable_change"],
)
def test_infinite_score_is_refused(call) -> None:
    df = long_frame([1, 2, 3, 4, 5, 6], [2, 3, np.inf, 5, 6, 7])
    with pytest.raises(ConfigError, match=r"must hold finite numbers; row 8 holds inf"):
        call(df)


# ------------------------------------------------------------------ Wilcoxon options


def test_wilcoxon_default_reproduces_r_help_page_exact_p() -> None:
    """R: wilcox.test(x, y, paired = TRUE, alternative = "greater"): V = 40, p = 0.01953;
    two-sided exact p = 2 x 0.01953125. Here pre = x, post = y (y - x mostly negative)."""
    res = paired(long_frame(R_X, R_Y), "id", "wave", "value", min_pairs=5).iloc[0]
    assert res["w_method"] == "exact"
    assert res["w"] == 5.0  # min(V+, V-) = min(5, 40) as scipy
    assert res["p_w"] == pytest.approx(0.0390625, abs=1e-12)
    for method in ("exact", "auto"):
        again = paired(
            long_frame(R_X, R_Y), "id", "wave", "value", min_pairs=5, method=method
        ).iloc[0]
        assert again["p_w"] == res["p_w"]


@pytest.mark.parametrize("correction", [False, True])
def test_wilcoxon_normal_option_reproduces_scipy(correction: bool) -> None:
    """method="normal" is scipy.stats.wilcoxon(method="approx") / R exact = FALSE, with or
    without R's continuity correction."""
    res = paired(
        long_frame(R_X, R_Y),
        "id",
        "wave",
        "value",
        min_pairs=5,
        method="normal",
        correction=correction,
    ).iloc[0]
    diff = np.subtract(R_Y, R_X)
    ref = stats.wilcoxon(diff, method="approx", correction=correction)
    assert res["w_method"] == "normal"
    assert res["p_w"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res["w"] == ref.statistic


def test_wilcoxon_exact_falls_back_to_normal_with_ties_as_r() -> None:
    pre = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    post = [2, 4, 4, 6, 6, 8, 9, 9, 11, 12, 12, 14]  # tied |differences|
    res = paired(long_frame(pre, post), "id", "wave", "value", method="exact").iloc[0]
    ref = stats.wilcoxon(np.subtract(post, pre), method="approx", correction=False)
    assert res["w_method"] == "normal"
    assert res["p_w"] == pytest.approx(ref.pvalue, rel=1e-12)
    corrected = paired(
        long_frame(pre, post), "id", "wave", "value", method="exact", correction=True
    ).iloc[0]
    ref = stats.wilcoxon(np.subtract(post, pre), method="approx", correction=True)
    assert corrected["p_w"] == pytest.approx(ref.pvalue, rel=1e-12)


def test_by_group_passes_the_wilcoxon_options_on() -> None:
    df = long_frame(R_X, R_Y, g="a")
    res = by_group(df, "g", "id", "wave", "value", min_pairs=5, method="normal", correction=True)
    ref = stats.wilcoxon(np.subtract(R_Y, R_X), method="approx", correction=True)
    assert res.at[0, "p_w"] == pytest.approx(ref.pvalue, rel=1e-12)


def test_wilcoxon_option_errors() -> None:
    df = long_frame(R_X, R_Y)
    with pytest.raises(ConfigError, match="method must be one of"):
        paired(df, "id", "wave", "value", method="approx")
    with pytest.raises(ConfigError, match="correction must be True or False"):
        paired(df, "id", "wave", "value", correction="yes")
