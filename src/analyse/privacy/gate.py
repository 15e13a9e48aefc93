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
3. **publishes what is safe**: a hidden count shows the true interval the published numbers
   imply where that is narrow (``11 til 15``), a cell hidden to protect another shows
   ``(s)``, never ``<5`` (see *Markers that never lie*);
4. **links groups of persons** across tables (:func:`suppress_groups`: means, shares and
   ``n`` of overlapping groups are sums that subtract);
5. **checks the output**: :func:`assert_no_pseudonyms` refuses a table with a pseudonym
   column (``resident_id``, ``alter_id``, ``respondent_id``, ``rater_id`` or their Danish
   headers) or pseudonym values; :func:`find_leaks` searches rendered text or HTML for
   pseudonyms and CPR-like numbers (used by ``analyse audit``).

``min_cell`` is 5 by default and never below 3 (:func:`check_min_cell`). A site with fewer
than ``min_cell`` residents shows a sentence instead of numbers (:func:`site_too_small`,
:func:`analyse.words.text.site_too_small_sentence`).

The input side of privacy — refusing CPR numbers and identifying columns in the data — is
:mod:`analyse.data.screen`.

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

*Markers that never lie* (issue 15). A primary cell shows ``<5`` (``min_cell=5``): fewer
than 5. A cell hidden for any other reason — to protect another cell, across tables,
reports or waves, or because :func:`suppress_groups` says its group isolates a few persons —
never shows ``<5`` when it is 5 or more: it shows ``(s)`` (*skjult*, with its own footnote,
:func:`analyse.words.text.suppressed_note`), or, for a count, the true interval that the published
numbers already imply (``11 til 15``: 15 minus a ``<5``), as τ-ARGUS and sdcTable publish
intervals of suppressed cells. A 0 hidden as a complement shows ``<5`` (0 is fewer than 5, so
the marker stays true and says nothing new). A sub-group never shows more than its parent:
``subsets`` makes the parent a sum of the sub-group and a remainder, so a published sub-group
is a lower bound of a hidden parent.

The old argument for one marker was that with two a reader knows a secondary cell is at
least ``min_cell``, so a hidden 1 beside a hidden 5 in a row whose remainder is 6 comes back.
That is true, and the gate now includes it: its attacker (below) reads ``<5`` as 0-4 (and,
as zeros are published, a ``<5`` as at least 1), ``(s)`` as at least ``min_cell``, an interval
as its bounds, and solves linear programmes over all the equations; where a small cell keeps
fewer than two possible sizes the gate hides one more published cell beside it and checks
again. A printed interval is computed by bound propagation from what a reader can see, so it
is implied by the published numbers and never narrower than a reader's own bound: printing
it tells nothing new.

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

*Scale.* The cells and equations are built in bulk (numpy arrays, a sparse matrix); the
singleton rule re-checks only the equations that touch a newly hidden cell. The exact check
takes each connected group of hidden cells: a group of up to a few hundred cells with one
dense SVD; a larger one (thousands of sites linked through the overview's cells) by blocks:
the *narrow* equations (a site's own totals) split it into small blocks with null spaces
``N_b``; the few *wide* equations ``L`` (an overview cell as the sum of all sites) couple
them; a cell is determined exactly when its row of ``N`` lies in the row space of ``L N`` —
the same test as the dense null space, done with many small SVDs and one of
(wide equations x null dimensions). Candidates are tested the same way (a particular
solution per block, then the coupling), so both paths choose the same complements. A family
of 2,000 sites and its overview is suppressed in about two seconds.

*Means leak too.* ``n × mean`` is a sum, a share ``k/n`` gives ``k``, a confidence limit
or SD a sum of squares: every published statistic of a group is a sum over its persons.
:func:`suppress_groups` takes every group a run publishes (sites, practices, overview,
waves, all assessed and paired, per measure) with its persons, splits the persons into atoms
(persons in exactly the same groups) and runs this same engine with the atoms as
never-published cells and each group's ``n`` as their published sum: a group it hides must
show no statistic. The reports pass its result to every family as ``force``.

*The attacker with linear programmes.* After the exact check, every small unknown cell of a
group of up to :data:`_LP_LIMIT` linked unknown cells is attacked: can it take two sizes
given the published cells, the equations and the markers' bounds (cf. sdcTable's
``attack()``)? One programme pushes every open cell towards ``value + 1`` at once and settles
most of them; a cell whose ``<5`` marker caps it needs no programme for its maximum; the rest
get the exact programmes (largest, and if need be smallest, value). Hiding more only widens
ranges, so a cell found safe is not attacked again.

Limits: protection is against *exact* recovery, and against pinning a small cell to one
size with the markers' bounds in groups of up to :data:`_LP_LIMIT` linked unknown cells;
larger groups (many sites linked through the overview) get the exact check only. Bounds can
be narrowed otherwise; the printed intervals state such bounds. :func:`suppress_groups`
protects each atom; a set of several small atoms whose sum the groups determine together
but not one by one is not checked. A group that no split turns into small blocks (many
wide equations) falls back to one dense SVD, which is slow beyond a few thousand linked
hidden cells.

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

Meindl, B. sdcTable: Methods for Statistical Disclosure Control in Tabular Data (CRAN),
``attack()``: lower and upper bounds of primary cells from the suppression pattern; τ-ARGUS
(de Wolf et al.) publishes intervals of suppressed cells the same way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse
import scipy.sparse.csgraph

from analyse.config import (
    DEFAULT_MIN_CELL,
    check_min_cell,  # noqa: F401
)
from analyse.data.identifiers import cpr_matches
from analyse.data.identifiers import mask as _mask_digits
from analyse.data.identifiers import mask_pseudonym as _mask_pseudonym
from analyse.data.schema import fold, specs
from analyse.errors import ConfigError, PrivacyError
from analyse.privacy.system import (
    _LP_LIMIT,
    _ZERO,
    Zeros,
    _BlockSVDs,  # noqa: F401
    _Bounds,
    _ranges,
    _TableCells,
    determined_by_blocks,
    frees_by_blocks,
)
from analyse.problems import Problem
from analyse.words.text import SECONDARY_MARKER

log = logging.getLogger(__name__)

Margins = Literal["both", "rows", "columns", "none"]

#: Canonical columns that hold pseudonyms of persons. ``site_id`` and ``practice`` are
#: codes of places and practices, not of persons, and may be shown.
PSEUDONYM_COLUMNS: tuple[str, ...] = ("resident_id", "alter_id", "respondent_id", "rater_id")

#: Fewest residual degrees of freedom of a model estimate published as a safe statistic
#: (ACRO/SACRO output-checking rules: a regression coefficient is safe with at least 10).
MIN_RESIDUAL_DF = 10

#: Keys of the totals a table does not show but that are published elsewhere (``margins``).
ROW_TOTAL = "<row total>"
COLUMN_TOTAL = "<column total>"

#: Key of :attr:`pandas.DataFrame.attrs` under which the gate marks a frame it releases
#: (:meth:`SuppressedTable.display`, :func:`release`). Publishing in a steering report
#: (:func:`analyse.render.publish.table_bundle`) refuses a frame without it.
RELEASED = "analyse.privacy.released"


# --------------------------------------------------------------------------- small rules


def site_too_small(n_residents: object, min_cell: int = DEFAULT_MIN_CELL) -> bool:
    """Whether a site has too few residents to show any number for it.

    A site with fewer than ``min_cell`` residents gets the sentence
    :func:`analyse.words.text.site_too_small_sentence` instead of tables and figures: every count in
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


Status = Literal["shown", "primary", "secondary", "interval", "persons"]


@dataclass(frozen=True)
class SuppressedTable:
    """A table that passed the gate.

    Attributes
    ----------
    values
        The table with every cell that is not shown exactly set to ``pd.NA``: count columns
        as ``Int64``, statistic columns as ``Float64``, other columns (labels) unchanged. Use
        it for figures and sentences.
    mask
        Boolean frame of the same shape: ``True`` where a cell is not shown exactly
        (``status`` is not ``"shown"``).
    primary
        Boolean frame: ``True`` where a cell is suppressed because it is itself below
        ``min_cell`` (or, for a statistic, rests on fewer than ``min_cell`` persons or on a
        suppressed count). ``mask & ~primary`` are the secondary suppressions.
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
    status
        Frame of strings, what each cell shows: ``"shown"`` (its value), ``"primary"``
        (:attr:`marker`, ``<5``: fewer than ``min_cell``; also a 0 hidden to protect
        another cell, which is fewer than ``min_cell`` too), ``"secondary"``
        (:data:`SECONDARY_MARKER`: hidden so that another number cannot be worked out; a
        count so marked is at least ``min_cell``), ``"interval"`` (a count hidden to protect
        another, shown as the true interval ``lower .. upper`` that the published numbers
        already imply, e.g. *mindst 11*), ``"persons"`` (``(f)``: a count of ``min_cell`` or
        more that rests on fewer persons, e.g. relationships of 1-4 residents).
    lower, upper
        ``Float64`` frames: for count cells, what a reader knows of the value: the value
        itself when shown, ``0 .. min_cell - 1`` for ``<5``, and for a secondary or interval
        cell the bounds implied by everything published (``upper`` may be ``inf``). ``NA``
        for statistics and labels.
    """

    values: pd.DataFrame
    mask: pd.DataFrame
    primary: pd.DataFrame
    min_cell: int
    count_cols: tuple[str, ...]
    stat_cols: tuple[str, ...]
    row_total_suppressed: pd.Series
    column_total_suppressed: pd.Series
    status: pd.DataFrame | None = None
    lower: pd.DataFrame | None = None
    upper: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.status is None:
            status = pd.DataFrame("shown", index=self.mask.index, columns=self.mask.columns)
            status = status.astype(object).mask(self.mask, "secondary")
            object.__setattr__(self, "status", status.mask(self.primary, "primary"))
        for name in ("lower", "upper"):
            if getattr(self, name) is None:
                empty = pd.DataFrame(np.nan, index=self.mask.index, columns=self.mask.columns)
                object.__setattr__(self, name, empty.astype("Float64"))

    @property
    def marker(self) -> str:
        """What a primary cell shows: ``<5`` for ``min_cell=5``."""
        return f"<{self.min_cell}"

    @property
    def secondary_marker(self) -> str:
        """What a cell hidden to protect another shows: :data:`SECONDARY_MARKER`."""
        return SECONDARY_MARKER

    @property
    def n_suppressed(self) -> int:
        """Number of cells not shown exactly (primary, secondary and interval)."""
        return int(self.mask.to_numpy().sum())

    @property
    def any_suppressed(self) -> bool:
        return self.n_suppressed > 0

    def kinds(self) -> set[str]:
        """The statuses other than ``"shown"`` that occur in the table."""
        assert self.status is not None
        return set(np.unique(self.status.to_numpy().astype(str))) - {"shown"}

    def note(self, lang: Literal["da", "en"] = "da") -> str | None:
        """The footnote for the markers this table shows (``None`` when it shows none):
        :func:`analyse.words.text.suppressed_note`."""
        from analyse.words import text

        kinds = self.kinds()
        if not kinds:
            return None
        return text.suppressed_note(self.min_cell, lang, kinds=kinds)

    def display(
        self,
        lang: Literal["da", "en"] = "da",
        *,
        decimals: int | Mapping[str, int] = 1,
        percent_cols: Sequence[str] = (),
    ) -> pd.DataFrame:
        """The table as strings for a report: numbers formatted, hidden cells marked.

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
            :func:`analyse.words.text.fmt_int`, statistics via :func:`analyse.words.text.fmt_number` or
            :func:`analyse.words.text.fmt_percent`, missing values as ``–``; a primary cell as
            :attr:`marker` (``<5``), a secondary one as :attr:`secondary_marker` (``(s)``),
            an interval as :func:`analyse.words.text.interval_phrase` (``mindst 11``,
            ``11–15``). Other columns are converted with ``str`` (escaping for HTML is the
            exporter's job).
        """
        from analyse.words import text

        unknown = [c for c in percent_cols if c not in self.stat_cols]
        if unknown:
            raise ConfigError(
                f"percent_cols must be statistic columns {list(self.stat_cols)}; received {unknown}."
            )
        assert self.status is not None and self.lower is not None and self.upper is not None
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
            status = self.status[col]
            strings = strings.astype(object).where(status != "primary", self.marker)
            strings = strings.where(status != "secondary", self.secondary_marker)
            strings = strings.where(status != "persons", text.PERSONS_MARKER)
            interval = status == "interval"
            if interval.any():
                phrases = [
                    text.interval_phrase(lo, hi, lang)
                    for lo, hi in zip(
                        self.lower.loc[interval, col], self.upper.loc[interval, col], strict=True
                    )
                ]
                strings = strings.copy()
                strings[interval] = phrases
            out[col] = strings.astype(object)
        shown = pd.DataFrame(out, index=self.values.index)
        shown.attrs[RELEASED] = True
        return shown


def release(frame: pd.DataFrame, *sources: SuppressedTable) -> pd.DataFrame:
    """Mark a display frame built from gated tables as released by the gate.

    A report table that combines the displays of several gated tables, or puts one gated
    table's cells beside labels and words (the agreement table, practice against comparison),
    is declared here with the gated tables its numbers come from. Publishing in a steering
    report (:func:`analyse.render.publish.table_bundle`) refuses any frame that neither
    :meth:`SuppressedTable.display` nor this function released: a table that was not declared
    to the gate cannot be published, however it was built.

    Parameters
    ----------
    frame
        The table to publish (strings, as :meth:`SuppressedTable.display` gives them).
    *sources
        The gated tables whose values the frame shows; at least one.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` marked as released (:data:`RELEASED` in its ``attrs``).

    Raises
    ------
    PrivacyError
        When no source is given or a source is not a table the gate returned.

    Examples
    --------
    >>> st = suppress(pd.DataFrame({"n": [12]}, index=["H1"]), n_col="n", margins="none")
    >>> is_released(release(st.display().reset_index(), st))
    True
    >>> release(pd.DataFrame({"n": [3]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analyse.errors.PrivacyError: A table was declared to the gate without the gated tables ...
    """
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(f"frame must be a pandas DataFrame; received {type(frame).__name__}.")
    bad = [type(s).__name__ for s in sources if not isinstance(s, SuppressedTable)]
    if not sources or bad:
        raise PrivacyError(
            [],
            "A table was declared to the gate without the gated tables it shows"
            + (f" (received {', '.join(bad)})" if bad else "")
            + "; build it from analyse.privacy.gate's output.",
        )
    out = frame.copy()
    out.attrs[RELEASED] = True
    return out


def is_released(frame: pd.DataFrame) -> bool:
    """Whether the gate released ``frame`` (:func:`release`, :meth:`SuppressedTable.display`)."""
    return isinstance(frame, pd.DataFrame) and frame.attrs.get(RELEASED) is True


# --------------------------------------------------------------------------- the cell system

#: Components of linked unknown cells up to this size are checked with one dense SVD (and get
#: complements chosen by the exact "frees" test); larger ones with the block method below.
_DENSE_LIMIT = 400
#: Largest block of a large component (cells linked by its narrow equations).
_BLOCK_LIMIT = 200
#: Most wide ("coupling") equations of a large component the block method accepts.
_COUPLING_LIMIT = 2000
#: Widest interval printed, in units of ``min_cell - 1`` (the width of a ``<5``).
_INTERVAL_WIDTH = 2
# _ZERO (a null-space entry taken as zero) and _LP_LIMIT (largest group attacked with linear
# programmes) live in analyse.privacy.system with the cells, equations and bounds.


class _System(_Bounds):
    """Cells (published or hidden numbers), the linear equations that link them, and the
    search for secondary suppressions (:meth:`solve`).

    Cells and equations are added in bulk (numpy arrays; see
    :class:`analyse.privacy.system._Cells`); :meth:`solve` works on the equations as a sparse
    matrix in compressed-row form (``ptr``, ``cells``, ``coefs``). The bounds a reader can
    work out and the linear-programme attack are :class:`analyse.privacy.system._Bounds`.
    """

    def solve(self) -> tuple[np.ndarray, np.ndarray]:
        """Return (suppressed, primary) boolean arrays over the cells.

        Also sets :attr:`lower` and :attr:`upper`: the bounds a reader can work out for every
        cell from everything published (see :meth:`_bounds`).

        The linear algebra runs on one BLAS thread: the gate's matrices are small (groups of
        linked cells, blocks of a large group), and for such matrices OpenBLAS's threads cost
        many times the work itself (a 133 x 242 SVD: 9 ms on one thread, 350 ms of CPU on two
        of a busy 2-core machine); the reports running beside the gate use the other core.
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._solve()

    def _solve(self) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`solve` itself."""
        value = self.values()
        hidden = self._array("hidden", bool)
        is_total = self._array("is_total", bool)
        derived = self._array("derived", bool)
        forced = self._array("forced", bool)
        n = self.n
        lens = np.concatenate(self._eq_lens) if self._eq_lens else np.zeros(0, dtype=np.int64)
        self.eq_cells = (
            np.concatenate(self._eq_cells) if self._eq_cells else np.zeros(0, dtype=np.int64)
        )
        self.eq_coefs = np.concatenate(self._eq_coefs) if self._eq_coefs else np.zeros(0)
        self.eq_ptr = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
        self.n_eq = len(lens)
        self.entry_eq = np.repeat(np.arange(self.n_eq, dtype=np.int64), lens)
        # cell -> equations (compressed by cell; equations ascending within a cell)
        by_cell = np.argsort(self.eq_cells, kind="stable")
        self.cell_eqs = self.entry_eq[by_cell]
        self.cell_ptr = np.concatenate(
            ([0], np.cumsum(np.bincount(self.eq_cells, minlength=n)))
        ).astype(np.int64)

        small = (value > 0) & (value < self.min_cell)
        if self.zeros == "suppress":
            small |= value == 0
        small &= ~derived
        # Persons, not relationships, count: a count of relationships of 1-4 residents.
        self.few = self._array("few", bool) & (value > 0) & ~derived
        small |= self.few
        primary = small.copy()
        suppressed = (primary | forced) & ~hidden
        # Hidden cells are unknown to a reader; the small ones must stay unknown.
        protect_hidden = hidden & primary
        # Preference of a cell as a complement: published non-zero counts first, the
        # smallest first; ties by position. rank[c] is c's place in that order.
        # Cost first (τ-ARGUS: the cheapest complements; a key answer is hidden last).
        self.cost = self._array("cost", float)
        order = np.lexsort((np.arange(n), np.abs(value), is_total | derived, self.cost, value == 0))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        self.rank = rank
        self.hidden, self.derived = hidden, derived
        self.elsewhere = self._array("elsewhere", bool)

        candidates = np.arange(self.n_eq, dtype=np.int64)
        for _ in range(n + 1):
            # 1. singleton rule, until stable (only equations touching new unknowns re-checked)
            self._singletons(candidates, suppressed, hidden, protect_hidden)
            # 2. exact check, with complements for every cell still determined
            unknown = suppressed | hidden
            adds = self._complements(unknown, primary & unknown)
            if not adds:
                # 3. the markers' own bounds (an attacker with linear programmes)
                adds = self._attack(suppressed, primary)
            if not adds:
                self.lower, self.upper = self._bounds(suppressed, primary)
                return suppressed, primary
            suppressed[adds] = True
            candidates = self._eqs_of(np.asarray(adds, dtype=np.int64))
        raise PrivacyError(
            [], "Secondary suppression did not converge; report this as a bug."
        )  # pragma: no cover

    # -- secondary suppressions: the exact check and the choice of complements ---------

    def _complements(self, unknown: np.ndarray, protect: np.ndarray) -> list[int]:
        """Published cells to hide so that no protected unknown cell is determined.

        For each group of linked unknown cells the equations restricted to them form a matrix
        ``M``. A cell is determined when every vector of the null space of ``M`` is zero at
        it. Hiding a published cell ``c`` with column ``m_c`` adds the null vector ``(x, 1)``
        when ``M x = -m_c`` is solvable; it frees the determined cells where ``x`` is not
        zero. Each determined cell gets the most preferred candidate that frees it (one that
        frees several counts for all of them). Large groups are checked by blocks
        (:meth:`_determined_by_blocks`) and get the most preferred published cell of their
        equations. Returns an empty list when nothing is determined.
        """
        k, cell_label, eq_label, entry_unknown = self._components(unknown)
        if k == 0:
            return []
        wanted = np.zeros(k, dtype=bool)
        sel = protect & (cell_label >= 0)
        wanted[cell_label[sel]] = True
        if not wanted.any():
            return []
        cell_order = np.argsort(cell_label, kind="stable")
        cell_bounds = np.searchsorted(cell_label[cell_order], np.arange(k + 1))
        eq_order = np.argsort(eq_label, kind="stable")
        eq_bounds = np.searchsorted(eq_label[eq_order], np.arange(k + 1))
        eq_has_unknown = eq_label >= 0
        adds: list[int] = []
        for g in np.flatnonzero(wanted):
            cells = cell_order[cell_bounds[g] : cell_bounds[g + 1]]  # ascending (stable sort)
            eqs = eq_order[eq_bounds[g] : eq_bounds[g + 1]]
            if len(cells) <= _DENSE_LIMIT:
                adds += self._complements_dense(cells, eqs, unknown, protect, eq_has_unknown)
            else:
                adds += self._complements_large(cells, eqs, unknown, protect, eq_has_unknown)
        return sorted(set(adds))

    def _complements_dense(
        self,
        cells: np.ndarray,
        eqs: np.ndarray,
        unknown: np.ndarray,
        protect: np.ndarray,
        eq_has_unknown: np.ndarray,
        given: np.ndarray | None = None,
    ) -> list[int]:
        """The exact check of one group with one dense SVD (see :meth:`_complements`).

        With ``given`` (boolean over ``cells``), ``cells`` is one block of a large group and
        ``given`` its determined protected cells, found by :meth:`_determined_by_blocks`. The
        other unknown cells of the block's equations are then taken as known: that system is
        stronger than the reader's, so a cell it determines is determined, and a candidate
        that frees a cell in it frees the cell for the reader too. The caller checks again.
        """
        if given is None:
            rows, ecells, coefs, inside = self._submatrix(eqs, cells, unknown)
            outside = ~inside
        else:
            in_block = np.zeros(self.n, dtype=bool)
            in_block[cells] = True
            rows, ecells, coefs, inside = self._submatrix(eqs, cells, in_block)
            outside = ~inside & ~unknown[ecells]
        m = np.zeros((len(eqs), len(cells)))
        np.add.at(m, (rows[inside], np.searchsorted(cells, ecells[inside])), coefs[inside])
        u, sv, vt = scipy.linalg.svd(m, full_matrices=True)
        rank = int((sv > 1e-9 * max(sv.max(initial=0.0), 1.0)).sum())
        if given is None:
            null = vt[rank:].T
            determined_local = (
                np.all(np.abs(null) < _ZERO, axis=1)
                if null.shape[1]
                else np.ones(len(cells), dtype=bool)
            )
            det = [j for j in np.flatnonzero(determined_local) if protect[cells[j]]]
        else:
            det = list(np.flatnonzero(given))
        if not det:
            return []
        rows, ecells, coefs = (
            rows[inside | outside],
            ecells[inside | outside],
            coefs[inside | outside],
        )
        inside = inside[inside | outside]
        cand_ids = np.unique(ecells[~inside])
        cands = cand_ids[np.argsort(self.rank[cand_ids], kind="stable")]
        if not len(cands):
            raise PrivacyError(
                [],
                "A suppressed cell could be worked out from the published totals and no further "
                "cell could be hidden to protect it; report this as a bug in analyse.privacy.gate.",
            )
        cpos = np.empty(len(cands), dtype=np.int64)  # position in cands of each cand_ids
        cpos[np.searchsorted(cand_ids, cands)] = np.arange(len(cands))
        mc = np.zeros((len(eqs), len(cands)))
        out_ = ~inside
        np.add.at(mc, (rows[out_], cpos[np.searchsorted(cand_ids, ecells[out_])]), coefs[out_])
        x = -(vt[:rank].T / sv[:rank]) @ (u[:, :rank].T @ mc)
        consistent = np.all(np.abs(m @ x + mc) < 1e-7, axis=0)
        frees = (np.abs(x[det]) > _ZERO) & consistent
        adds, left = self._pairs(m, mc, det, cands, frees, unknown)
        if not left.any():
            return adds
        return adds + self._pick(
            cells[np.asarray(det)[left]], cands, frees[left], unknown, eq_has_unknown
        )

    def _pairs(
        self,
        m: np.ndarray,
        mc: np.ndarray,
        det: list[int],
        cands: np.ndarray,
        frees: np.ndarray,
        unknown: np.ndarray,
        k: int = 8,
    ) -> tuple[list[int], np.ndarray]:
        """Two complements at once for a determined cell that no single candidate frees
        (a site's two numbers that both link to the overview): among the ``k`` cheapest
        candidates, the pair of least cost that frees it (τ-ARGUS chooses by cost; one cell at
        a time, the nearest cheap cell is often one that frees nothing). Returns the cells to
        hide and which rows of ``det`` are still open."""
        left = np.ones(len(det), dtype=bool)
        adds: list[int] = []
        k = min(k, len(cands))
        if k < 2 or m.shape[1] > _LP_LIMIT:
            return adds, left
        for r, j in enumerate(det):
            if frees[r].any():
                continue
            best = None
            for a in range(k):
                for b in range(a + 1, k):
                    big = np.hstack([m, mc[:, [a, b]]])
                    unit = np.zeros((1, big.shape[1]))
                    unit[0, j] = 1.0
                    if np.linalg.matrix_rank(np.vstack([big, unit])) > np.linalg.matrix_rank(big):
                        ca, cb = int(cands[a]), int(cands[b])
                        score = (self.cost[ca] + self.cost[cb], self.rank[ca] + self.rank[cb])
                        if best is None or score < best[0]:
                            best = (score, ca, cb)
            if best is not None:
                adds += [best[1], best[2]]
                left[r] = False
                # One pair per round (the next round checks again); cells that no single
                # candidate frees wait for it rather than take the nearest cheap cell.
                left[r + 1 :] &= frees[r + 1 :].any(axis=1)
                break
        return adds, left

    def _pick(
        self,
        det: np.ndarray,
        cands: np.ndarray,
        frees: np.ndarray,
        unknown: np.ndarray,
        eq_has_unknown: np.ndarray,
    ) -> list[int]:
        """Complements for the determined cells ``det`` (in order), given which candidates
        (sorted by preference) free which of them (``frees``, det x cands)."""
        # A candidate that is the only unknown of one of its other equations is given back
        # by that equation: it frees nothing until that equation gets a complement too
        # (which the singleton rule then adds).
        pos = _ranges(self.cell_ptr, cands)
        lens = self.cell_ptr[cands + 1] - self.cell_ptr[cands]
        owner = np.repeat(np.arange(len(cands)), lens)
        pinned = (
            np.bincount(owner, weights=~eq_has_unknown[self.cell_eqs[pos]], minlength=len(cands))
            > 0
        )
        freed = frees & ~pinned
        adds: list[int] = []
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
                near = self._nearest_published(int(det[i]), unknown)
                open_[i] = False
                if near:
                    adds.append(min(near, key=lambda c: self.rank[c]))
                    continue
                j = 0
            adds.append(int(cands[j]))
        return adds

    def _complements_large(
        self,
        cells: np.ndarray,
        eqs: np.ndarray,
        unknown: np.ndarray,
        protect: np.ndarray,
        eq_has_unknown: np.ndarray,
    ) -> list[int]:
        """The exact check of a large group by blocks, and the same choice of complements as
        the dense path (:meth:`_frees_by_blocks` tests every candidate exactly)."""
        determined, blocks = self._determined_by_blocks(cells, eqs, unknown)
        wanted = determined & protect[cells]
        if not wanted.any():
            return []
        if blocks is None:  # no split into small blocks: the group is checked as a whole
            return self._complements_dense(cells, eqs, unknown, protect, eq_has_unknown)
        det = np.flatnonzero(wanted)
        rows, ecells, coefs, inside = self._submatrix(eqs, cells, unknown)
        out_ = ~inside
        cand_ids = np.unique(ecells[out_])
        cands = cand_ids[np.argsort(self.rank[cand_ids], kind="stable")]
        if not len(cands):
            raise PrivacyError(
                [],
                "A suppressed cell could be worked out from the published totals and no further "
                "cell could be hidden to protect it; report this as a bug in analyse.privacy.gate.",
            )
        cpos = np.empty(len(cands), dtype=np.int64)
        cpos[np.searchsorted(cand_ids, cands)] = np.arange(len(cands))
        entries = (rows[out_], cpos[np.searchsorted(cand_ids, ecells[out_])], coefs[out_])
        frees = self._frees_by_blocks(blocks, det, len(cands), entries)
        return self._pick(cells[det], cands, frees, unknown, eq_has_unknown)

    _frees_by_blocks = staticmethod(frees_by_blocks)

    def _determined_by_blocks(
        self, cells: np.ndarray, eqs: np.ndarray, unknown: np.ndarray
    ) -> tuple[np.ndarray, dict | None]:
        """Which cells of a large group the equations determine (boolean over ``cells``), and
        the decomposition used (``None`` when the group was checked whole): see
        :func:`analyse.privacy.system.determined_by_blocks`."""
        rows, ecells, coefs, inside = self._submatrix(eqs, cells, unknown)
        rows, ecells, coefs = rows[inside], np.searchsorted(cells, ecells[inside]), coefs[inside]
        return determined_by_blocks(
            rows,
            ecells,
            coefs,
            len(cells),
            len(eqs),
            block_limit=_BLOCK_LIMIT,
            coupling_limit=_COUPLING_LIMIT,
        )


# --------------------------------------------------------------------------- table -> cells


@dataclass(frozen=True)
class _Spec:
    count_cols: tuple[str, ...]
    grid_cols: tuple[str, ...]  # count columns that add up along a row
    interior_cols: tuple[str, ...]
    n_col: str | None
    stat_bases: dict[str, tuple[str, ...]]
    of_n: tuple[str, ...]
    #: ``(sub, parent)`` count columns: ``sub`` counts some of ``parent``'s persons
    #: (``of_n`` gives ``(k, n_col)``).
    subsets: tuple[tuple[str, str], ...]
    #: ``(total, parts)``: in every row ``total`` is the sum of ``parts`` (count columns).
    row_sums: tuple[tuple[str, tuple[str, ...]], ...]
    margins: Margins
    total_col: str | None
    total_row: Hashable | None
    #: Count columns never published: finer cells (atoms) that published columns are sums of
    #: (``row_sums``), so that a reader's differences between columns are protected.
    hidden_cols: tuple[str, ...] = ()
    #: Whether a statistic is hidden with its ``n_col`` (default) or only when it rests on
    #: fewer than ``min_cell`` persons, on a hidden base count or is forced.
    stats_follow_n: bool = True
    #: The table's count columns as floats (NaN where missing), rows x ``count_cols``.
    counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), compare=False)
    #: Its statistic columns as floats (NaN where missing), rows x ``stat_bases``.
    stats: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), compare=False)


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
    subsets: Mapping[str, str] | None = None,
    row_sums: Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]] | None = None,
    hidden_cols: Sequence[str] = (),
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
    if isinstance(hidden_cols, str):
        raise ConfigError("hidden_cols takes a list of column names, not one string.")
    missing = [c for c in (*count_cols, *of_n, *hidden_cols) if c not in table.columns]
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
    counts += [c for c in hidden_cols if c not in counts]
    bad_hidden = [c for c in hidden_cols if c in grid or c == n_col or c in of_n]
    if bad_hidden:
        raise ConfigError(
            f"hidden_cols {bad_hidden} are published columns (count_cols, n_col or of_n)."
        )
    for c in of_n:
        if c not in counts:
            raise ConfigError(f"of_n column {c!r} must also be in count_cols.")
    if of_n and n_col is None:
        raise ConfigError("of_n needs n_col: the persons the of_n counts are a subset of.")
    pairs = [(c, n_col) for c in of_n]
    for sub, parent in (subsets or {}).items():
        if sub not in counts or parent not in counts:
            raise ConfigError(
                f"subsets pairs must name count columns {counts}; received {sub!r}: {parent!r}."
            )
        if (sub, parent) not in pairs:
            pairs.append((sub, parent))
    sums_ = []
    sum_pairs = (
        (row_sums or {}).items() if isinstance(row_sums, Mapping) or row_sums is None else row_sums
    )
    for tot, parts_ in sum_pairs:
        parts_ = (parts_,) if isinstance(parts_, str) else tuple(parts_)
        bad = [c for c in (tot, *parts_) if c not in counts]
        if bad:
            raise ConfigError(f"row_sums must name count columns {counts}; received {bad}.")
        sums_.append((tot, parts_))
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
    count_values = _check_counts(table, counts, allow_negative)
    stat_values = _numeric_block(table, list(bases))
    if stat_values is None:
        for s in bases:
            if not pd.api.types.is_numeric_dtype(table[s]) and not table[s].isna().all():
                try:
                    pd.to_numeric(table[s])
                except (TypeError, ValueError):
                    raise ConfigError(f"Statistic column {s!r} must be numeric.") from None
        stat_values = _counts_array(table, list(bases))
    return _Spec(
        count_cols=tuple(counts),
        grid_cols=tuple(grid),
        interior_cols=interior,
        n_col=n_col,
        stat_bases=bases,
        of_n=tuple(of_n),
        subsets=tuple(pairs),  # type: ignore[arg-type]
        row_sums=tuple(sums_),
        margins=margins,  # type: ignore[arg-type]
        total_col=total_col,
        total_row=total_row,
        hidden_cols=tuple(hidden_cols),
        counts=count_values,
        stats=stat_values,
    )


def _numeric_block(table: pd.DataFrame, cols: Sequence[str]) -> np.ndarray | None:
    """``table[cols]`` as a float array (NaN for missing) when every column of the table is a
    plain numpy number column; ``None`` otherwise (then the caller converts column by column).
    """
    if not cols:
        return np.zeros((len(table), 0))
    whole = table.to_numpy()  # one block for the usual all-number table
    if whole.dtype.kind not in "iuf":
        return None
    where = {c: i for i, c in enumerate(table.columns)}
    return whole[:, [where[c] for c in cols]].astype(float)


def _counts_array(table: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """Count columns as floats, NaN where missing or not a number (``to_numeric`` coerced)."""
    block = _numeric_block(table, cols)
    if block is not None:
        return block
    out = np.empty((len(table), len(cols)))
    for j, c in enumerate(cols):
        out[:, j] = pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return out


def _check_counts(table: pd.DataFrame, counts: Sequence[str], allow_negative: bool) -> np.ndarray:
    """Refuse count columns that are not whole numbers (of 0 or more); return them as floats."""
    block = _numeric_block(table, counts)
    if block is not None:
        finite = block[~np.isnan(block)]
        if not ((finite < 0).any() and not allow_negative) and not (finite % 1 != 0).any():
            return block  # all whole numbers (the common case, checked in one go)
    for c in counts:
        s = pd.to_numeric(table[c], errors="coerce")
        nonnum = table[c].notna() & s.isna()
        negative = (s.dropna() < 0).any() and not allow_negative
        if nonnum.any() or negative or (s.dropna() % 1 != 0).any():
            raise ConfigError(
                f"Count column {c!r} must hold whole numbers of 0 or more; received "
                f"{table[c].tolist()[:10]}. Pass statistics (means, shares) in stat_cols."
            )
    return _counts_array(table, counts)


def _forced(
    table: pd.DataFrame, spec: _Spec, force: pd.DataFrame | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``force`` (booleans by row label and column; missing: ``False``) as arrays over the
    table's count columns and statistic columns."""
    if force is None:
        return None, None
    if not isinstance(force, pd.DataFrame):
        raise ConfigError(
            f"force must be a DataFrame of booleans by row and column; received {type(force).__name__}."
        )
    f = force.reindex(index=table.index, columns=[*spec.count_cols, *spec.stat_bases])
    f = f.fillna(False).astype(bool).to_numpy()
    k = len(spec.count_cols)
    return f[:, :k], f[:, k:]


def _few(
    table: pd.DataFrame, spec: _Spec, persons: pd.DataFrame | None, min_cell: int
) -> np.ndarray | None:
    """``persons`` (how many persons each count cell rests on, by row label and column;
    missing: the count itself) as a boolean array over the table's count columns: ``True``
    where a cell rests on 1 to ``min_cell - 1`` persons."""
    if persons is None:
        return None
    if not isinstance(persons, pd.DataFrame):
        raise ConfigError(
            f"persons must be a DataFrame of person counts by row and column; received {type(persons).__name__}."
        )
    p = persons.reindex(index=table.index, columns=list(spec.count_cols))
    p = p.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return (p > 0) & (p < min_cell)


def _add_table(
    system: _System,
    key: Hashable,
    table: pd.DataFrame,
    spec: _Spec,
    *,
    derived: bool = False,
    unpublished: bool = False,
    forced: np.ndarray | None = None,
    few: np.ndarray | None = None,
    cost: float = 0.0,
) -> None:
    """Add a table's count cells and its own equations (margins, remainders) to the system.

    Cells are numbered row by row; then the totals published elsewhere (row totals, column
    totals) and the hidden remainders of ``of_n``/``subsets``, each in table order. An
    ``unpublished`` table (the atoms of a group structure) adds hidden cells only, without
    margins or remainders. ``forced``: rows x ``count_cols``, cells to suppress whatever
    their value. ``cost``: what hiding one of the table's published cells costs (τ-ARGUS;
    complements are chosen cheapest first).
    """
    rows = table.index
    cols = spec.count_cols
    n_rows = len(rows)
    col_pos = {c: j for j, c in enumerate(cols)}
    values = spec.counts
    valid = ~np.isnan(values)
    ids = np.full((n_rows, len(cols)), -1, dtype=np.int64)
    is_total = np.zeros((n_rows, len(cols)), dtype=bool)
    if spec.total_col is not None:
        is_total[:, col_pos[spec.total_col]] = True
    tr = rows.get_loc(spec.total_row) if spec.total_row is not None else None
    if tr is not None:
        is_total[tr, :] = True
    for tot, _ in spec.row_sums:
        is_total[:, col_pos[tot]] = True
    if unpublished:
        ids[valid] = system.add_cells(values[valid], hidden=True, derived=derived)
        system.tables[key] = _TableCells(
            ids=ids,
            row_total=np.full(n_rows, -1, dtype=np.int64),
            column_total=np.full(len(cols), -1, dtype=np.int64),
        )
        return
    force = np.zeros_like(valid) if forced is None else forced
    few_ = np.zeros_like(valid) if few is None else few
    hid = np.zeros_like(valid)
    for c in spec.hidden_cols:
        hid[:, col_pos[c]] = True
    ids[valid] = system.add_cells(
        values[valid],
        is_total=is_total[valid],
        derived=derived,
        forced=force[valid] & ~hid[valid],
        few=few_[valid],
        hidden_mask=hid[valid],
        cost=float(cost),
        unmarked=hid[valid],
    )
    filled = np.where(valid, values, 0.0)
    row_total = np.full(n_rows, -1, dtype=np.int64)
    column_total = np.full(len(cols), -1, dtype=np.int64)
    tol = 1e-9
    if spec.margins in ("both", "rows"):
        ic = [col_pos[c] for c in spec.interior_cols]
        parts = ids[:, ic]
        expected = filled[:, ic].sum(axis=1)
        if spec.total_col is not None:
            tc = col_pos[spec.total_col]
            t = ids[:, tc].copy()
            bad = np.flatnonzero((t >= 0) & (np.abs(values[:, tc] - expected) > tol))
            if len(bad):
                r = bad[0]
                raise ConfigError(
                    f"Row {rows[r]!r} of table {key!r}: the total column {spec.total_col!r} holds "
                    f"{values[r, tc]:g} but the count columns add up to {expected[r]:g}."
                )
        else:
            t = np.full(n_rows, -1, dtype=np.int64)
        # A total published elsewhere: a cell of its own, which may have to be hidden.
        need = (t < 0) & (parts >= 0).any(axis=1)
        t[need] = system.add_cells(expected[need], is_total=True, derived=derived, elsewhere=True)
        row_total = np.where(need, t, -1)
        system.add_equations(np.column_stack([parts, t]), np.array([1.0] * len(ic) + [-1.0]))
    if spec.margins in ("both", "columns"):
        groups = list(spec.grid_cols)
        if spec.n_col is not None and spec.n_col not in groups:
            groups.append(spec.n_col)
        gp = [col_pos[c] for c in groups]
        interior = np.ones(n_rows, dtype=bool)
        if tr is not None:
            interior[tr] = False
        parts = ids[interior][:, gp].T  # one row per column group
        expected = filled[interior][:, gp].sum(axis=0)
        if tr is not None:
            t = ids[tr, gp].copy()
            bad = np.flatnonzero((t >= 0) & (np.abs(values[tr, gp] - expected) > tol))
            if len(bad):
                j = bad[0]
                raise ConfigError(
                    f"Column {groups[j]!r} of table {key!r}: the total row {spec.total_row!r} "
                    f"holds {values[tr, gp[j]]:g} but the rows add up to {expected[j]:g}."
                )
        else:
            t = np.full(len(gp), -1, dtype=np.int64)
        need = (t < 0) & (parts >= 0).any(axis=1)
        t[need] = system.add_cells(expected[need], is_total=True, derived=derived, elsewhere=True)
        column_total[np.asarray(gp, dtype=np.int64)[need]] = t[need]
        system.add_equations(
            np.column_stack([parts, t]), np.array([1.0] * int(interior.sum()) + [-1.0])
        )
    for tot, parts_ in spec.row_sums:
        cols_ = [col_pos[c] for c in parts_] + [col_pos[tot]]
        bad = np.flatnonzero(
            np.all(valid[:, cols_], axis=1)
            & (np.abs(values[:, cols_[:-1]].sum(axis=1) - values[:, cols_[-1]]) > tol)
        )
        if len(bad):
            raise ConfigError(
                f"Row {rows[bad[0]]!r} of table {key!r}: {tot!r} is not the sum of {list(parts_)}."
            )
        system.add_equations(ids[:, cols_], np.array([1.0] * len(parts_) + [-1.0]))
    for sub, parent in spec.subsets:
        kp, npos = col_pos[sub], col_pos[parent]
        ok = (ids[:, kp] >= 0) & (ids[:, npos] >= 0)
        rest = values[:, npos] - values[:, kp]
        bad = np.flatnonzero(ok & (rest < 0))
        if len(bad):
            r = bad[0]
            raise ConfigError(
                f"Row {rows[r]!r} of table {key!r}: {sub!r} ({values[r, kp]:g}) is larger than "
                f"{parent!r} ({values[r, npos]:g}), but it counts some of them (of_n/subsets)."
            )
        h = system.add_cells(rest[ok], hidden=True)
        system.add_equations(
            np.column_stack([ids[ok, kp], h, ids[ok, npos]]), np.array([1.0, 1.0, -1.0])
        )
    system.tables[key] = _TableCells(ids=ids, row_total=row_total, column_total=column_total)


@dataclass(frozen=True)
class _ResultParts:
    """Everything a :class:`SuppressedTable` is built from, as arrays (cheap to compute)."""

    index: pd.Index
    columns: pd.Index
    mask: np.ndarray
    primary: np.ndarray
    counts: np.ndarray
    stats: np.ndarray
    others: dict[int, object]  # position -> copy of a column that is neither count nor statistic
    row_total: np.ndarray
    column_total: np.ndarray
    min_cell: int
    count_cols: tuple[str, ...]
    stat_cols: tuple[str, ...]
    status: np.ndarray  # rows x columns, object: see SuppressedTable.status
    lower: np.ndarray  # rows x columns, float (NaN where no bound is stated)
    upper: np.ndarray


def _result_parts(
    system: _System,
    key: Hashable,
    table: pd.DataFrame,
    spec: _Spec,
    suppressed: np.ndarray,
    primary: np.ndarray,
    forced_stats: np.ndarray | None = None,
) -> _ResultParts:
    cells = system.tables[key]
    ids = cells.ids
    if spec.hidden_cols:
        # Unpublished columns are cells of the system, never part of what a report shows.
        keep = [j for j, c in enumerate(spec.count_cols) if c not in spec.hidden_cols]
        ids = ids[:, keep]
        cells = _TableCells(
            ids=ids, row_total=cells.row_total, column_total=cells.column_total[keep]
        )
        table = table.drop(columns=list(spec.hidden_cols))
        spec = replace(
            spec,
            count_cols=tuple(spec.count_cols[j] for j in keep),
            counts=spec.counts[:, keep],
            hidden_cols=(),
        )
    has = ids >= 0
    safe = np.where(has, ids, 0)
    sup = has & suppressed[safe]
    pri = sup & primary[safe]
    columns = table.columns
    where = {c: i for i, c in enumerate(columns)}
    n_rows = len(table)
    mask = np.zeros((n_rows, len(columns)), dtype=bool)
    prim = np.zeros_like(mask)
    cpos = [where[c] for c in spec.count_cols]
    mask[:, cpos] = sup
    prim[:, cpos] = pri
    stat_names = list(spec.stat_bases)
    if stat_names:
        n_values = spec.counts[:, spec.count_cols.index(spec.n_col)]  # type: ignore[arg-type]
        too_few = (n_values < system.min_cell) | np.isnan(n_values)
        present = ~np.isnan(spec.stats)
        for j, (s, bases) in enumerate(spec.stat_bases.items()):
            # A mean of min_cell or more persons is safe whether its n is shown or not (the
            # n of a group hidden for its count structure, not for its values, issue 23).
            lead = (spec.n_col,) if spec.stats_follow_n else ()
            on = [where[c] for c in dict.fromkeys((*lead, *bases))]
            forced_j = forced_stats[:, j] if forced_stats is not None else False
            mask[:, where[s]] = (too_few | mask[:, on].any(axis=1) | forced_j) & present[:, j]
            prim[:, where[s]] = (too_few | prim[:, on].any(axis=1)) & present[:, j]
    known = set(spec.count_cols) | set(stat_names)
    others = {i: table.iloc[:, i].array.copy() for i, c in enumerate(columns) if c not in known}
    row_total = np.where(cells.row_total >= 0, suppressed[np.maximum(cells.row_total, 0)], False)
    column_total = np.where(
        cells.column_total >= 0, suppressed[np.maximum(cells.column_total, 0)], False
    )
    status, lower, upper = _statuses(system, ids, cpos, mask, prim, len(columns))
    return _ResultParts(
        index=table.index,
        columns=columns,
        mask=mask,
        primary=prim,
        status=status,
        lower=lower,
        upper=upper,
        counts=spec.counts,
        stats=spec.stats,
        others=others,
        row_total=row_total,
        column_total=column_total,
        min_cell=system.min_cell,
        count_cols=spec.count_cols,
        stat_cols=tuple(stat_names),
    )


def _statuses(
    system: _System,
    ids: np.ndarray,
    cpos: list[int],
    mask: np.ndarray,
    prim: np.ndarray,
    n_columns: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What each cell shows (``shown``/``primary``/``secondary``/``interval``) and the bounds
    a reader has of each count cell (its value when shown; NaN for other columns)."""
    status = np.full(mask.shape, "shown", dtype=object)
    status[mask] = "secondary"
    status[prim] = "primary"
    lower = np.full(mask.shape, np.nan)
    upper = np.full(mask.shape, np.nan)
    has = ids >= 0
    safe = np.where(has, ids, 0)
    value = system.values()[safe]
    lo = np.where(has, system.lower[safe], np.nan)
    hi = np.where(has, system.upper[safe], np.nan)
    m = system.min_cell
    sub = status[:, cpos]
    hidden = has & mask[:, cpos]
    # A zero hidden as a complement shows ``<5`` (true: 0 is fewer than 5), like a primary.
    sub[hidden & (value == 0) & ~system.derived[safe]] = "primary"
    # A count of min_cell or more resting on fewer persons (relationships of a few
    # residents): "<5" would be untrue of the count, so it shows its own marker.
    sub[hidden & (sub == "primary") & (value >= m) & system.few[safe]] = "persons"
    # A secondary count whose bounds say more than its marker: a true interval.
    lo_w = np.ceil(lo - 1e-7)
    hi_w = np.floor(hi + 1e-7)
    # Only a narrow interval is worth printing ("11 til 15"); a wide one reads as nonsense.
    informative = hidden & (sub == "secondary") & ~system.derived[safe] & (lo_w >= m)
    informative &= np.isfinite(hi_w) & (hi_w - lo_w <= _INTERVAL_WIDTH * (m - 1))
    sub[informative] = "interval"
    status[:, cpos] = sub
    counts = hidden & ~system.derived[safe]  # a hidden difference may be negative
    lower[:, cpos] = np.where(
        counts, np.maximum(lo_w, 0.0), np.where(hidden, lo_w, np.where(has, value, np.nan))
    )
    upper[:, cpos] = np.where(hidden, hi_w, np.where(has, value, np.nan))
    return status, lower, upper


def _build(parts: _ResultParts) -> SuppressedTable:
    """The :class:`SuppressedTable` of one table: counts ``Int64``, statistics ``Float64``."""
    data: dict[Hashable, object] = {}
    count_j = {c: j for j, c in enumerate(parts.count_cols)}
    stat_j = {s: j for j, s in enumerate(parts.stat_cols)}
    for i, c in enumerate(parts.columns):
        if c in count_j:
            v = parts.counts[:, count_j[c]]
            nan = np.isnan(v)
            data[c] = pd.arrays.IntegerArray(
                np.where(nan, 0, v).astype(np.int64), nan | parts.mask[:, i]
            )
        elif c in stat_j:
            v = parts.stats[:, stat_j[c]]
            data[c] = pd.arrays.FloatingArray(v.copy(), np.isnan(v) | parts.mask[:, i])
        else:
            data[c] = parts.others[i].copy()  # type: ignore[attr-defined]
    return SuppressedTable(
        values=pd.DataFrame(data, index=parts.index, columns=parts.columns, copy=False),
        mask=pd.DataFrame(parts.mask.copy(), index=parts.index, columns=parts.columns),
        primary=pd.DataFrame(parts.primary.copy(), index=parts.index, columns=parts.columns),
        min_cell=parts.min_cell,
        count_cols=parts.count_cols,
        stat_cols=parts.stat_cols,
        row_total_suppressed=pd.Series(parts.row_total, index=parts.index, dtype=bool),
        column_total_suppressed=pd.Series(
            parts.column_total, index=list(parts.count_cols), dtype=bool
        ),
        status=pd.DataFrame(parts.status.copy(), index=parts.index, columns=parts.columns),
        lower=pd.DataFrame(parts.lower.copy(), index=parts.index, columns=parts.columns).astype(
            "Float64"
        ),
        upper=pd.DataFrame(parts.upper.copy(), index=parts.index, columns=parts.columns).astype(
            "Float64"
        ),
    )


class SuppressedFamily(Mapping):
    """``{key: SuppressedTable}`` of :func:`suppress_family`, each built on first look-up.

    The suppression pattern of the whole family is computed at once; a report shows one
    table of it, so each :class:`SuppressedTable` (a few pandas frames) is built only when
    it is looked up, then kept. Iterates in the order of the ``tables`` given.
    """

    def __init__(self, parts: dict[Hashable, _ResultParts]) -> None:
        self._parts = parts
        self._built: dict[Hashable, SuppressedTable] = {}

    def __getitem__(self, key: Hashable) -> SuppressedTable:
        if key not in self._built:
            self._built[key] = _build(self._parts[key])
        return self._built[key]

    def __iter__(self):
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)

    def __contains__(self, key: object) -> bool:
        return key in self._parts

    def __repr__(self) -> str:
        return f"SuppressedFamily({list(self._parts)!r})"

    def subset(self, keys: Iterable[Hashable]) -> SuppressedFamily:
        """The tables of ``keys`` only, not yet built: what one report needs (cheap to pickle)."""
        return SuppressedFamily({k: self._parts[k] for k in keys})


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
    subsets: Mapping[str, str] | None = None,
    force: pd.DataFrame | None = None,
    row_sums: Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]] | None = None,
    hidden_cols: Sequence[str] = (),
    persons: pd.DataFrame | None = None,
    stats_follow_n: bool = True,
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
    subsets
        ``{sub: parent}`` count columns where ``sub`` counts some of ``parent``'s persons in
        the same row (*… and only staff are close* of *want more*). The remainder
        ``parent - sub`` is protected like that of ``of_n``, and a published ``sub`` is a
        lower bound of a hidden ``parent`` (a sub-group never shows more than its parent).
    force
        Booleans by row label and column: cells to hide whatever their value (because a
        gate over other tables said so, :func:`suppress_groups`); shown as secondary.
    row_sums
        ``{total: [parts]}`` count columns: in every row ``total`` is the sum of ``parts``
        (relationships before = kept + lost, when ``n × mean`` of another table publishes
        the total). Totals are hidden only as a last resort. A list of ``(total, parts)``
        pairs may name one total several times (``n`` as the sum of two cross-tables).
    hidden_cols
        Count columns that are never published: the finer cells (*atoms*) that published
        columns are sums of through ``row_sums``. Two tables of a report that count the same
        persons (*only staff close* in the key figures, *… want more and only staff close* in
        the needs table) become one table with their cross-classification as hidden
        columns, so that every difference a reader can form is a protected cell. Not in
        the result.
    persons
        Booleans are not enough where a count is not a count of persons: the number of
        persons each count cell rests on, by row label and column (relationships per type:
        the residents they belong to). A cell resting on 1 to ``min_cell - 1`` persons is
        protected as a primary cell, whatever its count; a count of ``min_cell`` or more so
        hidden has status ``"persons"`` (marker :data:`analyse.words.text.PERSONS_MARKER`).
    stats_follow_n
        ``True`` (default): a statistic is hidden whenever its ``n_col`` is. ``False``: only
        when it rests on fewer than ``min_cell`` persons, on a hidden base count, or is
        forced — for a mean whose ``n`` is hidden because the number of persons would give
        away a small count (the residents who did not answer one question), while no sum of
        the same value over another group is published (issue 23).

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
                   P1        P2   n
    site_id
    H1      11 til 15   5 til 9  20
    H2             <5  8 til 12  12
    I alt          15        17  32

    Only the 3 shows ``<5``; the cells hidden to protect it show the true intervals the
    published totals and that ``<5`` already imply (15 minus 0 to 4 is 11 to 15).
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
        subsets=subsets,
        row_sums=row_sums,
        hidden_cols=hidden_cols,
    )
    spec = replace(spec, stats_follow_n=bool(stats_follow_n))
    forced_counts, forced_stats = _forced(table, spec, force)
    system = _System(m, zeros)
    _add_table(system, None, table, spec, forced=forced_counts, few=_few(table, spec, persons, m))
    suppressed, primary = system.solve()
    return _build(_result_parts(system, None, table, spec, suppressed, primary, forced_stats))


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
    subsets: Mapping[str, str] | None = None,
    force: Mapping[Hashable, pd.DataFrame] | None = None,
    unpublished: Iterable[Hashable] = (),
    row_sums: Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]] | None = None,
    hidden_cols: Sequence[str] = (),
    persons: Mapping[Hashable, pd.DataFrame] | None = None,
    stats_follow_n: bool = True,
    cost: Mapping[Hashable, float] | None = None,
) -> SuppressedFamily:
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
        As in :func:`suppress`, the same for every table; so are ``subsets``, ``row_sums``
        and ``hidden_cols``.
    persons
        ``{key: persons by row and column}`` (as :func:`suppress`'s ``persons``).
    stats_follow_n
        As :func:`suppress`'s.
    cost
        ``{key: cost}``: what hiding a cell of that table costs (default 0). Where a small
        cell must be protected, complements are chosen cheapest first (τ-ARGUS), so a small
        site's cell is protected by another cell of a cheap table (a small site's) rather than
        by a large site's answer. Costs order the choice only; they never leave a cell less
        protected.
    force
        ``{key: booleans by row and column}``: cells to hide whatever their value (as
        :func:`suppress`'s ``force``).
    unpublished
        Keys of tables that are never shown: the finest cells (*atoms*) that published tables
        are sums of, e.g. each site × practice when sites and practices are both published
        (``sums={site: [its atoms], practice: [its atoms]}``). Their small cells are
        protected like any other; they are not in the result.

    Returns
    -------
    SuppressedFamily
        A mapping ``{key: SuppressedTable}`` in the order of ``tables``. The pattern of the
        whole family is computed by this call; each table's frames are built when it is
        first looked up (a report shows one table of a family of thousands).

    Notes
    -----
    The result depends only on the tables, not on the order of ``tables``: cells are
    ordered by the string of each key. Each site's report can therefore compute the whole
    family itself (in its own process) and show only its own table; every report of a run
    gets the same suppression pattern.

    Examples
    --------
    Two sites and their overview: the 3 of H2 is hidden, so is the 7 of H1 beside it in the
    overview's column, and a cell of each row to protect them from the row totals. Only the
    3 shows ``<5``; the others show the true intervals the published numbers imply.

    >>> h1 = pd.DataFrame({"pre": [7, 10], "post": [8, 9]}, index=["friend", "staff"])
    >>> h2 = pd.DataFrame({"pre": [3, 12], "post": [6, 11]}, index=["friend", "staff"])
    >>> out = suppress_family({"H1": h1, "H2": h2, "all": h1 + h2}, total="all",
    ...                       count_cols=["pre", "post"], n_col=None)
    >>> out["H2"].display()
                  pre      post
    friend         <5   5 til 9
    staff   11 til 15  8 til 12
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
    hidden_keys = set(unpublished)
    bad = [k for k in hidden_keys if k not in tables]
    if bad:
        raise ConfigError(f"unpublished names tables {bad} that are not keys of tables.")
    force = dict(force or {})
    specs_ = {
        k: _spec(
            tables[k],
            **spec_args,  # type: ignore[arg-type]
            allow_negative=k in derived_keys,
            subsets=subsets,
            row_sums=row_sums,
            hidden_cols=hidden_cols,
        )
        for k in keys
    }
    specs_ = {k: replace(v, stats_follow_n=bool(stats_follow_n)) for k, v in specs_.items()}
    persons = dict(persons or {})
    forced = {k: _forced(tables[k], specs_[k], force.get(k)) for k in keys}
    first = keys[0]
    for k in keys[1:]:
        if set(specs_[k].count_cols) != set(specs_[first].count_cols):
            raise ConfigError(f"Tables {first!r} and {k!r} must have the same count columns.")
    system = _System(m, zeros)
    for k in keys:
        _add_table(
            system,
            k,
            tables[k],
            specs_[k],
            derived=k in derived_keys,
            unpublished=k in hidden_keys,
            forced=forced[k][0],
            few=_few(tables[k], specs_[k], persons.get(k), m),
            cost=float((cost or {}).get(k, 0.0)),
        )
    count_set = specs_[first].count_cols
    values = system.values()

    def ids_of(key: Hashable) -> np.ndarray:
        order = [specs_[key].count_cols.index(c) for c in count_set]
        return system.tables[key].ids[:, order]

    def link(result: Hashable, terms: list[tuple[Hashable, int]]) -> None:
        index = tables[result].index
        res = ids_of(result)
        has = res >= 0
        columns, coefs = [res], [-1.0]
        total_value = np.zeros(res.shape)
        for key, sign in terms:
            pos = tables[key].index.get_indexer(index)
            part = np.where(pos[:, None] >= 0, ids_of(key)[np.maximum(pos, 0)], -1)
            columns.append(part)
            coefs.append(float(sign))
            total_value += sign * np.where(part >= 0, values[np.maximum(part, 0)], 0.0)
        res_value = values[np.maximum(res, 0)]
        bad = np.argwhere(has & (np.abs(total_value - res_value) > 1e-9))
        if len(bad):
            i, j = bad[0]
            raise ConfigError(
                f"Table {result!r}, row {index[i]!r}, column {count_set[j]!r} holds "
                f"{res_value[i, j]:g}, but its parts give {total_value[i, j]:g}."
            )
        # one equation per published cell of the result, row by row: result = sum of parts
        stacked = np.stack([c[has] for c in columns], axis=1)
        system.add_equations(stacked, np.asarray(coefs))
        for key, _ in terms:
            extra = tables[key].index[~tables[key].index.isin(index)]
            if len(extra):
                raise ConfigError(
                    f"Rows {list(extra)} of table {key!r} are missing in table {result!r}."
                )

    for s, parts in relation_sums.items():
        link(s, [(p, 1) for p in parts])
    for result, minuend, subtrahend in differences:
        link(result, [(minuend, 1), (subtrahend, -1)])

    suppressed, primary = system.solve()
    return SuppressedFamily(
        {
            k: _result_parts(system, k, tables[k], specs_[k], suppressed, primary, forced[k][1])
            for k in tables
            if k not in hidden_keys
        }
    )


# --------------------------------------------------------------------------- group structure


def suppress_groups(
    groups: Mapping[Hashable, Iterable[Hashable]],
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    cost: Mapping[Hashable, float] | None = None,
) -> pd.DataFrame:
    """Which groups' numbers must be hidden so that no small set of persons can be isolated.

    Every published statistic of a group — its ``n``, a count of its persons with a trait, a
    mean (``n × mean`` is a sum), a share, a confidence limit (a sum of squares) — is a sum
    over its persons. Two groups that differ by a few persons (a site's 6 assessed residents
    and the 5 of them measured twice; a practice over two sites and one of the sites) give
    those persons' sums by subtraction. What decides it is the group structure, not the
    values: the persons fall into *atoms* (persons that belong to exactly the same groups);
    each group is the sum of its atoms; an atom of 1 to ``min_cell - 1`` persons must not be
    determined by the published groups. This is the gate's own cell system (Gaussian
    elimination with complements, Langsrud 2024; then the linear-programme check), with the
    atoms as never-published cells and each group's ``n`` as a published cell that is their
    sum. A group whose ``n`` is hidden here must show none of its statistics.

    Parameters
    ----------
    groups
        ``{key: persons}``: every group whose statistics a run publishes, with the
        (pseudonymous) ids of the persons each statistic rests on. Use one key per set of
        persons: a statistic over fewer persons (missing answers) is a group of its own.
    min_cell
        See :func:`check_min_cell`.
    cost
        ``{key: cost}``: what hiding a group costs (default 0). Where one of several groups must
        be hidden, the cheapest goes (a site's count of residents in a title before its
        analysis population, on which every table rests). Groups of the very same persons
        are one number and take the highest cost of their keys.

    Returns
    -------
    pandas.DataFrame
        Index: the keys; columns ``n`` (persons), ``suppressed`` (hide the group's ``n`` and
        every statistic of it) and ``primary`` (``n`` is 1 to ``min_cell - 1``).

    Notes
    -----
    Limits: an atom is protected, and so is every set of persons that is the union of atoms
    only where the structure makes it an atom; a sum over several small atoms that the
    groups determine together but not one by one is not checked (the property tests attack
    every atom and pairs of atoms). Persons are compared by id only.

    Examples
    --------
    A site's residents assessed before (6) and those measured twice (5): the one measured
    only once would be the difference, so one of the two groups is hidden.

    >>> out = suppress_groups({"pre": ["a", "b", "c", "d", "e", "f"],
    ...                        "paired": ["a", "b", "c", "d", "e"]})
    >>> out["suppressed"].tolist()
    [False, True]
    """
    m = check_min_cell(min_cell)
    if not isinstance(groups, Mapping):
        raise ConfigError("groups must be a mapping {key: person ids}.")
    keys = list(groups)
    all_members = [pd.unique(pd.Series(list(groups[k]), dtype=object)) for k in keys]
    n_all = np.array([len(x) for x in all_members], dtype=np.int64)
    out = pd.DataFrame(
        {"n": n_all, "suppressed": False, "primary": (n_all > 0) & (n_all < m)},
        index=pd.Index(keys, tupleize_cols=False),
    )
    if not keys or not n_all.any():
        return out
    # Groups of the very same persons are one number: hidden together or shown together.
    same: dict[tuple, int] = {}
    cell_of = np.array(
        [same.setdefault(tuple(sorted(map(str, x))), len(same)) for x in all_members]
    )
    first = np.unique(cell_of, return_index=True)[1]
    members = [all_members[i] for i in first]
    n = n_all[first]
    pairs = pd.DataFrame(
        {
            "person": np.concatenate([np.asarray(x, dtype=object) for x in members]),
            "group": np.repeat(np.arange(len(members)), n),
        }
    )
    pairs = pairs.sort_values(["person", "group"], kind="stable")
    signature = pairs.groupby("person", sort=False)["group"].agg(tuple)
    atom_of, atoms = pd.factorize(signature)
    atom_n = np.bincount(atom_of, minlength=len(atoms))
    # group -> its atoms
    ga = (
        pd.DataFrame({"atom": atom_of, "person": signature.index})
        .merge(pairs, on="person")[["group", "atom"]]
        .drop_duplicates()
        .sort_values(["group", "atom"])
    )
    system = _System(m, "publish", small_hidden_shown=False)
    atom_ids = system.add_cells(atom_n.astype(float), hidden=True)
    costs = np.zeros(len(members))
    if cost:
        each = np.array([float(cost.get(k, 0.0)) for k in keys])
        np.maximum.at(costs, cell_of, each)
    group_ids = system.add_cells(n.astype(float), cost=costs)
    lens = np.bincount(ga["group"].to_numpy(), minlength=len(members))
    system.add_sums(group_ids, atom_ids[ga["atom"].to_numpy()], lens)
    suppressed, primary = system.solve()
    out["suppressed"] = suppressed[group_ids][cell_of]
    out["primary"] = primary[group_ids][cell_of]
    return out


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
    first six form a valid date (:func:`analyse.data.identifiers.find_cpr`).

    Examples
    --------
    >>> [p.code for p in find_leaks("<td>B017</td><td>010190-1234</td>", pseudonyms=["B017"])]
    ['pseudonym', 'cpr_number']
    >>> find_leaks("<td>AB0171</td> 12 borgere", pseudonyms=["B017"])
    []
    """
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
    for m in cpr_matches(clean):
        found.append((m.start(), "cpr_number", _mask_digits(m.group(0))))
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
