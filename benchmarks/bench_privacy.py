"""The run's disclosure gate at national size, timed alone (issues 7/8, 23/25).

Without arguments (``make bench``): for 20, 200 and 2,000 sites (``--sites``) of demo data,
run :func:`analyse.report.shared.precompute` with the gate's two entry points
(:func:`analyse.privacy.gate.suppress_family`, :func:`analyse.privacy.gate.suppress_groups`)
timed in CPU seconds (``time.process_time``: a busy shared machine inflates CPU time far less
than wall time) and print, per size, the gate's time (families, groups, total) beside the
whole shared results' time.

With recorded calls:

1. *capture*: ``--prepared DIR --calls FILE`` runs ``precompute`` on a prepared data set and
   pickles every gate call's arguments with its decisions;
2. *replay*: ``--calls FILE`` calls the gate alone on every recorded call, prints each call's
   CPU seconds and the number of cells it suppresses; ``--save-digest OUT`` pickles every
   decision (each table's hidden cells, primary cells and printed markers; each group's
   flags), ``--compare-digest REF`` counts the entries that differ from a digest saved by
   another checkout (run it with ``PYTHONPATH=<that checkout>/src``).

Usage::

    .venv/bin/python benchmarks/bench_privacy.py                      # 20, 200, 2000 sites
    analyse demo-data RAW --sites 200 --seed 1 && analyse prepare RAW --out PREP
    .venv/bin/python benchmarks/bench_privacy.py --prepared PREP --calls /tmp/calls200.pkl
    git archive <commit> src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src .venv/bin/python benchmarks/bench_privacy.py \
        --calls /tmp/calls200.pkl --save-digest /tmp/before200.pkl
    .venv/bin/python benchmarks/bench_privacy.py --calls /tmp/calls200.pkl \
        --compare-digest /tmp/before200.pkl

Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _decisions(kind: str, res) -> object:
    """What a gate call decided: per table its hidden cells, primary cells and printed cells;
    per group its flags."""
    if kind == "groups":
        return res.copy()
    return {
        k: (
            t.mask.to_numpy().copy(),
            t.primary.to_numpy().copy(),
            t.display().astype(str).to_numpy(),
        )
        for k, t in ((k, res[k]) for k in res)
    }


def capture(prepared: Path, out: Path | None) -> dict[str, float]:
    """Run the shared results on ``prepared`` with the gate's calls timed (CPU seconds);
    pickle the calls to ``out`` when given. Returns the CPU seconds by part."""
    from analyse import report
    from analyse.data import prepare
    from analyse.privacy import gate as privacy

    calls: list[tuple] = []
    times = {"families": 0.0, "groups": 0.0}
    real = {"family": privacy.suppress_family, "groups": privacy.suppress_groups}

    def timed(kind: str):
        def call(tables, **kwargs):
            t0 = time.process_time()
            res = real[kind](tables, **kwargs)
            dt = time.process_time() - t0
            times["families" if kind == "family" else "groups"] += dt
            if out is not None:
                copied = (
                    {k: v.copy() for k, v in tables.items()}
                    if kind == "family"
                    else {k: list(v) for k, v in tables.items()}
                )
                calls.append((kind, copied, dict(kwargs), dt))
            return res

        return call

    privacy.suppress_family, privacy.suppress_groups = timed("family"), timed("groups")
    try:
        ds = prepare.load(prepared)
        t0 = time.process_time()
        report.precompute(ds)
        times["shared results"] = time.process_time() - t0
    finally:
        privacy.suppress_family, privacy.suppress_groups = real["family"], real["groups"]
    if out is not None:
        with open(out, "wb") as f:
            pickle.dump(calls, f, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"captured {len(calls)} gate calls -> {out}")
    return times


def replay(calls, only: set[int] | None, digest: dict | None) -> float:
    """Call the gate alone on every recorded call; print each call's CPU seconds."""
    import scipy.optimize  # noqa: F401  (its import is not the gate's time)

    from analyse.privacy import gate as privacy

    total = 0.0
    for i, (kind, tables, kwargs, _) in enumerate(calls):
        if only and i not in only:
            continue
        fn = privacy.suppress_family if kind == "family" else privacy.suppress_groups
        t0 = time.process_time()
        res = fn(tables, **kwargs)
        dt = time.process_time() - t0
        total += dt
        if kind == "family":
            n_sup = sum(int(res[k].mask.to_numpy().sum()) for k in res)
        else:
            n_sup = int(res["suppressed"].sum())
        print(
            f"  {i:3} {kind:7} {len(tables):>6} tables/groups  CPU {dt:7.2f} s  suppressed {n_sup:>6}",
            flush=True,
        )
        if digest is not None:
            digest[i] = _decisions(kind, res)
    print(f"gate alone: {total:.2f} CPU s over {len(calls)} calls")
    return total


def compare(ref: dict, cur: dict) -> None:
    """Entries (cells of masks, primary flags, printed cells; group flags) that differ."""
    import numpy as np

    total = 0
    for i, r in ref.items():
        c = cur.get(i)
        if c is None:
            continue
        if isinstance(r, dict):
            diff = sum(
                int(np.asarray(x != y).sum()) for k in r for x, y in zip(r[k], c[k], strict=True)
            )
        else:
            diff = int((r.to_numpy() != c.to_numpy()).sum())
        total += diff
        if diff:
            print(f"  call {i}: {diff} entries differ")
    print(f"decisions differing from the reference: {total} entries over {len(ref)} calls")


def sizes_table(sites: list[int], seed: int) -> None:
    """Per size: demo data, prepared, the shared results with the gate timed (own process)."""
    rows = []
    for n in sites:
        work = Path(tempfile.mkdtemp(prefix=f"bench-privacy-{n}-"))
        try:
            raw, prep = work / "raw", work / "prep"
            cli = [sys.executable, "-m", "analyse.cli"]
            subprocess.run(
                [*cli, "demo-data", str(raw), "--sites", str(n), "--seed", str(seed)],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [*cli, "prepare", str(raw), "--out", str(prep)], check=True, capture_output=True
            )
            out = subprocess.run(
                [sys.executable, __file__, "--prepared", str(prep), "--times-only"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            parts = dict(line.split("=") for line in out.split() if "=" in line)
            rows.append((n, {k: float(v) for k, v in parts.items()}))
            t = rows[-1][1]
            print(
                f"  {n:>5} sites: gate {t['gate']:7.2f} CPU s (families {t['families']:.2f}, "
                f"groups {t['groups']:.2f}); shared results {t['shared']:.2f} CPU s",
                flush=True,
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("\n| sites | gate (CPU s) | of which families | groups | shared results (CPU s) |")
    print("|---:|---:|---:|---:|---:|")
    for n, t in rows:
        print(
            f"| {n:,} | {t['gate']:.2f} | {t['families']:.2f} | {t['groups']:.2f} | {t['shared']:.2f} |"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", default="20,200,2000", help="sizes for the table (default mode)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prepared", type=Path, help="prepared folder: capture the calls first")
    ap.add_argument("--calls", type=Path, help="pickle of recorded calls")
    ap.add_argument("--times-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--only", default="", help="comma-separated call numbers")
    ap.add_argument("--save-digest", type=Path, help="pickle every decision of the replay")
    ap.add_argument("--compare-digest", type=Path, help="a digest saved by another checkout")
    args = ap.parse_args()
    if args.times_only:
        t = capture(args.prepared, None)
        gate = t["families"] + t["groups"]
        print(
            f"gate={gate} families={t['families']} groups={t['groups']} shared={t['shared results']}"
        )
        return
    if args.calls is None:
        sizes_table([int(x) for x in args.sites.split(",") if x], args.seed)
        return
    if args.prepared is not None:
        capture(args.prepared, args.calls)
    with open(args.calls, "rb") as f:
        calls = pickle.load(f)
    only = {int(x) for x in args.only.split(",") if x} or None
    digest: dict | None = {} if (args.save_digest or args.compare_digest) else None
    replay(calls, only, digest)
    if args.save_digest is not None:
        with open(args.save_digest, "wb") as f:
            pickle.dump(digest, f, protocol=pickle.HIGHEST_PROTOCOL)
    if args.compare_digest is not None:
        with open(args.compare_digest, "rb") as f:
            compare(pickle.load(f), digest)


if __name__ == "__main__":
    main()
