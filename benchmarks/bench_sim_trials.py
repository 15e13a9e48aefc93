"""``make bench``: the simulation study of the practice-vs-comparison conclusions.

Runs :mod:`sim_trials` (site and site x time variation, dropout, missing answers; the
package's own :func:`analyse.stats.prepost.cluster_trial` and :func:`cluster_change`) and prints
its tables, the ones in docs/statistics.md. ``SIM_TRIALS`` sets the trials per null scenario
(the power rows and the report rows take ``SIM_EFFECT_TRIALS`` and ``SIM_REPORT_TRIALS``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sim_trials  # noqa: E402

if __name__ == "__main__":
    sim_trials.main(
        [
            "--trials",
            os.environ.get("SIM_TRIALS", "1000"),
            "--effect-trials",
            os.environ.get("SIM_EFFECT_TRIALS", "300"),
            "--report-trials",
            os.environ.get("SIM_REPORT_TRIALS", "200"),
            "--no-model",
        ]
    )
