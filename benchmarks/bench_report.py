"""The report batch against the naive loop a consultant would write.

Naive: for each site, papermill (a Jupyter kernel per site) then nbconvert to HTML, one site
after another. Ours: ``analyse report --workers 2`` (each report in a fresh process forked from
a warm one). Same notebook, same data (20 synthetic sites). Prints both times and the ratio
(goal: at least 3x on a 2-core machine).
Usage: python benchmarks/bench_report.py [--sites 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def naive(data: Path, out: Path, sites: list[str]) -> float:
    import papermill as pm
    from nbconvert import HTMLExporter

    from analyse.config import NOTEBOOKS_DIR
    from analyse.data.prepare import prepare

    out.mkdir(parents=True)
    t0 = time.perf_counter()
    prepared = out / "prepared"
    prepare(data, prepared)
    notebook = NOTEBOOKS_DIR / "botilbud-rapport.ipynb"
    for site in sites:
        executed = out / f"{site}.ipynb"
        pm.execute_notebook(
            str(notebook), str(executed), parameters={"dataset": str(prepared), "site": site},
            cwd=str(NOTEBOOKS_DIR), progress_bar=False,
        )
        exporter = HTMLExporter(template_name="lab")
        exporter.exclude_input = True
        body, _ = exporter.from_filename(str(executed))
        (out / f"{site}.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - t0


def ours(data: Path, out: Path, sites: list[str], workers: int) -> float:
    from analyse.run.batch import run_report

    t0 = time.perf_counter()
    result = run_report(data, out, sites=sites, audience="steering", workers=workers, progress=False)
    seconds = time.perf_counter() - t0
    failed = [j.name for j in result.jobs if j.status != "ok"]
    if failed:
        raise SystemExit(f"reports failed: {failed}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from analyse.data.demo import make_demo_tables
    from analyse.data.io import write_dataset

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "raw"
        tables = make_demo_tables(args.sites, seed=1)
        write_dataset(tables, data, style="da")
        sites = sorted(tables["residents"]["site_id"].unique(), key=lambda s: int(s[1:]))
        t_ours = ours(data, Path(tmp) / "ours", sites, args.workers)
        t_naive = naive(data, Path(tmp) / "naive", sites)
    print(f"report batch, {len(sites)} sites (+ overview for ours)")
    print(f"  naive loop (papermill + nbconvert, sequential): {t_naive:7.1f} s")
    print(f"  analyse report --workers {args.workers}             : {t_ours:7.1f} s")
    print(f"  speed-up: {t_naive / t_ours:.2f} x   (goal >= 3 x)")


if __name__ == "__main__":
    main()
