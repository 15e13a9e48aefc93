"""The fast, seeded version of the simulation study (benchmarks/sim_trials.py, issue 24).

Trials with the design's structure (practices tried per site, site x time variation,
dropout, missing answers) through the package's own :func:`analyse.stats.prepost.cluster_trial`:
its 95 % interval must cover the truth and a null difference must rarely be called
*bedre*/*værre*. The tolerance would have caught the resident-level model's 82 % coverage;
the naive resident-level interval beside it shows the test can fail.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import sim_trials  # noqa: E402

# 60 trials x 3 practices = 180 intervals: a true 95 % gives a coverage below 0.89 with
# probability under 0.1 %; 82 % gives one above it with probability under 1 %.
TRIALS, SEED, FLOOR = 60, 24, 0.89


@pytest.fixture(scope="module")
def null_with_site_time() -> dict[str, float]:
    sc = sim_trials.Scenario("null, site×time", n_practices=3, sites_per_arm=4, sd_site_time=0.4)
    return sim_trials.quick_check(sc, TRIALS, SEED)


def test_site_level_interval_covers_with_site_by_time_variation(null_with_site_time) -> None:
    assert null_with_site_time["coverage"] >= FLOOR
    assert null_with_site_time["false"] <= 1 - FLOOR


def test_the_tolerance_catches_an_interval_that_ignores_sites(null_with_site_time) -> None:
    assert null_with_site_time["naive_coverage"] < FLOOR


def test_two_sites_per_arm_keep_the_error_rate() -> None:
    sc = sim_trials.Scenario("null, 2 sites/arm", n_practices=3, sites_per_arm=2)
    res = sim_trials.quick_check(sc, TRIALS, SEED + 1)
    assert res["coverage"] >= FLOOR and res["false"] <= 1 - FLOOR
