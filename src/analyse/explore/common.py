"""What every phase of the exploration shares: labels, views, the base class, figures."""

from __future__ import annotations

import difflib
import html
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analyse.config import DEFAULT_MIN_CELL, DEFAULT_SEED, Audience, Lang
from analyse.data.dataset import Dataset
from analyse.errors import ConfigError, DataError, PrivacyError
from analyse.privacy import gate as privacy
from analyse.problems import problems_frame
from analyse.render import figures
from analyse.words import text
from analyse.words.text import ASPECTS as _ASPECTS
from analyse.words.text import EXPLORE_LABELS as _LABELS
from analyse.words.text import TABLE_NAMES as _TABLE_NAMES

ALL = "all"


#: Default reliability of each outcome scale for the reliable change index, with its source
#: in :data:`RELIABILITY_SOURCES`. A notebook parameter overrides it.
RELIABILITY: dict[str, float | None] = {"loneliness": 0.72, "satisfaction": None}


#: Where each default of :data:`RELIABILITY` comes from (or why there is none).
RELIABILITY_SOURCES: dict[str, dict[str, str]] = {
    "loneliness": {
        "da": "Cronbachs α for den 3-leddede UCLA-ensomhedsskala: Hughes, M. E., Waite, L. J., "
        "Hawkley, L. C., & Cacioppo, J. T. (2004). A short scale for measuring loneliness in "
        "large surveys. Research on Aging, 26(6), 655-672.",
        "en": "Cronbach's α of the 3-item UCLA loneliness scale: Hughes, M. E., Waite, L. J., "
        "Hawkley, L. C., & Cacioppo, J. T. (2004). A short scale for measuring loneliness in "
        "large surveys. Research on Aging, 26(6), 655-672.",
    },
    "satisfaction": {
        "da": "Intet publiceret tal: tilfredshed er ét spørgsmål, så dets reliabilitet kendes "
        "ikke. Sæt et tal (fx en test-retest-korrelation fra jeres egne data) for at beregne "
        "pålidelig ændring.",
        "en": "No published value: satisfaction is a single question, so its reliability is "
        "unknown. Set a value (e.g. a test-retest correlation from your own data) to compute "
        "reliable change.",
    },
}


#: Columns whose values are codes of the data contract, shown as their Danish labels.
_CODED = ("wave", "setting", "alter_type", "wants_more", "respondent", "role")


def label(column: str, lang: Lang = "da") -> str:
    """The display label of a data column, indicator or result column.

    The schema's labels first (through :func:`analyse.render.figures.column_label`, which also
    knows the indicators), then this module's labels of result columns.

    Examples
    --------
    >>> label("n_close_nonstaff"), label("mean_diff"), label("rwg_j", "en")
    ('Nære relationer ud over personalet', 'Ændring (efter − før)', 'Agreement r_wg(J)')
    """
    if lang not in ("da", "en"):
        raise ConfigError(f"lang must be 'da' or 'en'; received {lang!r}.")
    if column in _LABELS:
        return _LABELS[column][0 if lang == "da" else 1]
    return figures.column_label(column, lang)


def _value(column: str, value: object, lang: Lang) -> str:
    if _missing(value):
        return text.MISSING
    if isinstance(value, bool | np.bool_):
        return {"da": ("ja", "nej"), "en": ("yes", "no")}[lang][0 if value else 1]
    if column == "practice" and str(value) == "none":
        return "ingen (sammenligning)" if lang == "da" else "none (comparison)"
    if column in _CODED:
        return figures.value_label(column, value, lang).replace("_", " ")
    if column == "aspect":
        return _ASPECTS.get(str(value), {}).get(lang, str(value).replace("_", " "))
    if column in ("indicator", "outcome", "value", "statistic"):
        return label(str(value), lang)
    if column == "category":
        return label(str(value), lang).lower()
    return str(value)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fmt_p(p: object, lang: Lang) -> str:
    if _missing(p):
        return text.MISSING
    if float(p) < 0.001:
        return "<" + text.fmt_number(0.001, 3, lang)
    return text.fmt_number(p, 3, lang)


def display_table(
    frame: pd.DataFrame,
    lang: Lang = "da",
    *,
    decimals: Mapping[str, int] | None = None,
    percent: Sequence[str] = (),
    pvalues: Sequence[str] = (),
) -> pd.DataFrame:
    """A result table as the notebooks show it: labelled headers, Danish values, formatted numbers.

    Parameters
    ----------
    frame
        A result table with snake_case columns (its index is dropped; put labels in columns).
    lang
        ``"da"`` or ``"en"``.
    decimals
        Decimals of numeric columns (default 1; whole-number columns are shown as integers).
    percent
        Columns holding shares (0-1), shown as percentages.
    pvalues
        Columns holding p-values (3 decimals, ``<0,001``).

    Returns
    -------
    pandas.DataFrame
        Every cell a string; headers from :func:`label`; codes as their labels.

    Examples
    --------
    >>> t = pd.DataFrame({"wave": ["pre"], "n": [12], "mean_diff": [-0.456], "only_staff_close": [True]})
    >>> display_table(t).iloc[0].tolist()
    ['før', '12', '-0,5', 'ja']
    >>> list(display_table(t, "en").columns)
    ['Wave', 'Residents', 'Change (after − before)', 'Only staff close']
    """
    decimals = dict(decimals or {})
    out: dict[str, list[str]] = {}
    for column in frame.columns:
        series = frame[column]
        if column in pvalues:
            cells = [_fmt_p(v, lang) for v in series]
        elif column in percent:
            cells = [
                text.fmt_percent(v, 0, lang) if not _missing(v) else text.MISSING for v in series
            ]
        elif pd.api.types.is_bool_dtype(series.dtype) or column in _CODED or series.dtype == object:
            cells = [_value(column, v, lang) for v in series]
        elif pd.api.types.is_integer_dtype(series.dtype):
            cells = [text.fmt_int(v, lang) for v in series]
        elif pd.api.types.is_numeric_dtype(series.dtype):
            d = decimals.get(column, 1)
            cells = [text.fmt_number(v, d, lang) for v in series]
        else:
            cells = [_value(column, v, lang) for v in series]
        out[label(column, lang)] = cells
    return pd.DataFrame(out)


@dataclass
class View:
    """What one analysis cell shows: sentences, tables and figures, in this order.

    Attributes
    ----------
    texts
        Sentences (plain text; escaped when shown).
    tables
        ``(title, frame)`` pairs; frames as :func:`display_table` returns them.
    figures
        Matplotlib figures (drawn outside pyplot; shown as PNG).
    widget
        In JupyterLab: the dropdowns and the output they redraw (shown last).
    kind
        ``"result"``, ``"problem"`` (the data or a parameter must be fixed) or ``"absent"``
        (the analysis does not apply: an optional table is missing, or the audience may not
        see it). Views of the last two kinds may have no figure.
    """

    texts: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    widget: object | None = None
    kind: Literal["result", "problem", "absent"] = "result"

    def html(self) -> str:
        """Sentences and tables as one escaped HTML fragment (figures are shown apart)."""
        from analyse.render.publish import table_html

        css = {"result": "nr-text", "problem": "nr-problem", "absent": "nr-absent"}[self.kind]
        style = ' style="color:#a0001c"' if self.kind == "problem" else ""
        parts = [f'<p class="{css}"{style}>{html.escape(t)}</p>' for t in self.texts]
        for title, frame in self.tables:
            parts.append(
                '<div style="overflow-x:auto;max-width:100%">'
                + table_html(frame, title=title)
                + "</div>"
            )
        return "\n".join(parts)

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, display

        if self.texts or self.tables:
            display(HTML(self.html()))
        for fig in self.figures:
            display(Image(data=png(fig)))
        if self.widget is not None:
            display(self.widget)

    def __repr__(self) -> str:  # what a plain Python prompt prints
        lines = list(self.texts)
        for title, frame in self.tables:
            lines += [title, frame.to_string(index=False)]
        lines += [f"<figure {i + 1}>" for i in range(len(self.figures))]
        return "\n".join(lines)


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes (the notebooks' and the HTML export's image format)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return buffer.getvalue()


def _t(lang: Lang, da: str, en: str) -> str:
    return da if lang == "da" else en


def _interactive() -> bool:
    if "JPY_SESSION_NAME" not in os.environ:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:  # pragma: no cover - ipywidgets is a dependency
        return False
    return True


def _problem_view(err: DataError, lang: Lang) -> View:
    frame = problems_frame(err.problems).drop(columns="code")
    shown = display_table(frame, lang)
    n = len(err.problems)
    texts = [
        _t(
            lang,
            f"Data kan ikke bruges endnu: {n} problem(er). Ret dem i filerne (fil, række, "
            "kolonne og værdi står i tabellen) og kør notebooken igen fra toppen.",
            f"The data cannot be used yet: {n} problem(s). Fix them in the files (file, row, "
            "column and value are in the table) and run the notebook again from the top.",
        )
    ]
    if isinstance(err, PrivacyError):
        texts.append(
            _t(
                lang,
                "Data er afvist af hensyn til privatliv: de kan identificere personer.",
                "The data set is refused for privacy: it could identify people.",
            )
        )
    return View(
        texts, [(_t(lang, "Problemer i data", "Problems in the data"), shown)], kind="problem"
    )


def _report_view(items: Sequence[object], keep: Sequence[str] | None) -> View:
    """A steering report's items (:mod:`analyse.report.sections`) as a view: sentences, tables with
    their footnotes and figures; with ``keep``, only the sentences and table rows of those
    measures (labels as the report writes them)."""
    texts: list[str] = []
    tables: list[tuple[str, pd.DataFrame]] = []
    figs: list[object] = []
    for item in items:
        kind = type(item).__name__
        if kind == "Paragraph":
            if keep is None or item.kind == "note" or item.text.startswith(tuple(keep)):
                texts.append(item.text)
        elif kind == "Heading":
            texts.append(item.text)
        elif kind == "Table":
            frame = item.frame
            if keep is not None and len(frame.columns):
                frame = frame[frame.iloc[:, 0].isin(keep)].reset_index(drop=True)
            tables.append((item.title, frame))
            if item.note:
                texts.append(item.note)
        elif kind == "Figure":
            figs.append(item.figure)
    return View(texts, tables, figs)


def _unknown_site(site: str, sites: Sequence[str], lang: Lang) -> str:
    by_lower = {s.lower(): s for s in sites}
    close = [by_lower[c] for c in difflib.get_close_matches(site.lower(), list(by_lower), n=1)]
    hint = _t(lang, f" Mente du {close[0]}?", f" Did you mean {close[0]}?") if close else ""
    return _t(
        lang,
        f"Botilbuddet {site!r} findes ikke i data. Botilbud i data: {', '.join(sites)}.{hint} "
        'Ret site i parametercellen (eller brug "all").',
        f"Site {site!r} is not in the data. Sites in the data: {', '.join(sites)}.{hint} "
        'Fix site in the parameters cell (or use "all").',
    )


def _restrict(ds: Dataset, site: str) -> Dataset:
    """The data set of one site (residents, their rows, the site's understanding rows)."""
    residents = ds.residents[ds.residents["site_id"] == site]
    ids = set(residents["resident_id"])

    def of_residents(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["resident_id"].isin(ids)]

    return Dataset(
        residents=residents,
        relations=of_residents(ds.relations),
        outcomes=of_residents(ds.outcomes),
        understanding=ds.understanding[ds.understanding["site_id"] == site],
        items=ds.items,
        assessments=of_residents(ds.assessments),
        practices=ds.practices,
        sources=dict(ds.sources),
        warnings=list(ds.warnings),
    )


def _guarded(method: Callable[..., View]) -> Callable[..., View]:
    """Run an analysis; a problem to fix becomes a view, never a traceback."""
    import functools

    @functools.wraps(method)
    def run(self: _Base, *args: object, **kwargs: object) -> View:
        blocked = self._blocked()
        if blocked is not None:
            return blocked
        try:
            return method(self, *args, **kwargs)
        except DataError as err:
            return _problem_view(err, self.lang)
        except ConfigError as err:
            return View([str(err)], kind="problem")

    return run


#: What a withheld row of a paired comparison says (prepost.guard).
_WITHHELD = {
    "inference": (
        "for få par til interval og p-værdi",
        "too few pairs for interval and p-value",
    ),
    "all": ("for få borgere: intet vist", "too few residents: nothing shown"),
}


@dataclass
class _Base:
    """The data set and the notebook's parameters; what every analysis needs."""

    ds: Dataset | None
    source: str = ""
    site: str = ALL
    audience: Audience = "consultant"
    lang: Lang = "da"
    min_cell: int = DEFAULT_MIN_CELL
    seed: int = DEFAULT_SEED
    interactive: bool = False
    problem: View | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ plumbing

    def check_parameters(self) -> None:
        """Raise :class:`ConfigError` with a sentence saying how to fix a bad parameter."""
        if self.lang not in ("da", "en"):
            raise ConfigError(f'lang must be "da" or "en"; received {self.lang!r}.')
        if self.audience not in ("consultant", "steering"):
            raise ConfigError(
                _t(
                    self.lang,
                    f'audience skal være "consultant" eller "steering"; fik {self.audience!r}.',
                    f'audience must be "consultant" or "steering"; received {self.audience!r}.',
                )
            )
        self.min_cell = privacy.check_min_cell(self.min_cell)

    @property
    def steering(self) -> bool:
        return self.audience == "steering"

    @property
    def data(self) -> Dataset:
        """The data set, restricted to :attr:`site` when one is chosen."""
        if "data" not in self._cache:
            self._cache["data"] = _restrict(self.ds, self.site) if self.site != ALL else self.ds
        return self._cache["data"]

    def indicators(self) -> pd.DataFrame:
        """Relationship indicators per resident and wave (:func:`analyse.stats.relations.indicators`)."""
        from analyse.stats.relations import indicators

        if "indicators" not in self._cache:
            self._cache["indicators"] = indicators(self.data)
        return self._cache["indicators"]

    def report_context(self, site: str | None = None):
        """The steering report's context of ``site`` (default :attr:`site`) over the whole
        data set: its gate decides what a steering notebook shows, exactly as in the steering
        reports of a run on the same data (one cache, so the gate is solved once)."""
        from analyse.report.sections import Context

        site = self.site if site is None else site
        key = ("report_context", site)
        if key not in self._cache:
            shared = self._cache.setdefault("report_cache", {})
            self._cache[key] = Context(
                self.ds, site, "steering", self.lang, self.min_cell, self.seed, {}, shared
            )
        return self._cache[key]

    def _residents_hidden(self) -> bool:
        """Whether the steering report hides how many residents :attr:`site` has."""
        if self.site == ALL:
            return False
        from analyse.report.sections import group_hidden

        ctx = self.report_context()
        return bool(ctx.too_small or group_hidden(ctx, ("residents", str(self.site))))

    def _blocked(self) -> View | None:
        if self.problem is None:
            return None
        return View(
            [
                _t(
                    self.lang,
                    "Ikke beregnet: ret først problemet øverst i notebooken.",
                    "Not computed: first fix the problem at the top of the notebook.",
                )
            ],
            kind="problem",
        )

    def _absent(self, da: str, en: str) -> View:
        return View([_t(self.lang, da, en)], kind="absent")

    def _not_in_steering_reports(self) -> View:
        """Steering: an analysis the steering reports do not publish is not shown either, so
        that a steering notebook never shows a number its reports hide."""
        return self._absent(
            "Vises ikke i styregruppens udgave: styregruppens rapporter viser ikke denne analyse, "
            'og notebooken viser kun, hvad de viser. Brug audience = "consultant".',
            "Not shown in the steering-group edition: the steering reports do not show this "
            'analysis, and the notebook shows only what they show. Use audience = "consultant".',
        )

    def _as_in_report(self, section: str, *, until: str | None = None) -> View:
        """Steering: what the steering report of :attr:`site` (the overview for all sites)
        shows in ``section`` (a function of :mod:`analyse.report.sections`), through its gate.

        The sentences, tables (with their footnotes) and figures are the report's own items,
        so a steering notebook never shows a number its report hides, nor hides one
        differently. ``until``: stop after the report's table of that name.
        """
        from analyse.report import sections

        ctx = self.report_context()
        items = []
        for item in getattr(sections, section)(ctx):
            if isinstance(item, sections.Heading):
                continue
            items.append(item)
            if until is not None and isinstance(item, sections.Table) and item.name == until:
                break
        view = _report_view(items, None)
        if not view.figures and view.tables:  # the report draws none here: its table as bars
            view.figures.append(table_bars(*view.tables[0], lang=self.lang))
        where = (
            _t(
                self.lang,
                "styregruppens samlede rapport",
                "the steering group's overview report",
            )
            if self.site == ALL
            else _t(
                self.lang,
                f"styregruppens rapport for botilbud {self.site}",
                f"the steering group's report for site {self.site}",
            )
        )
        view.texts.insert(
            0,
            _t(
                self.lang,
                f"Styregruppeudgave: tallene er dem, {where} viser (samme skjulte tal).",
                f"Steering-group edition: the numbers are those {where} shows (the same "
                "numbers hidden).",
            ),
        )
        return view

    def _consultants_only(self) -> View:
        return self._absent(
            'Vises kun for konsulenter (audience = "consultant"): borgerniveau må ikke nå '
            "styregruppen.",
            'Shown to consultants only (audience = "consultant"): resident-level data must not '
            "reach the steering group.",
        )

    def _suppressed_note(self, st: privacy.SuppressedTable) -> list[str]:
        return [text.suppressed_note(self.min_cell, self.lang)] if st.any_suppressed else []

    def _choose(
        self,
        description: str,
        options: Sequence[tuple[str, object]],
        value: object,
        render: Callable[[object], View],
    ) -> View:
        """In JupyterLab a dropdown that redraws ``render(choice)``; else ``render(value)``."""
        if not self.interactive:
            return render(value)
        import ipywidgets as widgets
        from IPython.display import display

        dropdown = widgets.Dropdown(
            options=list(options),
            value=value,
            description=description,
            style={"description_width": "initial"},
        )
        out = widgets.Output()

        def draw(_change: object = None) -> None:
            out.clear_output(wait=True)
            with out:
                display(render(dropdown.value))

        dropdown.observe(draw, names="value")
        draw()
        return View(widget=widgets.VBox([dropdown, out]))

    def _change_table(
        self, result: pd.DataFrame, what: str, *, with_group: bool = True, group: str = "practice"
    ) -> pd.DataFrame:
        """A by_group result as the notebooks show it (interval as one column, Danish notes)."""
        frame = result.copy()
        if self.steering:
            frame = frame[frame["withheld"] != "all"]
        frame["ci"] = [
            text.fmt_ci(lo, hi, 1, self.lang)
            for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)
        ]
        frame["g_av_ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(frame["g_av_ci_low"], frame["g_av_ci_high"], strict=True)
        ]
        frame["note"] = [
            _WITHHELD[w][0 if self.lang == "da" else 1] if w in _WITHHELD else ""
            for w in frame["withheld"]
        ]
        frame = frame.rename(columns={"indicator": what})
        columns = ([group] if with_group else []) + [what, "n"]
        columns += [] if self.steering else ["n_excluded"]
        columns += [
            "mean_pre",
            "mean_post",
            "mean_diff",
            "ci",
            "g_av",
            "g_av_ci",
            "p_t_adj",
            "p_w_adj",
            "note",
        ]
        return display_table(
            frame[columns], self.lang, decimals={"g_av": 2}, pvalues=["p_t_adj", "p_w_adj"]
        )

    # ------------------------------------------------------------------ the data set

    def _ipython_display_(self) -> None:
        self.summary()._ipython_display_()

    def summary(self) -> View:
        """What was read: residents, sites, waves, the rows of each table, what is missing."""
        if self.problem is not None:
            return self.problem
        ds, lang = self.data, self.lang
        rows = pd.DataFrame(
            {
                "table": [_TABLE_NAMES[k][0 if lang == "da" else 1] for k in _TABLE_NAMES],
                "rows": [len(getattr(ds, k)) for k in _TABLE_NAMES],
            }
        )
        waves = ", ".join(figures.value_label("wave", w, lang) for w in ds.waves)
        where = (
            _t(lang, f"{len(ds.sites)} botilbud", f"{len(ds.sites)} sites")
            if self.site == ALL
            else _t(lang, f"botilbud {self.site}", f"site {self.site}")
        )
        n_res = ds.residents["resident_id"].nunique()
        if self.steering and self._residents_hidden():
            # The steering report of this site hides the number: so does the notebook.
            texts = [
                _t(
                    lang,
                    f"Hvor mange borgere der er i {where}, vises ikke (som i styregruppens "
                    f"rapport); målinger: {waves}.",
                    f"How many residents {where} has is not shown (as in the steering report); "
                    f"waves: {waves}.",
                )
            ]
        else:
            texts = [
                _t(
                    lang,
                    f"{text.count_phrase(n_res, 'resident', lang)} i {where}; målinger: {waves}.",
                    f"{text.count_phrase(n_res, 'resident', lang)} in {where}; waves: {waves}.",
                )
            ]
        missing = [
            _TABLE_NAMES[k][0 if lang == "da" else 1] for k in _TABLE_NAMES if getattr(ds, k).empty
        ]
        if missing:
            texts.append(
                _t(
                    lang,
                    f"Ikke leveret (valgfrie tabeller): {', '.join(missing)}. Afsnit, der bruger dem, "
                    "siger det og springes over.",
                    f"Not delivered (optional tables): {', '.join(missing)}. Sections that use "
                    "them say so and are skipped.",
                )
            )
        texts += list(self.ds.warnings)
        if self.steering:
            texts.append(
                _t(
                    lang,
                    f"Styregruppeudgave: kun samlede tal; tal for færre end {self.min_cell} personer "
                    "vises ikke.",
                    f"Steering-group edition: aggregates only; numbers for fewer than "
                    f"{self.min_cell} persons are not shown.",
                )
            )
        else:
            texts.append(
                _t(
                    lang,
                    "Konsulentudgave: viser enkelte borgere (pseudonymer). Del den ikke med "
                    "styregruppen.",
                    "Consultant edition: shows individual residents (pseudonyms). Do not share it "
                    "with the steering group.",
                )
            )
        if self.steering:  # row counts are counts of persons' rows: not in a steering report
            return View(texts)
        return View(
            texts, [(_t(lang, "Rækker pr. tabel", "Rows per table"), display_table(rows, lang))]
        )


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _shade_bands(ax, statistic: str, lang: Lang, *, axis: str = "x") -> None:
    """Shade the published interpretation bands of ``statistic`` (agreement.INTERPRETATION)."""
    from analyse.stats.agreement import INTERPRETATION

    bands = [b for b in INTERPRETATION[statistic]["bands"] if np.isfinite(b[0])]
    span = ax.axvspan if axis == "x" else ax.axhspan
    line = ax.axvline if axis == "x" else ax.axhline
    for i, (low, da, en) in enumerate(bands):
        high = bands[i + 1][0] if i + 1 < len(bands) else 1.0
        span(low, high, color="#009E73", alpha=0.06 + 0.06 * i, lw=0)
        line(low, color="#009E73", lw=0.8, ls="--")
        where = (low, 1.0) if axis == "x" else (1.0, low)
        ax.annotate(
            (da if lang == "da" else en).split(" (")[0],
            where,
            xycoords=("data", "axes fraction") if axis == "x" else ("axes fraction", "data"),
            rotation=90 if axis == "x" else 0,
            fontsize=7,
            color="#006e50",
            ha="left" if axis == "x" else "right",
            va="top" if axis == "x" else "bottom",
        )


def forest(
    frame: pd.DataFrame,
    *,
    row: str,
    estimate: str,
    low: str,
    high: str,
    title: str,
    xlabel: str,
    lang: Lang = "da",
    reference: float | None = 0.0,
    panel: str | None = None,
    bands: str | None = None,
) -> Figure:
    """Estimates with their intervals, one line per row (and one panel per ``panel`` value).

    Rows whose estimate is missing (withheld) are listed with the word *ikke vist*.
    """
    panels = list(dict.fromkeys(frame[panel])) if panel else [None]
    rows = list(dict.fromkeys(frame[row]))
    with figures.theme_context():
        fig = _figure(4.2 * len(panels) + 1.2, 0.45 * len(rows) + 1.6)
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, value in zip(axes, panels, strict=True):
            part = frame if value is None else frame[frame[panel] == value]
            y = {r: i for i, r in enumerate(rows)}
            if bands:
                _shade_bands(ax, bands, lang)
            if reference is not None:
                ax.axvline(reference, color="#666666", lw=1)
            for _, r in part.iterrows():
                est = pd.to_numeric(pd.Series([r[estimate]]), errors="coerce").iloc[0]
                if pd.isna(est):
                    ax.annotate(
                        _t(lang, "ikke vist", "not shown"),
                        (0.02, y[r[row]]),
                        xycoords=("axes fraction", "data"),
                        va="center",
                        fontsize=8,
                        color="#666666",
                    )
                    continue
                lo, hi = r[low], r[high]
                if not (_missing(lo) or _missing(hi)):
                    ax.plot([lo, hi], [y[r[row]]] * 2, color="#0072B2", lw=2)
                ax.plot([est], [y[r[row]]], "o", color="#0072B2", ms=7)
            ax.set_yticks(range(len(rows)), [str(r) for r in rows])
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.set_xlabel(xlabel)
            figures.number_axis(ax, lang, "x")
            if value is not None:
                ax.set_title(str(value))
        fig.suptitle(title)
    return fig


def _shown_number(cell: object, lang: Lang) -> float | None:
    """A number as a report table shows it (``1.234,5`` in Danish), or ``None`` if the cell is
    not one number (a marker such as ``<5`` or ``(s)``, an interval, a word).

    >>> _shown_number("1.234,5", "da"), _shown_number("−0,4", "da"), _shown_number("<5", "da")
    (1234.5, -0.4, None)
    """
    shown = str(cell).strip().replace("\u2212", "-")
    shown = shown.replace(".", "").replace(",", ".") if lang == "da" else shown.replace(",", "")
    try:
        return float(shown)
    except ValueError:
        return None


#: A cell that shows a hidden number: a marker (``<5``, ``(s)``, ``(f)``), a true interval
#: (``5 til 8``, ``mindst 11``) or nothing (:data:`analyse.words.text.MISSING`).
_HIDDEN_CELL = re.compile(r"^(<\d|\(|mindst |at least |\d[\d.,]* (til|to) |–$)")


def _marked_bars(
    ax, pos: np.ndarray, values: np.ndarray, height: float, label: str, j: int, marks: list
) -> None:
    """The ``j``-th bar series at ``pos``; a missing (hidden) value is drawn as no bar and
    marked with its entry of ``marks`` (none where that is empty). Colours: Okabe-Ito without
    yellow, the weakest on white (as :mod:`analyse.render.figures` does)."""
    colours = [c for c in figures.OKABE_ITO[1:] if c != "#F0E442"] + [figures.OKABE_ITO[0]]
    ax.barh(pos, np.nan_to_num(values), height, label=label, color=colours[j % len(colours)])
    for p, v, m in zip(pos, values, marks, strict=True):
        if np.isnan(v) and m:
            ax.annotate(
                m, (0, p), xytext=(2, 0), textcoords="offset points", va="center", fontsize=7
            )


def table_bars(title: str, frame: pd.DataFrame, *, lang: Lang = "da") -> Figure:
    """A report table's numbers as horizontal bars, drawn from the cells it shows.

    One group per row (labelled by the first column), one bar per column whose cells are
    numbers or the table's markers; a cell the table hides is drawn as no bar and marked with
    what the table shows in it (``<5``, ``(s)`` ...). The figure therefore shows exactly the
    numbers of the table, never one it hides.
    """
    first = frame.columns[0]
    numbers = frame.drop(columns=first).map(lambda c: _shown_number(c, lang))
    marks = frame.drop(columns=first).astype(str)
    columns = [
        c
        for c in numbers.columns
        if all(
            v is not None or _HIDDEN_CELL.match(m)
            for v, m in zip(numbers[c], marks[c], strict=True)
        )
    ]
    rows = [str(r) for r in frame[first]]
    k = max(len(columns), 1)
    height = 0.8 / k
    with figures.theme_context():
        fig = _figure(7.5, max(2.2, 0.3 * len(rows) * k + 1.4) + 0.25 * (k + 1) / 2)
        ax = fig.subplots()
        for j, column in enumerate(columns):
            values = numbers[column].astype(float).to_numpy()
            pos = np.arange(len(rows)) + (j - (k - 1) / 2) * height
            _marked_bars(ax, pos, values, height, str(column), j, list(marks[column]))
        ax.set_yticks(range(len(rows)), rows)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        figures.number_axis(ax, lang, "x")
        if columns:  # below the bars, never over them
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8)
        if not np.isfinite(numbers[columns].astype(float).to_numpy()).any():
            ax.set_xlim(0, 1)  # every number hidden: the marks say so
        ax.set_title(title)
    return fig


def grouped_bars(
    frame: pd.DataFrame,
    *,
    columns: Mapping[str, str],
    title: str,
    xlabel: str,
    lang: Lang = "da",
    percent: bool = False,
    marker: str | None = None,
) -> Figure:
    """Horizontal bars: one group per row of ``frame`` (its index), one bar per column.

    ``columns`` maps column -> legend label. Missing (suppressed) values are drawn as no bar
    and marked with ``marker`` (e.g. ``<5``).
    """
    from matplotlib.ticker import PercentFormatter

    rows = [str(i) for i in frame.index]
    k = len(columns)
    height = 0.8 / max(k, 1)
    with figures.theme_context():
        fig = _figure(7.5, max(2.2, 0.3 * len(rows) * k + 1.4))
        ax = fig.subplots()
        for j, (column, name) in enumerate(columns.items()):
            values = pd.to_numeric(frame[column], errors="coerce").astype(float).to_numpy()
            pos = np.arange(len(rows)) + (j - (k - 1) / 2) * height
            _marked_bars(ax, pos, values, height, name, j, [marker] * len(values))
        ax.set_yticks(range(len(rows)), rows)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(xlabel)
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        else:
            figures.number_axis(ax, lang, "x")
        ax.legend(loc="lower right", fontsize=8)
        ax.set_title(title)
    return fig


def rci_histogram(
    rci: pd.Series, *, z: float, lower_is_better: bool, title: str, lang: Lang = "da"
) -> Figure:
    """The distribution of reliable change indices with the ±z band of measurement error."""
    values = pd.to_numeric(rci, errors="coerce").dropna().to_numpy(float)
    with figures.theme_context():
        fig = _figure(7.5, 3.4)
        ax = fig.subplots()
        ax.axvspan(-z, z, color="#999999", alpha=0.2, lw=0)
        for edge in (-z, z):
            ax.axvline(edge, color="#444444", ls="--", lw=1)
        limit = max(3.0, float(np.abs(values).max()) + 0.5) if len(values) else 3.0
        bins = np.arange(-np.ceil(limit * 2) / 2, np.ceil(limit * 2) / 2 + 0.25, 0.25)
        ax.hist(values, bins=bins, color="#0072B2", edgecolor="white")
        better, worse = (-1, 1) if lower_is_better else (1, -1)
        ymax = ax.get_ylim()[1]
        ax.annotate(
            _t(lang, "måleusikkerhed", "measurement error"),
            (0, ymax * 0.95),
            ha="center",
            va="top",
            fontsize=8,
        )
        ax.annotate(
            _t(lang, "pålideligt bedre", "reliably better"),
            (better * (z + 0.1), ymax * 0.95),
            ha="left" if better > 0 else "right",
            va="top",
            fontsize=8,
            color="#009E73",
        )
        ax.annotate(
            _t(lang, "pålideligt værre", "reliably worse"),
            (worse * (z + 0.1), ymax * 0.95),
            ha="left" if worse > 0 else "right",
            va="top",
            fontsize=8,
            color="#D55E00",
        )
        ax.set_xlabel(label("rci", lang) + f" (±{text.fmt_number(z, 2, lang)})")
        ax.set_ylabel(_t(lang, "Antal borgere", "Residents"))
        figures.number_axis(ax, lang, "x")
        ax.set_title(title)
    return fig


def heatmap(
    counts: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    lang: Lang = "da",
    marker: str | None = None,
) -> Figure:
    """A table of counts as a heatmap with the count in each cell (suppressed: ``marker``)."""
    values = counts.apply(pd.to_numeric, errors="coerce").astype(float)
    with figures.theme_context():
        fig = _figure(1.1 * values.shape[1] + 2.8, 0.6 * values.shape[0] + 1.6)
        ax = fig.subplots()
        ax.imshow(np.nan_to_num(values.to_numpy()), cmap="Blues", aspect="auto")
        for (i, j), v in np.ndenumerate(values.to_numpy()):
            shown = marker if np.isnan(v) else text.fmt_int(int(v), lang)
            ax.text(
                j,
                i,
                shown,
                ha="center",
                va="center",
                fontsize=10,
                color="white"
                if not np.isnan(v) and v > np.nanmax(values.to_numpy()) / 2
                else "black",
            )
        ax.set_xticks(range(values.shape[1]), [str(c) for c in values.columns])
        ax.set_yticks(range(values.shape[0]), [str(i) for i in values.index])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(False)
        ax.set_title(title)
    return fig


def strip(
    frame: pd.DataFrame, *, value: str, group: str, panel: str, title: str, lang: Lang = "da"
) -> Figure:
    """Each person's value as a dot per group, with the group mean as a bar (consultants)."""
    panels = list(dict.fromkeys(frame[panel]))
    groups = list(dict.fromkeys(frame[group]))
    with figures.theme_context():
        fig = _figure(3.6 * max(len(panels), 1) + 0.6, 3.4)
        axes = fig.subplots(1, max(len(panels), 1), squeeze=False)[0]
        for ax, p in zip(axes, panels, strict=False):
            part = frame[frame[panel] == p]
            for i, g in enumerate(groups):
                v = pd.to_numeric(part.loc[part[group] == g, value], errors="coerce").dropna()
                offsets = (np.arange(len(v)) % 7 - 3) * 0.04  # deterministic spread, no randomness
                ax.plot(i + offsets, v, "o", color="#0072B2", alpha=0.6, ms=5)
                if len(v):
                    ax.plot([i - 0.3, i + 0.3], [v.mean()] * 2, color="#D55E00", lw=2)
            ax.set_xticks(range(len(groups)), [str(g) for g in groups])
            ax.set_xlim(-0.6, len(groups) - 0.4)
            ax.set_title(str(p))
            figures.number_axis(ax, lang, "y")
        fig.suptitle(title)
    return fig


def _site_wave_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in natural site order (H2 before H10), then wave order (before, after, follow-up)."""
    from analyse.data.dataset import natural_key
    from analyse.stats.relations import WAVES

    waves = list(WAVES)

    def key(i: int) -> tuple:
        wave = str(table["wave"].iloc[i])
        return natural_key(table["site_id"].iloc[i]), waves.index(wave) if wave in waves else len(
            waves
        )

    return table.iloc[sorted(range(len(table)), key=key)].reset_index(drop=True)


def _merge(*views: View) -> View:
    out = View()
    for v in views:
        out.texts += v.texts
        out.tables += v.tables
        out.figures += v.figures
        out.widget = v.widget if v.widget is not None else out.widget
    return out


def _natural(value: object) -> list:
    from analyse.data.dataset import natural_key

    return natural_key(value)
