"""National scale (issue 8): where the time goes for 20, 200 and 2,000 sites.

For each size, on :func:`analyse.demo.make_demo_tables` (about ten residents per site):

- validate + prepare (``analyse.prepare.prepare`` on the CSV folder),
- analysis on the prepared data: ``relations.indicators``, ``relations.turnover``,
  ``agreement.rwg_j`` per site x wave x role and ``prepost.paired`` (loneliness, all residents),
- the report logic without papermill (``analyse.report`` sections): the first report of a run,
  which also computes the results all reports share, and a later site report, which loads them,
- the report batch per report (``run_report``) with 1 and 2 workers, on the local pool and on a
  Dask ``LocalCluster`` (``scheduler="processes"``) — only for the sizes in ``--batch-sites``
  (default 20): when a batch would take longer than ``--batch-limit`` minutes (estimated
  from the single-report times) it is skipped and the estimate printed instead,
- the peak memory (max RSS) of every step, each step measured in its own process,
- the growth factor of every time when the number of sites grows tenfold (10 = linear).

Never asserted in tests. Usage::

    .venv/bin/python benchmarks/bench_scale.py
    .venv/bin/python benchmarks/bench_scale.py --sizes 20,200,2000,5000 --batch-sites 20,200
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
step, raw, prepared = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
out = {}
if step == "prepare":
    from analyse.prepare import prepare
    t0 = time.perf_counter()
    prepare(raw, prepared)
    out["prepare"] = time.perf_counter() - t0
elif step == "analysis":
    from analyse.agreement import rwg_j
    from analyse.prepare import read_prepared
    from analyse.prepost import paired
    from analyse.relations import indicators, turnover
    ds = read_prepared(prepared)
    t0 = time.perf_counter(); ind = indicators(ds); out["indicators"] = time.perf_counter() - t0
    t0 = time.perf_counter(); turnover(ds); out["turnover"] = time.perf_counter() - t0
    u = ds.understanding.dropna(subset=["rating"])
    u = u.assign(rating=u["rating"].astype(float))
    t0 = time.perf_counter()
    rwg_j(u, ["site_id", "wave", "role"], "item", "rating", respondent="respondent_id")
    out["rwg_j"] = time.perf_counter() - t0
    long = ds.outcomes[["resident_id", "wave", "loneliness"]]
    long = long.assign(loneliness=long["loneliness"].astype(float))
    t0 = time.perf_counter(); paired(long, "resident_id", "wave", "loneliness")
    out["paired"] = time.perf_counter() - t0
    out["rows_relations"] = len(ds.relations)
elif step in ("report_site", "report_overview"):
    # The first report of a run also computes the results every report shares (stored beside
    # the prepared data); a later report only loads them: both are timed.
    import shutil, tempfile
    from analyse import report
    site = "H1" if step == "report_site" else "all"
    copy = Path(tempfile.mkdtemp()) / "prepared"
    shutil.copytree(prepared, copy)
    for run in ("", "_warm"):
        t0 = time.perf_counter()
        ctx = report.load(copy, site=site)
        for section in (report.title, report.kortlaegning, report.behov,
                        report.faelles_forstaaelse, report.afproevning, report.om_rapporten):
            section(ctx)
        out[step + run] = time.perf_counter() - t0
    shutil.rmtree(copy.parent)
out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

BATCH = r"""
import json, resource, sys, time
from pathlib import Path
from analyse.batch import run_report

if __name__ == "__main__":
    prepared, out, scheduler, workers = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    t0 = time.perf_counter()
    result = run_report(prepared, out, workers=workers, scheduler=scheduler, progress=False)
    seconds = time.perf_counter() - t0
    failed = [j.name for j in result.jobs if j.status != "ok"]
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps({"seconds": seconds, "reports": len(result.jobs), "failed": failed,
                      "peak_mib": peak}))
"""


def child(code: str, *args: object) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(code)  # a file, not -c: Dask's spawned workers re-import the main module
    proc = subprocess.run(
        [sys.executable, f.name, *map(str, args)], capture_output=True, text=True
    )
    Path(f.name).unlink()
    if proc.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def growth(values: dict[int, float], n: int) -> str:
    small = values.get(n // 10)
    if small is None or n not in values or small <= 0:
        return "      "
    return f"x{values[n] / small:5.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20,200,2000")
    parser.add_argument("--batch-sites", default="20")
    parser.add_argument("--report-sites", default="20,200",
                        help="sizes at which one report is timed (a 2,000-site report takes minutes)")
    parser.add_argument("--batch-workers", default="1,2")
    parser.add_argument("--batch-limit", type=float, default=10.0, help="minutes per batch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    batch_sizes = {int(s) for s in args.batch_sites.split(",") if s}
    report_sizes = {int(s) for s in args.report_sites.split(",") if s}

    from analyse.demo import make_demo_tables
    from analyse.io import write_dataset

    rows: dict[int, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            raw, prepared = Path(tmp) / f"raw{n}", Path(tmp) / f"prepared{n}"
            t0 = time.perf_counter()
            tables = make_demo_tables(n, seed=args.seed)
            write_dataset(tables, raw, style="da")
            row = {"generate": time.perf_counter() - t0, "residents": len(tables["residents"])}
            del tables
            steps = ["prepare", "analysis"]
            if n in report_sizes:
                steps += ["report_site", "report_overview"]
            for step in steps:
                res = child(CHILD, step, raw, prepared)
                row[f"peak_{step}"] = res.pop("peak_mib")
                row.update(res)
            row["analysis"] = sum(row[k] for k in ("indicators", "turnover", "rwg_j", "paired"))
            if "report_site" in row:
                estimate = (row["report_site_warm"] * n + row["report_overview"]) / 60
            else:  # from the largest size timed: a report's cost grows with the sites
                m = max((k for k in rows if "report_site" in rows[k]), default=None)
                grow = (n / m) ** 2 if m else float("nan")  # n reports, each ~ n
                estimate = rows[m]["batch_estimate_min"] * grow if m else float("nan")
            row["batch_estimate_min"] = estimate
            for scheduler in ("local", "processes"):
                for workers in [int(w) for w in args.batch_workers.split(",")]:
                    key = f"batch_{scheduler}_{workers}"
                    if n not in batch_sizes or estimate / workers > args.batch_limit:
                        continue
                    res = child(BATCH, prepared, Path(tmp) / f"run-{n}-{key}", scheduler, workers)
                    if res["failed"]:
                        raise SystemExit(f"reports failed: {res['failed']}")
                    row[key] = res["seconds"] / res["reports"]
                    row[f"peak_{key}"] = res["peak_mib"]
            rows[n] = row
            print(f"... {n} sites done", file=sys.stderr, flush=True)

    def col(key: str) -> dict[int, float]:
        return {n: r[key] for n, r in rows.items() if key in r}

    print(f"{'sites':>6} {'residents':>9} | {'measure':<36} {'seconds':>9} {'growth':>7} {'peak MiB':>9}")
    measures = [
        ("validate + prepare", "prepare", "peak_prepare"),
        ("analysis (4 functions)", "analysis", "peak_analysis"),
        ("  relations.indicators", "indicators", None),
        ("  relations.turnover", "turnover", None),
        ("  agreement.rwg_j (site x wave x role)", "rwg_j", None),
        ("  prepost.paired", "paired", None),
        ("first report of a run (shared results)", "report_overview", "peak_report_overview"),
        ("a later site report (sections)", "report_site_warm", "peak_report_site"),
        ("batch per report, local, 1 worker", "batch_local_1", "peak_batch_local_1"),
        ("batch per report, local, 2 workers", "batch_local_2", "peak_batch_local_2"),
        ("batch per report, LocalCluster, 1", "batch_processes_1", "peak_batch_processes_1"),
        ("batch per report, LocalCluster, 2", "batch_processes_2", "peak_batch_processes_2"),
    ]
    for n, r in rows.items():
        for label, key, peak in measures:
            if key not in r:
                if key.startswith("batch"):
                    w = 2 if key.endswith("2") else 1
                    print(f"{n:>6} {r['residents']:>9} | {label:<36} {'skipped':>9}"
                          f"         (whole batch estimated {r['batch_estimate_min'] / w:.0f} min)")
                elif key.startswith("report"):
                    print(f"{n:>6} {r['residents']:>9} | {label:<36} {'skipped':>9}"
                          "         (not in --report-sites)")
                continue
            p = f"{r[peak]:9.0f}" if peak and peak in r else " " * 9
            print(f"{n:>6} {r['residents']:>9} | {label:<36} {r[key]:9.2f} {growth(col(key), n):>7} {p}")
        print()
    print("growth: time at this size / time at a tenth of it (10 = linear in the sites).")
    print("batch peak MiB: the larger of the run's own process and its largest child.")


if __name__ == "__main__":
    main()
