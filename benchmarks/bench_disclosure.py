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
    """Demo-generator tables reshaped to sites of ``sizes`` residents, with dropout (no
    post-measurement for about ``dropout`` of the residents) and ``missing`` missing answers."""
    from analyse.data.demo import make_demo_tables

    rng = np.random.default_rng(seed)
    tables = make_demo_tables(n_sites=max(8, sum(sizes) // 8 + 8), seed=seed)
    res = tables["residents"].drop_duplicates("resident_id").reset_index(drop=True)
    # only residents assessed in both waves by the generator, so dropout is ours to set
    oc = tables["outcomes"]
    both = oc.groupby("resident_id")["wave"].nunique()
    res = res[res["resident_id"].isin(both.index[both >= 2])].reset_index(drop=True)
    if len(res) < sum(sizes):
        raise SystemExit(f"the generator gave {len(res)} residents; {sum(sizes)} needed")
    codes = ["P1", "P1", "P2", "none", "P2", "none", "P3"]
    site_of, practice_of = {}, {}
    start = 0
    for i, k in enumerate(sizes):
        for rid in res["resident_id"].iloc[start : start + k]:
            site_of[rid] = f"H{i + 1}"
            practice_of[rid] = codes[i % len(codes)]
        start += k
    ids = np.array(sorted(site_of))
    dropped = set(rng.choice(ids, size=round(dropout * len(ids)), replace=False))
    out = {}
    for name, frame in tables.items():
        if "resident_id" in frame.columns:
            frame = frame[frame["resident_id"].isin(site_of)].copy()
            if "site_id" in frame.columns:
                frame["site_id"] = frame["resident_id"].map(site_of)
            if "practice" in frame.columns:
                frame["practice"] = frame["resident_id"].map(practice_of)
            if "wave" in frame.columns and name != "understanding":
                late = frame["resident_id"].isin(dropped) & (frame["wave"].astype(str) != "pre")
                frame = frame[~late]
        elif "site_id" in frame.columns:
            old = sorted(map(str, frame["site_id"].dropna().unique()))
            mapping = {o: f"H{i % len(sizes) + 1}" for i, o in enumerate(old)}
            frame = frame.copy()
            frame["site_id"] = frame["site_id"].astype(str).map(mapping)
            if name == "practices":
                frame = frame.drop_duplicates("practice")
        out[name] = frame.reset_index(drop=True)
    oc = out["outcomes"]
    for _ in range(missing):
        row = int(rng.integers(len(oc)))
        col = ["loneliness", "satisfaction"][int(rng.integers(2))]
        oc.loc[oc.index[row], col] = pd.NA
    return out


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
