"""Benchmark: relationship indicators and turnover on a large synthetic data set.

Builds a synthetic :class:`analyse.Dataset` in memory (default 20,000 residents at 2,000
sites, 2 waves, about 8 relationships each, 80 % of alters kept between waves), then times
:func:`analyse.stats.relations.indicators` and :func:`analyse.stats.relations.turnover` and prints the
time and rows per second. Never asserted in tests.

Run::

    .venv/bin/python benchmarks/bench_relations.py
    .venv/bin/python benchmarks/bench_relations.py --residents 2000 --repeat 5
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analyse.data.dataset import Dataset
from analyse.stats.relations import ALTER_TYPES, indicators, turnover

CONTACTS = ("daily", "weekly", "monthly", "rarely")


def synthetic(n_residents: int, n_sites: int, mean_relations: float, seed: int) -> Dataset:
    """A synthetic data set: pre and post, alters partly kept, some residents with none."""
    rng = np.random.default_rng(seed)
    rid = np.array([f"B{i:06d}" for i in range(n_residents)])
    residents = pd.DataFrame(
        {
            "resident_id": rid,
            "site_id": [f"H{i}" for i in rng.integers(1, n_sites + 1, n_residents)],
            "setting": rng.choice(["residential", "own_home"], n_residents, p=[0.7, 0.3]),
            "practice": rng.choice(["none", "P1", "P2", "P3"], n_residents),
        }
    )
    # Every resident assessed at pre; 90 % also at post (attrition).
    post_assessed = rng.random(n_residents) < 0.9
    outcomes = pd.DataFrame(
        {
            "resident_id": np.concatenate([rid, rid[post_assessed]]),
            "wave": ["pre"] * n_residents + ["post"] * int(post_assessed.sum()),
            "respondent": "self",
        }
    )

    def wave_rows(wave: str, who: np.ndarray, sizes: np.ndarray, alter_offset: np.ndarray):
        owner = np.repeat(who, sizes)
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        n = len(owner)
        number = within + np.repeat(alter_offset, sizes)
        # The type is a fixed function of resident and alter, so a kept alter keeps it.
        types = np.asarray(ALTER_TYPES)[(owner * 3 + number * 5) % len(ALTER_TYPES)]
        return pd.DataFrame(
            {
                "resident_id": rid[owner],
                "wave": wave,
                "alter_id": [f"A{k}" for k in number],
                "alter_type": types,
                "closeness": rng.integers(1, 4, n),
                "contact": rng.choice(CONTACTS, n),
                "resident_gives": rng.random(n) < 0.4,
                "resident_receives": rng.random(n) < 0.8,
            }
        )

    everyone = np.arange(n_residents)
    pre_sizes = rng.poisson(mean_relations, n_residents)
    # Post: alters numbered from a shifted start, so about 20 % are lost and new ones gained.
    shift = (0.2 * pre_sizes).astype(int)
    post_who = everyone[post_assessed]
    post_sizes = rng.poisson(mean_relations, len(post_who))
    relations = pd.concat(
        [
            wave_rows("pre", everyone, pre_sizes, np.zeros(n_residents, int)),
            wave_rows("post", post_who, post_sizes, shift[post_assessed]),
        ],
        ignore_index=True,
    )
    return Dataset.from_frames(residents=residents, relations=relations, outcomes=outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--sites", type=int, default=2_000)
    parser.add_argument("--relations", type=float, default=8.0, help="mean relationships per wave")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()

    t0 = time.perf_counter()
    ds = synthetic(args.residents, args.sites, args.relations, args.seed)
    build = time.perf_counter() - t0
    n_rel = len(ds.relations)
    print(
        f"synthetic data set: {args.residents:,} residents, {args.sites:,} sites, "
        f"{n_rel:,} relations rows, {len(ds.outcomes):,} outcomes rows (built in {build:.1f} s)"
    )

    for name, fn in (("indicators", indicators), ("turnover", turnover)):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = fn(ds)
            times.append(time.perf_counter() - t0)
        best = min(times)
        print(
            f"{name:<11} best of {args.repeat}: {best:6.2f} s  "
            f"{n_rel / best:12,.0f} relations rows/s  ->  {len(out):,} output rows"
        )
    t0 = time.perf_counter()
    indicators(ds)
    turnover(ds)
    both = time.perf_counter() - t0
    print(f"indicators + turnover: {both:.2f} s ({n_rel / both:,.0f} relations rows/s)")


if __name__ == "__main__":
    main()
