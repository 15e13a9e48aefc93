"""Tests of analyse.stats.relations: hand-computed networks, IQV, turnover, needs, summarise."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyse.data.dataset import Dataset
from analyse.errors import ConfigError
from analyse.stats.relations import ALTER_TYPES, indicators, needs, summarise, turnover

# --------------------------------------------------------------------------- fixture


def _rel(rid, wave, alter, atype, close, contact, gives, receives):
    return {
        "resident_id": rid,
        "wave": wave,
        "alter_id": alter,
        "alter_type": atype,
        "closeness": close,
        "contact": contact,
        "resident_gives": gives,
        "resident_receives": receives,
    }


@pytest.fixture(scope="module")
def ds() -> Dataset:
    """Five residents, each a hand-computed case (see the test docstrings)."""
    residents = pd.DataFrame(
        {
            "resident_id": ["B1", "B2", "B3", "B4", "B5"],
            "site_id": ["H1", "H1", "H2", "H2", "H10"],
            "setting": ["residential", "residential", "own_home", "residential", "own_home"],
            "practice": ["P1", "none", "P1", "none", "P2"],
        }
    )
    relations = pd.DataFrame(
        [
            # B1: mixed network; staff member lost, friend moves in, volunteer gained.
            _rel("B1", "pre", "A1", "family", 1, "weekly", True, True),
            _rel("B1", "pre", "A2", "staff", 1, "daily", False, True),
            _rel("B1", "pre", "A3", "friend", 3, "rarely", True, False),
            _rel("B1", "post", "A1", "family", 1, "weekly", True, True),
            _rel("B1", "post", "A3", "friend", 2, "monthly", True, True),
            _rel("B1", "post", "A4", "volunteer", 2, "weekly", False, True),
            # B2: assessed in both waves, no relationships at all (zero network).
            # B3: attrition, assessed at pre only.
            _rel("B3", "pre", "A5", "co_resident", 2, "daily", False, True),
            _rel("B3", "pre", "A6", "staff", 1, "daily", False, True),
            # B4: all-staff network.
            _rel("B4", "pre", "A7", "staff", 1, "daily", True, True),
            _rel("B4", "pre", "A8", "staff", 1, "weekly", False, True),
            _rel("B4", "pre", "A9", "staff", 2, "monthly", False, True),
            _rel("B4", "post", "A7", "staff", 1, "daily", True, True),
            _rel("B4", "post", "A8", "staff", 3, "weekly", False, True),
            _rel("B4", "post", "A10", "staff", 1, "daily", False, True),
            # B5: in outcomes (pre), absent from relations entirely.
        ]
    )
    outcomes = pd.DataFrame(
        {
            "resident_id": ["B1", "B1", "B2", "B2", "B3", "B4", "B4", "B5"],
            "wave": ["pre", "post", "pre", "post", "pre", "pre", "post", "pre"],
            "wants_more": ["yes", "no", "yes", "unknown", None, "no", "yes", "no"],
            "respondent": "self",
        }
    )
    return Dataset.from_frames(residents=residents, relations=relations, outcomes=outcomes)


def _row(frame: pd.DataFrame, rid: str, wave: str | None = None) -> pd.Series:
    mask = frame["resident_id"] == rid
    if wave is not None:
        mask &= frame["wave"].astype(str) == wave
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {rid} {wave}, found {len(rows)}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- indicators

EXPECTED = {
    # (resident, wave): hand-counted from the fixture.
    ("B1", "pre"): dict(
        n_relations=3,
        n_staff=1,
        n_nonstaff=2,
        n_close=2,
        n_close_nonstaff=1,
        n_gives=2,
        n_reciprocal=1,
        gives_any=True,
        share_gives=2 / 3,
        n_types=3,
        staff_share=1 / 3,
        n_frequent=2,
        only_staff_close=False,
        diversity=(1 - 3 / 9) / (1 - 1 / 8),
        n_family=1,
        n_friend=1,
        n_volunteer=0,
    ),
    ("B1", "post"): dict(
        n_relations=3,
        n_staff=0,
        n_nonstaff=3,
        n_close=1,
        n_close_nonstaff=1,
        n_gives=2,
        n_reciprocal=2,
        gives_any=True,
        share_gives=2 / 3,
        n_types=3,
        staff_share=0.0,
        n_frequent=2,
        only_staff_close=False,
        diversity=(1 - 3 / 9) / (1 - 1 / 8),
        n_family=1,
        n_friend=1,
        n_volunteer=1,
    ),
    ("B2", "pre"): dict(
        n_relations=0,
        n_staff=0,
        n_nonstaff=0,
        n_close=0,
        n_close_nonstaff=0,
        n_gives=0,
        n_reciprocal=0,
        gives_any=False,
        share_gives=math.nan,
        n_types=0,
        staff_share=math.nan,
        n_frequent=0,
        only_staff_close=True,
        diversity=math.nan,
    ),
    ("B3", "pre"): dict(
        n_relations=2,
        n_staff=1,
        n_nonstaff=1,
        n_close=1,
        n_close_nonstaff=0,
        n_gives=0,
        n_reciprocal=0,
        gives_any=False,
        share_gives=0.0,
        n_types=2,
        staff_share=0.5,
        n_frequent=2,
        only_staff_close=True,
        diversity=(1 - 0.5) / (1 - 1 / 8),
        n_co_resident=1,
    ),
    ("B4", "pre"): dict(
        n_relations=3,
        n_staff=3,
        n_nonstaff=0,
        n_close=2,
        n_close_nonstaff=0,
        n_gives=1,
        n_reciprocal=1,
        gives_any=True,
        share_gives=1 / 3,
        n_types=1,
        staff_share=1.0,
        n_frequent=2,
        only_staff_close=True,
        diversity=0.0,
    ),
    ("B5", "pre"): dict(
        n_relations=0,
        n_staff=0,
        n_nonstaff=0,
        n_close_nonstaff=0,
        gives_any=False,
        staff_share=math.nan,
        only_staff_close=True,
        diversity=math.nan,
    ),
}


@pytest.mark.parametrize("key", list(EXPECTED), ids=[f"{r}-{w}" for r, w in EXPECTED])
def test_indicators_hand_computed(ds, key):
    """Every indicator of every hand-computed resident and wave equals the hand count."""
    row = _row(indicators(ds), *key)
    for col, expected in EXPECTED[key].items():
        got = row[col]
        if isinstance(expected, float) and math.isnan(expected):
            assert pd.isna(got), f"{key} {col}: expected NaN, got {got}"
        else:
            assert got == pytest.approx(expected), f"{key} {col}"


def test_indicators_rows_are_assessed_waves_only(ds):
    """One row per outcomes row: attrition (B3 post) and B5 post give no row."""
    ind = indicators(ds)
    got = sorted(zip(ind["resident_id"], ind["wave"].astype(str), strict=True))
    expected = sorted(zip(ds.outcomes["resident_id"], ds.outcomes["wave"].astype(str), strict=True))
    assert got == expected
    assert len(ind[(ind["resident_id"] == "B3") & (ind["wave"] == "post")]) == 0


def test_indicators_dtypes(ds):
    ind = indicators(ds)
    counts = [c for c in ind.columns if c.startswith("n_")]
    assert set(counts) >= {f"n_{t}" for t in ALTER_TYPES}
    for c in counts:
        assert ind[c].dtype == np.int64, c
    for c in ("share_gives", "staff_share", "diversity"):
        assert ind[c].dtype == np.float64, c
    for c in ("gives_any", "only_staff_close"):
        assert ind[c].dtype == bool, c
    assert list(ind.columns[:5]) == ["resident_id", "site_id", "setting", "practice", "wave"]
    assert _row(ind, "B3", "pre")["site_id"] == "H2"
    assert _row(ind, "B3", "pre")["setting"] == "own_home"


def test_relations_in_non_assessed_wave_are_ignored():
    """A wave without an outcomes row gives no row, even if relations exist for it."""
    d = Dataset.from_frames(
        residents=pd.DataFrame(
            {
                "resident_id": ["B9"],
                "site_id": ["H1"],
                "setting": ["residential"],
                "practice": ["none"],
            }
        ),
        relations=pd.DataFrame([_rel("B9", "post", "A1", "friend", 1, "daily", True, True)]),
        outcomes=pd.DataFrame({"resident_id": ["B9"], "wave": ["pre"], "respondent": ["self"]}),
    )
    ind = indicators(d)
    assert len(ind) == 1
    assert ind.loc[0, "wave"] == "pre"
    assert ind.loc[0, "n_relations"] == 0


def test_indicators_empty_dataset():
    ind = indicators(Dataset.from_frames())
    assert len(ind) == 0
    assert "diversity" in ind.columns


def test_indicators_rejects_non_dataset():
    with pytest.raises(ConfigError, match="analyse.Dataset"):
        indicators(pd.DataFrame())


# --------------------------------------------------------------------------- IQV


def _one_resident(types: list[str]) -> Dataset:
    n = len(types)
    return Dataset.from_frames(
        residents=pd.DataFrame(
            {
                "resident_id": ["B1"],
                "site_id": ["H1"],
                "setting": ["residential"],
                "practice": ["none"],
            }
        ),
        relations=pd.DataFrame(
            {
                "resident_id": ["B1"] * n,
                "wave": ["pre"] * n,
                "alter_id": [f"A{i}" for i in range(n)],
                "alter_type": types,
                "closeness": [2] * n,
                "contact": ["weekly"] * n,
                "resident_gives": [False] * n,
                "resident_receives": [True] * n,
            }
        ),
        outcomes=pd.DataFrame({"resident_id": ["B1"], "wave": ["pre"], "respondent": ["self"]}),
    )


IQV_CASES = [
    # Agresti & Agresti (1978): IQV = (1 - sum p_i^2) / (1 - 1/k), k = 8 alter types.
    pytest.param(list(ALTER_TYPES), 1.0, id="AgrestiAgresti1978-even-over-all-8-is-1"),
    pytest.param(list(ALTER_TYPES) * 2, 1.0, id="AgrestiAgresti1978-2-per-type-is-1"),
    pytest.param(["staff"] * 4, 0.0, id="AgrestiAgresti1978-one-type-is-0"),
    pytest.param(["friend"], 0.0, id="AgrestiAgresti1978-one-alter-is-0"),
    # p = (1/2, 1/2): (1 - 1/2) / (7/8) = 4/7 (ideanet's k_obs variant would give 1).
    pytest.param(["family", "staff"], 4 / 7, id="AgrestiAgresti1978-two-types-4/7"),
    # p = (1/2, 1/4, 1/4): (1 - 3/8) / (7/8) = 5/7.
    pytest.param(["family", "family", "friend", "staff"], 5 / 7, id="AgrestiAgresti1978-5/7"),
    # p = (3/5, 1/5, 1/5): (1 - 11/25) / (7/8) = 64/100 = 0.64.
    pytest.param(["staff"] * 3 + ["family", "friend"], 0.64, id="AgrestiAgresti1978-0.64"),
]


@pytest.mark.parametrize(("types", "expected"), IQV_CASES)
def test_diversity_is_agresti_iqv_with_k8(types, expected):
    assert indicators(_one_resident(types)).loc[0, "diversity"] == pytest.approx(expected)


# --------------------------------------------------------------------------- turnover


def test_turnover_hand_computed(ds):
    """B1: A2 (staff) lost, A1 and A3 kept (A3 from circle 3 to 2), A4 gained.
    B4: all staff; A9 lost, A10 gained, A8 moved out from 1 to 3. B2: zero both waves."""
    t = turnover(ds)
    assert list(t["resident_id"]) == ["B1", "B2", "B4"]  # B3 (attrition), B5: no post
    b1 = _row(t, "B1")
    assert (b1.n_from, b1.n_to, b1.gained, b1.kept, b1.lost) == (3, 3, 1, 2, 1)
    assert (b1.gained_nonstaff, b1.kept_nonstaff, b1.lost_nonstaff) == (1, 2, 0)
    assert (b1.moved_in, b1.moved_out) == (1, 0)
    b4 = _row(t, "B4")
    assert (b4.n_from, b4.n_to, b4.gained, b4.kept, b4.lost) == (3, 3, 1, 2, 1)
    assert (b4.gained_nonstaff, b4.kept_nonstaff, b4.lost_nonstaff) == (0, 0, 0)
    assert (b4.moved_in, b4.moved_out) == (0, 1)
    b2 = _row(t, "B2")
    assert b2[["n_from", "n_to", "gained", "kept", "lost", "moved_in", "moved_out"]].sum() == 0
    assert (b1.from_wave, b1.to_wave, b1.site_id, b1.practice) == ("pre", "post", "H1", "P1")
    for c in ("gained", "kept", "lost", "gained_nonstaff", "moved_in", "moved_out", "n_from"):
        assert t[c].dtype == np.int64


def test_turnover_staff_who_becomes_friend_counts_as_nonstaff_gained():
    d = Dataset.from_frames(
        residents=pd.DataFrame(
            {
                "resident_id": ["B1"],
                "site_id": ["H1"],
                "setting": ["residential"],
                "practice": ["none"],
            }
        ),
        relations=pd.DataFrame(
            [
                _rel("B1", "pre", "A1", "staff", 1, "daily", True, True),
                _rel("B1", "post", "A1", "friend", 1, "weekly", True, True),
            ]
        ),
        outcomes=pd.DataFrame(
            {"resident_id": ["B1", "B1"], "wave": ["pre", "post"], "respondent": "self"}
        ),
    )
    row = turnover(d).iloc[0]
    assert (row.gained, row.kept, row.lost) == (0, 1, 0)
    assert (row.gained_nonstaff, row.kept_nonstaff, row.lost_nonstaff) == (1, 0, 0)


def test_turnover_reverse_direction(ds):
    t = turnover(ds, from_wave="post", to_wave="pre")
    b1 = _row(t, "B1")
    assert (b1.gained, b1.lost, b1.moved_in, b1.moved_out) == (1, 1, 0, 1)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"from_wave": "før"}, "from_wave must be one of"),
        ({"to_wave": "after"}, "to_wave must be one of"),
        ({"from_wave": "pre", "to_wave": "pre"}, "must differ"),
    ],
)
def test_turnover_rejects_bad_waves(ds, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        turnover(ds, **kwargs)


# --------------------------------------------------------------------------- needs


def test_needs_flags_and_site_counts(ds):
    result = needs(ds, wave="pre")
    res = result.residents
    assert list(res["resident_id"]) == ["B1", "B2", "B3", "B4", "B5"]
    flags = res.set_index("resident_id")[
        ["only_staff_close", "gives_to_none", "no_frequent_contact", "n_flags"]
    ]
    assert flags.loc["B1"].tolist() == [False, False, False, 0]
    assert flags.loc["B2"].tolist() == [True, True, True, 3]
    assert flags.loc["B3"].tolist() == [True, True, False, 2]
    assert flags.loc["B4"].tolist() == [True, False, False, 1]
    assert flags.loc["B5"].tolist() == [True, True, True, 3]
    by = res.set_index("resident_id")
    assert bool(by.loc["B2", "wants_and_flagged"]) and not by.loc["B2", "flagged_not_wanting"]
    assert bool(by.loc["B3", "flagged_not_wanting"])  # wants_more missing: not a yes

    sites = result.sites.set_index("site_id")
    assert list(result.sites["site_id"]) == ["H1", "H2", "H10"]  # natural order
    assert sites.loc["H1"][["n_assessed", "n_wants_more", "n_any_flag"]].tolist() == [2, 2, 1]
    assert sites.loc["H2"][["n_assessed", "n_wants_no_more", "n_wants_unknown"]].tolist() == [
        2,
        1,
        1,
    ]
    assert sites.loc["H2"][
        ["n_only_staff_close", "n_gives_to_none", "n_flagged_not_wanting"]
    ].tolist() == [
        2,
        1,
        2,
    ]
    assert sites.loc["H10"]["n_no_frequent_contact"] == 1
    assert (result.sites.drop(columns=["site_id", "wave"]).dtypes == np.int64).all()


def test_needs_post_wave(ds):
    res = needs(ds, wave="post").residents
    assert list(res["resident_id"]) == ["B1", "B2", "B4"]
    assert res.set_index("resident_id").loc["B4", "wants_more"] == "yes"


def test_needs_rejects_bad_wave(ds):
    with pytest.raises(ConfigError, match="wave must be one of"):
        needs(ds, wave="baseline")


# --------------------------------------------------------------------------- summarise


def test_summarise_hand_computed(ds):
    s = summarise(
        indicators(ds), by=["wave"], columns=["n_relations", "only_staff_close", "diversity"]
    )
    pre = s[s["wave"] == "pre"].set_index("indicator")
    # pre n_relations: B1 3, B2 0, B3 2, B4 3, B5 0 -> sorted 0 0 2 3 3
    assert pre.loc["n_relations", "n"] == 5
    assert pre.loc["n_relations", "mean"] == pytest.approx(8 / 5)
    assert pre.loc["n_relations", "median"] == 2
    assert pre.loc["n_relations", "q1"] == 0
    assert pre.loc["n_relations", "q3"] == 3
    assert pre.loc["n_relations", "share_positive"] == pytest.approx(3 / 5)
    assert pre.loc["only_staff_close", "mean"] == pytest.approx(4 / 5)
    # diversity is missing for the two empty networks
    assert pre.loc["diversity", "n"] == 3
    assert list(s.columns) == [
        "wave",
        "indicator",
        "n",
        "mean",
        "sd",
        "min",
        "q1",
        "median",
        "q3",
        "max",
        "share_positive",
    ]


def test_summarise_groups_and_overall(ds):
    ind = indicators(ds)
    by_site = summarise(ind, by=("site_id", "wave"), columns=["n_relations"])
    assert len(by_site) == len(ind[["site_id", "wave"]].drop_duplicates())
    overall = summarise(ind, by=[], columns="n_relations")
    assert len(overall) == 1 and overall.loc[0, "n"] == len(ind)


def test_summarise_all_missing_group_has_n_zero():
    frame = pd.DataFrame({"wave": ["pre", "pre"], "diversity": [np.nan, np.nan]})
    s = summarise(frame, by=["wave"])
    assert s.loc[0, "n"] == 0 and pd.isna(s.loc[0, "mean"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"by": ["nope"]}, "by must name columns"),
        ({"columns": ["resident_id"]}, "numeric or yes/no"),
    ],
)
def test_summarise_rejects_bad_arguments(ds, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        summarise(indicators(ds), **kwargs)


# --------------------------------------------------------------------------- properties

_types = st.sampled_from(ALTER_TYPES)
_relation = st.tuples(
    st.integers(0, 3),  # resident
    st.sampled_from(["pre", "post"]),
    st.integers(0, 5),  # alter
    _types,
    st.integers(1, 3),
    st.sampled_from(["daily", "weekly", "monthly", "rarely"]),
    st.booleans(),
    st.booleans(),
)


@st.composite
def datasets(draw):
    rows = draw(st.lists(_relation, max_size=30))
    assessed = draw(
        st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["pre", "post"])), max_size=8)
    )
    seen: set = set()
    rel = []
    for r, w, a, t, c, k, g, rc in rows:
        if (r, w, a) in seen:
            continue
        seen.add((r, w, a))
        rel.append(_rel(f"B{r}", w, f"A{a}", t, c, k, g, rc))
    assessed = sorted(set(assessed) | {(r, w) for r, w, *_ in rows})
    residents = pd.DataFrame(
        {
            "resident_id": [f"B{i}" for i in range(4)],
            "site_id": ["H1", "H1", "H2", "H2"],
            "setting": "residential",
            "practice": "none",
        }
    )
    outcomes = pd.DataFrame(
        {
            "resident_id": [f"B{r}" for r, _ in assessed],
            "wave": [w for _, w in assessed],
            "respondent": "self",
        }
    )
    columns = list(_rel(*[None] * 8))
    return Dataset.from_frames(
        residents=residents, relations=pd.DataFrame(rel, columns=columns), outcomes=outcomes
    )


@settings(max_examples=40, deadline=None)
@given(datasets())
def test_indicators_match_a_naive_count_per_resident(d):
    """Vectorised indicators equal a plain per-resident recount (the oracle)."""
    ind = indicators(d)
    rel = d.relations
    for _, row in ind.iterrows():
        mine = rel[(rel["resident_id"] == row.resident_id) & (rel["wave"] == row.wave)]
        staff = mine["alter_type"] == "staff"
        close = mine["closeness"] == 1
        assert row.n_relations == len(mine)
        assert row.n_staff == staff.sum()
        assert row.n_close_nonstaff == (close & ~staff).sum()
        assert row.n_reciprocal == (mine["resident_gives"] & mine["resident_receives"]).sum()
        assert row.n_frequent == mine["contact"].isin(["daily", "weekly"]).sum()
        assert row.n_types == mine["alter_type"].nunique()
        assert sum(row[f"n_{t}"] for t in ALTER_TYPES) == row.n_relations
        if len(mine):
            p = mine["alter_type"].value_counts(normalize=True)
            assert row.diversity == pytest.approx((1 - (p**2).sum()) / (1 - 1 / 8))
            assert 0 <= row.diversity <= 1 + 1e-12
        else:
            assert math.isnan(row.diversity)


@settings(max_examples=40, deadline=None)
@given(datasets())
def test_turnover_identities(d):
    """n_from = kept + lost, n_to = kept + gained, and both equal the indicators' counts."""
    t = turnover(d)
    ind = (
        indicators(d)
        .assign(wave=lambda f: f["wave"].astype(str))
        .set_index(["resident_id", "wave"])
    )
    for _, row in t.iterrows():
        assert row.n_from == ind.loc[(row.resident_id, "pre"), "n_relations"]
        assert row.n_to == ind.loc[(row.resident_id, "post"), "n_relations"]
        assert row.gained_nonstaff - row.lost_nonstaff == (
            ind.loc[(row.resident_id, "post"), "n_nonstaff"]
            - ind.loc[(row.resident_id, "pre"), "n_nonstaff"]
        )
        assert row.moved_in + row.moved_out <= row.kept
    keys = set(ind.index)
    both = {r for r, w in keys if w == "pre"} & {r for r, w in keys if w == "post"}
    assert set(t["resident_id"]) == both
