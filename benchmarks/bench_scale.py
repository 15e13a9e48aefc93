"""National scale (issue 8): where the time goes for 20, 200 and 2,000 sites.

For each size, on :func:`analyse.data.demo.make_demo_tables` (about ten residents per site):

- validate + prepare (``analyse.data.prepare.prepare`` on the CSV folder),
- analysis on the prepared data: ``relations.indicators``, ``relations.turnover``,
  ``agreement.rwg_j`` per site x wave x role and ``prepost.paired`` (loneliness, all residents),
- the report logic without papermill (``analyse.report.sections``): the results all reports of a run
  share (computed once, before the reports), one site report and the overview (sections),
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
    from analyse.data.prepare import prepare
    t0 = time.perf_counter()
    prepare(raw, prepared)
    out["prepare"] = time.perf_counter() - t0
elif step == "analysis":
    from analyse.stats.agreement import rwg_j
    from analyse.data.prepare import read_prepared
    from analyse.stats.prepost import paired
    from analyse.stats.relations import indicators, turnover
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
elif step == "reports":
    # What a batch does besides running notebooks: the results every report shares, computed
    # once per run before the reports start (stored beside the prepared data), then one site
    # report and the overview, each loading its own slice (sections without papermill).
    import shutil, tempfile
    from analyse import report
    from analyse.data.prepare import load
    copy = Path(tempfile.mkdtemp()) / "prepared"
    shutil.copytree(prepared, copy)
    t0 = time.perf_counter()
    ds = load(copy)
    report.write_shared_cache(copy, ds)
    out["shared"] = time.perf_counter() - t0
    del ds
    for key, site in (("report_site", "H1"), ("report_overview", "all")):
        t0 = time.perf_counter()
        ctx = report.load(copy, site=site)
        for section in (report.title, report.kortlaegning, report.behov,
                        report.faelles_forstaaelse, report.afproevning, report.om_rapporten):
            section(ctx)
        out[key] = time.perf_counter() - t0
        del ctx
    shutil.rmtree(copy.parent)
out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

BATCH = r"""
import json, resource, sys, time
from pathlib import Path
from analyse.run.batch import run_report

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
    parser.add_argument("--report-sites", default="20,200,2000",
                        help="sizes at which the shared results and one report are timed")
    parser.add_argument("--batch-workers", default="1,2")
    parser.add_argument("--batch-limit", type=float, default=10.0, help="minutes per batch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    batch_sizes = {int(s) for s in args.batch_sites.split(",") if s}
    report_sizes = {int(s) for s in args.report_sites.split(",") if s}

    from analyse.data.demo import make_demo_tables
    from analyse.data.io import write_dataset

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
                steps += ["reports"]
            for step in steps:
                res = child(CHILD, step, raw, prepared)
                row[f"peak_{step}"] = res.pop("peak_mib")
                row.update(res)
            row["analysis"] = sum(row[k] for k in ("indicators", "turnover", "rwg_j", "paired"))
            # a report's own cost does not grow with the sites: from the largest size timed
            m = max((k for k in [*rows, n] if "report_site" in (rows.get(k) or row)), default=None)
            if m is None:
                estimate = float("nan")
            else:
                ref = rows.get(m) or row
                per_report = 2.0 + ref["report_site"]  # + process, papermill and export
                estimate = (row.get("shared", ref["shared"] * n / m) + per_report * (n + 1)) / 60
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
                    row[f"{key}_total"] = res["seconds"]
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
        ("shared results, once per run", "shared", "peak_reports"),
        ("one site report (load + sections)", "report_site", None),
        ("the overview (load + sections)", "report_overview", None),
        ("batch per report, local, 1 worker", "batch_local_1", "peak_batch_local_1"),
        ("  whole batch (all reports + overview)", "batch_local_1_total", None),
        ("batch per report, local, 2 workers", "batch_local_2", "peak_batch_local_2"),
        ("  whole batch (all reports + overview)", "batch_local_2_total", None),
        ("batch per report, LocalCluster, 1", "batch_processes_1", "peak_batch_processes_1"),
        ("  whole batch (all reports + overview)", "batch_processes_1_total", None),
        ("batch per report, LocalCluster, 2", "batch_processes_2", "peak_batch_processes_2"),
        ("  whole batch (all reports + overview)", "batch_processes_2_total", None),
    ]
    for n, r in rows.items():
        for label, key, peak in measures:
            if key not in r:
                if key.endswith("_total"):
                    continue
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
