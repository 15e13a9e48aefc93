"""Property tests of issue 14 over every public statistic of analyse.stats.agreement and
analyse.stats.prepost:

1. every estimate lies inside its own confidence interval (or the interval is honestly
   NaN at both ends), for every effect size and agreement statistic reported;
2. degenerate inputs (empty, one unit, constant, all missing, infinite) give either a
   result whose intervals are finite or NaN at both ends, or the package's own error.

Kept fast: modest ``max_examples``, small bootstraps, ``deadline=None``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyse.errors import AnalyseError
from analyse.stats import agreement as ag
from analyse.stats import prepost as pp

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOL = 1e-9

# (estimate, lower, upper) columns of every statistic reported with an interval
PAIRED_INTERVALS = [
    ("mean_diff", "ci_low", "ci_high"),
    ("d_av", "d_av_ci_low", "d_av_ci_high"),
    ("g_av", "g_av_ci_low", "g_av_ci_high"),
    ("rank_biserial", "rank_biserial_ci_low", "rank_biserial_ci_high"),
]
RELIABILITY_INTERVALS = [
    ("alpha", "alpha_ci_low", "alpha_ci_high"),
    ("icc", "icc_ci_low", "icc_ci_high"),
    ("ac2", "ac2_ci_low", "ac2_ci_high"),
    ("kappa_w", "kappa_w_ci_low", "kappa_w_ci_high"),
]


def check_intervals(frame: pd.DataFrame, triples: list[tuple[str, str, str]]) -> None:
    """Both limits NaN, or both finite with low <= estimate <= high."""
    for est_col, lo_col, hi_col in triples:
        for est, lo, hi in frame[[est_col, lo_col, hi_col]].astype(float).to_numpy():
            where = f"{est_col}={est!r} in [{lo!r}, {hi!r}]"
            if math.isnan(lo) or math.isnan(hi):
                assert math.isnan(lo) and math.isnan(hi), f"half-undefined interval: {where}"
                continue
            assert math.isfinite(lo) and math.isfinite(hi), where
            assert not math.isnan(est), f"interval without an estimate: {where}"
            assert lo - TOL <= est <= hi + TOL, f"estimate outside its interval: {where}"


def quietly(call: Callable[[], object]) -> object:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return call()


# --------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------


@st.composite
def rating_tables(draw: st.DrawFn, min_raters: int = 2, max_raters: int = 5) -> pd.DataFrame:
    """Long ratings (unit, rater, rating 1-5) with some missing ratings."""
    n_units = draw(st.integers(2, 9))
    n_raters = draw(st.integers(min_raters, max_raters))
    cells = draw(
        st.lists(
            st.one_of(st.integers(1, 5), st.none()),
            min_size=n_units * n_raters,
            max_size=n_units * n_raters,
        )
    )
    rows = [
        (f"u{i}", f"r{j}", cells[i * n_raters + j])
        for i in range(n_units)
        for j in range(n_raters)
        if cells[i * n_raters + j] is not None
    ]
    return pd.DataFrame(rows, columns=["unit", "rater", "rating"]).astype({"rating": float})


@st.composite
def pre_post(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(3, 25))
    pre = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    post = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    return pd.DataFrame(
        {
            "id": [f"S{i}" for i in range(n)] * 2,
            "wave": ["pre"] * n + ["post"] * n,
            "value": [float(v) for v in pre + post],
        }
    )


@st.composite
def understanding_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Staff (and residents) answering 2 items before and after, 1-2 sites."""
    rows = []
    for site in ("H1", "H2")[: draw(st.integers(1, 2))]:
        n_staff = draw(st.integers(2, 6))
        n_res = draw(st.integers(1, 4))
        for wave in ("pre", "post"):
            for item in ("q1", "q2"):
                for k in range(n_staff):
                    rows.append((f"{site}M{k}", "staff", site, wave, item, draw(st.integers(1, 5))))
                for k in range(n_res):
                    rows.append(
                        (f"{site}B{k}", "resident", site, wave, item, draw(st.integers(1, 5)))
                    )
    frame = pd.DataFrame(
        rows, columns=["respondent_id", "role", "site_id", "wave", "item", "rating"]
    )
    return frame.astype({"rating": float})


# --------------------------------------------------------------------------------------
# 1. every estimate inside its own interval
# --------------------------------------------------------------------------------------


@FAST
@given(table=rating_tables())
def test_kappa_type_estimates_lie_inside_their_intervals(table: pd.DataFrame) -> None:
    args = (table, "unit", "rater", "rating")
    for ci_method in ("t", "z"):
        for single_rated in ("keep", "drop"):
            for weights in (None, "linear", "quadratic"):
                try:
                    res = quietly(
                        lambda w=weights, c=ci_method, s=single_rated: ag.gwet_ac(
                            *args, weights=w, ci_method=c, single_rated=s
                        )
                    )
                except AnalyseError:
                    continue
                check_intervals(res, [("ac", "ci_low", "ci_high")])
            try:
                res = quietly(
                    lambda c=ci_method, s=single_rated: ag.fleiss_kappa(
                        *args, ci_method=c, single_rated=s
                    )
                )
            except AnalyseError:
                continue
            check_intervals(res, [("kappa", "ci_low", "ci_high")])


@FAST
@given(table=rating_tables(min_raters=2, max_raters=2))
def test_cohen_kappa_estimates_lie_inside_their_intervals(table: pd.DataFrame) -> None:
    for weights in (None, "linear", "quadratic"):
        for ci_method in ("z", "t"):
            for spacing in ("values", "levels"):
                try:
                    res = quietly(
                        lambda w=weights, c=ci_method, s=spacing: ag.cohen_kappa(
                            table, "unit", "rater", "rating", weights=w, ci_method=c, spacing=s
                        )
                    )
                except AnalyseError:
                    continue
                check_intervals(res, [("kappa", "ci_low", "ci_high")])


@FAST
@given(table=rating_tables(min_raters=2, max_raters=4))
def test_icc_estimates_lie_inside_their_intervals(table: pd.DataFrame) -> None:
    try:
        res = quietly(lambda: ag.icc(table, "unit", "rater", "rating"))
    except AnalyseError:
        return
    check_intervals(res, [("icc", "ci_low", "ci_high")])


@FAST
@given(table=rating_tables(), seed=st.integers(0, 1000))
def test_alpha_estimates_lie_inside_their_bootstrap_intervals(
    table: pd.DataFrame, seed: int
) -> None:
    for bootstrap in ("krippendorff", "units"):
        for level in ("nominal", "ordinal", "interval"):
            res = quietly(
                lambda b=bootstrap, lv=level: ag.krippendorff_alpha(
                    table, "unit", "rater", "rating", level=lv, n_boot=200, seed=seed, bootstrap=b
                )
            )
            check_intervals(res, [("alpha", "ci_low", "ci_high")])


@FAST
@given(data=pre_post())
def test_paired_estimates_lie_inside_their_intervals(data: pd.DataFrame) -> None:
    for method, standardizer in (("auto", "rms"), ("normal", "mean")):
        res = quietly(
            lambda m=method, s=standardizer: pp.paired(
                data, "id", "wave", "value", min_pairs=2, min_cell=3, method=m, standardizer=s
            )
        )
        check_intervals(res, PAIRED_INTERVALS)


@FAST
@given(frame=understanding_tables(), seed=st.integers(0, 1000))
def test_compare_roles_and_change_estimates_lie_inside_their_intervals(
    frame: pd.DataFrame, seed: int
) -> None:
    res = quietly(lambda: ag.compare_roles(frame, n_boot=200, seed=seed))
    check_intervals(res, [("cliffs_delta", "ci_low", "ci_high")])
    for statistic in ("rwg_j", "alpha"):
        res = quietly(lambda s=statistic: ag.change(frame, statistic=s, n_boot=200, seed=seed))
        check_intervals(res, [("difference", "ci_low", "ci_high")])


# --------------------------------------------------------------------------------------
# 2. degenerate inputs: a number with a finite or NaN interval, or the package's error
# --------------------------------------------------------------------------------------

KINDS = ("empty", "one_unit", "constant", "all_missing", "infinite")


def degenerate_ratings(kind: str, value: float, n_raters: int) -> pd.DataFrame:
    raters = [f"r{j}" for j in range(n_raters)]
    if kind == "empty":
        rows: list[tuple[object, object, float]] = []
    elif kind == "one_unit":
        rows = [("u0", r, float(1 + j % 5)) for j, r in enumerate(raters)]
    elif kind == "constant":
        rows = [(f"u{i}", r, value) for i in range(4) for r in raters]
    elif kind == "all_missing":
        rows = [(f"u{i}", r, math.nan) for i in range(4) for r in raters]
    else:
        rows = [
            (f"u{i}", r, float(1 + (i + j) % 5)) for i in range(4) for j, r in enumerate(raters)
        ]
        rows[1] = (rows[1][0], rows[1][1], math.inf)
    frame = pd.DataFrame(rows, columns=["unit", "rater", "rating"])
    return frame.astype({"unit": object, "rater": object, "rating": float})


def as_understanding(ratings: pd.DataFrame) -> pd.DataFrame:
    """Raters become respondents (half staff, half residents), units become items, in
    both waves of one site."""
    codes = sorted(ratings["rater"].unique())
    role = {r: ("staff" if k % 2 == 0 else "resident") for k, r in enumerate(codes)}
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "respondent_id": ratings["rater"],
                    "role": ratings["rater"].map(role),
                    "site_id": "H1",
                    "wave": wave,
                    "item": ratings["unit"],
                    "rating": ratings["rating"],
                }
            )
            for wave in ("pre", "post")
        ],
        ignore_index=True,
    )
    return frame.astype({c: object for c in ("respondent_id", "role", "site_id", "wave", "item")})


def as_assessments(ratings: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rater_id": ratings["rater"],
            "resident_id": ratings["unit"],
            "wave": "pre",
            "aspect": "overall",
            "rating": ratings["rating"],
        }
    ).astype({c: object for c in ("rater_id", "resident_id", "wave", "aspect")})


def as_outcomes(ratings: pd.DataFrame) -> pd.DataFrame:
    first = ratings.drop_duplicates("unit")
    return pd.DataFrame(
        {"resident_id": first["unit"], "wave": "pre", "satisfaction": first["rating"]}
    ).astype({"resident_id": object, "wave": object})


def as_pre_post(ratings: pd.DataFrame) -> pd.DataFrame:
    """Units become subjects; the first rater's rating is pre, the second's post."""
    codes = sorted(ratings["rater"].unique())[:2]
    wave = dict(zip(codes, ("pre", "post"), strict=False))
    sub = ratings[ratings["rater"].isin(wave)]
    frame = pd.DataFrame(
        {
            "id": sub["unit"],
            "wave": sub["rater"].map(wave),
            "value": sub["rating"],
            "g": "G",
            "site_id": sub["unit"],
            "practice": "P1",
        }
    )
    return frame.astype({c: object for c in ("id", "wave", "g", "site_id", "practice")})


R = ("unit", "rater", "rating")
STATISTICS: dict[str, tuple[Callable[[pd.DataFrame], object], list[tuple[str, str, str]]]] = {
    "krippendorff_alpha": (
        lambda d: ag.krippendorff_alpha(d, *R, n_boot=20, seed=1),
        [("alpha", "ci_low", "ci_high")],
    ),
    "krippendorff_alpha_by": (
        lambda d: ag.krippendorff_alpha_by(d.assign(g="G"), "g", *R),
        [],
    ),
    "icc": (lambda d: ag.icc(d, *R), [("icc", "ci_low", "ci_high")]),
    "cohen_kappa": (
        lambda d: ag.cohen_kappa(d, *R, weights="quadratic"),
        [("kappa", "ci_low", "ci_high")],
    ),
    "fleiss_kappa": (lambda d: ag.fleiss_kappa(d, *R), [("kappa", "ci_low", "ci_high")]),
    "gwet_ac": (lambda d: ag.gwet_ac(d, *R), [("ac", "ci_low", "ci_high")]),
    "gwet_ac2": (
        lambda d: ag.gwet_ac(d, *R, weights="linear", single_rated="drop"),
        [("ac", "ci_low", "ci_high")],
    ),
    "rwg": (lambda d: ag.rwg(d.assign(g="G"), "g", "unit", "rating"), []),
    "rwg_j": (lambda d: ag.rwg_j(d.assign(g="G"), "g", "unit", "rating"), []),
    "consensus": (lambda d: ag.consensus(d.assign(g="G"), "g", "unit", "rating"), []),
    "compare_roles": (
        lambda d: ag.compare_roles(as_understanding(d), n_boot=20, seed=1),
        [("cliffs_delta", "ci_low", "ci_high")],
    ),
    "change_rwg_j": (
        lambda d: ag.change(as_understanding(d), role=None, n_boot=20, seed=1),
        [("difference", "ci_low", "ci_high")],
    ),
    "change_alpha": (
        lambda d: ag.change(as_understanding(d), statistic="alpha", role=None, n_boot=20, seed=1),
        [("difference", "ci_low", "ci_high")],
    ),
    "assessment_reliability": (
        lambda d: ag.assessment_reliability(as_assessments(d), n_boot=20, seed=1),
        RELIABILITY_INTERVALS,
    ),
    "assessment_agreement": (
        lambda d: ag.assessment_agreement(as_assessments(d), as_outcomes(d)),
        [("kappa", "ci_low", "ci_high")],
    ),
    "paired": (
        lambda d: pp.paired(as_pre_post(d), "id", "wave", "value", min_pairs=2, min_cell=3),
        PAIRED_INTERVALS,
    ),
    "by_group": (
        lambda d: pp.by_group(as_pre_post(d), "g", "id", "wave", "value", min_pairs=2, min_cell=3),
        PAIRED_INTERVALS,
    ),
    "reliable_change": (
        lambda d: pp.reliable_change(as_pre_post(d), "id", "wave", "value", 0.8).counts,
        [],
    ),
    "reliable_change_sd": (
        lambda d: (
            pp.reliable_change(
                as_pre_post(d), "id", "wave", "value", 0.8, sd_pre=1.0, group="g"
            ).counts
        ),
        [],
    ),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(STATISTICS)),
    kind=st.sampled_from(KINDS),
    value=st.integers(1, 5).map(float),
    n_raters=st.integers(2, 4),
)
def test_degenerate_inputs_give_a_number_or_the_package_error(
    name: str, kind: str, value: float, n_raters: int
) -> None:
    call, triples = STATISTICS[name]
    data = degenerate_ratings(kind, value, n_raters)
    try:
        res = quietly(lambda: call(data))
    except AnalyseError as err:
        assert str(err), "the package's error must say what is wrong"
        return
    assert kind != "infinite", f"{name} accepted an infinite rating"
    assert isinstance(res, pd.DataFrame)
    check_intervals(res, triples)


@pytest.mark.parametrize("name", sorted(STATISTICS))
@pytest.mark.parametrize("kind", KINDS)
def test_every_statistic_and_degenerate_input_once(name: str, kind: str) -> None:
    """The same rule for every combination once (hypothesis samples them above)."""
    test_degenerate_inputs_give_a_number_or_the_package_error.hypothesis.inner_test(
        name, kind, 3.0, 3
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("family", ["gaussian", "count"])
def test_model_degenerate_inputs(kind: str, family: str) -> None:
    """prepost.model on the degenerate pre/post data of 12 residents at 6 sites."""
    n = 12
    value = {
        "empty": [],
        "one_unit": [1.0, 2.0],
        "constant": [3.0] * (2 * n),
        "all_missing": [math.nan] * (2 * n),
        "infinite": [math.inf] + [1.0] * (2 * n - 1),
    }[kind]
    m = len(value) // 2
    frame = pd.DataFrame(
        {
            "resident_id": [f"B{i}" for i in range(m)] * 2,
            "site_id": [f"H{i % 6}" for i in range(m)] * 2,
            "practice": [("P1" if i % 2 else "none") for i in range(m)] * 2,
            "wave": ["pre"] * m + ["post"] * m,
            "v": value,
        }
    ).astype({"resident_id": object, "site_id": object, "practice": object, "wave": object})
    frame["v"] = frame["v"].astype(float)
    try:
        res = quietly(
            lambda: pp.model(frame, "v", family=family, min_sites=2, min_pairs=2, min_cell=3)
        )
    except AnalyseError:
        assert kind in ("infinite", "empty", "one_unit", "all_missing")
        return
    assert kind != "infinite"
    check_intervals(res, [("estimate", "ci_low", "ci_high")])
