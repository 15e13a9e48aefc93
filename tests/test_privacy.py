"""Tests of analyse.privacy.gate: the one suppression gate for steering-group output.

The property tests check the gate with an attacker that does not share its code: for every
suppressed cell, a linear programme over everything a reader can see (published cells,
published or known totals, the overview, non-negativity) finds the smallest and largest
value the cell can take. If they coincide, the cell can be worked out by subtraction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analyse.errors import ConfigError, PrivacyError
from analyse.privacy.gate import (
    PSEUDONYM_COLUMNS,
    assert_no_pseudonyms,
    check_min_cell,
    find_leaks,
    site_too_small,
    suppress,
    suppress_family,
)

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- an independent attacker


def attacker_ranges(
    cells: dict, equations: list[tuple[dict, float]], hidden: set, min_cell: int
) -> dict:
    """Smallest and largest value of every hidden small cell given what is published.

    ``cells``: key -> true value; ``equations``: ({key: coef}, constant) meaning
    ``sum(coef * cell) = constant``; ``hidden``: keys the reader does not see. Only cells
    from 1 to ``min_cell - 1`` are checked: a hidden 0 or a hidden cell of ``min_cell`` or
    more may be worked out, since it could have been published.
    """
    unknown = sorted(hidden, key=str)
    pos = {k: i for i, k in enumerate(unknown)}
    a_eq, b_eq = [], []
    for coefs, const in equations:
        row = np.zeros(len(unknown))
        rhs = const
        for k, a in coefs.items():
            if k in pos:
                row[pos[k]] += a
            else:
                rhs -= a * cells[k]
        if np.any(row != 0):
            a_eq.append(row)
            b_eq.append(rhs)
    out = {}
    for k in unknown:
        if not 0 < cells[k] < min_cell:
            continue
        c = np.zeros(len(unknown))
        c[pos[k]] = 1
        kw = dict(A_eq=np.array(a_eq), b_eq=np.array(b_eq)) if a_eq else {}
        lo = linprog(c, bounds=(0, None), method="highs", **kw)
        hi = linprog(-c, bounds=(0, None), method="highs", **kw)
        assert lo.status == 0 and hi.status in (0, 3)  # 3: unbounded above
        out[k] = (lo.fun, np.inf if hi.status == 3 else -hi.fun)
    return out


def table_equations(key, frame: pd.DataFrame, cols: list[str], st_=None) -> tuple[dict, list, set]:
    """Row and column sums of a table as a reader knows them: a total is a constant, unless
    the gate said it must not be published (then it is one more unknown)."""
    cells, eqs, hidden = {}, [], set()
    for r in frame.index:
        t = (key, r, "row total")
        cells[t] = float(frame.loc[r, cols].sum())
        if st_ is not None and st_.row_total_suppressed[r]:
            hidden.add(t)
        eqs.append(({**{(key, r, c): 1 for c in cols}, t: -1}, 0.0))
    for c in cols:
        t = (key, "column total", c)
        cells[t] = float(frame[c].sum())
        if st_ is not None and st_.column_total_suppressed[c]:
            hidden.add(t)
        eqs.append(({**{(key, r, c): 1 for r in frame.index}, t: -1}, 0.0))
    return cells, eqs, hidden


def hidden_cells(key, st_, cols) -> set:
    return {(key, r, c) for r in st_.mask.index for c in cols if st_.mask.loc[r, c]}


counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def count_tables(draw, n_rows=None, n_cols=None):
    r = n_rows or draw(st.integers(2, 5))
    c = n_cols or draw(st.integers(2, 4))
    data = [[draw(counts) for _ in range(c)] for _ in range(r)]
    return pd.DataFrame(
        data, index=[f"r{i}" for i in range(r)], columns=[f"c{j}" for j in range(c)]
    )


# --------------------------------------------------------------------------- min_cell and small sites


@pytest.mark.parametrize("value", [3, 5, 10, np.int64(5)])
def test_min_cell_accepts_whole_numbers_from_three(value):
    assert check_min_cell(value) == int(value)


@pytest.mark.parametrize("value", [2, 0, -5, 4.0, 5.5, True, "5", None])
def test_min_cell_refuses_below_three_and_non_integers(value):
    with pytest.raises(ConfigError, match="at least 3"):
        check_min_cell(value)


def test_min_cell_error_is_a_value_error():
    with pytest.raises(ValueError):
        suppress(pd.DataFrame({"n": [10]}), count_cols=["n"], min_cell=2)


@pytest.mark.parametrize(
    ("n", "min_cell", "expected"),
    [
        (4, 5, True),
        (5, 5, False),
        (0, 5, True),
        (12, 5, False),
        (2, 3, True),
        (3, 3, False),
        (4, 3, False),
    ],
)
def test_site_too_small(n, min_cell, expected):
    assert site_too_small(n, min_cell) is expected


def test_site_too_small_refuses_non_counts():
    with pytest.raises(ConfigError):
        site_too_small(-1)
    with pytest.raises(ConfigError):
        site_too_small("12")


# --------------------------------------------------------------------------- primary suppression


def test_primary_counts_below_min_cell_and_zero_published():
    t = pd.DataFrame({"n": [0, 1, 4, 5, 30]}, index=list("abcde"))
    out = suppress(t, count_cols=["n"], margins="none")
    assert out.mask["n"].tolist() == [False, True, True, False, False]
    assert out.display()["n"].tolist() == ["0", "<5", "<5", "5", "30"]
    assert out.values["n"].isna().tolist() == [False, True, True, False, False]


def test_zeros_can_be_treated_as_unsafe():
    t = pd.DataFrame({"n": [0, 7]}, index=["a", "b"])
    out = suppress(t, count_cols=["n"], margins="none", zeros="suppress")
    assert out.mask["n"].tolist() == [True, False]


def test_marker_follows_min_cell():
    t = pd.DataFrame({"n": [3, 4, 8]}, index=list("abc"))
    out = suppress(t, count_cols=["n"], margins="none", min_cell=4)
    assert out.marker == "<4"
    assert out.display()["n"].tolist() == ["<4", "4", "8"]


def test_statistics_resting_on_few_persons_are_suppressed():
    t = pd.DataFrame(
        {"n": [4, 12, 30], "mean": [6.25, 5.5, 1234.5], "median": [6.0, 5.0, 7.0]},
        index=pd.Index(["H1", "H2", "H3"], name="site_id"),
    )
    out = suppress(t, n_col="n", stat_cols=["mean", "median"], margins="none")
    d = out.display()
    assert d.loc["H1"].tolist() == ["<5", "<5", "<5"]
    assert d.loc["H3", "mean"] == "1.234,5"
    assert out.display("en").loc["H3", "mean"] == "1,234.5"
    assert out.values["mean"].isna().tolist() == [True, False, False]
    assert out.primary.loc["H1", "mean"]


def test_share_is_suppressed_with_its_count():
    t = pd.DataFrame({"n": [12, 12], "k": [3, 7], "share": [3 / 12, 7 / 12]}, index=["H1", "H2"])
    out = suppress(
        t, count_cols=["k"], n_col="n", stat_cols={"share": ["k"]}, of_n=["k"], margins="none"
    )
    assert out.mask.loc["H1", "share"] and out.mask.loc["H1", "k"]
    d = out.display(percent_cols=["share"], decimals=0)
    assert d.loc["H2", "share"].replace("\xa0", " ") == "58 %"
    assert d.loc["H2", "k"] == "7"


def test_complement_of_a_subset_count_is_protected():
    """11 of 12 have a friend says that 1 has none: k must be hidden (and its share)."""
    t = pd.DataFrame(
        {"n": [12, 12, 12], "k": [11, 12, 7], "share": [11 / 12, 1.0, 7 / 12]},
        index=["a", "b", "c"],
    )
    out = suppress(
        t, count_cols=["k"], n_col="n", stat_cols={"share": ["k"]}, of_n=["k"], margins="none"
    )
    assert out.mask["k"].tolist() == [True, False, False]  # 12 of 12: the remainder 0 is published
    assert out.mask["share"].tolist() == [True, False, False]
    assert not out.mask["n"].any()


def test_missing_statistic_is_not_a_suppression():
    t = pd.DataFrame({"n": [10], "mean": [np.nan]}, index=["a"])
    out = suppress(t, stat_cols=["mean"], margins="none")
    assert not out.mask.loc["a", "mean"]
    assert out.display().loc["a", "mean"] == "–"


# --------------------------------------------------------------------------- secondary suppression


def test_worked_example_site_by_practice_with_margins():
    """A 2x2 cycle: the 3 needs a partner in its row and its column, and they need a fourth
    (Hundepool et al., 2024, Handbook on SDC, ch. 4: a single suppressed cell in a row or
    column with a published total is given back by subtraction)."""
    t = pd.DataFrame(
        {"P1": [12, 3, 15], "P2": [8, 9, 17], "n": [20, 12, 32]},
        index=pd.Index(["H1", "H2", "I alt"], name="site_id"),
    )
    out = suppress(t, count_cols=["P1", "P2"], total_col="n", total_row="I alt")
    assert out.mask.loc[["H1", "H2"], ["P1", "P2"]].to_numpy().all()
    assert not out.mask.loc["I alt"].any() and not out.mask["n"].any()
    assert out.primary.loc["H2", "P1"] and not out.primary.loc["H1", "P1"]
    # issue 15: <5 only for the small cell; the others show the true interval the
    # published totals and the <5 already imply (12 is 11 to 15: 15 minus 0 to 4)
    d = out.display()
    assert d.loc["H2", "P1"] == "<5"
    assert d.loc["H1", ["P1", "P2"]].tolist() == ["11 til 15", "5 til 9"]
    assert d.loc["H2", "P2"] == "8 til 12"
    assert out.status.loc["H1", "P1"] == "interval" and out.status.loc["H2", "P1"] == "primary"


def test_zero_is_not_chosen_as_complement_when_another_cell_can_be():
    t = pd.DataFrame({"a": [3], "b": [0], "c": [20]}, index=["r"])
    out = suppress(t, count_cols=["a", "b", "c"], margins="rows")
    assert out.mask.loc["r"].tolist() == [True, False, True]


def test_totals_are_complements_only_as_a_last_resort():
    t = pd.DataFrame(
        {"a": [3, 10, 13], "b": [40, 30, 70], "total": [43, 40, 83]}, index=["x", "y", "all"]
    )
    out = suppress(t, count_cols=["a", "b"], total_col="total", total_row="all")
    assert not out.mask["total"].any() and not out.mask.loc["all"].any()


def test_wrong_total_is_refused():
    t = pd.DataFrame({"a": [3, 10], "b": [4, 30], "total": [8, 40]}, index=["x", "y"])
    with pytest.raises(ConfigError, match="add up"):
        suppress(t, count_cols=["a", "b"], total_col="total")


@pytest.mark.parametrize("bad", [[1.5, 2.0], [-1, 3], ["x", 3]])
def test_counts_must_be_whole_non_negative_numbers(bad):
    with pytest.raises(ConfigError, match="whole numbers"):
        suppress(pd.DataFrame({"a": bad}, index=["x", "y"]), count_cols=["a"])


def test_unknown_column_and_bad_margins_are_refused():
    t = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(ConfigError, match="not in the table"):
        suppress(t, count_cols=["b"])
    with pytest.raises(ConfigError, match="margins"):
        suppress(t, count_cols=["a"], margins="diagonal")
    with pytest.raises(ConfigError, match="n_col"):
        suppress(t, count_cols=["a"], stat_cols=["a2"], n_col="n")


@PROPERTY
@given(table=count_tables(), min_cell=st.sampled_from([3, 5]))
def test_property_nothing_below_min_cell_survives_and_nothing_is_recovered(table, min_cell):
    cols = list(table.columns)
    with_margins = table.copy()
    with_margins["total"] = table.sum(axis=1)
    with_margins.loc["all"] = with_margins.sum()
    out = suppress(
        with_margins, count_cols=cols, total_col="total", total_row="all", min_cell=min_cell
    )
    grid = cols + ["total"]
    shown = out.values[grid]
    # 1. no published count from 1 to min_cell - 1
    published = shown.to_numpy(dtype=float, na_value=np.nan)
    assert not np.any((published > 0) & (published < min_cell))
    # 2. brute force: every row and column with its total has 0 or >= 2 suppressed cells
    for r in with_margins.index:
        assert out.mask.loc[r, grid].sum() != 1, r
    for c in grid:
        assert out.mask.loc[:, c].sum() != 1, c
    # 3. an independent attacker (linear programme) cannot pin any suppressed cell
    cells = {(None, r, c): float(with_margins.loc[r, c]) for r in with_margins.index for c in grid}
    eqs = []
    for r in with_margins.index:
        eqs.append(({**{(None, r, c): 1 for c in cols}, (None, r, "total"): -1}, 0.0))
    for c in grid:
        eqs.append(({**{(None, r, c): 1 for r in table.index}, (None, "all", c): -1}, 0.0))
    ranges = attacker_ranges(cells, eqs, hidden_cells(None, out, grid), min_cell)
    for key, (lo, hi) in ranges.items():
        assert hi - lo > 0.5, (key, lo, hi, with_margins)


@PROPERTY
@given(table=count_tables(), min_cell=st.sampled_from([3, 5]))
def test_property_implicit_margins_subset_counts_and_statistics(table, min_cell):
    """Totals known from elsewhere (not in the table), plus n and a share per row."""
    cols = list(table.columns)
    t = table.copy()
    t["n"] = t[cols].sum(axis=1) + 3
    t["share"] = (t[cols[0]] / t["n"]).astype(float)
    out = suppress(
        t,
        count_cols=cols,
        n_col="n",
        stat_cols={"share": [cols[0]]},
        of_n=[cols[0]],
        margins="both",
        min_cell=min_cell,
    )
    published = out.values[cols + ["n"]].to_numpy(dtype=float, na_value=np.nan)
    assert not np.any((published > 0) & (published < min_cell))
    # the remainder n - k0 of a published pair is never small
    both = ~out.mask[cols[0]] & ~out.mask["n"]
    rest = (t["n"] - t[cols[0]])[both]
    assert not ((rest > 0) & (rest < min_cell)).any()
    # a share is shown only when its n is at least min_cell and its count is shown
    shown_share = ~out.mask["share"]
    assert (t.loc[shown_share, "n"] >= min_cell).all()
    assert not out.mask.loc[shown_share, cols[0]].any()
    assert not out.mask.loc[shown_share, "n"].any()
    # attacker with row sums and column sums known
    cells = {(None, r, c): float(t.loc[r, c]) for r in t.index for c in [*cols, "n"]}
    total_cells, eqs, hidden = table_equations(None, t, cols, out)
    cells.update(total_cells)
    hidden |= hidden_cells(None, out, [*cols, "n"])
    # n adds up over rows; n = k + rest, and the rest is never published
    n_total = (None, "column total", "n")
    cells[n_total] = float(t["n"].sum())
    if out.column_total_suppressed["n"]:
        hidden.add(n_total)
    eqs.append(({**{(None, r, "n"): 1 for r in t.index}, n_total: -1}, 0.0))
    small_rests = set()
    for r in t.index:
        rest = (None, r, "rest")
        cells[rest] = float(t.loc[r, "n"] - t.loc[r, cols[0]])
        hidden.add(rest)
        if 0 < cells[rest] < min_cell:
            small_rests.add(rest)
        eqs.append(({(None, r, cols[0]): 1, rest: 1, (None, r, "n"): -1}, 0.0))
    ranges = attacker_ranges(cells, eqs, hidden, min_cell)
    for key, (lo, hi) in ranges.items():
        if key[2] == "rest" and key not in small_rests:
            continue  # a large or zero remainder may be worked out; it is not published
        assert hi - lo > 0.5, (key, lo, hi)


# --------------------------------------------------------------------------- families


def test_family_worked_example_overview_and_two_sites():
    h1 = pd.DataFrame({"pre": [7, 10], "post": [8, 9]}, index=["friend", "staff"])
    h2 = pd.DataFrame({"pre": [3, 12], "post": [6, 11]}, index=["friend", "staff"])
    out = suppress_family(
        {"H1": h1, "H2": h2, "all": h1 + h2}, total="all", count_cols=["pre", "post"], n_col=None
    )
    assert out["H2"].mask.loc["friend", "pre"]
    # H2's 3 = all - H1 unless H1's cell is hidden too
    assert out["H1"].mask.loc["friend", "pre"] or out["all"].mask.loc["friend", "pre"]
    # per-table suppression alone would not hide H1's friend/pre
    assert not suppress(h1, count_cols=["pre", "post"], n_col=None).mask.loc["friend", "pre"]


def test_family_does_not_depend_on_the_order_of_the_tables():
    h1 = pd.DataFrame({"a": [7, 10], "b": [8, 2]}, index=["x", "y"])
    h2 = pd.DataFrame({"a": [3, 12], "b": [6, 11]}, index=["x", "y"])
    h3 = pd.DataFrame({"a": [9, 9], "b": [9, 9]}, index=["x", "y"])
    tables = {"H1": h1, "H2": h2, "H3": h3, "all": h1 + h2 + h3}
    one = suppress_family(tables, total="all", count_cols=["a", "b"], n_col=None)
    two = suppress_family(
        dict(reversed(tables.items())), total="all", count_cols=["a", "b"], n_col=None
    )
    for k in tables:
        pd.testing.assert_frame_equal(one[k].mask, two[k].mask)


def test_family_refuses_an_overview_that_is_not_the_sum():
    h1 = pd.DataFrame({"a": [7]}, index=["x"])
    with pytest.raises(ConfigError, match="parts give"):
        suppress_family({"H1": h1, "all": h1 + 1}, total="all", count_cols=["a"], n_col=None)


@st.composite
def families(draw):
    n_sites = draw(st.integers(2, 4))
    r, c = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    return [draw(count_tables(n_rows=r, n_cols=c)) for _ in range(n_sites)]


@PROPERTY
@given(sites=families(), min_cell=st.sampled_from([3, 5]))
def test_property_family_of_sites_and_overview(sites, min_cell):
    tables = {f"H{i + 1}": s for i, s in enumerate(sites)}
    overview = sum(sites[1:], sites[0])
    tables["all"] = overview
    cols = list(overview.columns)
    out = suppress_family(tables, total="all", count_cols=cols, n_col=None, min_cell=min_cell)
    for key, st_ in out.items():
        published = st_.values[cols].to_numpy(dtype=float, na_value=np.nan)
        assert not np.any((published > 0) & (published < min_cell)), key
    # brute force per the brief: within each table, and each overview cell with its sites
    for st_ in out.values():
        for r in st_.mask.index:
            if not st_.row_total_suppressed[r]:  # a published row with a published total
                assert st_.mask.loc[r, cols].sum() != 1
        for c in cols:
            if not st_.column_total_suppressed[c]:
                assert st_.mask[c].sum() != 1
    for r in overview.index:
        for c in cols:
            assert sum(out[k].mask.loc[r, c] for k in tables) != 1
    # attacker: every table's row and column sums, and overview = sum of sites
    cells, eqs, hidden = {}, [], set()
    for key, frame in tables.items():
        for r in frame.index:
            for c in cols:
                cells[(key, r, c)] = float(frame.loc[r, c])
        total_cells, total_eqs, total_hidden = table_equations(key, frame, cols, out[key])
        cells.update(total_cells)
        eqs += total_eqs
        hidden |= total_hidden | hidden_cells(key, out[key], cols)
    for r in overview.index:
        for c in cols:
            eqs.append(({**{(k, r, c): 1 for k in tables if k != "all"}, ("all", r, c): -1}, 0.0))
    for key, (lo, hi) in attacker_ranges(cells, eqs, hidden, min_cell).items():
        assert hi - lo > 0.5, (key, lo, hi)


@PROPERTY
@given(
    pre=count_tables(n_rows=3, n_cols=2),
    post=count_tables(n_rows=3, n_cols=2),
    min_cell=st.sampled_from([3, 5]),
)
def test_property_waves_and_change(pre, post, min_cell):
    """pre, post and change = post - pre: a hidden pre count does not come back from post."""
    change = post - pre
    out = suppress_family(
        {"pre": pre, "post": post, "change": change},
        differences=[("change", "post", "pre")],
        count_cols=list(pre.columns),
        n_col=None,
        margins="columns",
        min_cell=min_cell,
    )
    cols = list(pre.columns)
    for key in ("pre", "post"):
        published = out[key].values[cols].to_numpy(dtype=float, na_value=np.nan)
        assert not np.any((published > 0) & (published < min_cell))
    # attacker: column sums of pre and post, change = post - pre (change cells free in sign)
    cells, eqs, hidden = {}, [], set()
    for key, frame in (("pre", pre), ("post", post)):
        for r in frame.index:
            for c in cols:
                cells[(key, r, c)] = float(frame.loc[r, c])
        for c in cols:
            if out[key].column_total_suppressed[c]:
                continue  # the gate says this total must not be published
            eqs.append(({(key, r, c): 1 for r in frame.index}, float(frame[c].sum())))
        hidden |= hidden_cells(key, out[key], cols)
    for r in pre.index:
        for c in cols:
            ch = float(change.loc[r, c])
            if out["change"].mask.loc[r, c]:
                continue  # an unknown change links nothing a reader can use beyond sign
            eqs.append(({("post", r, c): 1, ("pre", r, c): -1}, ch))
    for c in cols:  # the change table's column sums are published too, unless the gate hid them
        if out["change"].column_total_suppressed[c]:
            continue
        eqs.append(
            (
                {
                    **{("post", r, c): 1 for r in pre.index},
                    **{("pre", r, c): -1 for r in pre.index},
                },
                float(change[c].sum()),
            )
        )
    for key, (lo, hi) in attacker_ranges(cells, eqs, hidden, min_cell).items():
        assert hi - lo > 0.5, (key, lo, hi)


# --------------------------------------------------------------------------- display


def test_display_formats_danish_and_english():
    t = pd.DataFrame({"n": [1234, 6], "mean": [2.25, 3.0]}, index=pd.Index(["a", "b"], name="g"))
    out = suppress(t, stat_cols=["mean"], margins="none")
    assert out.display().loc["a"].tolist() == ["1.234", "2,3"]
    assert out.display("en").loc["a"].tolist() == ["1,234", "2.3"]
    assert out.display(decimals={"mean": 2}).loc["b", "mean"] == "3,00"
    with pytest.raises(ConfigError):
        out.display(percent_cols=["n"])


def test_labels_are_kept_and_counts_typed():
    t = pd.DataFrame({"label": ["Familie", "Ven"], "n": [2, 9]})
    out = suppress(t, count_cols=["n"], margins="none")
    assert out.values["label"].tolist() == ["Familie", "Ven"]
    assert str(out.values["n"].dtype) == "Int64"
    assert out.display()["label"].tolist() == ["Familie", "Ven"]


# --------------------------------------------------------------------------- pseudonym guards


@pytest.mark.parametrize(
    "column", [*PSEUDONYM_COLUMNS, "borger_id", "relation_id", "medarbejder_id", "Borger ID"]
)
def test_pseudonym_columns_are_refused(column):
    with pytest.raises(PrivacyError) as info:
        assert_no_pseudonyms(pd.DataFrame({column: ["B017"], "n": [1]}))
    assert info.value.problems[0].code == "pseudonym_column"


def test_pseudonym_index_name_is_refused():
    frame = pd.DataFrame({"n": [1]}, index=pd.Index(["B017"], name="resident_id"))
    with pytest.raises(PrivacyError):
        assert_no_pseudonyms(frame)


def test_pseudonym_values_are_refused_and_masked():
    frame = pd.DataFrame({"site_id": ["H1", "H2"], "note": ["ok", "B017"]}, index=["a", "M04"])
    with pytest.raises(PrivacyError) as info:
        assert_no_pseudonyms(frame, pseudonyms=["B017", "M04"], lang="en")
    values = sorted(p.value for p in info.value.problems)
    assert values == ["B***", "M**"]
    assert "B017" not in str(info.value)


def test_clean_aggregate_passes():
    frame = pd.DataFrame({"site_id": ["H1"], "practice": ["P1"], "n": [12]})
    assert_no_pseudonyms(frame, pseudonyms=["B017"])


def test_find_leaks_in_html():
    html = "<html>\n<p>12 borgere</p>\n<td>b017</td>\n<img src='data:image/png;base64,QUJCMDE3Cg=='>\n</html>"
    found = find_leaks(html, pseudonyms=["B017", "17"], where="H1.html")
    assert [(p.code, p.row, p.file) for p in found] == [("pseudonym", 3, "H1.html")]
    assert found[0].value == "b***"


def test_find_leaks_planted_in_image_name_and_cpr():
    text = "figur-B017.png\nCPR 0101901234 og 311299-1234\n"
    codes = [(p.code, p.row) for p in find_leaks(text, pseudonyms=["B017"])]
    assert codes == [("pseudonym", 1), ("cpr_number", 2), ("cpr_number", 2)]


def test_find_leaks_ignores_longer_tokens_and_non_dates():
    assert find_leaks("AB0171 B0172 3213901234", pseudonyms=["B017"]) == []
