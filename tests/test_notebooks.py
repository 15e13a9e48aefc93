"""Every shipped notebook: a tagged parameters cell, no committed outputs, and it runs on the
demo data with papermill for both audiences."""

from __future__ import annotations

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
    assert "parameters" in first.metadata.get("tags", []), "first code cell must be tagged 'parameters'"
    for name in REQUIRED_PARAMETERS:
        assert f"{name} =" in first.source or f"{name}=" in first.source, f"parameter {name} missing"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), "notebooks are committed without outputs"
            assert cell.get("execution_count") is None


@pytest.mark.skipif(not DEMO.exists(), reason="demo data not bundled")
@pytest.mark.parametrize("audience", ["consultant", "steering"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
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
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
