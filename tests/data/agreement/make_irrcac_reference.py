"""Record irrCAC's outputs as a fixture for tests/test_agreement.py.

irrCAC (Gwet's own formulas, https://github.com/afuetterer/irrCAC) is the reference of
``analyse.stats.agreement.gwet_ac``, ``fleiss_kappa`` and ``cohen_kappa(ci_method="t")``, but it
pins scipy==1.12 and cannot be installed next to the package's stack. Run this script in
an environment that has irrCAC (e.g. Python 3.11, scipy 1.12, irrCAC 0.4.4)::

    /work/venv-old/bin/python tests/data/agreement/make_irrcac_reference.py

It writes ``irrcac_reference.json`` next to itself: the input data of every case (so the
tests do not need irrCAC's data sets either), irrCAC's coefficient, se, confidence
interval, p, pa and pe at full precision (``digits=15``), and the versions used.
"""

from __future__ import annotations

import json
import platform
import re
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

# irrCAC is imported inside the functions: pytest's --doctest-modules collects this file
# in environments without irrCAC.

OUT = Path(__file__).with_name("irrcac_reference.json")
DIGITS = 15


def _est(result: dict) -> dict:
    est = result["est"]
    low, high = est["confidence_interval"]
    return {
        "coefficient": float(est["coefficient_value"]),
        "se": float(est["se"]),
        "ci_low": float(low),
        "ci_high": float(high),
        "p": float(est["p_value"]),
        "pa": float(est["pa"]),
        "pe": float(est["pe"]),
    }


def _matrix(wide: pd.DataFrame) -> list[list[float | None]]:
    return [[None if np.isnan(v) else float(v) for v in row] for row in wide.to_numpy(float)]


def raw_cases() -> tuple[list[dict], dict]:
    """gwet() and fleiss() on irrCAC's raw data sets (and raw_4raters without unit 12)."""
    from irrCAC import datasets
    from irrCAC.raw import CAC

    four = datasets.raw_4raters()
    rated = four.notna().sum(axis=1)
    inputs = {
        "raw_4raters": four,
        "raw_5observers": datasets.raw_5observers(),
        # the units rated by one rater left out: what single_rated="drop" computes
        "raw_4raters_pairable": four[rated >= 2],
    }
    cases = []
    for name, wide in inputs.items():
        for weights in ("identity", "linear", "quadratic"):
            cac = CAC(wide, weights=weights, digits=DIGITS)
            for method in ("gwet", "fleiss"):
                cases.append(
                    {
                        "data": name,
                        "method": method,
                        "weights": weights,
                        "confidence_level": 0.95,
                        **_est(getattr(cac, method)()),
                    }
                )
    data = {name: _matrix(wide) for name, wide in inputs.items()}
    return cases, data


def table_cases() -> tuple[list[dict], dict]:
    """cohen() on the SAS PROC FREQ 3 x 3 table (tests/data/agreement/sas_kappa_3x3.csv)."""
    from irrCAC.table import CAC as TableCAC

    table = pd.DataFrame([[0, 4, 1], [0, 8, 0], [0, 1, 5]])
    cases = []
    for weights in ("identity", "linear", "quadratic"):
        for level in (0.95, 0.90):
            cac = TableCAC(table, weights=weights, confidence_level=level, digits=DIGITS)
            cases.append(
                {
                    "data": "sas_kappa_3x3",
                    "method": "cohen",
                    "weights": weights,
                    "confidence_level": level,
                    **_est(cac.cohen()),
                }
            )
    return cases, {"sas_kappa_3x3": table.to_numpy().tolist()}


def main() -> None:
    raw, raw_data = raw_cases()
    table, table_data = table_cases()
    doc = {
        "source": "tests/data/agreement/make_irrcac_reference.py",
        "written": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": {
            "irrCAC": version("irrCAC"),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": version("scipy"),
            "pandas": pd.__version__,
        },
        "note": (
            "raw data: units x raters, null = missing rating; table data: rater 1 in rows, "
            "rater 2 in columns, categories 1..q. Values at digits=15 (irrCAC rounds)."
        ),
        "data": {**raw_data, **table_data},
        "cases": raw + table,
    }
    text = json.dumps(doc, indent=1)
    # one line per row of data: collapse the innermost lists of numbers
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + " ".join(m[1].split()) + "]", text)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(doc['cases'])} cases, irrCAC {doc['versions']['irrCAC']})")


if __name__ == "__main__":
    main()
