"""Secondary suppression of the report's table families at national size (issues 7/8).

Two steps:

1. *capture*: run :func:`analyse.report.shared.precompute` on a prepared data set with
   ``privacy.suppress_family`` replaced by a recorder (it returns an unsuppressed result, so
   the capture does not wait for the gate) and pickle every call's arguments;
2. *time*: call :func:`analyse.privacy.gate.suppress_family` alone on every recorded call, print
   the seconds to suppress and to build every table of the family (the family builds them on
   first look-up), and the number of suppressed cells. ``--reference FILE`` also runs another
   version of ``privacy.py`` (e.g. the one before a change) on the same calls and prints, per
   family, how many cells the two suppress differently.

Usage::

    .venv/bin/python benchmarks/bench_privacy.py --prepared /tmp/scale/prep200 --calls /tmp/calls200.pkl
    git show <commit>:src/analyse/privacy.py > /tmp/privacy_before.py
    .venv/bin/python benchmarks/bench_privacy.py --calls /tmp/calls200.pkl --reference /tmp/privacy_before.py

Prepare a data set with ``analyse demo-data RAW --sites N --seed 1; analyse prepare RAW --out PREP``.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import sys
import time
from pathlib import Path


def capture(prepared: Path, out: Path) -> None:
    import pandas as pd

    from analyse import report
    from analyse.data import prepare
    from analyse.privacy import gate as privacy

    calls: list[tuple[str, dict, dict]] = []
    real = privacy.suppress_family

    def recorder(tables, **kwargs):
        name = f"call{len(calls)}"
        calls.append((name, {k: v.copy() for k, v in tables.items()}, dict(kwargs)))
        # an unsuppressed result of the right shape, so that the reports can go on
        out_ = {}
        for k, t in tables.items():
            mask = pd.DataFrame(False, index=t.index, columns=t.columns)
            out_[k] = privacy.SuppressedTable(
                values=t.copy(),
                mask=mask,
                primary=mask.copy(),
                min_cell=kwargs["min_cell"],
                count_cols=tuple(kwargs.get("count_cols", ())),
                stat_cols=tuple(kwargs.get("stat_cols", ())),
                row_total_suppressed=pd.Series(False, index=t.index),
                column_total_suppressed=pd.Series(
                    False, index=list(kwargs.get("count_cols", ())), dtype=bool
                ),
            )
        return out_

    privacy.suppress_family = recorder
    try:
        ds = prepare.load(prepared)
        t0 = time.perf_counter()
        cache = report.precompute(ds)
        elapsed = time.perf_counter() - t0
    finally:
        privacy.suppress_family = real
    # name the calls by their cache key (report._family's "family:<name>")
    names = [k.split(":", 1)[1] for k in cache if str(k).startswith("family:")]
    if len(names) == len(calls):
        calls = [(n, t, kw) for n, (_, t, kw) in zip(names, calls, strict=True)]
    with open(out, "wb") as f:
        pickle.dump(calls, f, protocol=pickle.HIGHEST_PROTOCOL)
    sizes = [len(t) for _, t, _ in calls]
    print(f"captured {len(calls)} families ({sum(sizes)} tables) in {elapsed:.1f} s -> {out}")


def load_module(path: Path):
    spec = importlib.util.spec_from_file_location(f"privacy_ref_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = mod  # type: ignore[union-attr]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def run(module, calls, only: set[str] | None, masks: dict | None = None) -> dict:
    out = {}
    for name, tables, kwargs in calls:
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        res = module.suppress_family(tables, **kwargs)
        dt = time.perf_counter() - t0
        t0 = time.perf_counter()
        built = [res[k] for k in res]  # build every table (a mapping may build them lazily)
        dt_build = time.perf_counter() - t0
        n_sup = sum(int(r.mask.to_numpy().sum()) for r in built)
        n_prim = sum(int(r.primary.to_numpy().sum()) for r in built)
        out[name] = (dt, n_sup, n_prim, dt_build)
        print(
            f"  {name:<22} {len(tables):>5} tables  suppress {dt:7.2f} s  build all "
            f"{dt_build:6.2f} s  suppressed {n_sup:>6}  (primary {n_prim})",
            flush=True,
        )
        if masks is not None:
            masks[name] = {k: r.mask.to_numpy() for k, r in zip(res, built, strict=True)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prepared", type=Path, help="prepared folder: capture the calls first")
    ap.add_argument("--calls", type=Path, required=True, help="pickle of recorded calls")
    ap.add_argument("--reference", type=Path, help="another privacy.py to compare with")
    ap.add_argument("--only", default="", help="comma-separated family names")
    ap.add_argument("--no-current", action="store_true", help="time only --reference")
    args = ap.parse_args()
    if args.prepared is not None:
        capture(args.prepared, args.calls)
    with open(args.calls, "rb") as f:
        calls = pickle.load(f)
    only = {s for s in args.only.split(",") if s} or None
    results = {}
    masks: dict[str, dict] = {"reference": {}, "current": {}}
    if args.reference is not None:
        print(f"reference {args.reference}:")
        results["reference"] = run(load_module(args.reference), calls, only, masks["reference"])
    if not args.no_current:
        from analyse.privacy import gate as privacy

        print("current analyse.privacy.gate:")
        results["current"] = run(privacy, calls, only, masks["current"])
    if "reference" in results and "current" in results:
        print("cells suppressed differently (reference vs current):")
        for name, ref in masks["reference"].items():
            cur = masks["current"][name]
            diff = sum(int((ref[k] != cur[k]).sum()) for k in ref)
            print(f"  {name:<28} {diff}")
    for label, res in results.items():
        total = sum(v[0] for v in res.values())
        build = sum(v[3] for v in res.values())
        cells = sum(v[1] for v in res.values())
        print(
            f"{label}: suppress {total:.2f} s + build all tables {build:.2f} s over {len(res)} "
            f"families, {cells} cells suppressed"
        )


if __name__ == "__main__":
    main()
