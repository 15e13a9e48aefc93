"""An attacker who reads the markers (issue 15): the gate must not lie and must not be beaten.

Independent of the gate's code, an attacker takes what a report shows: published counts as
constants, ``<5`` as 0-4 (and, since zeros are published, as at least 1), ``(s)`` as at
least ``min_cell``, an interval as its bounds, and every sum a reader knows (row and column
totals, the overview as the sum of the sites). With linear programmes (``scipy.optimize.
linprog``) it finds the smallest and largest value of every hidden small cell; the cell is
protected when that range holds at least two sizes of 1 or more.

For statistics it takes the group structure: every published group (a site's residents, its
residents assessed in a wave, those measured twice, the pairs of each measure per site, per
practice, overall) is a sum over atoms (residents who belong to the same groups), and
``n × mean`` is a sum of the same shape. No atom of 1 to ``min_cell - 1`` residents may be
determined by the published groups (a rank test: its unit vector is not in their row space)
or pinned by their counts (a linear programme over the atoms' sizes).

References: sdcTable's ``attack()`` (Meindl, CRAN) computes the same lower and upper bounds of
primary cells from the suppression pattern; Hundepool et al. (2024), *Handbook on Statistical
Disclosure Control*, 2nd ed., ch. 4 (interval / feasibility protection).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analyse.privacy.gate import suppress, suppress_family, suppress_groups

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- the attacker


def reader_bounds(out, table: pd.DataFrame, cols: list[str], key) -> dict:
    """What a reader knows of each count cell from what the table shows."""
    m = out.min_cell
    known = {}
    for r in table.index:
        for c in cols:
            status = out.status.loc[r, c]
            if status == "shown":
                v = float(table.loc[r, c])
                known[(key, r, c)] = (v, v)
            elif status == "primary":
                known[(key, r, c)] = (0.0, m - 1.0)
            elif status == "secondary":
                known[(key, r, c)] = (float(m), np.inf)
            else:  # interval
                known[(key, r, c)] = (float(out.lower.loc[r, c]), float(out.upper.loc[r, c]))
    return known


def attack(true: dict, known: dict, equations: list[dict]) -> dict:
    """LP range of every cell of ``known`` whose bounds are not a single value."""
    free = sorted((k for k, (lo, hi) in known.items() if lo != hi), key=str)
    pos = {k: i for i, k in enumerate(free)}
    a_eq, b_eq = [], []
    for eq in equations:
        row, rhs = np.zeros(len(free)), 0.0
        for k, coef in eq.items():
            if k in pos:
                row[pos[k]] += coef
            else:
                rhs -= coef * known[k][0]
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    bounds = [(known[k][0], None if np.isinf(known[k][1]) else known[k][1]) for k in free]
    out = {}
    for k in free:
        c = np.zeros(len(free))
        c[pos[k]] = 1
        kw = {"A_eq": np.array(a_eq), "b_eq": np.array(b_eq)} if a_eq else {}
        lo = linprog(c, bounds=bounds, method="highs", **kw)
        hi = linprog(-c, bounds=bounds, method="highs", **kw)
        assert lo.status == 0, (k, lo.message)  # the truth is feasible: the markers do not lie
        out[k] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out


def assert_protected(ranges: dict, true: dict, min_cell: int) -> None:
    for k, (lo, hi) in ranges.items():
        if 0 < true[k] < min_cell:
            sizes = np.floor(hi + 1e-7) - max(np.ceil(lo - 1e-7), 1) + 1
            assert sizes >= 2, (k, true[k], lo, hi)


def assert_honest(out, table: pd.DataFrame, cols: list[str]) -> None:
    """Every shown number is the true one, every ``<5`` is below 5, every interval holds the
    true value, and ``(s)`` is never on a count below ``min_cell`` (it says at least 5)."""
    m = out.min_cell
    for r in table.index:
        for c in cols:
            v, status = float(table.loc[r, c]), out.status.loc[r, c]
            if status == "shown":
                assert float(out.values.loc[r, c]) == v
            else:
                assert pd.isna(out.values.loc[r, c])
            if status == "primary":
                assert v < m, (r, c, v)
            if status == "secondary":
                assert v >= m, (r, c, v)
            if status == "interval":
                assert out.lower.loc[r, c] <= v <= out.upper.loc[r, c], (r, c, v)
                assert out.lower.loc[r, c] >= m


# --------------------------------------------------------------------------- random families


@st.composite
def site_families(draw):
    n_sites = draw(st.integers(2, 4))
    rows = draw(st.integers(2, 3))
    cols = draw(st.integers(2, 3))
    counts = st.one_of(st.integers(0, 5), st.integers(0, 25))
    sites = {
        f"H{s}": pd.DataFrame(
            [[draw(counts) for _ in range(cols)] for _ in range(rows)],
            index=[f"r{i}" for i in range(rows)],
            columns=[f"c{j}" for j in range(cols)],
        )
        for s in range(n_sites)
    }
    return sites


@PROPERTY
@given(sites=site_families(), min_cell=st.sampled_from([3, 5]))
def test_random_family_markers_never_lie_and_nothing_is_pinned(sites, min_cell):
    tables = dict(sites)
    cols = list(next(iter(sites.values())).columns)
    tables["all"] = sum(sites.values(), next(iter(sites.values())) * 0)
    out = suppress_family(tables, total="all", count_cols=cols, n_col=None, min_cell=min_cell)
    true, known, eqs = {}, {}, []
    for key, t in tables.items():
        assert_honest(out[key], t, cols)
        known.update(reader_bounds(out[key], t, cols, key))
        for r in t.index:
            for c in cols:
                true[(key, r, c)] = float(t.loc[r, c])
        # margins "both": each row's and each column's total is known (published elsewhere)
        for r in t.index:
            tot = (key, r, "row total")
            true[tot] = float(t.loc[r].sum())
            hidden = out[key].row_total_suppressed[r]
            known[tot] = (0.0, np.inf) if hidden else (true[tot], true[tot])
            eqs.append({**{(key, r, c): 1.0 for c in cols}, tot: -1.0})
        for c in cols:
            tot = (key, "column total", c)
            true[tot] = float(t[c].sum())
            hidden = out[key].column_total_suppressed[c]
            known[tot] = (0.0, np.inf) if hidden else (true[tot], true[tot])
            eqs.append({**{(key, r, c): 1.0 for r in t.index}, tot: -1.0})
    for r in tables["all"].index:
        for c in cols:
            eqs.append({("all", r, c): -1.0, **{(s, r, c): 1.0 for s in sites}})
    assert_protected(attack(true, known, eqs), true, min_cell)


def test_one_beside_a_secondary_is_not_given_back_by_its_marker():
    """The module notes' old worry: a hidden 1 beside a hidden 5 in a row whose remainder is
    6. With ``(s)`` meaning at least 5 the 1 would follow; the gate hides more instead."""
    t = pd.DataFrame({"a": [1, 7], "b": [5, 9], "c": [9, 8]}, index=["r0", "r1"])
    out = suppress(t, count_cols=["a", "b", "c"], n_col=None, margins="both")
    cols = ["a", "b", "c"]
    assert_honest(out, t, cols)
    known = reader_bounds(out, t, cols, None)
    true = {(None, r, c): float(t.loc[r, c]) for r in t.index for c in cols}
    eqs = []
    for r in t.index:
        v = float(t.loc[r].sum())
        true[(None, r, "tot")], known[(None, r, "tot")] = v, (v, v)
        eqs.append({**{(None, r, c): 1.0 for c in cols}, (None, r, "tot"): -1.0})
    for c in cols:
        v = float(t[c].sum())
        true[(None, "tot", c)], known[(None, "tot", c)] = v, (v, v)
        eqs.append({**{(None, r, c): 1.0 for r in t.index}, (None, "tot", c): -1.0})
    assert_protected(attack(true, known, eqs), true, 5)
    assert out.status.loc["r0", "a"] == "primary"


def test_worked_example_interval_of_the_complement():
    """12 of 15 residents: the 3 without is small, so 12 is hidden; it is published as the
    interval the ``<5`` of its complement already implies: 11 to 15 (15 minus 0 to 4)."""
    t = pd.DataFrame({"k": [12], "n": [15]}, index=["pre"])
    out = suppress(t, count_cols=["k"], n_col="n", of_n=["k"], margins="none")
    assert out.status.loc["pre", "k"] == "interval"
    assert (out.lower.loc["pre", "k"], out.upper.loc["pre", "k"]) == (11, 15)
    assert out.display().loc["pre", "k"] == "11 til 15"
    assert out.display("en").loc["pre", "k"] == "11 to 15"
    assert "interval" in out.note()


def test_sub_group_never_shows_more_than_its_parent():
    """Issue 15: "Ønsker flere" showed <5 while a sub-group of it showed 6."""
    t = pd.DataFrame(
        {"n": [15], "wants": [12], "only_staff": [3], "gives_none": [6]}, index=["pre"]
    )
    out = suppress(
        t,
        count_cols=["wants", "only_staff", "gives_none"],
        n_col="n",
        of_n=["wants", "only_staff", "gives_none"],
        subsets={"only_staff": "wants", "gives_none": "wants"},
        margins="none",
    )
    cols = ["n", "wants", "only_staff", "gives_none"]
    assert_honest(out, t, cols)
    shown = out.values.loc["pre"]
    for sub in ("only_staff", "gives_none"):
        if not pd.isna(shown[sub]):
            upper = out.upper.loc["pre", "wants"]
            assert shown[sub] <= upper
            if out.status.loc["pre", "wants"] == "primary":
                assert shown[sub] < out.min_cell


# --------------------------------------------------------------------------- group structure


def atoms_of(groups: dict) -> tuple[np.ndarray, np.ndarray, list]:
    """(membership matrix groups x atoms, atom sizes, keys)."""
    keys = list(groups)
    persons = sorted({p for g in groups.values() for p in g})
    sig = {p: tuple(i for i, k in enumerate(keys) if p in set(groups[k])) for p in persons}
    atoms = sorted(set(sig.values()))
    size = np.array([sum(1 for p in persons if sig[p] == a) for a in atoms])
    member = np.array([[i in a for a in atoms] for i in range(len(keys))], dtype=float)
    return member, size, keys


def assert_no_atom_isolated(groups: dict, hidden, min_cell: int) -> None:
    member, size, keys = atoms_of(groups)
    published = np.array([not hidden[k] for k in keys])
    a = member[published]
    for j in np.flatnonzero((size > 0) & (size < min_cell)):
        e = np.zeros(len(size))
        e[j] = 1
        if len(a):
            x, *_ = np.linalg.lstsq(a.T, e, rcond=None)
            # the sum (and so the mean) of atom j's residents is not a combination of groups
            assert np.abs(a.T @ x - e).max() > 1e-6, (keys, j, size[j])
            # nor its count: two or more sizes remain, given the published n's
            c = np.zeros(len(size))
            c[j] = 1
            b = a @ size
            lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            top = np.inf if hi.status == 3 else -hi.fun
            assert np.floor(top + 1e-7) - np.ceil(lo.fun - 1e-7) >= 1, (j, lo.fun, top)


@st.composite
def resident_runs(draw):
    """Residents of a few sites, each in a practice; some assessed only once; measures with
    missing answers: the groups a run publishes about them."""
    n_sites = draw(st.integers(2, 4))
    sizes = [draw(st.sampled_from([2, 4, 5, 6, 8, 12])) for _ in range(n_sites)]
    practice = [draw(st.sampled_from(["P1", "P2", "none"])) for _ in range(n_sites)]
    groups: dict = {}
    everyone = []
    pairs_all: dict = {}
    for s, (k, p) in enumerate(zip(sizes, practice, strict=True)):
        ids = [f"S{s}R{i}" for i in range(k)]
        everyone += ids
        pre = [r for r in ids if draw(st.booleans()) or True]
        post = [r for r in ids if draw(st.integers(0, 5)) > 0]
        paired = [r for r in pre if r in post]
        lonely = [r for r in paired if draw(st.integers(0, 6)) > 0]
        groups[("residents", s)] = ids
        groups[("wave", s, "pre")] = pre
        groups[("wave", s, "post")] = post
        groups[("paired", s)] = paired
        groups[("trial", s, "loneliness")] = lonely
        pairs_all.setdefault(p, []).extend(lonely)
    for p, ids in pairs_all.items():
        groups[("trial", p, "loneliness")] = ids
    groups[("residents", "all")] = everyone
    return groups


@PROPERTY
@given(groups=resident_runs(), min_cell=st.sampled_from([3, 5]))
def test_random_group_structures_isolate_no_few_residents(groups, min_cell):
    out = suppress_groups(groups, min_cell=min_cell)
    hidden = dict(zip(out.index, out["suppressed"] | (out["n"] < min_cell), strict=True))
    assert_no_atom_isolated(groups, hidden, min_cell)


def test_the_issue_s_own_leaks_are_closed():
    """Issue 15's calculator: practice (10) minus site H7 (8) gave H6's 2 residents; 6 assessed
    minus 5 measured twice gave the dropped resident."""
    h6 = ["a1", "a2"]
    h7 = [f"b{i}" for i in range(8)]
    groups = {
        ("trial", "H6"): h6,
        ("trial", "H7"): h7,
        ("trial", "P1"): h6 + h7,
        ("wave", "H8", "pre"): [f"c{i}" for i in range(6)],
        ("trial", "H8"): [f"c{i}" for i in range(5)],
    }
    out = suppress_groups(groups)
    hidden = dict(zip(out.index, out["suppressed"] | (out["n"] < 5), strict=True))
    assert hidden[("trial", "H6")]
    assert hidden[("trial", "H7")] or hidden[("trial", "P1")]
    assert hidden[("wave", "H8", "pre")] or hidden[("trial", "H8")]
    assert_no_atom_isolated(groups, hidden, 5)


# --------------------------------------------------------------------------- real report runs


def _run(sizes: list[int], seed: int = 3):
    """A data set of the demo generator's kind with hand-made site sizes (4, 6, 8, 15, 30),
    and the overview's context after every section ran (the run's shared results)."""
    import matplotlib.pyplot as plt

    from analyse import report
    from analyse.data.dataset import Dataset
    from analyse.data.demo import make_demo_tables

    tables = make_demo_tables(n_sites=max(8, len(sizes) + 3), seed=seed)
    res = tables["residents"].drop_duplicates("resident_id").reset_index(drop=True)
    if len(res) < sum(sizes):
        more = make_demo_tables(n_sites=40, seed=seed)
        tables, res = more, more["residents"].drop_duplicates("resident_id").reset_index(drop=True)
    codes = ["P1", "P1", "P2", "none", "P2", "none"]
    site_of, practice_of = {}, {}
    start = 0
    for i, k in enumerate(sizes):
        for rid in res["resident_id"].iloc[start : start + k]:
            site_of[rid] = f"H{i + 1}"
            practice_of[rid] = codes[i % len(codes)]
        start += k
    out = {}
    for name, frame in tables.items():
        if "resident_id" in frame.columns:
            frame = frame[frame["resident_id"].isin(site_of)].copy()
            if "site_id" in frame.columns:
                frame["site_id"] = frame["resident_id"].map(site_of)
            if "practice" in frame.columns:
                frame["practice"] = frame["resident_id"].map(practice_of)
        elif "site_id" in frame.columns:
            old = sorted(map(str, frame["site_id"].dropna().unique()))[: len(sizes)]
            frame = frame[frame["site_id"].astype(str).isin(old)].copy()
            frame["site_id"] = (
                frame["site_id"].astype(str).map({o: f"H{i + 1}" for i, o in enumerate(old)})
            )
        out[name] = frame.reset_index(drop=True)
    ds = Dataset.from_frames(**out)
    ctx = report.Context(ds)
    for section in (report.title, report.kortlaegning, report.behov, report.afproevning):
        for item in section(ctx):
            if isinstance(item, report.Figure):
                plt.close(item.figure)
    report.trial_family_table(ctx, report.trial_long(ctx))  # as the run's shared results do
    return ctx


@pytest.fixture(scope="module")
def sized_run():
    return _run([4, 6, 8, 15, 30])


def _families(ctx):
    return {n: f for n, f in ctx.cache.items() if n.startswith("family:")}


def test_real_run_no_marker_lies(sized_run):
    """No cell anywhere shows <5 for a value of 5 or more; every interval holds the truth."""
    from analyse.privacy.gate import SuppressedFamily

    for name, family in _families(sized_run).items():
        assert isinstance(family, SuppressedFamily)
        for key in family:
            parts = family._parts[key]
            st_ = family[key]
            for j, c in enumerate(parts.count_cols):
                truth = parts.counts[:, j]
                status = st_.status[c].to_numpy()
                ok = ~np.isnan(truth)
                assert (truth[ok & (status == "primary")] < st_.min_cell).all(), (name, key, c)
                assert (truth[ok & (status == "secondary")] >= st_.min_cell).all(), (name, key, c)
                inside = ok & (status == "interval")
                lo = st_.lower[c].to_numpy(dtype=float, na_value=np.nan)
                hi = st_.upper[c].to_numpy(dtype=float, na_value=np.nan)
                assert (lo[inside] <= truth[inside]).all() and (truth[inside] <= hi[inside]).all()


def test_real_run_groups_isolate_no_few_residents(sized_run):
    """Subtracting any published groups of the run (sites, practices, overview, waves, all
    assessed and paired; n, sums = n x mean) recovers no group of 1-4 residents."""
    from analyse import report

    groups = report._groups(sized_run)
    gate = report._group_gate(sized_run)
    m = sized_run.min_cell
    hidden = {k: bool(gate[k]) or len(set(v)) < m for k, v in groups.items()}
    assert_no_atom_isolated({k: list(v) for k, v in groups.items()}, hidden, m)


def test_real_run_hidden_groups_show_no_statistic(sized_run):
    """Where the count structure hides a group, its row shows no n; where the value's own
    structure hides it (issue 23: a mean is a sum of one value), no mean either."""
    from analyse import report

    gate = report._group_gate(sized_run)
    values = report._value_gate(sized_run)
    family = sized_run.cache["family:trial"]
    for site in [*sized_run.ds.sites, report.TOTAL]:
        st_ = family[site]
        for value in st_.values.index:
            key = ("trial", str(site), value)
            if gate.get(key, False):
                assert st_.status.loc[value, "n"] != "shown"
            if values.get((value, key), False):
                assert st_.values.loc[value].isna().all(), (site, value)  # hidden or never computed


def test_real_run_value_structures_isolate_no_few_residents(sized_run):
    """For each value, subtracting the published groups over which that value is summed
    recovers no sum over 1-4 residents."""
    from analyse import report

    groups = report._groups(sized_run)
    values = report._value_gate(sized_run)
    m = sized_run.min_cell
    for value in report.TRIAL_VALUES:
        mine = {k: list(groups[k]) for (v, k) in values.index if v == value}
        hidden = {k: bool(values[(value, k)]) or len(set(mine[k])) < m for k in mine}
        assert_no_atom_isolated(mine, hidden, m)


# --------------------------------------------------------------------------- the new arguments


def test_a_mean_times_n_does_not_give_back_a_hidden_count_of_new_relations():
    """Issue 15: kept + gained is published as n x mean (relations after); a hidden count of
    new relations must not follow from it minus the kept count."""
    t = pd.DataFrame({"kept": [12], "gained": [3], "lost": [7]}, index=["nonstaff"])
    t = t.assign(before=t["kept"] + t["lost"], after=t["kept"] + t["gained"])
    cols = ["kept", "gained", "lost", "before", "after"]
    out = suppress(
        t,
        count_cols=cols,
        n_col=None,
        margins="none",
        row_sums={"before": ["kept", "lost"], "after": ["kept", "gained"]},
    )
    assert out.status.loc["nonstaff", "gained"] == "primary"
    assert out.status.loc["nonstaff", "kept"] != "shown"  # else after - kept = gained
    assert_honest(out, t, cols)
    without = suppress(t, count_cols=cols, n_col=None, margins="none")
    assert without.status.loc["nonstaff", "kept"] == "shown"  # the leak the issue found


def test_forced_cells_are_hidden_as_secondary_with_their_statistics():
    t = pd.DataFrame({"n": [12, 30], "mean": [2.5, 3.1]}, index=["H1", "all"])
    force = pd.DataFrame({"n": [True, False]}, index=["H1", "all"])
    out = suppress(t, n_col="n", stat_cols=["mean"], margins="none", force=force)
    assert out.status.loc["H1"].tolist() == ["secondary", "secondary"]
    assert out.display().loc["H1"].tolist() == ["(s)", "(s)"]
    assert out.status.loc["all"].tolist() == ["shown", "shown"]


def test_unpublished_atoms_link_sites_and_practices():
    """Sites and practices are both published; their site x practice parts are not. A
    practice of two sites minus one site gives the other: the gate must see it."""
    atoms = {
        ("H6", "P1"): pd.DataFrame({"n": [2]}, index=["pairs"]),
        ("H7", "P1"): pd.DataFrame({"n": [8]}, index=["pairs"]),
    }
    tables = {
        **atoms,
        "H6": atoms[("H6", "P1")].copy(),
        "H7": atoms[("H7", "P1")].copy(),
        "P1": atoms[("H6", "P1")] + atoms[("H7", "P1")],
    }
    out = suppress_family(
        tables,
        sums={"H6": [("H6", "P1")], "H7": [("H7", "P1")], "P1": list(atoms)},
        n_col="n",
        margins="none",
        unpublished=list(atoms),
    )
    assert set(out) == {"H6", "H7", "P1"}
    assert out["H6"].status.loc["pairs", "n"] == "primary"
    assert (
        out["H7"].status.loc["pairs", "n"] != "shown"
        or out["P1"].status.loc["pairs", "n"] != "shown"
    )
