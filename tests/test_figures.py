"""Tests of analyse.render.figures: each figure is a Figure with the expected axes and artists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from analyse.data.dataset import Dataset  # noqa: E402
from analyse.data.schema import table_spec  # noqa: E402
from analyse.errors import ConfigError, PrivacyError  # noqa: E402
from analyse.render import figures  # noqa: E402
from analyse.stats.relations import ALTER_TYPES, indicators  # noqa: E402

COLUMNS = [
    "resident_id",
    "wave",
    "alter_id",
    "alter_type",
    "closeness",
    "contact",
    "resident_gives",
    "resident_receives",
]


@pytest.fixture(scope="module")
def ds() -> Dataset:
    rows = [
        ("B1", "pre", "A1", "family", 1, "weekly", True, True),
        ("B1", "pre", "A2", "staff", 1, "daily", False, True),
        ("B1", "pre", "A3", "friend", 3, "rarely", True, False),
        ("B1", "post", "A1", "family", 1, "weekly", True, True),
        ("B1", "post", "A3", "friend", 2, "monthly", True, True),
        ("B1", "post", "A4", "volunteer", 2, "weekly", False, True),
    ]
    # Sites H1 (6 residents) and H2 (2 residents) with small staff/family networks.
    for i in range(2, 9):
        for wave in ("pre", "post"):
            rows.append((f"B{i}", wave, f"A{i}1", "staff", 1, "daily", i % 2 == 0, True))
            rows += [
                (f"B{i}", wave, f"A{i}{k}", "family", 2, "monthly", False, True)
                for k in range(2, 2 + i % 3 + (wave == "post"))
            ]
    residents = pd.DataFrame(
        {
            "resident_id": [f"B{i}" for i in range(1, 10)],
            "site_id": ["H1"] * 6 + ["H2"] * 3,
            "setting": "residential",
            "practice": ["P1"] * 5 + ["none"] * 4,
        }
    )
    outcomes = pd.DataFrame(
        {
            "resident_id": [f"B{i}" for i in range(1, 10) for _ in (0, 1)],
            "wave": ["pre", "post"] * 9,
            "respondent": "self",
        }
    )
    # B9 is assessed at pre only, with no relationships.
    outcomes = outcomes[~((outcomes["resident_id"] == "B9") & (outcomes["wave"] == "post"))]
    return Dataset.from_frames(
        residents=residents, relations=pd.DataFrame(rows, columns=COLUMNS), outcomes=outcomes
    )


@pytest.fixture(scope="module")
def ind(ds) -> pd.DataFrame:
    return indicators(ds)


@pytest.fixture(autouse=True)
def _close_all():
    yield
    plt.close("all")


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def _dots(ax) -> int:
    """Number of alter markers (scatter points) on a map panel, without the ego diamond."""
    return sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)) - 1


# --------------------------------------------------------------------------- map


def test_relationship_map_panels_circles_and_dots(ds):
    fig = figures.relationship_map(ds, "B1")
    try:
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 2
        pre, post = fig.axes
        for ax in (pre, post):
            radii = sorted(p.get_radius() for p in ax.patches if isinstance(p, Circle))
            assert radii == [1, 2, 3]  # the convoy model's three circles
        assert _dots(pre) == 3
        assert _dots(post) == 3 + 1  # three alters and a cross for A2 (lost)
        assert pre.get_title() == "Før: 3 relationer"
        assert post.get_title() == "Efter: 3 relationer (1 ny, 1 mistet)"
        assert fig.legends, "the map has a figure legend"
        legend = [t.get_text() for t in fig.legends[0].get_texts()]
        spec = table_spec("relations").column("alter_type")
        for code in ("family", "staff", "friend", "volunteer"):
            assert spec.code_label(code, "da").capitalize() in legend
        assert "Borgeren giver" in legend and "Borgeren giver ikke" in legend
        assert "B1" not in " ".join(_texts(fig))  # no pseudonym unless show_id
    finally:
        plt.close(fig)


def test_relationship_map_is_deterministic_and_keeps_alter_angles(ds):
    a = figures.relationship_map(ds, "B1")
    b = figures.relationship_map(ds, "B1")
    try:
        offsets = [np.vstack([c.get_offsets() for c in ax.collections]) for ax in a.axes]
        again = [np.vstack([c.get_offsets() for c in ax.collections]) for ax in b.axes]
        for x, y in zip(offsets, again, strict=True):
            np.testing.assert_allclose(x, y)

        # A3 (friend) moved from circle 3 to 2 along the same ray: same angle, smaller radius.
        def polar(points):
            return [(round(float(np.hypot(*p)), 2), float(np.arctan2(p[1], p[0]))) for p in points]

        outer_pre = [ang for r, ang in polar(offsets[0][1:]) if r == 2.5]
        middle_post = [ang for r, ang in polar(offsets[1][1:]) if r == 1.5]
        assert len(outer_pre) == 1 and len(middle_post) == 2
        assert any(np.isclose(outer_pre[0], ang) for ang in middle_post)
    finally:
        plt.close(a)
        plt.close(b)


def test_relationship_map_show_id_english_and_zero_network(ds):
    fig = figures.relationship_map(ds, "B9", waves=("pre", "post"), lang="en", show_id=True)
    try:
        assert fig._suptitle.get_text() == "Relationship map (convoy model): B9"
        pre, post = fig.axes
        assert pre.get_title() == "Before: 0 relationships"
        assert "No relationships" in [t.get_text() for t in pre.texts]
        assert post.get_title() == "After: not assessed"
        assert _dots(pre) == 0
    finally:
        plt.close(fig)


def test_relationship_map_refuses_steering_and_unknown_ids(ds):
    with pytest.raises(PrivacyError, match="consultant"):
        figures.relationship_map(ds, "B1", audience="steering")
    with pytest.raises(ConfigError, match="resident_id"):
        figures.relationship_map(ds, "X99")
    with pytest.raises(ConfigError, match="waves"):
        figures.relationship_map(ds, "B1", waves=("before",))
    with pytest.raises(ConfigError, match="lang"):
        figures.relationship_map(ds, "B1", lang="de")


def test_map_png_is_written_by_caller(ds, tmp_path):
    """The function never saves; the caller can."""
    fig = figures.relationship_map(ds, "B1")
    try:
        assert list(tmp_path.iterdir()) == []
        fig.savefig(tmp_path / "map.png")
        assert (tmp_path / "map.png").stat().st_size > 10_000
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- aggregates


def test_site_distribution(ind):
    fig = figures.site_distribution(ind, indicator="n_relations")
    try:
        assert len(fig.axes) == 1
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == ["H1 (n=6)", "H2 (n=3)"]
        assert ax.get_xlabel() == "Antal relationer"
        assert ax.get_ylabel() == "Botilbud"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Før", "Efter"]
    finally:
        plt.close(fig)


def test_site_distribution_min_cell_omits_small_groups(ind):
    fig = figures.site_distribution(ind, min_cell=5, audience="steering")
    try:
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels == ["H1 (n=6)"]
        assert "2 boks(e) med under 5 borgere er udeladt" in _texts(fig)
    finally:
        plt.close(fig)


def test_composition_bars(ind):
    fig = figures.composition_bars(ind, by="site_id", wave="pre")
    try:
        ax = fig.axes[0]
        # one bar per group per alter type
        assert len(ax.patches) == 2 * len(ALTER_TYPES)
        widths = np.array([p.get_width() for p in ax.patches]).reshape(len(ALTER_TYPES), 2)
        np.testing.assert_allclose(widths.sum(axis=0), 1.0)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend[0] == "Familie" and legend[4] == "Personale"
        # H2 at pre: B7, B8 (staff + family) and B9 (no relationships)
        h2 = ind[(ind["site_id"] == "H2") & (ind["wave"] == "pre")]
        expected_staff = h2["n_staff"].sum() / h2["n_relations"].sum()
        staff_row = widths[list(ALTER_TYPES).index("staff")]
        assert staff_row[1] == pytest.approx(expected_staff)
    finally:
        plt.close(fig)


def test_prepost_paired_consultant_and_steering(ind):
    fig = figures.prepost_paired(ind, indicator="n_relations")
    steer = figures.prepost_paired(ind, indicator="n_relations", audience="steering")
    try:
        ax = fig.axes[0]
        assert "n = 8 borgere" in ax.get_title()  # B9 has no post
        assert [t.get_text() for t in ax.get_xticklabels()] == ["Før", "Efter"]
        n_lines_consultant = len(ax.lines)
        n_lines_steering = len(steer.axes[0].lines)
        assert n_lines_consultant > n_lines_steering  # individual lines only for consultants
    finally:
        plt.close(fig)
        plt.close(steer)


def test_prepost_paired_too_few(ind):
    fig = figures.prepost_paired(ind, min_cell=20)
    try:
        assert any("Under 20 borgere" in t for t in _texts(fig))
        assert len(fig.axes[0].lines) == 0
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("fn", "kwargs"),
    [
        (figures.site_distribution, {"indicator": "nope"}),
        (figures.composition_bars, {"wave": "before"}),
        (figures.prepost_paired, {"from_wave": "post", "to_wave": "post"}),
        (figures.site_distribution, {"min_cell": 0}),
    ],
)
def test_aggregate_figures_reject_bad_arguments(ind, fn, kwargs):
    with pytest.raises(ConfigError):
        fn(ind, **kwargs)


def test_set_theme_and_labels_come_from_schema():
    figures.set_theme()
    assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    spec = table_spec("outcomes").column("wave")
    assert figures.value_label("wave", "pre") == spec.code_label("pre", "da")
    assert figures.column_label("site_id") == table_spec("residents").column("site_id").label("da")
    assert figures.column_label("n_family", "en") == "Family"
    assert set(figures.ALTER_TYPE_COLOURS) == set(ALTER_TYPES)
    assert len(set(figures.ALTER_TYPE_COLOURS.values())) == len(ALTER_TYPES)


@pytest.mark.parametrize("min_cell", [0, 1, 2, 2.5, True])
def test_figures_refuse_a_min_cell_below_the_privacy_floor(ind, min_cell):
    """One rule for min_cell everywhere (analyse.config.check_min_cell): never below 3."""
    with pytest.raises(ConfigError, match="at least 3"):
        figures.site_distribution(ind, min_cell=min_cell)


def test_slope_chart_n_labels_never_overlap() -> None:
    """Issue 21: "n=60" was drawn over "n=69" when two groups ended at nearly the same mean."""
    changes = pd.DataFrame(
        {
            "group": ["P1", "P2", "Sammenligningsgruppen"],
            "kind": ["practice", "practice", "comparison"],
            "outcome": ["loneliness"] * 3,
            "n": [60, 69, 40],
            "mean_pre": [6.5, 6.4, 6.0],
            "mean_post": [5.50, 5.52, 5.51],
        }
    )
    fig = figures.before_after_means(changes, ranges={"loneliness": (3, 9)})
    ax = fig.axes[0]
    ys = sorted(t.xyann[1] for t in ax.texts if t.get_text().startswith("n="))
    assert len(ys) == 3
    low, high = ax.get_ylim()
    assert all(b - a >= figures.LABEL_GAP * (high - low) - 1e-9 for a, b in zip(ys, ys[1:], strict=False))
    assert all(low <= y <= high for y in ys)
    plt.close(fig)


def test_label_positions_keep_order_and_stay_near_their_values() -> None:
    ys = figures.label_positions([5.0, 5.05, 5.1, 2.0], 0.0, 10.0, 0.5)
    assert ys[3] == 2.0  # a label alone stays where it is
    spread = sorted(ys[:3])
    assert spread == [ys[0], ys[1], ys[2]]  # the order of the values is kept
    assert all(b - a >= 0.5 - 1e-9 for a, b in zip(spread, spread[1:], strict=False))
    assert abs(sum(spread) / 3 - 5.05) < 1e-9  # centred on the values


def _changes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": ["Botilbud H1", "Sammenligningsgruppen"],
            "kind": ["site", "comparison"],
            "outcome": ["loneliness", "loneliness"],
            "n": [9, 40],
            "mean_diff": [-0.4, 0.1],
            "ci_low": [-0.9, -0.2],
            "ci_high": [0.1, 0.4],
            "mean_pre": [6.0, 6.2],
            "mean_post": [5.6, 6.3],
        }
    )


def test_png_bytes_lays_out_and_draws_once_at_the_figure_size(monkeypatch) -> None:
    """A report's figure is laid out and drawn once (the inline backend's tight crop drew it
    twice, running the layout engine each time), at the figure's own size."""
    from io import BytesIO

    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from PIL import Image

    fig = figures.change_dots(_changes_frame())
    assert fig is not None
    runs = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(
        ConstrainedLayoutEngine, "execute", lambda self, f: runs.append(1) or execute(self, f)
    )
    data = figures.png_bytes(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = fig.get_size_inches() * fig.dpi
    assert Image.open(BytesIO(data)).size == (round(width), round(height))
    assert len(runs) == 1


def test_png_bytes_draws_in_the_theme_whatever_is_set_globally() -> None:
    """Tick density depends on settings read when drawing: the same figure gives the same PNG
    whether or not something changed the global settings in between."""
    fig = figures.before_after_means(_changes_frame(), ranges={"loneliness": (3, 9)})
    assert fig is not None
    first = figures.png_bytes(fig)
    with matplotlib.rc_context({"ytick.labelsize": 4, "xtick.labelsize": 4}):
        second = figures.png_bytes(fig)
    assert first == second


def test_report_bars_leave_the_global_settings_alone() -> None:
    """The report's bar chart draws in the theme without setting it for everything after it."""
    from analyse.report.sections import Context, _bars

    ctx = Context.__new__(Context)
    ctx.lang, ctx.min_cell = "da", 5
    values = pd.DataFrame({"pre": [3.0, np.nan], "post": [4.0, 6.0]}, index=["family", "friend"])
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        before = dict(matplotlib.rcParams)
        fig = _bars(values, ctx, title="Relationer efter type", label=str)
        after = dict(matplotlib.rcParams)
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == "Relationer efter type"
    assert after == before


def test_figure_words_live_in_the_one_catalogue() -> None:
    """The figures' texts are entries of analyse.words.text, each in Danish and English."""
    from analyse.words import text

    assert not hasattr(figures, "_TEXT") and not hasattr(figures, "_STEER_TEXT")
    for table in (text.FIGURE_TEXT, text.CHANGE_FIGURE_TEXT):
        assert table and all(set(v) == {"da", "en"} and all(v.values()) for v in table.values())
    assert figures._t("too_few", "en", m=5) == "Fewer than 5 residents assessed twice: not shown"
    assert figures._st("pre", "da") == "Før"
