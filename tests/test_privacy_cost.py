"""Secondary suppression by cost across a family's tables (issue 23, τ-ARGUS).

A small cell of one site is protected by hiding a cell of another site in its column; the
declared cost of each table decides which site gives that complement.
"""

from __future__ import annotations

import pandas as pd

from analyse.privacy.gate import suppress_family

H1 = pd.DataFrame({"pre": [3, 20], "post": [9, 14]}, index=["friend", "staff"])
H2 = pd.DataFrame({"pre": [12, 10], "post": [11, 11]}, index=["friend", "staff"])
H3 = pd.DataFrame({"pre": [8, 15], "post": [7, 16]}, index=["friend", "staff"])
TABLES = {"H1": H1, "H2": H2, "H3": H3, "all": H1 + H2 + H3}


def _hidden(family, key: str) -> int:
    return int(family[key].display().map(lambda v: not str(v).isdigit()).to_numpy().sum())


def test_without_costs_the_smallest_value_is_the_complement():
    out = suppress_family(TABLES, total="all", count_cols=["pre", "post"], n_col=None)
    assert _hidden(out, "H3") > 0 and _hidden(out, "H2") == 0


def test_the_cheap_table_gives_the_complement_and_the_dear_one_is_shown():
    cost = {"H1": 0.0, "H2": 0.0, "H3": 2.0, "all": 1.0}
    out = suppress_family(TABLES, total="all", count_cols=["pre", "post"], n_col=None, cost=cost)
    assert _hidden(out, "H3") == 0 and _hidden(out, "H2") > 0
    assert out["H1"].display().loc["friend", "pre"] == "<5"
    assert _hidden(out, "all") == 0


def test_costs_never_leave_the_small_cell_recoverable():
    """Whatever the costs, the 3 stays unknown: its bounds are wider than one value."""
    for cost in ({"H3": 5.0}, {"H2": 5.0}, {"all": -1.0}, {}):
        out = suppress_family(
            TABLES, total="all", count_cols=["pre", "post"], n_col=None, cost=cost
        )
        assert out["H1"].display().loc["friend", "pre"] == "<5"
        assert sum(_hidden(out, k) for k in ("H2", "H3", "all")) > 0
