"""How much of each report the gate shows on realistic data (issue 23).

Realistic: 15 sites of 12-30 residents, about 10 % dropout before the second measurement, a
few missing answers. Prints, per site, the share of its gated table cells shown and whether
its main answer (the change in loneliness) is shown, and the same for the overview and the
bundled demo data. Asserts nothing (see benchmarks/README.md).

    python benchmarks/bench_disclosure.py [--seed 7]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd


def realistic_tables(
    sizes: list[int], *, seed: int = 7, dropout: float = 0.1, missing: int = 4
) -> dict[str, pd.DataFrame]:
    """:func:`analyse.data.demo.make_realistic_tables` (kept here under its old name)."""
    from analyse.data.demo import make_realistic_tables

    return make_realistic_tables(sizes, seed=seed, dropout=dropout, missing=missing)


def measure(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per site and the overview: residents, cells, share shown, main answer shown."""
    import matplotlib.pyplot as plt

    from analyse import report
    from analyse.data.dataset import Dataset

    ds = Dataset.from_frames(**tables)
    ctx = report.Context(ds)
    cache = report.precompute(ds)
    plt.close("all")
    del ctx
    n_res = ds.residents.drop_duplicates("resident_id").groupby("site_id").size()
    rows = []
    for site in [*ds.sites, report.ALL]:
        share = report.shown_share(cache, site)
        rows.append(
            {
                "site": site,
                "residents": int(n_res.get(site, n_res.sum()))
                if site != report.ALL
                else int(n_res.sum()),
                **share,
            }
        )
    return pd.DataFrame(rows).set_index("site")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    sizes = [int(x) for x in rng.integers(12, 31, size=15)]
    table = measure(realistic_tables(sizes, seed=args.seed))
    pd.set_option("display.width", 200)
    print(table.round(3).to_string())
    sites = table.drop(index="all", errors="ignore")
    print(
        f"\nsites of >= 12 residents: mean share shown {sites['share'].mean():.1%}, "
        f"least {sites['share'].min():.1%}, sites >= 90 %: {(sites['share'] >= 0.9).sum()} of {len(sites)}; "
        f"main answer shown in {int(sites['main_answer'].fillna(False).sum())} of {len(sites)}"
    )


if __name__ == "__main__":
    main()
