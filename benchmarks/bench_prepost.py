"""Benchmark: paired pre/post comparison on a large synthetic long table.

Builds a long per-resident x wave table in memory (default 100,000 residents at 500 sites,
four arms: three practices and the comparison group ``none``; 10 % lost to follow-up; a
loneliness score 3-9, a satisfaction score 1-5 and a relationship count), then times

- :func:`analyse.stats.prepost.paired` on the whole table (one indicator),
- :func:`analyse.stats.prepost.by_group` per practice over three indicators (Holm), and
- :func:`analyse.stats.prepost.by_group` per site over one indicator (many small groups),

and prints the best of ``--repeat`` runs with rows per second. Never asserted in tests.

Run::

    .venv/bin/python benchmarks/bench_prepost.py
    .venv/bin/python benchmarks/bench_prepost.py --residents 20000 --sites 200 --repeat 5
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from analyse.stats.prepost import by_group, paired

ARMS = ("none", "P1", "P2", "P3")
EFFECT = {"none": 0, "P1": -1, "P2": 0, "P3": 1}


def synthetic(n_residents: int, n_sites: int, seed: int) -> pd.DataFrame:
    """A long table shaped like ``relations.indicators(ds)``: one row per resident x wave."""
    rng = np.random.default_rng(seed)
    rid = np.array([f"B{i:07d}" for i in range(n_residents)])
    site = np.array([f"H{i}" for i in rng.integers(1, n_sites + 1, n_residents)])
    arm = rng.choice(ARMS, n_residents)
    pre_lonely = rng.integers(3, 10, n_residents)
    change = np.vectorize(EFFECT.get)(arm) + rng.integers(-1, 2, n_residents)
    post_lonely = np.clip(pre_lonely + change, 3, 9)
    pre_count = rng.poisson(6, n_residents)
    post_count = rng.poisson(pre_count + 0.5)
    kept = rng.random(n_residents) > 0.10
    pre = pd.DataFrame(
        {
            "resident_id": rid,
            "site_id": site,
            "practice": arm,
            "wave": "pre",
            "loneliness": pre_lonely.astype(float),
            "satisfaction": rng.integers(1, 6, n_residents).astype(float),
            "n_relations": pre_count,
        }
    )
    post = pd.DataFrame(
        {
            "resident_id": rid[kept],
            "site_id": site[kept],
            "practice": arm[kept],
            "wave": "post",
            "loneliness": post_lonely[kept].astype(float),
            "satisfaction": rng.integers(1, 6, int(kept.sum())).astype(float),
            "n_relations": post_count[kept],
        }
    )
    return pd.concat([pre, post], ignore_index=True)


def best_of(repeat: int, func: Callable[[], pd.DataFrame]) -> tuple[float, pd.DataFrame]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    start = time.perf_counter()
    data = synthetic(args.residents, args.sites, args.seed)
    print(
        f"synthetic long table: {len(data):,} rows ({args.residents:,} residents, "
        f"{args.sites} sites) built in {time.perf_counter() - start:.2f} s"
    )
    indicators = ["loneliness", "satisfaction", "n_relations"]
    cases: list[tuple[str, Callable[[], pd.DataFrame]]] = [
        ("paired (1 indicator)", lambda: paired(data, "resident_id", "wave", "loneliness")),
        (
            "by_group practice x 3 indicators",
            lambda: by_group(data, "practice", "resident_id", "wave", indicators),
        ),
        (
            f"by_group site ({args.sites} groups) x 1",
            lambda: by_group(data, "site_id", "resident_id", "wave", "loneliness"),
        ),
    ]
    for label, func in cases:
        seconds, result = best_of(args.repeat, func)
        print(
            f"{label:<40} {seconds:8.3f} s  {len(data) / seconds:>14,.0f} rows/s  "
            f"({len(result)} result rows)"
        )


if __name__ == "__main__":
    main()
