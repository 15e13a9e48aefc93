"""The exploration notebooks' building blocks: one call per analysis, shown in Danish.

Notebooks ``01-kortlaegning`` … ``04-afproevning`` open a data set with :func:`open` and
call one method of the returned :class:`Exploration` per analysis cell. Each method returns
a :class:`View`: a short sentence, display-ready tables (Danish headers and values, numbers
formatted as in the reports, through :mod:`analyse.text`) and at least one figure, shown by
Jupyter when the view is the cell's value. ``lang="en"`` gives English.

Nothing is computed here that the analysis modules already compute: the statistics come from
:mod:`analyse.relations`, :mod:`analyse.agreement` and :mod:`analyse.prepost`, suppression for
the steering group from :mod:`analyse.privacy`, labels from the schema, :mod:`analyse.text`
and :mod:`analyse.figures`. This module only selects, labels, formats and draws.

Errors a person can act on never end in a traceback: a data set that breaks the contract
makes :func:`open` return an exploration whose first view is the problem table (file, row,
column, value, rule) and whose other views say to fix the data first; a site that does not
exist names the sites that do; a missing optional table (``forstaaelse``, ``vurderinger``)
gives a sentence saying what is missing.

In JupyterLab (``interactive=None`` detects it) the pick-and-look views show dropdowns
(ipywidgets) for site, resident and outcome; under papermill or nbconvert the same calls draw
the static figure of the parameters given.

Audiences follow the design: ``"consultant"`` sees everything, including pseudonyms and
relationship maps, and never has an aggregate hidden while the same people's rows are shown;
``"steering"`` sees aggregates that passed :func:`analyse.privacy.suppress` only.
"""

from __future__ import annotations

import difflib
import html
import io
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analyse import figures, privacy, text
from analyse.config import DEFAULT_MIN_CELL, DEFAULT_SEED, Audience, Lang
from analyse.dataset import Dataset, natural_sorted
from analyse.errors import AnalyseError, ConfigError, DataError, PrivacyError
from analyse.problems import problems_frame
from analyse.schema import OUTCOMES

__all__ = [
    "RELIABILITY",
    "RELIABILITY_SOURCES",
    "Exploration",
    "View",
    "display_table",
    "label",
    "open",
]

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

# --------------------------------------------------------------------------- labels

#: Result columns of the analysis modules that neither the schema, :data:`text.LABELS` nor
#: :data:`figures.INDICATOR_LABELS` names. Danish first, English second.
_LABELS: dict[str, tuple[str, str]] = {
    "n": ("Antal borgere", "Residents"),
    "n_assessed": ("Borgere målt", "Residents assessed"),
    "n_wants_more": ("Ønsker flere relationer", "Want more relationships"),
    "n_wants_no_more": ("Ønsker ikke flere", "Do not want more"),
    "n_wants_unknown": ("Ved ikke", "Don't know"),
    "n_only_staff_close": ("Kun personale tæt på", "Only staff close"),
    "n_gives_to_none": ("Giver ikke i nogen relation", "Gives in no relationship"),
    "n_no_frequent_contact": ("Ingen daglig/ugentlig kontakt", "No daily/weekly contact"),
    "n_any_flag": ("Mindst ét tegn", "At least one sign"),
    "n_wants_and_flagged": ("Ønsker flere og har tegn", "Want more and show a sign"),
    "n_flagged_not_wanting": ("Tegn, men intet ønske", "Sign, but no wish"),
    "gives_to_none": ("Giver ikke i nogen relation", "Gives in no relationship"),
    "no_frequent_contact": ("Ingen daglig/ugentlig kontakt", "No daily/weekly contact"),
    "n_flags": ("Antal tegn (0-3)", "Signs (0-3)"),
    "wants_and_flagged": ("Ønsker flere og har tegn", "Wants more and shows a sign"),
    "flagged_not_wanting": ("Tegn, men intet ønske", "Sign, but no wish"),
    "mean_n_relations": ("Relationer (gns.)", "Relationships (mean)"),
    "mean_n_nonstaff": ("Ud over personalet (gns.)", "Beyond staff (mean)"),
    "mean_n_close_nonstaff": ("Nære ud over personalet (gns.)", "Close beyond staff (mean)"),
    "mean_n_gives": ("Borgeren giver (gns.)", "Resident gives (mean)"),
    "n_any_close_nonstaff": (
        "Mindst én nær relation ud over personalet",
        "At least one close relationship beyond staff",
    ),
    "share_gives_any": ("Andel der giver i mindst én", "Share giving in at least one"),
    "gained_nonstaff": ("Nye, ikke personale", "Gained, not staff"),
    "kept_nonstaff": ("Bevarede, ikke personale", "Kept, not staff"),
    "lost_nonstaff": ("Ophørte, ikke personale", "Lost, not staff"),
    "indicator": ("Mål", "Measure"),
    "outcome": ("Mål", "Measure"),
    "mean_pre": ("Gennemsnit før", "Mean before"),
    "mean_post": ("Gennemsnit efter", "Mean after"),
    "mean_diff": ("Ændring (efter − før)", "Change (after − before)"),
    "ci": ("95 %-konfidensinterval", "95% confidence interval"),
    "g_av": ("Effektstørrelse (Hedges' g_av)", "Effect size (Hedges' g_av)"),
    "g_av_ci": ("95 %-interval for g_av", "95% interval of g_av"),
    "p_t_adj": ("p (t-test, Holm)", "p (t test, Holm)"),
    "p_w_adj": ("p (Wilcoxon, Holm)", "p (Wilcoxon, Holm)"),
    "n_excluded": ("Uden komplet par", "Without a complete pair"),
    "note": ("Bemærkning", "Note"),
    "estimate": ("Estimat", "Estimate"),
    "scale": ("Skala", "Scale"),
    "n_pairs": ("Borgere med par", "Residents with pairs"),
    "n_pairs_comparison": ("Par i sammenligningsgruppen", "Pairs in comparison group"),
    "model": ("Model", "Model"),
    "improved": ("Pålideligt bedre", "Reliably better"),
    "unchanged": ("Ingen pålidelig ændring", "No reliable change"),
    "deteriorated": ("Pålideligt værre", "Reliably worse"),
    "critical_change": ("Mindste pålidelige ændring (point)", "Smallest reliable change (points)"),
    "rci": ("Pålidelighedsindeks (RCI)", "Reliable change index (RCI)"),
    "category": ("Vurdering", "Verdict"),
    "pre": ("Før", "Before"),
    "post": ("Efter", "After"),
    "change": ("Ændring", "Change"),
    "n_completed": ("Målt begge gange", "Assessed twice"),
    "n_lost": ("Faldet fra", "Lost"),
    "mean_completed": ("Gns. før, målt begge gange", "Mean before, assessed twice"),
    "mean_lost": ("Gns. før, faldet fra", "Mean before, lost"),
    "rwg_j": ("Enighed r_wg(J)", "Agreement r_wg(J)"),
    "ad_m": ("Gns. afvigelse AD_M", "Average deviation AD_M"),
    "n_raters": ("Antal medarbejdere", "Staff members"),
    "n_items": ("Antal udsagn", "Statements"),
    "interpretation": ("Fortolkning", "Interpretation"),
    "alpha": ("Krippendorffs α", "Krippendorff's α"),
    "n_units": ("Udsagn", "Statements"),
    "item": ("Udsagn", "Statement"),
    "n_staff": ("Svar fra personale", "Staff answers"),
    "n_resident": ("Svar fra borgere", "Resident answers"),
    "share_agree_staff": ("Personale enige (4-5)", "Staff agreeing (4-5)"),
    "share_agree_resident": ("Borgere enige (4-5)", "Residents agreeing (4-5)"),
    "cliffs_delta": ("Cliffs delta", "Cliff's delta"),
    "p": ("p (Mann-Whitney)", "p (Mann-Whitney)"),
    "disagreement_rank": ("Rang (1 = størst forskel)", "Rank (1 = largest gap)"),
    "statistic": ("Mål", "Statistic"),
    "before": ("Før", "Before"),
    "after": ("Efter", "After"),
    "difference": ("Forskel (efter − før)", "Difference (after − before)"),
    "n_before": ("Medarbejdere før", "Staff before"),
    "n_after": ("Medarbejdere efter", "Staff after"),
    "aspect": ("Aspekt", "Aspect"),
    "icc": ("ICC", "ICC"),
    "icc_model": ("ICC-form", "ICC form"),
    "kappa": ("Vægtet kappa", "Weighted kappa"),
    "spearman_rho": ("Spearmans ρ", "Spearman's ρ"),
    "share_exact": ("Helt ens", "Exactly equal"),
    "share_within_one": ("Højst ét trin fra hinanden", "At most one step apart"),
    "n_residents": ("Antal borgere", "Residents"),
    "p_model": ("p-værdi", "p-value"),
    "table": ("Tabel", "Table"),
    "rows": ("Rækker", "Rows"),
    "file": ("Fil", "File"),
    "row": ("Række", "Row"),
    "column": ("Kolonne", "Column"),
    "value": ("Værdi", "Value"),
    "rule": ("Regel", "Rule"),
    "resident_id": ("Borger", "Resident"),
    "site_id": ("Botilbud", "Site"),
    "practice": ("Praksis", "Practice"),
    "wave": ("Måling", "Wave"),
}

_TABLE_NAMES: dict[str, tuple[str, str]] = {
    "residents": ("borgere", "residents"),
    "relations": ("relationer", "relations"),
    "outcomes": ("borgermaal", "outcomes"),
    "understanding": ("forstaaelse", "understanding"),
    "items": ("spoergsmaal", "items"),
    "assessments": ("vurderinger", "assessments"),
    "practices": ("praksisser", "practices"),
}

#: The aspects staff rate residents on (free codes in the data; these are the usual ones).
_ASPECTS: dict[str, dict[str, str]] = {
    "overall": {"da": "samlet", "en": "overall"},
    "reciprocity": {"da": "gensidighed", "en": "reciprocity"},
    "network": {"da": "netværk", "en": "network"},
}

#: Columns whose values are codes of the data contract, shown as their Danish labels.
_CODED = ("wave", "setting", "alter_type", "wants_more", "respondent", "role")


def label(column: str, lang: Lang = "da") -> str:
    """The display label of a data column, indicator or result column.

    The schema's labels first (through :func:`analyse.figures.column_label`, which also
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


# --------------------------------------------------------------------------- views


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
        from analyse.publish import table_html

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


# --------------------------------------------------------------------------- opening


def open(  # noqa: A001 - the notebooks read `explore.open(dataset)`
    dataset: str | Path,
    *,
    site: str = ALL,
    audience: Audience = "consultant",
    lang: Lang = "da",
    min_cell: int = DEFAULT_MIN_CELL,
    seed: int = DEFAULT_SEED,
    interactive: bool | None = None,
) -> Exploration:
    """Read and validate a data set for exploration; never raises on bad data.

    Parameters
    ----------
    dataset
        A folder of CSV files or an ``.xlsx`` workbook (see the README).
    site
        ``"all"`` or a site code.
    audience
        ``"consultant"`` (everything, pseudonyms included) or ``"steering"`` (aggregates that
        passed the privacy gate).
    lang
        ``"da"`` or ``"en"``.
    min_cell
        The privacy threshold (default 5, never below 3).
    seed
        Seed of every bootstrap.
    interactive
        Show dropdowns (ipywidgets). ``None``: yes when the kernel runs under a Jupyter
        server (JupyterLab sets ``JPY_SESSION_NAME``), no under papermill and nbconvert.

    Returns
    -------
    Exploration
        Its :attr:`Exploration.problem` is ``None`` when the data and parameters are usable;
        otherwise a view of what to fix, which the notebook shows instead of a traceback.
    """
    from analyse import read_dataset

    ex = Exploration(
        ds=None,
        source=str(dataset),
        site=str(site),
        audience=audience,
        lang=lang,
        min_cell=min_cell,
        seed=seed,
        interactive=_interactive() if interactive is None else bool(interactive),
    )
    try:
        ex.check_parameters()
    except ConfigError as err:
        ex.problem = View([str(err)], kind="problem")
        return ex
    try:
        ex.ds = read_dataset(dataset, lang=lang)
    except DataError as err:
        ex.problem = _problem_view(err, lang)
        return ex
    except (FileNotFoundError, NotADirectoryError, AnalyseError) as err:
        ex.problem = View(
            [
                _t(lang, "Data kunne ikke læses: ", "The data could not be read: ") + str(err),
                _t(
                    lang,
                    "Ret stien i parametercellen (dataset).",
                    "Fix the path in the parameters cell (dataset).",
                ),
            ],
            kind="problem",
        )
        return ex
    if site != ALL and site not in ex.ds.sites:
        ex.problem = View([_unknown_site(site, ex.ds.sites, lang)], kind="problem")
    return ex


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
    """A steering report's items (:mod:`analyse.report`) as a view: sentences, tables with
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


# --------------------------------------------------------------------------- the exploration


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
        """Relationship indicators per resident and wave (:func:`analyse.relations.indicators`)."""
        from analyse.relations import indicators

        if "indicators" not in self._cache:
            self._cache["indicators"] = indicators(self.data)
        return self._cache["indicators"]

    def report_context(self, site: str | None = None):
        """The steering report's context of ``site`` (default :attr:`site`) over the whole
        data set: its gate decides what a steering notebook shows, exactly as in the steering
        reports of a run on the same data (one cache, so the gate is solved once)."""
        from analyse.report import Context

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
        from analyse.report import group_hidden

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


# --------------------------------------------------------------------------- figures
# Pure: a frame in, a Figure out, drawn in the suite's theme (analyse.figures).


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _shade_bands(ax, statistic: str, lang: Lang, *, axis: str = "x") -> None:
    """Shade the published interpretation bands of ``statistic`` (agreement.INTERPRETATION)."""
    from analyse.agreement import INTERPRETATION

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
        # Okabe-Ito without yellow, the weakest on white (as analyse.figures does).
        colours = [c for c in figures.OKABE_ITO[1:] if c != "#F0E442"] + [figures.OKABE_ITO[0]]
        for j, (column, name) in enumerate(columns.items()):
            values = pd.to_numeric(frame[column], errors="coerce").astype(float).to_numpy()
            pos = np.arange(len(rows)) + (j - (k - 1) / 2) * height
            ax.barh(pos, np.nan_to_num(values), height, label=name, color=colours[j % len(colours)])
            for p, v in zip(pos, values, strict=True):
                if np.isnan(v) and marker:
                    ax.annotate(
                        marker,
                        (0, p),
                        xytext=(2, 0),
                        textcoords="offset points",
                        va="center",
                        fontsize=7,
                    )
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


# --------------------------------------------------------------------------- 01 kortlægning

_MEANS = ("n_relations", "n_nonstaff", "n_close_nonstaff", "n_gives")


class _Kortlaegning(_Base):
    """Notebook 01: how many relationships, with whom, how close, and does the resident give."""

    def _by_site_and_wave(
        self, table: pd.DataFrame, counts: Sequence[str], stats: Sequence[str], **kw
    ) -> tuple[pd.DataFrame, list[str]]:
        """Steering: suppress each wave's site table (:func:`analyse.privacy.suppress`)."""
        if not self.steering:
            return display_table(table, self.lang), []
        parts, notes = [], []
        for wave, part in table.groupby("wave", observed=True, sort=False):
            st = privacy.suppress(
                part.drop(columns="wave").set_index("site_id"),
                count_cols=list(counts),
                stat_cols=list(stats),
                min_cell=self.min_cell,
                **kw,
            )
            shown = st.display(self.lang).reset_index()
            shown.insert(1, "wave", _value("wave", wave, self.lang))
            parts.append(shown)
            notes += self._suppressed_note(st)
        frame = pd.concat(parts, ignore_index=True)
        frame.columns = [label(c, self.lang) for c in frame.columns]
        return frame, sorted(set(notes))

    @_guarded
    def overview(self, indicator: str = "n_nonstaff") -> View:
        """Per site and wave: residents assessed and mean relationships; a box per site."""
        ind = self.indicators()
        grouped = ind.groupby(["site_id", "wave"], observed=True, sort=False)
        table = pd.DataFrame({"n": grouped.size()})
        for column in _MEANS:
            table[f"mean_{column}"] = grouped[column].mean()
        table = _site_wave_order(table.reset_index())
        shown, notes = self._by_site_and_wave(
            table, [], [f"mean_{c}" for c in _MEANS], n_col="n", margins="columns"
        )

        def draw(chosen: object) -> View:
            return View(
                figures=[
                    figures.site_distribution(
                        ind,
                        indicator=str(chosen),
                        lang=self.lang,
                        audience=self.audience,
                        min_cell=self.min_cell if self.steering else None,
                    )
                ]
            )

        options = [(label(c, self.lang), c) for c in (*_MEANS, "n_close", "n_frequent")]
        picked = self._choose(_t(self.lang, "Mål", "Measure"), options, indicator, draw)
        title = _t(
            self.lang,
            "Borgere og relationer pr. botilbud og måling",
            "Residents and relationships by site and wave",
        )
        return _merge(View(notes, [(title, shown)]), picked)

    @_guarded
    def composition(self, wave: str = "pre") -> View:
        """Relationships by type and wave (counts), and each site's composition as bars."""
        rel = self.data.relations
        counts = (
            rel.groupby([rel["alter_type"].astype(str), rel["wave"].astype(str)])
            .size()
            .unstack(fill_value=0)
        )
        counts = counts.reindex(columns=[w for w in self.data.waves if w in counts.columns])
        counts = counts.reindex([t for t in figures.ALTER_TYPE_COLOURS if t in counts.index])
        notes: list[str] = []
        if self.steering:
            st = privacy.suppress(
                counts,
                count_cols=list(counts.columns),
                n_col=None,
                margins="columns",
                min_cell=self.min_cell,
            )
            shown = st.display(self.lang)
            notes = self._suppressed_note(st)
        else:
            shown = counts.map(lambda v: text.fmt_int(v, self.lang))
        shown.columns = [_value("wave", c, self.lang) for c in shown.columns]
        shown.index = [_value("alter_type", i, self.lang) for i in shown.index]
        shown = shown.rename_axis(label("alter_type", self.lang)).reset_index()
        fig = figures.composition_bars(
            self.indicators(),
            by="site_id",
            wave=wave,
            lang=self.lang,
            min_cell=self.min_cell if self.steering else None,
        )
        title = _t(self.lang, "Antal relationer efter relationstype", "Relationships by type")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def prepost(self, indicator: str = "n_close_nonstaff") -> View:
        """Before and after for residents assessed twice: means with 95 % CI, and the pairs."""
        from analyse import prepost

        ind = self.indicators()
        if not {"pre", "post"} <= set(self.data.waves):
            return self._absent(
                "Data har ikke både før- og eftermåling.",
                "The data lack a before or an after wave.",
            )
        result = prepost.by_group(
            ind.assign(group=ALL),
            "group",
            "resident_id",
            "wave",
            list(_MEANS),
            min_cell=self.min_cell,
        )
        shown = self._change_table(result, "indicator", with_group=False)

        def draw(chosen: object) -> View:
            return View(
                figures=[
                    figures.prepost_paired(
                        ind,
                        indicator=str(chosen),
                        lang=self.lang,
                        audience=self.audience,
                        min_cell=self.min_cell,
                    )
                ]
            )

        options = [(label(c, self.lang), c) for c in _MEANS]
        picked = self._choose(_t(self.lang, "Mål", "Measure"), options, indicator, draw)
        title = _t(
            self.lang,
            "Før og efter (borgere målt begge gange)",
            "Before and after (residents assessed twice)",
        )
        return _merge(View([], [(title, shown)]), picked)

    @_guarded
    def turnover(self) -> View:
        """Relationships kept, gained and lost from before to after, per site."""
        from analyse.relations import turnover

        if not {"pre", "post"} <= set(self.data.waves):
            return self._absent(
                "Data har ikke både før- og eftermåling.",
                "The data lack a before or an after wave.",
            )
        tv = turnover(self.data, from_wave="pre", to_wave="post")
        columns = ["kept", "gained", "lost", "gained_nonstaff", "lost_nonstaff"]
        grouped = tv.groupby(tv["site_id"].astype(str), sort=False)
        table = grouped[columns].sum().astype("int64")
        table.insert(0, "n", grouped.size())
        table = table.loc[natural_sorted(table.index)]
        notes: list[str] = []
        values = table
        if self.steering:
            st = privacy.suppress(
                table, count_cols=columns, n_col="n", margins="columns", min_cell=self.min_cell
            )
            values, notes = st.values, self._suppressed_note(st)
            shown = st.display(self.lang)
            shown.columns = [label(c, self.lang) for c in shown.columns]
            shown = shown.rename_axis(label("site_id", self.lang)).reset_index()
        else:
            shown = display_table(table.rename_axis("site_id").reset_index(), self.lang)
        per_resident = (
            values[["kept", "gained", "lost"]]
            .apply(pd.to_numeric, errors="coerce")
            .div(pd.to_numeric(values["n"], errors="coerce"), axis=0)
        )
        fig = grouped_bars(
            per_resident,
            columns={c: label(c, self.lang) for c in ("kept", "gained", "lost")},
            title=_t(
                self.lang,
                "Relationer pr. borger fra før til efter",
                "Relationships per resident from before to after",
            ),
            xlabel=_t(
                self.lang,
                "Gennemsnit pr. borger målt begge gange",
                "Mean per resident assessed twice",
            ),
            lang=self.lang,
            marker=f"<{self.min_cell}",
        )
        title = _t(
            self.lang,
            "Nye, bevarede og mistede relationer (summer)",
            "Relationships gained, kept and lost (sums)",
        )
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def relationship_map(self, resident: str | None = None) -> View:
        """Consultants: one resident's relationship map and indicators; pick site and resident."""
        if self.steering:
            return self._consultants_only()
        residents = self.data.residents
        by_site = {
            s: natural_sorted(residents.loc[residents["site_id"] == s, "resident_id"])
            for s in natural_sorted(residents["site_id"].unique())
        }
        every = [r for ids in by_site.values() for r in ids]
        if not every:
            return self._absent("Ingen borgere i data.", "No residents in the data.")
        if resident is not None and resident not in every:
            return View(
                [
                    _t(
                        self.lang,
                        f"Borgeren {resident!r} findes ikke{'' if self.site == ALL else ' i botilbud ' + self.site}. "
                        f"Fx: {', '.join(every[:5])}.",
                        f"Resident {resident!r} is not in the data{'' if self.site == ALL else ' of site ' + self.site}. "
                        f"E.g.: {', '.join(every[:5])}.",
                    )
                ],
                kind="problem",
            )
        chosen = resident or every[0]
        if not self.interactive:
            return self._map(chosen)
        return self._map_picker(by_site, chosen)

    def _map(self, resident: str) -> View:
        ind = self.indicators()
        rows = ind[ind["resident_id"] == resident]
        columns = [
            "resident_id",
            "site_id",
            "practice",
            "wave",
            "n_relations",
            "n_nonstaff",
            "n_close_nonstaff",
            "n_gives",
            "only_staff_close",
        ]
        fig = figures.relationship_map(
            self.data, resident, lang=self.lang, audience="consultant", show_id=True
        )
        title = _t(self.lang, "Borgerens indikatorer", "The resident's indicators")
        return View([], [(title, display_table(rows[columns], self.lang))], [fig])

    def _map_picker(self, by_site: dict[str, list[str]], chosen: str) -> View:
        import ipywidgets as widgets
        from IPython.display import display

        site_of = {r: s for s, ids in by_site.items() for r in ids}
        site_box = widgets.Dropdown(
            options=list(by_site), value=site_of[chosen], description=label("site_id", self.lang)
        )
        resident_box = widgets.Dropdown(
            options=by_site[site_of[chosen]],
            value=chosen,
            description=label("resident_id", self.lang),
        )
        out = widgets.Output()

        def draw(_change: object = None) -> None:
            out.clear_output(wait=True)
            with out:
                if resident_box.value:
                    display(self._map(resident_box.value))

        def site_changed(change: dict) -> None:
            resident_box.options = by_site[change["new"]]  # selects the site's first resident

        site_box.observe(site_changed, names="value")
        resident_box.observe(draw, names="value")
        draw()
        return View(widget=widgets.VBox([widgets.HBox([site_box, resident_box]), out]))


def _site_wave_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in natural site order (H2 before H10), then wave order (before, after, follow-up)."""
    from analyse.dataset import natural_key
    from analyse.relations import WAVES

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


# --------------------------------------------------------------------------- 02 behov

_NEED_COUNTS = (
    "n_wants_more",
    "n_only_staff_close",
    "n_gives_to_none",
    "n_no_frequent_contact",
    "n_any_flag",
)
_FLAGS = ("only_staff_close", "gives_to_none", "no_frequent_contact")


class _Behov(_Base):
    """Notebook 02: who wants more or other relationships, and what their network shows."""

    def _needs(self, wave: str):
        from analyse.relations import needs

        key = f"needs:{wave}"
        if key not in self._cache:
            self._cache[key] = needs(self.data, wave=wave)
        return self._cache[key]

    def _check_wave(self, wave: str) -> None:
        if wave not in self.data.waves:
            names = ", ".join(f"{w!r}" for w in self.data.waves)
            raise ConfigError(
                _t(
                    self.lang,
                    f"Målingen {wave!r} findes ikke i data; vælg en af {names} (parameteren wave).",
                    f"Wave {wave!r} is not in the data; choose one of {names} (the wave parameter).",
                )
            )

    @_guarded
    def needs_by_site(self, wave: str = "pre") -> View:
        """Per site: residents assessed, who want more relationships, and the three network signs."""
        self._check_wave(wave)
        counts = self._needs(wave).sites.set_index("site_id")[["n_assessed", *_NEED_COUNTS]]
        counts = counts.loc[natural_sorted(counts.index)]
        notes: list[str] = []
        values = counts
        if self.steering:
            st = privacy.suppress(
                counts,
                count_cols=list(_NEED_COUNTS),
                n_col="n_assessed",
                of_n=list(_NEED_COUNTS),
                margins="columns",
                min_cell=self.min_cell,
            )
            values, notes = st.values, self._suppressed_note(st)
            shown = st.display(self.lang)
            shown.columns = [label(c, self.lang) for c in shown.columns]
            shown = shown.rename_axis(label("site_id", self.lang)).reset_index()
        else:
            shown = display_table(counts.rename_axis("site_id").reset_index(), self.lang)
        n = pd.to_numeric(values["n_assessed"], errors="coerce")
        shares = values[list(_NEED_COUNTS[:4])].apply(pd.to_numeric, errors="coerce").div(n, axis=0)
        fig = grouped_bars(
            shares,
            columns={c: label(c, self.lang) for c in _NEED_COUNTS[:4]},
            title=_t(
                self.lang,
                "Ønsker og tegn på behov pr. botilbud",
                "Wishes and signs of need by site",
            ),
            xlabel=_t(self.lang, "Andel af borgerne målt", "Share of residents assessed"),
            lang=self.lang,
            percent=True,
            marker=f"<{self.min_cell}",
        )
        title = _t(self.lang, "Antal borgere pr. botilbud", "Residents by site")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def needs_crosstab(self, wave: str = "pre") -> View:
        """The resident's own wish (rows) against how many signs the network shows (0-3)."""
        self._check_wave(wave)
        people = self._needs(wave).residents
        wish = people["wants_more"].astype("string").fillna("unknown")
        table = pd.crosstab(wish, people["n_flags"]).reindex(columns=range(4), fill_value=0)
        order = [c for c in ("yes", "no", "unknown") if c in table.index]
        table = table.reindex(order).astype("int64")
        table.columns = [str(c) for c in table.columns]
        notes: list[str] = []
        values = table
        if self.steering:
            st = privacy.suppress(
                table, count_cols=list(table.columns), n_col=None, min_cell=self.min_cell
            )
            values, notes = st.values, self._suppressed_note(st)
            shown = st.display(self.lang)
        else:
            shown = table.map(lambda v: text.fmt_int(v, self.lang))
        signs = _t(self.lang, "tegn", "signs")
        shown.columns = [f"{c} {signs}" for c in shown.columns]
        rows = [_value("wants_more", c, self.lang) for c in table.index]
        shown.index = rows
        shown = shown.rename_axis(label("wants_more", self.lang)).reset_index()
        values = values.copy()
        values.index = rows
        fig = heatmap(
            values,
            title=_t(
                self.lang,
                "Ønske om flere relationer mod tegn i netværket",
                "Wish for more relationships against signs in the network",
            ),
            xlabel=label("n_flags", self.lang),
            ylabel=label("wants_more", self.lang),
            lang=self.lang,
            marker=f"<{self.min_cell}",
        )
        title = _t(self.lang, "Antal borgere", "Residents")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def needs_residents(self, wave: str = "pre", resident: str | None = None) -> View:
        """Consultants: residents with at least one sign, most signs first, and one's map."""
        if self.steering:
            return self._consultants_only()
        self._check_wave(wave)
        people = self._needs(wave).residents
        flagged = people[people["n_flags"] > 0].sort_values(
            ["n_flags", "resident_id"], ascending=[False, True]
        )
        columns = [
            "resident_id",
            "site_id",
            "wants_more",
            "respondent",
            "n_flags",
            *_FLAGS,
            "flagged_not_wanting",
        ]
        title = _t(self.lang, "Borgere med tegn på behov", "Residents showing a sign of need")
        table = View([], [(title, display_table(flagged[columns], self.lang))])
        if flagged.empty:
            return _merge(
                table,
                self._absent(
                    "Ingen borgere viser tegn på behov.", "No resident shows a sign of need."
                ),
            )
        ids = list(flagged["resident_id"].astype(str))
        chosen = resident if resident in ids else ids[0]

        def draw(rid: object) -> View:
            return View(
                figures=[
                    figures.relationship_map(
                        self.data, str(rid), lang=self.lang, audience="consultant", show_id=True
                    )
                ]
            )

        return _merge(
            table,
            self._choose(label("resident_id", self.lang), [(r, r) for r in ids], chosen, draw),
        )

    @_guarded
    def close_nonstaff(self, wave: str = "pre") -> View:
        """Close relationships beyond staff: per site mean and share with at least one."""
        self._check_wave(wave)
        ind = self.indicators()
        ind = ind[ind["wave"] == wave]
        grouped = ind.groupby(ind["site_id"].astype(str), sort=False)
        table = pd.DataFrame(
            {
                "n": grouped.size(),
                "mean_n_close_nonstaff": grouped["n_close_nonstaff"].mean(),
                "n_any_close_nonstaff": grouped["n_close_nonstaff"].apply(
                    lambda s: int((s > 0).sum())
                ),
            }
        )
        table = table.loc[natural_sorted(table.index)]
        notes: list[str] = []
        if self.steering:
            st = privacy.suppress(
                table,
                count_cols=["n_any_close_nonstaff"],
                n_col="n",
                stat_cols=["mean_n_close_nonstaff"],
                of_n=["n_any_close_nonstaff"],
                margins="columns",
                min_cell=self.min_cell,
            )
            notes = self._suppressed_note(st)
            shown = st.display(self.lang)
            shown.columns = [label(c, self.lang) for c in shown.columns]
            shown = shown.rename_axis(label("site_id", self.lang)).reset_index()
        else:
            shown = display_table(table.rename_axis("site_id").reset_index(), self.lang)
        fig = figures.site_distribution(
            ind,
            indicator="n_close_nonstaff",
            lang=self.lang,
            audience=self.audience,
            min_cell=self.min_cell if self.steering else None,
        )
        title = _t(
            self.lang,
            "Nære relationer ud over personalet pr. botilbud",
            "Close relationships beyond staff by site",
        )
        return View(notes, [(title, shown)], [fig])


# --------------------------------------------------------------------------- 03 fælles forståelse


class _Forstaaelse(_Base):
    """Notebook 03: do staff share an understanding of a good relationship, and with residents?"""

    def _understanding(self) -> pd.DataFrame | None:
        u = self.data.understanding
        return None if u.empty else u

    def _no_understanding(self) -> View:
        return self._absent(
            "Datasættet har ingen tabel forstaaelse (spørgsmål om, hvad en god relation er). "
            "Den er valgfri; afsnittet springes over.",
            "The data set has no understanding table (forstaaelse: what a good relationship is). "
            "It is optional; this section is skipped.",
        )

    def _staff(self, u: pd.DataFrame) -> pd.DataFrame:
        return u[u["role"] == "staff"]

    @_guarded
    def staff_agreement(self) -> View:
        """r_wg(J) and AD_M within each site's staff group, per wave, against the published bands."""
        from analyse import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        rj = agreement.rwg_j(
            self._staff(u), ["site_id", "wave"], "item", "rating", respondent="respondent_id"
        )
        if self.steering:
            rj = rj[rj["n_raters"] >= self.min_cell]
        rj = _site_wave_order(rj)
        rj["interpretation"] = [
            agreement.interpret("rwg_j", v, lang=self.lang) for v in rj["rwg_j"]
        ]
        columns = ["site_id", "wave", "n_raters", "n_items", "rwg_j", "ad_m", "interpretation"]
        shown = display_table(rj[columns], self.lang, decimals={"rwg_j": 2, "ad_m": 2})
        plot = rj.assign(
            wave=[_value("wave", w, self.lang) for w in rj["wave"]], low=np.nan, high=np.nan
        )
        fig = forest(
            plot,
            row="site_id",
            estimate="rwg_j",
            low="low",
            high="high",
            panel="wave",
            title=_t(
                self.lang, "Enighed i personalegruppen, r_wg(J)", "Agreement within staff, r_wg(J)"
            ),
            xlabel="r_wg(J)",
            lang=self.lang,
            reference=None,
            bands="rwg",
        )
        notes = (
            []
            if len(rj)
            else [
                _t(
                    self.lang,
                    f"Ingen personalegruppe har mindst {self.min_cell} medarbejdere.",
                    f"No staff group has at least {self.min_cell} members.",
                )
            ]
        )
        title = _t(self.lang, "Enighed pr. botilbud og måling", "Agreement by site and wave")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def alpha(self) -> View:
        """Krippendorff's alpha (ordinal) of all staff per wave, with its bootstrap interval."""
        from analyse import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        staff = self._staff(u)
        rows = []
        for wave, group in staff.groupby("wave", observed=True, sort=True):
            if group["respondent_id"].nunique() < (self.min_cell if self.steering else 2):
                continue
            a = agreement.krippendorff_alpha(
                group, "item", "respondent_id", "rating", seed=self.seed
            )
            rows.append(a.assign(wave=wave))
        if not rows:
            return self._absent(
                "For få medarbejdere har svaret til at beregne α.",
                "Too few staff answered to compute α.",
            )
        table = pd.concat(rows, ignore_index=True)
        table["ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
        ]
        table["interpretation"] = [
            agreement.interpret("alpha", v, lang=self.lang) for v in table["alpha"]
        ]
        shown = display_table(
            table[["wave", "n_raters", "n_units", "alpha", "ci", "interpretation"]],
            self.lang,
            decimals={"alpha": 2},
        )
        plot = table.assign(wave=[_value("wave", w, self.lang) for w in table["wave"]])
        fig = forest(
            plot,
            row="wave",
            estimate="alpha",
            low="ci_low",
            high="ci_high",
            title=_t(
                self.lang,
                "Krippendorffs α for personalet, med 95 %-interval",
                "Krippendorff's α of staff, with 95% interval",
            ),
            xlabel="α",
            lang=self.lang,
            reference=0.0,
            bands="alpha",
        )
        return View(
            [],
            [(_t(self.lang, "Krippendorffs α pr. måling", "Krippendorff's α by wave"), shown)],
            [fig],
        )

    @_guarded
    def roles(self) -> View:
        """Per statement: how many staff and residents agree (4-5), and how far apart they are."""
        from analyse import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        if u["role"].nunique() < 2:
            return self._absent(
                "Kun én rolle har svaret; der er intet at sammenligne.",
                "Only one role answered; nothing to compare.",
            )
        roles = agreement.compare_roles(u, seed=self.seed)
        if self.steering:
            roles = roles[
                (roles["n_staff"] >= self.min_cell) & (roles["n_resident"] >= self.min_cell)
            ]
        roles = roles.sort_values(["wave", "disagreement_rank"]).reset_index(drop=True)
        roles["item"] = self._item_labels(roles["item"])
        roles["ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(roles["ci_low"], roles["ci_high"], strict=True)
        ]
        columns = [
            "wave",
            "item",
            "n_staff",
            "n_resident",
            "share_agree_staff",
            "share_agree_resident",
            "cliffs_delta",
            "ci",
            "p",
            "disagreement_rank",
        ]
        shown = display_table(
            roles[columns],
            self.lang,
            decimals={"cliffs_delta": 2},
            percent=["share_agree_staff", "share_agree_resident"],
            pvalues=["p"],
        )
        fig = _dumbbell(roles, self.lang)
        title = _t(self.lang, "Personale og borgere pr. udsagn", "Staff and residents by statement")
        return View([], [(title, shown)], [fig])

    def _item_labels(self, codes: pd.Series) -> list[str]:
        items = self.data.items
        column = "text_da" if self.lang == "da" or "text_en" not in items.columns else "text_en"
        texts = dict(
            zip(items["item"].astype(str), items[column].astype("string").fillna(""), strict=True)
        )
        out = []
        for code in codes.astype(str):
            t = texts.get(code) or ""
            out.append(f"{code}: {t[:48]}{'…' if len(t) > 48 else ''}" if t else code)
        return out

    @_guarded
    def change(self) -> View:
        """Staff agreement before and after, per site, with a bootstrap interval of the change."""
        from analyse import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        if not {"pre", "post"} <= set(u["wave"].astype(str)):
            return self._absent(
                "Forståelsen er kun målt én gang.", "Understanding was measured only once."
            )
        ch = agreement.change(u, seed=self.seed)
        if self.steering:
            ch = ch[(ch["n_before"] >= self.min_cell) & (ch["n_after"] >= self.min_cell)]
        ch = ch.iloc[
            sorted(range(len(ch)), key=lambda i: _natural(ch["site_id"].iloc[i]))
        ].reset_index(drop=True)
        ch["ci"] = [
            text.fmt_ci(lo, hi, 3, self.lang)
            for lo, hi in zip(ch["ci_low"], ch["ci_high"], strict=True)
        ]
        shown = display_table(
            ch[
                [
                    "site_id",
                    "statistic",
                    "n_before",
                    "n_after",
                    "before",
                    "after",
                    "difference",
                    "ci",
                ]
            ],
            self.lang,
            decimals={"before": 3, "after": 3, "difference": 3},
        )
        plot = ch.assign(statistic=[label(str(v), self.lang) for v in ch["statistic"]])
        fig = forest(
            plot,
            row="site_id",
            estimate="difference",
            low="ci_low",
            high="ci_high",
            panel="statistic",
            title=_t(
                self.lang,
                "Ændring i personalets enighed (efter − før), 95 %-interval",
                "Change in staff agreement (after − before), 95% interval",
            ),
            xlabel=label("difference", self.lang),
            lang=self.lang,
        )
        notes = (
            []
            if len(ch)
            else [
                _t(
                    self.lang,
                    "Ingen botilbud har nok medarbejdere begge gange.",
                    "No site has enough staff in both waves.",
                )
            ]
        )
        return View(
            notes, [(_t(self.lang, "Ændring pr. botilbud", "Change by site"), shown)], [fig]
        )

    @_guarded
    def assessments(self) -> View:
        """Staff ratings of residents: agreement among staff, and staff against residents."""
        from analyse import agreement

        if self.data.assessments.empty:
            return self._absent(
                "Datasættet har ingen tabel vurderinger (personalets vurderinger af borgerne). "
                "Den er valgfri; afsnittet springes over.",
                "The data set has no assessments table (vurderinger: staff rating residents). "
                "It is optional; this section is skipped.",
            )
        rel = agreement.assessment_reliability(self.data, seed=self.seed)
        agr = agreement.assessment_agreement(self.data)
        if self.steering:
            rel = rel[rel["n_residents"] >= self.min_cell]
            agr = agr[agr["n_residents"] >= self.min_cell]
        rel = rel.assign(
            alpha_ci=[
                text.fmt_ci(lo, hi, 2, self.lang)
                for lo, hi in zip(rel["alpha_ci_low"], rel["alpha_ci_high"], strict=True)
            ],
            icc_ci=[
                text.fmt_ci(lo, hi, 2, self.lang)
                for lo, hi in zip(rel["icc_ci_low"], rel["icc_ci_high"], strict=True)
            ],
        )
        agr = agr.assign(
            ci=[
                text.fmt_ci(lo, hi, 2, self.lang)
                for lo, hi in zip(agr["ci_low"], agr["ci_high"], strict=True)
            ]
        )
        two = {"alpha": 2, "icc": 2, "kappa": 2, "spearman_rho": 2}
        shown_rel = display_table(
            rel[
                [
                    "wave",
                    "aspect",
                    "n_residents",
                    "n_raters",
                    "alpha",
                    "alpha_ci",
                    "icc_model",
                    "icc",
                    "icc_ci",
                ]
            ],
            self.lang,
            decimals=two,
        )
        shown_rel = shown_rel.rename(
            columns={
                "alpha_ci": _t(self.lang, "95 %-interval for α", "95% interval of α"),
                "icc_ci": _t(self.lang, "95 %-interval for ICC", "95% interval of ICC"),
            }
        )
        shown_agr = display_table(
            agr[
                [
                    "wave",
                    "n_residents",
                    "kappa",
                    "ci",
                    "spearman_rho",
                    "share_exact",
                    "share_within_one",
                ]
            ],
            self.lang,
            decimals=two,
            percent=["share_exact", "share_within_one"],
        )
        plot = rel.assign(wave=[_value("wave", w, self.lang) for w in rel["wave"]])
        fig = forest(
            plot,
            row="aspect",
            estimate="alpha",
            low="alpha_ci_low",
            high="alpha_ci_high",
            panel="wave",
            title=_t(
                self.lang,
                "Enighed mellem medarbejdere om borgerne (Krippendorffs α)",
                "Agreement among staff about residents (Krippendorff's α)",
            ),
            xlabel="α",
            lang=self.lang,
            bands="alpha",
        )
        return View(
            [],
            [
                (
                    _t(
                        self.lang,
                        "Enighed mellem medarbejdere pr. aspekt",
                        "Agreement among staff by aspect",
                    ),
                    shown_rel,
                ),
                (
                    _t(
                        self.lang,
                        "Personalets samlede vurdering mod borgerens egen tilfredshed",
                        "Staff's overall rating against the resident's own satisfaction",
                    ),
                    shown_agr,
                ),
            ],
            [fig],
        )


def _natural(value: object) -> list:
    from analyse.dataset import natural_key

    return natural_key(value)


def _dumbbell(roles: pd.DataFrame, lang: Lang) -> Figure:
    """Share agreeing among staff and residents per statement, one panel per wave."""
    from matplotlib.ticker import PercentFormatter

    waves = list(dict.fromkeys(roles["wave"].astype(str)))
    items = sorted(dict.fromkeys(roles["item"]))
    with figures.theme_context():
        fig = _figure(5.2 * max(len(waves), 1) + 2.5, 0.42 * len(items) + 1.8)
        axes = fig.subplots(1, max(len(waves), 1), sharey=True, squeeze=False)[0]
        for ax, wave in zip(axes, waves, strict=False):
            part = roles[roles["wave"].astype(str) == wave]
            y = {it: i for i, it in enumerate(items)}
            for _, r in part.iterrows():
                ax.plot(
                    [r["share_agree_staff"], r["share_agree_resident"]],
                    [y[r["item"]]] * 2,
                    color="#999999",
                    lw=1.5,
                )
            ys = [y[i] for i in part["item"]]
            ax.plot(
                part["share_agree_staff"],
                ys,
                "o",
                color="#0072B2",
                label=_t(lang, "Personale", "Staff"),
            )
            ax.plot(
                part["share_agree_resident"],
                ys,
                "s",
                color="#E69F00",
                label=_t(lang, "Borgere", "Residents"),
            )
            ax.set_yticks(range(len(items)), items)
            ax.set_ylim(len(items) - 0.5, -0.5)
            ax.set_xlim(0, 1.02)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_xlabel(_t(lang, "Andel enige (4-5)", "Share agreeing (4-5)"))
            ax.set_title(figures.value_label("wave", wave, lang))
        axes[0].legend(loc="lower left", fontsize=8)
        fig.suptitle(
            _t(
                lang,
                "Hvor enige er personale og borgere i hvert udsagn?",
                "How far do staff and residents agree with each statement?",
            )
        )
    return fig


# --------------------------------------------------------------------------- 04 afprøvning

_OUTCOMES = ("loneliness", "satisfaction")
_NETWORK = ("n_relations", "n_nonstaff", "n_gives")
_LOWER_IS_BETTER = {o for o, m in OUTCOMES.items() if m.lower_is_better}


class _Afproevning(_Base):
    """Notebook 04: did the practices make a difference, for whom, and who was lost?

    This part: the outcomes and the relationships before and after, per practice, and the
    helpers the notebook's other parts (:class:`_Sammenligning`, :class:`_Borgerniveau`) share.
    """

    def _long(self) -> pd.DataFrame:
        from analyse.prepost import outcomes_long

        if "long" not in self._cache:
            self._cache["long"] = outcomes_long(self.data)
        return self._cache["long"]

    def _two_waves(self) -> View | None:
        if {"pre", "post"} <= set(self.data.waves):
            return None
        return self._absent(
            "Data har ikke både før- og eftermåling.", "The data lack a before or an after wave."
        )

    def _practice_labels(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(practice=[_value("practice", p, self.lang) for p in frame["practice"]])

    def _change_by_practice(
        self, data: pd.DataFrame, values: Sequence[str], chosen: str | None, title: str
    ) -> View:
        from analyse import prepost

        result = prepost.by_group(
            data, "practice", "resident_id", "wave", list(values), min_cell=self.min_cell
        )
        result = result.iloc[
            sorted(
                range(len(result)),
                key=lambda i: (
                    result["practice"].iloc[i] == "none",
                    _natural(result["practice"].iloc[i]),
                ),
            )
        ]
        shown = self._change_table(result, "indicator")
        plot = self._practice_labels(result)
        if self.steering:
            plot = plot[plot["withheld"] != "all"]

        def draw(value: object) -> View:
            part = plot[plot["indicator"] == value]
            better = (
                _t(self.lang, " (lavere er bedre)", " (lower is better)")
                if value in _LOWER_IS_BETTER
                else ""
            )
            return View(
                figures=[
                    forest(
                        part,
                        row="practice",
                        estimate="mean_diff",
                        low="ci_low",
                        high="ci_high",
                        title=_t(
                            self.lang,
                            f"{label(str(value), self.lang)}: ændring med 95 %-konfidensinterval{better}",
                            f"{label(str(value), self.lang)}: change with 95% confidence interval{better}",
                        ),
                        xlabel=label("mean_diff", self.lang),
                        lang=self.lang,
                    )
                ]
            )

        options = [(label(v, self.lang), v) for v in values]
        picked = self._choose(_t(self.lang, "Mål", "Measure"), options, chosen or values[0], draw)
        if not self.interactive and chosen is None:  # headless: every outcome's figure
            picked = _merge(*(draw(v) for v in values))
        return _merge(View([], [(title, shown)]), picked)

    def _steering_changes(self, values: Sequence[str]) -> View:
        """Steering: the before/after tables and sentences of the steering reports, through
        their gate (this site's report, or the overview's practices and comparison group),
        the rows of ``values`` only."""
        from analyse import report

        ctx = self.report_context()
        if ctx.too_small:
            return View([item.text for item in report._too_small(ctx)])
        long = report.trial_long(ctx)
        if self.site == ALL:
            items = report._by_practice(ctx, long)
        else:
            st = report.trial_family_table(ctx, long)
            items = report._trial_items(
                ctx,
                st,
                "foer_efter",
                _t(self.lang, "Før og efter afprøvningen", "Before and after"),
            )
        view = _report_view(items, [report._value_label(ctx, v) for v in values])
        # The reports' figure of the same gated means (before and after, per group).
        from analyse import main_results

        view.figures += [
            item.figure for item in main_results.udvikling(ctx) if type(item).__name__ == "Figure"
        ]
        return view

    @_guarded
    def outcome_change(self, outcome: str | None = None) -> View:
        """Loneliness and satisfaction before and after, per practice (complete pairs)."""
        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:
            return self._steering_changes(_OUTCOMES)
        values = [v for v in _OUTCOMES if self._long()[v].notna().any()]
        if not values:
            return self._absent(
                "Ingen udfaldsmål (ensomhed, tilfredshed) i data.",
                "No outcome scores (loneliness, satisfaction) in the data.",
            )
        return self._change_by_practice(
            self._long(),
            values,
            outcome,
            _t(
                self.lang,
                "Før og efter pr. praksis: ensomhed og tilfredshed",
                "Before and after by practice: loneliness and satisfaction",
            ),
        )

    @_guarded
    def network_change(self, indicator: str | None = None) -> View:
        """Relationships, relationships beyond staff and where the resident gives, per practice."""
        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:  # the reports show relationships not with staff and where one gives
            return self._steering_changes(("n_nonstaff", "n_gives"))
        return self._change_by_practice(
            self.indicators(),
            list(_NETWORK),
            indicator,
            _t(
                self.lang,
                "Før og efter pr. praksis: relationerne",
                "Before and after by practice: the relationships",
            ),
        )


class _Sammenligning(_Afproevning):
    """Notebook 04: each practice against the comparison group (difference in differences)."""

    def _trial_data(self) -> pd.DataFrame:
        """Outcomes and relationship indicators per resident and wave, of the WHOLE data set
        (the comparison group's pairs come from every site)."""
        from analyse.prepost import outcomes_long
        from analyse.relations import indicators

        if "trial_all" not in self._cache:
            ind = indicators(self.ds)[["resident_id", "wave", "n_nonstaff", "n_gives"]]
            self._cache["trial_all"] = outcomes_long(self.ds).merge(
                ind, on=["resident_id", "wave"], how="left"
            )
        return self._cache["trial_all"]

    def _own_practice(self) -> str | None:
        """The practice tried at :attr:`site` (None for all sites)."""
        if self.site == ALL:
            return None
        codes = self.data.residents["practice"].dropna().astype(str).mode()
        return str(codes.iloc[0]) if len(codes) else "none"

    @_guarded
    def comparison(self) -> View:
        """Each practice against the comparison group (difference in differences).

        On the overview's scale: the difference in mean change (points or relationships per
        resident), with the comparison group's pairs from every site, also when :attr:`site`
        is set (then this site's residents against them). Consultants also see the count
        model's ratio for relationships not with staff, named as a ratio. Steering: the
        overview's gated table, through the reports' gate.
        """
        from analyse import prepost
        from analyse.report import TRIAL_VALUES

        missing = self._two_waves()
        if missing is not None:
            return missing
        own = self._own_practice()
        if own == "none":
            return self._absent(
                f"Botilbud {self.site} er selv sammenligningsgruppe: her er ingen praksis at "
                'sammenligne. Brug site = "all" for at se hver praksis mod sammenligningsgruppen.',
                f"Site {self.site} is itself a comparison group: there is no practice to compare. "
                'Use site = "all" to see each practice against the comparison group.',
            )
        if self.steering:
            return self._comparison_steering(own)
        long = self._trial_data()
        if own is not None:  # this site's residents, and the comparison group of all sites
            site_of = long["site_id"].astype(str) == str(self.site)
            long = long[site_of | (long["practice"].astype(str) == "none")]
        rows = [
            prepost.model(long, v, min_cell=self.min_cell).assign(outcome=v)
            for v in TRIAL_VALUES
            if long[v].notna().any()
        ]
        rows.append(
            prepost.model(long, "n_nonstaff", family="count", min_cell=self.min_cell).assign(
                outcome="n_nonstaff_ratio"
            )
        )
        table = pd.concat(rows, ignore_index=True)
        table = self._practice_labels(table)
        table["ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
        ]
        table["note"] = [
            _WITHHELD[w][0 if self.lang == "da" else 1] if w in _WITHHELD else ""
            for w in table["withheld"]
        ]
        table["scale"] = [
            {
                "difference": _t(
                    self.lang, "forskel i gennemsnitlig ændring", "difference in mean change"
                ),
                "ratio": _t(
                    self.lang,
                    "forhold mellem rater (tællemodel; 1 = ingen forskel)",
                    "ratio of rates (count model; 1 = no difference)",
                ),
            }.get(str(s), str(s))
            for s in table["scale"]
        ]
        table = table.rename(columns={"p": "p_model"})
        outcome_label = {
            v: label(v, self.lang) for v in table["outcome"].unique() if v != "n_nonstaff_ratio"
        }
        outcome_label["n_nonstaff_ratio"] = _t(
            self.lang,
            "Relationer, som ikke er personale (forhold)",
            "Relationships not with staff (ratio)",
        )
        table["outcome"] = [outcome_label[o] for o in table["outcome"]]
        shown = display_table(
            table[
                [
                    "outcome",
                    "practice",
                    "estimate",
                    "ci",
                    "p_model",
                    "scale",
                    "n_pairs",
                    "n_pairs_comparison",
                    "note",
                ]
            ],
            self.lang,
            decimals={"estimate": 2},
            pvalues=["p_model"],
        )
        figs = []
        for outcome, part in table.groupby("outcome", sort=False):
            ratio = bool((part["scale"].str.startswith(("forhold", "ratio"))).any())
            figs.append(
                forest(
                    part,
                    row="practice",
                    estimate="estimate",
                    low="ci_low",
                    high="ci_high",
                    title=_t(
                        self.lang,
                        f"{outcome}: praksis mod sammenligningsgruppen",
                        f"{outcome}: practice against the comparison group",
                    ),
                    xlabel=_t(self.lang, "Forhold (1 = ingen forskel)", "Ratio (1 = no difference)")
                    if ratio
                    else _t(
                        self.lang,
                        "Forskel i gennemsnitlig ændring",
                        "Difference in mean change",
                    ),
                    lang=self.lang,
                    reference=1.0 if ratio else 0.0,
                )
            )
        where = (
            _t(self.lang, "alle botilbud", "all sites")
            if own is None
            else _t(self.lang, f"botilbud {self.site}", f"site {self.site}")
        )
        texts = [
            _t(
                self.lang,
                f"Praksis i {where} mod sammenligningsgruppens par fra alle botilbud. Forskellen "
                "er i gennemsnitlig ændring, som i den samlede rapport; forholdet for relationer, "
                "som ikke er personale, er en tællemodels forhold mellem rater og står for sig.",
                f"Practice in {where} against the comparison group's pairs from all sites. The "
                "difference is in mean change, as in the overview report; the ratio for "
                "relationships not with staff is a count model's ratio of rates, shown apart.",
            )
        ]
        title = _t(
            self.lang, "Forskel-i-forskelle pr. praksis", "Difference in differences by practice"
        )
        return View(texts, [(title, shown)], figs)

    def _comparison_steering(self, own: str | None) -> View:
        """The overview's practice-vs-comparison table as the steering reports publish it."""
        from analyse import main_results

        ctx = self.report_context(ALL)
        items = main_results.sammenligning(ctx)
        if own is not None:
            group = main_results._practice_name(ctx, own)
            for item in items:
                if hasattr(item, "frame"):
                    col = _t(self.lang, "Praksis", "Practice")
                    item.frame = item.frame[item.frame[col] == group].reset_index(drop=True)
        return _report_view(items, None)


class _Borgerniveau(_Afproevning):
    """Notebook 04, resident by resident (consultants only): reliable change and attrition."""

    @_guarded
    def reliable_change(
        self, outcome: str = "loneliness", reliability: Mapping[str, float | None] | None = None
    ) -> View:
        """Reliable change per resident (Jacobson & Truax 1991): why few change reliably.

        ``reliability`` overrides :data:`RELIABILITY` per outcome.
        """
        from analyse import prepost

        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:
            return self._not_in_steering_reports()
        if outcome not in _OUTCOMES:
            raise ConfigError(f"outcome must be one of {list(_OUTCOMES)}; received {outcome!r}.")
        r = {**RELIABILITY, **dict(reliability or {})}.get(outcome)
        source = RELIABILITY_SOURCES[outcome][self.lang]
        if r is None:
            return self._absent(
                f"Pålidelig ændring beregnes ikke for {label(outcome, 'da').lower()}: {source}",
                f"Reliable change is not computed for {label(outcome, 'en').lower()}: {source}",
            )
        lower = outcome in _LOWER_IS_BETTER
        rc = prepost.reliable_change(
            self._long(),
            "resident_id",
            "wave",
            outcome,
            float(r),
            lower_is_better=lower,
            group="practice",
            min_cell=self.min_cell,
        )
        subjects = rc.subjects
        shown, values, notes = self._rc_counts(subjects)
        info = rc.counts.iloc[0]
        texts = [
            self._rc_sentence(outcome, float(r), info, subjects),
            _t(self.lang, "Kilde for reliabiliteten: ", "Source of the reliability: ") + source,
        ]
        z = float(info["critical_change"] / info["s_diff"])
        fig = self._rc_figure(outcome, subjects, values, z=z, lower_is_better=lower)
        title = _t(self.lang, "Borgere efter pålidelig ændring", "Residents by reliable change")
        return View(texts + notes, [(title, shown)], [fig])

    def _rc_counts(self, subjects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
        """Residents by category and practice: the shown table, its values, notes."""
        from analyse.prepost import CATEGORIES

        # Consultants see every resident's RCI, so they see the counts too (never a hidden
        # aggregate next to the rows it sums); steering gets the privacy gate.
        counts = pd.crosstab(subjects["practice"], subjects["category"], dropna=False).reindex(
            columns=list(CATEGORIES), fill_value=0
        )
        counts.columns = list(CATEGORIES)
        counts.insert(0, "n", counts.sum(axis=1))
        counts = counts.astype("int64").loc[
            sorted(counts.index, key=lambda p: (p == "none", _natural(p)))
        ]
        notes: list[str] = []
        values = counts
        if self.steering:
            st = privacy.suppress(
                counts, count_cols=[*CATEGORIES, "n"], total_col="n", min_cell=self.min_cell
            )
            values, notes = st.values, self._suppressed_note(st)
            shown = st.display(self.lang)
        else:
            shown = counts.map(lambda v: text.fmt_int(v, self.lang))
        shown.columns = [label(c, self.lang) for c in shown.columns]
        shown.index = [_value("practice", p, self.lang) for p in shown.index]
        shown = shown.rename_axis(label("practice", self.lang)).reset_index()
        return shown, values, notes

    def _rc_figure(
        self,
        outcome: str,
        subjects: pd.DataFrame,
        values: pd.DataFrame,
        *,
        z: float,
        lower_is_better: bool,
    ) -> Figure:
        """Consultants: the distribution of RCI with the band; steering: counts per practice."""
        from analyse.prepost import CATEGORIES

        if self.steering:
            bars = values[list(CATEGORIES)].apply(pd.to_numeric, errors="coerce")
            bars.index = [_value("practice", p, self.lang) for p in bars.index]
            return grouped_bars(
                bars,
                columns={c: label(c, self.lang) for c in CATEGORIES},
                title=_t(self.lang, "Pålidelig ændring pr. praksis", "Reliable change by practice"),
                xlabel=_t(self.lang, "Antal borgere", "Residents"),
                lang=self.lang,
                marker=f"<{self.min_cell}",
            )
        return rci_histogram(
            subjects["rci"],
            z=z,
            lower_is_better=lower_is_better,
            lang=self.lang,
            title=_t(
                self.lang,
                f"{label(outcome, 'da')}: fordeling af RCI (borgere målt begge gange)",
                f"{label(outcome, 'en')}: distribution of the RCI (residents assessed twice)",
            ),
        )

    def _rc_sentence(self, outcome: str, r: float, info: pd.Series, subjects: pd.DataFrame) -> str:
        lang = self.lang
        crit = text.fmt_number(info["critical_change"], 1, lang)
        sd = text.fmt_number(info["sd_pre"], 1, lang)
        mean = (
            text.fmt_number(subjects["change"].mean(), 1, lang) if len(subjects) else text.MISSING
        )
        rr = text.fmt_number(r, 2, lang)
        name = label(outcome, lang).lower()
        figure_da, figure_en = (
            (
                " Figuren tæller borgerne i hver gruppe.",
                " The figure counts the residents in each group.",
            )
            if self.steering
            else (
                " Figuren viser hver borgers RCI; det grå bånd er ±1,96.",
                " The figure shows each resident's RCI; the grey band is ±1.96.",
            )
        )
        return _t(
            lang,
            f"Med reliabilitet {rr} og en spredning på {sd} point før afprøvningen skal en borgers "
            f"{name} ændre sig mindst {crit} point, før ændringen er større end måleusikkerheden "
            f"(|RCI| > 1,96). Gennemsnittet ændrede sig {mean} point: mange små ændringer i samme "
            "retning gør gennemsnittet tydeligt, selv om hver enkelt borgers ændring er for lille til "
            "at skille sig ud fra måleusikkerheden." + figure_da,
            f"With reliability {rr} and a spread of {sd} points before the trial, a resident's "
            f"{name} must change by at least {crit} points before the change exceeds measurement "
            f"error (|RCI| > 1.96). The mean changed by {mean} points: many small changes in the same "
            "direction make the mean clear, while each resident's change is too small to stand out "
            "from measurement error." + figure_en,
        )

    @_guarded
    def attrition(self) -> View:
        """Who was assessed before but not after, and how they started compared with the rest."""
        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:
            return self._not_in_steering_reports()
        long = self._long()
        at_pre = long[long["wave"].astype(str) == "pre"]
        after = set(long.loc[long["wave"].astype(str) == "post", "resident_id"])
        lost = ~at_pre["resident_id"].isin(after)
        # Consultants see the rows of those lost, so they see their means too.
        rows = []
        for value in _OUTCOMES:
            done, gone = at_pre.loc[~lost, value].dropna(), at_pre.loc[lost, value].dropna()
            rows.append(
                {
                    "outcome": value,
                    "n_completed": len(done),
                    "n_lost": len(gone),
                    "mean_completed": done.mean() if len(done) else np.nan,
                    "mean_lost": gone.mean() if len(gone) else np.nan,
                }
            )
        comparison = display_table(pd.DataFrame(rows), self.lang)
        people = at_pre.loc[lost, ["resident_id", "site_id", "practice", *_OUTCOMES]].reset_index(
            drop=True
        )
        group = [
            _t(self.lang, "faldet fra", "lost")
            if x
            else _t(self.lang, "målt begge gange", "assessed twice")
            for x in lost
        ]
        plot = at_pre.assign(group=group).melt(
            id_vars=["resident_id", "group"],
            value_vars=list(_OUTCOMES),
            var_name="outcome",
            value_name="score",
        )
        plot["outcome"] = [label(o, self.lang) for o in plot["outcome"]]
        fig = strip(
            plot,
            value="score",
            group="group",
            panel="outcome",
            lang=self.lang,
            title=_t(
                self.lang,
                "Førmåling: faldet fra mod målt begge gange (streg = gennemsnit)",
                "Before: lost against assessed twice (bar = mean)",
            ),
        )
        texts = (
            []
            if len(people)
            else [_t(self.lang, "Ingen borgere faldt fra.", "No resident was lost.")]
        )
        return View(
            texts,
            [
                (
                    _t(
                        self.lang,
                        "Førmålingen for dem der faldt fra og dem der blev",
                        "Before scores of those lost and those who stayed",
                    ),
                    comparison,
                ),
                (
                    _t(
                        self.lang,
                        "Borgere målt før, men ikke efter",
                        "Residents assessed before but not after",
                    ),
                    display_table(people, self.lang),
                ),
            ],
            [fig],
        )

    def _attrition_steering(self) -> View:
        from analyse import prepost

        result = prepost.attrition(self.data, min_cell=self.min_cell)
        comparison = result.comparison.set_index("value")
        st = privacy.suppress(
            comparison[["n_completed", "n_lost"]],
            n_col=None,
            count_cols=["n_completed", "n_lost"],
            margins="rows",
            min_cell=self.min_cell,
        )
        shown = st.display(self.lang)
        means = comparison[
            ["mean_completed", "mean_lost"]
        ]  # withheld (NaN) by prepost.guard when small
        for column in means.columns:
            shown[column] = [text.fmt_number(v, 1, self.lang) for v in means[column]]
        shown.columns = [label(c, self.lang) for c in shown.columns]
        shown.index = [label(str(v), self.lang) for v in shown.index]
        shown = shown.rename_axis(label("outcome", self.lang)).reset_index()
        values = st.values.apply(pd.to_numeric, errors="coerce")
        values.index = [label(str(v), self.lang) for v in values.index]
        fig = grouped_bars(
            values,
            columns={c: label(c, self.lang) for c in ("n_completed", "n_lost")},
            title=_t(self.lang, "Målt begge gange og faldet fra", "Assessed twice and lost"),
            xlabel=_t(self.lang, "Antal borgere", "Residents"),
            lang=self.lang,
            marker=f"<{self.min_cell}",
        )
        return View(
            self._suppressed_note(st), [(_t(self.lang, "Frafald", "Attrition"), shown)], [fig]
        )


class Exploration(_Sammenligning, _Borgerniveau, _Afproevning, _Forstaaelse, _Behov, _Kortlaegning):
    """A data set opened for exploration, with the notebook's parameters.

    Create it with :func:`open`. Each public method is one analysis of notebooks 01-04 and
    returns a :class:`View`. When :attr:`problem` is set (bad data, unknown site, bad
    parameter), every method returns a short view pointing to it instead of raising.
    """
