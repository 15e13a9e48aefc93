"""Issue 14 for analyse.stats.agreement: the defects' regression tests and the conventions of
other tools as options, each tested against that tool's published or recorded number.

Sources: R ``irr`` (help page of ``kappa2`` and the full-precision outputs recorded in
statsmodels' ``test_inter_rater.py``), irrCAC 0.4.4 (recorded in
tests/data/agreement/irrcac_reference.json), SciPy (computed live), R ``wilcox.test``'s
help page.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analyse.errors import ConfigError
from analyse.stats import agreement as ag

DATA = Path(__file__).parent / "data" / "agreement"
IRRCAC = json.loads((DATA / "irrcac_reference.json").read_text(encoding="utf-8"))


def irrcac_case(data: str, method: str, weights: str, level: float = 0.95) -> dict:
    (case,) = [
        c
        for c in IRRCAC["cases"]
        if (c["data"], c["method"], c["weights"], c["confidence_level"])
        == (data, method, weights, level)
    ]
    return case


def irrcac_long(name: str) -> pd.DataFrame:
    wide = pd.DataFrame(IRRCAC["data"][name], dtype=float)
    return wide.rename_axis(index="unit", columns="rater").stack().rename("rating").reset_index()


def table_long(table: list[list[int]]) -> pd.DataFrame:
    """A two-rater contingency table (categories 1..q) as long ratings."""
    pairs = [
        (i + 1, j + 1)
        for i, row in enumerate(table)
        for j, count in enumerate(row)
        for _ in range(count)
    ]
    return pd.DataFrame(
        [(u, r, pair[r]) for u, pair in enumerate(pairs) for r in (0, 1)],
        columns=["unit", "rater", "rating"],
    )


def estimate(res: pd.Series) -> float:
    return float(res["kappa"] if "kappa" in res else res["ac"])


def anxiety(raters: tuple[str, str]) -> pd.DataFrame:
    df = pd.read_csv(DATA / "irr_anxiety.csv")
    return df[df["rater"].isin(raters)]


# --------------------------------------------------------------------------------------
# Defect 2: an undefined interval is NaN, never a bound clamped from NaN to 1.0
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [ag.fleiss_kappa, ag.gwet_ac])
def test_one_unit_has_an_undefined_interval_not_an_upper_limit_of_one(func):
    """Issue 14 reproducer: one unit rated 1, 2, 3 -> kappa -0.5, SE NaN, CI [NaN, NaN]."""
    df = pd.DataFrame({"unit": ["u"] * 3, "rater": ["a", "b", "c"], "rating": [1, 2, 3]})
    res = func(df, "unit", "rater", "rating").iloc[0]
    assert estimate(res) == pytest.approx(-0.5)
    assert np.isnan(res["se"])
    assert np.isnan(res["ci_low"]) and np.isnan(res["ci_high"])


def test_fleiss_kappa_of_identical_ratings_is_undefined_with_an_undefined_interval():
    """Issue 14 reproducer: all ratings equal -> kappa NaN; ci_high was 1.0."""
    df = pd.DataFrame({"unit": np.repeat([1, 2, 3], 2), "rater": ["a", "b"] * 3, "rating": 4})
    res = ag.fleiss_kappa(df, "unit", "rater", "rating").iloc[0]
    assert np.isnan(res["kappa"])
    assert np.isnan(res["ci_low"]) and np.isnan(res["ci_high"])


# --------------------------------------------------------------------------------------
# Defect 3: an empty table is the package's own error, as in icc
# --------------------------------------------------------------------------------------


EMPTY = pd.DataFrame(
    {
        "unit": pd.Series([], dtype=object),
        "rater": pd.Series([], dtype=object),
        "rating": pd.Series([], dtype=float),
    }
)
ALL_MISSING = pd.DataFrame({"unit": [1, 1, 2, 2], "rater": ["a", "b"] * 2, "rating": np.nan})


@pytest.mark.parametrize("data", [EMPTY, ALL_MISSING], ids=["empty", "all-missing"])
@pytest.mark.parametrize(
    "func", [ag.fleiss_kappa, ag.gwet_ac, ag.cohen_kappa], ids=lambda f: f.__name__
)
def test_empty_table_raises_config_error(func, data):
    with pytest.raises(ConfigError, match=rf"{func.__name__} needs at least one unit rated by"):
        func(data, "unit", "rater", "rating")


def test_units_rated_once_only_raise_config_error():
    df = pd.DataFrame({"unit": [1, 2, 3], "rater": ["a", "b", "c"], "rating": [1, 2, 3]})
    with pytest.raises(ConfigError, match="no unit|at least one unit rated by two"):
        ag.gwet_ac(df, "unit", "rater", "rating")


# --------------------------------------------------------------------------------------
# inf is not a rating
# --------------------------------------------------------------------------------------


INFINITE = pd.DataFrame(
    {"unit": [1, 1, 2, 2], "rater": ["a", "b"] * 2, "rating": [1, np.inf, 2, 3]}
)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: ag.krippendorff_alpha(d, "unit", "rater", "rating", n_boot=0),
        lambda d: ag.krippendorff_alpha_by(d.assign(g=1), "g", "unit", "rater", "rating"),
        lambda d: ag.icc(d, "unit", "rater", "rating"),
        lambda d: ag.cohen_kappa(d, "unit", "rater", "rating"),
        lambda d: ag.fleiss_kappa(d, "unit", "rater", "rating"),
        lambda d: ag.gwet_ac(d, "unit", "rater", "rating"),
        lambda d: ag.rwg(d.assign(g=1), "g", "unit", "rating", scale_points=5),
        lambda d: ag.consensus(d.assign(g=1), "g", "unit", "rating"),
    ],
    ids=["alpha", "alpha_by", "icc", "cohen", "fleiss", "gwet", "rwg", "consensus"],
)
def test_infinite_rating_is_refused(call):
    with pytest.raises(ConfigError, match="must hold finite numbers; .* holds inf in row 1"):
        call(INFINITE)


def test_negative_infinite_rating_is_refused_too():
    with pytest.raises(ConfigError, match="holds -inf"):
        ag.gwet_ac(INFINITE.replace(np.inf, -np.inf), "unit", "rater", "rating")


# --------------------------------------------------------------------------------------
# kappa interval: ci_method="z" | "t"
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0.95, 0.90])
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_t_interval_reproduces_irrcac(weights, level):
    """irrCAC's CAC(table).cohen() on the SAS 3 x 3 table: same kappa and SE as SAS, t(n-1)
    interval (recorded fixture, irrCAC 0.4.4)."""
    ref = irrcac_case("sas_kappa_3x3", "cohen", weights or "identity", level)
    df = table_long(IRRCAC["data"]["sas_kappa_3x3"])
    res = ag.cohen_kappa(
        df, "unit", "rater", "rating", weights=weights, ci=level, ci_method="t"
    ).iloc[0]
    assert res["kappa"] == pytest.approx(ref["coefficient"], abs=1e-12)
    assert res["se"] == pytest.approx(ref["se"], abs=1e-12)
    assert res["ci_low"] == pytest.approx(ref["ci_low"], abs=1e-12)
    assert res["ci_high"] == pytest.approx(ref["ci_high"], abs=1e-12)
    # the default stays SAS's z interval: kappa 0.4842, CI 0.2137-0.7547 (unweighted)
    z = ag.cohen_kappa(df, "unit", "rater", "rating", weights=weights, ci=level).iloc[0]
    assert z["ci_low"] == pytest.approx(z["kappa"] - stats.norm.ppf(0.5 + level / 2) * z["se"])
    assert z["ci_low"] > res["ci_low"]


@pytest.mark.parametrize("func", [ag.fleiss_kappa, ag.gwet_ac], ids=lambda f: f.__name__)
def test_z_interval_of_fleiss_and_gwet(func):
    """Default t (irrCAC); ci_method="z": estimate -+ z se and a z test, same estimate and SE."""
    df = irrcac_long("raw_4raters")
    t = func(df, "unit", "rater", "rating").iloc[0]
    z = func(df, "unit", "rater", "rating", ci_method="z").iloc[0]
    est = estimate(t)
    assert z["se"] == t["se"]
    crit = stats.norm.ppf(0.975)
    assert z["ci_low"] == pytest.approx(est - crit * t["se"], abs=1e-12)
    assert z["ci_high"] == pytest.approx(min(1.0, est + crit * t["se"]), abs=1e-12)
    assert z["p"] == pytest.approx(2 * stats.norm.sf(est / t["se"]), rel=1e-9)
    assert z["ci_low"] > t["ci_low"]  # narrower than t(11)
    with pytest.raises(ConfigError, match="ci_method must be one of"):
        func(df, "unit", "rater", "rating", ci_method="normal")


# --------------------------------------------------------------------------------------
# Gwet's treatment of units rated by one rater: single_rated="keep" | "drop"
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "weights"),
    [("gwet", "identity"), ("gwet", "linear"), ("gwet", "quadratic"), ("fleiss", "identity")],
)
def test_single_rated_drop_reproduces_irrcac_without_those_units(method, weights):
    """raw_4raters' unit 12 is rated once. "keep" (default) is irrCAC on the full table;
    "drop" is irrCAC on the table without it (recorded fixture). fleiss_kappa has no
    weights, so only its unweighted case."""
    long = irrcac_long("raw_4raters")
    kw = {"weights": None if weights == "identity" else weights} if method == "gwet" else {}
    func = ag.gwet_ac if method == "gwet" else ag.fleiss_kappa
    keep = func(long, "unit", "rater", "rating", **kw).iloc[0]
    drop = func(long, "unit", "rater", "rating", single_rated="drop", **kw).iloc[0]
    for res, data in ((keep, "raw_4raters"), (drop, "raw_4raters_pairable")):
        ref = irrcac_case(data, method, weights)
        assert estimate(res) == pytest.approx(ref["coefficient"], abs=1e-10)
        assert res["se"] == pytest.approx(ref["se"], abs=1e-10)
        assert res["ci_low"] == pytest.approx(ref["ci_low"], abs=1e-10)
        assert res["pe"] == pytest.approx(ref["pe"], abs=1e-10)
    assert keep["n_units"] == 12 and drop["n_units"] == 11
    assert estimate(keep) != pytest.approx(estimate(drop), abs=1e-6)


# --------------------------------------------------------------------------------------
# irr's equal spacing of the observed levels: spacing="levels"
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raters", "weights", "kappa", "z", "p"),
    [
        pytest.param(
            ("rater2", "rater3"), None, -0.006289308, -0.0604067, 0.9518317, id="unweighted"
        ),
        pytest.param(
            ("rater2", "rater3"), "linear", 0.1459075, 1.282472, 0.1996772, id="equal-.1459"
        ),
        pytest.param(
            ("rater2", "rater3"), "quadratic", 0.2520325, 1.437451, 0.1505898, id="squared-.2520"
        ),
        pytest.param(("rater1", "rater2"), "quadratic", 0.297, 1.34, 0.18, id="helppage-.297"),
    ],
)
def test_spacing_levels_reproduces_irr_kappa2(raters, weights, kappa, z, p):
    """R irr::kappa2 on the anxiety data (help page; full precision from statsmodels'
    record of irr's output). irr numbers the levels used (rating 5 is unused by raters 2
    and 3) and spaces them equally."""
    df = anxiety(raters)
    res = ag.cohen_kappa(df, "subject", "rater", "rating", weights=weights, spacing="levels")
    digits = 3 if kappa == 0.297 else 7
    assert round(res.at[0, "kappa"], digits) == pytest.approx(kappa, abs=10.0**-digits)
    assert res.at[0, "z"] == pytest.approx(z, abs=10.0 ** -min(digits, 5))
    assert res.at[0, "p"] == pytest.approx(p, abs=10.0 ** -min(digits, 6))


def test_spacing_levels_takes_irrs_levels_from_complete_pairs_only():
    """irr drops incomplete units first: a rating only an unpaired unit has is no level."""
    df = anxiety(("rater2", "rater3"))
    extra = pd.DataFrame({"subject": [99], "rater": ["rater2"], "rating": [5]})
    with_extra = pd.concat([df, extra], ignore_index=True)
    for weights in ("linear", "quadratic"):
        a = ag.cohen_kappa(df, "subject", "rater", "rating", weights=weights, spacing="levels")
        b = ag.cohen_kappa(
            with_extra, "subject", "rater", "rating", weights=weights, spacing="levels"
        )
        pd.testing.assert_frame_equal(a, b)


def test_spacing_values_is_the_default_and_differs_where_a_level_is_unused():
    df = anxiety(("rater2", "rater3"))
    values = ag.cohen_kappa(df, "subject", "rater", "rating", weights="linear")
    levels = ag.cohen_kappa(df, "subject", "rater", "rating", weights="linear", spacing="levels")
    explicit = ag.cohen_kappa(df, "subject", "rater", "rating", weights="linear", spacing="values")
    pd.testing.assert_frame_equal(values, explicit)
    assert values.at[0, "kappa"] != pytest.approx(levels.at[0, "kappa"], abs=1e-3)
    unweighted = ag.cohen_kappa(df, "subject", "rater", "rating", spacing="levels")
    assert unweighted.at[0, "kappa"] == pytest.approx(
        ag.cohen_kappa(df, "subject", "rater", "rating").at[0, "kappa"]
    )
    with pytest.raises(ConfigError, match="spacing must be one of"):
        ag.cohen_kappa(df, "subject", "rater", "rating", spacing="ranks")


# --------------------------------------------------------------------------------------
# compare_roles: the Mann-Whitney p-value it computes, and the options
# --------------------------------------------------------------------------------------

# R's wilcox.test help page, two-sample example: W = 35, p-value = 0.1272 (one-sided
# "greater", exact), so two-sided 0.2544.
R_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
R_Y = [1.15, 0.88, 0.90, 0.74, 1.21]


def _roles(x: list[float], y: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "role": ["staff"] * len(x) + ["resident"] * len(y),
            "item": "q1",
            "wave": "pre",
            "rating": x + y,
        }
    )


def test_compare_roles_default_is_exact_for_small_tie_free_samples_as_r():
    res = ag.compare_roles(_roles(R_X, R_Y), n_boot=0).iloc[0]
    assert res["u"] == 35.0
    assert round(res["p"], 4) == 0.2544  # R: 2 x 0.1272 (exact)
    assert res["p"] == pytest.approx(stats.mannwhitneyu(R_X, R_Y, method="exact").pvalue)


@pytest.mark.parametrize("method", ["auto", "exact", "normal"])
@pytest.mark.parametrize("correction", [True, False])
def test_compare_roles_options_reproduce_scipy(method, correction):
    rng = np.random.default_rng(4)
    x = rng.integers(1, 6, 14).astype(float).tolist()
    y = rng.integers(1, 6, 9).astype(float).tolist()
    res = ag.compare_roles(_roles(x, y), n_boot=0, method=method, correction=correction)
    ref = stats.mannwhitneyu(
        x,
        y,
        alternative="two-sided",
        method="asymptotic" if method == "normal" else method,
        use_continuity=correction,
    )
    assert res.at[0, "p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert res.at[0, "u"] == ref.statistic


def test_compare_roles_docstring_names_the_p_value_it_computes():
    doc = " ".join(ag.compare_roles.__doc__.split())
    assert "exact p-value" in doc and "continuity" in doc
    assert "asymptotic p-value with tie correction (ratings" not in doc
