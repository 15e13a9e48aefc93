"""Every shipped notebook: a tagged parameters cell, no committed outputs, and it runs on the
demo data with papermill for both audiences."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
DEMO = ROOT / "data" / "raw" / "demo"
REQUIRED_PARAMETERS = ("dataset", "site", "audience", "lang", "min_cell", "seed")


def _first_code_cell(nb):
    return next(c for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_has_parameters_and_no_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = _first_code_cell(nb)
    assert "parameters" in first.metadata.get("tags", []), (
        "first code cell must be tagged 'parameters'"
    )
    for name in REQUIRED_PARAMETERS:
        assert f"{name} =" in first.source or f"{name}=" in first.source, (
            f"parameter {name} missing"
        )
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), "notebooks are committed without outputs"
            assert cell.get("execution_count") is None


# The exploration notebooks 01-04 have their own, stricter runs below.
REPORT_NOTEBOOKS = [p for p in NOTEBOOKS if not p.name[:2].isdigit()]


@pytest.mark.skipif(not DEMO.exists(), reason="demo data not bundled")
@pytest.mark.parametrize("audience", ["consultant", "steering"])
@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=[p.name for p in REPORT_NOTEBOOKS])
def test_notebook_runs_on_demo_data(path: Path, audience: str, tmp_path: Path) -> None:
    import papermill as pm

    out = tmp_path / path.name
    pm.execute_notebook(
        str(path),
        str(out),
        parameters={"dataset": str(DEMO), "audience": audience},
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
    )
    nb = nbformat.read(out, as_version=4)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors


# --------------------------------------------------------------------------- exploration 01-04

EXPLORATION = [p for p in NOTEBOOKS if p.name[:2].isdigit()]
KERNEL = {"name": "naere-relationer", "display_name": "Nære relationer"}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
# A section may show no figure only when it says why: the analysis does not apply (optional
# table missing, resident level hidden from the steering group) or the data must be fixed.
NO_FIGURE_REASONS = ('class="nr-absent"', 'class="nr-problem"')


def _without_optional_tables(folder: Path) -> Path:
    """The demo data without forstaaelse, spoergsmaal and vurderinger (all optional)."""
    folder.mkdir()
    for name in ("borgere", "relationer", "borgermaal", "praksisser"):
        shutil.copy(DEMO / f"{name}.csv", folder / f"{name}.csv")
    return folder


def _with_an_error(folder: Path) -> Path:
    """The demo data with one closeness of 7 (allowed: 1-3) in relationer, row 3."""
    shutil.copytree(DEMO, folder)
    path = folder / "relationer.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(";")
    cells[4] = "7"
    lines[2] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _execute(path: Path, out: Path, **parameters: object):
    import papermill as pm

    pm.execute_notebook(
        str(path),
        str(out),
        parameters={"interactive": False, **parameters},
        cwd=str(path.parent),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
    )
    return nbformat.read(out, as_version=4)


def _sections(nb) -> dict[str, list[dict]]:
    """The outputs of the code cells under each '## ' heading."""
    sections: dict[str, list[dict]] = {}
    current = None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            current = cell.source.splitlines()[0]
            sections.setdefault(current, [])
        elif cell.cell_type == "code" and current is not None:
            sections[current] += cell.get("outputs", [])
    return {k: v for k, v in sections.items() if v or k in _code_sections(nb)}


def _code_sections(nb) -> set[str]:
    out, current = set(), None
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            current = cell.source.splitlines()[0]
        elif cell.cell_type == "code" and current is not None:
            out.add(current)
    return out


def _html(outputs: list[dict]) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def _check_executed(nb, *, lang: str) -> dict[str, str]:
    """No error output; a figure (or a stated reason) in every section; Danish headers.

    Returns the HTML of each section, for the caller's own checks.
    """
    errors = [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    streams = [
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream"
    ]
    assert not [s for s in streams if "Traceback" in s or "Warning" in s], streams
    sections = _sections(nb)
    assert sections, "no '## ' sections with code"
    html_by_section = {}
    for heading, outputs in sections.items():
        has_figure = any("image/png" in o.get("data", {}) for o in outputs)
        html = _html(outputs)
        assert has_figure or any(r in html for r in NO_FIGURE_REASONS), f"no figure in {heading!r}"
        html_by_section[heading] = html
    if lang == "da":
        headers = [
            h for html in html_by_section.values() for h in re.findall(r"<th>(.*?)</th>", html)
        ]
        raw = [h for h in headers if SNAKE_CASE.match(h)]
        assert not raw, f"raw column names shown as headers: {raw}"
    return html_by_section


@pytest.mark.parametrize("path", EXPLORATION, ids=[p.name for p in EXPLORATION])
def test_exploration_notebook_opens_with_the_project_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    spec = nb.metadata.get("kernelspec", {})
    assert {k: spec.get(k) for k in KERNEL} == KERNEL
    first = _first_code_cell(nb)
    assert "interactive =" in first.source, "the notebook must say how to get dropdowns"


EXPLORATION_CASES = [
    pytest.param("demo", "consultant", "da", id="demo-consultant-da"),
    pytest.param("demo", "steering", "da", id="demo-steering-da"),
    pytest.param("no-optional", "consultant", "en", id="no-optional-tables-consultant-en"),
]


@pytest.mark.skipif(not DEMO.exists(), reason="demo data not bundled")
@pytest.mark.parametrize("data,audience,lang", EXPLORATION_CASES)
@pytest.mark.parametrize("path", EXPLORATION, ids=[p.name for p in EXPLORATION])
def test_exploration_notebook_runs(
    path: Path, data: str, audience: str, lang: str, tmp_path: Path
) -> None:
    folder = DEMO if data == "demo" else _without_optional_tables(tmp_path / "data")
    nb = _execute(path, tmp_path / path.name, dataset=str(folder), audience=audience, lang=lang)
    html = _check_executed(nb, lang=lang)
    if data == "demo" and audience == "consultant":
        assert not any('class="nr-absent"' in h or 'class="nr-problem"' in h for h in html.values())
    if audience == "steering":
        shown = "".join(html.values())
        assert not re.search(r"\bB\d{5}\b", shown), "a pseudonym reached the steering edition"
    if data == "no-optional" and path.name.startswith("03"):
        assert all('class="nr-absent"' in h for h in html.values())


@pytest.mark.skipif(not DEMO.exists(), reason="demo data not bundled")
def test_bad_data_shows_the_problem_table_not_a_traceback(tmp_path: Path) -> None:
    path = next(p for p in EXPLORATION if p.name.startswith("01"))
    folder = _with_an_error(tmp_path / "data")
    nb = _execute(path, tmp_path / path.name, dataset=str(folder))
    _check_executed(nb, lang="da")
    opened = "".join(_html(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")
    for header in ("Fil", "Række", "Kolonne", "Værdi", "Regel"):
        assert f"<th>{header}</th>" in opened
    assert "relationer.csv" in opened and "<td>3</td>" in opened and "<td>7</td>" in opened


@pytest.mark.skipif(not DEMO.exists(), reason="demo data not bundled")
def test_a_wrong_site_names_the_sites_that_exist(tmp_path: Path) -> None:
    path = next(p for p in EXPLORATION if p.name.startswith("04"))
    nb = _execute(path, tmp_path / path.name, dataset=str(DEMO), site="H01")
    _check_executed(nb, lang="da")
    opened = "".join(_html(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code")
    assert "H1, H2, H3" in opened and "Mente du H1?" in opened


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
@pytest.mark.parametrize(("uid", "as_root"), [("0", True), ("1000", False)])
def test_make_lab_allows_root_only_as_root(uid: str, as_root: bool) -> None:
    import subprocess

    dry = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "lab", f"USER_ID={uid}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lab = dry[dry.index("jupyter lab") :]
    assert ("--allow-root" in lab) is as_root
    assert "--KernelManager.transport_encryption=auto" in lab  # no "running over TCP" warning
    assert "default_kernel_name=naere-relationer" in lab
