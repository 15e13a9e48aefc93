"""Tests of the gate's fast linear-programme attack (analyse.privacy.system, issue 23/25).

The attack asks, for each small hidden cell, whether the published numbers and the markers
leave it two or more integer sizes. It used to work out every cell's exact range (one or two
linear programmes per cell); it now settles many cells with one programme and works out only
what the answer needs. These tests compare the two on random systems and on whole families
of small sites (4-6 residents): the same decision for every cell, the same hidden cells and
the same markers, with fewer programmes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyse.privacy import system
from analyse.privacy.gate import suppress_family, suppress_groups

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def two_sizes(t_lo, t_hi, floor):
    """The attack's test (analyse.privacy.system._Bounds._attack)."""
    sizes = np.floor(t_hi + 1e-7) - np.maximum(np.ceil(t_lo - 1e-7), floor) + 1
    return sizes >= 2


def random_group(seed: int):
    """A group of linked unknown cells as the attack sees it: ``a x = b`` for a true ``x``,
    with the markers' bounds (``<5``: 0-4, ``(s)``: 5 or more, never published: 0 or more)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 14))
    truth = rng.choice([1, 2, 3, 4, 5, 6, 9], n).astype(float)
    m = int(rng.integers(1, n))
    a = np.zeros((m, n))
    for r in range(m):
        parts = rng.choice(n, int(rng.integers(2, min(n, 5) + 1)), replace=False)
        a[r, parts] = 1.0
        if rng.random() < 0.5:  # a total: -1 on one of them
            a[r, parts[0]] = -1.0
    b = a @ truth
    lo, hi = np.zeros(n), np.full(n, np.inf)
    small = truth < 5
    hi[small] = 4.0
    lo[~small & (rng.random(n) < 0.7)] = 5.0
    floor = np.where(rng.random(n) < 0.3, 0.0, 1.0)
    targets = np.flatnonzero(small)
    return a, b, lo, hi, targets, truth, floor


@PROPERTY
@given(seed=st.integers(0, 100_000))
def test_property_attack_decides_as_the_exact_ranges(seed):
    a, b, lo, hi, tj, truth, floor = random_group(seed)
    if not len(tj):
        return
    e_lo, e_hi = system._group_ranges(a, b, lo, hi, tj, truth, None)
    f_lo, f_hi = system._group_ranges(a, b, lo, hi, tj, truth, floor)
    np.testing.assert_array_equal(
        two_sizes(e_lo, e_hi, floor[tj]), two_sizes(f_lo, f_hi, floor[tj])
    )


def small_sites(n_sites: int, seed: int) -> dict[str, pd.DataFrame]:
    """Sites of 4-6 residents: counts by relationship and wave, and the overview ``all``."""
    rng = np.random.default_rng(seed)
    index = ["ven", "familie", "personale", "ingen"]
    tables = {}
    for s in range(n_sites):
        cols = {}
        for wave in ("pre", "post"):
            persons = int(rng.integers(4, 7))
            cols[wave] = np.bincount(rng.integers(0, len(index), persons), minlength=len(index))
        tables[f"H{s:03d}"] = pd.DataFrame(cols, index=index)
    tables["all"] = sum(tables.values(), pd.DataFrame(0, index=index, columns=["pre", "post"]))
    return tables


@pytest.fixture
def exact_attack(monkeypatch):
    """The attack with exact ranges for every cell (the algorithm before issue 25's speed-up);
    counts the linear programmes of both."""
    import scipy.optimize

    calls = {"n": 0}
    real_lp = scipy.optimize.linprog

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real_lp(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "linprog", counting)
    real = system._Bounds._ranges_lp

    def exact(self, *args, floor=None, **kwargs):
        return real(self, *args, **kwargs)

    def use_exact(on: bool) -> None:
        monkeypatch.setattr(system._Bounds, "_ranges_lp", exact if on else real)

    return use_exact, calls


def digest(out) -> dict:
    return {
        k: (t.mask.to_numpy(), t.primary.to_numpy(), t.display().astype(str).to_numpy())
        for k, t in out.items()
    }


@pytest.mark.parametrize("n_sites", [3, 5])
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("margins", ["both", "columns"])
def test_small_sites_same_hidden_cells_and_markers(exact_attack, n_sites, seed, margins):
    use_exact, calls = exact_attack
    tables = small_sites(n_sites, seed)
    kwargs = {"count_cols": ["pre", "post"], "n_col": None, "margins": margins}
    fast = digest(suppress_family(tables, total="all", **kwargs))
    n_fast = calls["n"]
    use_exact(True)
    calls["n"] = 0
    exact = digest(suppress_family(tables, total="all", **kwargs))
    assert calls["n"] > 0, "the exact attack ran no linear programme: nothing compared"
    assert n_fast <= calls["n"]
    for k in exact:
        for x, y in zip(exact[k], fast[k], strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("seed", [4, 5])
def test_groups_same_decisions(exact_attack, seed):
    """suppress_groups (atoms as never-published cells) with residents in overlapping groups."""
    use_exact, _ = exact_attack
    rng = np.random.default_rng(seed)
    groups = {}
    for s in range(8):
        persons = [f"s{s}p{i}" for i in range(int(rng.integers(4, 9)))]
        groups[("site", s)] = persons
        groups[("paired", s)] = [p for p in persons if rng.random() < 0.85]
        groups[("practice", s % 3)] = groups.get(("practice", s % 3), []) + persons
    fast = suppress_groups(groups)
    use_exact(True)
    exact = suppress_groups(groups)
    pd.testing.assert_frame_equal(fast, exact)


def test_attack_needs_fewer_programmes(exact_attack):
    """Many small cells, most of them able to take two sizes: a few programmes settle them."""
    use_exact, calls = exact_attack
    tables = small_sites(5, 3)
    kwargs = {"count_cols": ["pre", "post"], "n_col": None, "margins": "both"}
    suppress_family(tables, total="all", **kwargs)
    n_fast = calls["n"]
    use_exact(True)
    calls["n"] = 0
    suppress_family(tables, total="all", **kwargs)
    assert n_fast < calls["n"]
