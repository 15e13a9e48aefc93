"""Fælles forståelse: agreement and reliability statistics behind one API.

Step 3 of the process asks whether staff share an understanding of what a good relationship
is — within each staff group, between staff and residents, and whether that changed during
the trial. This module puts the established agreement statistics behind one consistent,
pingouin-style API (long DataFrame in, tidy DataFrame out) with confidence intervals:

- :func:`krippendorff_alpha` — Krippendorff's alpha (any number of raters, missing data,
  nominal/ordinal/interval/ratio), bootstrap CI after Hayes & Krippendorff (2007);
- :func:`icc` — the six Shrout & Fleiss (1979) intraclass correlations with their
  McGraw & Wong (1996) names;
- :func:`cohen_kappa` (two raters, weighted), :func:`fleiss_kappa` and :func:`gwet_ac`
  (AC1/AC2) with standard errors and confidence intervals;
- :func:`rwg`, :func:`rwg_j` — within-group agreement (James, Demaree & Wolf 1984) with
  AD_M (Burke et al. 1999) and the null distributions of LeBreton & Senter (2008);
- :func:`consensus` — Tastle & Wierman's (2007) ordinal consensus;
- :func:`compare_roles`, :func:`change` — staff versus residents, before versus after;
- :func:`assessment_reliability`, :func:`assessment_agreement` — the ``assessments`` table;
- :func:`interpret` — published interpretation bands in Danish and English.

Every function is pure and returns full-precision numbers; rounding and small-cell
suppression belong to the report layer. The Examples of each statistic reproduce a
published worked example (tests/data/agreement/README.md lists the sources); where no
published numeric example was found (r_wg, AD_M) the Example is worked from the definition
and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import krippendorff as _kd
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.inter_rater import cohens_kappa as _sm_cohens_kappa

from analyse.data.dataset import Dataset
from analyse.errors import ConfigError

__all__ = [
    "INTERPRETATION",
    "NULL_VARIANCES",
    "assessment_agreement",
    "assessment_reliability",
    "change",
    "cohen_kappa",
    "compare_roles",
    "consensus",
    "fleiss_kappa",
    "gwet_ac",
    "icc",
    "interpret",
    "interpretation_citation",
    "krippendorff_alpha",
    "rwg",
    "rwg_j",
]

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None
NullName = Literal["uniform", "slight_skew", "moderate_skew", "heavy_skew", "triangular", "normal"]
CiMethod = Literal["z", "t"]
SingleRated = Literal["keep", "drop"]
Spacing = Literal["values", "levels"]

_LEVELS = ("nominal", "ordinal", "interval", "ratio")
_WEIGHTS = (None, "linear", "quadratic")
_CI_METHODS = ("z", "t")
_SINGLE_RATED = ("keep", "drop")
_SPACINGS = ("values", "levels")

#: Expected error variances of the null (no-agreement) response distributions for a
#: 5-point scale, as tabled by LeBreton & Senter (2008) (values copied from LeBreton's
#: RWG/RWGJ R functions). The slight/moderate/heavy skews are the variances of James,
#: Demaree & Wolf's (1984) response proportions (checked in the tests); the triangular
#: (1.32) and normal (1.04) values are taken as tabled. The uniform null is
#: ``(A**2 - 1) / 12`` for any number of scale points A; the others are only tabled here
#: for A = 5 (the project's scale): pass a float as ``null`` for another scale.
NULL_VARIANCES: dict[str, float] = {
    "uniform": 2.00,
    "slight_skew": 1.34,
    "moderate_skew": 0.90,
    "heavy_skew": 0.44,
    "triangular": 1.32,
    "normal": 1.04,
}


# --------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------


def _check_frame(data: object, columns: Sequence[str], name: str = "data") -> pd.DataFrame:
    if isinstance(data, Dataset):
        raise ConfigError(
            f"{name} must be a pandas DataFrame, received an analyse.Dataset; "
            "pass one of its tables, e.g. ds.understanding or ds.assessments"
        )
    if not isinstance(data, pd.DataFrame):
        raise ConfigError(
            f"{name} must be a pandas DataFrame in long format, received "
            f"{type(data).__name__}; build one with pd.DataFrame(...)"
        )
    for col in columns:
        if not isinstance(col, str):
            raise ConfigError(
                f"column names must be strings, received {col!r}; pass the name of a column"
            )
        if col not in data.columns:
            raise ConfigError(
                f"column {col!r} is not in {name}; it has {list(data.columns)}; "
                "pass the name of an existing column"
            )
    return data


def _as_list(group: str | Sequence[str], what: str = "group") -> list[str]:
    if isinstance(group, str):
        return [group]
    cols = list(group)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ConfigError(
            f"{what} must be a column name or a non-empty list of column names, received {group!r}"
        )
    return cols


def _numeric(data: pd.DataFrame, rating: str) -> pd.Series:
    """The rating column as float (NaN = missing); refuses non-numeric values."""
    values = data[rating]
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    out = pd.to_numeric(values, errors="coerce")
    bad = out.isna() & values.notna()
    if bad.any():
        pos = int(np.argmax(bad.to_numpy()))
        row = data.index[pos]
        raise ConfigError(
            f"{rating!r} must be numeric; column {rating!r} holds {values.iloc[pos]!r} in row "
            f"{row}; recode the ratings as numbers (missing as empty/NA)"
        )
    out = out.astype(float)
    infinite = np.isinf(out.to_numpy())
    if infinite.any():
        pos = int(np.argmax(infinite))
        raise ConfigError(
            f"{rating!r} must hold finite numbers; column {rating!r} holds {out.iloc[pos]} "
            f"in row {data.index[pos]}; recode it as a rating on the scale or as missing (NA)"
        )
    return out


def _check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    if value not in choices:
        raise ConfigError(f"{name} must be one of {list(choices)}; received {value!r}")


def _check_ci(ci: float) -> float:
    if not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ConfigError(
            f"ci must be a confidence level between 0 and 1 (e.g. 0.95), received {ci!r}"
        )
    return float(ci)


def _check_n_boot(n_boot: int) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ConfigError(
            f"n_boot must be a non-negative integer (0 = no bootstrap), received {n_boot!r}"
        )
    return int(n_boot)


def _check_unique(data: pd.DataFrame, keys: list[str]) -> None:
    dup = data.duplicated(keys, keep=False)
    if dup.any():
        pos = int(np.argmax(dup.to_numpy()))
        row = data.index[pos]
        where = ", ".join(f"{k}={data[k].iloc[pos]!r}" for k in keys)
        raise ConfigError(
            f"each {' x '.join(keys)} must occur once; {where} occurs "
            f"{int(dup.sum())} times (first in row {row}); remove or aggregate duplicates"
        )


def _long(data: pd.DataFrame, unit: str, rater: str, rating: str) -> pd.DataFrame:
    """unit, rater, rating (float) of the non-missing ratings, validated."""
    _check_frame(data, [unit, rater, rating])
    values = _numeric(data, rating)
    keep = values.notna() & data[unit].notna() & data[rater].notna()
    _check_unique(data.loc[keep, [unit, rater]], [unit, rater])
    out = pd.DataFrame(
        {
            "unit": data.loc[keep, unit].to_numpy(),
            "rater": data.loc[keep, rater].to_numpy(),
            "rating": values[keep].to_numpy(),
        }
    )
    return out


# --------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------


def _value_counts(long: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Units x values count matrix (units with >= 1 rating) and the sorted value domain."""
    values, value_code = np.unique(long["rating"].to_numpy(), return_inverse=True)
    unit_code, _ = pd.factorize(long["unit"], sort=True)
    counts = np.zeros((unit_code.max() + 1 if len(unit_code) else 0, len(values)))
    np.add.at(counts, (unit_code, value_code), 1)
    return counts, values


def _delta(values: np.ndarray, n_v: np.ndarray, level: str) -> np.ndarray:
    """Squared metric differences; ``n_v`` may be batched (..., V) for the ordinal metric."""
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        s = c + k
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(s != 0, ((c - k) / np.where(s != 0, s, 1)) ** 2, 0.0)
    # ordinal: (sum_{g=c}^{k} n_g - (n_c + n_k) / 2) ** 2 (Krippendorff 2011)
    cum = np.cumsum(n_v, axis=-1)
    idx = np.arange(len(values))
    lo = np.minimum(idx[:, None], idx[None, :])
    hi = np.maximum(idx[:, None], idx[None, :])
    between = cum[..., hi] - cum[..., lo] + n_v[..., lo]
    return (between - (n_v[..., lo] + n_v[..., hi]) / 2) ** 2


def _coincidences(counts: np.ndarray) -> np.ndarray:
    """Coincidence matrices of (..., N, V) count arrays: (..., V, V)."""
    m = counts.sum(-1)
    w = np.where(m >= 2, 1.0 / np.where(m >= 2, m - 1, 1), 0.0)
    o = np.einsum("...uv,...uw,...u->...vw", counts, counts, w)
    diag = np.einsum("...uv,...u->...v", counts, w)
    idx = np.arange(counts.shape[-1])
    o[..., idx, idx] -= diag
    return o


def _alpha_from_counts(counts: np.ndarray, values: np.ndarray, level: str) -> np.ndarray:
    """Alpha of (..., N, V) count arrays (NaN where undefined: no pairable variation)."""
    o = _coincidences(counts)
    n_v = o.sum(-2)
    n = n_v.sum(-1)
    delta = _delta(values, n_v, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        d_o = (o * delta).sum((-2, -1)) / n
        d_e = (n_v[..., :, None] * n_v[..., None, :] * delta).sum((-2, -1)) / (n * (n - 1))
        return np.where(d_e > 0, 1 - d_o / np.where(d_e > 0, d_e, 1), np.nan)


def _alpha_bootstrap(
    o: np.ndarray,
    delta: np.ndarray,
    n_raters: int,
    n_pairs: float,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Krippendorff's bootstrap of alpha as in Hayes' KALPHA macro (version 3.0)."""
    n = o.sum()
    n_v = o.sum(0)
    d_e = (np.outer(n_v, n_v) * delta).sum() / (n * (n - 1))
    iu = np.triu_indices(len(n_v))
    p = np.where(iu[0] == iu[1], o[iu], 2 * o[iu]) / n
    p = np.clip(p, 0, None)
    p = p / p.sum()
    d = delta[iu]
    q = np.count_nonzero(o > 1e-12)
    n_draws = max(int(min(25 * q, (n_raters - 1) * n / 2)), 1)
    draws = rng.multinomial(n_draws, p, size=n_boot)
    boot = 1 - (draws @ d) / (n_draws * d_e)
    boot = np.maximum(boot, -1.0)
    # Replicates of 1 that only reflect a lack of variation (alpha = 1 - 0/0) are set
    # to 0: all of them when a single value occurs on the diagonal, otherwise as many
    # as expected by chance, nx = round(B * sum_c (o_cc / n)^pairs).
    ones = np.flatnonzero(boot == 1)
    diag = np.diag(o)
    n_diag = np.count_nonzero(diag > 1e-12)
    if n_diag == 1:
        boot[ones] = 0.0
    elif len(ones):
        nx = round(n_boot * float(np.sum((diag / n) ** n_pairs)))
        boot[ones[: min(nx, len(ones))]] = 0.0
    return boot


def _percentile_interval(boot: np.ndarray, ci: float) -> tuple[float, float]:
    """KALPHA's percentile limits: sorted values at trunc(a B) and trunc((1 - a) B) + 1."""
    b = np.sort(boot[np.isfinite(boot)])
    if len(b) == 0:
        return np.nan, np.nan
    lo = max(int((1 - ci) / 2 * len(b)) - 1, 0)
    hi = min(int((1 + ci) / 2 * len(b)), len(b) - 1)
    return float(b[lo]), float(b[hi])


def krippendorff_alpha(
    data: pd.DataFrame,
    unit: str,
    rater: str,
    rating: str,
    *,
    level: Level = "ordinal",
    n_boot: int = 1000,
    seed: int | None = None,
    ci: float = 0.95,
    bootstrap: Literal["krippendorff", "units"] = "krippendorff",
) -> pd.DataFrame:
    """Krippendorff's alpha with a bootstrap confidence interval.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per unit x rater (rows with a missing rating are ignored).
    unit, rater, rating : str
        Columns holding the unit (what is rated, e.g. an item), the rater (coder,
        respondent) and the numeric rating.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement, which selects the difference metric.
    n_boot : int
        Bootstrap replicates for the confidence interval (0: no interval).
    seed : int or None
        Seed of ``numpy.random.default_rng`` for the bootstrap.
    ci : float
        Confidence level of the interval.
    bootstrap : {"krippendorff", "units"}
        "krippendorff" (default): Krippendorff's algorithm as implemented in Hayes &
        Krippendorff's (2007) KALPHA macro, resampling pairs of values from the
        coincidence matrix. "units": ordinary nonparametric bootstrap resampling units
        (keeps the ratings of a unit together; wider intervals, see Notes).

    Returns
    -------
    pandas.DataFrame
        One row with columns ``level``; ``alpha`` (the point estimate); ``ci_low``,
        ``ci_high`` (percentile bootstrap interval, NaN if ``n_boot=0``);
        ``q_below_0667``, ``q_below_0800`` (share of bootstrap replicates below
        Krippendorff's thresholds: KALPHA's "probability q of failure to achieve
        alpha_min"); ``n_units``
        (units with at least two ratings, i.e. pairable units); ``n_raters`` (raters with
        at least one rating); ``n_pairable`` (n.., the number of pairable values).

    Notes
    -----
    ``alpha = 1 - D_o / D_e`` computed from the coincidence matrix (Krippendorff 2011);
    units with a single rating are not pairable and drop out, so missing ratings are
    allowed. The point estimate is computed by the ``krippendorff`` package; the value
    domain is the set of observed values (unobserved scale points do not change alpha for
    any of the four metrics). If all pairable values are identical, ``D_e = 0`` and alpha
    is undefined: NaN is returned.

    The default interval follows Krippendorff's bootstrap algorithm as coded in Hayes'
    KALPHA macro (version 3.0, the software of Hayes & Krippendorff 2007):
    ``M = min(25 q, (m - 1) n.. / 2)`` pairs of values are drawn with replacement from
    the observed coincidences (``q`` = non-empty cells of the coincidence matrix, ``m``
    = raters), each replicate is ``1 - sum(delta) / (M D_e)`` with the expected
    disagreement held fixed, replicates below -1 are set to -1, and replicates of 1 that
    only reflect a lack of variation are set to 0 (all of them if one value alone occurs
    on the diagonal, else ``round(B sum_c (o_cc/n..)^P)`` of them, P = number of pairs).
    The limits are KALPHA's order statistics ``trunc(a B)`` and ``trunc((1 - a) B) + 1``
    of the sorted replicates (1-based, a = (1 - ci) / 2). Draws are one multinomial per
    replicate, so 1,000 replicates take milliseconds.

    Which variant we report and why: the KALPHA algorithm is the published standard and
    the default. It treats the drawn pairs as independent although pairs from the same
    unit are not, and ``M`` is capped at ``25 q``; its intervals can therefore be too
    narrow for few units with many raters (Hughes 2022 documents poor coverage).
    ``bootstrap="units"`` resamples units instead, which respects that dependence; report
    it when the number of units is small (e.g. ten items rated by a staff group).

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg
    School for Communication, University of Pennsylvania.
    https://repository.upenn.edu/asc_papers/43

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
    reliability measure for coding data. Communication Methods and Measures, 1(1), 77-89.

    Krippendorff, K. (2006, revised 2011). Algorithm for bootstrapping a distribution
    of alpha. http://afhayes.com/public/alphaboot.pdf

    Hughes, J. (2022). Toward improved inference for Krippendorff's alpha agreement
    coefficient. arXiv:2210.13265.

    Examples
    --------
    Krippendorff (2011), reliability data with missing values (4 observers, 12 units):

    >>> import numpy as np, pandas as pd
    >>> nan = np.nan
    >>> m = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...      [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> df = pd.DataFrame([(f"u{j}", f"o{i}", m[i][j]) for i in range(4) for j in range(12)],
    ...                   columns=["unit", "observer", "value"])
    >>> [round(float(krippendorff_alpha(df, "unit", "observer", "value", level=lv, n_boot=0)
    ...        .at[0, "alpha"]), 3) for lv in ["nominal", "ordinal", "interval", "ratio"]]
    [0.743, 0.815, 0.849, 0.797]

    Hayes & Krippendorff (2007), Table 1 (40 units, 5 observers, ordinal): alpha = .7598
    (data in ``tests/data/agreement/hayes_krippendorff_2007.csv``).
    """
    _check_choice("level", level, _LEVELS)
    _check_choice("bootstrap", bootstrap, ("krippendorff", "units"))
    n_boot = _check_n_boot(n_boot)
    ci = _check_ci(ci)
    long = _long(data, unit, rater, rating)
    counts, values = _value_counts(long)
    m_u = counts.sum(1)
    pairable = m_u >= 2
    n_units = int(pairable.sum())
    n_pairable = int(m_u[pairable].sum())
    n_raters = int(long["rater"].nunique())
    alpha = lo = hi = q667 = q800 = np.nan
    if n_units > 0 and len(values) >= 2:
        vc = counts[pairable]
        alpha = float(_kd.alpha(value_counts=vc, value_domain=values, level_of_measurement=level))
        if n_boot > 0 and np.isfinite(alpha):
            rng = np.random.default_rng(seed)
            if bootstrap == "krippendorff":
                o = _coincidences(vc)
                delta = _delta(values, o.sum(0), level)
                n_pairs = float((m_u[pairable] * (m_u[pairable] - 1) / 2).sum())
                boot = _alpha_bootstrap(o, delta, n_raters, n_pairs, n_boot, rng)
            else:
                idx = rng.integers(0, n_units, size=(n_boot, n_units))
                boot = _alpha_from_counts(vc[idx], values, level)
            lo, hi = _percentile_interval(boot, ci)
            finite = boot[np.isfinite(boot)]
            q667 = float(np.mean(finite < 0.667)) if len(finite) else np.nan
            q800 = float(np.mean(finite < 0.800)) if len(finite) else np.nan
    return pd.DataFrame(
        {
            "level": [level],
            "alpha": [alpha],
            "ci_low": [lo],
            "ci_high": [hi],
            "q_below_0667": [q667],
            "q_below_0800": [q800],
            "n_units": [n_units],
            "n_raters": [n_raters],
            "n_pairable": [n_pairable],
        }
    )


def krippendorff_alpha_by(
    data: pd.DataFrame,
    group: str | Sequence[str],
    unit: str,
    rater: str,
    rating: str,
    *,
    level: Level = "ordinal",
) -> pd.DataFrame:
    """Krippendorff's alpha of every group at once (no confidence interval).

    The point estimate of :func:`krippendorff_alpha` for each group (a site and wave, say),
    vectorised over the groups: thousands of groups cost one pass over the data, not one
    call each. Use :func:`krippendorff_alpha` for a group's bootstrap interval.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per group x unit x rater (rows with a missing rating are ignored).
    group : str or sequence of str
        Column(s) defining the groups.
    unit, rater, rating, level
        As in :func:`krippendorff_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted by group): the group column(s), ``alpha`` (NaN without
        pairable variation), ``n_units`` (units with at least two ratings), ``n_raters``.

    Notes
    -----
    Each group's value domain is the set of values in the whole data; values that do not
    occur in a group have no coincidences there and change neither the observed nor the
    expected disagreement (also for the ordinal metric, whose distances sum the marginal
    frequencies between two values), so the result equals a separate call per group.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
    Communication Departmental Papers 43.

    Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
    measure for coding data. *Communication Methods and Measures*, 1(1), 77-89.

    Examples
    --------
    Krippendorff (2011), the reliability data of his section C (4 observers, 12 units),
    and the same data with observer C's answers left out, as two groups. Published:
    ordinal alpha = .815 for the full data.

    >>> grid = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    ...         "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    ...         "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    ...         "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    >>> long = pd.DataFrame([(o, u + 1, v) for o, vs in grid.items() for u, v in enumerate(vs)],
    ...                     columns=["observer", "unit", "value"])
    >>> both = pd.concat([long.assign(g="all"), long[long["observer"] != "C"].assign(g="no C")])
    >>> res = krippendorff_alpha_by(both, "g", "unit", "observer", "value", level="ordinal")
    >>> res.round(3)
          g  alpha  n_units  n_raters
    0   all  0.815       11         4
    1  no C  0.821       10         3
    """
    _check_choice("level", level, _LEVELS)
    groups = _as_list(group)
    _check_frame(data, [*groups, unit, rater, rating])
    values = _numeric(data, rating)
    keep = (values.notna() & data[unit].notna() & data[rater].notna()).to_numpy().copy()
    for g in groups:
        keep &= data[g].notna().to_numpy()
    sub = data.loc[keep]
    _check_unique(sub[[*groups, unit, rater]], [*groups, unit, rater])
    if sub.empty:
        empty = sub[groups].iloc[:0].reset_index(drop=True)
        return empty.assign(
            alpha=pd.Series(dtype=float),
            n_units=pd.Series(dtype=np.int64),
            n_raters=pd.Series(dtype=np.int64),
        )
    grouped = sub.groupby(groups, sort=True, observed=True)
    g_code = grouped.ngroup().to_numpy()
    labels = grouped[groups].first().reset_index(drop=True)
    n_groups = len(labels)
    domain, v_code = np.unique(values[keep].to_numpy(dtype=float), return_inverse=True)
    u_code, _ = pd.factorize(pd.MultiIndex.from_arrays([g_code, sub[unit].to_numpy()]))
    n_units_all = int(u_code.max()) + 1 if len(u_code) else 0
    counts = np.zeros((n_units_all, len(domain)))
    np.add.at(counts, (u_code, v_code), 1)
    unit_group = np.zeros(n_units_all, dtype=np.int64)
    unit_group[u_code] = g_code
    # pad to (groups, units per group, values): units without ratings add nothing
    order = np.argsort(unit_group, kind="stable")
    per_group = np.bincount(unit_group, minlength=n_groups)
    slot = np.arange(n_units_all) - np.repeat(np.cumsum(per_group) - per_group, per_group)
    padded = np.zeros((n_groups, int(per_group.max(initial=0)), len(domain)))
    padded[unit_group[order], slot, :] = counts[order]
    alpha = (
        _alpha_from_counts(padded, domain, level) if len(domain) >= 2 else np.full(n_groups, np.nan)
    )
    pairable = (counts.sum(1) >= 2).astype(np.int64)
    raters = sub.groupby(groups, sort=True, observed=True)[rater].nunique().to_numpy()
    out = labels.copy()
    out["alpha"] = np.asarray(alpha, dtype=float)
    out["n_units"] = np.bincount(unit_group, weights=pairable, minlength=n_groups).astype(np.int64)
    out["n_raters"] = raters.astype(np.int64)
    return out


# --------------------------------------------------------------------------------------
# Intraclass correlation
# --------------------------------------------------------------------------------------

_ICC_ROWS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")
_MCGRAW_WONG = ("ICC(1)", "ICC(A,1)", "ICC(C,1)", "ICC(k)", "ICC(A,k)", "ICC(C,k)")
_ICC_DESCRIPTION = (
    "one-way random, single rater",
    "two-way random, absolute agreement, single rater",
    "two-way mixed, consistency, single rater",
    "one-way random, mean of k raters",
    "two-way random, absolute agreement, mean of k raters",
    "two-way mixed, consistency, mean of k raters",
)


def _honest_limits(
    estimate: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The F-based ICC limits where they form an interval around the estimate, else NaN.

    In degenerate designs (two targets, a between-target mean square below the error
    mean square, no variation) the inverted F limits can come out infinite, reversed, or
    excluding the estimate (the Spearman-Brown step-up of ICC(2,1) is not monotone below
    -1/(k-1)); the interval is then undefined and reported as NaN at both ends.
    """
    tol = 1e-12 * np.maximum(1.0, np.abs(estimate))
    with np.errstate(invalid="ignore"):
        ok = (
            np.isfinite(estimate)
            & np.isfinite(low)
            & np.isfinite(high)
            & (low <= estimate + tol)
            & (estimate <= high + tol)
        )
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def icc(
    data: pd.DataFrame,
    target: str,
    rater: str,
    rating: str,
    *,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Intraclass correlation coefficients, all six Shrout & Fleiss forms.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per target x rater.
    target, rater, rating : str
        Columns holding the target (the person or thing rated), the rater and the
        numeric rating.
    ci : float
        Confidence level of the F-based intervals.

    Returns
    -------
    pandas.DataFrame
        Six rows indexed ``ICC(1,1)``, ``ICC(2,1)``, ``ICC(3,1)``, ``ICC(1,k)``,
        ``ICC(2,k)``, ``ICC(3,k)`` (Shrout & Fleiss) with columns ``mcgraw_wong`` (the
        McGraw & Wong 1996 name: ICC(1), ICC(A,1), ICC(C,1), ICC(k), ICC(A,k), ICC(C,k));
        ``description``; ``icc``; ``ci_low``, ``ci_high``; ``F``, ``df1``, ``df2``, ``p``
        (the F test of ICC = 0); ``n_targets`` (targets used), ``n_raters`` (k) and
        ``n_dropped`` (targets left out because a rating was missing).

    Notes
    -----
    Mean squares from the two-way ANOVA without replication: between targets (MSR),
    between raters (MSC), residual (MSE) and within targets (MSW = (SSC + SSE) /
    (n (k - 1))). ICC(1,1) = (MSR - MSW) / (MSR + (k-1) MSW); ICC(2,1) = (MSR - MSE) /
    (MSR + (k-1) MSE + k (MSC - MSE) / n); ICC(3,1) = (MSR - MSE) / (MSR + (k-1) MSE);
    the (·,k) forms are the reliabilities of the mean of the k raters. Confidence
    intervals are those of Shrout & Fleiss (1979) and McGraw & Wong (1996) with the
    Satterthwaite degrees of freedom for ICC(2,1); the ICC(2,k) interval is the
    Spearman-Brown step-up of the ICC(2,1) limits. These are exactly the formulas of
    ``pingouin.intraclass_corr`` and R ``psych::ICC``, which are the references of our tests.

    Missing or unbalanced data: the ANOVA estimators need every rater to rate every
    target, so targets lacking any rater's rating are dropped (listwise deletion, as in
    pingouin, psych and SPSS); ``n_dropped`` says how many. A rater who rated no target
    in common with the others removes all targets: when fewer than two complete
    targets remain a ConfigError says so. For incomplete designs use
    :func:`krippendorff_alpha`, which uses all pairable ratings.

    Degenerate data (e.g. two targets whose between-target mean square is below the error
    mean square, or no variation at all) can make the inverted F limits infinite,
    reversed or exclude the estimate; such an interval is undefined and both limits are
    NaN, never a misleading interval.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
    rater reliability. Psychological Bulletin, 86(2), 420-428.

    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
    correlation coefficients. Psychological Methods, 1(1), 30-46.

    Examples
    --------
    Shrout & Fleiss (1979), Table 2 (6 targets, 4 judges); Table 4 gives .17, .29, .71,
    .44, .62, .91:

    >>> import pandas as pd
    >>> sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9],
    ...       [6, 2, 4, 7]]
    >>> df = pd.DataFrame([(t, j, sf[t][j]) for t in range(6) for j in range(4)],
    ...                   columns=["target", "judge", "rating"])
    >>> icc(df, "target", "judge", "rating")["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    ci = _check_ci(ci)
    long = _long(data, target, rater, rating)
    wide = long.pivot(index="unit", columns="rater", values="rating")
    n_all = len(wide)
    wide = wide.dropna(axis=0, how="any")
    y = wide.to_numpy(float)
    n, k = y.shape
    if k < 2 or n < 2:
        raise ConfigError(
            f"icc needs at least 2 raters who each rated at least 2 common targets; "
            f"received {k} rater(s) and {n} complete target(s) (of {n_all}); "
            "use krippendorff_alpha for incomplete designs"
        )
    grand = y.mean()
    ss_rows = k * ((y.mean(1) - grand) ** 2).sum()
    ss_cols = n * ((y.mean(0) - grand) ** 2).sum()
    ss_err = ((y - grand) ** 2).sum() - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_err / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_err) / (n * (k - 1))
    # A denominator that is zero up to rounding makes the ICC undefined (NaN), not +-1e16.
    tiny = 1e-12 * (abs(msr) + abs(msc) + abs(mse) + abs(msw))

    def ratio(num: float, den: float) -> float:
        return num / den if abs(den) > tiny else np.nan

    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = ratio(msr - msw, msr + (k - 1) * msw)
        icc2 = ratio(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n)
        icc3 = ratio(msr - mse, msr + (k - 1) * mse)
        icc1k = ratio(msr - msw, msr)
        icc2k = ratio(msr - mse, msr + (msc - mse) / n)
        icc3k = ratio(msr - mse, msr)
        f1 = msr / msw
        f3 = msr / mse
        df1 = n - 1
        df2_1 = n * (k - 1)
        df2_3 = (n - 1) * (k - 1)
        p1 = stats.f.sf(f1, df1, df2_1)
        p3 = stats.f.sf(f3, df1, df2_3)
        a = 1 - ci
        f1l = f1 / stats.f.ppf(1 - a / 2, df1, df2_1)
        f1u = f1 * stats.f.ppf(1 - a / 2, df2_1, df1)
        f3l = f3 / stats.f.ppf(1 - a / 2, df1, df2_3)
        f3u = f3 * stats.f.ppf(1 - a / 2, df2_3, df1)
        fj = msc / mse
        vn = df2_3 * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = vn / vd
        f2u = stats.f.ppf(1 - a / 2, n - 1, v)
        f2l = stats.f.ppf(1 - a / 2, v, n - 1)
        l2 = n * (msr - f2u * mse) / (f2u * (k * msc + (k * n - k - n) * mse) + n * msr)
        u2 = n * (f2l * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f2l * msr)
        lows = [
            (f1l - 1) / (f1l + (k - 1)),
            l2,
            (f3l - 1) / (f3l + (k - 1)),
            1 - 1 / f1l,
            l2 * k / (1 + l2 * (k - 1)),
            1 - 1 / f3l,
        ]
        highs = [
            (f1u - 1) / (f1u + (k - 1)),
            u2,
            (f3u - 1) / (f3u + (k - 1)),
            1 - 1 / f1u,
            u2 * k / (1 + u2 * (k - 1)),
            1 - 1 / f3u,
        ]
    estimates = np.array([icc1, icc2, icc3, icc1k, icc2k, icc3k], dtype=float)
    lows, highs = _honest_limits(estimates, np.array(lows, float), np.array(highs, float))
    out = pd.DataFrame(
        {
            "mcgraw_wong": _MCGRAW_WONG,
            "description": _ICC_DESCRIPTION,
            "icc": estimates,
            "ci_low": lows,
            "ci_high": highs,
            "F": [f1, f3, f3, f1, f3, f3],
            "df1": [df1] * 6,
            "df2": [df2_1, df2_3, df2_3, df2_1, df2_3, df2_3],
            "p": [p1, p3, p3, p1, p3, p3],
            "n_targets": n,
            "n_raters": k,
            "n_dropped": n_all - n,
        },
        index=pd.Index(_ICC_ROWS, name="type"),
    )
    return out.astype({c: float for c in ["icc", "ci_low", "ci_high", "F", "p"]})


# --------------------------------------------------------------------------------------
# Kappa-type coefficients
# --------------------------------------------------------------------------------------


def _categories(values: np.ndarray, categories: Sequence[float] | None) -> np.ndarray:
    observed = np.unique(values)
    if categories is None:
        return observed
    cats = np.unique(np.asarray(list(categories), dtype=float))
    missing = np.setdiff1d(observed, cats)
    if len(missing):
        raise ConfigError(
            f"ratings {missing.tolist()} are not among categories {cats.tolist()}; "
            "pass every possible rating in categories (or leave it None)"
        )
    return cats


def _weight_matrix(cats: np.ndarray, weights: str | None) -> np.ndarray:
    """Agreement weights (1 on the diagonal) as in Gwet (2014) / irrCAC."""
    if weights is None:
        return np.eye(len(cats))
    span = cats[-1] - cats[0] if len(cats) > 1 else 1.0
    diff = np.abs(cats[:, None] - cats[None, :]) / span
    return 1 - diff if weights == "linear" else 1 - diff**2


def _critical(ci: float, ci_method: str, df: float) -> float:
    """Two-sided critical value of a ``ci`` interval: normal (``"z"``) or t with ``df``."""
    if ci_method == "z":
        return float(stats.norm.ppf((1 + ci) / 2))
    return float(stats.t.ppf((1 + ci) / 2, df)) if df >= 1 else math.nan


def _interval(estimate: float, se: float, crit: float) -> tuple[float, float]:
    """estimate -+ crit se, the upper limit capped at 1 (a kappa-type coefficient's
    maximum) only when it is a number: an undefined limit stays NaN."""
    low = estimate - crit * se
    high = estimate + crit * se
    if not (np.isfinite(low) and np.isfinite(high)):
        return math.nan, math.nan
    return float(low), float(min(1.0, high))


def _cac(
    counts: np.ndarray,
    w: np.ndarray,
    kind: str,
    ci: float,
    ci_method: str = "t",
    single_rated: str = "keep",
) -> dict[str, float]:
    """Fleiss' kappa or Gwet's AC1/AC2 with Gwet's (2014) variance (as irrCAC)."""
    counts = counts[counts.sum(1) > (1 if single_rated == "drop" else 0)]
    n, q = counts.shape
    ri = counts.sum(1)
    two = ri >= 2
    n2 = int(two.sum())
    sum_q = (counts * (counts @ w.T - 1)).sum(1)
    den = ri * (ri - 1)
    den = np.where(den == 0, 1, den)
    pa = (sum_q[two] / den[two]).sum() / n2
    pi = (counts / ri[:, None]).mean(0)
    tw = w.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "gwet":
            pe = tw * (pi * (1 - pi)).sum() / (q * (q - 1)) if q >= 2 else 1 - 1e-15
            pe_i = (tw / (q * (q - 1))) * (counts @ (1 - pi)) / ri if q >= 2 else 0 * ri
        else:
            pe = float(pi @ w @ pi)
            pe_i = counts @ ((w @ pi + w.T @ pi) / 2) / ri
        coef = (pa - pe) / (1 - pe)
        c_i = (n / n2) * (sum_q / den - pe * two) / (1 - pe)
        c_ix = c_i - 2 * (1 - coef) * (pe_i - pe) / (1 - pe)
        var = ((c_ix - coef) ** 2).sum() / (n * (n - 1)) if n > 1 else np.nan
    se = math.sqrt(var) if np.isfinite(var) else np.nan
    crit = _critical(ci, ci_method, n - 1)
    low, high = _interval(float(coef), se, crit)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = coef / se if se > 0 else np.nan
    if not np.isfinite(t):
        p = np.nan
    elif ci_method == "z":
        p = 2 * stats.norm.sf(abs(t))
    else:
        p = 2 * stats.t.sf(abs(t), n - 1)
    return {
        "estimate": float(coef),
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "p": float(p),
        "pa": float(pa),
        "pe": float(pe),
        "n_units": n,
    }


def _kappa_long(data: pd.DataFrame, unit: str, rater: str, rating: str, name: str) -> pd.DataFrame:
    """The long ratings of a kappa-type coefficient; refuses data without a unit rated twice."""
    long = _long(data, unit, rater, rating)
    per_unit = long["unit"].value_counts()
    if not (per_unit >= 2).any():
        raise ConfigError(
            f"{name} needs at least one unit rated by two or more raters; received "
            f"{len(long)} non-missing rating(s) of {len(per_unit)} unit(s) "
            f"(columns {unit!r}, {rater!r}, {rating!r}); agreement needs units with at least "
            "two ratings"
        )
    return long


def _count_matrix(long: pd.DataFrame, cats: np.ndarray) -> np.ndarray:
    unit_code, _ = pd.factorize(long["unit"], sort=True)
    cat_code = np.searchsorted(cats, long["rating"].to_numpy())
    counts = np.zeros((unit_code.max() + 1, len(cats)))
    np.add.at(counts, (unit_code, cat_code), 1)
    return counts


def cohen_kappa(
    data: pd.DataFrame,
    unit: str,
    rater: str,
    rating: str,
    *,
    weights: Weights = None,
    categories: Sequence[float] | None = None,
    ci: float = 0.95,
    ci_method: CiMethod = "z",
    spacing: Spacing = "values",
) -> pd.DataFrame:
    """Cohen's kappa (unweighted or weighted) between two raters, with SE and CI.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per unit x rater; exactly two distinct raters.
    unit, rater, rating : str
        Columns holding the unit, the rater and the numeric rating.
    weights : {None, "linear", "quadratic"}
        None for Cohen's (1960) kappa; "linear" (Cicchetti-Allison) or "quadratic"
        (Fleiss-Cohen) disagreement weights on the rating values for weighted kappa.
    categories : sequence of float, optional
        All possible ratings (defaults to the observed ones); matters for the weights.
    ci : float
        Confidence level.
    ci_method : {"z", "t"}, default "z"
        ``"z"``: kappa ± z se, the large-sample interval of SAS PROC FREQ and
        statsmodels. ``"t"``: kappa ± t(n - 1) se, the interval of irrCAC's
        ``CAC(table).cohen()`` (Gwet 2014), whose numbers it reproduces (the standard
        errors are the same). Only the interval changes; ``p`` stays the z test.
    spacing : {"values", "levels"}, default "values"
        Distances used by the weights. ``"values"``: the rating values themselves
        (ratings 1, 2, 4 are 1 and 2 points apart), as SAS and statsmodels with the
        values as scores. ``"levels"``: the categories numbered 1..q in order, equally
        spaced whatever their values, as R ``irr::kappa2(weight = "equal" | "squared")``,
        whose numbers it reproduces (irr drops incomplete units, then turns the ratings
        into factor levels, so a scale point nobody used is left out; pass no
        ``categories`` to match irr, or pass them to space the whole scale equally).
        Irrelevant without ``weights``.

    Returns
    -------
    pandas.DataFrame
        One row: ``weights`` (``"none"``, ``"linear"`` or ``"quadratic"``); ``kappa``;
        ``se`` (asymptotic standard error); ``ci_low``, ``ci_high`` (kappa ± z se, or
        t se with ``ci_method="t"``; NaN when the standard error is undefined);
        ``se0`` (standard error under kappa = 0); ``z`` (kappa / se0); ``p``
        (two-sided); ``n_units`` (units rated by both raters).

    Notes
    -----
    Computed with ``statsmodels.stats.inter_rater.cohens_kappa`` on the two raters'
    contingency table: the asymptotic variances of Fleiss, Cohen & Everitt (1969), as in
    SAS PROC FREQ. Only units rated by both raters are used (pairwise deletion). The
    weights use the rating values, so for ratings 1-5 linear weights are |i-j|/4 and
    quadratic weights (i-j)^2/16.

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and
    Psychological Measurement, 20, 37-46.

    Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70(4), 213-220.

    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of
    kappa and weighted kappa. Psychological Bulletin, 72(5), 323-327.

    Examples
    --------
    The SAS PROC FREQ agreement example used as reference in statsmodels' tests (3 x 3
    table [[0, 4, 1], [0, 8, 0], [0, 1, 5]]): kappa 0.4842, ASE 0.1380; linearly
    weighted kappa 0.4701, ASE 0.1457.

    >>> import pandas as pd
    >>> table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
    >>> pairs = [(i + 1, j + 1) for i in range(3) for j in range(3)
    ...          for _ in range(table[i][j])]
    >>> df = pd.DataFrame([(u, r, pair[r]) for u, pair in enumerate(pairs) for r in (0, 1)],
    ...                   columns=["unit", "rater", "rating"])
    >>> res = cohen_kappa(df, "unit", "rater", "rating", categories=[1, 2, 3])
    >>> res[["kappa", "se"]].round(4).values.tolist()
    [[0.4842, 0.138]]
    >>> res = cohen_kappa(df, "unit", "rater", "rating", weights="linear",
    ...                   categories=[1, 2, 3])
    >>> res[["kappa", "se"]].round(4).values.tolist()
    [[0.4701, 0.1457]]

    R ``irr``'s help-page data ``anxiety`` (raters 2 and 3 never use rating 5):
    ``kappa2(anxiety[, 2:3], "equal")`` gives Kappa 0.1459075, z 1.282472, which
    ``spacing="levels"`` reproduces (tests/test_agreement.py).
    """
    _check_choice("weights", weights, _WEIGHTS)
    _check_choice("ci_method", ci_method, _CI_METHODS)
    _check_choice("spacing", spacing, _SPACINGS)
    ci = _check_ci(ci)
    long = _kappa_long(data, unit, rater, rating, "cohen_kappa")
    raters = long["rater"].unique()
    if len(raters) != 2:
        raise ConfigError(
            f"cohen_kappa needs exactly 2 raters; column {rater!r} has {len(raters)} "
            f"({list(raters)[:5]}); use fleiss_kappa or gwet_ac for more raters"
        )
    cats = _categories(long["rating"].to_numpy(), categories)
    wide = long.pivot(index="unit", columns="rater", values="rating").dropna()
    if len(wide) < 2:
        raise ConfigError(
            f"cohen_kappa needs at least 2 units rated by both raters, received {len(wide)}"
        )
    if spacing == "levels" and categories is None:
        cats = np.unique(wide.to_numpy())  # irr: the levels of the complete pairs
    a = np.searchsorted(cats, wide.iloc[:, 0].to_numpy())
    b = np.searchsorted(cats, wide.iloc[:, 1].to_numpy())
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, (a, b), 1)
    # statsmodels takes square roots of variances that rounding can make slightly
    # negative under perfect agreement; we clip them at 0 ourselves.
    with np.errstate(invalid="ignore", divide="ignore"):
        if weights is None:
            res = _sm_cohens_kappa(table)
        else:
            scores = cats if spacing == "values" else np.arange(1.0, len(cats) + 1)
            res = _sm_cohens_kappa(table, weights=scores, wt=weights)
    kappa = float(res.kappa)
    se = float(np.sqrt(max(float(res.var_kappa), 0.0)))
    se0 = float(np.sqrt(max(float(res.var_kappa0), 0.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = kappa / se0 if se0 > 0 else np.nan
    crit = _critical(ci, ci_method, len(wide) - 1)
    low, high = (kappa - crit * se, kappa + crit * se) if np.isfinite(kappa) else (np.nan, np.nan)
    return pd.DataFrame(
        {
            "weights": [weights or "none"],
            "kappa": [kappa],
            "se": [se],
            "ci_low": [low],
            "ci_high": [high],
            "se0": [se0],
            "z": [z],
            "p": [2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan],
            "n_units": [len(wide)],
        }
    )


def fleiss_kappa(
    data: pd.DataFrame,
    unit: str,
    rater: str,
    rating: str,
    *,
    categories: Sequence[float] | None = None,
    ci: float = 0.95,
    ci_method: CiMethod = "t",
    single_rated: SingleRated = "keep",
) -> pd.DataFrame:
    """Fleiss' kappa for any number of raters, with SE and CI.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per unit x rater; raters may differ between units and
        ratings may be missing.
    unit, rater, rating : str
        Columns holding the unit, the rater and the (nominal) rating.
    categories : sequence of float, optional
        All possible ratings (defaults to the observed ones).
    ci : float
        Confidence level.
    ci_method : {"t", "z"}, default "t"
        ``"t"``: kappa ± t(n - 1) se and a t test, as irrCAC's ``fleiss()``, whose numbers
        it reproduces. ``"z"``: kappa ± z se and a z test, the large-sample normal
        interval (as :func:`cohen_kappa`'s default).
    single_rated : {"keep", "drop"}, default "keep"
        Units rated by one rater only. ``"keep"``: they count in the category
        proportions and in n, as Gwet (2014) and irrCAC's ``fleiss()``, whose numbers it
        reproduces. ``"drop"``: they are left out first, as in Krippendorff's alpha; this
        reproduces irrCAC run on the table without those units.

    Returns
    -------
    pandas.DataFrame
        One row: ``kappa``; ``se``; ``ci_low``, ``ci_high`` (t interval with n - 1 df,
        upper limit capped at 1; both NaN when the standard error is undefined, e.g.
        with one unit); ``p`` (two-sided, kappa = 0); ``pa`` (observed agreement);
        ``pe`` (chance agreement); ``n_units``; ``n_raters``.

    Notes
    -----
    Fleiss' (1971) generalised kappa with the missing-data extension and the
    variance estimator (not conditional on kappa = 0) of Gwet (2014), i.e. the
    ``fleiss()`` method of the irrCAC package, which is the reference of our tests.
    With complete data the point estimate equals Fleiss (1971). We report Gwet's
    variance rather than Fleiss' null-hypothesis SE because it gives a confidence
    interval (Fleiss' SE is only valid under kappa = 0).

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    Psychological Bulletin, 76(5), 378-382.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced
    Analytics, LLC.

    Examples
    --------
    Fleiss (1971): 30 patients, 6 psychiatrists each, 5 diagnoses; kappa = .430
    (the ``diagnoses`` data of R ``irr``):

    >>> import pandas as pd
    >>> dx = ["444444", "222555", "233335", "555555", "222444", "113333", "333355",
    ...       "113334", "114444", "555555", "144444", "124444", "222333", "144444",
    ...       "224445", "333335", "111455", "111112", "224444", "133555", "555555",
    ...       "244444", "224555", "114444", "144445", "222224", "111155", "224444",
    ...       "133333", "555555"]
    >>> df = pd.DataFrame([(p, r, int(c)) for p, row in enumerate(dx)
    ...                    for r, c in enumerate(row)], columns=["patient", "rater", "dx"])
    >>> round(float(fleiss_kappa(df, "patient", "rater", "dx").at[0, "kappa"]), 3)
    0.43
    """
    ci = _check_ci(ci)
    _check_choice("ci_method", ci_method, _CI_METHODS)
    _check_choice("single_rated", single_rated, _SINGLE_RATED)
    long = _kappa_long(data, unit, rater, rating, "fleiss_kappa")
    cats = _categories(long["rating"].to_numpy(), categories)
    counts = _count_matrix(long, cats)
    res = _cac(counts, np.eye(len(cats)), "fleiss", ci, ci_method, single_rated)
    return pd.DataFrame(
        {
            "kappa": [res["estimate"]],
            "se": [res["se"]],
            "ci_low": [res["ci_low"]],
            "ci_high": [res["ci_high"]],
            "p": [res["p"]],
            "pa": [res["pa"]],
            "pe": [res["pe"]],
            "n_units": [res["n_units"]],
            "n_raters": [int(long["rater"].nunique())],
        }
    )


def gwet_ac(
    data: pd.DataFrame,
    unit: str,
    rater: str,
    rating: str,
    *,
    weights: Weights = None,
    categories: Sequence[float] | None = None,
    ci: float = 0.95,
    ci_method: CiMethod = "t",
    single_rated: SingleRated = "keep",
) -> pd.DataFrame:
    """Gwet's AC1 (unweighted) or AC2 (weighted) for any number of raters.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per unit x rater; missing ratings allowed.
    unit, rater, rating : str
        Columns holding the unit, the rater and the numeric rating.
    weights : {None, "linear", "quadratic"}
        None gives AC1; linear or quadratic agreement weights give AC2.
    categories : sequence of float, optional
        All possible ratings. AC1's chance agreement depends on the number of
        categories q, so pass the full scale (e.g. ``range(1, 6)``) when not every
        point was used; defaults to the observed ratings.
    ci : float
        Confidence level.
    ci_method : {"t", "z"}, default "t"
        ``"t"``: AC ± t(n - 1) se and a t test, as irrCAC's ``gwet()``, whose numbers it
        reproduces. ``"z"``: AC ± z se and a z test (large-sample normal interval).
    single_rated : {"keep", "drop"}, default "keep"
        Units rated by one rater only. ``"keep"``: they count in the category
        proportions and in n, as Gwet (2014) and irrCAC's ``gwet()``, whose numbers it
        reproduces. ``"drop"``: they are left out first, as in Krippendorff's alpha; this
        reproduces irrCAC run on the table without those units.

    Returns
    -------
    pandas.DataFrame
        One row: ``coefficient`` ("AC1" or "AC2"); ``ac``; ``se``; ``ci_low``,
        ``ci_high`` (t interval with n - 1 df, upper limit capped at 1; both NaN when
        the standard error is undefined); ``p``; ``pa``; ``pe``; ``n_units``;
        ``n_raters``.

    Notes
    -----
    Gwet's (2008) AC1 with chance agreement ``pe = T_w / (q (q - 1)) sum_k pi_k
    (1 - pi_k)`` and Gwet's (2008, 2014) linearisation variance (infinite population,
    no finite-population correction) — the ``gwet()`` method of the irrCAC package,
    which is the reference of our tests. Weights are those of irrCAC:
    ``1 - |k - l| / (max - min)`` (linear) and ``1 - (k - l)^2 / (max - min)^2``
    (quadratic).

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the
    presence of high agreement. British Journal of Mathematical and Statistical
    Psychology, 61(1), 29-48.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.). Advanced
    Analytics, LLC.

    Examples
    --------
    Gwet (2014): 4 raters, 12 units, 5 categories, with missing ratings (the
    ``raw_4raters`` data of irrCAC): AC1 = 0.77544, SE = 0.14295, CI (0.46081, 1).

    >>> import numpy as np, pandas as pd
    >>> nan = np.nan
    >>> r = {"R1": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...      "R2": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, nan],
    ...      "R3": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    ...      "R4": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]}
    >>> df = pd.DataFrame(r).rename_axis("unit").reset_index().melt(
    ...     id_vars="unit", var_name="rater", value_name="rating")
    >>> gwet_ac(df, "unit", "rater", "rating")[["ac", "se", "ci_low"]].round(5).values.tolist()
    [[0.77544, 0.14295, 0.46081]]
    """
    _check_choice("weights", weights, _WEIGHTS)
    ci = _check_ci(ci)
    _check_choice("ci_method", ci_method, _CI_METHODS)
    _check_choice("single_rated", single_rated, _SINGLE_RATED)
    long = _kappa_long(data, unit, rater, rating, "gwet_ac")
    cats = _categories(long["rating"].to_numpy(), categories)
    counts = _count_matrix(long, cats)
    res = _cac(counts, _weight_matrix(cats, weights), "gwet", ci, ci_method, single_rated)
    return pd.DataFrame(
        {
            "coefficient": ["AC1" if weights is None else "AC2"],
            "ac": [res["estimate"]],
            "se": [res["se"]],
            "ci_low": [res["ci_low"]],
            "ci_high": [res["ci_high"]],
            "p": [res["p"]],
            "pa": [res["pa"]],
            "pe": [res["pe"]],
            "n_units": [res["n_units"]],
            "n_raters": [int(long["rater"].nunique())],
        }
    )


# --------------------------------------------------------------------------------------
# Within-group agreement: r_wg, r_wg(j), AD_M, consensus
# --------------------------------------------------------------------------------------


def _null_variance(null: NullName | float, scale_points: int) -> float:
    if isinstance(scale_points, bool) or not isinstance(scale_points, (int, np.integer)):
        raise ConfigError(f"scale_points must be an integer >= 2, received {scale_points!r}")
    if scale_points < 2:
        raise ConfigError(f"scale_points must be an integer >= 2, received {scale_points!r}")
    if isinstance(null, (int, float)) and not isinstance(null, bool):
        if not null > 0:
            raise ConfigError(f"a numeric null variance must be > 0, received {null!r}")
        return float(null)
    _check_choice("null", null, list(NULL_VARIANCES))
    if null == "uniform":
        return (scale_points**2 - 1) / 12
    if scale_points != 5:
        raise ConfigError(
            f"the {null!r} null is tabled here for 5-point scales only, received "
            f"scale_points={scale_points}; pass its expected variance as a float "
            "(LeBreton & Senter 2008, Table 2) or use null='uniform'"
        )
    return NULL_VARIANCES[null]


def _ratings_in_scale(values: pd.Series, rating: str, scale_points: int) -> None:
    v = values.dropna()
    bad = (v < 1) | (v > scale_points) | (v != np.round(v))
    if bad.any():
        pos = int(np.argmax(bad.to_numpy()))
        raise ConfigError(
            f"{rating!r} must hold whole numbers 1-{scale_points} (scale_points="
            f"{scale_points}); row {v.index[pos]} holds {v.iloc[pos]!r}; "
            "check scale_points or recode"
        )


def _within(
    data: pd.DataFrame,
    group: str | Sequence[str],
    item: str,
    rating: str,
    scale_points: int,
    extra: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str]]:
    groups = _as_list(group)
    _check_frame(data, [*groups, item, rating, *extra])
    values = _numeric(data, rating)
    _ratings_in_scale(values, rating, scale_points)
    frame = data[[*groups, item, *extra]].copy()
    frame["_rating"] = values
    frame = frame[frame["_rating"].notna()].reset_index(drop=True)
    return frame, groups


def _item_stats(frame: pd.DataFrame, keys: list[str], center: str) -> pd.DataFrame:
    g = frame.groupby(keys, observed=True, sort=True)["_rating"]
    ref = g.transform("mean" if center == "mean" else "median")
    frame = frame.assign(_absdev=(frame["_rating"] - ref).abs())
    g = frame.groupby(keys, observed=True, sort=True)
    n = g["_rating"].size()
    return pd.DataFrame(
        {
            "variance": g["_rating"].var(ddof=1),
            # one rating: no agreement to measure (NaN, as R multilevel::ad.m)
            "ad_m": g["_absdev"].mean().where(n >= 2),
            "n": n,
        }
    )


def rwg(
    data: pd.DataFrame,
    group: str | Sequence[str],
    item: str,
    rating: str,
    *,
    scale_points: int = 5,
    null: NullName | float = "uniform",
    ad_center: Literal["mean", "median"] = "mean",
) -> pd.DataFrame:
    """Single-item within-group agreement r_wg and AD_M per group x item.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per respondent x item (missing ratings are ignored).
    group : str or list of str
        Column(s) defining the groups (e.g. ``["site_id", "wave"]``).
    item : str
        Column holding the item code.
    rating : str
        Column holding the rating, whole numbers 1..scale_points.
    scale_points : int
        Number of response options A.
    null : {"uniform", "slight_skew", "moderate_skew", "heavy_skew", "triangular", \
"normal"} or float
        Null (no-agreement) distribution whose variance is the expected error
        variance; a float is used as the variance itself.
    ad_center : {"mean", "median"}
        Deviations from the item mean (AD_M) or median (AD_Md).

    Returns
    -------
    pandas.DataFrame
        One row per group x item: the group column(s), the item column, ``rwg``,
        ``ad_m`` (average absolute deviation), ``variance`` (observed sample variance),
        ``n`` (ratings).

    Notes
    -----
    ``r_wg = 1 - s^2 / sigma_E^2`` with the sample variance (n - 1 denominator, as
    James et al. 1984 and R ``multilevel``) and ``sigma_E^2 = (A^2 - 1) / 12`` for the
    uniform null. **Truncation rule**: when the observed variance exceeds the null
    variance, r_wg is set to 0 (James et al. 1984; LeBreton & Senter 2008), so values
    lie in [0, 1]. A group with one rating has no variance: r_wg and AD_M are NaN.
    These are the conventions of R ``multilevel::rwg`` and ``ad.m`` (Bliese).
    AD_M is Burke, Finkelstein & Dusig's (1999) average deviation; Burke & Dunlap (2002)
    take AD_M <= A / 6 (0.83 on a 5-point scale) as agreement.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. Journal of Applied Psychology, 69(1),
    85-98.

    Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation indices
    for estimating interrater agreement. Organizational Research Methods, 2(1), 49-68.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. Organizational Research Methods, 11(4), 815-852.

    Examples
    --------
    Worked from the definitions (no published numeric example is reproduced here):
    five raters answering 4, 4, 5, 5, 4 on a 5-point scale have s^2 = 0.3, so
    r_wg = 1 - 0.3 / 2 = 0.85, and AD_M = (3 x 0.4 + 2 x 0.6) / 5 = 0.48:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": "A", "item": "q1", "rating": [4, 4, 5, 5, 4]})
    >>> rwg(df, "team", "item", "rating")[["rwg", "ad_m"]].round(2).values.tolist()
    [[0.85, 0.48]]
    """
    _check_choice("ad_center", ad_center, ("mean", "median"))
    sigma2 = _null_variance(null, scale_points)
    frame, groups = _within(data, group, item, rating, scale_points)
    st = _item_stats(frame, [*groups, item], ad_center)
    r = 1 - st["variance"] / sigma2
    st["rwg"] = r.where(r.isna() | (st["variance"] <= sigma2), 0.0)
    out = st.reset_index()
    return out[[*groups, item, "rwg", "ad_m", "variance", "n"]]


def rwg_j(
    data: pd.DataFrame,
    group: str | Sequence[str],
    item: str,
    rating: str,
    *,
    scale_points: int = 5,
    null: NullName | float = "uniform",
    ad_center: Literal["mean", "median"] = "mean",
    respondent: str | None = None,
) -> pd.DataFrame:
    """Multi-item within-group agreement r_wg(J) and AD_M(J) per group.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per respondent x item.
    group : str or list of str
        Column(s) defining the groups.
    item : str
        Column holding the item code (the J items of the scale).
    rating : str
        Column holding the rating, whole numbers 1..scale_points.
    scale_points : int
        Number of response options A.
    null : str or float
        Null distribution, as in :func:`rwg`.
    ad_center : {"mean", "median"}
        Deviations from the item mean or median.
    respondent : str, optional
        Column identifying respondents; used for ``n_raters`` (otherwise the largest
        number of ratings of any item in the group).

    Returns
    -------
    pandas.DataFrame
        One row per group: the group column(s), ``rwg_j``, ``ad_m`` (AD_M(J), the mean
        of the items' AD_M), ``mean_variance`` (mean of the item variances),
        ``n_raters``, ``n_items``.

    Notes
    -----
    ``r_wg(J) = J (1 - s2 / sigma_E^2) / (J (1 - s2 / sigma_E^2) + s2 / sigma_E^2)`` with
    ``s2`` the mean of the J observed item variances (James et al. 1984). Each item's
    variance uses the ratings available for that item (missing ratings are ignored
    item by item). **Truncation rule**: when ``s2`` exceeds ``sigma_E^2`` the formula is
    outside [0, 1] and r_wg(J) is set to 0 (James et al. 1984; LeBreton & Senter 2008).
    Items with fewer than two ratings in a group are left out of ``s2``.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater
    reliability with and without response bias. Journal of Applied Psychology, 69(1),
    85-98.

    Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation indices
    for estimating interrater agreement. Organizational Research Methods, 2(1), 49-68.

    LeBreton, J. M., & Senter, J. L. (2008). Answers to 20 questions about interrater
    reliability and interrater agreement. Organizational Research Methods, 11(4), 815-852.

    Examples
    --------
    A group whose members answered identically has r_wg(J) = 1 and AD_M = 0:

    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": "A", "item": ["q1", "q2"] * 3,
    ...                    "rating": [4, 2, 4, 2, 4, 2]})
    >>> rwg_j(df, "team", "item", "rating")[["rwg_j", "ad_m"]].values.tolist()
    [[1.0, 0.0]]
    """
    _check_choice("ad_center", ad_center, ("mean", "median"))
    sigma2 = _null_variance(null, scale_points)
    extra = [] if respondent is None else [respondent]
    frame, groups = _within(data, group, item, rating, scale_points, extra)
    st = _item_stats(frame, [*groups, item], ad_center).reset_index()
    g = st.groupby(groups, observed=True, sort=True)
    s2 = g["variance"].mean()
    j = g["variance"].count().astype(float)
    ratio = s2 / sigma2
    with np.errstate(divide="ignore", invalid="ignore"):
        value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    value = value.where(~(s2 > sigma2), 0.0)
    out = pd.DataFrame(
        {
            "rwg_j": value,
            "ad_m": g["ad_m"].mean(),
            "mean_variance": s2,
            "n_raters": (
                frame.groupby(groups, observed=True, sort=True)[respondent].nunique()
                if respondent is not None
                else g["n"].max()
            ),
            "n_items": g[item].nunique(),
        }
    ).reset_index()
    return out[[*groups, "rwg_j", "ad_m", "mean_variance", "n_raters", "n_items"]]


def consensus(
    data: pd.DataFrame,
    group: str | Sequence[str],
    item: str,
    rating: str,
    *,
    scale_points: int = 5,
) -> pd.DataFrame:
    """Tastle & Wierman's (2007) consensus per group x item.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per respondent x item.
    group : str or list of str
        Column(s) defining the groups.
    item : str
        Column holding the item code.
    rating : str
        Column holding the rating, whole numbers 1..scale_points.
    scale_points : int
        Number of response options; the scale width is ``d = scale_points - 1``.

    Returns
    -------
    pandas.DataFrame
        One row per group x item: the group column(s), the item column, ``consensus``
        (1 = everyone gave the same answer, 0 = split evenly between the two extremes),
        ``mean`` and ``n``.

    Notes
    -----
    ``Cns(X) = 1 + sum_i p_i log2(1 - |X_i - mu_X| / d_X)`` with ``d_X`` the width of the
    scale (``scale_points - 1``, not the observed range), as in R ``agrmt::consensus``.
    Since the sum is a mean over respondents it is computed as one grouped mean.

    References
    ----------
    Tastle, W. J., & Wierman, M. J. (2007). Consensus and dissention: A measure of ordinal
    dispersion. International Journal of Approximate Reasoning, 45(3), 531-545.

    Examples
    --------
    The example of R ``agrmt::consensus``: frequencies (30, 40, 210, 130, 530, 50, 10)
    on a 7-point scale give 0.7256876:

    >>> import pandas as pd
    >>> freq = [30, 40, 210, 130, 530, 50, 10]
    >>> df = pd.DataFrame({"g": "A", "item": "q",
    ...                    "rating": [k + 1 for k, f in enumerate(freq) for _ in range(f)]})
    >>> round(float(consensus(df, "g", "item", "rating", scale_points=7).at[0, "consensus"]), 7)
    0.7256876
    """
    frame, groups = _within(data, group, item, rating, scale_points)
    keys = [*groups, item]
    d = scale_points - 1
    mu = frame.groupby(keys, observed=True, sort=True)["_rating"].transform("mean")
    frame = frame.assign(_term=np.log2(1 - (frame["_rating"] - mu).abs() / d), _mu=mu)
    g = frame.groupby(keys, observed=True, sort=True)
    out = pd.DataFrame(
        {"consensus": 1 + g["_term"].mean(), "mean": g["_mu"].first(), "n": g["_term"].size()}
    ).reset_index()
    return out[[*keys, "consensus", "mean", "n"]]


# --------------------------------------------------------------------------------------
# Staff versus residents; before versus after
# --------------------------------------------------------------------------------------


def _understanding(understanding: pd.DataFrame | Dataset) -> pd.DataFrame:
    if isinstance(understanding, Dataset):
        return understanding.understanding
    if not isinstance(understanding, pd.DataFrame):
        raise ConfigError(
            "understanding must be an analyse.Dataset or its understanding DataFrame, "
            f"received {type(understanding).__name__}"
        )
    return understanding


def compare_roles(
    understanding: pd.DataFrame | Dataset,
    *,
    by: str | Sequence[str] | None = "wave",
    item: str = "item",
    role: str = "role",
    rating: str = "rating",
    staff: str = "staff",
    resident: str = "resident",
    n_boot: int = 1000,
    seed: int | None = None,
    ci: float = 0.95,
    method: Literal["auto", "exact", "normal"] = "auto",
    correction: bool = True,
) -> pd.DataFrame:
    """Staff versus residents per item: medians, distributions, Mann-Whitney, Cliff's delta.

    Parameters
    ----------
    understanding : analyse.Dataset or pandas.DataFrame
        The ``understanding`` table (one row per respondent x item x wave).
    by : str, list of str or None
        Strata compared separately (default per wave; e.g. ``["site_id", "wave"]``).
    item, role, rating : str
        Column names.
    staff, resident : str
        The role codes compared.
    n_boot : int
        Bootstrap replicates for the CI of Cliff's delta (0: none).
    seed : int or None
        Seed of the bootstrap.
    ci : float
        Confidence level.
    method : {"auto", "exact", "normal"}, default "auto"
        p-value of the Mann-Whitney test, as SciPy's ``mannwhitneyu(method=)``, whose
        numbers each choice reproduces: ``"auto"`` is exact when one role has at most 8
        answers and no two answers tie, else normal; ``"exact"`` the exact distribution
        (no tie correction); ``"normal"`` the normal approximation with tie correction
        (R ``wilcox.test(exact = FALSE)``).
    correction : bool, default True
        Continuity correction of the normal approximation (SciPy's and R's default).
        Note that :func:`analyse.stats.prepost.paired`'s Wilcoxon test defaults to no
        correction (SciPy's default there); pass ``correction=False`` here to match.

    Returns
    -------
    pandas.DataFrame
        One row per stratum x item with both roles present: the ``by`` column(s),
        ``item``, ``n_staff``, ``n_resident``, ``median_staff``, ``median_resident``,
        ``share_agree_staff``, ``share_agree_resident`` (share answering 4 or 5),
        ``u`` (Mann-Whitney U of staff), ``p`` (two-sided), ``cliffs_delta`` (P(staff >
        resident) - P(staff < resident), equal to the rank-biserial correlation),
        ``ci_low``, ``ci_high`` (percentile bootstrap, resampling respondents within
        role), ``disagreement_rank`` (1 = the item with the largest |delta| within the
        stratum). Sorted by stratum and rank.

    Notes
    -----
    Respondents are assumed independent within a stratum (one answer per respondent
    per item); pool waves only if each respondent answered once. The U test is
    ``scipy.stats.mannwhitneyu`` (two-sided) with ``method`` and ``correction``: by
    default small tie-free samples (one role with at most 8 answers) get the exact
    p-value, everything else the normal approximation with tie and continuity
    correction. Ratings 1-5 nearly always tie, so expect the normal approximation.

    References
    ----------
    Cliff, N. (1993). Dominance statistics: Ordinal analyses to answer ordinal
    questions. Psychological Bulletin, 114(3), 494-509.

    Kerby, D. S. (2014). The simple difference formula: An approach to teaching
    nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1.

    Examples
    --------
    >>> import pandas as pd
    >>> u = pd.DataFrame({"role": ["staff"] * 3 + ["resident"] * 3, "item": "q1",
    ...                   "wave": "pre", "rating": [5, 5, 4, 1, 2, 2]})
    >>> float(compare_roles(u, n_boot=0).at[0, "cliffs_delta"])
    1.0
    """
    frame = _understanding(understanding)
    by_cols = [] if by is None else _as_list(by, "by")
    _check_frame(frame, [*by_cols, item, role, rating], "understanding")
    n_boot = _check_n_boot(n_boot)
    ci = _check_ci(ci)
    _check_choice("method", method, ("auto", "exact", "normal"))
    _check_choice("correction", correction, (True, False))
    scipy_method = "asymptotic" if method == "normal" else method
    values = _numeric(frame, rating)
    df = frame[[*by_cols, item, role]].copy()
    df["_rating"] = values
    df = df[df["_rating"].notna() & df[role].isin([staff, resident])]
    rng = np.random.default_rng(seed)
    cats = np.unique(df["_rating"].to_numpy())
    sign = np.sign(cats[:, None] - cats[None, :])
    rows = []
    for key, sub in df.groupby([*by_cols, item], observed=True, sort=True):
        x = sub.loc[sub[role] == staff, "_rating"].to_numpy()
        y = sub.loc[sub[role] == resident, "_rating"].to_numpy()
        if len(x) == 0 or len(y) == 0:
            continue
        key = key if isinstance(key, tuple) else (key,)
        u_stat, p = stats.mannwhitneyu(
            x, y, alternative="two-sided", method=scipy_method, use_continuity=bool(correction)
        )
        px = np.bincount(np.searchsorted(cats, x), minlength=len(cats)) / len(x)
        py = np.bincount(np.searchsorted(cats, y), minlength=len(cats)) / len(y)
        delta = float(px @ sign @ py)
        lo = hi = np.nan
        if n_boot > 0:
            bx = rng.multinomial(len(x), px, size=n_boot) / len(x)
            by_ = rng.multinomial(len(y), py, size=n_boot) / len(y)
            boot = np.einsum("bi,ij,bj->b", bx, sign, by_)
            lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
        rows.append(
            (
                *key,
                len(x),
                len(y),
                float(np.median(x)),
                float(np.median(y)),
                float(np.mean(x >= 4)),
                float(np.mean(y >= 4)),
                float(u_stat),
                float(p),
                delta,
                float(lo),
                float(hi),
            )
        )
    cols = [
        *by_cols,
        item,
        "n_staff",
        "n_resident",
        "median_staff",
        "median_resident",
        "share_agree_staff",
        "share_agree_resident",
        "u",
        "p",
        "cliffs_delta",
        "ci_low",
        "ci_high",
    ]
    out = pd.DataFrame(rows, columns=cols)
    strata = out.groupby(by_cols, observed=True) if by_cols else None
    absd = out["cliffs_delta"].abs()
    out["disagreement_rank"] = (
        absd.groupby([out[c] for c in by_cols], observed=True).rank(ascending=False, method="min")
        if strata is not None
        else absd.rank(ascending=False, method="min")
    ).astype("Int64")
    return out.sort_values([*by_cols, "disagreement_rank", item]).reset_index(drop=True)


def _rwg_j_batch(x: np.ndarray, sigma2: float) -> np.ndarray:
    """r_wg(J) of (..., R, I) arrays (NaN = missing), by sums rather than np.nanvar."""
    present = np.isfinite(x)
    x0 = np.where(present, x, 0.0)
    cnt = present.sum(-2)
    s1 = x0.sum(-2)
    s2 = (x0 * x0).sum(-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(cnt >= 2, (s2 - s1 * s1 / cnt) / (cnt - 1), np.nan)
        var = np.maximum(var, 0.0)  # rounding can make a zero variance slightly negative
        j = np.isfinite(var).sum(-1)
        s2_mean = np.nansum(var, -1) / j
        ratio = s2_mean / sigma2
        value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    return np.where(j == 0, np.nan, np.where(s2_mean > sigma2, 0.0, value))


def _alpha_batch(x: np.ndarray, cats: np.ndarray, level: str) -> np.ndarray:
    """Alpha of (B, R, I) arrays with items as units and respondents as raters."""
    counts = (x[..., None] == cats).sum(-3).astype(float)  # B, I, V
    return _alpha_from_counts(counts, cats, level)


def change(
    understanding: pd.DataFrame | Dataset,
    *,
    statistic: Literal["rwg_j", "alpha"] = "rwg_j",
    site: str = "site_id",
    wave: str = "wave",
    item: str = "item",
    respondent: str = "respondent_id",
    rating: str = "rating",
    role: str | None = "staff",
    role_column: str = "role",
    before: str = "pre",
    after: str = "post",
    scale_points: int = 5,
    null: NullName | float = "uniform",
    level: Level = "ordinal",
    n_boot: int = 1000,
    seed: int | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Within-site agreement before versus after, with a bootstrap CI of the change.

    Parameters
    ----------
    understanding : analyse.Dataset or pandas.DataFrame
        The ``understanding`` table.
    statistic : {"rwg_j", "alpha"}
        Agreement of a site's respondents over the items: r_wg(J) (uniform or skewed
        null) or Krippendorff's alpha with items as units and respondents as raters.
    site, wave, item, respondent, rating, role_column : str
        Column names.
    role : str or None
        Keep only this role (default staff); None keeps everyone.
    before, after : str
        The two waves compared.
    scale_points, null : see :func:`rwg_j`.
    level : see :func:`krippendorff_alpha`.
    n_boot : int
        Bootstrap replicates (0: no interval).
    seed : int or None
        Seed of the bootstrap.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per site with data in both waves: ``site``, ``statistic``,
        ``before``, ``after``, ``difference`` (after - before), ``ci_low``, ``ci_high``
        (percentile interval of the bootstrap differences), ``n_before``, ``n_after``
        (respondents).

    Notes
    -----
    The bootstrap resamples respondents of a site with replacement (a cluster
    bootstrap over respondent ids), taking each drawn respondent's answers in both
    waves. Respondents who answered in both waves thus stay paired, and those who
    answered once contribute to one wave only, so the interval is valid for panel and
    for independent samples alike. Replicates in which the statistic is undefined are
    ignored.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman &
    Hall.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [("S1", w, f"p{r}", f"q{i}", 3 if w == "post" else 1 + (r + i) % 5)
    ...         for w in ("pre", "post") for r in range(4) for i in range(3)]
    >>> u = pd.DataFrame(rows, columns=["site_id", "wave", "respondent_id", "item",
    ...                                 "rating"]).assign(role="staff")
    >>> change(u, n_boot=0)[["before", "after"]].values.tolist()
    [[0.0, 1.0]]
    """
    frame = _understanding(understanding)
    _check_choice("statistic", statistic, ("rwg_j", "alpha"))
    _check_choice("level", level, _LEVELS)
    n_boot = _check_n_boot(n_boot)
    ci = _check_ci(ci)
    sigma2 = _null_variance(null, scale_points)
    cols = [site, wave, item, respondent, rating] + ([role_column] if role is not None else [])
    _check_frame(frame, cols, "understanding")
    df = frame.copy()
    df["_rating"] = _numeric(frame, rating)
    if statistic == "rwg_j":
        _ratings_in_scale(df["_rating"], rating, scale_points)
    if role is not None:
        df = df[df[role_column] == role]
    df = df[df["_rating"].notna() & df[wave].isin([before, after])]
    _check_unique(df, [site, wave, respondent, item])
    rng = np.random.default_rng(seed)
    cats = np.unique(df["_rating"].to_numpy())
    # One numpy scatter per site instead of a pivot: codes are computed once.
    df = df.sort_values(site, kind="stable")
    site_code, site_ids = pd.factorize(df[site], sort=True)
    resp_code, _ = pd.factorize(df[respondent])
    item_code, items = pd.factorize(df[item], sort=True)
    wave_code = (df[wave] == after).to_numpy().astype(int)
    values = df["_rating"].to_numpy(float)
    # site boundaries; none when no rating is left (every site is then left out)
    starts = np.flatnonzero(np.r_[True, np.diff(site_code) != 0, True]) if len(df) else []

    def stat(batch: np.ndarray) -> np.ndarray:
        if statistic == "rwg_j":
            return _rwg_j_batch(batch, sigma2)
        return _alpha_batch(batch, cats, level)

    rows = []
    for start, stop in zip(starts[:-1], starts[1:], strict=True):
        w = wave_code[start:stop]
        if w.min() == w.max():
            continue  # the site has data in one wave only
        local, resp = np.unique(resp_code[start:stop], return_inverse=True)
        arrays = np.full((2, len(local), len(items)), np.nan)
        arrays[w, resp, item_code[start:stop]] = values[start:stop]
        point = stat(arrays)
        lo = hi = np.nan
        if n_boot > 0:
            idx = rng.integers(0, len(local), size=(n_boot, len(local)))
            diff = stat(arrays[1][idx]) - stat(arrays[0][idx])
            diff = diff[np.isfinite(diff)]
            if len(diff):
                lo, hi = np.quantile(diff, [(1 - ci) / 2, (1 + ci) / 2])
        rows.append(
            (
                site_ids[site_code[start]],
                statistic,
                float(point[0]),
                float(point[1]),
                float(point[1] - point[0]),
                float(lo),
                float(hi),
                len(np.unique(resp[w == 0])),
                len(np.unique(resp[w == 1])),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            site,
            "statistic",
            "before",
            "after",
            "difference",
            "ci_low",
            "ci_high",
            "n_before",
            "n_after",
        ],
    )


# --------------------------------------------------------------------------------------
# Assessments: staff raters, and staff versus resident
# --------------------------------------------------------------------------------------


def _assessments(assessments: pd.DataFrame | Dataset) -> pd.DataFrame:
    if isinstance(assessments, Dataset):
        return assessments.assessments
    if not isinstance(assessments, pd.DataFrame):
        raise ConfigError(
            "assessments must be an analyse.Dataset or its assessments DataFrame, "
            f"received {type(assessments).__name__}"
        )
    return assessments


def _icc_for_design(sub: pd.DataFrame, ci: float) -> tuple[str, pd.Series]:
    """ICC(A,1) for a crossed design; one-way ICC(1) over rater slots otherwise."""
    nan = pd.Series({"icc": np.nan, "ci_low": np.nan, "ci_high": np.nan})
    counts = sub.groupby("resident_id", observed=True).size()
    n_raters = sub["rater_id"].nunique()
    if (counts == n_raters).sum() >= 2 and n_raters >= 2:
        return "ICC(A,1)", icc(sub, "resident_id", "rater_id", "rating", ci=ci).loc["ICC(2,1)"]
    rated = counts[counts >= 2]
    if len(rated) < 2:
        return "ICC(1)", nan
    k = int(rated.min())
    slots = sub[sub["resident_id"].isin(rated.index)].sort_values(["resident_id", "rater_id"])
    slots = slots.assign(_slot=slots.groupby("resident_id", observed=True).cumcount())
    slots = slots[slots["_slot"] < k]
    return "ICC(1)", icc(slots, "resident_id", "_slot", "rating", ci=ci).loc["ICC(1,1)"]


def assessment_reliability(
    assessments: pd.DataFrame | Dataset,
    *,
    by: str | Sequence[str] = ("wave", "aspect"),
    n_boot: int = 1000,
    seed: int | None = None,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Inter-rater reliability of staff's assessments of residents.

    Parameters
    ----------
    assessments : analyse.Dataset or pandas.DataFrame
        The ``assessments`` table (rater_id, resident_id, wave, aspect, rating).
    by : str or list of str
        Strata (default wave x aspect).
    n_boot, seed, ci
        Bootstrap and interval settings of :func:`krippendorff_alpha`.

    Returns
    -------
    pandas.DataFrame
        One row per stratum: the ``by`` column(s); ``n_residents``; ``n_raters``;
        ``alpha``, ``alpha_ci_low``, ``alpha_ci_high`` (ordinal Krippendorff's alpha,
        residents as units); ``icc_model`` and ``icc``, ``icc_ci_low``, ``icc_ci_high``
        (see Notes); ``ac2``, ``ac2_ci_low``, ``ac2_ci_high`` (Gwet's AC2 with quadratic
        weights on the 1-5 scale, any design); ``kappa_w``, ``kappa_w_ci_low``,
        ``kappa_w_ci_high`` (quadratic weighted Cohen's kappa, only with exactly two
        raters, else NaN).

    Notes
    -----
    Staff usually rate different residents, so alpha and AC2 (which use all pairable
    ratings) are the main statistics. The ICC model follows the design (Shrout &
    Fleiss 1979): when at least two residents were rated by every rater the raters are
    crossed with residents and ``icc_model`` is ICC(A,1) (= ICC(2,1), absolute agreement,
    on the residents rated by all); otherwise each resident has their own raters, the
    one-way ICC(1) (= ICC(1,1)) is the right model, and it is computed on the first k
    ratings (by rater id) of every resident with at least two, k being the smallest
    such number of ratings.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Psychological Bulletin, 86(2), 420-428.
    Hayes, A. F., & Krippendorff, K. (2007). Communication Methods and Measures, 1(1),
    77-89. Gwet, K. L. (2014). Handbook of Inter-Rater Reliability (4th ed.).
    Cohen, J. (1968). Psychological Bulletin, 70(4), 213-220.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"rater_id": ["M1", "M2"] * 3, "resident_id": ["B1", "B1", "B2",
    ...                   "B2", "B3", "B3"], "wave": "pre", "aspect": "overall",
    ...                   "rating": [1, 1, 3, 3, 5, 5]})
    >>> res = assessment_reliability(a, n_boot=0)
    >>> res[["alpha", "icc", "ac2", "kappa_w"]].values.tolist(), res.at[0, "icc_model"]
    ([[1.0, 1.0, 1.0, 1.0]], 'ICC(A,1)')
    """
    frame = _assessments(assessments)
    by_cols = _as_list(by, "by")
    _check_frame(frame, [*by_cols, "rater_id", "resident_id", "rating"], "assessments")
    rows = []
    for key, sub in frame.groupby(by_cols, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        sub = sub[sub["rating"].notna()]
        a = krippendorff_alpha(
            sub,
            "resident_id",
            "rater_id",
            "rating",
            level="ordinal",
            n_boot=n_boot,
            seed=seed,
            ci=ci,
        ).iloc[0]
        try:
            model, icc_row = _icc_for_design(sub, ci)
        except ConfigError:
            model, icc_row = (
                "ICC(1)",
                pd.Series({"icc": np.nan, "ci_low": np.nan, "ci_high": np.nan}),
            )
        scale = range(1, 6) if _numeric(sub, "rating").between(1, 5).all() else None
        try:
            ac2 = gwet_ac(
                sub,
                "resident_id",
                "rater_id",
                "rating",
                weights="quadratic",
                categories=scale,
                ci=ci,
            ).iloc[0]
        except ConfigError:  # no resident rated twice: AC2 undefined in this group
            ac2 = pd.Series({"ac": np.nan, "ci_low": np.nan, "ci_high": np.nan})
        kw = pd.Series({"kappa": np.nan, "ci_low": np.nan, "ci_high": np.nan})
        if sub["rater_id"].nunique() == 2:
            try:
                kw = cohen_kappa(
                    sub,
                    "resident_id",
                    "rater_id",
                    "rating",
                    weights="quadratic",
                    categories=scale,
                    ci=ci,
                ).iloc[0]
            except ConfigError:
                pass
        rows.append(
            (
                *key,
                int(sub["resident_id"].nunique()),
                int(sub["rater_id"].nunique()),
                a["alpha"],
                a["ci_low"],
                a["ci_high"],
                model,
                float(icc_row["icc"]),
                float(icc_row["ci_low"]),
                float(icc_row["ci_high"]),
                float(ac2["ac"]),
                float(ac2["ci_low"]),
                float(ac2["ci_high"]),
                float(kw["kappa"]),
                float(kw["ci_low"]),
                float(kw["ci_high"]),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            *by_cols,
            "n_residents",
            "n_raters",
            "alpha",
            "alpha_ci_low",
            "alpha_ci_high",
            "icc_model",
            "icc",
            "icc_ci_low",
            "icc_ci_high",
            "ac2",
            "ac2_ci_low",
            "ac2_ci_high",
            "kappa_w",
            "kappa_w_ci_low",
            "kappa_w_ci_high",
        ],
    )


def assessment_agreement(
    assessments: pd.DataFrame | Dataset,
    outcomes: pd.DataFrame | None = None,
    *,
    aspect: str = "overall",
    weights: Weights = "quadratic",
    by: str | Sequence[str] = "wave",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Agreement between staff's ``overall`` rating and the resident's own satisfaction.

    Parameters
    ----------
    assessments : analyse.Dataset or pandas.DataFrame
        A data set (then ``outcomes`` is taken from it) or the ``assessments`` table.
    outcomes : pandas.DataFrame, optional
        The ``outcomes`` table (resident_id, wave, satisfaction); required when
        ``assessments`` is a DataFrame.
    aspect : str
        The assessment aspect compared with satisfaction.
    weights : {None, "linear", "quadratic"}
        Kappa weights (both are 1-5 scales).
    by : str or list of str
        Strata (columns present in both tables; default wave).
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per stratum: the ``by`` column(s), ``n_residents`` (pairs), ``kappa``,
        ``se``, ``ci_low``, ``ci_high`` (weighted Cohen's kappa, staff versus resident),
        ``spearman_rho``, ``mean_difference`` (staff - resident), ``share_exact``,
        ``share_within_one``.

    Notes
    -----
    When several staff rated a resident, the staff rating is their median rounded half
    up to a whole scale point (so that kappa's categories stay 1-5). Residents with no
    satisfaction answer (or no staff rating) are left out. Answers given by a proxy
    respondent are not the resident's own view; filter them out of ``outcomes`` first
    when that matters.

    References
    ----------
    Cohen, J. (1968). Weighted kappa. Psychological Bulletin, 70(4), 213-220.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"rater_id": "M1", "resident_id": ["B1", "B2", "B3"],
    ...                   "wave": "pre", "aspect": "overall", "rating": [2, 3, 5]})
    >>> o = pd.DataFrame({"resident_id": ["B1", "B2", "B3"], "wave": "pre",
    ...                   "satisfaction": [2, 3, 5]})
    >>> assessment_agreement(a, o)[["kappa", "share_exact"]].values.tolist()
    [[1.0, 1.0]]
    """
    if isinstance(assessments, Dataset):
        outcomes = assessments.outcomes if outcomes is None else outcomes
        assessments = assessments.assessments
    if outcomes is None:
        raise ConfigError(
            "assessment_agreement needs the outcomes table; pass outcomes=ds.outcomes "
            "or pass the whole Dataset"
        )
    by_cols = _as_list(by, "by")
    _check_choice("weights", weights, _WEIGHTS)
    ci = _check_ci(ci)
    _check_frame(assessments, [*by_cols, "resident_id", "aspect", "rating"], "assessments")
    _check_frame(outcomes, [*by_cols, "resident_id", "satisfaction"], "outcomes")
    a = assessments[assessments["aspect"] == aspect].copy()
    a["_rating"] = _numeric(a, "rating")
    keys = [*by_cols, "resident_id"]
    staff = (
        a.groupby(keys, observed=True)["_rating"].median().pipe(lambda s: np.floor(s + 0.5))
    ).rename("staff")
    o = outcomes[keys].copy()
    o["resident"] = _numeric(outcomes, "satisfaction")
    o = o.dropna(subset=["resident"]).drop_duplicates(keys)
    paired = staff.reset_index().merge(o, on=keys, how="inner").dropna()
    rows = []
    for key, sub in paired.groupby(by_cols, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        long = sub.melt(
            id_vars=keys, value_vars=["staff", "resident"], var_name="who", value_name="r"
        )
        k = {"kappa": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        if len(sub) >= 2:
            try:
                k = cohen_kappa(
                    long,
                    "resident_id",
                    "who",
                    "r",
                    weights=weights,
                    categories=range(1, 6) if long["r"].between(1, 5).all() else None,
                    ci=ci,
                ).iloc[0]
            except ConfigError:
                pass
        diff = sub["staff"] - sub["resident"]
        rho = (
            stats.spearmanr(sub["staff"], sub["resident"]).statistic
            if len(sub) >= 3 and sub["staff"].nunique() > 1 and sub["resident"].nunique() > 1
            else np.nan
        )
        rows.append(
            (
                *key,
                len(sub),
                float(k["kappa"]),
                float(k["se"]),
                float(k["ci_low"]),
                float(k["ci_high"]),
                float(rho),
                float(diff.mean()),
                float((diff == 0).mean()),
                float((diff.abs() <= 1).mean()),
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            *by_cols,
            "n_residents",
            "kappa",
            "se",
            "ci_low",
            "ci_high",
            "spearman_rho",
            "mean_difference",
            "share_exact",
            "share_within_one",
        ],
    )


# --------------------------------------------------------------------------------------
# Interpretation labels
# --------------------------------------------------------------------------------------

#: Published interpretation bands: for each statistic the lower bounds (ascending) of
#: its bands with Danish and English labels, and the citation. ``ad_m`` is lower-is-better
#: and handled by :func:`interpret` against the cut-off A / 6.
INTERPRETATION: dict[str, dict[str, object]] = {
    "alpha": {
        "bands": [
            (-math.inf, "upålidelig", "unreliable"),
            (0.667, "foreløbig (kun forsigtige konklusioner)", "tentative conclusions only"),
            (0.800, "pålidelig", "reliable"),
        ],
        "citation": "Krippendorff, K. (2004). Content Analysis (2nd ed.), p. 241: "
        "alpha >= .800 reliable; .667 <= alpha < .800 for tentative conclusions.",
    },
    "icc": {
        "bands": [
            (-math.inf, "ringe", "poor"),
            (0.50, "moderat", "moderate"),
            (0.75, "god", "good"),
            (0.90, "fremragende", "excellent"),
        ],
        "citation": "Koo, T. K., & Li, M. Y. (2016). Journal of Chiropractic Medicine, "
        "15(2), 155-163.",
    },
    "kappa": {
        "bands": [
            (-math.inf, "ringe (under tilfældig)", "poor (below chance)"),
            (0.00, "svag", "slight"),
            (0.21, "rimelig", "fair"),
            (0.41, "moderat", "moderate"),
            (0.61, "betydelig", "substantial"),
            (0.81, "næsten perfekt", "almost perfect"),
        ],
        "citation": "Landis, J. R., & Koch, G. G. (1977). Biometrics, 33(1), 159-174.",
    },
    "rwg": {
        "bands": [
            (-math.inf, "manglende enighed", "lack of agreement"),
            (0.31, "svag enighed", "weak agreement"),
            (0.51, "moderat enighed", "moderate agreement"),
            (0.71, "stærk enighed", "strong agreement"),
            (0.91, "meget stærk enighed", "very strong agreement"),
        ],
        "citation": "LeBreton, J. M., & Senter, J. L. (2008). Organizational Research "
        "Methods, 11(4), 815-852, Table 3.",
    },
    "cliffs_delta": {
        "bands": [
            (-math.inf, "ubetydelig forskel", "negligible difference"),
            (0.147, "lille forskel", "small difference"),
            (0.33, "middel forskel", "medium difference"),
            (0.474, "stor forskel", "large difference"),
        ],
        "citation": "Romano, J., Kromrey, J. D., Coraggio, J., & Skowronek, J. (2006). "
        "Annual meeting of the Florida Association of Institutional Research (|delta|).",
    },
    "ad_m": {
        "bands": [],
        "citation": "Burke, M. J., & Dunlap, W. P. (2002). Organizational Research Methods, "
        "5(2), 159-172: AD_M <= A/6 indicates agreement.",
    },
}

_ALIASES = {
    "krippendorff_alpha": "alpha",
    "fleiss_kappa": "kappa",
    "cohen_kappa": "kappa",
    "gwet_ac": "kappa",
    "ac1": "kappa",
    "ac2": "kappa",
    "rwg_j": "rwg",
    "ad": "ad_m",
}

_AD_LABELS = {
    "da": ("enighed (AD_M <= A/6)", "ikke enighed (AD_M > A/6)"),
    "en": ("agreement (AD_M <= A/6)", "no agreement (AD_M > A/6)"),
}


def _statistic_key(statistic: str) -> str:
    key = _ALIASES.get(statistic, statistic)
    if key not in INTERPRETATION:
        raise ConfigError(
            f"no interpretation bands for {statistic!r}; known: "
            f"{sorted([*INTERPRETATION, *_ALIASES])}"
        )
    return key


def interpretation_citation(statistic: str) -> str:
    """The citation of the interpretation bands of ``statistic``.

    >>> interpretation_citation("rwg_j").startswith("LeBreton")
    True
    """
    return str(INTERPRETATION[_statistic_key(statistic)]["citation"])


def interpret(
    statistic: str,
    value: float,
    lang: Literal["da", "en"] = "da",
    *,
    scale_points: int = 5,
) -> str | None:
    """Label a value with its published interpretation band.

    Parameters
    ----------
    statistic : str
        One of ``alpha``, ``icc``, ``kappa`` (also ``cohen_kappa``, ``fleiss_kappa``,
        ``gwet_ac``), ``rwg`` / ``rwg_j``, ``ad_m``, ``cliffs_delta``.
    value : float
        The estimate (for ``cliffs_delta`` its absolute value is used).
    lang : {"da", "en"}
        Language of the label.
    scale_points : int
        Only for ``ad_m``: the cut-off is ``scale_points / 6``.

    Returns
    -------
    str or None
        The label; None for a missing value.

    Notes
    -----
    The bands and their sources are in :data:`INTERPRETATION`; every band is a
    convention of its author, not a statistical test, and reports should show the
    citation (:func:`interpretation_citation`) next to the label.

    References
    ----------
    Krippendorff (2004); Koo & Li (2016); Landis & Koch (1977); LeBreton & Senter (2008);
    Burke & Dunlap (2002); Romano et al. (2006) — see :data:`INTERPRETATION`.

    Examples
    --------
    >>> interpret("alpha", 0.743)
    'foreløbig (kun forsigtige konklusioner)'
    >>> interpret("rwg_j", 0.95, lang="en")
    'very strong agreement'
    """
    _check_choice("lang", lang, ("da", "en"))
    key = _statistic_key(statistic)
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    value = float(value)
    if key == "ad_m":
        agree, disagree = _AD_LABELS[lang]
        return agree if value <= scale_points / 6 else disagree
    if key == "cliffs_delta":
        value = abs(value)
    label = None
    for lower, da, en in INTERPRETATION[key]["bands"]:  # type: ignore[union-attr]
        if value >= lower:
            label = da if lang == "da" else en
    return label
