"""The one suppression gate for steering-group output.

Every table and figure in a steering-group report is built from aggregates that pass
through :func:`suppress` (one table) or :func:`suppress_family` (tables that share
numbers: the site tables and the overview, the waves and their change). The gate

1. **primary suppression** — hides every count of ``1 .. min_cell - 1`` and every statistic
   (mean, median, share, confidence limit ...) that rests on fewer than ``min_cell``
   persons or is computed from a hidden count;
2. **secondary (complementary) suppression** — hides further cells until no hidden cell can
   be worked out from what is shown: not from a row or column total, not by subtracting
   other sites' numbers from the overview, not from another wave and the change;
3. **checks the output**: :func:`assert_no_pseudonyms` refuses a table with a pseudonym
   column (``resident_id``, ``alter_id``, ``respondent_id``, ``rater_id`` or their Danish
   headers) or pseudonym values; :func:`find_leaks` searches rendered text or HTML for
   pseudonyms and CPR-like numbers (used by ``analyse audit``).

``min_cell`` is 5 by default and never below 3 (:func:`check_min_cell`). A site with fewer
than ``min_cell`` residents shows a sentence instead of numbers (:func:`site_too_small`,
:func:`analyse.text.site_too_small_sentence`).

The input side of privacy — refusing CPR numbers and identifying columns in the data — is
:mod:`analyse.screen`.

Rules and why
-------------
*Threshold.* A frequency-table cell is unsafe when it counts fewer than ``min_cell``
persons; statistics offices use 3 or 5 (OECD, 2005). Results taken out of Statistics
Denmark's research machines must be "sufficiently" protected (Danmarks Statistik, rules on
transfer of analysis results), which in Danish practice means that cells of 1-4 persons
are hidden ("celler med antal < 5 er blændet af hensyn til Danmarks Statistiks
diskretionsregler"). We follow that: default 5, floor 3.

*Zero.* A count of 0 is shown. It says that nobody in the group has the trait, which tells
nothing about any one person that the group's own total does not already say, and hiding
zeros would hide most of a small site's table for no gain; this is the usual practice of
statistics offices (Hundepool et al., 2024, ch. 5; Langsrud, 2024, whose
``SuppressSmallCounts`` leaves zeros unsuppressed by default). ``zeros="suppress"`` treats
zeros as unsafe when a table's zeros would themselves disclose (for instance *0 of 12
residents have a friend* for a group that must not be characterised as a whole). Zeros are
never chosen as secondary suppressions while another cell can be, because a hidden zero
protects nothing: next to a hidden ``1`` with a known sum of 1 it gives the ``1`` back.

*One marker.* Primary and secondary suppressions are shown with the same marker
(``<5`` for ``min_cell=5``), as statistics offices do. With two markers a reader would know
that a secondary cell is at least ``min_cell``, and a hidden 1 beside a hidden 5 in a row
whose remainder is 6 would be given back. The footnote
(:func:`analyse.text.suppressed_note`) says that ``<5`` also marks numbers hidden to protect
another.

*Secondary suppression.* Cells and the sums that link them form a system of linear
equations (each published total, shown or known from elsewhere, is one equation). A hidden
cell can be worked out exactly when the published cells determine it, i.e. when the unit
vector of that cell lies in the row space of the equations restricted to the hidden cells.
The gate first applies the classic singleton rule to every hidden cell (every equation has 0
or at least 2 hidden cells; the complement is the smallest non-zero, non-total published cell
of the equation), then checks every primary cell exactly with the null space of the
equations (Gaussian-elimination suppression, Langsrud 2024) and hides a further cell for any
that is still determined, until none is. A secondary cell that can be worked out gives away
nothing that could not have been published (it is 0 or at least ``min_cell``). Since every
hidden cell the check protects is positive, a cell that is not determined by the equations is
not determined by them and non-negativity either, so a reader cannot pin its exact value.

Limits: protection is against *exact* recovery. Bounds can be narrowed (a hidden cell is
known to be at most the sum it belongs to); the marker ``<5`` states that bound anyway.
The exact check is dense linear algebra on each connected group of hidden cells, fast for
tables of a few hundred cells; tens of thousands of linked hidden cells would need a
sparse solver.

References
----------
OECD (2005). *Glossary of Statistical Terms: Threshold rule*
(https://stats.oecd.org/glossary/detail.asp?ID=7010) — "Some agencies require at least five
respondents in a cell, others require three."

Danmarks Statistik. *Rules on transfer of analysis results* (Forskningsservice,
https://www.dst.dk/en/TilSalg/Forskningsservice/hjemtagelse-af-analyseresultater).

Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Lenz, R., Naylor, J.,
Schulte Nordholt, E., Seri, G., de Wolf, P.-P. et al. (2024). *Handbook on Statistical
Disclosure Control*, 2nd ed., ch. 4-5. https://sdctools.github.io/HandbookSDC/

Langsrud, Ø. (2024). Secondary cell suppression by Gaussian elimination: an algorithm
suitable for handling issues with zeros and singletons. *Journal of Official Statistics*,
40(4). R package GaussSuppression.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg

from analyse.config import DEFAULT_MIN_CELL, MIN_CELL_FLOOR
from analyse.errors import ConfigError, PrivacyError
from analyse.problems import Problem
from analyse.schema import fold, specs

log = logging.getLogger(__name__)

Margins = Literal["both", "rows", "columns", "none"]
Zeros = Literal["publish", "suppress"]

#: Canonical columns that hold pseudonyms of persons. ``site_id`` and ``practice`` are
#: codes of places and practices, not of persons, and may be shown.
PSEUDONYM_COLUMNS: tuple[str, ...] = ("resident_id", "alter_id", "respondent_id", "rater_id")

#: Keys of the totals a table does not show but that are published elsewhere (``margins``).
ROW_TOTAL = "<row total>"
COLUMN_TOTAL = "<column total>"


# --------------------------------------------------------------------------- small rules


def check_min_cell(min_cell: object) -> int:
    """Validate ``min_cell``: a whole number, at least 3 (default 5).

    Parameters
    ----------
    min_cell
        The smallest number of persons a published number may rest on.

    Returns
    -------
    int
        ``min_cell`` as an ``int``.

    Raises
    ------
    ConfigError
        If ``min_cell`` is not a whole number or is below 3.

    Examples
    --------
    >>> check_min_cell(5)
    5
    >>> check_min_cell(2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analyse.errors.ConfigError: min_cell must be a whole number of at least 3; received 2. ...
    """
    ok = isinstance(min_cell, int | np.integer) and not isinstance(min_cell, bool | np.bool_)
    if not ok or int(min_cell) < MIN_CELL_FLOOR:  # type: ignore[call-overload]
        raise ConfigError(
            f"min_cell must be a whole number of at least {MIN_CELL_FLOOR}; received {min_cell!r}. "
            f"Use the default {DEFAULT_MIN_CELL}, or a larger number for more protection; "
            f"numbers below {MIN_CELL_FLOOR} could identify a person."
        )
    return int(min_cell)  # type: ignore[call-overload]


def site_too_small(n_residents: object, min_cell: int = DEFAULT_MIN_CELL) -> bool:
    """Whether a site has too few residents to show any number for it.

    A site with fewer than ``min_cell`` residents gets the sentence
    :func:`analyse.text.site_too_small_sentence` instead of tables and figures: every count in
    it would be below ``min_cell`` and every statistic would rest on too few persons.

    Parameters
    ----------
    n_residents
        Residents of the site in the data (in the wave reported).
    min_cell
        See :func:`check_min_cell`.

    Returns
    -------
    bool

    Examples
    --------
    >>> site_too_small(4), site_too_small(5), site_too_small(0), site_too_small(4, min_cell=3)
    (True, False, True, False)
    """
    m = check_min_cell(min_cell)
    if isinstance(n_residents, bool) or not isinstance(
        n_residents, int | np.integer | float | np.floating
    ):
        raise ConfigError(f"n_residents must be a count; received {n_residents!r}.")
    if not np.isfinite(float(n_residents)) or n_residents < 0:
        raise ConfigError(f"n_residents must be a count (0 or more); received {n_residents!r}.")
    return bool(n_residents < m)


# --------------------------------------------------------------------------- result type


@dataclass(frozen=True)
class SuppressedTable:
    """A table that passed the gate.

    Attributes
    ----------
    values
        The table with every suppressed cell set to ``pd.NA``: count columns as ``Int64``,
        statistic columns as ``Float64``, other columns (labels) unchanged. Use it for
        figures and sentences.
    mask
        Boolean frame of the same shape: ``True`` where a cell is suppressed.
    primary
        Boolean frame: ``True`` where a cell is suppressed because it is itself below
        ``min_cell`` (or, for a statistic, rests on fewer than ``min_cell`` persons or on a
        suppressed count). ``mask & ~primary`` are the secondary suppressions. For audit by
        consultants only; never publish which cells are primary (see the module notes).
    min_cell
        The threshold used.
    count_cols, stat_cols
        The columns treated as counts and as statistics.
    row_total_suppressed, column_total_suppressed
        For totals the table does not show but that ``margins`` says are published
        elsewhere (a sentence, another table): ``True`` for a row (index label) or count
        column whose total must not be published either, because it is small or hides
        another cell. Always ``False`` where the table shows its totals itself
        (``total_col``/``total_row``; see ``mask``) or where the margin is not additive.
    """

    values: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame
    min_cell: int
    count_cols: tuple[str, ...]
    stat_cols: tuple[str, ...]
    row_total_suppressed: pd.Series
    column_total_suppressed: pd.Series

    @property
    def marker(self) -> str:
        """What a suppressed cell shows: ``<5`` for ``min_cell=5``."""
        return f"<{self.min_cell}"

    @property
    def n_suppressed(self) -> int:
        """Number of suppressed cells."""
        return int(self.mask.to_numpy().sum())

    @property
    def any_suppressed(self) -> bool:
        return self.n_suppressed > 0

    def display(
        self,
        lang: Literal["da", "en"] = "da",
        *,
        decimals: int | Mapping[str, int] = 1,
        percent_cols: Sequence[str] = (),
    ) -> pd.DataFrame:
        """The table as strings for a report: numbers formatted, suppressed cells as ``<5``.

        Parameters
        ----------
        lang
            ``"da"`` (``1.234,5``) or ``"en"`` (``1,234.5``).
        decimals
            Decimals of statistic columns, one number for all or ``{column: decimals}``
            (columns not named get 1).
        percent_cols
            Statistic columns holding proportions (0-1), shown as percentages.

        Returns
        -------
        pandas.DataFrame
            Same index and columns; every cell a string. Counts via
            :func:`analyse.text.fmt_int`, statistics via :func:`analyse.text.fmt_number` or
            :func:`analyse.text.fmt_percent`, missing values as ``–``, suppressed cells as
            :attr:`marker`. Other columns are converted with ``str`` (escaping for HTML is the
            exporter's job).
        """
        from analyse import text

        unknown = [c for c in percent_cols if c not in self.stat_cols]
        if unknown:
            raise ConfigError(
                f"percent_cols must be statistic columns {list(self.stat_cols)}; received {unknown}."
            )
        out = {}
        for col in self.values.columns:
            s = self.values[col]
            if col in self.count_cols:
                strings = s.map(lambda v: text.fmt_int(v, lang))
            elif col in self.stat_cols:
                d = decimals.get(col, 1) if isinstance(decimals, Mapping) else decimals
                if col in percent_cols:
                    strings = s.map(lambda v, d=d: text.fmt_percent(v, d, lang))
                else:
                    strings = s.map(lambda v, d=d: text.fmt_number(v, d, lang))
            else:
                strings = s.map(lambda v: text.MISSING if text._is_missing(v) else str(v))
            out[col] = strings.where(~self.mask[col], self.marker).astype(object)
        return pd.DataFrame(out, index=self.values.index)


# --------------------------------------------------------------------------- the cell system


class _System:
    """Cells (published or hidden numbers) and the linear equations that link them."""

    def __init__(self, min_cell: int, zeros: Zeros) -> None:
        self.min_cell = min_cell
        self.zeros = zeros
        self.value: list[float] = []
        self.is_total: list[bool] = []
        self.hidden: list[bool] = []  # not published at all (a remainder n - k)
        self.derived: list[bool] = []  # a difference, not a count: never primary, any sign
        self.index: dict[Hashable, int] = {}
        self.equations: list[tuple[np.ndarray, np.ndarray]] = []

    def add_cell(
        self,
        key: Hashable,
        value: float,
        *,
        is_total: bool = False,
        hidden: bool = False,
        derived: bool = False,
    ) -> int:
        i = len(self.value)
        self.index[key] = i
        self.value.append(float(value))
        self.is_total.append(is_total)
        self.hidden.append(hidden)
        self.derived.append(derived)
        return i

    def add_equation(self, cells: Sequence[int], coefs: Sequence[int]) -> None:
        """``sum(coef * cell) = 0``: a total (coefficient -1) and its parts."""
        if len(cells) >= 2:
            self.equations.append(
                (np.asarray(cells, dtype=np.int64), np.asarray(coefs, dtype=float))
            )

    # -- the algorithm ---------------------------------------------------------------

    def solve(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (suppressed, primary) boolean arrays over the cells."""
        self.cell_eqs: list[list[int]] = [[] for _ in self.value]
        for e, (cells, _) in enumerate(self.equations):
            for c in cells:
                self.cell_eqs[int(c)].append(e)
        value = np.asarray(self.value, dtype=float)
        hidden = np.asarray(self.hidden, dtype=bool)
        is_total = np.asarray(self.is_total, dtype=bool)
        derived = np.asarray(self.derived, dtype=bool)
        small = (value > 0) & (value < self.min_cell)
        if self.zeros == "suppress":
            small |= value == 0
        small &= ~derived
        primary = small.copy()
        suppressed = primary & ~hidden
        # Hidden cells are unknown to a reader; the small ones must stay unknown.
        protect_hidden = hidden & primary

        def unknown() -> np.ndarray:
            return suppressed | hidden

        def order(c: int) -> tuple:
            return (value[c] == 0, bool(is_total[c] or derived[c]), abs(value[c]), int(c))

        def protected() -> np.ndarray:
            return suppressed | protect_hidden

        def best_candidate(eqs: Iterable[int]) -> int | None:
            unk = unknown()
            best: tuple | None = None
            for e in eqs:
                for c in self.equations[e][0]:
                    if unk[c]:
                        continue
                    key = order(int(c))
                    if best is None or key < best:
                        best = key
            return None if best is None else best[-1]

        for _ in range(len(value) + 1):
            # 1. singleton rule, until stable
            changed = True
            while changed:
                changed = False
                unk, prot = unknown(), protected()
                for e, (cells, _) in enumerate(self.equations):
                    u = cells[unk[cells]]
                    if len(u) == 1 and prot[u[0]]:
                        c = best_candidate([e])
                        if c is None:
                            continue
                        suppressed[c] = True
                        unk[c] = True
                        changed = True
            # 2. exact check, with complements for every cell still determined
            adds = self._complements(unknown(), primary & unknown(), order)
            if not adds:
                return suppressed, primary
            suppressed[adds] = True
        raise PrivacyError(
            [], "Secondary suppression did not converge; report this as a bug."
        )  # pragma: no cover

    def _nearest_published(self, k: int, unknown: np.ndarray) -> set[int]:
        """The published cells of the equations nearest to cell ``k`` (breadth first)."""
        seen_cells, seen_eqs, frontier = {k}, set(), [k]
        while frontier:
            ring: set[int] = set()
            nxt: list[int] = []
            for x in frontier:
                for e in self.cell_eqs[x]:
                    if e in seen_eqs:
                        continue
                    seen_eqs.add(e)
                    for c in self.equations[e][0]:
                        c = int(c)
                        if not unknown[c]:
                            ring.add(c)
                        elif c not in seen_cells:
                            seen_cells.add(c)
                            nxt.append(c)
            if ring:
                return ring
            frontier = nxt
        return set()

    def _components(self, unknown: np.ndarray) -> list[tuple[list[int], list[int]]]:
        """Groups of unknown cells linked by equations, each with the equations touching it."""
        parent = {int(c): int(c) for c in np.flatnonzero(unknown)}

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        touching: list[tuple[int, int]] = []
        for e, (cells, _) in enumerate(self.equations):
            u = [int(c) for c in cells[unknown[cells]]]
            if not u:
                continue
            touching.append((e, u[0]))
            for other in u[1:]:
                ra, rb = find(u[0]), find(other)
                if ra != rb:
                    parent[rb] = ra
        members: dict[int, list[int]] = {}
        for c in parent:
            members.setdefault(find(c), []).append(c)
        eqs: dict[int, list[int]] = {}
        for e, c in touching:
            eqs.setdefault(find(c), []).append(e)
        return [(sorted(cells), eqs.get(root, [])) for root, cells in members.items()]

    def _complements(self, unknown: np.ndarray, protect: np.ndarray, order) -> list[int]:
        """Published cells to hide so that no protected unknown cell is determined.

        For each group of linked unknown cells the equations restricted to them form a matrix
        ``M``. A cell is determined when every vector of the null space of ``M`` is zero at
        it. Hiding a published cell ``c`` with column ``m_c`` adds the null vector ``(x, 1)``
        when ``M x = -m_c`` is solvable; it frees the determined cells where ``x`` is not
        zero. Each determined cell gets the most preferred candidate that frees it (one that
        frees several counts for all of them). Returns an empty list when nothing is
        determined.
        """
        adds: list[int] = []
        for cells, eqs in self._components(unknown):
            if not eqs:
                continue  # in no equation: nothing can give it back
            pos = {c: j for j, c in enumerate(cells)}
            m = np.zeros((len(eqs), len(cells)))
            cand_set: set[int] = set()
            for r, e in enumerate(eqs):
                ecells, coefs = self.equations[e]
                for c, a in zip(ecells, coefs, strict=True):
                    c = int(c)
                    if c in pos:
                        m[r, pos[c]] += a
                    else:
                        cand_set.add(c)
            u, sv, vt = scipy.linalg.svd(m, full_matrices=True)
            rank = int((sv > 1e-9 * max(sv.max(initial=0.0), 1.0)).sum())
            null = vt[rank:].T
            determined_local = (
                np.all(np.abs(null) < 1e-9, axis=1)
                if null.shape[1]
                else np.ones(len(cells), dtype=bool)
            )
            det = [j for j in np.flatnonzero(determined_local) if protect[cells[j]]]
            if not det:
                continue
            cands = sorted(cand_set, key=order)
            if not cands:
                raise PrivacyError(
                    [],
                    "A suppressed cell could be worked out from the published totals and no further "
                    "cell could be hidden to protect it; report this as a bug in analyse.privacy.",
                )
            cpos = {c: j for j, c in enumerate(cands)}
            mc = np.zeros((len(eqs), len(cands)))
            for r, e in enumerate(eqs):
                ecells, coefs = self.equations[e]
                for c, a in zip(ecells, coefs, strict=True):
                    if int(c) in cpos:
                        mc[r, cpos[int(c)]] += a
            x = -(vt[:rank].T / sv[:rank]) @ (u[:, :rank].T @ mc)
            consistent = np.all(np.abs(m @ x + mc) < 1e-7, axis=0)
            frees = (np.abs(x[det]) > 1e-9) & consistent
            # A candidate that is the only unknown of one of its other equations is given back
            # by that equation: it frees nothing until that equation gets a complement too
            # (which the singleton rule then adds).
            eq_set = set(eqs)
            pinned = np.zeros(len(cands), dtype=bool)
            for c, j in cpos.items():
                pinned[j] = any(
                    e not in eq_set and not unknown[self.equations[e][0]].any()
                    for e in self.cell_eqs[c]
                )
            freed = frees & ~pinned
            open_ = np.ones(len(det), dtype=bool)
            for i in range(len(det)):
                if not open_[i]:
                    continue
                js = np.flatnonzero(freed[i])
                if len(js):
                    j = int(js[0])  # candidates are sorted by preference
                    open_ &= ~freed[:, j]
                elif frees[i].any():  # two steps: this cell, then its pinning equation's complement
                    j = int(np.flatnonzero(frees[i])[0])
                    open_[i] = False
                else:  # no single cell frees it: hide the best published cell nearest to it
                    near = self._nearest_published(cells[det[i]], unknown)
                    open_[i] = False
                    if near:
                        adds.append(min(near, key=order))
                        continue
                    j = 0
                adds.append(cands[j])
        return sorted(set(adds))


# --------------------------------------------------------------------------- table -> cells


@dataclass(frozen=True)
class _Spec:
    count_cols: tuple[str, ...]
    grid_cols: tuple[str, ...]  # count columns that add up along a row
    interior_cols: tuple[str, ...]
    n_col: str | None
    stat_bases: dict[str, tuple[str, ...]]
    of_n: tuple[str, ...]
    margins: Margins
    total_col: str | None
    total_row: Hashable | None


def _spec(
    table: pd.DataFrame,
    *,
    count_cols: Sequence[str],
    n_col: str | None,
    stat_cols: Sequence[str] | Mapping[str, Sequence[str]],
    of_n: Sequence[str],
    margins: str,
    total_col: str | None,
    total_row: Hashable | None,
    allow_negative: bool = False,
) -> _Spec:
    if not isinstance(table, pd.DataFrame):
        raise ConfigError(f"table must be a pandas DataFrame; received {type(table).__name__}.")
    if margins not in ("both", "rows", "columns", "none"):
        raise ConfigError(
            f"margins must be 'both', 'rows', 'columns' or 'none'; received {margins!r}."
        )
    if not table.index.is_unique:
        raise ConfigError(
            "table must have a unique index (one row per group); set the group columns as index."
        )
    if isinstance(count_cols, str) or isinstance(of_n, str):
        raise ConfigError("count_cols and of_n take a list of column names, not one string.")
    missing = [c for c in (*count_cols, *of_n) if c not in table.columns]
    if total_col is not None and total_col not in table.columns:
        missing.append(total_col)
    if missing:
        raise ConfigError(
            f"Columns {missing} are not in the table; its columns are {list(table.columns)}."
        )
    if n_col is not None and n_col not in table.columns:
        n_col = None if not stat_cols and not of_n else n_col
        if n_col is not None:
            raise ConfigError(
                f"n_col {n_col!r} (persons each statistic rests on) is not in the table; "
                f"its columns are {list(table.columns)}."
            )
    grid = list(count_cols)
    if total_col is not None and total_col not in grid:
        grid.append(total_col)
    interior = tuple(c for c in grid if c != total_col)
    counts = list(grid)
    if n_col is not None and n_col not in counts:
        counts.append(n_col)
    for c in of_n:
        if c not in counts:
            raise ConfigError(f"of_n column {c!r} must also be in count_cols.")
    if of_n and n_col is None:
        raise ConfigError("of_n needs n_col: the persons the of_n counts are a subset of.")
    if total_row is not None and total_row not in table.index:
        raise ConfigError(
            f"total_row {total_row!r} is not a row of the table; its rows are {list(table.index)}."
        )
    if isinstance(stat_cols, Mapping):
        bases = {s: tuple([b] if isinstance(b, str) else b) for s, b in stat_cols.items()}
    else:
        if isinstance(stat_cols, str):
            raise ConfigError("stat_cols takes a list of column names, not one string.")
        bases = {s: () for s in stat_cols}
    if bases and n_col is None:
        raise ConfigError(
            "stat_cols need n_col: the column with the number of persons each statistic rests on."
        )
    for s, b in bases.items():
        if s not in table.columns:
            raise ConfigError(
                f"Statistic column {s!r} is not in the table; its columns are {list(table.columns)}."
            )
        if s in counts:
            raise ConfigError(f"Column {s!r} cannot be both a count and a statistic.")
        bad = [x for x in b if x not in counts]
        if bad:
            raise ConfigError(
                f"Statistic {s!r} is computed from {bad}, which are not count columns {counts}."
            )
    for c in counts:
        s = pd.to_numeric(table[c], errors="coerce")
        nonnum = table[c].notna() & s.isna()
        negative = (s.dropna() < 0).any() and not allow_negative
        if nonnum.any() or negative or (s.dropna() % 1 != 0).any():
            raise ConfigError(
                f"Count column {c!r} must hold whole numbers of 0 or more; received "
                f"{table[c].tolist()[:10]}. Pass statistics (means, shares) in stat_cols."
            )
    for s in bases:
        if not pd.api.types.is_numeric_dtype(table[s]) and not table[s].isna().all():
            try:
                pd.to_numeric(table[s])
            except (TypeError, ValueError):
                raise ConfigError(f"Statistic column {s!r} must be numeric.") from None
    return _Spec(
        count_cols=tuple(counts),
        grid_cols=tuple(grid),
        interior_cols=interior,
        n_col=n_col,
        stat_bases=bases,
        of_n=tuple(of_n),
        margins=margins,  # type: ignore[arg-type]
        total_col=total_col,
        total_row=total_row,
    )


def _add_table(
    system: _System, key: Hashable, table: pd.DataFrame, spec: _Spec, *, derived: bool = False
) -> None:
    """Add a table's count cells and its own equations (margins, remainders) to the system."""
    rows = list(table.index)
    num = {c: pd.to_numeric(table[c], errors="coerce") for c in spec.count_cols}

    def cell(r: Hashable, c: str) -> int | None:
        return system.index.get((key, r, c))

    for r in rows:
        for c in spec.count_cols:
            v = num[c].loc[r]
            if pd.isna(v):
                continue
            is_total = (c == spec.total_col) or (spec.total_row is not None and r == spec.total_row)
            system.add_cell((key, r, c), float(v), is_total=is_total, derived=derived)

    interior_rows = [r for r in rows if r != spec.total_row]
    tol = 1e-9
    if spec.margins in ("both", "rows"):
        for r in rows:
            cells = [cell(r, c) for c in spec.interior_cols]
            cells = [x for x in cells if x is not None]
            coefs = [1] * len(cells)
            t = cell(r, spec.total_col) if spec.total_col else None
            if spec.total_col is not None:
                expected = sum(system.value[x] for x in cells)
                if t is not None and abs(system.value[t] - expected) > tol:
                    raise ConfigError(
                        f"Row {r!r} of table {key!r}: the total column {spec.total_col!r} holds "
                        f"{system.value[t]:g} but the count columns add up to {expected:g}."
                    )
            if t is None and cells:
                # A total published elsewhere: a cell of its own, which may have to be hidden.
                t = system.add_cell(
                    (key, r, ROW_TOTAL),
                    sum(system.value[x] for x in cells),
                    is_total=True,
                    derived=derived,
                )
            if t is not None:
                cells, coefs = [*cells, t], [*coefs, -1]
            system.add_equation(cells, coefs)
    if spec.margins in ("both", "columns"):
        col_groups = list(spec.grid_cols)
        if spec.n_col is not None and spec.n_col not in col_groups:
            col_groups.append(spec.n_col)
        for c in col_groups:
            cells = [cell(r, c) for r in interior_rows]
            cells = [x for x in cells if x is not None]
            coefs = [1] * len(cells)
            t = cell(spec.total_row, c) if spec.total_row is not None else None
            if spec.total_row is not None:
                expected = sum(system.value[x] for x in cells)
                if t is not None and abs(system.value[t] - expected) > tol:
                    raise ConfigError(
                        f"Column {c!r} of table {key!r}: the total row {spec.total_row!r} holds "
                        f"{system.value[t]:g} but the rows add up to {expected:g}."
                    )
            if t is None and cells:
                t = system.add_cell(
                    (key, COLUMN_TOTAL, c),
                    sum(system.value[x] for x in cells),
                    is_total=True,
                    derived=derived,
                )
            if t is not None:
                cells, coefs = [*cells, t], [*coefs, -1]
            system.add_equation(cells, coefs)
    if spec.of_n:
        for r in rows:
            n = cell(r, spec.n_col)  # type: ignore[arg-type]
            for c in spec.of_n:
                k = cell(r, c)
                if n is None or k is None:
                    continue
                rest = system.value[n] - system.value[k]
                if rest < 0:
                    raise ConfigError(
                        f"Row {r!r} of table {key!r}: {c!r} ({system.value[k]:g}) is larger than "
                        f"{spec.n_col!r} ({system.value[n]:g}), but of_n says it counts some of them."
                    )
                h = system.add_cell((key, r, f"{c} (rest)"), rest, hidden=True)
                system.add_equation([k, h, n], [1, 1, -1])


def _result(
    system: _System,
    key: Hashable,
    table: pd.DataFrame,
    spec: _Spec,
    suppressed: np.ndarray,
    primary: np.ndarray,
) -> SuppressedTable:
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    prim = mask.copy()
    values = table.copy()
    for c in spec.count_cols:
        for r in table.index:
            i = system.index.get((key, r, c))
            if i is None:
                continue
            mask.at[r, c] = bool(suppressed[i])
            prim.at[r, c] = bool(primary[i] and suppressed[i])
    n_values = pd.to_numeric(table[spec.n_col], errors="coerce") if spec.n_col else None
    for s, bases in spec.stat_bases.items():
        on = (spec.n_col, *bases) if spec.n_col else bases
        base_hidden = mask[list(dict.fromkeys(on))].any(axis=1)
        too_few = (n_values < system.min_cell) | n_values.isna()  # type: ignore[operator, union-attr]
        base_primary = prim[list(dict.fromkeys(on))].any(axis=1)
        mask[s] = (too_few | base_hidden) & table[s].notna()
        prim[s] = (too_few | base_primary) & table[s].notna()
    for c in spec.count_cols:
        values[c] = pd.to_numeric(values[c], errors="coerce").astype("Int64").mask(mask[c])
    for s in spec.stat_bases:
        values[s] = pd.to_numeric(values[s], errors="coerce").astype("Float64").mask(mask[s])
    row_totals = pd.Series(
        [
            bool(suppressed[i])
            if (i := system.index.get((key, r, ROW_TOTAL))) is not None
            else False
            for r in table.index
        ],
        index=table.index,
        dtype=bool,
    )
    column_totals = pd.Series(
        [
            bool(suppressed[i])
            if (i := system.index.get((key, COLUMN_TOTAL, c))) is not None
            else False
            for c in spec.count_cols
        ],
        index=list(spec.count_cols),
        dtype=bool,
    )
    return SuppressedTable(
        values=values,
        mask=mask,
        primary=prim,
        min_cell=system.min_cell,
        count_cols=spec.count_cols,
        stat_cols=tuple(spec.stat_bases),
        row_total_suppressed=row_totals,
        column_total_suppressed=column_totals,
    )


# --------------------------------------------------------------------------- public gate


def suppress(
    table: pd.DataFrame,
    *,
    count_cols: Sequence[str] = (),
    n_col: str | None = "n",
    stat_cols: Sequence[str] | Mapping[str, Sequence[str]] = (),
    of_n: Sequence[str] = (),
    margins: Margins = "both",
    total_col: str | None = None,
    total_row: Hashable | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    zeros: Zeros = "publish",
) -> SuppressedTable:
    """Suppress one aggregate table for a steering-group report.

    Parameters
    ----------
    table
        One row per group (the group labels as the index, e.g. ``alter_type`` or ``site_id``),
        columns of counts and statistics. Aggregates only: never resident-level rows.
    count_cols
        Columns of counts that form the table's grid: categories whose counts add up along a
        row when rows are additive (``margins`` ``"both"``/``"rows"``), e.g. one column per
        wave or per practice. Include the total column, if any, or name it in ``total_col``.
    n_col
        Column with the number of persons each row rests on (``None`` when there is none). It
        is a count too (suppressed when small) and adds up over rows when columns are
        additive. Every statistic of a row rests on it.
    stat_cols
        Statistic columns (means, medians, shares, confidence limits). A list: each rests on
        ``n_col``. A mapping ``{stat: [count columns]}``: the statistic is also computed from
        these counts (a share ``k / n`` from ``k``), so it is suppressed with them; otherwise
        publishing the share next to ``n`` would give a hidden ``k`` back.
    of_n
        Count columns that count a subset of the ``n_col`` persons (``k`` residents of ``n``
        who have a friend). Then ``n - k`` can be worked out and must not be small either:
        *11 of 12 have a friend* says that one resident has none.
    margins
        Which sums of the count columns are published (in the table or elsewhere, e.g. the
        number of residents of a site): ``"both"`` (default; each row and each column adds up
        to a known total), ``"rows"``, ``"columns"``, or ``"none"`` (no sums: only primary
        suppression). When in doubt keep ``"both"``: it may hide more, never less.
    total_col
        A column of ``count_cols`` that holds each row's sum of the other count columns.
    total_row
        The index label of a row that holds each column's sum over the other rows.
    min_cell
        The smallest number of persons a published number may rest on; default 5, never
        below 3 (:func:`check_min_cell`).
    zeros
        ``"publish"`` (default): a count of 0 is shown; ``"suppress"``: zeros are unsafe too.
        See the module notes.

    Returns
    -------
    SuppressedTable
        ``values`` (suppressed cells ``NA``), ``mask``, ``primary`` and ``display()``.

    Raises
    ------
    ConfigError
        For a bad argument: unknown columns, counts that are not whole numbers of 0 or more,
        a total that does not equal its sum, ``min_cell`` below 3.

    Notes
    -----
    Primary: counts ``1 .. min_cell - 1`` (and 0 with ``zeros="suppress"``), hidden
    remainders ``n - k`` of ``of_n`` in that range, and statistics whose ``n_col`` is below
    ``min_cell`` or missing. Secondary: see the module notes. A statistic is also
    suppressed when one of the counts it rests on is suppressed (primary or secondary).
    Ties between candidate complements are broken by position, so the result is
    deterministic.

    Examples
    --------
    Residents by site and practice with both margins (cf. Hundepool et al., 2024, ch. 4):

    >>> t = pd.DataFrame(
    ...     {"P1": [12, 3, 15], "P2": [8, 9, 17], "n": [20, 12, 32]},
    ...     index=pd.Index(["H1", "H2", "I alt"], name="site_id"),
    ... )
    >>> st = suppress(t, count_cols=["P1", "P2"], total_col="n", total_row="I alt")
    >>> st.display()
              P1  P2   n
    site_id
    H1        <5  <5  20
    H2        <5  <5  12
    I alt     15  17  32
    """
    m = check_min_cell(min_cell)
    if zeros not in ("publish", "suppress"):
        raise ConfigError(f"zeros must be 'publish' or 'suppress'; received {zeros!r}.")
    spec = _spec(
        table,
        count_cols=count_cols,
        n_col=n_col,
        stat_cols=stat_cols,
        of_n=of_n,
        margins=margins,
        total_col=total_col,
        total_row=total_row,
    )
    system = _System(m, zeros)
    _add_table(system, None, table, spec)
    suppressed, primary = system.solve()
    return _result(system, None, table, spec, suppressed, primary)


def suppress_family(
    tables: Mapping[Hashable, pd.DataFrame],
    *,
    total: Hashable | None = None,
    sums: Mapping[Hashable, Sequence[Hashable]] | None = None,
    differences: Sequence[tuple[Hashable, Hashable, Hashable]] = (),
    count_cols: Sequence[str] = (),
    n_col: str | None = "n",
    stat_cols: Sequence[str] | Mapping[str, Sequence[str]] = (),
    of_n: Sequence[str] = (),
    margins: Margins = "both",
    total_col: str | None = None,
    total_row: Hashable | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
    zeros: Zeros = "publish",
) -> dict[Hashable, SuppressedTable]:
    """Suppress a family of tables that share numbers, consistently.

    The site tables and the overview, or the pre and post tables and their change, are
    published side by side (in separate reports of one run). A count hidden in one must not
    come back by subtracting the other sites' numbers from the overview, nor from another
    wave and the change. This function suppresses all of them as one system of equations.

    Parameters
    ----------
    tables
        ``{key: table}``, every table shaped as :func:`suppress` expects, with the same
        columns; rows are matched by index label (a row missing in a table counts as 0).
    total
        Key of the table that is the cell-by-cell sum of all the other tables (the
        overview of the site tables). Shorthand for ``sums={total: [every other key]}``.
    sums
        ``{sum_key: [part keys]}``: the table ``sum_key`` is the cell-by-cell sum of the parts.
    differences
        ``(result, minuend, subtrahend)`` triples: ``result = minuend - subtrahend`` cell by
        cell (``("change", "post", "pre")``). The cells of a result table are differences,
        not counts of persons: they may be negative and are not suppressed for being small,
        but they are hidden when needed to protect a count of the other two. Relationships
        kept, gained and lost are sums instead: ``sums={"pre": ["kept", "lost"],
        "post": ["kept", "gained"]}``.
    count_cols, n_col, stat_cols, of_n, margins, total_col, total_row, min_cell, zeros
        As in :func:`suppress`, the same for every table.

    Returns
    -------
    dict
        ``{key: SuppressedTable}`` in the order of ``tables``.

    Notes
    -----
    The result depends only on the tables, not on the order of ``tables``: cells are
    ordered by the string of each key. Each site's report can therefore compute the whole
    family itself (in its own process) and show only its own table; every report of a run
    gets the same suppression pattern.

    Examples
    --------
    Two sites and their overview: the 3 of H2 is hidden, so is the 7 of H1 beside it in the
    overview's column, and a cell of each row to protect them from the row totals.

    >>> h1 = pd.DataFrame({"pre": [7, 10], "post": [8, 9]}, index=["friend", "staff"])
    >>> h2 = pd.DataFrame({"pre": [3, 12], "post": [6, 11]}, index=["friend", "staff"])
    >>> out = suppress_family({"H1": h1, "H2": h2, "all": h1 + h2}, total="all",
    ...                       count_cols=["pre", "post"], n_col=None)
    >>> out["H2"].display()
           pre post
    friend  <5   <5
    staff   <5   <5
    >>> out["all"].display()
           pre post
    friend  10   14
    staff   22   20
    """
    m = check_min_cell(min_cell)
    if zeros not in ("publish", "suppress"):
        raise ConfigError(f"zeros must be 'publish' or 'suppress'; received {zeros!r}.")
    if not isinstance(tables, Mapping) or not tables:
        raise ConfigError("tables must be a non-empty mapping {key: DataFrame}.")
    relation_sums: dict[Hashable, list[Hashable]] = {k: list(v) for k, v in (sums or {}).items()}
    if total is not None:
        if total not in tables:
            raise ConfigError(f"total {total!r} is not a key of tables; keys are {list(tables)}.")
        relation_sums[total] = [k for k in tables if k != total]
    for s, parts in relation_sums.items():
        bad = [k for k in (s, *parts) if k not in tables]
        if bad:
            raise ConfigError(f"sums name tables {bad} that are not keys of tables {list(tables)}.")
    for triple in differences:
        if len(triple) != 3 or any(k not in tables for k in triple):
            raise ConfigError(
                f"differences takes (result, minuend, subtrahend) triples of keys of tables; received {triple!r}."
            )
    keys = sorted(tables, key=lambda k: str(k))
    spec_args = dict(
        count_cols=count_cols,
        n_col=n_col,
        stat_cols=stat_cols,
        of_n=of_n,
        margins=margins,
        total_col=total_col,
        total_row=total_row,
    )
    derived_keys = {t[0] for t in differences}
    specs_ = {
        k: _spec(tables[k], **spec_args, allow_negative=k in derived_keys)  # type: ignore[arg-type]
        for k in keys
    }
    first = keys[0]
    for k in keys[1:]:
        if set(specs_[k].count_cols) != set(specs_[first].count_cols):
            raise ConfigError(f"Tables {first!r} and {k!r} must have the same count columns.")
    system = _System(m, zeros)
    for k in keys:
        _add_table(system, k, tables[k], specs_[k], derived=k in derived_keys)
    count_set = specs_[first].count_cols

    def link(result: Hashable, terms: list[tuple[Hashable, int]]) -> None:
        for r in tables[result].index:
            for c in count_set:
                res = system.index.get((result, r, c))
                if res is None:
                    continue
                cells, coefs, total_value = [res], [-1], 0.0
                for key, sign in terms:
                    i = system.index.get((key, r, c))
                    if i is not None:
                        cells.append(i)
                        coefs.append(sign)
                        total_value += sign * system.value[i]
                if abs(total_value - system.value[res]) > 1e-9:
                    raise ConfigError(
                        f"Table {result!r}, row {r!r}, column {c!r} holds {system.value[res]:g}, "
                        f"but its parts give {total_value:g}."
                    )
                system.add_equation(cells, coefs)
        for key, _ in terms:
            extra = [r for r in tables[key].index if r not in tables[result].index]
            if extra:
                raise ConfigError(f"Rows {extra} of table {key!r} are missing in table {result!r}.")

    for s, parts in relation_sums.items():
        link(s, [(p, 1) for p in parts])
    for result, minuend, subtrahend in differences:
        link(result, [(minuend, 1), (subtrahend, -1)])

    suppressed, primary = system.solve()
    return {k: _result(system, k, tables[k], specs_[k], suppressed, primary) for k in tables}


# --------------------------------------------------------------------------- output guards


@cache
def _pseudonym_headers() -> frozenset[str]:
    names: set[str] = set()
    for spec in specs():
        for c in spec.columns:
            if c.name in PSEUDONYM_COLUMNS:
                names.update(fold(s) for s in c.spellings)
    names.update(fold(c) for c in PSEUDONYM_COLUMNS)
    return frozenset(names)


def _mask_pseudonym(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1)


def assert_no_pseudonyms(
    frame: pd.DataFrame,
    *,
    pseudonyms: Iterable[str] | None = None,
    where: str = "output",
    lang: Literal["da", "en"] = "da",
) -> None:
    """Refuse a steering-group table that holds pseudonyms.

    Parameters
    ----------
    frame
        The table about to be published.
    pseudonyms
        Optional pseudonyms of the data set (resident, alter, respondent and rater ids);
        when given, no cell, index value or column name may equal one of them.
    where
        Name of the output, for the message.
    lang
        Language of the message.

    Raises
    ------
    PrivacyError
        With one :class:`~analyse.problems.Problem` per offending column or value. Values are
        masked in the message (``B***``).

    Examples
    --------
    >>> assert_no_pseudonyms(pd.DataFrame({"site_id": ["H1"], "n": [12]}))
    >>> assert_no_pseudonyms(pd.DataFrame({"borger_id": ["B017"], "n": [1]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analyse.errors.PrivacyError: 1 problem in the data set
      output, row None, column 'borger_id', value None: Kolonnen 'borger_id' indeholder pseudonymer ...
    """
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"frame must be a pandas DataFrame; received {type(frame).__name__}.")
    headers = _pseudonym_headers()
    problems: list[Problem] = []
    names = [*map(str, frame.columns), *[str(n) for n in frame.index.names if n is not None]]
    if isinstance(frame.columns, pd.MultiIndex):
        names = [str(x) for tup in frame.columns for x in tup] + [
            str(n) for n in frame.index.names if n
        ]
    for name in dict.fromkeys(names):
        if fold(name) in headers:
            rule = {
                "da": f"Kolonnen {name!r} indeholder pseudonymer og må ikke indgå i en rapport til styregruppen.",
                "en": f"Column {name!r} holds pseudonyms and must not be in a steering-group report.",
            }[lang]
            problems.append(Problem(where, None, name, None, rule, "pseudonym_column"))
    if pseudonyms is not None:
        wanted = {str(p) for p in pseudonyms if p is not None and str(p) != ""}
        if wanted:
            rule = {
                "da": "Et pseudonym fra datasættet står i en rapport til styregruppen.",
                "en": "A pseudonym from the data set appears in a steering-group report.",
            }[lang]
            for name in dict.fromkeys(names):
                if name in wanted:
                    problems.append(
                        Problem(where, None, name, _mask_pseudonym(name), rule, "pseudonym")
                    )
            for level in range(frame.index.nlevels):
                vals = frame.index.get_level_values(level).astype(str)
                for v in pd.unique(vals[np.isin(vals, list(wanted))]):
                    problems.append(
                        Problem(where, None, "(index)", _mask_pseudonym(v), rule, "pseudonym")
                    )
            for j, col in enumerate(frame.columns):
                s = frame.iloc[:, j]
                if pd.api.types.is_numeric_dtype(s) and not any(
                    p.lstrip("-").isdigit() for p in wanted
                ):
                    continue
                hit = s.astype(str).isin(wanted) & s.notna()
                for i in np.flatnonzero(hit.to_numpy()):
                    problems.append(
                        Problem(
                            where,
                            int(i) + 2,
                            str(col),
                            _mask_pseudonym(str(s.iloc[i])),
                            rule,
                            "pseudonym",
                        )
                    )
    if problems:
        raise PrivacyError(problems)


_DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=\s]+")


def find_leaks(
    text: str,
    *,
    pseudonyms: Iterable[str] = (),
    where: str = "",
    lang: Literal["da", "en"] = "da",
) -> list[Problem]:
    """Find pseudonyms and CPR-like numbers in rendered output (HTML, CSV, text).

    Parameters
    ----------
    text
        The rendered output.
    pseudonyms
        Pseudonyms of the data set. A pseudonym is found as a whole token: not preceded or
        followed by a letter or digit (``B017`` is found in ``<td>B017</td>`` and in
        ``B017.png``, not in ``AB0171``), ignoring case. Pseudonyms made of digits only can't
        be told apart from numbers in a report and are skipped.
    where
        The file name, for the problems.
    lang
        Language of the rule text.

    Returns
    -------
    list of Problem
        One per finding, with ``row`` the line number (1-based), ``value`` masked, ``code``
        ``"pseudonym"`` or ``"cpr_number"``. Empty when the text is clean.

    Notes
    -----
    Embedded images (``data:...;base64,...``) are skipped: their characters are not text, and a
    pseudonym drawn in a figure cannot be found by a text search — which is why figures are
    built from the gate's aggregates only. CPR numbers are ``DDMMYY-XXXX`` or ten digits whose
    first six form a valid date (as :func:`analyse.screen.find_cpr`).

    Examples
    --------
    >>> [p.code for p in find_leaks("<td>B017</td><td>010190-1234</td>", pseudonyms=["B017"])]
    ['pseudonym', 'cpr_number']
    >>> find_leaks("<td>AB0171</td> 12 borgere", pseudonyms=["B017"])
    []
    """
    from analyse.screen import CPR_HYPHEN, CPR_PLAIN, find_cpr, mask

    if not isinstance(text, str):
        raise ConfigError(f"text must be a str; received {type(text).__name__}.")
    clean = _DATA_URI.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found: list[tuple[int, str, str]] = []
    words = sorted(
        {str(p) for p in pseudonyms if p is not None and str(p).strip() and not str(p).isdigit()},
        key=len,
        reverse=True,
    )
    if words:
        pattern = re.compile(
            r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, words)) + r")(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
        for m in pattern.finditer(clean):
            found.append((m.start(), "pseudonym", _mask_pseudonym(m.group(0))))
    for rx in (CPR_HYPHEN, CPR_PLAIN):
        for m in rx.finditer(clean):
            if find_cpr(m.group(0)):
                found.append((m.start(), "cpr_number", mask(m.group(0))))
    rules = {
        "pseudonym": {
            "da": "Et pseudonym fra datasættet står i en rapport til styregruppen.",
            "en": "A pseudonym from the data set appears in a steering-group report.",
        },
        "cpr_number": {
            "da": "Noget, der ligner et CPR-nummer, står i rapporten.",
            "en": "Something that looks like a CPR number appears in the report.",
        },
    }
    problems = []
    for pos, code, value in sorted(found):
        line = clean.count("\n", 0, pos) + 1
        problems.append(Problem(where, line, None, value, rules[code][lang], code))
    return problems
