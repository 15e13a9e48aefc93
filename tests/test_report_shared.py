"""The reports' shared results: vectorised builders equal the per-site computation they
replace, and each report loads only its own slice of the run's suppressed families."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyse import report
from analyse.data.demo import make_demo_tables
from analyse.data.io import write_dataset
from analyse.data.prepare import load, prepare
from analyse.stats.agreement import krippendorff_alpha, krippendorff_alpha_by
from analyse.stats.prepost import paired

SEED = 9091  # data that is not in the repository


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw") / "kommune"
    write_dataset(make_demo_tables(12, seed=SEED), raw, style="da")
    out = tmp_path_factory.mktemp("prepared") / "prepared"
    prepare(raw, out)
    return out


@pytest.fixture(scope="module")
def ds(prepared: Path):
    return load(prepared)


def _trial_table_per_group(sub: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The former per-site implementation: one prepost.paired call per indicator."""
    rows = {}
    for value in report.TRIAL_VALUES:
        r = paired(sub, "resident_id", "wave", value, min_cell=min_cell).iloc[0]
        rows[value] = {"n": int(r["n"]), **{s: float(r[s]) for s in report.TRIAL_STATS}}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "indicator"
    table["n"] = table["n"].astype(int)
    return table


def test_trial_tables_equal_paired_per_site_and_practice(ds) -> None:
    long = report._trial_long(report.Context(ds))
    cells = report.trial_tables(long, ["site_id", "practice"], min_cell=5)
    keys = long[["site_id", "practice"]].astype(str)
    groups = list(long.groupby([keys["site_id"], keys["practice"]]))
    assert set(cells) == {k for k, _ in groups}
    for key, sub in groups:
        pd.testing.assert_frame_equal(cells[key], _trial_table_per_group(sub, 5), rtol=1e-12)
    by_site = report.trial_tables(long, ["site_id"], min_cell=3)
    for site, sub in long.groupby(long["site_id"].astype(str)):
        pd.testing.assert_frame_equal(by_site[site], _trial_table_per_group(sub, 3), rtol=1e-12)
    # small groups are withheld exactly as paired() withholds them
    assert any(t["mean_diff"].isna().all() and (t["n"] < 5).all() for t in cells.values())


def _staff_agreement_one_site(understanding: pd.DataFrame) -> pd.DataFrame:
    """The former per-site implementation: rwg_j and krippendorff_alpha called per wave."""
    from analyse.stats.agreement import rwg_j

    staff = understanding[understanding["role"] == "staff"].dropna(subset=["rating"])
    rows = {}
    for wave in ("pre", "post"):
        sub = staff[staff["wave"] == wave]
        n = int(sub["respondent_id"].nunique())
        row = {"n": n, "rwg_j": np.nan, "ad_m": np.nan, "alpha": np.nan}
        if n >= 2:
            sub = sub.assign(rating=sub["rating"].astype(float), group="g")
            r = rwg_j(sub, "group", "item", "rating", respondent="respondent_id")
            row["rwg_j"], row["ad_m"] = float(r["rwg_j"].iloc[0]), float(r["ad_m"].iloc[0])
            a = krippendorff_alpha(sub, "item", "respondent_id", "rating", level="ordinal", n_boot=0)
            row["alpha"] = float(a["alpha"].iloc[0])
        rows[wave] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "wave"
    table["n"] = table["n"].astype(int)
    return table


def test_staff_agreement_by_site_equals_one_call_per_site(ds) -> None:
    u = ds.understanding
    vectorised = report.staff_agreement_by_site(u, ds.sites, seed=1)
    assert list(vectorised) == list(ds.sites)
    for site in ds.sites:
        one = _staff_agreement_one_site(u[u["site_id"] == site])
        pd.testing.assert_frame_equal(vectorised[site], one, rtol=1e-12)
    # all staff pooled (the overview's respondent count)
    pooled = _staff_agreement_one_site(u)
    pd.testing.assert_frame_equal(report.staff_agreement(u, seed=1), pooled, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    ratings=st.lists(
        st.tuples(
            st.sampled_from(["g1", "g2", "g3"]),
            st.integers(0, 5),  # unit
            st.integers(0, 4),  # rater
            st.one_of(st.none(), st.integers(1, 5)),
        ),
        min_size=1,
        max_size=80,
        unique_by=lambda t: (t[0], t[1], t[2]),
    ),
    level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_alpha_by_group_equals_one_call_per_group(ratings, level) -> None:
    """The grouped alpha is the per-group alpha (also where a group lacks some values)."""
    data = pd.DataFrame(ratings, columns=["g", "unit", "rater", "rating"])
    data["rating"] = data["rating"].astype(float)
    res = krippendorff_alpha_by(data, "g", "unit", "rater", "rating", level=level).set_index("g")
    present = sorted(data.dropna(subset=["rating"])["g"].unique())
    assert list(res.index) == present
    for g in present:
        with warnings.catch_warnings():  # the reference warns where alpha is undefined (0/0)
            warnings.simplefilter("ignore", RuntimeWarning)
            one = krippendorff_alpha(
                data[data["g"] == g], "unit", "rater", "rating", level=level, n_boot=0
            )
        assert res.at[g, "n_units"] == one.at[0, "n_units"]
        assert res.at[g, "n_raters"] == one.at[0, "n_raters"]
        a, b = res.at[g, "alpha"], one.at[0, "alpha"]
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-12)


def test_alpha_by_group_reproduces_krippendorff_2011() -> None:
    """Krippendorff (2011), section C: ordinal alpha = .815 (also as one of two groups)."""
    data = pd.read_csv(Path(__file__).parent / "data/agreement/krippendorff_2011.csv")
    both = pd.concat([data.assign(g="a"), data.assign(g="b", value=data["value"] * 0 + 1)])
    res = krippendorff_alpha_by(both, "g", "unit", "observer", "value", level="ordinal")
    assert round(res.at[0, "alpha"], 3) == 0.815
    assert np.isnan(res.at[1, "alpha"])  # one value only: no variation to agree on


def test_each_report_loads_only_its_own_slice(prepared: Path, ds, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "prepared"
    shutil.copytree(prepared, folder)
    target = report.write_shared_cache(folder, ds, min_cell=5, seed=3)
    assert target == report.cache_dir(folder, min_cell=5, seed=3)
    files = sorted(p.name for p in target.iterdir())
    assert "common.pkl" in files and "overview.pkl" in files
    assert len(files) == len(ds.sites) + 2
    site = ds.sites[0]
    ctx = report.load(folder, site=site, min_cell=5, seed=3)
    # the site's report holds its own rows only (and every one of them)
    assert set(ctx.ds.residents["site_id"].astype(str)) == {site}
    mine = set(ds.residents.loc[ds.residents["site_id"] == site, "resident_id"])
    assert set(ctx.ds.relations["resident_id"]) <= mine
    assert len(ctx.ds.relations) == ds.relations["resident_id"].isin(mine).sum()
    assert len(ctx.ds.outcomes) == ds.outcomes["resident_id"].isin(mine).sum()
    assert len(ctx.ds.understanding) == (ds.understanding["site_id"] == site).sum()
    assert ctx.waves == ds.waves  # the run's waves, not only those the site has
    families = {k: v for k, v in ctx.cache.items() if k.startswith("family:")}
    # (a family of which the site publishes nothing comes empty: never computed again here)
    assert families and all(list(v) in ([site], []) for v in families.values())
    overview = report.load(folder, site="all", min_cell=5, seed=3)
    assert all(list(v) == [report.TOTAL] for k, v in overview.cache.items() if k.startswith("family:"))
    # the slices hold the same suppressed tables as the whole family computed at once
    whole = report.precompute(ds, min_cell=5, seed=3)
    for name, family in families.items():
        if site not in family:
            assert site not in whole[name]
            continue
        pd.testing.assert_frame_equal(family[site].values, whole[name][site].values)
        pd.testing.assert_frame_equal(family[site].mask, whole[name][site].mask)
    with open(target / "common.pkl", "rb") as f:
        common = pickle.load(f)
    assert not any(k.startswith("family:") for k in common)


def test_a_notebook_run_alone_computes_the_shared_results_once(prepared: Path, ds, tmp_path) -> None:
    import shutil

    folder = tmp_path / "prepared"
    shutil.copytree(prepared, folder)
    assert not report.cache_dir(folder, min_cell=5, seed=7).exists()
    ctx = report.load(folder, site=ds.sites[1], min_cell=5, seed=7)
    assert report.cache_dir(folder, min_cell=5, seed=7).exists()
    assert not list(folder.glob(".report-cache-tmp-*"))  # nothing half-written left
    assert any(k.startswith("family:") for k in ctx.cache)
