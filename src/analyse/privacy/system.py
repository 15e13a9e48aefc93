"""The gate's linear-algebra system: cells, the equations that link them, and the bounds
a reader can work out (:mod:`analyse.privacy.gate` chooses what to hide with it).

Split out of :class:`analyse.privacy.gate._System`, which adds the search for secondary
suppressions: :class:`_Cells` holds the cells and equations (bulk construction, the graph of
linked unknown cells, the singleton rule), :class:`_Bounds` what the markers say and the
linear-programme attack; :func:`frees_by_blocks` and :func:`determined_by_blocks` are the
block method's linear algebra. This module does not import :mod:`analyse.privacy.gate`.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.csgraph

# the gate's own logger: messages read as they did before the split
log = logging.getLogger("analyse.privacy.gate")

Zeros = Literal["publish", "suppress"]

#: A null-space entry (or residual) below this is taken as zero: the cell is determined.
_ZERO = 1e-9
#: Groups of linked unknown cells up to this size get the linear-programme attack.
_LP_LIMIT = 120


def _ranges(ptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions ``ptr[r]:ptr[r + 1]`` of every row ``r`` of ``rows``, concatenated."""
    starts, stops = ptr[rows], ptr[rows + 1]
    lens = stops - starts
    if not len(lens) or lens.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
    return np.arange(int(lens.sum()), dtype=np.int64) + offsets


@dataclass
class _TableCells:
    """Where a table's numbers are in the system (``-1``: no cell)."""

    ids: np.ndarray  # rows x count_cols
    row_total: np.ndarray  # rows
    column_total: np.ndarray  # count_cols


class _BlockSVDs:
    """The SVDs of the blocks of a large group, batched by shape; ``[i]`` gives block ``i``'s
    cells, narrow rows, matrix and SVD (as :func:`frees_by_blocks` needs them)."""

    def __init__(
        self, b_order: np.ndarray, b_bounds: np.ndarray, nr_order: np.ndarray, r_bounds: np.ndarray
    ) -> None:
        self.b_order, self.b_bounds = b_order, b_bounds
        self.nr_order, self.r_bounds = nr_order, r_bounds
        self.where: dict[int, tuple[int, int]] = {}
        self.groups: list[tuple[np.ndarray, ...]] = []

    def add(self, members: np.ndarray, *arrays: np.ndarray) -> None:
        k = len(self.groups)
        self.groups.append(arrays)
        for g, i in enumerate(members):
            self.where[int(i)] = (k, g)

    def __getitem__(self, i: int) -> dict:
        out: dict = {
            "cells": self.b_order[self.b_bounds[i] : self.b_bounds[i + 1]],
            "rows": self.nr_order[self.r_bounds[i] : self.r_bounds[i + 1]],
        }
        if i in self.where:
            k, g = self.where[i]
            m, u, sv, vt, ranks = self.groups[k]
            out.update(m=m[g], u=u[g], sv=sv[g], vt=vt[g], rank=int(ranks[g]))
        return out


class _Cells:
    """Cells (published or hidden numbers) and the linear equations that link them.

    Cells and equations are added in bulk (numpy arrays); ``solve`` (of the gate's
    ``_System``) works on the equations as a sparse matrix in compressed-row form (``ptr``,
    ``cells``, ``coefs``) and sets the attributes the methods here read.
    """

    def __init__(self, min_cell: int, zeros: Zeros, *, small_hidden_shown: bool = True) -> None:
        self.min_cell = min_cell
        self.zeros = zeros
        #: Whether a small never-published cell counts as ``<5`` (a remainder ``n - k``,
        #: whose interval "11 til 15" says as much); not for the atoms of a group structure,
        #: of which nothing is printed.
        self.small_hidden_shown = small_hidden_shown
        self.n = 0
        self._cols: dict[str, list[np.ndarray]] = {
            "value": [],
            "is_total": [],
            "hidden": [],
            "derived": [],
            "forced": [],
            "elsewhere": [],
            "few": [],
            "cost": [],
            "unmarked": [],
        }
        self._eq_cells: list[np.ndarray] = []
        self._eq_coefs: list[np.ndarray] = []
        self._eq_lens: list[np.ndarray] = []
        self._values: np.ndarray | None = None
        self.tables: dict[Hashable, _TableCells] = {}

    def add_cells(
        self,
        value: np.ndarray,
        *,
        is_total: bool | np.ndarray = False,
        hidden: bool = False,
        derived: bool = False,
        forced: bool | np.ndarray = False,
        elsewhere: bool = False,
        few: bool | np.ndarray = False,
        hidden_mask: np.ndarray | None = None,
        cost: float | np.ndarray = 0.0,
        unmarked: bool | np.ndarray = False,
    ) -> np.ndarray:
        """Add cells with these values; return their ids.

        ``hidden``: never published (a remainder ``n - k``, an atom of a group structure);
        ``derived``: a difference, not a count of persons; ``forced``: to be suppressed
        (as a secondary cell) whatever its value, because another gate said so;
        ``elsewhere``: a total the table does not show (published elsewhere, or if hidden not
        at all: no marker tells a reader anything about it); ``few``: the cell rests on
        1 to ``min_cell - 1`` persons whatever its value (relationships of a few residents),
        so it is protected as a primary cell; ``hidden_mask``: per cell ``hidden`` (an
        unpublished column of a table); ``cost``: what hiding the cell costs the reader (a
        key answer costs more): complements are chosen cheapest first (as τ-ARGUS);
        ``unmarked``: a hidden cell no printed number speaks of (an atom of a table's
        never-published cross-classification, ``hidden_cols``): a reader knows only that it
        is 0 or more, even when it is small.
        """
        value = np.asarray(value, dtype=float).ravel()
        k = len(value)
        self._cols["value"].append(value)
        self._cols["is_total"].append(np.broadcast_to(np.asarray(is_total, dtype=bool), (k,)))
        self._cols["hidden"].append(
            np.full(k, hidden) if hidden_mask is None else np.asarray(hidden_mask, dtype=bool)
        )
        self._cols["derived"].append(np.full(k, derived))
        self._cols["forced"].append(np.broadcast_to(np.asarray(forced, dtype=bool), (k,)))
        self._cols["elsewhere"].append(np.full(k, elsewhere))
        self._cols["few"].append(np.broadcast_to(np.asarray(few, dtype=bool), (k,)))
        self._cols["cost"].append(np.broadcast_to(np.asarray(cost, dtype=float), (k,)))
        self._cols["unmarked"].append(np.broadcast_to(np.asarray(unmarked, dtype=bool), (k,)))
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        self._values = None
        return ids

    def add_equations(self, cells: np.ndarray, coefs: np.ndarray) -> None:
        """One equation ``sum(coef * cell) = 0`` per row of ``cells`` (``-1``: no cell).

        A total has coefficient -1, its parts +1. Rows with fewer than two cells are dropped.
        """
        cells = np.asarray(cells, dtype=np.int64)
        if cells.ndim != 2 or not cells.size:
            return
        coefs = np.broadcast_to(np.asarray(coefs, dtype=float), cells.shape)
        valid = cells >= 0
        lens = valid.sum(axis=1)
        keep = lens >= 2
        if not keep.any():
            return
        v = valid[keep]
        self._eq_cells.append(cells[keep][v])
        self._eq_coefs.append(coefs[keep][v])
        self._eq_lens.append(lens[keep])

    def add_sums(self, totals: np.ndarray, parts: np.ndarray, lens: np.ndarray) -> None:
        """One equation ``totals[i] = sum of its parts`` per total: ``parts`` holds the
        parts of every total one after the other, ``lens`` how many each has."""
        totals = np.asarray(totals, dtype=np.int64)
        lens = np.asarray(lens, dtype=np.int64)
        keep = lens >= 1
        starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
        cells, coefs = [], []
        for t, a, k in zip(totals[keep], starts[keep], lens[keep], strict=True):
            cells.append(np.concatenate((parts[a : a + k], [t])))
            coefs.append(np.concatenate((np.ones(k), [-1.0])))
        if cells:
            self._eq_cells.append(np.concatenate(cells).astype(np.int64))
            self._eq_coefs.append(np.concatenate(coefs))
            self._eq_lens.append(lens[keep] + 1)

    def values(self) -> np.ndarray:
        if self._values is None:
            vals = self._cols["value"]
            self._values = np.concatenate(vals) if vals else np.zeros(0)
        return self._values

    def _array(self, name: str, dtype: type) -> np.ndarray:
        parts = self._cols[name]
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    # -- the graph of equations and cells, the singleton rule ---------------------------

    def _eqs_of(self, cells: np.ndarray) -> np.ndarray:
        """Equations touching any of ``cells``, ascending."""
        return np.unique(self.cell_eqs[_ranges(self.cell_ptr, cells)])

    def _singletons(
        self,
        candidates: np.ndarray,
        suppressed: np.ndarray,
        hidden: np.ndarray,
        protect_hidden: np.ndarray,
    ) -> None:
        """The singleton rule: no equation may have exactly one unknown cell that is protected.

        Passes over the equations in order, as the rule is usually stated; a pass looks only
        at the equations that touch a cell hidden in the pass before (the others cannot have
        changed). The complement is the most preferred published cell of the equation.
        """
        ptr, cells_, rank = self.eq_ptr, self.eq_cells, self.rank
        while len(candidates):
            prot = suppressed | protect_hidden
            unk = suppressed | hidden
            pos = _ranges(ptr, candidates)
            cells = cells_[pos]
            lens = ptr[candidates + 1] - ptr[candidates]
            owner = np.repeat(np.arange(len(candidates)), lens)
            u = unk[cells]
            n_unk = np.bincount(owner, weights=u, minlength=len(candidates))
            n_prot = np.bincount(owner, weights=u & prot[cells], minlength=len(candidates))
            # Hiding a cell during a pass only adds unknowns, so an equation that does not
            # trigger on the state at the start of the pass does not trigger later in it.
            trig = candidates[(n_unk == 1) & (n_prot == 1)]
            changed: list[int] = []
            for e in trig:
                ec = cells_[ptr[e] : ptr[e + 1]]
                uk = unk[ec]
                if uk.sum() != 1 or not prot[ec[uk][0]]:
                    continue
                free = ec[~uk]
                if not len(free):
                    continue
                c = int(free[np.argmin(rank[free])])
                suppressed[c] = True
                unk[c] = True
                changed.append(c)
            candidates = (
                self._eqs_of(np.asarray(changed, dtype=np.int64))
                if changed
                else np.zeros(0, dtype=np.int64)
            )

    def _nearest_published(self, k: int, unknown: np.ndarray) -> set[int]:
        """The published cells of the equations nearest to cell ``k`` (breadth first)."""
        seen_cells = np.zeros(self.n, dtype=bool)
        seen_eqs = np.zeros(self.n_eq, dtype=bool)
        seen_cells[k] = True
        frontier = np.array([k], dtype=np.int64)
        while len(frontier):
            eqs = np.unique(self.cell_eqs[_ranges(self.cell_ptr, frontier)])
            eqs = eqs[~seen_eqs[eqs]]
            seen_eqs[eqs] = True
            cells = np.unique(self.eq_cells[_ranges(self.eq_ptr, eqs)])
            ring = cells[~unknown[cells]]
            if len(ring):
                return {int(c) for c in ring}
            frontier = cells[~seen_cells[cells]]
            seen_cells[frontier] = True
        return set()

    def _components(self, unknown: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """Groups of unknown cells linked by equations.

        Returns ``(k, cell_label, eq_label, entry_unknown)``: ``k`` groups, the group of every
        cell (``-1`` for published cells and unknown cells in no equation), of every equation
        (``-1`` for equations without unknown cells), and whether each entry is unknown.
        """
        n, n_eq = self.n, self.n_eq
        entry_unknown = unknown[self.eq_cells]
        rows = self.entry_eq[entry_unknown]
        cols = self.eq_cells[entry_unknown]
        graph = scipy.sparse.coo_matrix(
            (np.ones(len(rows)), (rows, n_eq + cols)), shape=(n_eq + n, n_eq + n)
        )
        _, labels = scipy.sparse.csgraph.connected_components(graph, directed=False)
        has_eq = np.zeros(n, dtype=bool)
        has_eq[cols] = True
        cell_label = np.where(has_eq, labels[n_eq:], -1)
        eq_has = np.zeros(n_eq, dtype=bool)
        eq_has[rows] = True
        eq_label = np.where(eq_has, labels[:n_eq], -1)
        used = np.unique(
            np.concatenate([cell_label[cell_label >= 0], eq_label[eq_label >= 0]]),
        )
        relabel = np.full(len(labels), -1, dtype=np.int64)
        relabel[used] = np.arange(len(used))
        cell_label = np.where(cell_label >= 0, relabel[np.maximum(cell_label, 0)], -1)
        eq_label = np.where(eq_label >= 0, relabel[np.maximum(eq_label, 0)], -1)
        return len(used), cell_label, eq_label, entry_unknown

    def _submatrix(
        self, eqs: np.ndarray, cols: np.ndarray, col_mask: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Entries of ``eqs``: (local row, cell, coef, in-cols flag); ``cols`` sorted cells."""
        pos = _ranges(self.eq_ptr, eqs)
        lens = self.eq_ptr[eqs + 1] - self.eq_ptr[eqs]
        rows = np.repeat(np.arange(len(eqs)), lens)
        cells = self.eq_cells[pos]
        return rows, cells, self.eq_coefs[pos], col_mask[cells]


class _Bounds(_Cells):
    """What a reader can work out of each cell: the markers' bounds, bounds by propagation
    along the equations, and the attack with linear programmes."""

    # -- bounds: what the markers say, and what a linear programme makes of it ---------

    def _marker_bounds(
        self, suppressed: np.ndarray, primary: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """What a reader knows of each cell from its marker, before solving anything.

        Published: its value. ``<5``: 0 to 4 (``min_cell - 1``): a primary cell, or a zero
        hidden as a complement (0 is fewer than 5, so the marker stays true); a small
        never-published remainder counts as ``<5`` too, an unmarked atom does not. ``(s)``: at
        least 5 (a secondary cell that is not 0). Never published: 0 or more. A difference:
        any number.
        """
        value = self.values()
        lo, hi = value.copy(), value.copy()
        unknown = suppressed | self.hidden
        lo[unknown], hi[unknown] = 0.0, np.inf
        small_marker = suppressed & ((primary & (value < self.min_cell)) | (value == 0))
        hi[small_marker] = self.min_cell - 1.0
        # A small hidden remainder (``n - k`` of ``of_n``) is taken as if it showed ``<5``: an
        # interval such as "mindst 11 af 15" says exactly that much of it, and no more.
        if self.small_hidden_shown:
            remainder = self.hidden & ~self._array("unmarked", bool)
            hi[remainder & primary & ~self.derived] = self.min_cell - 1.0
        lo[suppressed & ~small_marker] = float(self.min_cell)
        # A hidden total the table does not show has no marker: nothing is known of it.
        nowhere = suppressed & self.elsewhere
        lo[nowhere], hi[nowhere] = 0.0, np.inf
        lo[unknown & self.derived], hi[unknown & self.derived] = -np.inf, np.inf
        return lo, hi

    def _propagate(
        self, unknown: np.ndarray, lo: np.ndarray, hi: np.ndarray, rounds: int = 4
    ) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of the unknown cells by propagation along the equations (vectorised).

        For an equation ``sum(a_j x_j) = 0`` each unknown ``x_i`` lies between
        ``-(sum over j != i of a_j x_j)/a_i`` at the others' extremes. Every bound so found
        follows from the published numbers and the markers, so a reader can find it too:
        printing it reveals nothing new (it may be wider than the tightest bound, never
        narrower). A few rounds, as bounds found in one equation tighten another.
        """
        lo, hi = lo.copy(), hi.copy()
        value = self.values()
        ent_eq, cells, coefs = self.entry_eq, self.eq_cells, self.eq_coefs
        unk = unknown[cells]
        for _ in range(rounds):
            c_lo = np.where(unk, lo[cells], value[cells])
            c_hi = np.where(unk, hi[cells], value[cells])
            t_lo = np.where(coefs > 0, coefs * c_lo, coefs * c_hi)  # smallest a_j x_j
            t_hi = np.where(coefs > 0, coefs * c_hi, coefs * c_lo)
            with np.errstate(invalid="ignore"):
                inf_lo = np.bincount(ent_eq, weights=np.isinf(t_lo), minlength=self.n_eq)
                inf_hi = np.bincount(ent_eq, weights=np.isinf(t_hi), minlength=self.n_eq)
                s_lo = np.bincount(
                    ent_eq, weights=np.where(np.isinf(t_lo), 0.0, t_lo), minlength=self.n_eq
                )
                s_hi = np.bincount(
                    ent_eq, weights=np.where(np.isinf(t_hi), 0.0, t_hi), minlength=self.n_eq
                )
                # sums of the others: remove the entry itself (infinite parts by count)
                own_inf_lo, own_inf_hi = np.isinf(t_lo), np.isinf(t_hi)
                o_lo = np.where(
                    inf_lo[ent_eq] - own_inf_lo > 0,
                    -np.inf,
                    s_lo[ent_eq] - np.where(own_inf_lo, 0, t_lo),
                )
                o_hi = np.where(
                    inf_hi[ent_eq] - own_inf_hi > 0,
                    np.inf,
                    s_hi[ent_eq] - np.where(own_inf_hi, 0, t_hi),
                )
                # a_i x_i = -(others): between -o_hi and -o_lo
                x1, x2 = -o_hi / coefs, -o_lo / coefs
            new_lo = np.where(coefs > 0, x1, x2)
            new_hi = np.where(coefs > 0, x2, x1)
            sel = unk & np.isfinite(new_lo)
            if sel.any():
                np.maximum.at(lo, cells[sel], new_lo[sel])
            sel = unk & np.isfinite(new_hi)
            if sel.any():
                np.minimum.at(hi, cells[sel], new_hi[sel])
        return lo, hi

    def _ranges_lp(
        self,
        unknown: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        targets: np.ndarray,
        *,
        relax: bool,
        floor: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Smallest and largest value of every ``targets`` cell; others keep ``lo``/``hi``.

        ``relax=True`` (intervals to publish): bound propagation (:meth:`_propagate`).
        ``relax=False`` (the attack): linear programmes over each target's whole group of
        linked unknown cells, for groups of up to :data:`_LP_LIMIT` cells; larger groups
        (many sites linked through the overview) keep the markers' bounds (see the module
        notes). With ``floor`` (the smallest size a reader allows each cell), a range is
        worked out only as far as it decides whether the cell can take two integer sizes of
        at least ``floor`` (:func:`_group_ranges`); without it, exactly.
        """
        out_lo, out_hi = lo.copy(), hi.copy()
        in_eq = self.cell_ptr[1:] > self.cell_ptr[:-1]
        targets = targets & in_eq
        if not targets.any():
            return out_lo, out_hi
        if relax:
            p_lo, p_hi = self._propagate(unknown, lo, hi)
            out_lo[targets], out_hi[targets] = p_lo[targets], p_hi[targets]
            return out_lo, out_hi
        value = self.values()
        k, cell_label, eq_label, _ = self._components(unknown)
        # cells and equations by group (one sort, not one scan of every cell per group)
        cell_order = np.argsort(cell_label, kind="stable")
        cell_bounds = np.searchsorted(cell_label[cell_order], np.arange(-1, k + 1))[1:]
        eq_order = np.argsort(eq_label, kind="stable")
        eq_bounds = np.searchsorted(eq_label[eq_order], np.arange(-1, k + 1))[1:]
        for g in np.unique(cell_label[targets & (cell_label >= 0)]):
            cells = cell_order[cell_bounds[g] : cell_bounds[g + 1]]  # ascending (stable sort)
            if len(cells) > _LP_LIMIT:
                log.debug("no linear-programme attack on a group of %d linked cells", len(cells))
                continue
            eqs = eq_order[eq_bounds[g] : eq_bounds[g + 1]]
            rows, ecells, coefs, inside = self._submatrix(eqs, cells, unknown)
            a = np.zeros((len(eqs), len(cells)))
            np.add.at(a, (rows[inside], np.searchsorted(cells, ecells[inside])), coefs[inside])
            b = np.zeros(len(eqs))
            np.add.at(b, rows[~inside], -coefs[~inside] * value[ecells[~inside]])
            tj = np.flatnonzero(targets[cells])
            t_lo, t_hi = _group_ranges(
                a,
                b,
                lo[cells],
                hi[cells],
                tj,
                value[cells],
                None if floor is None else floor[cells],
            )
            out_lo[cells[tj]], out_hi[cells[tj]] = t_lo, t_hi
        return out_lo, out_hi

    def _bounds(self, suppressed: np.ndarray, primary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Bounds of every secondary cell a reader can work out (for interval publication)."""
        lo, hi = self._marker_bounds(suppressed, primary)
        targets = suppressed & ~primary & ~self.derived & (self.values() > 0)
        return self._ranges_lp(suppressed | self.hidden, lo, hi, targets, relax=True)

    def _attack(self, suppressed: np.ndarray, primary: np.ndarray) -> list[int]:
        """Published cells to hide because an attacker who knows the markers' bounds
        (:meth:`_marker_bounds`) leaves a small cell fewer than two possible sizes: of 1 or
        more for a ``<5`` (beside a ``(s)`` in a row whose remainder is 6 it is 0 or 1:
        pinned, since a reader takes ``<5`` to be at least 1, zeros being published), of 0 or
        more for a never-published cell (a remainder, an atom). For each such cell: the most preferred
        published cell of its equations (or the nearest published cell). Empty when every
        small unknown cell keeps two or more possible sizes.
        """
        unknown = suppressed | self.hidden
        targets = primary & unknown & (self.values() > 0)
        # Hiding more only widens every range (a published value becomes a range around it),
        # so a cell found safe once stays safe: only the others are attacked again.
        safe = getattr(self, "_safe", None)
        if safe is not None:
            targets &= ~safe
        if not targets.any():
            return []
        lo, hi = self._marker_bounds(suppressed, primary)
        # A ``<5`` is read as 1 to 4 (zeros are published); a never-published cell may be 0.
        floor = np.where(self.hidden | self.elsewhere, 0.0, 1.0)
        r_lo, r_hi = self._ranges_lp(unknown, lo, hi, targets, relax=False, floor=floor)
        sizes = np.floor(r_hi + 1e-7) - np.maximum(np.ceil(r_lo - 1e-7), floor) + 1
        pinned = np.flatnonzero(targets & (sizes < 2))
        self._safe = (safe if safe is not None else np.zeros(self.n, dtype=bool)) | (
            targets & (sizes >= 2)
        )
        adds: set[int] = set()
        for p in pinned:
            ring = np.unique(self.eq_cells[_ranges(self.eq_ptr, self._eqs_of(np.array([p])))])
            ring = ring[~unknown[ring]]
            if len(ring):
                adds.add(int(ring[np.argmin(self.rank[ring])]))
            else:
                near = self._nearest_published(int(p), unknown)
                if near:
                    adds.add(min(near, key=lambda c: self.rank[c]))
        if pinned.size and not adds:
            # Every cell near it is hidden already: only the markers themselves pin it (a
            # ``<5`` that is the sum of two ``<5`` of at least 1 each, in a table of a few
            # persons). A reader who does not assume ``<5`` is at least 1 (a hidden 0 shows
            # ``<5`` too) cannot; nothing more can be hidden.
            log.warning("a small cell is pinned only by the markers of a fully hidden table")
        return sorted(adds)


def _lp_bounds(lo: np.ndarray, hi: np.ndarray) -> list[tuple[float | None, float | None]]:
    """``linprog``'s bounds: ``None`` where a bound is infinite."""
    return [
        (None if np.isinf(x) else x, None if np.isinf(y) else y)
        for x, y in zip(lo, hi, strict=True)
    ]


def _certify(
    a: np.ndarray,
    b: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    tj: np.ndarray,
    open_: np.ndarray,
    goal: np.ndarray,
    sign: float,
) -> np.ndarray:
    """Values that feasible points of ``a x = b, lo <= x <= hi`` show for targets ``tj``:
    ``NaN`` where none reached ``goal`` (``sign=1``: ``x >= goal``; ``-1``: ``x <= goal``).

    One linear programme moves every open target towards its goal at once (the sum of the
    targets, each capped at its goal so that the sum cannot trade one target's excess for
    another); targets that reach it are closed, and the rest try again until a round closes
    none. A point that reaches the goal shows that the target's extreme does too, so the
    caller needs no programme of its own for that target.
    """
    from scipy.optimize import linprog

    got = np.full(len(tj), np.nan)
    open_ = open_.copy()
    while open_.any():
        c_lo, c_hi = lo.copy(), hi.copy()
        if sign > 0:
            c_hi[tj[open_]] = np.minimum(hi[tj[open_]], goal[open_])
        else:
            c_lo[tj[open_]] = np.maximum(lo[tj[open_]], goal[open_])
        c = np.zeros(a.shape[1])
        c[tj[open_]] = -sign
        r = linprog(c, A_eq=a, b_eq=b, bounds=_lp_bounds(c_lo, c_hi), method="highs")
        if r.status != 0:
            break
        x = r.x[tj]
        reached = open_ & (sign * (x - goal) >= -1e-7)
        if not reached.any():
            break
        got[reached] = x[reached]
        open_ &= ~reached
    return got


def _group_ranges(
    a: np.ndarray,
    b: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    tj: np.ndarray,
    value: np.ndarray,
    floor: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of the targets ``tj`` of one group of linked unknown cells
    (``a x = b``, ``lo <= x <= hi``; ``value`` the truth, a feasible point).

    Without ``floor``: one linear programme for each target's maximum and, unless the
    maximum is at least ``value + 1`` (two sizes already), one for its minimum.

    With ``floor`` (the attack): a target's range matters only as far as the attack's test,
    whether it holds two integer sizes of at least ``floor``: ``floor(hi) - max(ceil(lo),
    floor) + 1 >= 2``. A target that some feasible point puts at ``value + 1`` or more
    passes (its returned maximum is that point's value, not the maximum); :func:`_certify`
    finds such points for many targets at once. A target whose marker keeps it below
    ``value + 1`` keeps ``hi`` as its maximum (the same integer part as the exact maximum,
    which lies between ``value`` and ``hi``); the others get the exact maximum as
    above; those that still might pass (``floor <= max - 1``) look for a point at
    ``max - 1`` or less the same way, and the rest get the exact minimum. A target that
    cannot pass whatever its minimum keeps ``lo``. So the test gives the same answer for
    every target as with exact ranges, with a few programmes per group instead of one or
    two per target.
    """
    from scipy.optimize import linprog

    t_lo, t_hi = lo[tj].copy(), hi[tj].copy()
    t_val = value[tj]
    bounds = _lp_bounds(lo, hi)
    up = np.zeros(len(tj), dtype=bool)  # two sizes shown by a maximum of value + 1 or more
    need_lo = np.zeros(len(tj), dtype=bool)
    if floor is not None:
        # A marker's bound below value + 1 (a ``<5`` of 4) leaves the maximum at ``value``
        # to the attack's precision: no programme needed for it.
        capped = (hi[tj] < t_val + 1 - 1e-7) & (t_val >= 1)
        shown = _certify(a, b, lo, hi, tj, (t_val >= 1) & ~capped, t_val + 1, 1.0)
        up = ~np.isnan(shown)
        t_hi[up] = shown[up]
        need_lo = capped.copy()
        up |= capped
    for i in np.flatnonzero(~up):
        j = tj[i]
        c = np.zeros(a.shape[1])
        c[j] = 1.0
        r_hi = linprog(-c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if r_hi.status == 0:
            t_hi[i] = min(hi[j], -r_hi.fun)
        if t_hi[i] >= t_val[i] + 1 - 1e-7 and t_val[i] >= 1:
            continue  # already two sizes (its own and one more): no need for the minimum
        need_lo[i] = True
    if floor is not None:
        top = np.floor(t_hi + 1e-7)
        # a target that cannot hold two sizes whatever its minimum keeps ``lo``
        need_lo &= floor[tj] <= top - 1
        shown = _certify(a, b, lo, hi, tj, need_lo, top - 1, -1.0)
        down = ~np.isnan(shown)
        t_lo[down] = shown[down]
        need_lo &= ~down
    for i in np.flatnonzero(need_lo):
        j = tj[i]
        c = np.zeros(a.shape[1])
        c[j] = 1.0
        r_lo = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if r_lo.status == 0:
            t_lo[i] = max(lo[j], r_lo.fun)
    return t_lo, t_hi


def frees_by_blocks(
    blocks: dict, det: np.ndarray, n_cands: int, entries: tuple[np.ndarray, ...]
) -> np.ndarray:
    """Which candidates free which determined cells (det x cands), by blocks.

    Hiding candidate ``c`` (column ``m_c`` of the group's equations) frees a determined
    cell ``j`` when ``M x = -m_c`` is solvable and ``x_j`` is not zero (``x_j`` is the same
    for every solution, since ``j`` is determined). Per block ``b`` a particular solution
    ``p_b = -B_b^+ m_{c,b}`` of the narrow equations; then every solution is ``p + N z`` with
    ``C z = r_c = -m_{c,L} - L p`` (``C = L N``), solvable when ``r_c`` is in the range of
    ``C``, and ``x_j = p_j + N_j C^+ r_c``.
    """
    c_rows, c_cand, c_coef = entries
    n_cells = blocks["n_cells"]
    wide, eq_block_index = blocks["wide"], blocks["eq_block_index"]
    ok = np.ones(n_cands, dtype=bool)
    p_rows: list[np.ndarray] = []
    p_cols: list[np.ndarray] = []
    p_vals: list[np.ndarray] = []
    narrow = ~wide[c_rows]
    nb_rows, nb_cand, nb_coef = c_rows[narrow], c_cand[narrow], c_coef[narrow]
    nb_block = eq_block_index[nb_rows]
    order = np.argsort(nb_block, kind="stable")
    nb_rows, nb_cand, nb_coef, nb_block = (
        nb_rows[order],
        nb_cand[order],
        nb_coef[order],
        nb_block[order],
    )
    starts = np.flatnonzero(np.r_[True, nb_block[1:] != nb_block[:-1]]) if len(nb_block) else []
    bounds = np.r_[starts, len(nb_block)] if len(nb_block) else []
    for k in range(len(starts)):
        sl = slice(bounds[k], bounds[k + 1])
        bl = blocks["svd"][int(nb_block[bounds[k]])]
        local_c, inv = np.unique(nb_cand[sl], return_inverse=True)
        mb = np.zeros((len(bl["rows"]), len(local_c)))
        np.add.at(mb, (np.searchsorted(bl["rows"], nb_rows[sl]), inv), nb_coef[sl])
        r = bl["rank"]
        pb = -(bl["vt"][:r].T / bl["sv"][:r]) @ (bl["u"][:, :r].T @ mb)
        ok[local_c] &= np.all(np.abs(bl["m"] @ pb + mb) < 1e-7, axis=0)
        rr, cc = np.nonzero(pb)
        p_rows.append(bl["cells"][rr])
        p_cols.append(local_c[cc])
        p_vals.append(pb[rr, cc])
    if p_rows:
        p = scipy.sparse.csr_matrix(
            (np.concatenate(p_vals), (np.concatenate(p_rows), np.concatenate(p_cols))),
            shape=(n_cells, n_cands),
        )
    else:
        p = scipy.sparse.csr_matrix((n_cells, n_cands))
    x = np.asarray(p[det].todense())
    wide_rows = blocks["wide_rows"]
    if len(wide_rows):
        w = wide[c_rows]
        ml = np.zeros((len(wide_rows), n_cands))
        np.add.at(ml, (np.searchsorted(wide_rows, c_rows[w]), c_cand[w]), c_coef[w])
        r_c = -ml - np.asarray((blocks["lmat"] @ p).todense())
        u, sv, vt, rank = blocks["c_svd"]
        ur = u[:, :rank]
        ok &= np.all(np.abs(r_c - ur @ (ur.T @ r_c)) < 1e-7, axis=0)
        if rank:
            wmat = np.asarray(blocks["null"][det] @ (vt[:rank].T / sv[:rank])) @ ur.T
            x = x + wmat @ r_c
    return (np.abs(x) > _ZERO) & ok[None, :]


def determined_by_blocks(
    rows: np.ndarray,
    ecells: np.ndarray,
    coefs: np.ndarray,
    n_cells: int,
    n_eqs: int,
    *,
    block_limit: int,
    coupling_limit: int,
) -> tuple[np.ndarray, dict | None]:
    """Which cells of a large group the equations determine (boolean over the group's
    cells), and the decomposition used (``None`` when the group was checked whole).

    The group's matrix is given by its entries: local row ``rows``, local cell ``ecells``
    (position among the group's ``n_cells`` cells) and coefficient ``coefs``, over ``n_eqs``
    equations. ``block_limit``: largest block; ``coupling_limit``: most wide equations.

    The group's equations are split into *narrow* ones, which leave small blocks of
    linked cells, and a few *wide* ones (an overview cell that is the sum of many sites'
    cells). With ``N`` the block-diagonal orthonormal null space of the narrow equations
    and ``L`` the wide ones, the null space of all equations is ``N z`` with
    ``(L N) z = 0``. Cell ``j`` is determined exactly when row ``j`` of ``N`` lies in the
    row space of ``L N``: its residual after projection on that space is zero. This is
    the same test as the dense null space, at the cost of many small SVDs and one of
    ``L N`` (wide equations x null dimensions). Falls back to one dense SVD when no split
    gives small blocks.
    """
    width = np.bincount(rows, minlength=n_eqs)
    split = None
    for threshold in (64, 32, 16, 8, 4):
        wide = width > threshold
        if wide.sum() > coupling_limit:
            break
        narrow_entries = ~wide[rows]
        graph = scipy.sparse.coo_matrix(
            (
                np.ones(int(narrow_entries.sum())),
                (rows[narrow_entries], n_eqs + ecells[narrow_entries]),
            ),
            shape=(n_eqs + n_cells, n_eqs + n_cells),
        )
        _, labels = scipy.sparse.csgraph.connected_components(graph, directed=False)
        block = labels[n_eqs:]
        if np.bincount(block).max() <= block_limit:
            split = (wide, block, labels[:n_eqs])
            break
    if split is None:
        m = np.zeros((n_eqs, n_cells))
        np.add.at(m, (rows, ecells), coefs)
        _, sv, vt = scipy.linalg.svd(m, full_matrices=True)
        rank = int((sv > 1e-9 * max(sv.max(initial=0.0), 1.0)).sum())
        null = vt[rank:].T
        if not null.shape[1]:
            return np.ones(n_cells, dtype=bool), None
        return np.all(np.abs(null) < _ZERO, axis=1), None
    wide, block, eq_block = split
    # null space of every block's narrow equations: one batched SVD per block shape
    b_order = np.argsort(block, kind="stable")  # cells by block, ascending within one
    uniq_blocks, b_start = np.unique(block[b_order], return_index=True)
    n_blocks = len(uniq_blocks)
    b_bounds = np.append(b_start, n_cells)
    cell_block_index = np.empty(n_cells, dtype=np.int64)
    cell_block_index[b_order] = np.repeat(np.arange(n_blocks), np.diff(b_bounds))
    cell_pos = np.empty(n_cells, dtype=np.int64)  # place of a cell within its block
    cell_pos[b_order] = np.arange(n_cells) - b_bounds[cell_block_index[b_order]]
    narrow_rows = np.flatnonzero(~wide)
    eq_block_index = np.full(n_eqs, -1, dtype=np.int64)
    eq_block_index[narrow_rows] = np.searchsorted(uniq_blocks, eq_block[narrow_rows])
    nr_order = narrow_rows[np.argsort(eq_block_index[narrow_rows], kind="stable")]
    r_bounds = np.searchsorted(eq_block_index[nr_order], np.arange(n_blocks + 1))
    row_pos = np.full(n_eqs, -1, dtype=np.int64)  # place of a narrow row within its block
    row_pos[nr_order] = np.arange(len(nr_order)) - r_bounds[eq_block_index[nr_order]]
    n_block_rows = np.diff(r_bounds)
    n_block_cells = np.diff(b_bounds)
    dims = n_block_cells.copy()  # null dimension of each block (all cells if no rows)
    narrow_ent = ~wide[rows]
    ent_block = eq_block_index[rows[narrow_ent]]
    ent_r, ent_c = row_pos[rows[narrow_ent]], cell_pos[ecells[narrow_ent]]
    ent_v = coefs[narrow_ent]
    svd = _BlockSVDs(b_order, b_bounds, nr_order, r_bounds)
    null_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    shapes = n_block_rows * (n_block_cells.max() + 1) + n_block_cells
    has_rows = n_block_rows > 0
    for shape in np.unique(shapes[has_rows]):
        members = np.flatnonzero(shapes == shape)
        nr, nc = int(n_block_rows[members[0]]), int(n_block_cells[members[0]])
        where = np.full(n_blocks, -1, dtype=np.int64)
        where[members] = np.arange(len(members))
        sel = where[ent_block] >= 0
        stack = np.zeros((len(members), nr, nc))
        np.add.at(stack, (where[ent_block[sel]], ent_r[sel], ent_c[sel]), ent_v[sel])
        u, sv, vt = np.linalg.svd(stack, full_matrices=True)
        top = np.maximum(sv.max(axis=1, initial=0.0), 1.0) if sv.shape[1] else np.ones(len(members))
        ranks = (sv > 1e-9 * top[:, None]).sum(axis=1)
        svd.add(members, stack, u, sv, vt, ranks)
        dims[members] = nc - ranks
        for r in np.unique(ranks):
            group = np.flatnonzero(ranks == r)
            if r == nc:
                continue
            nulls = vt[group, r:, :]  # g x dim x nc: rows are null vectors
            g, t, c = np.nonzero(np.abs(nulls) >= 1e-15)
            null_parts.append((members[group][g], t, c, nulls[g, t, c]))
    for i in np.flatnonzero(~has_rows):  # no narrow equation: every cell is free
        nc = int(n_block_cells[i])
        null_parts.append((np.full(nc, i), np.arange(nc), np.arange(nc), np.ones(nc)))
    col_ptr_of_block = np.concatenate(([0], np.cumsum(dims)))
    d = int(col_ptr_of_block[-1])
    wide_rows = np.flatnonzero(wide)
    w_ent = wide[rows]
    lmat = scipy.sparse.csr_matrix(
        (coefs[w_ent], (np.searchsorted(wide_rows, rows[w_ent]), ecells[w_ent])),
        shape=(len(wide_rows), n_cells),
    )
    blocks = {
        "n_cells": n_cells,
        "wide": wide,
        "wide_rows": wide_rows,
        "eq_block_index": eq_block_index,
        "svd": svd,
        "lmat": lmat,
    }
    determined = np.ones(n_cells, dtype=bool)
    if d == 0:
        blocks["null"] = scipy.sparse.csr_matrix((n_cells, 0))
        blocks["c_svd"] = (np.eye(len(wide_rows)), np.zeros(0), np.zeros((0, 0)), 0)
        return determined, blocks
    blk, t, c, v = (np.concatenate(x) for x in zip(*null_parts, strict=True))
    null = scipy.sparse.csr_matrix(
        (v, (b_order[b_bounds[blk] + c], col_ptr_of_block[blk] + t)), shape=(n_cells, d)
    )
    blocks["null"] = null
    if len(wide_rows):
        c = np.asarray((lmat @ null).todense())
        uc, sv, vt = np.linalg.svd(c, full_matrices=False)
        rank = int((sv > 1e-9 * max(sv.max(initial=0.0), 1.0)).sum())
        q = vt[:rank].T  # d x rank, orthonormal basis of the row space of L N
        blocks["c_svd"] = (uc, sv, vt, rank)
    else:
        q = np.zeros((d, 0))
        blocks["c_svd"] = (np.zeros((0, 0)), np.zeros(0), np.zeros((0, d)), 0)
    # residual of every null entry after projection on that row space
    proj = null @ q  # n_cells x rank
    # entries (cell j, null column t) of j's own block
    cell_dims = dims[cell_block_index]
    js = np.repeat(np.arange(n_cells), cell_dims)
    ts = _ranges(col_ptr_of_block, cell_block_index)
    dense_null = np.asarray(null[js, ts]).ravel()
    resid = dense_null - np.einsum("pk,pk->p", proj[js], q[ts])
    worst = np.zeros(n_cells)
    np.maximum.at(worst, js, np.abs(resid))
    return worst < _ZERO, blocks
