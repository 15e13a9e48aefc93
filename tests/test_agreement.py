"""Tests of analyse.stats.agreement: published worked examples, reference libraries, invariants.

Every published number is cited in the test id; the data sets are in
tests/data/agreement/ (see its README for the sources).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statsmodels.stats import inter_rater

from analyse.data.dataset import Dataset
from analyse.errors import ConfigError
from analyse.stats import agreement as ag

DATA = Path(__file__).parent / "data" / "agreement"
#: irrCAC's outputs recorded by tests/data/agreement/make_irrcac_reference.py (irrCAC pins
#: scipy==1.12 and cannot be installed with the package's stack).
IRRCAC = json.loads((DATA / "irrcac_reference.json").read_text(encoding="utf-8"))
HAVE_IRRCAC = importlib.util.find_spec("irrCAC") is not None


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name)


def wide_to_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Units x raters matrix (NaN = missing) to long format."""
    out = wide.rename_axis(index="unit", columns="rater").stack().rename("rating").reset_index()
    return out


# --------------------------------------------------------------------------------------
# Published worked examples
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        pytest.param("nominal", 0.743, id="Krippendorff2011-nominal-.743"),
        pytest.param("ordinal", 0.815, id="Krippendorff2011-ordinal-.815"),
        pytest.param("interval", 0.849, id="Krippendorff2011-interval-.849"),
        pytest.param("ratio", 0.797, id="Krippendorff2011-ratio-.797"),
    ],
)
def test_alpha_krippendorff_2011(level, expected):
    df = read("krippendorff_2011.csv")
    res = ag.krippendorff_alpha(df, "unit", "observer", "value", level=level, n_boot=0)
    assert round(res.at[0, "alpha"], 3) == expected
    assert res.at[0, "n_units"] == 11  # unit 12 has a single value: not pairable
    assert res.at[0, "n_raters"] == 4
    assert res.at[0, "n_pairable"] == 40  # n.. = 40 in Krippendorff (2011)


def test_alpha_hayes_krippendorff_2007_table1():
    """Hayes & Krippendorff (2007), Table 1: ordinal alpha = .7598."""
    df = read("hayes_krippendorff_2007.csv")
    res = ag.krippendorff_alpha(df, "unit", "observer", "value", level="ordinal", seed=1)
    assert round(res.at[0, "alpha"], 4) == 0.7598
    assert res.at[0, "n_units"] == 40
    assert res.at[0, "n_raters"] == 5
    assert res.at[0, "ci_low"] < res.at[0, "alpha"] < res.at[0, "ci_high"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        pytest.param("ICC(1,1)", 0.17, id="ShroutFleiss1979-ICC(1,1)-.17"),
        pytest.param("ICC(2,1)", 0.29, id="ShroutFleiss1979-ICC(2,1)-.29"),
        pytest.param("ICC(3,1)", 0.71, id="ShroutFleiss1979-ICC(3,1)-.71"),
        pytest.param("ICC(1,k)", 0.44, id="ShroutFleiss1979-ICC(1,4)-.44"),
        pytest.param("ICC(2,k)", 0.62, id="ShroutFleiss1979-ICC(2,4)-.62"),
        pytest.param("ICC(3,k)", 0.91, id="ShroutFleiss1979-ICC(3,4)-.91"),
    ],
)
def test_icc_shrout_fleiss_1979_table2(row, expected):
    res = ag.icc(read("shrout_fleiss_1979.csv"), "target", "judge", "rating")
    assert round(res.at[row, "icc"], 2) == expected


def test_icc_matches_pingouin_at_full_precision():
    """pingouin.intraclass_corr is the reference (same formulas, incl. CIs)."""
    df = read("shrout_fleiss_1979.csv")
    ours = ag.icc(df, "target", "judge", "rating")
    ref = pg.intraclass_corr(df, "target", "judge", "rating")
    np.testing.assert_allclose(ours["icc"], ref["ICC"], rtol=1e-12)
    np.testing.assert_allclose(ours["F"], ref["F"], rtol=1e-12)
    np.testing.assert_allclose(ours["p"], ref["pval"], rtol=1e-9)
    np.testing.assert_allclose(ours["df2"], ref["df2"])
    ci = np.vstack(ref["CI95"].to_numpy())
    # pingouin rounds its CI to 2 decimals
    np.testing.assert_allclose(ours[["ci_low", "ci_high"]].to_numpy(), ci, atol=0.005 + 1e-9)
    assert ours["mcgraw_wong"].tolist() == list(ref["Type"].str.replace("ICC(1,1)", "ICC(1)"))[
        :1
    ] + ["ICC(A,1)", "ICC(C,1)", "ICC(k)", "ICC(A,k)", "ICC(C,k)"]


@pytest.fixture
def pingouin_unrounded():
    """pingouin with its CI column at full precision (``pingouin.options``; it rounds the
    CI95 column to 2 decimals by default), restored afterwards."""
    saved = dict(pg.options)
    pg.options.pop("round.column.CI95", None)
    yield pg
    pg.options.clear()
    pg.options.update(saved)


def test_icc_intervals_match_pingouin_unrounded(pingouin_unrounded):
    """Every limit, ICC(A,1) and ICC(A,k) included, at full precision: pingouin 0.7's
    ``intraclass_corr`` (the formulas of Shrout & Fleiss 1979 and McGraw & Wong 1996) with
    rounding switched off. Shrout & Fleiss (1979), Table 2."""
    df = read("shrout_fleiss_1979.csv")
    ours = ag.icc(df, "target", "judge", "rating")
    ref = pingouin_unrounded.intraclass_corr(df, "target", "judge", "rating")
    ci = np.vstack(ref["CI95"].to_numpy())
    assert not np.allclose(ci, ci.round(2))  # the reference really has more decimals
    np.testing.assert_allclose(ours[["ci_low", "ci_high"]].to_numpy(), ci, rtol=1e-9)
    # The same values written out (pingouin 0.7.0, unrounded), so that a change in the
    # reference cannot move the test: ICC(A,1) and ICC(A,k) lower and upper limits.
    np.testing.assert_allclose(
        ours.loc[["ICC(2,1)", "ICC(2,k)"], ["ci_low", "ci_high"]].to_numpy(),
        [[0.01878651, 0.76108437], [0.07113682, 0.92723204]],
        atol=5e-9,
    )


def test_icc_drops_incomplete_targets():
    df = read("shrout_fleiss_1979.csv")
    df.loc[(df["target"] == 6) & (df["judge"] == 2), "rating"] = np.nan
    res = ag.icc(df, "target", "judge", "rating")
    assert (res["n_targets"] == 5).all() and (res["n_dropped"] == 1).all()
    ref = pg.intraclass_corr(df.dropna(), "target", "judge", "rating", nan_policy="omit")
    np.testing.assert_allclose(res["icc"], ref["ICC"], rtol=1e-12)


def test_fleiss_1971_kappa_430():
    """Fleiss (1971): 30 patients x 6 psychiatrists, kappa = .430."""
    df = read("fleiss_1971.csv")
    res = ag.fleiss_kappa(df, "patient", "rater", "diagnosis")
    assert round(res.at[0, "kappa"], 3) == 0.430
    wide = df.pivot(index="patient", columns="rater", values="diagnosis").to_numpy()
    table, _ = inter_rater.aggregate_raters(wide)
    assert res.at[0, "kappa"] == pytest.approx(inter_rater.fleiss_kappa(table), abs=1e-12)
    assert res.at[0, "n_units"] == 30 and res.at[0, "n_raters"] == 6


def test_gwet_2014_ac1_and_fleiss_four_raters():
    """Gwet (2014) 12 units x 4 raters: AC1 .77544 (SE .14295, CI .46081-1); kappa .76117."""
    df = read("gwet_2014_4raters.csv")
    ac = ag.gwet_ac(df, "unit", "rater", "rating").iloc[0]
    assert ac["coefficient"] == "AC1"
    assert round(ac["ac"], 5) == 0.77544
    assert round(ac["se"], 5) == 0.14295
    assert round(ac["ci_low"], 5) == 0.46081 and ac["ci_high"] == 1.0
    kappa = ag.fleiss_kappa(df, "unit", "rater", "rating").iloc[0]
    assert round(kappa["kappa"], 5) == 0.76117
    assert round(kappa["se"], 5) == 0.15302


def irrcac_long(name: str) -> pd.DataFrame:
    """A raw data set of the irrCAC fixture (units x raters, None = missing) in long format."""
    wide = pd.DataFrame(IRRCAC["data"][name], dtype=float)
    return wide_to_long(wide)


def irrcac_case(data: str, method: str, weights: str, level: float = 0.95) -> dict:
    (case,) = [
        c
        for c in IRRCAC["cases"]
        if (c["data"], c["method"], c["weights"], c["confidence_level"])
        == (data, method, weights, level)
    ]
    return case


def test_irrcac_fixture_records_its_version():
    assert IRRCAC["versions"]["irrCAC"] == "0.4.4"
    assert len(IRRCAC["cases"]) == 24


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("dataset", ["raw_4raters", "raw_5observers"])
def test_gwet_and_fleiss_match_irrcac(dataset, weights):
    """irrCAC 0.4.4 (Gwet's own formulas; recorded fixture) is the reference for AC1/AC2
    and Fleiss' kappa: coefficient, SE, t interval, p, pa and pe."""
    long = irrcac_long(dataset)
    ref = irrcac_case(dataset, "gwet", weights or "identity")
    ours = ag.gwet_ac(long, "unit", "rater", "rating", weights=weights).iloc[0]
    assert ours["ac"] == pytest.approx(ref["coefficient"], abs=1e-10)
    assert ours["se"] == pytest.approx(ref["se"], abs=1e-10)
    assert ours["ci_low"] == pytest.approx(ref["ci_low"], abs=1e-10)
    assert ours["ci_high"] == pytest.approx(ref["ci_high"], abs=1e-10)
    assert ours["p"] == pytest.approx(ref["p"], abs=1e-10)
    assert ours["pe"] == pytest.approx(ref["pe"], abs=1e-10)
    assert ours["pa"] == pytest.approx(ref["pa"], abs=1e-10)
    if weights is None:
        ref = irrcac_case(dataset, "fleiss", "identity")
        ours = ag.fleiss_kappa(long, "unit", "rater", "rating").iloc[0]
        assert ours["kappa"] == pytest.approx(ref["coefficient"], abs=1e-10)
        assert ours["se"] == pytest.approx(ref["se"], abs=1e-10)
        assert ours["ci_low"] == pytest.approx(ref["ci_low"], abs=1e-10)
        assert ours["ci_high"] == pytest.approx(ref["ci_high"], abs=1e-10)
        assert ours["p"] == pytest.approx(ref["p"], abs=1e-10)
        assert ours["pe"] == pytest.approx(ref["pe"], abs=1e-10)


@pytest.mark.skipif(
    not HAVE_IRRCAC,
    reason="irrCAC is not installed (it pins scipy==1.12); the recorded fixture "
    "tests/data/agreement/irrcac_reference.json is compared instead",
)
def test_irrcac_fixture_matches_live_irrcac():
    """Where irrCAC can be imported, the recorded fixture must still be what it computes."""
    from irrCAC.raw import CAC  # type: ignore[import-not-found]

    for case in IRRCAC["cases"]:
        if case["method"] == "cohen":
            continue
        wide = pd.DataFrame(IRRCAC["data"][case["data"]], dtype=float)
        live = getattr(CAC(wide, weights=case["weights"], digits=15), case["method"])()["est"]
        assert live["coefficient_value"] == pytest.approx(case["coefficient"], abs=1e-12)
        assert live["se"] == pytest.approx(case["se"], abs=1e-12)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        pytest.param(None, (0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 0.0011), id="SAS-kappa-.4842"),
        pytest.param(
            "linear", (0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 0.0010), id="SAS-wkappa-.4701"
        ),
    ],
)
def test_cohen_kappa_sas_example(weights, expected):
    """SAS PROC FREQ AGREE output for [[0,4,1],[0,8,0],[0,1,5]] (statsmodels' reference)."""
    df = read("sas_kappa_3x3.csv")
    res = ag.cohen_kappa(df, "unit", "rater", "rating", weights=weights, categories=[1, 2, 3])
    got = res[["kappa", "se", "ci_low", "ci_high", "se0", "p"]].iloc[0].to_numpy(float)
    np.testing.assert_allclose(got, expected, atol=5e-5)
    assert res.at[0, "n_units"] == 19


def test_cohen_quadratic_kappa_equals_icc_form():
    """Quadratic weighted kappa equals the Fleiss-Cohen (1973) formula computed directly."""
    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, 40)
    b = np.clip(a + rng.integers(-1, 2, 40), 1, 5)
    df = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(40), 2),
            "rater": ["x", "y"] * 40,
            "rating": np.column_stack([a, b]).ravel(),
        }
    )
    res = ag.cohen_kappa(df, "unit", "rater", "rating", weights="quadratic")
    obs = np.mean((a - b) ** 2)
    exp = np.mean((a[:, None] - b[None, :]) ** 2)
    assert res.at[0, "kappa"] == pytest.approx(1 - obs / exp, abs=1e-12)


def test_consensus_agrmt_example_and_tastle_wierman_bounds():
    """agrmt::consensus doc example: (30,40,210,130,530,50,10) on 7 points -> 0.7256876."""
    freq = [30, 40, 210, 130, 530, 50, 10]
    ratings = [k + 1 for k, f in enumerate(freq) for _ in range(f)]
    bimodal = [1] * 5 + [5] * 5  # Tastle & Wierman: even split at the extremes -> 0
    same = [3] * 6  # everyone agrees -> 1
    df = pd.concat(
        [
            pd.DataFrame({"g": "agrmt", "item": "q", "rating": ratings}),
            pd.DataFrame({"g": "bimodal", "item": "q", "rating": bimodal}),
            pd.DataFrame({"g": "same", "item": "q", "rating": same}),
        ]
    )
    res = ag.consensus(df[df.g == "agrmt"], "g", "item", "rating", scale_points=7)
    assert round(res.at[0, "consensus"], 7) == 0.7256876
    res = ag.consensus(df[df.g != "agrmt"], "g", "item", "rating", scale_points=5)
    assert res.set_index("g")["consensus"].to_dict() == {"bimodal": 0.0, "same": 1.0}


def test_null_variances_follow_james_et_al_proportions():
    """LeBreton & Senter's (2008) 5-point skewed nulls are the variances of James et al.'s
    (1984) response proportions; the uniform null is (A^2 - 1) / 12."""
    x = np.arange(1, 6)
    props = {
        "slight_skew": [0.05, 0.15, 0.20, 0.35, 0.25],
        "moderate_skew": [0.00, 0.10, 0.15, 0.40, 0.35],
        "heavy_skew": [0.00, 0.00, 0.10, 0.40, 0.50],
        "uniform": [0.2] * 5,
    }
    for name, p in props.items():
        p = np.asarray(p)
        var = (p * x**2).sum() - (p * x).sum() ** 2
        assert round(var, 2) == ag.NULL_VARIANCES[name]
    df = pd.DataFrame({"g": "a", "item": "q", "rating": [1, 2]})
    assert ag.rwg(df, "g", "item", "rating", scale_points=7).at[0, "rwg"] == pytest.approx(
        1 - 0.5 / 4
    )


def test_rwg_and_rwg_j_definitions_and_truncation():
    df = pd.DataFrame(
        {
            "g": ["a"] * 10 + ["b"] * 10,
            "item": (["q1"] * 5 + ["q2"] * 5) * 2,
            "rating": [4, 4, 5, 5, 4, 2, 3, 2, 3, 2] + [1, 5, 1, 5, 1, 5, 1, 5, 1, 5],
        }
    )
    r = ag.rwg(df, "g", "item", "rating").set_index(["g", "item"])
    assert r.at[("a", "q1"), "rwg"] == pytest.approx(1 - 0.3 / 2)
    assert r.at[("a", "q1"), "ad_m"] == pytest.approx(0.48)
    # variance 4.8 / 4.8 > 2: truncated to 0 (James et al. 1984)
    assert r.at[("b", "q1"), "variance"] > 2 and r.at[("b", "q1"), "rwg"] == 0.0
    j = ag.rwg_j(df, "g", "item", "rating").set_index("g")
    s2 = 0.3
    assert j.at["a", "rwg_j"] == pytest.approx(2 * (1 - s2 / 2) / (2 * (1 - s2 / 2) + s2 / 2))
    assert j.at["a", "ad_m"] == pytest.approx(0.48)
    assert j.at["b", "rwg_j"] == 0.0
    assert j.at["a", "n_items"] == 2 and j.at["a", "n_raters"] == 5
    skew = ag.rwg(df, "g", "item", "rating", null="slight_skew").set_index(["g", "item"])
    assert skew.at[("a", "q1"), "rwg"] == pytest.approx(1 - 0.3 / 1.34)


def test_rwg_groups_by_several_columns_and_median_ad():
    df = pd.DataFrame(
        {
            "site": ["s1"] * 4 + ["s2"] * 4,
            "wave": ["pre", "pre", "post", "post"] * 2,
            "item": "q",
            "rating": [1, 3, 2, 2, 5, 5, 4, 1],
        }
    )
    res = ag.rwg(df, ["site", "wave"], "item", "rating", ad_center="median")
    assert len(res) == 4 and list(res.columns[:3]) == ["site", "wave", "item"]


# --------------------------------------------------------------------------------------
# Reference implementations on random data (with missing values)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_batch_core_matches_krippendorff_package(level):
    rng = np.random.default_rng(11)
    mat = rng.integers(1, 6, size=(6, 30)).astype(float)
    mat[rng.random(mat.shape) < 0.25] = np.nan
    long = wide_to_long(pd.DataFrame(mat.T))
    counts, values = ag._value_counts(ag._long(long, "unit", "rater", "rating"))
    ours = ag._alpha_from_counts(counts, values, level)
    ref = krippendorff.alpha(reliability_data=mat, level_of_measurement=level)
    assert float(ours) == pytest.approx(ref, abs=1e-12)
    res = ag.krippendorff_alpha(long, "unit", "rater", "rating", level=level, n_boot=0)
    assert res.at[0, "alpha"] == pytest.approx(ref, abs=1e-12)


def test_alpha_bootstrap_is_seeded_and_brackets_the_estimate():
    df = read("hayes_krippendorff_2007.csv")
    a = ag.krippendorff_alpha(df, "unit", "observer", "value", n_boot=500, seed=7)
    b = ag.krippendorff_alpha(df, "unit", "observer", "value", n_boot=500, seed=7)
    c = ag.krippendorff_alpha(df, "unit", "observer", "value", n_boot=500, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    u = ag.krippendorff_alpha(
        df, "unit", "observer", "value", n_boot=500, seed=7, bootstrap="units"
    )
    for res in (a, u):
        assert res.at[0, "ci_low"] < res.at[0, "alpha"] < res.at[0, "ci_high"] <= 1
        assert 0 <= res.at[0, "q_below_0800"] <= 1
    # the unit bootstrap respects the clustering of pairs within units: wider interval
    assert (u.ci_high - u.ci_low).item() > (a.ci_high - a.ci_low).item()


def test_alpha_undefined_without_variation():
    df = pd.DataFrame({"unit": [1, 1, 2, 2], "rater": ["a", "b"] * 2, "rating": [3] * 4})
    res = ag.krippendorff_alpha(df, "unit", "rater", "rating", n_boot=10)
    assert np.isnan(res.at[0, "alpha"]) and np.isnan(res.at[0, "ci_low"])


# --------------------------------------------------------------------------------------
# Property tests (hypothesis)
# --------------------------------------------------------------------------------------

ratings_matrix = st.integers(min_value=3, max_value=8).flatmap(
    lambda n_units: st.integers(min_value=2, max_value=5).flatmap(
        lambda n_raters: st.lists(
            st.lists(st.integers(1, 5), min_size=n_raters, max_size=n_raters),
            min_size=n_units,
            max_size=n_units,
        )
    )
)


def _long_from(matrix: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(f"u{i}", f"r{j}", v) for i, row in enumerate(matrix) for j, v in enumerate(row)],
        columns=["unit", "rater", "rating"],
    )


def _relabel(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units = df["unit"].unique()
    raters = df["rater"].unique()
    umap = dict(zip(units, rng.permutation([f"x{k}" for k in range(len(units))]), strict=True))
    rmap = dict(zip(raters, rng.permutation([f"y{k}" for k in range(len(raters))]), strict=True))
    out = df.assign(unit=df["unit"].map(umap), rater=df["rater"].map(rmap))
    return out.sample(frac=1, random_state=seed).reset_index(drop=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix=ratings_matrix, seed=st.integers(0, 10_000))
def test_invariant_to_relabelling_raters_and_units(matrix, seed):
    df = _long_from(matrix)
    other = _relabel(df, seed)
    for level in ("nominal", "ordinal", "interval"):
        a = ag.krippendorff_alpha(df, "unit", "rater", "rating", level=level, n_boot=0)
        b = ag.krippendorff_alpha(other, "unit", "rater", "rating", level=level, n_boot=0)
        np.testing.assert_allclose(a["alpha"], b["alpha"], atol=1e-12)
    a = ag.gwet_ac(df, "unit", "rater", "rating", categories=range(1, 6))
    b = ag.gwet_ac(other, "unit", "rater", "rating", categories=range(1, 6))
    np.testing.assert_allclose(a[["ac", "se"]], b[["ac", "se"]], atol=1e-12)
    a = ag.fleiss_kappa(df, "unit", "rater", "rating")
    b = ag.fleiss_kappa(other, "unit", "rater", "rating")
    np.testing.assert_allclose(a[["kappa"]], b[["kappa"]], atol=1e-12)
    # rwg_j: raters within groups are exchangeable; groups = raters here, items = units
    a = ag.rwg_j(df.rename(columns={"unit": "item"}).assign(g="G"), "g", "item", "rating")
    b = ag.rwg_j(other.rename(columns={"unit": "item"}).assign(g="G"), "g", "item", "rating")
    np.testing.assert_allclose(a[["rwg_j", "ad_m"]], b[["rwg_j", "ad_m"]], atol=1e-12)
    if len({r[0] for r in matrix}) > 1 or len(matrix[0]) > 1:
        with np.errstate(all="ignore"):
            ia = ag.icc(df, "unit", "rater", "rating")["icc"]
            ib = ag.icc(other, "unit", "rater", "rating")["icc"]
        np.testing.assert_allclose(ia, ib, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(
    truth=st.lists(st.integers(1, 5), min_size=3, max_size=10).filter(lambda v: len(set(v)) > 1),
    n_raters=st.integers(2, 6),
)
def test_perfect_agreement_gives_one(truth, n_raters):
    df = _long_from([[v] * n_raters for v in truth])
    for level in ("nominal", "ordinal", "interval", "ratio"):
        res = ag.krippendorff_alpha(df, "unit", "rater", "rating", level=level, n_boot=20, seed=1)
        assert res.at[0, "alpha"] == pytest.approx(1.0)
        # KALPHA sets the replicates expected to be indeterminate (all pairs of one value)
        # to 0, so only the upper limit is certain to be 1 in small data sets
        assert res.at[0, "ci_high"] == pytest.approx(1.0)
        res = ag.krippendorff_alpha(
            df, "unit", "rater", "rating", level=level, n_boot=20, seed=1, bootstrap="units"
        )
        assert res.at[0, "ci_low"] == pytest.approx(1.0)
    assert ag.fleiss_kappa(df, "unit", "rater", "rating").at[0, "kappa"] == pytest.approx(1.0)
    assert ag.gwet_ac(df, "unit", "rater", "rating").at[0, "ac"] == pytest.approx(1.0)
    np.testing.assert_allclose(ag.icc(df, "unit", "rater", "rating")["icc"], 1.0)
    grouped = df.rename(columns={"unit": "item"}).assign(g="G")
    r = ag.rwg_j(grouped, "g", "item", "rating")
    assert r.at[0, "rwg_j"] == 1.0 and r.at[0, "ad_m"] == 0.0
    assert (ag.rwg(grouped, "g", "item", "rating")["rwg"] == 1.0).all()
    assert (ag.consensus(grouped, "g", "item", "rating")["consensus"] == 1.0).all()
    if n_raters == 2:
        k = ag.cohen_kappa(df, "unit", "rater", "rating", weights="quadratic")
        assert k.at[0, "kappa"] == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(matrix=ratings_matrix, shift=st.integers(-50, 50).filter(lambda s: s != 0))
def test_adding_a_constant_to_interval_data_changes_nothing(matrix, shift):
    df = _long_from(matrix)
    moved = df.assign(rating=df["rating"] + shift)
    a = ag.krippendorff_alpha(df, "unit", "rater", "rating", level="interval", n_boot=0)
    b = ag.krippendorff_alpha(moved, "unit", "rater", "rating", level="interval", n_boot=0)
    np.testing.assert_allclose(a["alpha"], b["alpha"], atol=1e-10)
    a = ag.krippendorff_alpha(df, "unit", "rater", "rating", level="ordinal", n_boot=0)
    b = ag.krippendorff_alpha(moved, "unit", "rater", "rating", level="ordinal", n_boot=0)
    np.testing.assert_allclose(a["alpha"], b["alpha"], atol=1e-10)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(
            ag.icc(df, "unit", "rater", "rating")["icc"],
            ag.icc(moved, "unit", "rater", "rating")["icc"],
            atol=1e-8,
        )


# --------------------------------------------------------------------------------------
# "Done when": identical group vs random group
# --------------------------------------------------------------------------------------


def _staff_groups(seed: int = 20261123) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    items = [f"i{k}" for k in range(10)]
    profile = rng.integers(1, 6, len(items))
    rows = []
    for g, kind in [("identical", "same"), ("noisy", "noise"), ("random", "random")]:
        for r in range(8):
            for k, item in enumerate(items):
                if kind == "same":
                    v = profile[k]
                elif kind == "noise":
                    v = np.clip(profile[k] + rng.integers(-1, 2), 1, 5)
                else:
                    v = rng.integers(1, 6)
                rows.append((g, f"{g}-{r}", item, int(v)))
    return pd.DataFrame(rows, columns=["group", "respondent", "item", "rating"])


def test_identical_group_agrees_perfectly_and_random_group_least():
    df = _staff_groups()
    rj = ag.rwg_j(df, "group", "item", "rating").set_index("group")
    assert rj.at["identical", "rwg_j"] == 1.0 and rj.at["identical", "ad_m"] == 0.0
    assert rj["rwg_j"].idxmin() == "random" and rj["ad_m"].idxmax() == "random"
    alphas = {
        g: ag.krippendorff_alpha(sub, "item", "respondent", "rating", n_boot=0).at[0, "alpha"]
        for g, sub in df.groupby("group")
    }
    assert alphas["identical"] == 1.0
    assert min(alphas, key=alphas.get) == "random"
    cns = ag.consensus(df, "group", "item", "rating").groupby("group")["consensus"].mean()
    assert cns["identical"] == 1.0 and cns.idxmin() == "random"


# --------------------------------------------------------------------------------------
# Staff vs residents, change, assessments
# --------------------------------------------------------------------------------------


def _understanding() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for site in ("H1", "H2"):
        for wave in ("pre", "post"):
            for r in range(12):
                for k in range(4):
                    staff_mean = 4 if k < 2 else 3
                    spread = 2 if wave == "pre" else 0
                    v = staff_mean + rng.integers(-spread, spread + 1) if spread else staff_mean
                    rows.append(
                        (f"{site}-M{r}", "staff", site, wave, f"q{k}", int(np.clip(v, 1, 5)))
                    )
            for r in range(10):
                for k in range(4):
                    rows.append(
                        (f"{site}-B{r}", "resident", site, wave, f"q{k}", int(rng.integers(1, 4)))
                    )
    return pd.DataFrame(
        rows, columns=["respondent_id", "role", "site_id", "wave", "item", "rating"]
    )


def test_compare_roles_ranks_items_by_disagreement():
    u = _understanding()
    res = ag.compare_roles(u, n_boot=200, seed=1)
    assert set(res["wave"]) == {"pre", "post"}
    assert len(res) == 8
    post = res[res["wave"] == "post"].reset_index(drop=True)
    assert post.at[0, "disagreement_rank"] == 1
    assert post["cliffs_delta"].abs().is_monotonic_decreasing
    assert set(post.loc[post["disagreement_rank"] <= 2, "item"]) == {"q0", "q1"}
    assert (res["ci_low"] <= res["cliffs_delta"]).all() and (
        res["cliffs_delta"] <= res["ci_high"]
    ).all()
    # Cliff's delta = 2 U / (n1 n2) - 1 (rank-biserial correlation)
    rb = 2 * res["u"] / (res["n_staff"] * res["n_resident"]) - 1
    np.testing.assert_allclose(rb, res["cliffs_delta"], atol=1e-12)
    ds = Dataset.from_frames(understanding=u)
    pd.testing.assert_frame_equal(ag.compare_roles(ds, n_boot=0), ag.compare_roles(u, n_boot=0))


@pytest.mark.parametrize("statistic", ["rwg_j", "alpha"])
def test_change_detects_more_agreement_after(statistic):
    u = _understanding()
    res = ag.change(u, statistic=statistic, n_boot=200, seed=2)
    assert list(res["site_id"]) == ["H1", "H2"]
    assert (res["after"] > res["before"]).all()
    assert (res["ci_low"] > 0).all() or statistic == "alpha"
    assert (res["ci_low"] <= res["difference"]).all() and (
        res["difference"] <= res["ci_high"]
    ).all()
    assert (res["n_before"] == 12).all()
    again = ag.change(u, statistic=statistic, n_boot=200, seed=2)
    pd.testing.assert_frame_equal(res, again)


def test_change_rwg_j_point_estimates_equal_rwg_j():
    u = _understanding()
    res = ag.change(u, n_boot=0).set_index("site_id")
    staff = u[u.role == "staff"]
    ref = ag.rwg_j(staff, ["site_id", "wave"], "item", "rating").set_index(["site_id", "wave"])
    for site in ("H1", "H2"):
        assert res.at[site, "before"] == pytest.approx(ref.at[(site, "pre"), "rwg_j"])
        assert res.at[site, "after"] == pytest.approx(ref.at[(site, "post"), "rwg_j"])


def test_assessments_reliability_and_staff_vs_resident():
    rng = np.random.default_rng(9)
    residents = [f"B{k}" for k in range(15)]
    truth = rng.integers(1, 6, len(residents))
    a = pd.DataFrame(
        [
            (m, b, "pre", "overall", int(np.clip(t + rng.integers(-1, 2), 1, 5)))
            for b, t in zip(residents, truth, strict=True)
            for m in ("M1", "M2")
        ],
        columns=["rater_id", "resident_id", "wave", "aspect", "rating"],
    )
    rel = ag.assessment_reliability(a, n_boot=100, seed=1)
    assert len(rel) == 1 and rel.at[0, "n_raters"] == 2 and rel.at[0, "n_residents"] == 15
    assert 0 < rel.at[0, "alpha"] <= 1 and 0 < rel.at[0, "icc"] <= 1
    assert rel.at[0, "icc_model"] == "ICC(A,1)"
    assert np.isfinite(rel.at[0, "kappa_w"]) and np.isfinite(rel.at[0, "ac2"])
    # different staff for every resident: one-way ICC(1) on rater slots, no Cohen's kappa
    nested = a.assign(rater_id=a["rater_id"] + "-" + a["resident_id"])
    rel1 = ag.assessment_reliability(nested, n_boot=0)
    assert rel1.at[0, "icc_model"] == "ICC(1)" and 0 < rel1.at[0, "icc"] <= 1
    assert np.isnan(rel1.at[0, "kappa_w"])
    assert rel1.at[0, "alpha"] == pytest.approx(rel.at[0, "alpha"])
    o = pd.DataFrame({"resident_id": residents, "wave": "pre", "satisfaction": truth})
    o.loc[0, "satisfaction"] = pd.NA
    agr = ag.assessment_agreement(a, o)
    assert agr.at[0, "n_residents"] == 14
    assert agr.at[0, "kappa"] > 0.5 and agr.at[0, "share_within_one"] == 1.0
    ds = Dataset.from_frames(assessments=a, outcomes=o.assign(respondent="self"))
    assert ag.assessment_agreement(ds).at[0, "n_residents"] == 14


# --------------------------------------------------------------------------------------
# Interpretation and argument checks
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statistic", "value", "lang", "label"),
    [
        ("alpha", 0.80, "en", "reliable"),
        ("alpha", 0.7999, "en", "tentative conclusions only"),
        ("alpha", 0.5, "da", "upålidelig"),
        ("icc", 0.91, "da", "fremragende"),
        ("fleiss_kappa", 0.43, "en", "moderate"),
        ("rwg_j", 0.70, "en", "moderate agreement"),
        ("rwg", 0.95, "da", "meget stærk enighed"),
        ("ad_m", 0.83, "en", "agreement (AD_M <= A/6)"),
        ("ad_m", 0.84, "en", "no agreement (AD_M > A/6)"),
        ("cliffs_delta", -0.5, "en", "large difference"),
    ],
)
def test_interpret(statistic, value, lang, label):
    assert ag.interpret(statistic, value, lang=lang) == label


def test_interpret_missing_and_unknown():
    assert ag.interpret("alpha", float("nan")) is None
    assert "Krippendorff" in ag.interpretation_citation("krippendorff_alpha")
    with pytest.raises(ConfigError, match="no interpretation bands"):
        ag.interpret("cronbach", 0.8)
    with pytest.raises(ConfigError, match="lang"):
        ag.interpret("alpha", 0.8, lang="de")


def test_argument_errors_say_what_to_do():
    df = read("krippendorff_2011.csv")
    with pytest.raises(ConfigError, match="column 'coder' is not in data"):
        ag.krippendorff_alpha(df, "unit", "coder", "value")
    with pytest.raises(ConfigError, match="level must be one of"):
        ag.krippendorff_alpha(df, "unit", "observer", "value", level="metric")
    with pytest.raises(ConfigError, match="ci must be"):
        ag.krippendorff_alpha(df, "unit", "observer", "value", ci=95)
    with pytest.raises(ConfigError, match="must occur once"):
        ag.krippendorff_alpha(pd.concat([df, df.head(1)]), "unit", "observer", "value")
    bad = df.astype({"value": object})
    bad.loc[3, "value"] = "meget"
    with pytest.raises(ConfigError, match="'meget' in row 3"):
        ag.krippendorff_alpha(bad, "unit", "observer", "value")
    with pytest.raises(ConfigError, match="exactly 2 raters"):
        ag.cohen_kappa(df, "unit", "observer", "value")
    with pytest.raises(ConfigError, match="5-point scales only"):
        ag.rwg(df, "unit", "observer", "value", scale_points=7, null="heavy_skew")
    with pytest.raises(ConfigError, match="whole numbers 1-3"):
        ag.rwg(df, "unit", "observer", "value", scale_points=3)
    with pytest.raises(ConfigError, match="at least 2 raters"):
        ag.icc(df[df.observer == "A"], "unit", "observer", "value")
    with pytest.raises(ConfigError, match="DataFrame"):
        ag.icc(df.to_numpy(), "unit", "observer", "value")
    with pytest.raises(ConfigError, match="n_boot"):
        ag.krippendorff_alpha(df, "unit", "observer", "value", n_boot=-1)
    assert issubclass(ConfigError, ValueError)


def test_single_rating_groups_have_no_agreement_value():
    """As R multilevel::rwg/ad.m: a group with one rating gives NaN, not perfect agreement."""
    df = pd.DataFrame({"g": ["a", "b", "b"], "item": "q", "rating": [3, 2, 4]})
    res = ag.rwg(df, "g", "item", "rating").set_index("g")
    assert np.isnan(res.at["a", "rwg"]) and np.isnan(res.at["a", "ad_m"])
    assert res.at["b", "rwg"] == 0.0 and res.at["b", "ad_m"] == 1.0
    assert np.isnan(ag.rwg_j(df, "g", "item", "rating").set_index("g").at["a", "rwg_j"])
