"""How much of its report a site of 12 or more residents shows, on realistic data (issue 23).

Realistic: 15 sites of 12-30 residents (``benchmarks/bench_disclosure.py``, seed 7), about
10 % dropout before the second wave, the demo generator's missing answers and four more. The
share is of every count and statistic cell of the report's gated tables that is shown exactly
(``report.shown_share``); intervals and markers count as not shown. Before this work the sites
showed 88.3 % on average, the least 77.4 %, 5 of 15 at least 90 % (docs/privacy.md); before
the costs by site size 91.4 %, the least 81.4 %, 10 of 15. The issue's target (every site at
least 90 %) is not reached: the sites below hide true small groups and the one complement
each forces (docs/privacy.md, "Measured effect").
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analyse import report
from analyse.data.dataset import Dataset
from analyse.data.demo import make_realistic_tables


@pytest.fixture(scope="module")
def shares() -> pd.DataFrame:
    seed = 7
    sizes = [int(x) for x in np.random.default_rng(seed).integers(12, 31, size=15)]
    ds = Dataset.from_frames(**make_realistic_tables(sizes, seed=seed))
    cache = report.precompute(ds)
    plt.close("all")
    n_res = ds.residents.drop_duplicates("resident_id").groupby("site_id").size()
    rows = {s: {"residents": int(n_res[s]), **report.shown_share(cache, s)} for s in ds.sites}
    return pd.DataFrame.from_dict(rows, orient="index")


def test_sites_of_twelve_or_more_show_ninety_percent_on_average(shares):
    sites = shares[shares["residents"] >= 12]
    assert len(sites) == 15
    assert sites["share"].mean() >= 0.92, sites["share"].round(3).to_dict()
    assert (sites["share"] >= 0.90).sum() >= 12, sites["share"].round(3).to_dict()


def test_no_site_of_twelve_or_more_shows_less_than_eighty_four_percent(shares):
    """The least: a site of 13 residents whose statements 5 residents answered (3 of them
    only 4 times) and with 1-4 residents with only staff close in both waves."""
    sites = shares[shares["residents"] >= 12]
    assert sites["share"].min() >= 0.84, sites["share"].round(3).to_dict()


def test_every_site_shows_its_main_answer(shares):
    assert shares["main_answer"].fillna(False).all()
