"""Building blocks of the report notebooks: sections of tables, figures and sentences.

The notebooks ``botilbud-rapport.ipynb`` (one site) and ``samlet-rapport.ipynb`` (all sites)
are thin: each cell calls one function here and shows what it returns. Every number a
steering-group report shows comes from an aggregate that passed :mod:`analyse.privacy.gate`;
sentences take their numbers from the same suppressed values as the tables; no pseudonym
reaches a steering report (resident-level tables and relationship maps are built only for
``audience="consultant"``). Suppression is computed for the whole family of tables — every
site and the overview, every wave — in each report, so a number hidden in one report cannot
be recovered from another report of the same run.
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from analyse.config import DEFAULT_MIN_CELL, DEFAULT_SEED, Audience, Lang
from analyse.data.dataset import Dataset
from analyse.errors import PrivacyError
from analyse.privacy import gate as privacy
from analyse.words import text

ALL = "all"
TOTAL = "__total__"

# ----------------------------------------------------------------------------- items


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str
    kind: Literal["text", "note", "warning"] = "text"


@dataclass
class Table:
    """A table of a report. Published as a steering table — only a frame the privacy gate
    released (:func:`analyse.render.publish.table_bundle`) — unless ``audience`` is
    ``"consultant"``: the consultants' resident-level working tables, built only in their
    audience (``audience=ctx.audience``)."""

    frame: pd.DataFrame
    name: str
    title: str
    note: str | None = None
    audience: Audience = "steering"


@dataclass
class Figure:
    figure: object
    alt: str = ""


Item = Heading | Paragraph | Table | Figure


def show(items: Iterable[Item]) -> None:
    """Display report items in a notebook (text is escaped: data is never markup)."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    from analyse.render.figures import png_image
    from analyse.render.publish import show_table

    for item in items:
        if isinstance(item, Heading):
            display(HTML(f"<h{item.level}>{html.escape(item.text)}</h{item.level}>"))
        elif isinstance(item, Paragraph):
            css = {"text": "", "note": ' class="nr-note"', "warning": ' class="nr-warning"'}[
                item.kind
            ]
            display(HTML(f"<p{css}>{html.escape(item.text)}</p>"))
        elif isinstance(item, Table):
            show_table(
                item.frame,
                item.name,
                title=item.title,
                note=item.note,
                steering=item.audience != "consultant",
            )
        elif isinstance(item, Figure):
            display(png_image(item.figure))  # laid out and drawn once
            plt.close(item.figure)


# ----------------------------------------------------------------------------- context


@dataclass
class Context:
    """What every section needs: the data, the site (or ``"all"``) and the audience."""

    ds: Dataset
    site: str = ALL
    audience: Audience = "steering"
    lang: Lang = "da"
    min_cell: int = DEFAULT_MIN_CELL
    seed: int = DEFAULT_SEED
    manifest: dict = field(default_factory=dict)
    #: Results shared by every report of a run (families of suppressed tables, indicators ...),
    #: by name. Computed once per run (see :func:`load`), never per report.
    cache: dict = field(default_factory=dict, repr=False)
    #: The report's primary outcome (a key of ``main_results.BETTER``) or None (default): with
    #: None every *bedre*/*værre* of the report is one Holm family; with an outcome only its
    #: statements can conclude and the others are exploratory (docs/statistics.md).
    primary_outcome: str | None = None

    def cached(self, name: str, compute):
        """``compute()`` once per run; later calls (and later reports of the run) reuse it."""
        if name not in self.cache:
            self.cache[name] = compute()
        return self.cache[name]

    @property
    def steering(self) -> bool:
        return self.audience == "steering"

    @property
    def overview(self) -> bool:
        return self.site == ALL

    @property
    def site_name(self) -> str:
        return text.label("all_sites", self.lang) if self.overview else self.site

    @property
    def indicators(self) -> pd.DataFrame:
        from analyse.stats.relations import indicators

        return self.cached("indicators", lambda: indicators(self.ds))

    @cached_property
    def n_residents(self) -> int:
        res = self.ds.residents
        if not self.overview:
            res = res[res["site_id"] == self.site]
        return int(res["resident_id"].nunique())

    @property
    def too_small(self) -> bool:
        """A steering report of a site with fewer than ``min_cell`` residents shows no numbers."""
        return self.steering and privacy.site_too_small(self.n_residents, self.min_cell)

    @property
    def waves(self) -> list[str]:
        """The run's waves (a site report reads only its own site's rows)."""
        return self.cache.get("waves") or self.ds.waves

    def t(self, da: str, en: str) -> str:
        return da if self.lang == "da" else en

    def wave_label(self, wave: str) -> str:
        return text.code_label("relations", "wave", wave, self.lang)




























def check_primary_outcome(primary_outcome: str | None) -> str | None:
    """The report parameter ``primary_outcome``, checked: an outcome of the data contract or None.

    ``None`` (the default): every *bedre*/*værre* of a report is one family, adjusted by Holm.
    An outcome (:data:`analyse.data.schema.OUTCOMES`): only its statements can conclude, the
    others are exploratory (docs/statistics.md).

    Raises
    ------
    ConfigError
        Any other value, with the choices.
    """
    from analyse.data.schema import OUTCOMES
    from analyse.errors import ConfigError

    if primary_outcome is None or primary_outcome in OUTCOMES:
        return primary_outcome
    raise ConfigError(
        f"primary_outcome must be one of {', '.join(OUTCOMES)} or None (no primary outcome: "
        f"Holm over all the report's statements); received {primary_outcome!r}."
    )


# ----------------------------------------------------------------------------- helpers


def _family(
    ctx: Context,
    name: str,
    build_per_site,
    *,
    force=None,
    persons=None,
    unpublished_of=None,
    **kwargs: object,
) -> privacy.SuppressedTable:
    """Suppress a table for every site plus the overview as one family; return this report's.

    ``build_per_site()`` returns ``{site: table, ..., TOTAL: table}``. The whole family is
    computed once per run and shared by all reports (:attr:`Context.cache`), so every report
    shows the same suppression pattern and the cost does not grow with sites × reports.
    ``force(tables)`` returns ``{key: booleans by row and column}`` of cells to hide because
    the run's group structure says so (:func:`_group_gate`). ``persons()`` returns
    ``{key: persons by row and column}`` where a count is not a count of persons
    (relationships: the residents they belong to). ``unpublished_of(tables)`` returns the keys
    whose tables are never shown (their cells stay in the system, protected); for them this
    returns ``None``.
    """

    def compute():
        per_site = build_per_site()
        tables = {s: t for s, t in per_site.items() if s != TOTAL}
        tables[TOTAL] = per_site[TOTAL]
        forced = force(tables) if force is not None else None
        behind = persons() if persons is not None else None
        extra = {"unpublished": unpublished_of(tables)} if unpublished_of is not None else {}
        return privacy.suppress_family(
            tables,
            total=TOTAL,
            min_cell=ctx.min_cell,
            force=forced,
            persons=behind,
            cost={k: _table_cost(ctx, k) for k in tables},
            **extra,
            **kwargs,
        )

    family = ctx.cached(f"family:{name}", compute)
    key = TOTAL if ctx.overview else ctx.site
    if key not in family:  # declared unpublished for this report (see _roles_family)
        return None  # type: ignore[return-value]
    return family[key]


#: A site of fewer residents than this is a *small site* (issue 23 asks every site of at least
#: this many residents to show 90 % of its report): its cells are the cheapest complements.
FULL_SITE = 12


def _site_sizes(ctx: Context) -> dict[str, int]:
    """``{site: residents}`` of the run (every site, not only this report's)."""

    def compute() -> dict[str, int]:
        res = ctx.ds.residents.drop_duplicates("resident_id")
        return {str(k): int(v) for k, v in res.groupby(res["site_id"].astype(str)).size().items()}

    return ctx.cached("site_sizes", compute)


def _table_cost(ctx: Context, key: Hashable) -> float:
    """What hiding a cell of a family's table ``key`` costs (τ-ARGUS chooses the cheapest).

    A small site's cells (fewer than :data:`FULL_SITE` residents, or too small for a report)
    cost 0: a small cell there is protected by another cell of that site where one frees it,
    not by a large site's answer. The overview's cells cost 1 (its totals are chosen after
    the non-totals anyway); a site of :data:`FULL_SITE` or more residents 2. Anything else (a
    practice, an unpublished atom) costs 1.
    """
    if key == TOTAL:
        return 1.0
    size = _site_sizes(ctx).get(str(key))
    if size is None:
        return 1.0
    return 0.0 if size < FULL_SITE else 2.0


def _group_cost(ctx: Context, key: tuple) -> float:
    """What hiding a group of :func:`_groups` costs beyond its kind: 0 for a group of a small
    site (fewer than :data:`FULL_SITE` residents), 4 for every other (a large site's, a
    practice's, all sites'), so a small site's group is protected by another group of a small
    site where one frees it. (Making the overview's and practices' groups cheaper than a large
    site's was tried: the greedy choice then hid the overview's population and, through the
    practices' sums, more large sites, not fewer.)
    """
    site = key[1] if len(key) > 1 else TOTAL
    size = _site_sizes(ctx).get(str(site)) if site != TOTAL else None
    return 0.0 if size is not None and size < FULL_SITE else 4.0


def published_groups(
    ds: Dataset, *, lang: Lang = "da", min_cell: int = DEFAULT_MIN_CELL, seed: int = DEFAULT_SEED
) -> dict[tuple, np.ndarray]:
    """Every group of residents whose numbers a steering run of ``ds`` publishes, with its
    residents (:func:`_groups`): what :mod:`analyse.privacy.releases` records across runs."""
    return _groups(Context(ds, ALL, "steering", lang, min_cell, seed))




def analysis_population(ctx: Context) -> np.ndarray:
    """The residents every steering table of the trial rests on: one population per site.

    With both waves: the residents assessed before *and* after. Key figures, relationship
    types, needs, relationships kept/gained/lost and the trial's before/after tables all count
    these residents, so that a dropout does not make two published groups differ by a few
    persons (every such difference would have to be hidden, with everything computed from
    it; issue 23). A missing answer leaves the resident in the population; the outcome's
    row rests on those who answered it both times (its ``n`` may then be shown as an
    interval, its means are shown: no other sum of that outcome is published). With one
    wave: every resident assessed. Cached for the run.

    Returns
    -------
    numpy.ndarray
        The residents' ids (strings), sorted.
    """

    def compute() -> np.ndarray:
        ind = ctx.indicators
        assessed = ind["resident_id"].astype(str)
        if not {"pre", "post"} <= set(ctx.waves):
            return np.sort(assessed.unique())
        waves = ind["wave"].astype(str)
        both = assessed[waves.isin(["pre", "post"])].groupby(waves).unique()
        return np.sort(np.intersect1d(both.get("pre", []), both.get("post", [])).astype(str))

    return ctx.cached("population", compute)


def _in_population(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (with ``resident_id``) of :func:`analysis_population`."""
    return frame[frame["resident_id"].astype(str).isin(analysis_population(ctx))]


def shown_share(cache: dict, site: str) -> dict[str, object]:
    """How much of one report's gated tables is shown: cells and the share shown exactly.

    Counts every count and statistic cell with a value in the report's table of every
    suppressed family of the run (``site``: a site code or :data:`ALL`), and whether the
    report's main answer — the change in loneliness from before to after of the trial table
    (this site's, or all sites' for the overview) — is shown.

    Returns
    -------
    dict
        ``cells`` (int), ``shown`` (int), ``share`` (float, 1.0 when there are no cells),
        ``main_answer`` (bool or ``None`` when the run has no trial table).
    """
    key = TOTAL if site == ALL else site
    cells = shown = 0
    for name, family in cache.items():
        if not name.startswith("family:") or key not in family:
            continue
        parts = family._parts[key] if hasattr(family, "_parts") else None
        if parts is None:
            continue
        has = np.concatenate([~np.isnan(parts.counts), ~np.isnan(parts.stats)], axis=1)
        where = {c: i for i, c in enumerate(parts.columns)}
        cols = [where[c] for c in (*parts.count_cols, *parts.stat_cols)]
        status = parts.status[:, cols]
        cells += int(has.sum())
        shown += int(((status == "shown") & has).sum())
    main = None
    trial = cache.get("family:trial")
    if trial is not None and key in trial:
        st = trial[key]
        if "loneliness" in st.values.index and "mean_diff" in st.values.columns:
            main = bool(
                st.status.at["loneliness", "mean_diff"] == "shown"
                and not pd.isna(st.values.at["loneliness", "mean_diff"])
            )
    return {
        "cells": cells,
        "shown": shown,
        "share": shown / cells if cells else 1.0,
        "main_answer": main,
    }


# ----------------------------------------------------------------------------- group gate


def _members(frame: pd.DataFrame, sites: Sequence[str]) -> dict[str, np.ndarray]:
    """The resident ids of ``frame`` per site, and of all sites (TOTAL)."""
    ids = frame["resident_id"].astype(str).to_numpy()
    rows = (
        pd.Series(np.arange(len(frame)))
        .groupby(frame["site_id"].astype(str).to_numpy(), sort=False)
        .indices
    )
    empty = np.array([], dtype=np.int64)
    out = {str(s): ids[rows.get(str(s), empty)] for s in sites}
    out[TOTAL] = ids
    return out


def _groups(ctx: Context) -> dict[tuple, np.ndarray]:
    """Every group of residents whose numbers a run publishes, with its residents.

    ``("residents", site)``: the site's residents (the title says how many);
    ``("wave", site, wave)``: residents assessed in a wave (key figures, relation types,
    needs); ``("paired", site)``: assessed in both waves (relationships kept, gained, lost);
    ``("trial", site, value)``: complete before/after pairs of one measure, per site, per
    practice (``("practice", code)`` as the site) and for all sites (TOTAL).
    """
    ds, sites = ctx.ds, [str(s) for s in ctx.ds.sites]
    groups: dict[tuple, np.ndarray] = {}
    res = ds.residents.drop_duplicates("resident_id")
    for site, ids in _members(res, sites).items():
        groups[("residents", site)] = ids
    ind = _in_population(ctx, ctx.indicators)
    ind = ind.assign(site_id=ind["site_id"].astype(str), wave=ind["wave"].astype(str))
    for wave in ("pre", "post"):
        for site, ids in _members(ind[ind["wave"] == wave], sites).items():
            groups[("wave", site, wave)] = ids
    if {"pre", "post"} <= set(ctx.waves):
        for site, ids in _members(_turnover_frame(ctx), sites).items():
            groups[("paired", site)] = ids
        long = ctx.cached("trial_long", lambda: _trial_long(ctx))
        long = long[long["wave"].astype(str).isin(["pre", "post"])]
        for value in TRIAL_VALUES:
            have = long[long[value].notna()]
            both = have.groupby("resident_id")["wave"].nunique()
            pairs = have[have["resident_id"].isin(both.index[both == 2])]
            pairs = pairs.drop_duplicates("resident_id")
            for site, ids in _members(pairs, sites).items():
                groups[("trial", site, value)] = ids
            for code, part in pairs.groupby(pairs["practice"].astype(str), sort=False):
                groups[("trial", ("practice", code), value)] = (
                    part["resident_id"].astype(str).to_numpy()
                )
    return groups


def _group_gate(ctx: Context) -> pd.Series:
    """``{group key: hide}``: groups whose numbers (n, counts, means, shares, limits) must be
    hidden so that no few residents can be isolated by subtracting one published group from
    others — across every table and report of the run (:func:`analyse.privacy.gate.suppress_groups`).
    """
    return ctx.cached(
        "group_gate",
        lambda: _suppress_groups(ctx),
    )


def _suppress_groups(ctx: Context) -> pd.Series:
    groups = _groups(ctx)
    # A title's count of residents is cheapest, then the n of an outcome's row (its means
    # stay, see _value_gate); the analysis population (every table) costs most.
    # Before that, the site's size: a small site's groups are the cheapest complements (see
    # _table_cost), so a small site is not protected by hiding a large site's population.
    cost = {
        k: {"residents": 0.0, "trial": 0.5}.get(k[0], 1.0) + _group_cost(ctx, k)
        for k in groups
    }
    return privacy.suppress_groups(groups, min_cell=ctx.min_cell, cost=cost)["suppressed"]


#: Values whose sums the key figures and turnover tables publish over the analysis population
#: too (relationships not with staff; relationships per resident are kept + lost ...).
_POPULATION_VALUES = ("n_nonstaff", "n_gives")


def _value_gate(ctx: Context) -> pd.Series:
    """``{(value, group key): hide}``: groups whose *means of one value* must be hidden.

    A mean is a sum of one value over a group's persons: two groups give a few persons' sum
    by subtraction only if the same value is summed over both. So each value has its own
    group structure: loneliness and satisfaction only the trial's groups (sites, practices,
    all sites); relationships also the analysis population's key figures and turnover. The
    number of persons of a group is checked by :func:`_group_gate` (its ``n`` may be hidden
    while its means are shown).
    """

    def compute() -> pd.Series:
        groups = _groups(ctx)
        parts = []
        for value in TRIAL_VALUES:
            mine = {k: v for k, v in groups.items() if k[0] == "trial" and k[-1] == value}
            if value in _POPULATION_VALUES:
                mine |= {k: v for k, v in groups.items() if k[0] in ("wave", "paired")}
            if not mine:
                continue
            cost = {k: _group_cost(ctx, k) for k in mine}
            out = privacy.suppress_groups(mine, min_cell=ctx.min_cell, cost=cost)["suppressed"]
            out.index = pd.Index([(value, k) for k in out.index], tupleize_cols=False)
            parts.append(out)
        return pd.concat(parts) if parts else pd.Series(dtype=bool)

    return ctx.cached("value_gate", compute)


def _force_trial(ctx: Context, tables: dict, key_of) -> dict:
    """Trial tables' cells to hide: ``n`` where the run's count structure hides the group
    (:func:`_group_gate`), the means where the value's own structure does (:func:`_value_gate`).
    ``key_of(site, value)`` gives the group key (``None``: no group)."""
    gate, values = _group_gate(ctx), _value_gate(ctx)
    out = {}
    for site, table in tables.items():
        keys = [key_of(site, v) for v in table.index]
        hide_n = np.array([k is not None and bool(gate.get(k, False)) for k in keys])
        hide_v = np.array(
            [
                k is not None and bool(values.get((v, k), False))
                for v, k in zip(table.index, keys, strict=True)
            ]
        )
        if hide_n.any() or hide_v.any():
            frame = pd.DataFrame(
                np.repeat(hide_v[:, None], table.shape[1], axis=1),
                index=table.index,
                columns=table.columns,
            )
            if "n" in frame.columns:
                frame["n"] = hide_n | hide_v
            out[site] = frame
    return out


def group_hidden(ctx: Context, key: tuple) -> bool:
    """Whether the run's group gate hides the numbers of group ``key`` (see :func:`_groups`)."""
    gate = _group_gate(ctx)
    return bool(gate.get(key, False))


def _force_rows(ctx: Context, tables: dict, key_of) -> dict:
    """Hide whole rows (or, with ``key_of`` returning a column name first, whole columns) of
    the family's tables whose group the gate hides. ``key_of(site, row)`` gives the group key
    of a table row (``None``: no group)."""
    gate = _group_gate(ctx)
    out = {}
    for site, table in tables.items():
        hide = np.array([bool(gate.get(key_of(site, r), False)) for r in table.index])
        if hide.any():
            out[site] = pd.DataFrame(
                np.repeat(hide[:, None], table.shape[1], axis=1),
                index=table.index,
                columns=table.columns,
            )
    return out


def _by_site(frame: pd.DataFrame, build, sites: Sequence[str]) -> dict[str, pd.DataFrame]:
    """``build(subframe)`` for every site and for all sites together (key TOTAL)."""
    rows = frame.groupby(frame["site_id"].astype(str), sort=False).indices
    empty = np.array([], dtype=np.int64)
    out = {s: build(frame.iloc[rows.get(str(s), empty)]) for s in sites}
    out[TOTAL] = build(frame)
    return out


def _relabel(
    display: pd.DataFrame, columns: dict[str, str], index_name: str, index_labels=None
) -> pd.DataFrame:
    frame = display.rename(columns=columns)
    if index_labels is not None:
        frame.index = [index_labels(i) for i in frame.index]
    frame.index.name = index_name
    return frame.reset_index()


def gives_asked(ds: Dataset) -> bool:
    """Whether the data answer "does the resident give in this relationship".

    A Network Canvas protocol may never ask it (``not_asked = true`` in the import mapping):
    then every ``resident_gives`` is empty, and a report shows "not asked" where a figure on
    giving would stand, never a figure computed from empty answers.
    """
    gives = ds.relations["resident_gives"]
    return len(gives) == 0 or bool(gives.notna().any())


def _not_asked_text(ctx: Context) -> str:
    return ctx.t("ikke spurgt", "not asked")


def _mark_not_asked(
    ctx: Context, display: pd.DataFrame, *, columns: Sequence[str] = (), row: str | None = None
) -> pd.DataFrame:
    """``display`` with its cells on giving (``columns``, or the row labelled ``row``) shown as
    "not asked" when the question was not asked (:func:`gives_asked`)."""
    if gives_asked(ctx.ds):
        return display
    display = display.astype(object)
    for c in columns:
        if c in display.columns:
            display[c] = _not_asked_text(ctx)
    if row is not None:
        hit = display.iloc[:, 0].astype(str).eq(row).to_numpy()
        display.loc[hit, display.columns[1:]] = _not_asked_text(ctx)
    return display


def _fmt(value: object, lang: Lang, decimals: int = 1) -> str:
    return text.fmt_number(value, decimals, lang)


def _scope(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    return frame if ctx.overview else frame[frame["site_id"] == ctx.site]


# ----------------------------------------------------------------------------- title


def title(ctx: Context) -> list[Item]:
    """Heading, who the report is for, and the data it rests on."""
    if ctx.overview:
        head = text.label("report_overview", ctx.lang)
    else:
        head = f"{text.label('report_site', ctx.lang)} {ctx.site}"
    items: list[Item] = [Heading(f"Nære relationer – {head}", 1)]
    if ctx.steering:
        items.append(
            Paragraph(
                ctx.t(
                    "Rapporten er til styregruppen. Den viser kun samlede tal; grupper med færre end "
                    f"{ctx.min_cell} personer er skjult, så ingen kan genkendes.",
                    "This report is for the steering group. It shows aggregates only; groups of fewer "
                    f"than {ctx.min_cell} persons are hidden so that no one can be recognised.",
                ),
                "note",
            )
        )
    else:
        items.append(
            Paragraph(
                ctx.t(
                    "Konsulentudgave: rapporten indeholder oplysninger om enkelte borgere (pseudonymer). "
                    "Den må ikke deles med styregruppen.",
                    "Consultant edition: this report holds information on individual residents "
                    "(pseudonyms). Do not share it with the steering group.",
                ),
                "warning",
            )
        )
    n_sites = len(ctx.ds.sites) if ctx.overview else 1
    if ctx.too_small:
        items.append(Paragraph(text.site_too_small_sentence(ctx.site, ctx.min_cell, ctx.lang)))
    elif ctx.overview:
        items.append(
            Paragraph(
                ctx.t(
                    f"Rapporten samler {text.count_phrase(n_sites, 'site', ctx.lang)} med "
                    f"{text.count_phrase(ctx.n_residents, 'resident', ctx.lang)}.",
                    f"The report covers {text.count_phrase(n_sites, 'site', ctx.lang)} with "
                    f"{text.count_phrase(ctx.n_residents, 'resident', ctx.lang)}.",
                )
            )
        )
    elif group_hidden(ctx, ("residents", str(ctx.site))):
        # The number would let a reader subtract another published group (issue 15).
        items.append(
            Paragraph(
                ctx.t(
                    f"Botilbud {ctx.site} er med i udviklingsforløbet. Hvor mange borgere "
                    "botilbuddet har i alt, vises ikke, så det ikke kan bruges til at regne tal om "
                    "få borgere ud; hvert tal nedenfor siger selv, hvor mange borgere det bygger på.",
                    f"Site {ctx.site} takes part in the development process. How many residents the "
                    "site has in all is not shown, so that it cannot be used to work out numbers on "
                    "a few residents; each number below says how many residents it rests on.",
                )
            )
        )
    else:
        items.append(
            Paragraph(
                ctx.t(
                    f"Botilbud {ctx.site} har {text.count_phrase(ctx.n_residents, 'resident', ctx.lang)} med i "
                    "udviklingsforløbet.",
                    f"Site {ctx.site} has {text.count_phrase(ctx.n_residents, 'resident', ctx.lang)} in the "
                    "development process.",
                )
            )
        )
    return items


def _too_small(ctx: Context) -> list[Item]:
    return [
        Paragraph(
            ctx.t(
                "Ingen tal for dette botilbud, så ingen kan genkendes (se indledningen).",
                "No numbers for this site, so that no one can be recognised (see the introduction).",
            )
        )
    ]


# ----------------------------------------------------------------------------- kortlægning

KEY_COUNTS = ("close_nonstaff", "gives_any", "only_staff_close")
KEY_STATS = ("mean_relations", "mean_nonstaff")


def key_figures(ind: pd.DataFrame) -> pd.DataFrame:
    """Per wave: residents assessed, counts of residents with each trait, mean network sizes."""
    return _key_figures_finish(_key_figures_raw(ind, []))


def _key_figures_raw(ind: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    waves = ["pre", "post"]
    ind = ind[ind["wave"].isin(waves)]
    frame = pd.DataFrame(
        {
            **{k: ind[k].astype(str) for k in by},
            "wave": ind["wave"].astype(str),
            "close_nonstaff": (ind["n_close_nonstaff"] > 0).astype(int),
            "gives_any": ind["gives_any"].astype(int),
            "only_staff_close": ind["only_staff_close"].astype(int),
            "n_relations": ind["n_relations"],
            "n_nonstaff": ind["n_nonstaff"],
        }
    )
    grouped = frame.groupby([*by, "wave"], sort=False)
    return pd.DataFrame(
        {
            "n": grouped.size(),
            "close_nonstaff": grouped["close_nonstaff"].sum(),
            "gives_any": grouped["gives_any"].sum(),
            "only_staff_close": grouped["only_staff_close"].sum(),
            "mean_relations": grouped["n_relations"].mean(),
            "mean_nonstaff": grouped["n_nonstaff"].mean(),
        }
    )


def _key_figures_finish(table: pd.DataFrame) -> pd.DataFrame:
    waves = ["pre", "post"]
    table = table.reindex([w for w in waves if w in table.index] or waves)
    counts = ["n", *KEY_COUNTS]
    table[counts] = table[counts].fillna(0).astype(int)
    table.index.name = "wave"
    return table


def _split_sites(raw: pd.DataFrame, finish, sites: Sequence[str], whole: pd.DataFrame) -> dict:
    """Per-site tables from one grouped table (site as the first index level), plus TOTAL."""
    parts = {str(s): t.droplevel(0) for s, t in raw.groupby(level=0, sort=False)}
    empty = raw.iloc[:0].droplevel(0)
    out = {s: finish(parts.get(str(s), empty)) for s in sites}
    out[TOTAL] = whole
    return out


#: Never-published cells of the key-figures-and-needs table: the cross-classification of
#: wanting more (before) with the key figures' traits, so that Nøgletal's *only staff close*
#: minus Behov's *… want more and only staff close* is a protected cell of one gate solve.
_KEY_NEEDS_ATOMS = (
    "osc_not_wm",
    "cn_wm",
    "cn_not_wm",
    "gives_wm",
    "gives_not_wm",
    "none_not_wm",
)
_KEY_NEEDS_SUMS = (
    ("n", ("close_nonstaff", "only_staff_close")),
    ("only_staff_close", ("wants_more_only_staff_close", "osc_not_wm")),
    ("close_nonstaff", ("cn_wm", "cn_not_wm")),
    ("wants_more", ("wants_more_only_staff_close", "cn_wm")),
    ("gives_any", ("gives_wm", "gives_not_wm")),
    ("wants_more", ("wants_more_gives_none", "gives_wm")),
    ("n", ("wants_more_gives_none", "gives_wm", "gives_not_wm", "none_not_wm")),
)


def _key_needs_raw(ind: pd.DataFrame, outcomes: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Key figures per wave with the needs counts (before) and their never-published
    cross-classification (:data:`_KEY_NEEDS_ATOMS`) as columns; needs are ``NaN`` after."""
    table = _key_figures_raw(ind, by)
    pre = ind[ind["wave"] == "pre"].merge(
        outcomes[outcomes["wave"] == "pre"][["resident_id", "wants_more"]],
        on="resident_id",
        how="left",
    )
    wm = pre["wants_more"].astype(str).eq("yes").to_numpy()
    osc = pre["only_staff_close"].astype(bool).to_numpy()
    gives = pre["gives_any"].astype(bool).to_numpy()
    flags = pd.DataFrame(
        {
            **{k: pre[k].astype(str).to_numpy() for k in by},
            "wave": "pre",
            "wants_more": wm,
            "wants_more_only_staff_close": wm & osc,
            "wants_more_gives_none": wm & ~gives,
            "wants_more_no_frequent": wm & (pre["n_frequent"] == 0).to_numpy(),
            "osc_not_wm": ~wm & osc,
            "cn_wm": wm & ~osc,
            "cn_not_wm": ~wm & ~osc,
            "gives_wm": wm & gives,
            "gives_not_wm": ~wm & gives,
            "none_not_wm": ~wm & ~gives,
        }
    )
    extra = flags.groupby([*by, "wave"], sort=False).sum().astype(float)
    return table.join(extra, how="left")


def _key_needs_finish(table: pd.DataFrame) -> pd.DataFrame:
    extra = [c for c in (*NEED_COUNTS, *_KEY_NEEDS_ATOMS) if c in table.columns]
    out = _key_figures_finish(table)
    if "pre" in out.index:
        out.loc["pre", extra] = out.loc["pre", extra].fillna(0)
    return out


def key_needs_family(ctx: Context) -> privacy.SuppressedTable:
    """Nøgletal and Behov as one table of one gate solve (they count the same residents
    before the trial); returns this report's gated table, with the needs columns."""
    outcomes = ctx.ds.outcomes

    def build():
        return _split_sites(
            _key_needs_raw(_in_population(ctx, ctx.indicators), outcomes, ["site_id"]),
            _key_needs_finish,
            ctx.ds.sites,
            _key_needs_finish(_key_needs_raw(_in_population(ctx, ctx.indicators), outcomes, [])),
        )

    return _family(
        ctx,
        "key_figures",
        build,
        count_cols=[*KEY_COUNTS, *NEED_COUNTS],
        n_col="n",
        stat_cols=list(KEY_STATS),
        of_n=[*KEY_COUNTS, *NEED_COUNTS],
        subsets={c: "wants_more" for c in NEED_COUNTS[1:]},
        hidden_cols=list(_KEY_NEEDS_ATOMS),
        row_sums=list(_KEY_NEEDS_SUMS),
        margins="none",
        force=lambda tables: _force_rows(ctx, tables, lambda site, wave: ("wave", site, wave)),
    )


def kortlaegning(ctx: Context) -> list[Item]:
    """Step 1: how many relationships, with whom, how close — and does the resident give."""
    items: list[Item] = [Heading(text.label("section_mapping", ctx.lang))]
    if ctx.too_small:
        return items + _too_small(ctx)
    st = _columns(key_needs_family(ctx), ["n", *KEY_COUNTS, *KEY_STATS])
    labels = {
        "n": text.label("n_residents", ctx.lang),
        "close_nonstaff": text.label("close_nonstaff", ctx.lang),
        "gives_any": text.label("gives", ctx.lang),
        "only_staff_close": ctx.t("Kun personale tæt på", "Only staff close"),
        "mean_relations": ctx.t(
            "Relationer pr. borger (gns.)", "Relationships per resident (mean)"
        ),
        "mean_nonstaff": ctx.t("Heraf ikke personale (gns.)", "Of which not staff (mean)"),
    }
    display = _relabel(st.display(ctx.lang), labels, text.label("wave", ctx.lang), ctx.wave_label)
    display = _mark_not_asked(ctx, display, columns=[labels["gives_any"]])
    if not gives_asked(ctx.ds):
        items.append(
            Paragraph(
                ctx.t(
                    "Om borgeren giver noget i sine relationer, blev ikke spurgt i denne "
                    "dataindsamling; tallene om at give vises som »ikke spurgt«.",
                    "Whether the resident gives in their relationships was not asked in this "
                    "data collection; the figures on giving are shown as 'not asked'.",
                ),
                "note",
            )
        )
    # Sentences from the same suppressed values the table shows.
    values = st.values
    for wave in values.index:
        k, n = values.at[wave, "close_nonstaff"], values.at[wave, "n"]
        interval = st.status.at[wave, "close_nonstaff"] == "interval"
        sentence = text.sentence_close_nonstaff(
            ctx.site_name,
            _na(k),
            _na(n),
            ctx.lang,
            min_cell=ctx.min_cell,
            k_lower=_na(st.lower.at[wave, "close_nonstaff"]) if interval else None,
        )
        if ctx.overview:
            sentence = sentence.replace(
                f"I botilbud {ctx.site_name}", "I alle botilbud tilsammen"
            ).replace(f"In site {ctx.site_name}", "Across all sites")
        items.append(Paragraph(f"{ctx.wave_label(wave).capitalize()}: {sentence}"))
    items.append(
        Table(
            display,
            "noegletal",
            ctx.t("Nøgletal om borgernes relationer", "Key figures on residents' relationships"),
            note=st.note(ctx.lang),
        )
    )
    items += _composition(ctx)
    items += _turnover(ctx)
    if not ctx.steering:
        items += _consultant_residents(ctx)
    return items


def _na(v: object) -> object:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def composition(ind_rel: pd.DataFrame) -> pd.DataFrame:
    """Relationships by alter type (rows) and wave (columns)."""
    return _composition_finish(_composition_raw(ind_rel, []))


def _composition_raw(rel: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    rel = rel[rel["wave"].isin(["pre", "post"])]
    keys = [rel[k].astype(str) for k in by]
    return (
        rel.groupby([*keys, rel["alter_type"].astype(str), rel["wave"].astype(str)], sort=False)
        .size()
        .unstack("wave")
    )


def _composition_persons_raw(rel: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Residents behind each cell of :func:`_composition_raw` (relationships of a type in a
    wave belong to these residents; they, not the relationships, count toward the threshold)."""
    rel = rel[rel["wave"].isin(["pre", "post"])]
    keys = [rel[k].astype(str) for k in by]
    return (
        rel.groupby([*keys, rel["alter_type"].astype(str), rel["wave"].astype(str)], sort=False)[
            "resident_id"
        ]
        .nunique()
        .unstack("wave")
    )


#: Rare relationship types that the gated table shows together with a coarser type (table
#: redesign, Hundepool et al. 2024, ch. 5): a partner or a volunteer is a relationship of one to
#: four residents in nearly every site, so their own rows would be mostly ``<5`` and hide
#: their neighbours as complements. The consultants' resident-level views keep every type.
COARSER_TYPES = {"partner": "family", "volunteer": "community"}


def _coarse_types(rel: pd.DataFrame) -> pd.DataFrame:
    """``rel`` with the rare relationship types folded into their coarser type
    (:data:`COARSER_TYPES`)."""
    kinds = rel["alter_type"].astype(str)
    return rel.assign(alter_type=kinds.replace(COARSER_TYPES))


def composition_label(code: str, lang: Lang = "da") -> str:
    """The label of a row of the relationship-type table: a type, or a type with the rare
    types folded into it (*Familie og kæreste*)."""
    own = text.code_label("relations", "alter_type", code, lang)
    folded = [c for c, into in COARSER_TYPES.items() if into == code]
    if not folded:
        return own
    word = " og " if lang == "da" else " and "
    rest = [text.code_label("relations", "alter_type", c, lang).lower() for c in folded]
    return own + word + word.join(rest)


def _composition_finish(table: pd.DataFrame) -> pd.DataFrame:
    from analyse.data.schema import table_spec

    types = [
        t
        for t in table_spec("relations").column("alter_type").code_values
        if t not in COARSER_TYPES
    ]
    waves = ["pre", "post"]
    table = table.reindex(index=types, columns=waves, fill_value=0).fillna(0).astype(int)
    table.index.name = "alter_type"
    table.columns.name = None
    return table


def _composition(ctx: Context) -> list[Item]:
    def build():
        rel = _coarse_types(_in_population(ctx, ctx.ds.relations)).merge(
            ctx.ds.residents[["resident_id", "site_id"]], on="resident_id"
        )
        return _split_sites(
            _composition_raw(rel, ["site_id"]), _composition_finish, ctx.ds.sites, composition(rel)
        )

    def force(tables):
        gate = _group_gate(ctx)
        out = {}
        for site, table in tables.items():
            cols = [w for w in table.columns if gate.get(("wave", site, w), False)]
            if cols:
                out[site] = pd.DataFrame({c: c in cols for c in table.columns}, index=table.index)
        return out

    def persons():
        rel = _coarse_types(_in_population(ctx, ctx.ds.relations)).merge(
            ctx.ds.residents[["resident_id", "site_id"]], on="resident_id"
        )
        return _split_sites(
            _composition_persons_raw(rel, ["site_id"]),
            _composition_finish,
            ctx.ds.sites,
            _composition_finish(_composition_persons_raw(rel, [])),
        )

    st = _family(
        ctx,
        "composition",
        build,
        count_cols=["pre", "post"],
        n_col=None,
        margins="columns",
        force=force,
        persons=persons,
    )
    labels = {w: ctx.wave_label(w) for w in ("pre", "post")}
    display = _relabel(
        st.display(ctx.lang),
        labels,
        text.column_label("relations", "alter_type", ctx.lang),
        lambda c: composition_label(c, ctx.lang),
    )
    items: list[Item] = [
        Heading(
            ctx.t("Hvem er borgerne i relation med?", "Who are the residents' relationships with?"),
            3,
        ),
        Table(
            display,
            "relationstyper",
            ctx.t("Antal relationer efter relationstype", "Relationships by type"),
            note=st.note(ctx.lang),
        ),
    ]
    if _nothing_to_draw(st.values):
        items.append(
            Paragraph(
                ctx.t(
                    "Der er ingen figur over relationstyperne, fordi alle tal i den er skjult.",
                    "There is no figure of the relationship types, because every number in it is hidden.",
                )
            )
        )
        return items
    items.append(
        Figure(
            _bars(
                st.values,
                ctx,
                title=ctx.t("Relationer efter type", "Relationships by type"),
                label=lambda c: composition_label(c, ctx.lang),
                marks=st.display(ctx.lang),
            )
        )
    )
    return items


def _columns(
    st: privacy.SuppressedTable, cols: Sequence[str], rows: Sequence[Hashable] | None = None
) -> privacy.SuppressedTable:
    """The columns ``cols`` (and rows ``rows``) of a gated table, as a gated table."""
    import dataclasses

    rows = list(st.values.index) if rows is None else list(rows)

    def cut(frame):
        return frame.loc[rows, list(cols)]

    return dataclasses.replace(
        st,
        values=cut(st.values),
        mask=cut(st.mask),
        primary=cut(st.primary),
        count_cols=tuple(c for c in st.count_cols if c in cols),
        stat_cols=tuple(c for c in st.stat_cols if c in cols),
        row_total_suppressed=st.row_total_suppressed.loc[rows],
        column_total_suppressed=st.column_total_suppressed.loc[
            [c for c in st.column_total_suppressed.index if c in cols]
        ],
        status=cut(st.status),
        lower=cut(st.lower),
        upper=cut(st.upper),
    )


def _nothing_to_draw(values: pd.DataFrame) -> bool:
    """True when every cell a bar chart would draw is hidden or zero: draw no empty chart."""
    numbers = values.apply(pd.to_numeric, errors="coerce").astype(float).to_numpy()
    return bool(np.nan_to_num(numbers).sum() == 0)


def _bars(
    values: pd.DataFrame, ctx: Context, *, title: str, label, marks: pd.DataFrame | None = None
) -> object:
    """Grouped bars of a suppressed table (hidden cells drawn as no bar, marked with what the
    table shows for them: ``marks``, the table's :meth:`~analyse.privacy.gate.SuppressedTable.display`;
    ``<5`` when not given)."""
    from matplotlib.figure import Figure as MplFigure

    from analyse.render.figures import number_axis, theme_context

    # The module's theme for this figure only (not set globally), outside pyplot's registry.
    with theme_context():
        fig = MplFigure(figsize=(8, 3.6), layout="tight")
        ax = fig.subplots()
        rows = list(values.index)
        cols = list(values.columns)
        width = 0.8 / max(len(cols), 1)
        x = np.arange(len(rows))
        for j, col in enumerate(cols):
            heights = pd.to_numeric(values[col], errors="coerce").astype(float).to_numpy()
            pos = x + (j - (len(cols) - 1) / 2) * width
            ax.bar(pos, np.nan_to_num(heights), width, label=ctx.wave_label(col))
            for i, (p, h) in enumerate(zip(pos, heights, strict=True)):
                if np.isnan(h):
                    mark = f"<{ctx.min_cell}" if marks is None else str(marks.iat[i, j])
                    ax.text(p, 0.1, mark, ha="center", va="bottom", fontsize=8, rotation=90)
        ax.set_xticks(x, [label(r) for r in rows], rotation=30, ha="right")
        ax.set_ylabel(text.label("n_relations", ctx.lang))
        number_axis(ax, ctx.lang, "y")
        ax.set_title(title)
        ax.legend(title=text.label("wave", ctx.lang), frameon=False)
    return fig


TURNOVER_COLS = ("kept", "gained", "lost")


def turnover_table(tv: pd.DataFrame) -> pd.DataFrame:
    """Relationships kept, gained and lost, all and not staff; ``n`` = residents in both waves."""
    sums = [int(tv[c].sum()) for c in TURNOVER_COLS]
    sums += [int(tv[f"{c}_nonstaff"].sum()) for c in TURNOVER_COLS]
    return _turnover_finish(np.asarray(sums, dtype=np.int64), len(tv))


def _turnover_finish(sums: np.ndarray, n: int) -> pd.DataFrame:
    k = len(TURNOVER_COLS)
    table = pd.DataFrame(
        np.asarray(sums, dtype=np.int64).reshape(2, k),
        index=pd.Index(["all", "nonstaff"], name="relations"),
        columns=list(TURNOVER_COLS),
    )
    table["n"] = int(n)
    return table


def _turnover_by_site(tv: pd.DataFrame, sites: Sequence[str]) -> dict[str, pd.DataFrame]:
    """:func:`turnover_table` of every site (one grouped sum) and of all sites (TOTAL)."""
    columns = [*TURNOVER_COLS, *(f"{c}_nonstaff" for c in TURNOVER_COLS)]
    values = tv[columns].astype("int64")
    grouped = values.groupby(tv["site_id"].astype(str).to_numpy(), sort=False)
    sums, sizes = grouped.sum(), grouped.size()
    zero = np.zeros(len(columns), dtype=np.int64)
    out = {
        s: _turnover_finish(
            sums.loc[str(s)].to_numpy() if str(s) in sums.index else zero,
            int(sizes.get(str(s), 0)),
        )
        for s in sites
    }
    out[TOTAL] = turnover_table(tv)
    return out


def _turnover_frame(ctx: Context) -> pd.DataFrame:
    """Relationships kept, gained and lost per resident assessed in both waves, with site."""
    from analyse.stats.relations import turnover

    def compute():
        tv = turnover(ctx.ds, from_wave="pre", to_wave="post")
        if "site_id" not in tv.columns:
            tv = tv.merge(
                ctx.ds.residents[["resident_id", "site_id"]], on="resident_id", how="left"
            )
        return _in_population(ctx, tv)

    return ctx.cached("turnover_frame", compute)


def _turnover(ctx: Context) -> list[Item]:
    if not {"pre", "post"} <= set(ctx.waves):
        return []

    def build():
        # Relationships before (kept + lost) and after (kept + gained) are published
        # elsewhere as n x mean (the trial's relationships not with staff): part of the
        # system, so that no hidden count comes back from a mean (issue 15).
        out = {}
        for site, t in _turnover_by_site(_turnover_frame(ctx), ctx.ds.sites).items():
            out[site] = t.assign(before=t["kept"] + t["lost"], after=t["kept"] + t["gained"])
        return out

    st = _family(
        ctx,
        "turnover",
        build,
        count_cols=[*TURNOVER_COLS, "before", "after"],
        n_col="n",
        margins="none",
        row_sums={"before": ["kept", "lost"], "after": ["kept", "gained"]},
        force=lambda tables: _force_rows(ctx, tables, lambda site, _: ("paired", site)),
    )
    labels = {c: text.label(c, ctx.lang) for c in TURNOVER_COLS} | {
        "n": text.label("n_residents", ctx.lang)
    }
    row_labels = {
        "all": ctx.t("Alle relationer", "All relationships"),
        "nonstaff": ctx.t("Relationer, som ikke er personale", "Relationships not with staff"),
    }
    display = _relabel(
        st.display(ctx.lang).drop(columns=["before", "after"]),
        labels,
        ctx.t("Relationer", "Relationships"),
        row_labels.get,
    )
    items: list[Item] = [
        Heading(
            ctx.t("Nye, bevarede og ophørte relationer", "Relationships gained, kept and lost"), 3
        ),
        Table(
            display,
            "relationer_foer_efter",
            ctx.t(
                "Relationer fra før til efter afprøvningen (borgere målt begge gange)",
                "Relationships from before to after the trial (residents assessed in both waves)",
            ),
            note=st.note(ctx.lang),
        ),
    ]
    v = st.values
    gained, n = _na(v.at["nonstaff", "gained"]), _na(v.at["all", "n"])
    if gained is not None and n is not None:
        items.append(
            Paragraph(
                ctx.t(
                    f"De {text.count_phrase(int(n), 'resident', ctx.lang)}, som blev målt både før og efter, fik i alt "
                    f"{text.fmt_int(gained, ctx.lang)} nye relationer, som ikke er personale.",
                    f"The {text.count_phrase(int(n), 'resident', ctx.lang)} assessed both before and after gained "
                    f"{text.fmt_int(gained, ctx.lang)} new relationships not with staff in all.",
                )
            )
        )
    return items


def _consultant_residents(ctx: Context, max_maps: int = 12) -> list[Item]:
    """Consultants only: indicators per resident and relationship maps."""
    from analyse.render.figures import relationship_map

    if ctx.steering:
        raise PrivacyError(
            [], "resident-level tables and maps exist only for audience='consultant'"
        )
    ind = _scope(ctx, ctx.indicators)
    cols = [
        "resident_id",
        "site_id",
        "wave",
        "n_relations",
        "n_nonstaff",
        "n_close",
        "n_close_nonstaff",
        "n_gives",
        "n_reciprocal",
        "only_staff_close",
        "diversity",
    ]
    table = ind[[c for c in cols if c in ind.columns]].copy()
    table["diversity"] = table["diversity"].map(lambda v: _fmt(v, ctx.lang, 2))
    items: list[Item] = [
        Heading(
            ctx.t(
                "Borgerne enkeltvis (kun konsulenter)", "Residents one by one (consultants only)"
            ),
            3,
        ),
        Table(
            table.reset_index(drop=True),
            "borgere_indikatorer",
            ctx.t("Indikatorer pr. borger", "Indicators per resident"),
            audience=ctx.audience,
        ),
    ]
    if not ctx.overview:
        residents = sorted(ind["resident_id"].astype(str).unique())[:max_maps]
        for rid in residents:
            fig = relationship_map(ctx.ds, rid, lang=ctx.lang, audience="consultant", show_id=True)
            items.append(Figure(fig))
    return items


# ----------------------------------------------------------------------------- behov

NEED_COUNTS = (
    "wants_more",
    "wants_more_only_staff_close",
    "wants_more_gives_none",
    "wants_more_no_frequent",
)


def needs_table(flags: pd.DataFrame) -> pd.DataFrame:
    wants = flags["wants_more"].astype(str).eq("yes")
    row = {
        "n": len(flags),
        "wants_more": int(wants.sum()),
        "wants_more_only_staff_close": int((wants & flags["only_staff_close"].astype(bool)).sum()),
        "wants_more_gives_none": int((wants & ~flags["gives_any"].astype(bool)).sum()),
        "wants_more_no_frequent": int((wants & (flags["n_frequent"] == 0)).sum()),
    }
    return pd.DataFrame([row], index=pd.Index(["pre"], name="wave"))


def behov(ctx: Context) -> list[Item]:
    """Step 2: who wants more or other relationships, against their network situation."""
    items: list[Item] = [Heading(text.label("section_needs", ctx.lang))]
    if ctx.too_small:
        return items + _too_small(ctx)

    whole = key_needs_family(ctx)
    if "pre" not in whole.values.index:
        return items
    # Behov and Nøgletal are one gate solve (they count the same residents before).
    st = _columns(whole, ["n", *NEED_COUNTS], rows=["pre"])
    labels = {
        "n": text.label("n_residents", ctx.lang),
        "wants_more": ctx.t(
            "Ønsker flere eller andre relationer", "Want more or other relationships"
        ),
        "wants_more_only_staff_close": ctx.t(
            "… og har kun personale tæt på", "… and only staff are close"
        ),
        "wants_more_gives_none": ctx.t(
            "… og giver ikke noget i nogen relation", "… and give in no relationship"
        ),
        "wants_more_no_frequent": ctx.t(
            "… og har ingen daglig eller ugentlig kontakt", "… and have no daily or weekly contact"
        ),
    }
    display = _relabel(st.display(ctx.lang), labels, text.label("wave", ctx.lang), ctx.wave_label)
    display = _mark_not_asked(ctx, display, columns=[labels["wants_more_gives_none"]])
    k, n = _na(st.values.iloc[0]["wants_more"]), _na(st.values.iloc[0]["n"])
    if k is not None and n is not None:
        items.append(
            Paragraph(
                ctx.t(
                    f"Før afprøvningen ønskede {text.fmt_int(k, ctx.lang)} af {text.count_phrase(int(n), 'resident', ctx.lang)} "
                    "flere eller andre relationer.",
                    f"Before the trial, {text.fmt_int(k, ctx.lang)} of {text.count_phrase(int(n), 'resident', ctx.lang)} "
                    "wanted more or other relationships.",
                )
            )
        )
    elif n is not None and st.status.iloc[0]["wants_more"] == "interval":
        lower = int(st.lower.iloc[0]["wants_more"])
        items.append(
            Paragraph(
                ctx.t(
                    f"Før afprøvningen ønskede mindst {text.fmt_int(lower, ctx.lang)} af "
                    f"{text.count_phrase(int(n), 'resident', ctx.lang)} flere eller andre relationer.",
                    f"Before the trial, at least {text.fmt_int(lower, ctx.lang)} of "
                    f"{text.count_phrase(int(n), 'resident', ctx.lang)} wanted more or other relationships.",
                )
            )
        )
    elif k is not None:  # the count is shown, the number assessed is not: never "not shown"
        items.append(
            Paragraph(
                ctx.t(
                    f"Før afprøvningen ønskede {text.count_phrase(int(k), 'resident', ctx.lang)} "
                    "flere eller andre relationer.",
                    f"Before the trial, {text.count_phrase(int(k), 'resident', ctx.lang)} wanted "
                    "more or other relationships.",
                )
            )
        )
    else:
        items.append(
            Paragraph(
                ctx.t(
                    "Antallet, der ønsker flere relationer, vises ikke, så ingen kan genkendes.",
                    "The number who want more relationships is not shown, so that no one can be recognised.",
                )
            )
        )
    items.append(
        Table(
            display,
            "behov",
            ctx.t(
                "Ønsker om flere relationer og netværkets situation (før)",
                "Wishes for more relationships and the network (before)",
            ),
            note=st.note(ctx.lang),
        )
    )
    if not ctx.steering:
        from analyse.stats.relations import needs

        flags = needs(ctx.ds, wave="pre").residents
        flags = _scope(ctx, flags) if "site_id" in flags.columns else flags
        items.append(
            Table(
                flags.reset_index(drop=True),
                "behov_borgere",
                ctx.t(
                    "Behov pr. borger (kun konsulenter)", "Needs per resident (consultants only)"
                ),
                audience=ctx.audience,
            )
        )
    return items


# ----------------------------------------------------------------------------- fælles forståelse

AGREEMENT_STATS = ("rwg_j", "ad_m", "alpha")
#: Fewest staff respondents for r_wg(J) (LeBreton & Senter 2008, question 11).
MIN_RWG_RATERS = 3
#: Short citation of the published bands each statistic is read by (see
#: :data:`analyse.stats.agreement.INTERPRETATION`).
AGREEMENT_BANDS_SOURCE = {"rwg_j": "LeBreton & Senter 2008", "alpha": "Krippendorff 2004"}


def staff_agreement(understanding: pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """Per wave: staff respondents, r_wg(J), AD_M and Krippendorff's alpha (ordinal), all
    rows of ``understanding`` taken as one group (see :func:`staff_agreement_by_site`)."""
    return staff_agreement_by_site(understanding.assign(site_id=ALL), [ALL], seed=seed)[ALL]


def staff_agreement_by_site(
    understanding: pd.DataFrame, sites: Sequence[str], *, seed: int
) -> dict[str, pd.DataFrame]:
    """Per site and wave: staff respondents, r_wg(J), AD_M and Krippendorff's alpha (ordinal).

    Vectorised over sites and waves (one grouped r_wg(J), one grouped alpha). Statistics need
    at least two staff respondents, r_wg(J) at least :data:`MIN_RWG_RATERS` (with two raters
    the within-group variance rests on one degree of freedom per item, and r_wg(J) is close to
    1 for almost any pair of answers; LeBreton & Senter 2008 advise against small groups).
    ``seed`` is kept for the signature: no bootstrap is drawn.
    """
    from analyse.stats.agreement import krippendorff_alpha_by, rwg_j

    staff = understanding[understanding["role"] == "staff"].dropna(subset=["rating"])
    staff = staff[staff["wave"].isin(["pre", "post"])]
    staff = staff.assign(
        site_id=staff["site_id"].astype(str),
        wave=staff["wave"].astype(str),
        rating=staff["rating"].astype(float),
    )
    keys = ["site_id", "wave"]
    n = staff.groupby(keys)["respondent_id"].nunique()
    many = staff[staff.set_index(keys).index.isin(n[n >= 2].index)]
    stats_ = pd.DataFrame(index=n.index, columns=["rwg_j", "ad_m", "alpha"], dtype=float)
    if not many.empty:
        r = rwg_j(many, keys, "item", "rating", respondent="respondent_id").set_index(keys)
        a = krippendorff_alpha_by(many, keys, "item", "respondent_id", "rating").set_index(keys)
        stats_.loc[r.index, "rwg_j"] = r["rwg_j"].astype(float)
        stats_.loc[r.index, "ad_m"] = r["ad_m"].astype(float)
        stats_.loc[a.index, "alpha"] = a["alpha"].astype(float)
    out = {}
    for site in sites:
        rows = {}
        for wave in ("pre", "post"):
            key = (str(site), wave)
            k = int(n.get(key, 0))
            row = {"n": k, "rwg_j": np.nan, "ad_m": np.nan, "alpha": np.nan}
            if k >= 2:
                row.update({c: float(stats_.at[key, c]) for c in ("rwg_j", "ad_m", "alpha")})
            if k < MIN_RWG_RATERS:
                row["rwg_j"] = np.nan
            rows[wave] = row
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "wave"
        table["n"] = table["n"].astype(int)
        out[site] = table
    return out


def faelles_forstaaelse(ctx: Context) -> list[Item]:
    """Step 3: do staff share an understanding of what a good relationship is?"""

    items: list[Item] = [Heading(text.label("section_understanding", ctx.lang))]
    if ctx.too_small:
        return items + _too_small(ctx)
    u = ctx.ds.understanding
    if u.empty:
        return items + [
            Paragraph(
                ctx.t(
                    "Data indeholder ingen besvarelser om fælles forståelse.",
                    "The data set holds no answers on shared understanding.",
                )
            )
        ]
    per_site = ctx.cached(
        "staff_agreement",
        lambda: staff_agreement_by_site(u, ctx.ds.sites, seed=ctx.seed),
    )
    if ctx.overview:
        overall = ctx.cached("staff_agreement_all", lambda: staff_agreement(u, seed=ctx.seed))
        # Agreement of all staff pooled says little; show the sites' median instead.
        table = pd.concat(per_site.values(), keys=list(per_site)).groupby(level=1).median()
        table["n"] = overall["n"]
        table = table.reindex(overall.index)
    else:
        table = per_site[ctx.site]

    def build():
        counts = {s: t[["n"]] for s, t in per_site.items()}
        counts[TOTAL] = (
            pd.concat(counts.values())
            .groupby(level=0)
            .sum()
            .reindex(table.index)
            .fillna(0)
            .astype(int)
        )
        return counts

    st_n = _family(ctx, "staff_n", build, n_col="n", margins="none")
    # A wave whose number of staff the run's family hides (small here, or protecting another
    # site through the overview) hides its n and statistics here too, with the gate's marker
    # and reason, never a "–" that reads as "cannot be computed".
    hidden = st_n.mask["n"].reindex(table.index).fillna(True).to_numpy()
    force = pd.DataFrame(
        np.repeat(hidden[:, None], len(table.columns), axis=1),
        index=table.index,
        columns=table.columns,
    )
    st = privacy.suppress(
        table,
        n_col="n",
        stat_cols=list(AGREEMENT_STATS),
        margins="none",
        min_cell=ctx.min_cell,
        force=force,
    )
    display = privacy.release(_agreement_display(ctx, st), st)
    items.append(Paragraph(_agreement_explained(ctx), "note"))
    items += _agreement_sentences(ctx, st)
    items.append(
        Table(
            display,
            "enighed_medarbejdere",
            ctx.t(
                "Enighed blandt medarbejderne om, hvad en god relation er",
                "Staff agreement on what a good relationship is",
            ),
            note=_agreement_note(ctx, st, display),
        )
    )
    items += _roles(ctx)
    return items


def _agreement_display(ctx: Context, st: privacy.SuppressedTable) -> pd.DataFrame:
    """The agreement table: each statistic beside its own interpretation, never another's."""
    from analyse.stats.agreement import interpret

    labels = {
        "n": ctx.t("Antal medarbejdere", "Staff respondents"),
        "rwg_j": "r_wg(J)",
        "ad_m": "AD_M",
        "alpha": "Krippendorffs α" if ctx.lang == "da" else "Krippendorff's α",
    }
    display = st.display(ctx.lang, decimals=2)
    out = pd.DataFrame(index=display.index)
    out[labels["n"]] = display["n"]
    for stat in ("rwg_j", "alpha"):
        out[labels[stat]] = display[stat]
        out[ctx.t(f"{labels[stat]}: betydning", f"{labels[stat]}: meaning")] = [
            (interpret(stat, float(v), ctx.lang) or text.MISSING)
            if not (pd.isna(v) or m)
            else text.MISSING
            for v, m in zip(st.values[stat], st.mask[stat], strict=True)
        ]
    out[labels["ad_m"]] = display["ad_m"]
    return _relabel(out, {}, text.label("wave", ctx.lang), ctx.wave_label)


def _agreement_explained(ctx: Context) -> str:
    return ctx.t(
        "r_wg(J) måler, hvor tæt medarbejdernes svar ligger på hinanden i forhold til tilfældige svar "
        "(1 = helt enige); Krippendorffs α måler, om medarbejderne skelner ens mellem udsagnene "
        "(1 = samme rangorden). De kan være uenige: svarer alle 4 eller 5 på næsten alle udsagn, ligger "
        "svarene tæt (høj r_wg), men der er næsten ingen forskel mellem udsagnene at være enige om "
        "(lav α). AD_M er den gennemsnitlige afvigelse fra gennemsnittet på skalaen 1–5 (0 = helt "
        f"enige). Hvert tal læses efter sine egne grænser; r_wg(J) vises kun for mindst "
        f"{MIN_RWG_RATERS} medarbejdere.",
        "r_wg(J) measures how close staff answers lie to each other compared with random answers "
        "(1 = full agreement); Krippendorff's α measures whether staff tell the statements apart in "
        "the same way (1 = the same ranking). They can disagree: if everyone answers 4 or 5 to almost "
        "every statement, the answers lie close (high r_wg) but there is hardly any difference "
        "between statements to agree on (low α). AD_M is the average deviation from the mean on the "
        "1–5 scale (0 = full agreement). Each number is read by its own bands; r_wg(J) is shown only "
        f"for at least {MIN_RWG_RATERS} staff.",
    )


def _agreement_sentences(ctx: Context, st: privacy.SuppressedTable) -> list[Item]:
    """Per wave, one sentence: each published statistic with its own band and source."""
    from analyse.stats.agreement import interpret

    names = {"rwg_j": "r_wg(J)", "alpha": ctx.t("Krippendorffs α", "Krippendorff's α")}
    items: list[Item] = []
    for wave in st.values.index:
        parts = []
        for stat in ("rwg_j", "alpha"):
            v = st.values.at[wave, stat]
            if pd.isna(v) or st.mask.at[wave, stat]:
                continue
            band = interpret(stat, float(v), ctx.lang)
            source = AGREEMENT_BANDS_SOURCE[stat]
            parts.append(
                f"{names[stat]} = {_fmt(v, ctx.lang, 2)}"
                + (f" ({band} efter {source})" if band and ctx.lang == "da" else "")
                + (f" ({band} by {source})" if band and ctx.lang == "en" else "")
            )
        if parts:
            joined = "; ".join(parts)
            items.append(Paragraph(f"{ctx.wave_label(wave).capitalize()}: {joined}."))
    return items


def _agreement_note(
    ctx: Context, st: privacy.SuppressedTable, shown: pd.DataFrame | None = None
) -> str:
    """The agreement table's footnote; the sentence on ``–`` only when a cell of ``shown``
    (the displayed table) is ``–``."""
    dash = shown is None or (shown.astype(str) == text.MISSING).to_numpy().any()
    note = (
        ctx.t(
            f"{text.MISSING}: kan ikke beregnes (r_wg(J) kræver mindst {MIN_RWG_RATERS} "
            "medarbejdere, α mindst 2). ",
            f"{text.MISSING}: cannot be computed (r_wg(J) needs at least {MIN_RWG_RATERS} staff, "
            "α at least 2). ",
        )
        if dash
        else ""
    ) + ctx.t(
        "Grænser: r_wg(J) efter LeBreton & Senter (2008), α efter Krippendorff (2004).",
        "Bands: r_wg(J) by LeBreton & Senter (2008), α by Krippendorff (2004).",
    )
    if ctx.overview:
        note += " " + ctx.t(
            "I den samlede rapport er r_wg(J), α og AD_M medianen af botilbuddenes værdier.",
            "In the overview, r_wg(J), α and AD_M are the median of the sites' values.",
        )
    suppressed_note = st.note(ctx.lang)  # None when no hidden cell shows a marker
    if suppressed_note:
        note = suppressed_note + " " + note
    return note


def _roles_table(u: pd.DataFrame, role: str, items: Sequence[str]) -> pd.DataFrame:
    """Per item: respondents of ``role`` (before) and the median of their answers."""
    part = u[u["role"].astype(str) == role]
    g = part.groupby(part["item"].astype(str), observed=True)
    # A respondent counted once per site, so the overview is the sum of its sites.
    once = part.drop_duplicates(["item", "respondent_id", "site_id"])
    n = once.groupby(once["item"].astype(str), observed=True).size()
    table = pd.DataFrame(
        {
            f"n_{role}": n.reindex(items, fill_value=0).astype(int) if len(n) else 0,
            f"median_{role}": g["rating"].median().reindex(items).astype(float)
            if len(n)
            else np.nan,
        },
        index=pd.Index(list(items), name="item"),
    )
    return table


def _roles_tables(ctx: Context, role: str) -> dict[str, pd.DataFrame]:
    u = ctx.ds.understanding
    u = u[u["wave"] == "pre"].dropna(subset=["rating"])
    u = u.assign(site_id=u["site_id"].astype(str), item=u["item"].astype(str))
    items = sorted(u["item"].unique())
    return _by_site(u, lambda f: _roles_table(f, role, items), ctx.ds.sites)


def _roles_unpublished(tables: dict, role: str, min_cell: int) -> list[str]:
    """Sites whose answers of ``role`` get no columns: no statement was answered by
    ``min_cell`` or more of them, so every cell would be ``<5`` (one sentence says so instead;
    the cells stay in the gate's system as never-published cells, protected like any other)."""
    col = f"n_{role}"
    return [
        s
        for s, t in tables.items()
        if s != TOTAL and not (t[col] >= min_cell).any() and (t[col] > 0).any()
    ]


def _roles_family(ctx: Context, role: str) -> privacy.SuppressedTable | None:
    """This report's gated statement table of ``role``; ``None`` when the role's columns are
    not published for this site (:func:`_roles_unpublished`)."""
    return _family(
        ctx,
        f"roles_{role}",
        lambda: _roles_tables(ctx, role),
        count_cols=[],
        n_col=f"n_{role}",
        stat_cols=[f"median_{role}"],
        margins="none",
        # A median is not a sum: hiding an item's n to protect another site's (overview minus
        # sites) leaves its median of min_cell or more answers safe to show.
        stats_follow_n=False,
        unpublished_of=lambda tables: _roles_unpublished(tables, role, ctx.min_cell),
    )


def _roles(ctx: Context) -> list[Item]:
    """Staff and residents per item: medians, each resting on its own number of respondents."""
    u = _scope(ctx, ctx.ds.understanding)
    u = u[u["wave"] == "pre"].dropna(subset=["rating"])
    if u.empty:
        return []
    items_tbl = ctx.ds.items.set_index("item")
    # One family per role over every site and the overview: the overview's count minus the
    # shown sites' counts must not give a hidden site's (issue 23).
    gated = [_roles_family(ctx, role) for role in ("staff", "resident")]
    parts = [
        _columns(p, list(p.values.columns), rows=sorted(u["item"].astype(str).unique()))
        for p in gated
        if p is not None
    ]
    if not parts:
        return [_roles_not_published(ctx)]
    display_frame = pd.concat([p.display(ctx.lang, decimals=1) for p in parts], axis=1)
    kinds = set().union(*(p.kinds() for p in parts))
    labels = {
        "n_staff": ctx.t("Medarbejdere", "Staff"),
        "median_staff": ctx.t("Median, medarbejdere", "Median, staff"),
        "n_resident": ctx.t("Borgere", "Residents"),
        "median_resident": ctx.t("Median, borgere", "Median, residents"),
    }
    text_col = "text_da" if ctx.lang == "da" else "text_en"

    def item_label(i: str) -> str:
        if i in items_tbl.index:
            value = items_tbl.at[i, text_col]
            if pd.isna(value):
                value = items_tbl.at[i, "text_da"]
            return f"{i}: {value}"
        return i

    display = _relabel(display_frame, labels, ctx.t("Udsagn", "Statement"), item_label)
    return [
        Heading(
            ctx.t(
                "Medarbejdere og borgere, udsagn for udsagn (før)",
                "Staff and residents, statement by statement (before)",
            ),
            3,
        ),
        Paragraph(
            ctx.t(
                "Svar fra 1 (helt uenig) til 5 (helt enig).",
                "Answers from 1 (strongly disagree) to 5 (strongly agree).",
            ),
            "note",
        ),
        Table(
            display,
            "udsagn_roller",
            ctx.t("Medarbejdernes og borgernes svar", "Staff and resident answers"),
            note=text.suppressed_note(ctx.min_cell, ctx.lang, kinds=kinds) if kinds else None,
        ),
    ] + ([_roles_not_published(ctx)] if len(parts) < len(gated) else [])


def _roles_not_published(ctx: Context) -> Paragraph:
    """Why a site's statement table has no columns for a role (:func:`_roles_unpublished`)."""
    return Paragraph(
        ctx.t(
            f"Hvor intet udsagn er besvaret af mindst {ctx.min_cell} borgere (eller medarbejdere) i "
            "botilbuddet, vises deres svar ikke her, så ingen kan genkendes; svarene indgår i tallene "
            "for alle botilbud.",
            f"Where no statement was answered by at least {ctx.min_cell} residents (or staff) of the "
            "site, their answers are not shown here, so that no one can be recognised; the answers "
            "count in the figures for all sites.",
        ),
        "note",
    )


# ----------------------------------------------------------------------------- afprøvning

TRIAL_VALUES = ("loneliness", "satisfaction", "n_nonstaff", "n_gives")
TRIAL_STATS = ("mean_pre", "mean_post", "mean_diff", "ci_low", "ci_high", "g_av")


def _trial_long(ctx: Context) -> pd.DataFrame:
    from analyse.stats.prepost import outcomes_long

    oc = _in_population(ctx, outcomes_long(ctx.ds))
    ind = ctx.indicators[["resident_id", "wave", "n_nonstaff", "n_gives"]]
    return oc.merge(ind, on=["resident_id", "wave"], how="left")


def _value_label(ctx: Context, value: str) -> str:
    labels = {
        "loneliness": text.column_label("outcomes", "loneliness", ctx.lang),
        "satisfaction": text.column_label("outcomes", "satisfaction", ctx.lang),
        "n_nonstaff": ctx.t("Relationer, som ikke er personale", "Relationships not with staff"),
        "n_gives": ctx.t(
            "Relationer, hvor borgeren giver", "Relationships where the resident gives"
        ),
    }
    return labels.get(value, value)


def _empty_trial_table() -> pd.DataFrame:
    empty = pd.DataFrame({"n": 0, **{c: np.nan for c in TRIAL_STATS}}, index=list(TRIAL_VALUES))
    empty.index.name = "indicator"
    return empty


def trial_tables(
    long: pd.DataFrame, keys: Sequence[str], *, min_cell: int
) -> dict[object, pd.DataFrame]:
    """:func:`trial_table` of every group of ``keys`` at once (vectorised over the groups).

    Returns ``{key: table}`` for the groups that have rows in ``long`` (a key is the string of
    the group's code, a tuple of strings for several keys); groups without rows are absent.
    Empty ``keys``: ``{(): table}`` for all of ``long``. The same numbers as
    :func:`analyse.stats.prepost.paired` per group (``paired`` adds the rank test and the
    noncentral-t limits, which the reports' tables do not show).
    """
    from analyse.stats.prepost import DEFAULT_MIN_PAIRS, _paired_table

    keys = list(keys)
    if long.empty:
        return {}
    parts = []
    for i, value in enumerate(TRIAL_VALUES):
        part = _paired_table(
            long,
            keys,
            "resident_id",
            "wave",
            value,
            "pre",
            "post",
            0.95,
            DEFAULT_MIN_PAIRS,
            min_cell,
            lean=True,
        )
        part = part[[*keys, "n", *TRIAL_STATS]].copy()
        part["indicator"] = value
        part["_order"] = i
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["n"] = table["n"].astype(int)
    for c in TRIAL_STATS:
        table[c] = table[c].astype(float)
    if keys:
        labels = pd.MultiIndex.from_arrays([table[k].astype(str) for k in keys])
        code, uniques = pd.factorize(labels)
        names = [u if len(keys) > 1 else u[0] for u in uniques]
    else:
        code, names = np.zeros(len(table), dtype=np.int64), [()]
    per_group = np.bincount(code, minlength=len(names))
    if not (per_group == len(TRIAL_VALUES)).all():  # pragma: no cover - one row per indicator
        raise RuntimeError("trial_tables: each group must have one row per indicator")
    order = np.lexsort((table["_order"].to_numpy(), code))
    n = table["n"].to_numpy()[order].reshape(len(names), -1)
    values = {c: table[c].to_numpy()[order].reshape(len(names), -1) for c in TRIAL_STATS}
    index = pd.Index(list(TRIAL_VALUES), name="indicator")
    out = {}
    for i, name in enumerate(names):
        t = pd.DataFrame({"n": n[i], **{c: v[i] for c, v in values.items()}}, index=index)
        out[name] = t
    return out


def trial_table(long: pd.DataFrame, *, min_cell: int) -> pd.DataFrame:
    """Paired pre/post per indicator (complete pairs); ``n`` = pairs."""
    if long.empty:
        return _empty_trial_table()
    return trial_tables(long, [], min_cell=min_cell)[()]


def afproevning(
    ctx: Context, *, conclusions: Mapping[str, Mapping[str, str]] | None = None
) -> list[Item]:
    """Step 4: did the practices make a difference? Paired before/after, in plain words.

    Parameters
    ----------
    ctx
        The report's context.
    conclusions
        The report's conclusion for each table's statements,
        ``{group: {outcome: conclusion}}`` (:func:`analyse.report.main_results.trial_conclusions`:
        the report's family, adjusted for its number of statements). Without it the sentences
        give each interval without any conclusion, never a verdict of the interval alone.
    """
    items: list[Item] = [Heading(text.label("section_trial", ctx.lang))]
    if ctx.too_small:
        return items + _too_small(ctx)
    if not {"pre", "post"} <= set(ctx.waves):
        return items + [
            Paragraph(
                ctx.t(
                    "Der er endnu ikke målt efter afprøvningen.",
                    "There is no measurement after the trial yet.",
                )
            )
        ]
    long = ctx.cached("trial_long", lambda: _trial_long(ctx))
    if not ctx.overview:
        practice = ctx.ds.residents.loc[ctx.ds.residents["site_id"] == ctx.site, "practice"].mode()
        code = str(practice.iloc[0]) if len(practice) else "none"
        p = ctx.ds.practices.set_index("practice")
        if code == "none":
            items.append(
                Paragraph(
                    ctx.t(
                        f"Botilbud {ctx.site} er sammenligningsgruppe: her er der ikke afprøvet en ny praksis.",
                        f"Site {ctx.site} is a comparison group: no new practice was tried here.",
                    )
                )
            )
        elif code in p.index:
            name, desc = p.at[code, "name_da"], p.at[code, "description"]
            items.append(Paragraph(ctx.t(f"Afprøvet praksis: {name}.", f"Practice tried: {name}.")))
            if isinstance(desc, str) and desc:
                items.append(Paragraph(desc, "note"))
    if ctx.overview:
        # Never one pooled change of practices and comparison group together: a reader would
        # take "-0,6 (188 borgere), næppe tilfældig" as "loneliness fell overall".
        items.append(
            Paragraph(
                ctx.t(
                    "Hver praksis og sammenligningsgruppen vises for sig. De lægges ikke sammen: "
                    "en samlet ændring ville blande borgere, der har afprøvet en ny praksis, med "
                    "borgere, der ikke har.",
                    "Each practice and the comparison group are shown on their own. They are not "
                    "pooled: one overall change would mix residents who tried a new practice with "
                    "residents who did not.",
                )
            )
        )
        return items + _by_practice(ctx, long, conclusions)
    st = trial_family_table(ctx, long)
    items += _trial_items(
        ctx,
        st,
        "foer_efter",
        ctx.t(
            "Før og efter afprøvningen (borgere målt begge gange)",
            "Before and after the trial (residents assessed in both waves)",
        ),
        _verdicts(conclusions, ALL),
    )
    return items


def _verdicts(
    conclusions: Mapping[str, Mapping[str, str]] | None, group: str
) -> Mapping[str, str] | None:
    """One table's conclusions by outcome; None (no conclusion words) without a family."""
    if conclusions is None:
        return None
    return conclusions.get(group, {})


def trial_family_table(ctx: Context, long: pd.DataFrame) -> privacy.SuppressedTable:
    """This report's gated before/after table (its site's, or all sites' in the overview)."""
    return _family(
        ctx,
        "trial",
        lambda: _trial_by_site(ctx, long),
        count_cols=[],
        n_col="n",
        stat_cols=list(TRIAL_STATS),
        margins="none",
        force=lambda tables: _force_trial(ctx, tables, lambda site, v: ("trial", site, v)),
        stats_follow_n=False,
    )


def trial_long(ctx: Context) -> pd.DataFrame:
    """The run's long table of outcomes and indicators per resident and wave (cached)."""
    return ctx.cached("trial_long", lambda: _trial_long(ctx))


def practice_family(ctx: Context, long: pd.DataFrame, code: str) -> privacy.SuppressedTable:
    """This report's gated before/after table of practice ``code`` (its site's, or all sites')."""

    def build():
        sub = long[long["practice"].astype(str) == code]
        cells = ctx.cached("trial_cells", lambda: _trial_cells(ctx, long))
        empty = _empty_trial_table()
        per_site = {s: cells.get((s, code), empty) for s in ctx.ds.sites}
        per_site[TOTAL] = _cluster_interval(trial_table(sub, min_cell=ctx.min_cell), sub)
        return per_site

    return _family(
        ctx,
        f"trial_practice:{code}",
        build,
        n_col="n",
        stat_cols=list(TRIAL_STATS),
        margins="none",
        unpublished=list(ctx.ds.sites),  # a site's part of a practice is shown nowhere
        force=lambda tables: _force_trial(
            ctx,
            tables,
            lambda site, v: ("trial", ("practice", code), v) if site == TOTAL else None,
        ),
        stats_follow_n=False,
    )


def _cluster_interval(table: pd.DataFrame, sub: pd.DataFrame) -> pd.DataFrame:
    """A practice's all-sites change with the interval that counts sites as the unit.

    The practice is tried per site, so its change over all sites gets the interval of
    :func:`analyse.stats.prepost.cluster_change` (t on sites - 1 df; none from one site) in place
    of the paired interval over pooled residents (issue 24). The mean change is unchanged.
    """
    from analyse.stats.prepost import cluster_change

    table = table.copy()
    for value in table.index:
        ci = (np.nan, np.nan)
        if not sub.empty and table.at[value, "n"] > 0 and pd.notna(table.at[value, "ci_low"]):
            r = cluster_change(sub, value)
            if len(r):
                ci = (float(r["ci_low"].iloc[0]), float(r["ci_high"].iloc[0]))
        table.loc[value, ["ci_low", "ci_high"]] = ci
    return table


def _trial_items(
    ctx: Context,
    st: privacy.SuppressedTable,
    name: str,
    title: str,
    verdicts: Mapping[str, str] | None = None,
) -> list[Item]:
    labels = {
        "n": ctx.t("Antal borgere", "Residents"),
        "mean_pre": ctx.t("Gns. før", "Mean before"),
        "mean_post": ctx.t("Gns. efter", "Mean after"),
        "mean_diff": text.label("change", ctx.lang),
        "ci_low": text.label("ci_low", ctx.lang),
        "ci_high": text.label("ci_high", ctx.lang),
        "g_av": "Hedges' g_av",
    }
    display = st.display(ctx.lang, decimals={"g_av": 2})
    shown_n = display
    display = _relabel(display, labels, ctx.t("Mål", "Measure"), lambda v: _value_label(ctx, v))
    display = _mark_not_asked(ctx, display, row=_value_label(ctx, "n_gives"))
    items: list[Item] = []
    for value in st.values.index:
        row, mask = st.values.loc[value], st.mask.loc[value]
        if mask["mean_diff"] or pd.isna(row["mean_diff"]):
            continue
        if value == "n_gives" and not gives_asked(ctx.ds):
            continue
        what = _value_label(ctx, value)
        diff = text.fmt_change(row["mean_diff"], 1, ctx.lang)
        if pd.isna(row["n"]):  # n hidden for the count structure, the means safe (issue 23)
            who = f"{shown_n.at[value, 'n']} {ctx.t('borgere', 'residents')}"
        else:
            who = text.count_phrase(int(row["n"]), "resident", ctx.lang)
        if text.no_change(row["mean_diff"]):
            sentence = ctx.t(
                f"{what}: gennemsnittet er det samme før og efter ({who}).",
                f"{what}: the mean is the same before and after ({who}).",
            )
        else:
            sentence = ctx.t(
                f"{what}: gennemsnittet ændrede sig med {diff} fra før til efter ({who}).",
                f"{what}: the mean changed by {diff} from before to after ({who}).",
            )
        if not (mask["ci_low"] or pd.isna(row["ci_low"]) or pd.isna(row["ci_high"])):
            verdict = None if verdicts is None else verdicts.get(value, "unknown")
            sentence += " " + text.conclusion_words(
                row["ci_low"], row["ci_high"], verdict, ctx.lang
            )
        items.append(Paragraph(sentence))
    if ctx.lang == "da":
        lower = "Lavere ensomhed er bedre; for de øvrige mål er højere bedre."
    else:
        lower = "Lower loneliness is better; for the other measures higher is better."
    items.append(Paragraph(lower, "note"))
    items.append(
        Table(
            display,
            name,
            title,
            note=st.note(ctx.lang),
        )
    )
    return items


def _trial_by_site(ctx: Context, long: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The paired table of every site and of all sites together (key TOTAL)."""
    cells = trial_tables(long, ["site_id"], min_cell=ctx.min_cell)
    empty = _empty_trial_table()  # one frame for every site without pairs (never modified)
    out = {s: cells.get(s, empty) for s in ctx.ds.sites}
    out[TOTAL] = trial_table(long, min_cell=ctx.min_cell)
    return out


def _trial_cells(ctx: Context, long: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The paired table of every site × practice combination that has residents (one pass)."""
    return trial_tables(long, ["site_id", "practice"], min_cell=ctx.min_cell)


def _by_practice(
    ctx: Context,
    long: pd.DataFrame,
    conclusions: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Item]:
    """Overview only: each practice and the comparison group, before and after."""
    items: list[Item] = [
        Heading(ctx.t("Praksisser og sammenligningsgruppe", "Practices and comparison group"), 3)
    ]
    practices = ctx.ds.practices.set_index("practice")["name_da"].to_dict()
    for code in sorted(
        long["practice"].dropna().astype(str).unique(), key=lambda c: (c == "none", c)
    ):
        st = practice_family(ctx, long, code)
        name = (
            ctx.t("Sammenligningsgruppe (ingen ny praksis)", "Comparison group (no new practice)")
            if code == "none"
            else (f"{code}: {practices.get(code, code)}")
        )
        items.append(Heading(name, 4))
        table_name = "sammenligningsgruppe" if code == "none" else f"praksis_{code}"
        items += _trial_items(ctx, st, table_name, name, _verdicts(conclusions, code))
    return items


# ----------------------------------------------------------------------------- about


def om_rapporten(ctx: Context) -> list[Item]:
    """How the numbers were made, in plain words, and what data they rest on."""
    from analyse.stats.prepost import DEFAULT_MIN_PAIRS

    items: list[Item] = [Heading(text.label("section_about", ctx.lang))]
    items.append(
        Paragraph(
            ctx.t(
                f"Tal, der bygger på færre end {ctx.min_cell} personer, vises som <{ctx.min_cell}. Et tal, der er skjult, "
                "fordi et andet lille tal ellers kunne regnes ud – også på tværs af rapporterne, målingerne og "
                f"gennemsnittene – vises som {text.SECONDARY_MARKER} (et antal med {text.SECONDARY_MARKER} er mindst "
                f"{ctx.min_cell}) eller som det interval, "
                "tallet ligger i (fx »11 til 15«). Alle viste tal og intervaller er sande. Intet tal er "
                "skjult af hensyn til tidligere rapporter: en ny kørsel, hvis tal sammen med en tidligere "
                "kørsel i samme rapportmappe ville afsløre få personer, bliver afvist i stedet.",
                f"Numbers resting on fewer than {ctx.min_cell} persons are shown as <{ctx.min_cell}. A number hidden because "
                "another small number could otherwise be worked out – also across the reports, the waves and the means – is "
                f"shown as {text.SECONDARY_MARKER} (a count so marked is at least {ctx.min_cell}) or as the interval it "
                "lies in "
                "(e.g. “11 to 15”). Every number and interval shown is true. No number is hidden for "
                "the sake of earlier reports: a new run whose numbers, together with an earlier run "
                "into the same reports folder, would give away a few persons is refused instead.",
            )
        )
    )
    items.append(
        Paragraph(
            ctx.t(
                "Før/efter-sammenligningen bruger kun borgere, der er målt begge gange. Ændringen er gennemsnittet efter minus "
                "gennemsnittet før med et 95 %-konfidensinterval; effektstørrelsen er Hedges' g_av (Lakens 2013). Små grupper "
                "giver usikre resultater, og en ændring kan have andre årsager end den afprøvede praksis.",
                "The before/after comparison uses only residents assessed both times. The change is the mean after minus the "
                "mean before with a 95% confidence interval; the effect size is Hedges' g_av (Lakens 2013). Small groups give "
                "uncertain results, and a change may have other causes than the practice tried.",
            )
        )
    )
    items.append(
        Paragraph(
            ctx.t(
                f"Et konfidensinterval eller en effektstørrelse vises som {text.MISSING}, når færre end {DEFAULT_MIN_PAIRS} borgere er målt "
                "begge gange: så er tallet for usikkert til at beregne. Ensomhed måles på en skala fra 3 til 9 (højere = "
                "mere ensom), tilfredshed med relationer fra 1 til 5 (højere = mere tilfreds).",
                f"A confidence interval or effect size is shown as {text.MISSING} when fewer than {DEFAULT_MIN_PAIRS} residents were "
                "assessed both times: the number is then too uncertain to compute. Loneliness is measured on a scale "
                "from 3 to 9 (higher = lonelier), satisfaction with relationships from 1 to 5 (higher = more satisfied).",
            )
        )
    )
    items += _data_basis(ctx)
    return items


def _data_basis(ctx: Context) -> list[Item]:
    """The input files a report rests on, by their SHA-256 only.

    A file's name is the user's and may name a person ("Hanne Jensen borgerliste.xlsx");
    the hash identifies the file for anyone who holds it and tells nothing to anyone else.
    """
    inputs = ctx.manifest.get("inputs", [])
    if not inputs:
        return []
    hashes = ", ".join(f"{i['sha256'][:12]}…" for i in inputs)
    n = len(inputs)
    return [
        Paragraph(
            ctx.t(
                f"Datagrundlag: {n} {'fil' if n == 1 else 'filer'} med SHA-256 {hashes}.",
                f"Data: {n} file{'' if n == 1 else 's'} with SHA-256 {hashes}.",
            ),
            "note",
        )
    ]
