"""Start-up of the command line: how long a user waits before a command does anything.

Runs each command as a whole process ``--repeat`` times and prints the best wall-clock time and
the CPU time (user + system) of that run; CPU time is what the process itself spent, so it stays
meaningful when other work shares the machine. Goals (issue 13): ``analyse --help`` and
``analyse validate --help`` under 0.3 s; ``analyse validate`` on the demo data dominated by its
work, not its imports (the import-only line shows the floor every data command pays).

Usage: python benchmarks/bench_startup.py [--repeat 7] [--analyse PATH]
(``--analyse`` times another installation's console script, e.g. an older checkout's venv.)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "raw" / "demo"


def timed(command: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(command: list[str], repeat: int) -> tuple[float, float]:
    runs = [timed(command) for _ in range(repeat)]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--analyse", default=str(Path(sys.executable).with_name("analyse")))
    args = parser.parse_args()
    analyse = args.analyse
    python = str(Path(analyse).with_name("python"))
    env_note = f"{analyse} (Python {sys.version.split()[0]}, {os.cpu_count()} cores)"
    # The package's bytecode written first, as installing a wheel does: an editable install
    # under PYTHONDONTWRITEBYTECODE would otherwise compile changed modules in every run.
    compile_package = "import analyse, compileall, os; compileall.compile_dir(os.path.dirname(analyse.__file__), quiet=1)"
    subprocess.run([python, "-c", compile_package], check=True)
    commands = {
        "python -c pass (the interpreter alone)": [python, "-c", "pass"],
        "analyse --help": [analyse, "--help"],
        "analyse validate --help": [analyse, "validate", "--help"],
        "import what validate needs (no work)": [
            python, "-c", "import analyse.cli; from analyse.data.validate import read_dataset"
        ],
        "analyse validate data/raw/demo": [analyse, "validate", str(DEMO)],
    }
    print(f"start-up, best of {args.repeat} (wall / CPU seconds): {env_note}")
    for label, command in commands.items():
        wall, cpu = best(command, args.repeat)
        print(f"  {label:42s} {wall:6.2f} s wall  {cpu:6.2f} s CPU")


if __name__ == "__main__":
    main()
