"""Where a report's time goes (issue 25): a per-stage account per report, and the whole batch.

For each size in ``--sites`` (default 20: quick enough for ``make bench``), on the synthetic
data of :func:`analyse.data.demo.make_demo_tables` (about ten residents per site):

1. **Once per run** (in this process, timed with the package's own functions):
   validate + prepare, loading the prepared data, the shared results every report uses
   (:func:`analyse.report.shared.write_shared_cache`), split into the gate
   (``privacy.suppress_family`` and the group gate) and the analyses (everything else).
2. **Per report** (``--sample`` site reports and the overview, each executed as the batch does
   it, in-process after the same warm-up as the batch's forkserver): loading the report's
   context, each section of the notebook (selecting from the shared results, building its
   tables and figures), each figure's rendering to PNG, the rest of the notebook execution
   (papermill, the engine, writing the notebook), the HTML export, CSV/XLSX writing.
   Times are *exclusive*: a stage nested in another is not counted twice.
3. **The whole batch**: ``analyse report DATA --out OUT --workers 2`` as a whole process, its wall
   time, seconds per report, the audit's share (from the run's log) and the peak memory of the
   run's process tree (sum of RSS, polled).

The machine may be shared: every per-report figure is the **median** over the sampled reports
and ``--repeat`` repetitions. Never asserted in tests.

Usage::

    .venv/bin/python benchmarks/bench_stages.py                      # 20 sites, quick
    .venv/bin/python benchmarks/bench_stages.py --sites 20,200 --sample 5
    .venv/bin/python benchmarks/bench_stages.py --sites 2000 --no-batch
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

#: Exclusive seconds per stage name, for the report being measured: wall and CPU (this
#: process's CPU time, which a busy shared machine inflates far less than wall time).
_TIMES: dict[str, float] = defaultdict(float)
_CPU: dict[str, float] = defaultdict(float)
_STACK: list[list[float]] = []


def _timed(name, fn):
    """``fn`` wrapped so that its exclusive time is added to ``_TIMES[name(args)]``."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        key = name(*args, **kwargs) if callable(name) else name
        frame = [0.0, 0.0]  # wall and CPU time spent in nested timed calls
        _STACK.append(frame)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
            _STACK.pop()
            _TIMES[key] += elapsed - frame[0]
            _CPU[key] += cpu - frame[1]
            if _STACK:
                _STACK[-1][0] += elapsed
                _STACK[-1][1] += cpu

    return wrapper


def _patch(owner, attr: str, name) -> None:
    setattr(owner, attr, _timed(name, getattr(owner, attr)))


def _figure_name(fig, *args, **kwargs) -> str:
    title = ""
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None:
        title = suptitle.get_text()
    if not title:
        for ax in fig.get_axes():
            title = ax.get_title() or ax.get_title(loc="left")
            if title:
                break
    return f"figure: {title[:40] or '(untitled)'}"


def instrument() -> None:
    """Wrap the functions whose time the account reports (the batch's own code paths)."""
    import IPython.core.pylabtools as pylabtools
    import nbconvert
    import papermill

    from analyse import report
    from analyse.render import figures
    from analyse.report import main_results
    from analyse.run import batch

    _patch(report, "load", "loading the report's context")
    for module, names in (
        (
            report,
            (
                "title",
                "kortlaegning",
                "behov",
                "faelles_forstaaelse",
                "afproevning",
                "om_rapporten",
            ),
        ),
        (main_results, ("hovedresultater", "udvikling", "sammenligning")),
    ):
        for attr in names:
            if hasattr(module, attr):
                _patch(module, attr, f"section: {attr}")
    # The reports embed each figure through figures.png_bytes; anything displayed as a
    # matplotlib figure goes through the inline backend's print_figure.
    _patch(pylabtools, "print_figure", _figure_name)
    _patch(figures, "png_bytes", _figure_name)
    _patch(papermill, "execute_notebook", "notebook execution (papermill, engine, saving)")
    _patch(nbconvert.HTMLExporter, "from_notebook_node", "HTML export")
    _patch(batch, "_write_tables", "CSV/XLSX writing")
    _patch(batch, "export", "export: reading the notebook, writing HTML")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def once_per_run(raw: Path, prepared: Path) -> dict[str, float]:
    from analyse import report
    from analyse.data.prepare import load, prepare
    from analyse.privacy import gate as privacy

    out: dict[str, float] = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    prepare(raw, prepared)
    out["validate + prepare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = load(prepared)
    out["loading the prepared data"] = time.perf_counter() - t0
    _TIMES.clear()
    originals = (privacy.suppress_family, report._group_gate)
    privacy.suppress_family = _timed("gate", privacy.suppress_family)
    report._group_gate = _timed("gate", report._group_gate)
    try:
        t0 = time.perf_counter()
        report.write_shared_cache(prepared, ds)
        total = time.perf_counter() - t0
    finally:
        privacy.suppress_family, report._group_gate = originals
    out["shared results: gate"] = _TIMES.get("gate", 0.0)
    out["shared results: analyses, storing slices"] = total - out["shared results: gate"]
    out["once per run, CPU seconds"] = time.process_time() - c0
    return out


def per_report(prepared: Path, sites: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """Median exclusive seconds per stage, for site reports and for the overview."""
    from analyse.config import NOTEBOOKS_DIR
    from analyse.run.batch import OVERVIEW, OVERVIEW_NOTEBOOK, SITE_NOTEBOOK, Job, execute

    samples: dict[str, dict[str, list[float]]] = {
        "site": defaultdict(list),
        "overview": defaultdict(list),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):
            for site in [*sites, "all"]:
                kind = "overview" if site == "all" else "site"
                notebook = OVERVIEW_NOTEBOOK if site == "all" else SITE_NOTEBOOK
                job = Job(
                    OVERVIEW if site == "all" else site,
                    NOTEBOOKS_DIR / notebook,
                    {"dataset": str(prepared), "site": site, "audience": "steering", "lang": "da"},
                )
                _TIMES.clear()
                _CPU.clear()
                t0, c0 = time.perf_counter(), time.process_time()
                execute(job, Path(tmp) / f"{r}", engine="inprocess")
                total = time.perf_counter() - t0
                samples[kind]["report total [CPU]"].append(time.process_time() - c0)
                if job.status != "ok":
                    raise SystemExit(f"report {site} failed: {job.error}")
                for key, value in _TIMES.items():
                    samples[kind][key].append(value)
                    samples[kind][f"{key} [CPU]"].append(_CPU[key])
                samples[kind]["report total"].append(total)
    return {kind: {k: _median(v) for k, v in s.items()} for kind, s in samples.items()}


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def whole_batch(raw: Path, out: Path, workers: int, scheduler: str) -> dict[str, float]:
    """``analyse report`` as a user runs it: wall seconds, audit seconds, peak tree RSS."""
    cmd = [
        str(Path(sys.executable).parent / "analyse"),
        "report",
        str(raw),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--scheduler",
        scheduler,
    ]
    peak = [0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    watcher.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"analyse report failed ({proc.returncode}): {err[-2000:]}")
    import json

    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return {
        "wall": wall,
        "peak_mib": peak[0] / 2**20,
        "reports": len(record["jobs"]),
        "timings": record.get("timings", {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", default="20", help="comma-separated sizes (default 20)")
    parser.add_argument("--sample", type=int, default=3, help="site reports timed per size")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", default="local")
    parser.add_argument("--no-batch", action="store_true", help="skip the whole batch")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import analyse.run._warm  # noqa: F401  the batch's forkserver warm-up, paid once here
    from analyse.data.demo import make_demo_tables
    from analyse.data.io import write_dataset

    instrument()
    for size in [int(s) for s in args.sites.split(",")]:
        with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
            raw = Path(tmp) / "raw"
            tables = make_demo_tables(size, seed=args.seed)
            write_dataset(tables, raw, style="da")
            sites = sorted(tables["residents"]["site_id"].unique(), key=lambda s: int(s[1:]))
            step = max(1, len(sites) // args.sample)
            sample = sites[::step][: args.sample]
            run = once_per_run(raw, Path(tmp) / "prepared")
            reports = per_report(Path(tmp) / "prepared", sample, args.repeat)
            batch = None
            if not args.no_batch:
                batch = whole_batch(raw, Path(tmp) / "run", args.workers, args.scheduler)
        print(
            f"\n== {size} sites, {len(tables['residents'])} residents "
            f"(medians of {len(sample)} site reports x {args.repeat}; noisy if shared)"
        )
        print("once per run")
        for key, value in run.items():
            print(f"  {key:<52} {value:8.2f} s")
        keys = sorted(
            {k for r in reports.values() for k in r}, key=lambda k: -reports["site"].get(k, 0.0)
        )
        print(f"per report {'':<42} {'site':>9} {'(CPU)':>9} {'overview':>9} {'(CPU)':>9}")
        for key in keys:
            if key.endswith(" [CPU]"):
                continue
            cells = [
                reports[kind].get(k, 0.0)
                for kind in ("site", "overview")
                for k in (key, f"{key} [CPU]")
            ]
            print(f"  {key:<52} " + " ".join(f"{v:8.3f}s" for v in cells))
        if batch is not None:
            jobs = batch["timings"].get("jobs", {})
            print(
                f"whole batch: analyse report --workers {args.workers} --scheduler {args.scheduler}"
            )
            print(
                f"  wall {batch['wall']:.1f} s for {batch['reports']} reports "
                f"= {batch['wall'] / batch['reports']:.2f} s per report; "
                f"report median {_median(list(jobs.values())):.2f} s; "
                f"peak RSS of the process tree {batch['peak_mib']:.0f} MiB"
            )
            stages = batch["timings"].get("stages")
            if stages:
                for key, value in stages.items():
                    print(f"  {key:<52} {value:8.2f} s")


if __name__ == "__main__":
    main()
