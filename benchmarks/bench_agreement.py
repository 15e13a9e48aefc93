"""Benchmark: agreement statistics at national scale (issue 5).

1. Krippendorff's alpha with 1,000 bootstrap replicates on 200 raters x 50 items
   (ordinal, 5-point, 5 % missing), both bootstrap variants.
2. r_wg, r_wg(J) and consensus for every site x wave x role group of the 2,000-site
   synthetic data set (:func:`analyse.data.demo.make_demo_tables`), and the before/after
   change with 1,000 replicates per site.

Prints the times; never asserted in tests ("seconds, not minutes" is the goal).

Run::

    .venv/bin/python benchmarks/bench_agreement.py
    .venv/bin/python benchmarks/bench_agreement.py --sites 500 --repeat 3
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from analyse.stats import agreement as ag


def timed(label: str, fn: Callable[[], object], repeat: int) -> object:
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<62} {best:8.3f} s")
    return result


def rating_matrix(n_raters: int, n_items: int, seed: int) -> pd.DataFrame:
    """Long table of n_raters x n_items ordinal ratings with shared item profiles."""
    rng = np.random.default_rng(seed)
    profile = rng.integers(1, 6, n_items)
    noise = rng.integers(-1, 2, size=(n_raters, n_items))
    ratings = np.clip(profile + noise, 1, 5).astype(float)
    ratings[rng.random(ratings.shape) < 0.05] = np.nan
    rater, item = np.meshgrid(np.arange(n_raters), np.arange(n_items), indexing="ij")
    df = pd.DataFrame({"item": item.ravel(), "rater": rater.ravel(), "rating": ratings.ravel()})
    return df.dropna().reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raters", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--boot", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    data = rating_matrix(args.raters, args.items, args.seed)
    print(f"alpha data: {args.raters} raters x {args.items} items, {len(data):,} ratings")
    for method in ("krippendorff", "units"):
        res = timed(
            f"krippendorff_alpha ordinal, {args.boot} replicates ({method})",
            lambda method=method: ag.krippendorff_alpha(
                data, "item", "rater", "rating", n_boot=args.boot, seed=1, bootstrap=method
            ),
            args.repeat,
        )
        row = res.iloc[0]
        print(f"    alpha = {row.alpha:.4f}  CI [{row.ci_low:.4f}, {row.ci_high:.4f}]")

    from analyse.data.demo import make_demo_tables

    t0 = time.perf_counter()
    understanding = make_demo_tables(args.sites, seed=args.seed)["understanding"]
    understanding = understanding.astype({"rating": "Int64"})
    print(
        f"\nsynthetic understanding table: {args.sites:,} sites, {len(understanding):,} rows "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )
    groups = ["site_id", "wave", "role"]
    res = timed(
        "rwg per site x wave x role x item",
        lambda: ag.rwg(understanding, groups, "item", "rating"),
        args.repeat,
    )
    print(f"    {len(res):,} rows")
    res = timed(
        "rwg_j per site x wave x role",
        lambda: ag.rwg_j(understanding, groups, "item", "rating", respondent="respondent_id"),
        args.repeat,
    )
    print(f"    {len(res):,} groups, median rwg_j {res['rwg_j'].median():.3f}")
    timed(
        "consensus per site x wave x role x item",
        lambda: ag.consensus(understanding, groups, "item", "rating"),
        args.repeat,
    )
    res = timed(
        f"change (rwg_j, staff, pre vs post), {args.boot} replicates per site",
        lambda: ag.change(understanding, n_boot=args.boot, seed=1),
        args.repeat,
    )
    print(f"    {len(res):,} sites")


if __name__ == "__main__":
    main()
