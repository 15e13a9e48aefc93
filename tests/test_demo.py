"""Tests of the synthetic demo data set (analyse.data.demo.make_demo_tables)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyse.data.demo import ITEMS, make_demo_tables
from analyse.data.schema import MODELS, TABLES
from analyse.errors import ConfigError

PRACTICE_CODES = {"P1", "P2", "P3"}


@cache
def _tables(n_sites: int, seed: int = 20261123) -> dict[str, pd.DataFrame]:
    return make_demo_tables(n_sites, seed=seed)


def tables(n_sites: int, seed: int = 20261123) -> dict[str, pd.DataFrame]:
    """A fresh copy of the (cached) tables, so no test can change another's data."""
    return {k: v.copy() for k, v in _tables(n_sites, seed).items()}


def check_contract(t: dict[str, pd.DataFrame]) -> None:
    """Every table passes its pandera model, and the cross-table keys hold."""
    assert list(t) == list(TABLES)
    for name, frame in t.items():
        model_columns = list(MODELS[name].to_schema().columns)
        assert list(frame.columns) == model_columns, name
        MODELS[name].validate(frame, lazy=True)
    res, rel, out = t["residents"], t["relations"], t["outcomes"]
    und, ass, items, prac = t["understanding"], t["assessments"], t["items"], t["practices"]
    # unique keys
    assert res["resident_id"].is_unique
    assert not rel.duplicated(["resident_id", "wave", "alter_id"]).any()
    assert not out.duplicated(["resident_id", "wave"]).any()
    assert not und.duplicated(["respondent_id", "wave", "item"]).any()
    assert not ass.duplicated(["rater_id", "resident_id", "wave", "aspect"]).any()
    assert items["item"].is_unique and prac["practice"].is_unique
    # orphans
    ids = set(res["resident_id"])
    assert set(rel["resident_id"]) <= ids
    assert set(out["resident_id"]) <= ids
    assert set(ass["resident_id"]) <= ids
    assert set(und["item"]) == set(items["item"])
    assert set(res["practice"]) - {"none"} == set(prac["practice"])
    # relations only in waves in which the resident was assessed
    assessed = set(zip(out["resident_id"], out["wave"], strict=True))
    assert set(zip(rel["resident_id"], rel["wave"], strict=True)) <= assessed
    assert set(zip(ass["resident_id"], ass["wave"], strict=True)) <= assessed
    # understanding: residents answer as themselves, at their own site; raters are staff
    site_of = dict(zip(res["resident_id"], res["site_id"], strict=True))
    r = und[und["role"] == "resident"]
    assert set(r["respondent_id"]) <= ids
    assert (r["respondent_id"].map(site_of) == r["site_id"]).all()
    s = und[und["role"] == "staff"]
    assert not set(s["respondent_id"]) & ids
    staff_site = s.drop_duplicates("respondent_id").set_index("respondent_id")["site_id"]
    assert s["respondent_id"].map(staff_site).eq(s["site_id"]).all()  # one site per staff
    assert set(ass["rater_id"]) <= set(staff_site.index)
    assert (ass["rater_id"].map(staff_site) == ass["resident_id"].map(site_of)).all()
    # practices are site-level: one practice (or none) per site
    assert (res.groupby("site_id")["practice"].nunique() == 1).all()
    assert (res.groupby("site_id")["setting"].nunique() == 1).all()


def paired_change(t: dict[str, pd.DataFrame], column: str) -> pd.Series:
    """Mean post minus pre of an outcome, by group (practice vs comparison), paired."""
    out = t["outcomes"].pivot(index="resident_id", columns="wave", values=column).dropna()
    group = t["residents"].set_index("resident_id")["practice"].ne("none")
    diff = (out["post"] - out["pre"]).astype(float)
    return diff.groupby(
        group.reindex(diff.index).map({True: "practice", False: "comparison"})
    ).mean()


# ---------------------------------------------------------------------------- contract


@pytest.mark.parametrize("n_sites", [3, 4, 6, 50])
def test_every_table_passes_the_contract(n_sites: int) -> None:
    check_contract(tables(n_sites))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_sites=st.integers(3, 25), seed=st.integers(0, 2**32 - 1))
def test_property_any_size_and_seed_passes_the_contract(n_sites: int, seed: int) -> None:
    t = make_demo_tables(n_sites, seed=seed)
    check_contract(t)
    res = t["residents"]
    assert res["site_id"].nunique() == n_sites
    sizes = res.groupby("site_id").size()
    assert sizes.between(4, 16).all()
    if n_sites >= 6:
        assert sizes[f"H{n_sites}"] == 4


def test_dtypes_are_canonical_strings_and_nullable_integers() -> None:
    t = tables(8)
    for name, frame in t.items():
        for column, dtype in frame.dtypes.items():
            assert str(dtype) in ("string", "Int64"), (name, column, dtype)
    rel = t["relations"]
    assert set(rel["resident_gives"]) == {"yes", "no"}
    assert set(rel["resident_receives"]) == {"yes", "no"}
    assert rel["closeness"].dtype == "Int64"


def test_pseudonyms_look_like_the_contract() -> None:
    t = tables(50)
    assert t["residents"]["resident_id"].str.fullmatch(r"B\d{5}").all()
    assert t["relations"]["alter_id"].str.fullmatch(r"R\d{7}").all()
    staff = t["understanding"].query("role == 'staff'")["respondent_id"]
    assert staff.str.fullmatch(r"M\d{4}").all()
    assert t["residents"]["site_id"].tolist() == sorted(
        t["residents"]["site_id"], key=lambda s: int(s[1:])
    )


def test_written_and_read_back_in_danish_style(tmp_path) -> None:
    """The tables survive the Danish Excel writer and the reader (privacy screen included)."""
    from analyse import read_dataset
    from analyse.data.io import write_dataset

    t = tables(6, seed=3)
    write_dataset(t, tmp_path, style="da")
    ds = read_dataset(tmp_path)
    for name in TABLES:
        assert len(getattr(ds, name)) == len(t[name]), name
    assert ds.relations["resident_gives"].sum() == (t["relations"]["resident_gives"] == "yes").sum()
    assert ds.practices["name_da"].tolist() == t["practices"]["name_da"].tolist()  # æ, ø, å
    assert ds.outcomes["loneliness"].sum() == t["outcomes"]["loneliness"].sum()


# ---------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_tables() -> None:
    a = make_demo_tables(20, seed=7)
    b = make_demo_tables(20, seed=7)
    for name in TABLES:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def test_other_seed_gives_other_tables() -> None:
    a = tables(20, seed=7)
    b = tables(20, seed=8)
    for name in ("residents", "relations", "outcomes", "understanding", "assessments"):
        assert not a[name].equals(b[name]), name


def test_default_seed_is_the_project_default() -> None:
    default = make_demo_tables(5)
    explicit = tables(5, seed=20261123)
    for name in TABLES:
        pd.testing.assert_frame_equal(default[name], explicit[name])


# ---------------------------------------------------------------------------- sizes, sites


@pytest.mark.parametrize("n_sites", [3, 50, 300])
def test_size_scales_with_the_number_of_sites(n_sites: int) -> None:
    t = tables(n_sites)
    res = t["residents"]
    assert res["site_id"].unique().tolist() == [f"H{i}" for i in range(1, n_sites + 1)]
    assert 4 * n_sites <= len(res) <= 16 * n_sites
    if n_sites >= 50:
        assert 8.5 <= len(res) / n_sites <= 11.5
        per_wave = t["relations"].groupby("wave").size() / t["outcomes"].groupby("wave").size()
        assert 5 <= per_wave["pre"] <= 10  # about 7-8 relations per resident


@pytest.mark.parametrize("n_sites", [6, 7, 8, 50])
def test_highest_site_is_tiny(n_sites: int) -> None:
    res = tables(n_sites)["residents"]
    sizes = res.groupby("site_id").size()
    assert sizes[f"H{n_sites}"] == 4
    assert sizes.drop(f"H{n_sites}").max() > 4


def test_three_sites_have_two_practices_and_a_comparison_group() -> None:
    for seed in range(3):
        t = tables(3, seed=seed)
        site_practice = t["residents"].drop_duplicates("site_id")["practice"]
        assert sorted(site_practice.isin(PRACTICE_CODES).astype(int)) == [0, 1, 1]
        assert site_practice.nunique() == 3
        assert len(t["practices"]) == 2


@pytest.mark.parametrize("n_sites", [4, 5, 8, 50])
def test_every_practice_and_a_comparison_site_from_four_sites(n_sites: int) -> None:
    t = tables(n_sites)
    site_practice = set(t["residents"]["practice"])
    assert site_practice == PRACTICE_CODES | {"none"}
    prac = t["practices"]
    assert prac["name_da"].tolist() == ["Fællesskabsgrupper", "Netværksmøder", "Frivillig-venner"]
    assert prac["start"].lt(prac["end"]).all()
    assert prac["description"].str.len().gt(40).all()


def test_practice_site_is_given_only_when_tried_at_one_site() -> None:
    t = tables(4)  # four sites: each practice at exactly one site
    res = t["residents"].drop_duplicates("site_id").set_index("practice")["site_id"]
    prac = t["practices"].set_index("practice")
    for code in PRACTICE_CODES:
        assert prac.loc[code, "site_id"] == res[code]
    t50 = tables(50)
    counts = t50["residents"].drop_duplicates("site_id")["practice"].value_counts()
    for _, row in t50["practices"].iterrows():
        assert pd.isna(row["site_id"]) == (counts[row["practice"]] > 1)


def test_both_settings_and_all_age_bands_occur() -> None:
    res = tables(50)["residents"]
    assert set(res["setting"]) == {"residential", "own_home"}
    assert set(res["age_band"].dropna()) == {"18-29", "30-49", "50-64", "65+"}
    assert 0 < res["age_band"].isna().mean() < 0.1
    # co-residents belong to life in a botilbud, not in one's own home
    rel = tables(50)["relations"].merge(res[["resident_id", "setting"]])
    co = rel.assign(c=rel["alter_type"].eq("co_resident")).groupby("setting")["c"].mean()
    assert co["residential"] > 2 * co["own_home"]


def test_items_are_the_eight_statements() -> None:
    items = tables(3)["items"]
    assert items["item"].tolist() == [f"I{i}" for i in range(1, 9)]
    assert set(items["dimension"]) == {
        "reciprocity",
        "stability",
        "voluntariness",
        "trust",
        "shared_activity",
    }
    assert items["text_da"].str.contains("[æøå]").any()
    assert len(ITEMS) == 8


# ---------------------------------------------------------------------------- content


def test_attrition_and_zero_networks_are_present() -> None:
    t = tables(100)
    res, out, rel = t["residents"], t["outcomes"], t["relations"]
    waves = out.groupby("resident_id")["wave"].agg(set)
    assert (waves.apply(lambda w: "pre" in w)).all()
    attrition = 1 - (out["wave"] == "post").sum() / len(res)
    assert 0.05 <= attrition <= 0.11
    with_pre = set(rel.loc[rel["wave"] == "pre", "resident_id"])
    zero = ~res["resident_id"].isin(with_pre)
    assert 0.03 <= zero.mean() <= 0.08
    # a zero network is an assessed resident, not missing data
    assert res.loc[zero, "resident_id"].isin(out.loc[out["wave"] == "pre", "resident_id"]).all()


def test_relations_have_realistic_content() -> None:
    t = tables(100)
    rel = t["relations"]
    k = rel.groupby(["resident_id", "wave"]).size()
    assert k.max() <= 15
    share = rel["alter_type"].value_counts(normalize=True)
    assert share.index[0] == "staff"  # staff over-represented
    assert set(share.index) == {
        "family",
        "partner",
        "friend",
        "co_resident",
        "staff",
        "volunteer",
        "community",
        "other",
    }
    assert set(rel["closeness"]) == {1, 2, 3}
    assert set(rel["contact"]) == {"daily", "weekly", "monthly", "rarely"}
    assert 0.05 < rel["initiative"].isna().mean() < 0.15
    assert rel.loc[rel["alter_type"] == "staff", "contact"].eq("daily").mean() > 0.6


def test_alters_are_kept_lost_and_gained() -> None:
    rel = tables(50)["relations"]
    pre = set(
        zip(*[rel.loc[rel["wave"] == "pre", c] for c in ("resident_id", "alter_id")], strict=True)
    )
    post = set(
        zip(*[rel.loc[rel["wave"] == "post", c] for c in ("resident_id", "alter_id")], strict=True)
    )
    kept, lost, gained = pre & post, pre - post, post - pre
    assert len(kept) > 2 * len(lost) > 0
    assert len(gained) > 0
    # a kept alter keeps its type
    both = rel.pivot_table(
        index=["resident_id", "alter_id"], columns="wave", values="alter_type", aggfunc="first"
    ).dropna()
    assert (both["pre"] == both["post"]).all()


def test_practices_gain_non_staff_relations_and_more_giving() -> None:
    t = tables(200)
    rel = t["relations"].merge(t["residents"][["resident_id", "practice"]])
    rel["group"] = np.where(rel["practice"] == "none", "comparison", "practice")
    out = t["outcomes"].merge(t["residents"][["resident_id", "practice"]])
    out["group"] = np.where(out["practice"] == "none", "comparison", "practice")
    n_res = out.groupby(["group", "wave"]).size()
    non_staff = rel[rel["alter_type"] != "staff"].groupby(["group", "wave"]).size() / n_res
    total = rel.groupby(["group", "wave"]).size() / n_res
    gives = rel.assign(g=rel["resident_gives"].eq("yes")).groupby(["group", "wave"])["g"].mean()
    assert non_staff["practice", "post"] - non_staff["practice", "pre"] > 1.0
    assert abs(total["comparison", "post"] - total["comparison", "pre"]) < 0.5
    assert gives["practice", "post"] - gives["practice", "pre"] > 0.08
    assert abs(gives["comparison", "post"] - gives["comparison", "pre"]) < 0.04
    staff = rel.assign(s=rel["alter_type"].eq("staff")).groupby(["group", "wave"])["s"].mean()
    assert abs(staff["comparison", "post"] - staff["comparison", "pre"]) < 0.03
    assert staff["practice", "pre"] - staff["practice", "post"] > 0.03


@pytest.mark.parametrize("seed", [20261123, 1, 2])
def test_planted_loneliness_effect_is_visible_in_the_means(seed: int) -> None:
    t = tables(200, seed=seed)
    change = paired_change(t, "loneliness")
    assert -1.3 < change["practice"] < -0.7
    assert abs(change["comparison"]) < 0.25
    # also in the plain (unpaired) means, as a steering group would see them
    out = t["outcomes"].merge(t["residents"][["resident_id", "practice"]])
    means = out.groupby([out["practice"] != "none", "wave"])["loneliness"].mean()
    assert means[True, "pre"] - means[True, "post"] > 0.6
    assert abs(means[False, "pre"] - means[False, "post"]) < 0.3


def test_outcomes_have_realistic_ranges_and_missing_values() -> None:
    out = tables(100)["outcomes"]
    assert out["loneliness"].min() == 3 and out["loneliness"].max() == 9
    assert set(out["satisfaction"].dropna()) == {1, 2, 3, 4, 5}
    assert set(out["wants_more"].dropna()) == {"yes", "no", "unknown"}
    assert set(out["respondent"]) == {"self", "assisted", "proxy"}
    missing = out.groupby("respondent")["loneliness"].apply(lambda s: s.isna().mean())
    assert 0 < missing["self"] < missing["proxy"]
    # lonelier residents want more relationships
    lonely = out.groupby("wants_more")["loneliness"].mean()
    assert lonely["yes"] > lonely["no"] + 0.5


def test_understanding_answers_and_missing_share() -> None:
    t = tables(50)
    und = t["understanding"]
    staff = und[und["role"] == "staff"]
    per_site = staff.groupby("site_id")["respondent_id"].nunique()
    assert per_site.between(3, 8).all() and len(per_site) == 50
    # each respondent answers all eight items in a wave
    assert (und.groupby(["respondent_id", "wave"]).size() == 8).all()
    assert set(und["wave"]) == {"pre", "post"}
    assert (und["role"] == "resident").mean() > 0.1
    assert 0.015 < und["rating"].isna().mean() < 0.05
    assert set(und["rating"].dropna()) == {1, 2, 3, 4, 5}


def test_staff_agree_more_after_the_trial_in_practice_sites() -> None:
    t = tables(200)
    staff = t["understanding"].query("role == 'staff'").dropna(subset=["rating"])
    practice = t["residents"].drop_duplicates("site_id").set_index("site_id")["practice"]
    sd = (
        staff.assign(rating=staff["rating"].astype(float))
        .groupby(["site_id", "wave", "item"])["rating"]
        .std()
        .groupby(["site_id", "wave"])
        .mean()
        .unstack()
    )
    treated = practice.reindex(sd.index) != "none"
    change = sd["post"] - sd["pre"]
    assert change[treated].mean() < -0.15
    assert abs(change[~treated].mean()) < 0.1
    # agreement differs between sites before the trial
    assert sd["pre"].quantile(0.9) - sd["pre"].quantile(0.1) > 0.3


def test_assessments_have_two_or_three_raters_and_track_the_resident() -> None:
    t = tables(100)
    ass, out = t["assessments"], t["outcomes"]
    raters = ass.groupby(["resident_id", "wave"])["rater_id"].nunique()
    assert raters.between(2, 3).all() and set(raters) == {2, 3}
    assert set(ass["aspect"]) == {"overall", "reciprocity", "network"}
    # every assessed resident-wave is rated
    assert len(raters) == len(out)
    # staff's overall rating agrees with the resident's own satisfaction
    overall = ass[ass["aspect"] == "overall"].groupby(["resident_id", "wave"])["rating"].mean()
    sat = out.set_index(["resident_id", "wave"])["satisfaction"]
    both = pd.concat([overall.astype(float), sat.astype(float)], axis=1).dropna()
    assert both.corr().iloc[0, 1] > 0.4
    # the network rating follows the number of relationships
    k = t["relations"].groupby(["resident_id", "wave"]).size()
    network = ass[ass["aspect"] == "network"].groupby(["resident_id", "wave"])["rating"].mean()
    k = k.reindex(network.index, fill_value=0)
    assert np.corrcoef(network.astype(float), k)[0, 1] > 0.5
    # raters rate the same resident in both waves
    sets = ass.groupby(["resident_id", "wave"])["rater_id"].agg(frozenset).unstack().dropna()
    assert (sets["pre"] == sets["post"]).all()


# ---------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("n_sites", [2, 0, -1, 5001, 3.0, True, "8", None])
def test_bad_number_of_sites_is_a_config_error(n_sites: object) -> None:
    with pytest.raises(ConfigError, match="n_sites"):
        make_demo_tables(n_sites)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [-1, 1.5, "1", None])
def test_bad_seed_is_a_config_error(seed: object) -> None:
    with pytest.raises(ConfigError, match="seed"):
        make_demo_tables(5, seed=seed)  # type: ignore[arg-type]


def test_numpy_integers_are_accepted() -> None:
    a = make_demo_tables(np.int64(5), seed=np.int64(3))
    b = tables(5, seed=3)
    pd.testing.assert_frame_equal(a["relations"], b["relations"])


def test_tables_build_a_dataset_with_canonical_dtypes() -> None:
    from analyse.data.dataset import Dataset

    t = tables(6)
    ds = Dataset.from_frames(**t)
    assert ds.relations["resident_gives"].dtype == "boolean"
    assert ds.relations["resident_gives"].sum() == t["relations"]["resident_gives"].eq("yes").sum()
    assert ds.sites == [f"H{i}" for i in range(1, 7)]
    assert ds.waves == ["pre", "post"]
