"""An attacker who knows nothing of the gate reads a whole steering run's CSV files back.

It takes every site report's and the overview's tables as a reader gets them
(``tabeller/<report>/<table>.csv``): a number is known, ``<5`` is 1 to 4 (zeros are
published), ``(s)`` and ``(f)`` are at least ``min_cell``, ``x til y`` and ``mindst x`` are
intervals. Then it forms the issue's differences (issue 23):

- Nøgletal's *Kun personale tæt på* minus Behov's *… og har kun personale tæt på*
  (before): the residents with only staff close who do not want more;
- for every statement of ``udsagn_roller``, the overview's respondents minus the sites'
  respondents, solved as an integer linear programme (``scipy.optimize.milp``) for each
  site's hidden count.

Neither may pin a group of 1 to ``min_cell - 1`` persons.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

MIN_CELL = 5
#: What a site report says instead of a role's columns of ``udsagn_roller``.
NO_COLUMNS = "Hvor intet udsagn er besvaret af mindst 5"


def reader(cell: object) -> tuple[float, float] | None:
    """What a reader knows of one published cell (``None``: not a count)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None
    text = str(cell).strip().replace("\u00a0", " ")
    if text in ("", "–", "-", "ikke spurgt"):
        return None
    if re.fullmatch(r"<\s?\d+", text):
        return 1.0, float(int(text.lstrip("<").strip()) - 1)
    if text in ("(s)", "(f)"):
        return float(MIN_CELL), np.inf
    m = re.fullmatch(r"(\d+) til (\d+)", text)
    if m:
        return float(m[1]), float(m[2])
    m = re.fullmatch(r"mindst (\d+)", text)
    if m:
        return float(m[1]), np.inf
    try:
        v = float(text.replace(".", "").replace(",", "."))
    except ValueError:
        return None
    return v, v


def read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return frame.set_index(frame.columns[0])


def _wants_more_pattern(tables: dict) -> pd.DataFrame:
    from analyse import report
    from analyse.data.dataset import Dataset

    ctx = report.Context(Dataset.from_frames(**tables))
    ind = ctx.indicators
    pre = ind[(ind["wave"] == "pre") & (ind["site_id"].astype(str) == "H1")]
    osc = sorted(pre.loc[pre["only_staff_close"].astype(bool), "resident_id"].astype(str))
    oc = tables["outcomes"].copy()
    in_h1 = oc["resident_id"].astype(str).isin(pre["resident_id"].astype(str))
    oc.loc[in_h1, "wants_more"] = "no"
    oc.loc[in_h1 & oc["resident_id"].astype(str).isin(osc[:-1]), "wants_more"] = "yes"
    return oc


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    from analyse.data.demo import make_demo_tables
    from analyse.data.io import write_dataset
    from analyse.run.batch import run_report

    tables = make_demo_tables(6, seed=3)
    # Every site of 5 or more residents (H6, of 4, would show no tables at all); one wave,
    # and in H1 five of the six residents with only staff close want more, none of the
    # others: the patterns the issue found, here on purpose.
    res = tables["residents"]
    keep = set(res.loc[res["site_id"].astype(str) != "H6", "resident_id"].astype(str))
    for name, frame in tables.items():
        if "resident_id" in frame.columns:
            frame = frame[frame["resident_id"].astype(str).isin(keep)]
        elif "site_id" in frame.columns and name != "practices":
            frame = frame[frame["site_id"].astype(str) != "H6"]
        if "wave" in frame.columns:
            frame = frame[frame["wave"].astype(str) == "pre"]
        tables[name] = frame.reset_index(drop=True)
    tables["outcomes"] = _wants_more_pattern(tables)
    # H3's staff answer too (copies with new ids): H2 is then the one site with a small
    # number of staff respondents, which the overview minus the other sites would give.
    u = tables["understanding"]
    h3 = u[(u["site_id"].astype(str) == "H3") & (u["role"].astype(str) == "staff")].copy()
    h3["respondent_id"] = "M9" + h3["respondent_id"].astype(str).str[-3:]
    tables["understanding"] = pd.concat([u, h3], ignore_index=True)
    data = tmp_path_factory.mktemp("raw") / "kommune"
    write_dataset(tables, data, style="da")
    out = tmp_path_factory.mktemp("reports") / "run"
    result = run_report(data, out, sites="all", audience="steering", workers=2, progress=False)
    assert all(j.status == "ok" for j in result.jobs)
    return out


def _reports(out: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted((out / "tabeller").iterdir()) if p.is_dir()}


def test_key_figures_minus_needs_from_the_csv_files(run: Path) -> None:
    checked = 0
    for name, folder in _reports(run).items():
        if not (folder / "noegletal.csv").exists() or not (folder / "behov.csv").exists():
            continue
        keys, needs = read(folder / "noegletal.csv"), read(folder / "behov.csv")
        osc = reader(keys.iloc[0]["Kun personale tæt på"])
        wm_osc = reader(needs.iloc[0]["… og har kun personale tæt på"])
        if osc and wm_osc and osc[0] == osc[1] and wm_osc[0] == wm_osc[1]:
            diff = osc[0] - wm_osc[0]
            assert diff == 0 or diff >= MIN_CELL, (name, diff)
            checked += 1
    assert checked


def _integer_range(lows, highs, j):
    n = len(lows)
    a = np.ones((1, n))
    a[0, -1] = -1.0
    cons = [LinearConstraint(a, 0.0, 0.0)]
    out = []
    for sign in (1.0, -1.0):
        c = np.zeros(n)
        c[j] = sign
        res = milp(c, constraints=cons, integrality=np.ones(n), bounds=Bounds(lows, highs))
        assert res.status in (0, 3), res.message  # feasible: the markers do not lie
        out.append(sign * res.fun if res.status == 0 else sign * np.inf)
    return out


@pytest.mark.parametrize("column", ["Medarbejdere", "Borgere"])
def test_statements_overview_minus_sites_from_the_csv_files(run: Path, column: str) -> None:
    reports = _reports(run)
    overview = read(reports.pop("samlet") / "udsagn_roller.csv")
    sites: dict = {}
    for k, v in reports.items():
        table = read(v / "udsagn_roller.csv") if (v / "udsagn_roller.csv").exists() else None
        page = run / f"{k}.html"
        if table is not None and column in table.columns:
            sites[k] = table
        elif page.exists() and NO_COLUMNS in page.read_text(encoding="utf-8"):
            # the report says no statement was answered by MIN_CELL of them: 0 to 4 each
            sites[k] = None
    html = [p for p in run.glob("*.html") if p.stem not in ("index", "samlet")]
    unpublished = len(html) - len(sites)
    assert unpublished >= 0
    attacked = 0
    for item in overview.index:
        total = reader(overview.at[item, column])
        known = [
            (0.0, MIN_CELL - 1.0)
            if t is None
            else reader(t.at[item, column])
            if item in t.index
            else (0.0, 0.0)
            for t in sites.values()
        ]
        if total is None or any(k is None for k in known):
            continue
        # sites whose report publishes no table (too few residents): unknown, 0 or more
        lows = [k[0] for k in known] + [0.0] * unpublished + [total[0]]
        highs = [k[1] for k in known] + [np.inf] * unpublished + [total[1]]
        for j, (lo, hi) in enumerate(known):
            if lo < hi and hi < MIN_CELL:  # a hidden small count
                r_lo, r_hi = _integer_range(lows, highs, j)
                assert r_hi - r_lo >= 1, (column, item, list(sites)[j], r_lo, r_hi)
                attacked += 1
    assert attacked, "no hidden small site count in the run to attack"


def test_an_atom_of_the_key_figures_is_not_read_as_a_small_marker(tmp_path: Path) -> None:
    """Found by this attacker on a generated run of 15 sites of 4-30 residents: the gate read
    the never-published cross-classification atoms of key figures and needs (``hidden_cols``)
    as ``<5`` cells, narrowed *want more and only staff close* of a 15-resident site to one
    value and printed it ("5"), so Nøgletal's *only staff close* (7) minus it gave 2 residents.
    A reader knows nothing of an atom; the printed interval now says only what can be read."""
    from analyse.data.demo import make_realistic_tables
    from analyse.data.io import write_dataset
    from analyse.report import sections, shared

    sizes = [30, 4, 6, 8, 15, 12, 22, 14, 18, 6, 25, 13, 16, 20, 28]
    tables = make_realistic_tables(sizes, seed=2026, dropout=0.1, missing=6)
    data = tmp_path / "kommune"
    write_dataset(tables, data, style="da")
    ctx = shared.load(data, site="H5", audience="steering")
    shown = sections.key_needs_family(ctx).display().loc["pre"]
    osc = reader(shown["only_staff_close"])
    wm_osc = reader(shown["wants_more_only_staff_close"])
    assert osc is not None and wm_osc is not None
    low, high = osc[0] - wm_osc[1], osc[1] - wm_osc[0]  # what a reader can say of the rest
    assert high - low >= 1 or low == 0 or low >= MIN_CELL, (shown.to_dict(), low, high)
