"""Validate + prepare a national-scale synthetic data set, against a bare pandas.read_csv.

Prints the times, their ratio (goal: at most 3x) and the peak memory (goal: under 2 GiB), and
the ratio as a user meets it: ``analyse prepare`` as a whole process (start-up included) against
a whole ``python -c "import pandas; <read every CSV>"`` process (goal: at most 3x, aim 2x).
Usage: python benchmarks/bench_prepare.py [--sites 2000] [--repeat 1]

On a shared machine, ``--repeat N`` runs both N times, alternately, and reports the best time of
each (the one least disturbed by other work), with the range, and the highest peak.
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
mode, data, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
startup = 0.0
imports = 0.0
if mode == "prepare":
    # One-time cost, independent of the data: imports and building the pandera models (pandera
    # imports dask's typing when dask is installed). Reported apart from the work on data.
    t0 = time.perf_counter()
    from analyse.data.prepare import prepare
    from analyse.data.schema import specs, TABLES
    from analyse.data.validate import _schema_for, SCALES
    specs()
    for t in TABLES:
        _schema_for(t, SCALES)
    startup = time.perf_counter() - t0
if mode == "read_csv":
    t1 = time.perf_counter()
    import pandas as pd
    imports = time.perf_counter() - t1  # outside both figures, as prepare's start-up is
t0 = time.perf_counter()
if mode == "read_csv":
    rows = 0
    for f in sorted(data.glob("*.csv")):
        rows += len(pd.read_csv(f, sep=";", encoding="utf-8-sig"))
else:
    from analyse.data.prepare import prepare
    ds = prepare(data, Path(out))
    rows = sum(len(t) for t in ds.tables().values())
seconds = time.perf_counter() - t0
try:  # this process's own high-water mark (ru_maxrss can carry the parent's over from fork)
    status = Path("/proc/self/status").read_text()
    peak_mib = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError, ValueError):
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mib": peak_mib, "startup": startup,
                  "imports": imports}))
"""


def run(mode: str, data: Path, out: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(data), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


BARE_PROCESS = r"""
import sys
from pathlib import Path
import pandas as pd
for f in sorted(Path(sys.argv[1]).glob("*.csv")):
    pd.read_csv(f, sep=";", encoding="utf-8-sig")
"""


def whole_process(command: list[str]) -> float:
    """Wall-clock seconds of one whole process, start-up included (as a user waits for it)."""
    t0 = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - t0


def analyse_command() -> list[str]:
    """The ``analyse`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("analyse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "analyse.cli"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternately")
    args = parser.parse_args()

    from analyse.data.demo import make_demo_tables
    from analyse.data.io import write_dataset

    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "raw"
        t0 = time.perf_counter()
        write_dataset(make_demo_tables(args.sites, seed=args.seed), data, style="da")
        gen = time.perf_counter() - t0
        size_mib = sum(f.stat().st_size for f in data.iterdir()) / 2**20
        bares, ourses = [], []
        bare_procs, our_procs = [], []
        for i in range(max(1, args.repeat)):
            bares.append(run("read_csv", data, Path(tmp) / "unused"))
            ourses.append(run("prepare", data, Path(tmp) / f"processed-{i}"))
            bare_procs.append(whole_process([sys.executable, "-c", BARE_PROCESS, str(data)]))
            our_procs.append(
                whole_process(
                    [*analyse_command(), "prepare", str(data), "--out", str(Path(tmp) / f"cli-{i}")]
                )
            )
    bare, ours = best(bares), best(ourses)
    print(
        f"validate + prepare, {args.sites} sites ({ours['rows']:,} rows, {size_mib:.1f} MiB of CSV; "
        f"generated in {gen:.1f} s)"
    )
    print(
        f"  bare pandas.read_csv : {bare['seconds']:7.2f} s   peak {bare['peak_mib']:7.0f} MiB"
        f"   (+ {bare['imports']:.1f} s: import pandas){spread(bares)}"
    )
    print(
        f"  analyse prepare      : {ours['seconds']:7.2f} s   peak {ours['peak_mib']:7.0f} MiB"
        f"   (+ {ours['startup']:.1f} s one-time start-up: imports, pandera models){spread(ourses)}"
    )
    ratio = ours["seconds"] / bare["seconds"]
    print(f"  ratio                : {ratio:7.2f} x   (peak memory goal < 2048 MiB)")
    print("  (both without their imports; prepare includes reading, the privacy screen, every")
    print("   pandera check, the cross-table rules, SHA-256 of the inputs and writing Parquet.")
    print("   Issue 3 set <= 3 x here against pandas 2's read_csv; pandas 3 reads these files")
    print("   about six times faster, so issue 13 set the goal on the whole processes below.)")
    bare_p, our_p = min(bare_procs), min(our_procs)
    print("as a user meets it (whole processes, start-up included; best of each):")
    print(f"  python -c 'import pandas; read every CSV' : {bare_p:7.2f} s")
    print(f"  analyse prepare DATA --out OUT            : {our_p:7.2f} s")
    print(f"  ratio                                     : {our_p / bare_p:7.2f} x   (goal <= 3 x, aim 2 x)")


def compile_package() -> None:
    """Write the package's bytecode, as installing it from a wheel does.

    An editable install (``make install``) compiles each module when it is first imported,
    unless ``PYTHONDONTWRITEBYTECODE`` is set: then every process would compile the modules
    changed since the last compilation, and the start-up measured would be the compiler's.
    """
    import compileall

    import analyse

    compileall.compile_dir(Path(analyse.__file__).parent, quiet=1)


def best(runs: list[dict]) -> dict:
    """The fastest run, with the highest peak memory of all runs."""
    fastest = min(runs, key=lambda r: r["seconds"])
    return {**fastest, "peak_mib": max(r["peak_mib"] for r in runs)}


def spread(runs: list[dict]) -> str:
    if len(runs) < 2:
        return ""
    seconds = sorted(r["seconds"] for r in runs)
    return f"   [best of {len(runs)}; {seconds[0]:.2f}-{seconds[-1]:.2f} s]"


if __name__ == "__main__":
    main()
