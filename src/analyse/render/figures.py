"""Figures for kortlægning and behov: one theme, colour-blind-safe, Danish labels.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot's global
figure registry, and never saves or shows it: the notebook displays it, the report layer
saves it. Each figure is drawn inside :func:`theme_context`, so it looks the same whether
or not :func:`set_theme` was called. Labels are read off the data contract
(:mod:`analyse.data.schema`: column labels and code labels) in Danish by default
(``lang="en"`` for English); indicator labels, which are not columns of the contract, are
in :data:`INDICATOR_LABELS`.

The palette is Okabe & Ito's (2008) eight colours for colour-vision deficiencies, one per
alter type (yellow, the weakest on white, is replaced by grey for ``other``).

References
----------
Okabe, M., & Ito, K. (2008). Color Universal Design (CUD): How to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/

Kahn, R. L., & Antonucci, T. C. (1980). Convoys over the life course: attachment, roles,
and social support. Life-Span Development and Behavior, 3, 253-286.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import cast

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.ticker import PercentFormatter

from analyse.config import Audience, Lang
from analyse.data.dataset import Dataset, natural_sorted
from analyse.data.schema import OUTCOMES, ColumnSpec, table_spec
from analyse.errors import ConfigError, PrivacyError
from analyse.stats.relations import ALTER_TYPES, WAVES
from analyse.words import text

__all__ = [
    "ALTER_TYPE_COLOURS",
    "INDICATOR_LABELS",
    "OKABE_ITO",
    "before_after_means",
    "change_dots",
    "composition_bars",
    "forest_plot",
    "png_bytes",
    "png_image",
    "prepost_paired",
    "relationship_map",
    "set_theme",
    "site_distribution",
    "theme_context",
]


#: Okabe & Ito (2008): black, orange, sky blue, bluish green, yellow, blue, vermillion,
#: reddish purple.
OKABE_ITO: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
#: One colour per alter type (Okabe-Ito; grey instead of yellow for ``other``).
ALTER_TYPE_COLOURS: dict[str, str] = {
    "family": "#E69F00",
    "partner": "#CC79A7",
    "friend": "#009E73",
    "co_resident": "#56B4E9",
    "staff": "#000000",
    "volunteer": "#0072B2",
    "community": "#D55E00",
    "other": "#999999",
}
#: Colours of the waves in paired and grouped plots.
WAVE_COLOURS: dict[str, str] = {"pre": "#56B4E9", "post": "#0072B2", "followup": "#009E73"}

#: Labels of indicator columns (not columns of the data contract): a view of the one
#: catalogue, :data:`analyse.words.text.LABELS`.
INDICATOR_LABELS: dict[str, dict[str, str]] = {
    k: text.LABELS[k]
    for k in (
        "n_relations",
        "n_staff",
        "n_nonstaff",
        "n_close",
        "n_close_nonstaff",
        "n_gives",
        "n_reciprocal",
        "gives_any",
        "share_gives",
        "n_types",
        "staff_share",
        "n_frequent",
        "only_staff_close",
        "diversity",
        "gained",
        "kept",
        "lost",
    )
}

_RADIUS = {1: 0.58, 2: 1.5, 3: 2.5}


# --------------------------------------------------------------------------- theme


def _theme_rc() -> dict[str, object]:
    rc: dict[str, object] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook"))
    rc.update(
        {
            "axes.prop_cycle": cycler(color=list(OKABE_ITO[1:]) + [OKABE_ITO[0]]),
            "font.family": ["sans-serif"],
            # DejaVu Sans ships with matplotlib and has æ, ø, å.
            "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans", "sans-serif"],
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "figure.titlesize": 14,
            "figure.titleweight": "bold",
            "legend.frameon": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            # A title at a fixed height: matplotlib would otherwise measure every tick label
            # of the axes to see whether the title must move up (only for ticks on top,
            # which no figure here has), once per layout pass and once per drawing.
            "axes.titley": 1.0,
        }
    )
    return rc


def set_theme() -> None:
    """Apply the project's figure theme globally (for notebooks).

    seaborn's ``whitegrid`` style and ``notebook`` context, the Okabe-Ito colour cycle and
    DejaVu Sans (which has æ, ø and å). The figure functions of this module use the same
    theme on their own (:func:`theme_context`), so calling this is only needed for
    figures drawn outside the module.
    """
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update(_theme_rc())


@contextlib.contextmanager
def theme_context() -> Iterator[None]:
    """The project's theme for the figures drawn inside the ``with`` block."""
    with mpl.rc_context(_theme_rc()):
        yield


def number_axis(ax, lang: Lang = "da", axis: str = "y") -> None:
    """Tick labels of a numeric axis as the reports write numbers (50.000 and 7,5 in Danish).

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> number_axis(ax, "da")
    >>> ax.yaxis.get_major_formatter()(12500.0), ax.yaxis.get_major_formatter()(2.5)
    ('12.500', '2,5')
    >>> plt.close(fig)
    """
    from matplotlib.ticker import FuncFormatter

    locale = "da_DK" if lang == "da" else "en_GB"
    formatter = FuncFormatter(lambda v, _pos: _tick_text(str(round(float(v), 6)), locale))
    getattr(ax, f"{axis}axis").set_major_formatter(formatter)


@functools.lru_cache(maxsize=4096)
def _tick_text(value: str, locale: str) -> str:
    """A tick label as babel writes it, once per value: a figure's layout and drawing format
    the same ticks many times (babel parses its pattern on every call). ``value`` is the
    float's ``str`` (so ``-0.0``, which babel writes ``-0``, is not ``0.0``)."""
    from babel.numbers import format_decimal

    return format_decimal(float(value), locale=locale)


def _new_figure(**kwargs: object) -> Figure:
    # A Figure outside pyplot: nothing to close, no double display in notebooks.
    return Figure(layout="constrained", **kwargs)


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG at its own size and resolution, laid out and drawn once.

    What a report embeds. IPython's inline backend draws a figure twice (once to measure a
    tight crop, once to write it), and the figure's layout engine runs in both drawings;
    here the layout runs once and the figure is drawn once, on its own canvas (the figures
    of this module leave no margin a crop would remove). The PNG is lossless as ever
    (matplotlib's writer, its usual compression).

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    bytes
        The PNG file.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    # In the theme: some settings are read when drawing (the tick labels' size, which sets
    # how many ticks an axis has), so the same figure looks the same whatever was set before.
    with theme_context():
        FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def png_image(fig: Figure):
    """:func:`png_bytes` as an IPython image, for ``display`` in a notebook or report."""
    from IPython.display import Image

    return Image(data=png_bytes(fig), format="png")


# --------------------------------------------------------------------------- labels


def _check_lang(lang: object) -> Lang:
    if lang not in ("da", "en"):
        raise ConfigError(f"lang must be 'da' or 'en'; received {lang!r}; use lang='da' for Danish")
    return cast(Lang, lang)


def _check_audience(audience: object) -> Audience:
    if audience not in ("consultant", "steering"):
        raise ConfigError(
            f"audience must be 'consultant' or 'steering'; received {audience!r}; "
            "use 'steering' for the steering group's report"
        )
    return cast(Audience, audience)


def _spec(column: str) -> ColumnSpec | None:
    for table in ("residents", "relations", "outcomes"):
        try:
            return table_spec(table).column(column)
        except KeyError:
            continue
    return None


def _t(key: str, lang: Lang, **fields: object) -> str:
    return text.FIGURE_TEXT[key][lang].format(**fields)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def column_label(column: str, lang: Lang = "da") -> str:
    """The display label of a contract column or an indicator, in ``lang``."""
    spec = _spec(column)
    if spec is not None:
        return spec.label(lang)
    if column in INDICATOR_LABELS:
        return INDICATOR_LABELS[column][lang]
    if column.startswith("n_") and column[2:] in ALTER_TYPES:
        return _cap(value_label("alter_type", column[2:], lang))
    return column


def value_label(column: str, code: object, lang: Lang = "da") -> str:
    """The display label of a code of a contract column (e.g. wave ``pre`` -> ``før``)."""
    spec = _spec(column)
    if spec is None or not spec.codes:
        return str(code)
    return spec.code_label(str(code), lang)


def _wave_label(wave: str, lang: Lang) -> str:
    return _cap(value_label("wave", wave, lang))


def _type_label(alter_type: str, lang: Lang) -> str:
    return _cap(value_label("alter_type", alter_type, lang))


# --------------------------------------------------------------------------- map


def _positions(alters: pd.DataFrame) -> dict[str, float]:
    """A fixed angle per alter of the resident (all waves), deterministic.

    Alters are sorted by type (contract order) and ``alter_id`` and spread evenly over
    the circle, leaving a gap at the top for the circle labels. The same alter keeps its
    angle in every wave, so a move between circles shows as a move along a ray.
    """
    if alters.empty:
        return {}
    order = {t: i for i, t in enumerate(ALTER_TYPES)}
    first = (
        alters.assign(_t=alters["alter_type"].astype(str).map(order))
        .sort_values(["_t", "alter_id"], kind="stable")
        .drop_duplicates("alter_id")
    )
    ids = list(first["alter_id"].astype(str))
    gap = math.radians(24)
    step = (2 * math.pi - gap) / len(ids)
    start = math.pi / 2 + gap / 2 + step / 2
    return {a: start + i * step for i, a in enumerate(ids)}


def _draw_circles(ax, lang: Lang, *, faded: bool = False) -> None:
    fills = {3: "#F4F4F4", 2: "#E9E9E9", 1: "#DDDDDD"}
    for r in (3, 2, 1):
        ax.add_patch(
            Circle(
                (0, 0),
                r,
                facecolor=fills[r] if not faded else "white",
                edgecolor="#8C8C8C",
                linewidth=1.2,
                linestyle="--" if faded else "-",
                zorder=0,
            )
        )
        ax.text(
            0,
            r - 0.22,
            _t(f"circle_{r}", lang),
            ha="center",
            va="center",
            fontsize=8.5,
            color="#555555",
            zorder=1,
        )
    ax.set_xlim(-3.15, 3.15)
    ax.set_ylim(-3.15, 3.15)
    ax.set_aspect("equal")
    ax.axis("off")


def relationship_map(
    ds: Dataset,
    resident_id: str,
    *,
    waves: Sequence[str] = ("pre", "post"),
    lang: Lang = "da",
    audience: Audience = "consultant",
    show_id: bool = False,
    show_alter_ids: bool = False,
) -> Figure:
    """The relationship map of one resident: three concentric circles, one panel per wave.

    The convoy model's three circles (inner, middle, outer) around the resident; each
    relationship is a dot in its circle, coloured by alter type, filled when the resident
    gives in the relationship and an open ring when not. Each alter keeps one angle in
    every panel, so a move to an inner or outer circle shows along a ray, and in a later
    panel an alter lost since the previous panel is a small grey cross.

    Resident level: for the consultant audience only.

    Parameters
    ----------
    ds : analyse.Dataset
        The data set.
    resident_id : str
        The resident to draw.
    waves : sequence of {"pre", "post", "followup"}, default ("pre", "post")
        The panels, left to right. A wave in which the resident was not assessed is drawn
        empty and marked "ikke målt".
    lang : {"da", "en"}, default "da"
        Language of labels, legend and titles.
    audience : {"consultant", "steering"}, default "consultant"
        ``"steering"`` raises :class:`~analyse.errors.PrivacyError`: a resident-level
        map never goes into a steering-group report.
    show_id : bool, default False
        Put the resident's pseudonym in the title (off by default, so a printed map can
        lie on a table in a meeting without naming anyone).
    show_alter_ids : bool, default False
        Write each alter's pseudonym beside its dot.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per wave; a figure-level legend of alter types and markers.

    Notes
    -----
    Placement is deterministic (no randomness): the resident's alters over all waves are
    sorted by alter type in contract order and then ``alter_id``, and spread evenly over
    the circle with a gap at the top for the circle labels. Circle 1 dots sit at radius
    0.58, circle 2 at 1.5, circle 3 at 2.5 (boundaries at 1, 2 and 3).
    """
    lang = _check_lang(lang)
    waves = _check_map_arguments(ds, resident_id, waves, audience)
    rel = ds.relations[ds.relations["resident_id"] == resident_id].copy()
    rel["wave"] = rel["wave"].astype(str)
    rel["alter_id"] = rel["alter_id"].astype(str)
    rel["alter_type"] = rel["alter_type"].astype(str)
    assessed = set(ds.outcomes.loc[ds.outcomes["resident_id"] == resident_id, "wave"].astype(str))
    angles = _positions(rel[rel["wave"].isin(waves)])
    # A protocol may not ask whether the resident gives (every answer empty): then no dot says
    # "does not give" and no count of giving is shown.
    gives_asked = rel.empty or bool(rel["resident_gives"].notna().any())

    with theme_context():
        fig = _new_figure(figsize=(4.6 * len(waves) + 0.4, 5.6))
        axes = np.atleast_1d(fig.subplots(1, len(waves)))
        previous: pd.DataFrame | None = None
        for ax, wave in zip(axes, waves, strict=True):
            mine = rel[rel["wave"] == wave].drop_duplicates("alter_id")
            was_assessed = wave in assessed or not mine.empty
            _draw_circles(ax, lang, faded=not was_assessed)
            ax.scatter([0], [0], marker="D", s=150, color="#444444", zorder=4)
            if not was_assessed:
                ax.set_title(f"{_wave_label(wave, lang)}: {_t('not_assessed', lang)}")
                previous = None
                continue
            _draw_alters(ax, mine, angles, gives_asked=gives_asked, show_ids=show_alter_ids)
            title = _panel_title(ax, wave, mine, previous, angles, lang)
            ax.set_title(title)
            _panel_caption(ax, mine, lang, gives_asked=gives_asked)
            previous = mine

        present = [
            t for t in ALTER_TYPES if t in set(rel.loc[rel["wave"].isin(waves), "alter_type"])
        ]
        handles = _map_legend_handles(
            present, lang, gives_asked=gives_asked, several_waves=len(waves) > 1
        )
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(len(handles), 5),
            title=f"{column_label('alter_type', lang)} · {_t('marker', lang).lower()}",
            fontsize=9,
            title_fontsize=9.5,
        )
        title = _t("map_title", lang)
        if show_id:
            title += f": {resident_id}"
        fig.suptitle(title)
    return fig


def _check_map_arguments(
    ds: Dataset, resident_id: str, waves: Sequence[str] | str, audience: str
) -> list[str]:
    """Refuse what :func:`relationship_map` may not draw; return the waves as a list."""
    audience = _check_audience(audience)
    if audience != "consultant":
        raise PrivacyError(
            [],
            "a relationship map shows one resident and is for the consultant audience only; "
            "leave it out of the steering-group report (audience='steering')",
        )
    if not isinstance(ds, Dataset):
        raise ConfigError(f"expected an analyse.Dataset, received {type(ds).__name__}")
    waves = [waves] if isinstance(waves, str) else list(waves)
    bad = [w for w in waves if w not in WAVES]
    if bad or not waves:
        raise ConfigError(
            f"waves must be one or more of {list(WAVES)}; received {waves!r}; "
            "e.g. waves=('pre', 'post')"
        )
    known = set(ds.residents["resident_id"].dropna()) | set(ds.outcomes["resident_id"].dropna())
    if resident_id not in known:
        raise ConfigError(
            "resident_id must be a resident of the data set; the one given is not in "
            "residents or outcomes; check the pseudonym (e.g. ds.residents['resident_id'])"
        )
    return waves


def _polar(frame: pd.DataFrame, angles: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) of each alter of ``frame``: its angle, and its circle's radius."""
    theta = frame["alter_id"].map(angles).to_numpy(float)
    radius = frame["closeness"].astype("Float64").fillna(3).astype(int).map(_RADIUS)
    return radius.to_numpy(float) * np.cos(theta), radius.to_numpy(float) * np.sin(theta)


def _draw_alters(
    ax: Axes,
    mine: pd.DataFrame,
    angles: Mapping[str, float],
    *,
    gives_asked: bool,
    show_ids: bool,
) -> None:
    """One wave's alters: filled dots where the resident gives, open rings where not."""
    for gives, face in ((True, None), (False, "white")):
        flag = mine["resident_gives"].fillna(False).astype(bool) | (not gives_asked)
        part = mine[flag == gives]
        if part.empty:
            continue
        colours = part["alter_type"].map(ALTER_TYPE_COLOURS).fillna("#999999").tolist()
        ax.scatter(
            *_polar(part, angles),
            s=190,
            facecolors=colours if face is None else face,
            edgecolors="white" if face is None else colours,
            linewidths=0.8 if face is None else 2.6,
            zorder=5,
        )
    if show_ids and not mine.empty:
        for a, close in zip(mine["alter_id"], mine["closeness"].fillna(3), strict=True):
            r = _RADIUS.get(int(close), 2.5) + 0.28
            ax.text(
                r * math.cos(angles[a]),
                r * math.sin(angles[a]),
                a,
                fontsize=7,
                ha="center",
                va="center",
                color="#333333",
                zorder=6,
            )


def _panel_title(
    ax: Axes,
    wave: str,
    mine: pd.DataFrame,
    previous: pd.DataFrame | None,
    angles: Mapping[str, float],
    lang: str,
) -> str:
    """A panel's title (its relations, and those new and lost since the panel before); the
    alters lost are drawn as grey crosses where they were."""
    n = len(mine)
    title = f"{_wave_label(wave, lang)}: {n} {_t('relation' if n == 1 else 'relations', lang)}"
    if previous is None:
        return title
    now, before = set(mine["alter_id"]), set(previous["alter_id"])
    lost = before - now
    k_new, k_lost = len(now - before), len(lost)
    title += (
        f" ({k_new} {_t('new_1' if k_new == 1 else 'new_n', lang)},"
        f" {k_lost} {_t('lost_1' if k_lost == 1 else 'lost_n', lang)})"
    )
    if lost:
        gone = previous[previous["alter_id"].isin(lost)]
        ax.scatter(
            *_polar(gone, angles),
            marker="x",
            s=60,
            color="#7F7F7F",
            linewidths=1.6,
            zorder=5,
        )
    return title


def _panel_caption(ax: Axes, mine: pd.DataFrame, lang: str, *, gives_asked: bool) -> None:
    """Under a panel: in how many relationships the resident gives (or that there are none)."""
    n = len(mine)
    if n == 0:
        ax.text(
            0,
            -1.5,
            _t("no_relations", lang),
            ha="center",
            va="center",
            fontsize=10,
            color="#333333",
            zorder=6,
        )
        return
    g = int(mine["resident_gives"].fillna(False).astype(bool).sum())
    caption = _t("gives_in", lang, g=g, n=n) if gives_asked else _t("gives_not_asked", lang)
    ax.text(0, -3.12, caption, ha="center", va="top", fontsize=9.5)


def _marker(label: str, **style: object) -> Line2D:
    """A legend entry that is a marker only."""
    return Line2D([], [], linestyle="", label=label, **style)


def _map_legend_handles(
    present: Sequence[str], lang: str, *, gives_asked: bool, several_waves: bool
) -> list[Line2D]:
    """The map's legend: the alter types drawn, the resident, giving or not, lost alters."""
    handles = [
        _marker(
            _type_label(t, lang),
            marker="o",
            markersize=10,
            markerfacecolor=ALTER_TYPE_COLOURS[t],
            markeredgecolor="white",
        )
        for t in present
    ]
    handles.append(_marker(_t("resident", lang), marker="D", markersize=8, color="#444444"))
    if gives_asked:
        handles += [
            _marker(
                _t("gives", lang),
                marker="o",
                markersize=10,
                markerfacecolor="#555555",
                markeredgecolor="white",
            ),
            _marker(
                _t("not_gives", lang),
                marker="o",
                markersize=10,
                markerfacecolor="white",
                markeredgecolor="#555555",
                markeredgewidth=2.2,
            ),
        ]
    if several_waves:
        handles.append(
            _marker(
                _t("lost_marker", lang),
                marker="x",
                markersize=8,
                color="#7F7F7F",
                markeredgewidth=1.6,
            )
        )
    return handles


# --------------------------------------------------------------------------- aggregates


def _check_frame(frame: object, columns: Sequence[str]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(
            f"expected the indicators DataFrame, received {type(frame).__name__}; "
            "pass analyse.stats.relations.indicators(ds)"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"the indicators frame has no column(s) {missing}; choose among {list(frame.columns)}"
        )
    return frame


def _group_order(values: pd.Series, column: str) -> list[str]:
    present = [str(v) for v in values.dropna().unique()]
    spec = _spec(column)
    if spec is not None and spec.codes:
        return [c for c in spec.code_values if c in present]
    return natural_sorted(present)


def _groups_kept(
    frame: pd.DataFrame, by: str, min_cell: int | None
) -> tuple[list[str], dict[str, int], int]:
    n = frame.groupby(frame[by].astype(str), observed=True)["resident_id"].nunique()
    order = _group_order(frame[by], by)
    if min_cell is None:
        return order, n.to_dict(), 0
    kept = [g for g in order if n.get(g, 0) >= min_cell]
    return kept, n.to_dict(), len(order) - len(kept)


def _check_min_cell(min_cell: object) -> int | None:
    """``None`` (no suppression: consultant figures) or the privacy gate's rule (at least 3)."""
    if min_cell is None:
        return None
    from analyse.config import check_min_cell

    return check_min_cell(min_cell)


def site_distribution(
    indicators: pd.DataFrame,
    *,
    indicator: str = "n_relations",
    by: str = "site_id",
    lang: Lang = "da",
    audience: Audience = "consultant",
    min_cell: int | None = None,
) -> Figure:
    """Distribution of one indicator per site (or practice, setting), per wave: box plots.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The output of :func:`analyse.stats.relations.indicators`.
    indicator : str, default "n_relations"
        The numeric indicator to show.
    by : str, default "site_id"
        The grouping column (``site_id``, ``practice``, ``setting``).
    lang : {"da", "en"}, default "da"
    audience : {"consultant", "steering"}, default "consultant"
        For ``"steering"`` outlying single values (fliers) are not drawn.
    min_cell : int, optional
        Each box (group x wave) resting on fewer residents is left out, and a note says
        how many.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: horizontal box plots, one row per group, one box per wave; group labels
        carry the number of residents.
    """
    lang = _check_lang(lang)
    audience = _check_audience(audience)
    min_cell = _check_min_cell(min_cell)
    frame = _check_frame(indicators, ["resident_id", "wave", by, indicator])
    frame = frame[frame[indicator].notna()]
    omitted = 0
    if min_cell is not None:
        # Suppress each box (group x wave) that rests on fewer than min_cell residents.
        keys = [frame[by].astype(str), frame["wave"].astype(str)]
        size = frame.groupby(keys, observed=True)["resident_id"].transform("nunique")
        boxes = frame[[by, "wave"]].astype(str).drop_duplicates()
        kept_boxes = frame.loc[size >= min_cell, [by, "wave"]].astype(str).drop_duplicates()
        omitted = len(boxes) - len(kept_boxes)
        frame = frame[size >= min_cell]
    kept, n, _ = _groups_kept(frame, by, None)
    data = frame[frame[by].astype(str).isin(kept)].copy()
    data["_group"] = [f"{value_label(by, g, lang)} (n={n[g]})" for g in data[by].astype(str)]
    order = [f"{value_label(by, g, lang)} (n={n[g]})" for g in kept]
    waves = [w for w in WAVES if w in set(data["wave"].astype(str))]
    data["_wave"] = data["wave"].astype(str).map(lambda w: _wave_label(w, lang))
    data["_value"] = data[indicator].astype(float)

    with theme_context():
        fig = _new_figure(figsize=(7.5, 1.2 + 0.45 * max(len(kept), 1) * max(len(waves), 1)))
        ax = fig.subplots()
        if len(data):
            sns.boxplot(
                data=data,
                x="_value",
                y="_group",
                hue="_wave",
                order=order,
                hue_order=[_wave_label(w, lang) for w in waves],
                palette=[WAVE_COLOURS[w] for w in waves],
                showfliers=audience == "consultant",
                showmeans=True,
                meanprops={
                    "marker": "o",
                    "markerfacecolor": "white",
                    "markeredgecolor": "black",
                    "markersize": 5,
                },
                ax=ax,
            )
            legend = ax.get_legend()
            if legend is not None:
                legend.set_title(column_label("wave", lang))
        ax.set_xlabel(column_label(indicator, lang))
        ax.set_ylabel(column_label(by, lang))
        number_axis(ax, lang, "x")
        ax.set_title(
            f"{column_label(indicator, lang)} {_t('by', lang)} {column_label(by, lang).lower()}"
        )
        if omitted:
            fig.text(
                0.01,
                0.0,
                _t("omitted_boxes", lang, k=omitted, m=min_cell),
                fontsize=8.5,
                va="bottom",
            )
    return fig


def composition_bars(
    indicators: pd.DataFrame,
    *,
    by: str = "site_id",
    wave: str | None = "pre",
    lang: Lang = "da",
    min_cell: int | None = None,
) -> Figure:
    """Network composition per group: share of relationships by alter type, stacked bars.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The output of :func:`analyse.stats.relations.indicators`.
    by : str, default "site_id"
        The grouping column (``site_id``, ``practice``, ``setting`` or ``wave``).
    wave : {"pre", "post", "followup"} or None, default "pre"
        The wave to show; None for all rows (use with ``by="wave"`` to compare waves).
    lang : {"da", "en"}, default "da"
    min_cell : int, optional
        Groups with fewer residents are left out, and a note says how many.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: one horizontal bar per group (labelled with its number of residents),
        split by alter type in contract order; shares of all the group's relationships.
    """
    lang = _check_lang(lang)
    min_cell = _check_min_cell(min_cell)
    type_cols = [f"n_{t}" for t in ALTER_TYPES]
    frame = _check_frame(indicators, ["resident_id", "wave", by, *type_cols])
    if wave is not None:
        if wave not in WAVES:
            raise ConfigError(f"wave must be one of {list(WAVES)} or None; received {wave!r}")
        frame = frame[frame["wave"].astype(str) == wave]
    kept, n, omitted = _groups_kept(frame, by, min_cell)
    sums = (
        frame.assign(_g=frame[by].astype(str))
        .groupby("_g", observed=True)[type_cols]
        .sum()
        .reindex(kept)
        .fillna(0)
    )
    totals = sums.sum(axis=1).replace(0, np.nan)
    shares = sums.div(totals, axis=0).fillna(0)

    with theme_context():
        fig = _new_figure(figsize=(8.5, 1.8 + 0.42 * max(len(kept), 1)))
        ax = fig.subplots()
        labels = [f"{value_label(by, g, lang)} (n={n[g]})" for g in kept]
        left = np.zeros(len(kept))
        for t, col in zip(ALTER_TYPES, type_cols, strict=True):
            values = shares[col].to_numpy(float) if len(kept) else np.zeros(0)
            ax.barh(
                labels,
                values,
                left=left,
                color=ALTER_TYPE_COLOURS[t],
                label=_type_label(t, lang),
                edgecolor="white",
                linewidth=0.6,
            )
            left += values
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(_t("share_of_relations", lang))
        ax.set_ylabel(column_label(by, lang))
        ax.grid(axis="y", visible=False)
        title = f"{_t('composition', lang)} {_t('by', lang)} {column_label(by, lang).lower()}"
        if wave is not None:
            title += f" ({_wave_label(wave, lang).lower()})"
        ax.set_title(title)
        ax.legend(
            title=column_label("alter_type", lang),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=9,
        )
        if omitted:
            fig.text(
                0.01, 0.0, _t("omitted", lang, k=omitted, m=min_cell), fontsize=8.5, va="bottom"
            )
    return fig


def prepost_paired(
    indicators: pd.DataFrame,
    *,
    indicator: str = "n_nonstaff",
    from_wave: str = "pre",
    to_wave: str = "post",
    lang: Lang = "da",
    audience: Audience = "consultant",
    min_cell: int | None = None,
) -> Figure:
    """One indicator before and after, for residents assessed in both waves.

    For the consultant audience every resident is a grey line (identical pairs drawn as one
    line whose width counts them; no jitter, no randomness); for both audiences the mean
    with its 95 % t-interval is drawn in blue. For ``"steering"`` only the means are drawn.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The output of :func:`analyse.stats.relations.indicators`.
    indicator : str, default "n_nonstaff"
        The numeric indicator to show.
    from_wave, to_wave : {"pre", "post", "followup"}
        The two waves.
    lang : {"da", "en"}, default "da"
    audience : {"consultant", "steering"}, default "consultant"
    min_cell : int, optional
        With fewer paired residents nothing is drawn but a note.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the two waves on the x axis and the title giving the number of
        paired residents.
    """
    lang = _check_lang(lang)
    audience = _check_audience(audience)
    min_cell = _check_min_cell(min_cell)
    frame = _check_frame(indicators, ["resident_id", "wave", indicator])
    for name, value in (("from_wave", from_wave), ("to_wave", to_wave)):
        if value not in WAVES:
            raise ConfigError(f"{name} must be one of {list(WAVES)}; received {value!r}")
    if from_wave == to_wave:
        raise ConfigError("from_wave and to_wave must differ, e.g. 'pre' and 'post'")
    wide = (
        frame.assign(_w=frame["wave"].astype(str), _v=frame[indicator].astype(float))
        .pivot_table(index="resident_id", columns="_w", values="_v", aggfunc="first")
        .reindex(columns=[from_wave, to_wave])
        .dropna()
    )
    n = len(wide)
    x_labels = [_wave_label(from_wave, lang), _wave_label(to_wave, lang)]

    with theme_context():
        fig = _new_figure(figsize=(5.5, 5.0))
        ax = fig.subplots()
        ax.set_xticks([0, 1], x_labels)
        ax.set_xlim(-0.3, 1.3)
        ax.set_ylabel(column_label(indicator, lang))
        number_axis(ax, lang, "y")
        ax.set_title(f"{column_label(indicator, lang)}\n(n = {n} {_t('residents_n', lang)})")
        if min_cell is not None and n < min_cell:
            ax.text(
                0.5,
                0.5,
                _t("too_few", lang, m=min_cell),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=10,
            )
            return fig
        if audience == "consultant" and n:
            pairs = wide.groupby([from_wave, to_wave]).size().reset_index(name="k")
            for a, b, k in pairs.itertuples(index=False):
                ax.plot(
                    [0, 1],
                    [a, b],
                    color="#7F7F7F",
                    alpha=0.4,
                    linewidth=0.6 + 1.0 * math.sqrt(k),
                    solid_capstyle="round",
                    zorder=2,
                )
        if n:
            means = wide.mean().to_numpy(float)
            if n > 1:
                from scipy import stats

                half = stats.t.ppf(0.975, n - 1) * wide.std(ddof=1).to_numpy(float) / math.sqrt(n)
            else:
                half = np.zeros(2)
            ax.errorbar(
                [0, 1],
                means,
                yerr=half,
                color="#0072B2",
                linewidth=2.8,
                marker="o",
                markersize=8,
                capsize=6,
                zorder=4,
            )
        handles = [
            Line2D([], [], color="#0072B2", linewidth=2.8, marker="o", label=_t("mean_ci", lang))
        ]
        if audience == "consultant":
            handles.append(
                Line2D(
                    [],
                    [],
                    color="#7F7F7F",
                    alpha=0.55,
                    linewidth=2,
                    label=f"{_cap(_t('one_resident', lang))} ({_t('line_width', lang)})",
                )
            )
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), fontsize=8.5)
    return fig


# --------------------------------------------------------------------------- steering: changes

#: Colour of each kind of group in the steering figures of changes (Okabe-Ito).
KIND_COLOURS: dict[str, str] = {"site": "#0072B2", "practice": "#E69F00", "comparison": "#7F7F7F"}

#: +1 where a higher value is better (the side "bedre" points to), per outcome.
_BETTER_SIDE: dict[str, int] = {o: m.better for o, m in OUTCOMES.items()}


def _st(key: str, lang: Lang) -> str:
    return text.CHANGE_FIGURE_TEXT[key][lang]


def _outcomes_of(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["outcome"].astype(str)))


def _n_label(label: str, n: object) -> str:
    try:
        missing = n is None or bool(pd.isna(n))
    except (TypeError, ValueError):
        missing = True
    return label if missing else f"{label} (n={int(float(n))})"  # type: ignore[arg-type]


def _dot_rows(
    ax, rows: pd.DataFrame, y: dict[str, float], *, value: str, low: str, high: str, lang: Lang
) -> None:
    for _, r in rows.iterrows():
        pos = y[r["group"]]
        colour = KIND_COLOURS.get(str(r.get("kind", "practice")), "#0072B2")
        v = r[value]
        if pd.isna(v):
            ax.text(
                0, pos, _st("hidden", lang), ha="center", va="center", fontsize=8, color="#555555"
            )
            continue
        lo, hi = r[low], r[high]
        if not (pd.isna(lo) or pd.isna(hi)):
            ax.plot([lo, hi], [pos, pos], color=colour, linewidth=2.2, solid_capstyle="round")
        else:
            ax.annotate(
                _st("no_interval", lang),
                (v, pos),
                xytext=(0, -11),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7.5,
                color="#555555",
            )
        ax.plot([v], [pos], marker="o", markersize=8, color=colour, linestyle="none")


def _better_hint(ax, outcome: str, lang: Lang, what: str = "change") -> None:
    side = _BETTER_SIDE.get(outcome, 1)
    ax.set_xlabel(
        f"{_st(what, lang)}   {_st('better_left', lang) if side < 0 else _st('better_right', lang)}",
        fontsize=9,
    )


def _symmetric_limits(ax, values: np.ndarray) -> None:
    finite = values[np.isfinite(values)]
    reach = float(np.abs(finite).max()) if finite.size else 1.0
    reach = max(reach * 1.15, 0.5)
    ax.set_xlim(-reach, reach)


def change_dots(
    changes: pd.DataFrame, *, labels: dict[str, str] | None = None, lang: Lang = "da"
) -> Figure | None:
    """Each outcome's change with its 95 % CI for a few groups: dots and whiskers.

    Parameters
    ----------
    changes : pandas.DataFrame
        Published (gated) values, one row per group and outcome: ``group`` (label),
        ``kind`` (``site``, ``practice`` or ``comparison``: the colour), ``outcome``,
        ``n``, ``mean_diff``, ``ci_low``, ``ci_high``; NaN where a value is hidden or not
        computed (e.g. :func:`analyse.report.main_results.changes`).
    labels : dict, optional
        A panel title per outcome (the outcome code by default).
    lang : {"da", "en"}, default "da"

    Returns
    -------
    matplotlib.figure.Figure or None
        One panel per outcome, groups as rows (labelled with their number of residents),
        a vertical line at 0 and the side that is better named on the x axis. ``None``
        when every change is hidden: draw nothing and say so in a sentence instead.
    """
    lang = _check_lang(lang)
    frame = _check_changes(changes, ["group", "outcome", "mean_diff", "ci_low", "ci_high"])
    if frame["mean_diff"].isna().all():
        return None
    return _dot_panels(
        frame, labels or {}, lang, value="mean_diff", title=_st("change_title", lang), plain=False
    )


def forest_plot(
    comparison: pd.DataFrame, *, labels: dict[str, str] | None = None, lang: Lang = "da"
) -> Figure | None:
    """Each practice's change minus the comparison group's, per outcome: a forest plot.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Published (gated) values, one row per practice and outcome: ``group`` (label),
        ``outcome``, ``estimate``, ``ci_low``, ``ci_high`` (the model's difference in
        differences) and ``plain_diff`` (the plain difference in mean changes, drawn as an
        open diamond); NaN where hidden or not computed.
    labels : dict, optional
        A panel title per outcome.
    lang : {"da", "en"}, default "da"

    Returns
    -------
    matplotlib.figure.Figure or None
        One panel per outcome; ``None`` when nothing can be drawn.
    """
    lang = _check_lang(lang)
    frame = _check_changes(
        comparison, ["group", "outcome", "estimate", "ci_low", "ci_high", "plain_diff"]
    )
    if frame["estimate"].isna().all() and frame["plain_diff"].isna().all():
        return None
    frame = frame.assign(kind="practice")
    return _dot_panels(
        frame, labels or {}, lang, value="estimate", title=_st("did_title", lang), plain=True
    )


def _check_changes(frame: object, columns: Sequence[str]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ConfigError(
            f"expected a DataFrame of published changes, received {type(frame).__name__}"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(f"the frame has no column(s) {missing}; it has {list(frame.columns)}")
    out = frame.copy()
    for c in columns[2:]:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def _dot_panels(
    frame: pd.DataFrame, labels: dict[str, str], lang: Lang, *, value: str, title: str, plain: bool
) -> Figure:
    outcomes = _outcomes_of(frame)
    groups = list(dict.fromkeys(frame["group"].astype(str)))
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = math.ceil(len(outcomes) / ncols)
    with theme_context():
        fig = _new_figure(figsize=(10, 0.9 + nrows * (0.9 + 0.42 * len(groups))))
        axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
        for ax, outcome in zip(axes, outcomes, strict=False):
            rows = frame[frame["outcome"].astype(str) == outcome]
            y = {g: float(i) for i, g in enumerate(groups)}
            ax.axvline(0, color="#333333", linewidth=0.9, zorder=1)
            _dot_rows(ax, rows, y, value=value, low="ci_low", high="ci_high", lang=lang)
            if plain:
                for _, r in rows.iterrows():
                    if not pd.isna(r["plain_diff"]):
                        ax.plot(
                            [r["plain_diff"]],
                            [y[r["group"]]],
                            marker="D",
                            markersize=7,
                            markerfacecolor="white",
                            markeredgecolor="#000000",
                            linestyle="none",
                        )
            n_by_group = rows.set_index("group")["n"] if "n" in rows else pd.Series(dtype=float)
            first_column = list(axes).index(ax) % ncols == 0
            ax.set_yticks(
                [y[g] for g in groups],
                [_n_label(g, n_by_group.get(g)) for g in groups] if first_column else [],
                fontsize=9,
            )
            ax.set_ylim(len(groups) - 0.5, -0.5)
            values = rows[
                [value, "ci_low", "ci_high", *(["plain_diff"] if plain else [])]
            ].to_numpy(float)
            _symmetric_limits(ax, values.ravel())
            ax.set_title(labels.get(outcome, outcome), fontsize=10)
            _better_hint(ax, outcome, lang, "did" if plain else "change")
            number_axis(ax, lang, "x")
            ax.grid(axis="y", visible=False)
        for ax in axes[len(outcomes) :]:
            ax.set_visible(False)
        fig.suptitle(title, fontsize=12)
        if plain:
            handles = [
                Line2D(
                    [],
                    [],
                    color=KIND_COLOURS["practice"],
                    marker="o",
                    linewidth=2.2,
                    label=_st("model", lang),
                ),
                Line2D(
                    [],
                    [],
                    color="#000000",
                    marker="D",
                    markerfacecolor="white",
                    linestyle="none",
                    label=_st("plain", lang),
                ),
            ]
            fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9)
    return fig


#: The least vertical distance between two end labels of a slope chart, as a share of the axis.
LABEL_GAP = 0.07


def label_positions(values: Sequence[float], low: float, high: float, gap: float) -> list[float]:
    """Heights for labels at ``values`` on an axis from ``low`` to ``high``, at least
    ``gap`` apart (in data units), each as near its value as the others allow; in the input order.

    >>> label_positions([5.0, 5.1, 2.0], 0.0, 10.0, 0.7)
    [4.7, 5.4, 2.0]
    """
    if not len(values):
        return []
    order = sorted(range(len(values)), key=lambda i: values[i])
    ys = [float(values[i]) for i in order]
    # Push up from below, then pull the stack back down so it stays inside the axis and
    # centred on its values (a block of k labels sits around their mean).
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + gap)
    blocks: list[list[int]] = []
    for i in range(len(ys)):
        if blocks and ys[i] - ys[blocks[-1][-1]] <= gap + 1e-12:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    out = ys[:]
    for block in blocks:
        wanted = sum(float(values[order[i]]) for i in block) / len(block)
        start = wanted - gap * (len(block) - 1) / 2
        for k, i in enumerate(block):
            out[i] = start + k * gap
    for i in range(1, len(out)):  # blocks moved down may now touch the one below
        out[i] = max(out[i], out[i - 1] + gap)
    top = high - gap / 2
    if out and out[-1] > top:
        shift = out[-1] - top
        out = [y - shift for y in out]
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    result = [0.0] * len(values)
    for pos, i in enumerate(order):
        result[i] = round(out[pos], 10)
    return result


def _place_end_labels(ax, labels: list[tuple[float, str, str]]) -> None:
    """Write each line's ``n=`` at its end, moved apart so that no two labels overlap."""
    if not labels:
        return
    low, high = ax.get_ylim()
    gap = LABEL_GAP * (high - low)
    ys = label_positions([y for y, _, _ in labels], low, high, gap)
    for (y, label, colour), y_text in zip(labels, ys, strict=True):
        ax.annotate(
            label,
            (1, y),
            xytext=(1.06, y_text),
            textcoords="data",
            va="center",
            fontsize=8,
            color=colour,
        )


def before_after_means(
    changes: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    ranges: dict[str, tuple[float, float | None]] | None = None,
    lang: Lang = "da",
) -> Figure | None:
    """Means before and after of a few groups per outcome: a slope chart of aggregates.

    Parameters
    ----------
    changes : pandas.DataFrame
        Published (gated) values, one row per group and outcome: ``group``, ``kind``,
        ``outcome``, ``n``, ``mean_pre``, ``mean_post`` (NaN where hidden).
    labels : dict, optional
        A panel title per outcome.
    ranges : dict, optional
        ``{outcome: (low, high)}``: the y axis spans the whole scale (``high`` None: up to
        the largest mean plus a margin), so a small change looks small.
    lang : {"da", "en"}, default "da"

    Returns
    -------
    matplotlib.figure.Figure or None
        One panel per outcome, one line per group from before to after (never a single
        resident); ``None`` when no line can be drawn.
    """
    lang = _check_lang(lang)
    frame = _check_changes(changes, ["group", "outcome", "mean_pre", "mean_post"])
    drawable = frame["mean_pre"].notna() & frame["mean_post"].notna()
    if not drawable.any():
        return None
    outcomes = _outcomes_of(frame)
    ncols = 2 if len(outcomes) > 1 else 1
    nrows = math.ceil(len(outcomes) / ncols)
    with theme_context():
        fig = _new_figure(figsize=(9, 0.8 + 3.0 * nrows))
        axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
        seen: dict[str, Line2D] = {}
        for ax, outcome in zip(axes, outcomes, strict=False):
            rows = frame[(frame["outcome"].astype(str) == outcome) & drawable]
            n_labels: list[tuple[float, str, str]] = []
            for _, r in rows.iterrows():
                colour = KIND_COLOURS.get(str(r.get("kind", "practice")), "#0072B2")
                (line,) = ax.plot(
                    [0, 1], [r["mean_pre"], r["mean_post"]], marker="o", color=colour, linewidth=2.2
                )
                seen.setdefault(str(r["group"]), line)
                n = r.get("n")
                if n is not None and not pd.isna(n):
                    n_labels.append((float(r["mean_post"]), f"n={int(n)}", colour))
            ax.set_xticks([0, 1], [_st("pre", lang), _st("post", lang)])
            ax.set_xlim(-0.25, 1.25)
            ax.set_title(labels.get(outcome, outcome) if labels else outcome, fontsize=10)
            number_axis(ax, lang, "y")
            low, high = (ranges or {}).get(outcome, (None, None))
            if low is not None:
                top = high
                if top is None:
                    top = (
                        float(
                            np.nanmax(rows[["mean_pre", "mean_post"]].to_numpy(float), initial=1.0)
                        )
                        * 1.25
                    )
                ax.set_ylim(low, top)
            else:
                ax.margins(y=0.25)
            _place_end_labels(ax, n_labels)
        for ax in axes[len(outcomes) :]:
            ax.set_visible(False)
        fig.suptitle(_st("means_title", lang), fontsize=12)
        fig.legend(
            list(seen.values()),
            list(seen),
            loc="outside lower center",
            ncols=min(len(seen), 3),
            fontsize=9,
        )
    return fig
