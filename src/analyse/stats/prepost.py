"""Afprøvning: did the practices make a difference? Pre/post comparison of residents.

Step 4 of the process tries 2-5 new pedagogical practices for a period and compares the
residents' relationship indicators and outcomes before (``pre``) and after (``post``).
Groups are small, the data are ordinal scores or counts, some residents drop out, and a
steering group will act on the result. The functions here therefore

- compare **complete pairs** only and report how many residents were left out
  (:func:`paired`, :func:`by_group`), with the mean difference and its confidence
  interval, the paired *t* test, effect sizes with confidence intervals (Lakens 2013)
  and the Wilcoxon signed-rank test with the matched-pairs rank-biserial correlation as a
  non-parametric check (Kerby 2014);
- classify each resident's change as reliable or not (:func:`reliable_change`,
  Jacobson & Truax 1991);
- set each practice against the comparison group (``practice == "none"``) in a mixed
  model or a count GEE (:func:`model`, a difference-in-differences);
- describe who was lost to follow-up (:func:`attrition`);
- withhold p-values and effect sizes resting on too few people, in one place
  (:func:`guard`), and say why in the result.

All functions are pure and return full-precision numbers; rounding, Danish labels and
small-cell suppression of displayed counts belong to the report layer.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analyse.config import DEFAULT_MIN_CELL
from analyse.errors import ConfigError

__all__ = [
    "PAIRED_COLUMNS",
    "Attrition",
    "Guard",
    "ReliableChange",
    "attrition",
    "by_group",
    "cluster_change",
    "cluster_trial",
    "guard",
    "model",
    "outcomes_long",
    "paired",
    "reliable_change",
    "site_changes",
]

#: Default smallest number of complete pairs on which p-values and effect sizes are shown.
DEFAULT_MIN_PAIRS = 10

#: The columns of :func:`paired`, in output order.
PAIRED_COLUMNS: tuple[str, ...] = (
    "n",
    "n_excluded",
    "mean_pre",
    "mean_post",
    "sd_pre",
    "sd_post",
    "mean_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_t",
    "w",
    "p_w",
    "w_method",
    "r_pre_post",
    "d_z",
    "d_av",
    "d_av_ci_low",
    "d_av_ci_high",
    "g_av",
    "g_av_ci_low",
    "g_av_ci_high",
    "rank_biserial",
    "rank_biserial_ci_low",
    "rank_biserial_ci_high",
    "withheld",
    "reason",
)
_DESCRIPTIVE = ("mean_pre", "mean_post", "sd_pre", "sd_post", "mean_diff", "r_pre_post")
_INFERENTIAL = tuple(
    c
    for c in PAIRED_COLUMNS
    if c not in (*_DESCRIPTIVE, "n", "n_excluded", "w_method", "withheld", "reason")
)

# --------------------------------------------------------------------------- the guard


@dataclass(frozen=True)
class Guard:
    """The verdict of :func:`guard` on a number of complete pairs (or persons).

    ``withheld`` is ``"none"`` (everything may be shown), ``"inference"`` (p-values,
    test statistics, confidence intervals and effect sizes are withheld; means may be
    shown) or ``"all"`` (fewer persons than ``min_cell``: every statistic is withheld,
    only the count itself remains, for the report layer to suppress). ``reason`` says
    why in one English sentence, or is ``None``.
    """

    n: int
    min_pairs: int
    min_cell: int
    withheld: Literal["none", "inference", "all"]
    reason: str | None

    @property
    def ok(self) -> bool:
        """True when nothing is withheld."""
        return self.withheld == "none"


def _check_min_cell(min_cell: object) -> int:
    # The rule lives in one place, analyse.privacy.gate (a whole number, never below 3).
    from analyse.config import check_min_cell

    return check_min_cell(min_cell)


def _check_min_pairs(min_pairs: object) -> int:
    if isinstance(min_pairs, bool) or not isinstance(min_pairs, (int, np.integer)):
        raise ConfigError(
            f"min_pairs must be a whole number of complete pairs; got {min_pairs!r}. "
            f"Pass e.g. min_pairs={DEFAULT_MIN_PAIRS}."
        )
    if min_pairs < 2:
        raise ConfigError(
            f"min_pairs must be at least 2 (a paired test needs two pairs); got {min_pairs}."
        )
    return int(min_pairs)


def guard(n: int, *, min_pairs: int = DEFAULT_MIN_PAIRS, min_cell: int = DEFAULT_MIN_CELL) -> Guard:
    """Decide what may be shown about a comparison resting on ``n`` persons.

    The one place where the small-n rule of the package lives; :func:`paired`,
    :func:`by_group`, :func:`reliable_change`, :func:`model` and :func:`attrition` all
    call it.

    Parameters
    ----------
    n : int
        Number of complete pairs (or persons) the statistic rests on.
    min_pairs : int, default 10
        Below this many complete pairs p-values, test statistics, confidence intervals
        and effect sizes are withheld (means may still be shown). At least 2.
    min_cell : int, default 5
        The privacy threshold of the data contract (never below 3). Below it every
        statistic is withheld. The inference threshold is never lower than ``min_cell``.

    Returns
    -------
    Guard
        ``n``, ``min_pairs``, ``min_cell``, ``withheld`` (``"none"``, ``"inference"`` or
        ``"all"``) and ``reason`` (a sentence, or ``None``).

    Notes
    -----
    A steering group should not be led to a conclusion resting on three people: with
    ten pairs the 95% confidence interval of a standardised mean difference is still
    about 1.4 standard deviations wide, so the default ``min_pairs`` is 10. The rule is
    ``n < min_cell`` → withhold all, ``n < max(min_pairs, min_cell)`` → withhold
    inference.

    Examples
    --------
    >>> guard(12).withheld
    'none'
    >>> g = guard(7)
    >>> g.withheld, g.reason
    ('inference', 'only 7 complete pairs (fewer than 10): p-values and effect sizes are withheld')
    >>> guard(3).withheld
    'all'
    """
    min_pairs = _check_min_pairs(min_pairs)
    min_cell = _check_min_cell(min_cell)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ConfigError(f"n must be a non-negative whole number; got {n!r}.")
    n = int(n)
    threshold = max(min_pairs, min_cell)
    if n < min_cell:
        return Guard(
            n,
            min_pairs,
            min_cell,
            "all",
            f"only {n} complete pairs (fewer than min_cell = {min_cell}): "
            "all statistics are withheld to protect the residents",
        )
    if n < threshold:
        return Guard(
            n,
            min_pairs,
            min_cell,
            "inference",
            f"only {n} complete pairs (fewer than {threshold}): "
            "p-values and effect sizes are withheld",
        )
    return Guard(n, min_pairs, min_cell, "none", None)


# ------------------------------------------------------------------ argument checks


def _check_frame(data: object, columns: Sequence[str], what: str = "data") -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise ConfigError(
            f"{what} must be a pandas DataFrame in long format; got {type(data).__name__}."
        )
    for name in columns:
        if not isinstance(name, str):
            raise ConfigError(f"column names must be strings; got {name!r}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ConfigError(
            f"{what} has no column(s) {missing}; it has {list(data.columns)}. "
            "Pass the right column names as keyword arguments."
        )
    return data


def _check_ci(ci: object) -> float:
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ConfigError(f"ci must be a number between 0 and 1, e.g. 0.95; got {ci!r}.")
    return float(ci)


def _numeric(data: pd.DataFrame, value: str) -> pd.Series:
    column = data[value]
    if pd.api.types.is_bool_dtype(column):
        return column.astype("Float64").astype(float)
    if not pd.api.types.is_numeric_dtype(column):
        converted = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & converted.isna()
        if bad.any():
            row = bad.idxmax()
            raise ConfigError(
                f"column {value!r} must be numeric; row {row} holds {column[row]!r}. "
                "Recode it to numbers first."
            )
        column = converted
    out = column.astype("Float64").astype(float)
    infinite = np.isinf(out.to_numpy())
    if infinite.any():
        row = out.index[int(np.argmax(infinite))]
        raise ConfigError(
            f"column {value!r} must hold finite numbers; row {row} holds {out[row]}. "
            "Recode it as a score or as missing (NA)."
        )
    return out


def _check_waves(data: pd.DataFrame, wave: str, pre: str, post: str) -> None:
    """Both wave codes must be different and occur in the data (checked once, up front)."""
    if pre == post:
        raise ConfigError(f"pre and post must be different waves; both are {pre!r}.")
    present = set(data[wave].astype("string").dropna().unique())
    for name, code in (("pre", pre), ("post", post)):
        if code not in present and len(data):
            raise ConfigError(
                f"{name} wave {code!r} does not occur in column {wave!r}; it holds "
                f"{sorted(present)}. Pass {name}= one of these."
            )


def _wide(
    data: pd.DataFrame,
    subject: str,
    wave: str,
    value: str,
    pre: str,
    post: str,
    keys: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per subject with a row in ``pre`` or ``post``: the key columns (as
    ``_k0``, ``_k1`` ...), ``subject``, and the ``pre`` and ``post`` values (NaN when
    missing), sorted by subject."""
    waves = data[wave].astype("string")
    in_waves = waves.isin([pre, post]).fillna(False).to_numpy(dtype=bool)
    long = pd.DataFrame(
        {
            "subject": data.loc[in_waves, subject].to_numpy(),
            "wave": waves[in_waves].to_numpy(),
            "value": _numeric(data.loc[in_waves], value).to_numpy(),
        }
    )
    duplicated = long.duplicated(["subject", "wave"])
    if duplicated.any():
        first = long.loc[duplicated.idxmax()]
        raise ConfigError(
            f"one row per {subject!r} and {wave!r} is expected; {int(duplicated.sum())} "
            f"duplicate(s), e.g. {first['subject']!r} in wave {first['wave']!r}. "
            "Aggregate the data first or pass the right subject column."
        )
    wide = long.pivot(index="subject", columns="wave", values="value").reindex(columns=[pre, post])
    wide.columns = ["pre", "post"]
    if keys:
        first_rows = ~pd.Series(long["subject"]).duplicated().to_numpy()
        labels = pd.DataFrame(
            {f"_k{i}": data.loc[in_waves, k].to_numpy()[first_rows] for i, k in enumerate(keys)},
            index=long.loc[first_rows, "subject"].to_numpy(),
        )
        wide = wide.join(labels)
    return wide.rename_axis("subject").reset_index()


# ------------------------------------------------------------------ the statistics


def _nct_interval(t: np.ndarray, df: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence limits of the noncentrality parameter of t statistics (vectorised).

    Inverts the noncentral t distribution by bisection on all statistics at once: the
    lower limit solves ``P(T >= t | nc) = (1 - ci) / 2``, the upper ``P(T <= t | nc) =
    (1 - ci) / 2``. NaN where ``t`` is not finite or ``df < 1``.
    """
    t = np.asarray(t, dtype=float)
    df = np.asarray(df, dtype=float)
    lo = np.full(t.shape, np.nan)
    hi = np.full(t.shape, np.nan)
    ok = np.isfinite(t) & (df >= 1)
    if not ok.any():
        return lo, hi
    tt, dd = t[ok], df[ok]
    tail = (1 - ci) / 2
    width = 10 + 2 * np.abs(tt)

    def solve(increasing: object) -> np.ndarray:
        left, right = tt - width, tt + width
        valid = (increasing(left) <= 0) & (increasing(right) >= 0)  # type: ignore[operator]
        for _ in range(80):
            mid = (left + right) / 2
            below = increasing(mid) < 0  # type: ignore[operator]
            left = np.where(below, mid, left)
            right = np.where(below, right, mid)
        return np.where(valid, (left + right) / 2, np.nan)

    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo[ok] = solve(lambda nc: _nct_tail(tt, dd, nc, upper=True) - tail)
        hi[ok] = solve(lambda nc: tail - _nct_tail(tt, dd, nc, upper=False))
    # an interval is two limits or none: one limit alone is not reported
    both = np.isfinite(lo) & np.isfinite(hi)
    return np.where(both, lo, np.nan), np.where(both, hi, np.nan)


def _nct_tail(t: np.ndarray, df: np.ndarray, nc: np.ndarray, *, upper: bool) -> np.ndarray:
    """P(T >= t | nc) (``upper``) or P(T <= t | nc) of the noncentral t.

    SciPy's ``nct.cdf``/``nct.sf`` return NaN far in a tail (e.g. ``nct.cdf(-2, 2, 12)``);
    there the complementary function is still accurate and gives the tail as 1 - it.
    """
    direct = stats.nct.sf(t, df, nc) if upper else stats.nct.cdf(t, df, nc)
    other = stats.nct.cdf(t, df, nc) if upper else stats.nct.sf(t, df, nc)
    return np.where(np.isnan(direct), 1 - other, direct)


_RANKED = ("w", "p_w", "w_method", "rank_biserial", "rank_biserial_ci_low", "rank_biserial_ci_high")

WilcoxonMethod = Literal["auto", "exact", "normal"]
_WILCOXON_METHODS = ("auto", "exact", "normal")


Standardizer = Literal["rms", "mean"]


def _check_standardizer(standardizer: object) -> None:
    if standardizer not in ("rms", "mean"):
        raise ConfigError(
            f"standardizer must be 'rms' (Algina & Keselman 2003, Cumming 2012) or 'mean' "
            f"(Lakens 2013, eq. 10); got {standardizer!r}."
        )


def _check_wilcoxon(method: object, correction: object) -> None:
    if method not in _WILCOXON_METHODS:
        raise ConfigError(
            f"method must be one of {list(_WILCOXON_METHODS)} (the Wilcoxon p-value); "
            f"got {method!r}."
        )
    if not isinstance(correction, (bool, np.bool_)):
        raise ConfigError(f"correction must be True or False; got {correction!r}.")


def _wilcoxon(
    diff: np.ndarray, ci: float, *, method: str = "auto", correction: bool = False
) -> dict[str, object]:
    """Wilcoxon signed-rank test and the matched-pairs rank-biserial correlation.

    ``method``: ``"auto"`` exact without ties among at most 50 non-zero differences,
    else normal; ``"exact"`` exact unless there are ties (then normal, as R); ``"normal"``
    always the normal approximation. ``correction``: continuity correction of the
    normal approximation (scipy ``correction=``, R ``correct=``).
    """
    nonzero = diff[diff != 0]
    m = len(nonzero)
    out: dict[str, object] = {
        "w": math.nan,
        "p_w": math.nan,
        "w_method": "not computed",
        "rank_biserial": math.nan,
        "rank_biserial_ci_low": math.nan,
        "rank_biserial_ci_high": math.nan,
    }
    if len(diff) < 2:
        return out
    if m == 0:
        out["w_method"] = "no non-zero differences"
        return out
    ranks = stats.rankdata(np.abs(nonzero))
    t_plus = float(ranks[nonzero > 0].sum())
    t_minus = float(ranks[nonzero < 0].sum())
    total = m * (m + 1) / 2
    r = (t_plus - t_minus) / total
    z = stats.norm.ppf(0.5 + ci / 2)
    se = math.sqrt((2 * m**3 + 3 * m**2 + m) / 6) / total
    with np.errstate(divide="ignore"):
        rf = np.arctanh(r)
    out["rank_biserial"] = r
    out["rank_biserial_ci_low"] = float(np.tanh(rf - z * se))
    out["rank_biserial_ci_high"] = float(np.tanh(rf + z * se))
    ties = len(np.unique(np.abs(nonzero))) < m
    exact = not ties and (method == "exact" or (method == "auto" and m <= 50))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        res = stats.wilcoxon(
            nonzero,
            zero_method="wilcox",
            correction=bool(correction),
            method="exact" if exact else "approx",
        )
    out["w"] = float(res.statistic)
    out["p_w"] = float(res.pvalue)
    out["w_method"] = "exact" if exact else "normal"
    return out


def _group_stats(
    wide: pd.DataFrame,
    codes: np.ndarray,
    n_groups: int,
    ci: float,
    min_pairs: int,
    min_cell: int,
    *,
    lean: bool = False,
    method: str = "auto",
    correction: bool = False,
    standardizer: str = "rms",
) -> pd.DataFrame:
    """Every statistic of :func:`paired` for each group code 0 .. n_groups - 1 at once.

    ``lean=True`` leaves out what needs work per group (the Wilcoxon test and rank-biserial
    correlation, the noncentral-t limits of d_av and g_av): NaN there, ``w_method`` "not
    computed". The reports' tables use it for thousands of site x practice groups.
    """
    complete = wide[["pre", "post"]].notna().all(axis=1).to_numpy()
    g = codes[complete]
    x = wide["pre"].to_numpy(dtype=float)[complete]
    y = wide["post"].to_numpy(dtype=float)[complete]
    d = y - x
    n_all = np.bincount(codes, minlength=n_groups)
    n = np.bincount(g, minlength=n_groups).astype(float)

    def total(v: np.ndarray) -> np.ndarray:
        return np.bincount(g, weights=v, minlength=n_groups)

    with np.errstate(all="ignore"):
        mean_pre, mean_post, mean_diff = total(x) / n, total(y) / n, total(d) / n
        cx, cy, cd = x - mean_pre[g], y - mean_post[g], d - mean_diff[g]
        many = n >= 2
        df = np.where(many, n - 1, np.nan)
        sd_pre = np.sqrt(total(cx**2) / df)
        sd_post = np.sqrt(total(cy**2) / df)
        sd_diff = np.sqrt(total(cd**2) / df)
        r = np.where((sd_pre > 0) & (sd_post > 0), total(cx * cy) / df / (sd_pre * sd_post), np.nan)
        se = sd_diff / np.sqrt(n)
        tcrit = stats.t.ppf(0.5 + ci / 2, df)
        positive = se > 0
        # as scipy.stats.ttest_rel: a constant non-zero change gives t = +-inf, p = 0;
        # no change at all gives NaN
        t = np.where(positive, mean_diff / se, np.where(se == 0, mean_diff / se, np.nan))
        p_t = 2 * stats.t.sf(np.abs(t), df)
        d_z = np.where(positive, mean_diff / sd_diff, np.nan)
        # d_av standardises by the root mean square of the two SDs (Algina & Keselman
        # 2003; Cumming 2012), or by their mean (Lakens 2013, eq. 10); the interval below
        # uses the same standardiser.
        if standardizer == "mean":
            sd_av = (sd_pre + sd_post) / 2
        else:
            sd_av = np.sqrt((sd_pre**2 + sd_post**2) / 2)
        d_av = np.where(sd_av > 0, mean_diff / sd_av, np.nan)
        # Lakens (2013) eq. 4 applied to d_av (his spreadsheet): J = 1 - 3 / (4(n1+n2) - 9).
        j = 1 - 3 / (4 * (2 * n) - 9)
        # Algina & Keselman (2003): noncentral-t limits of the paired t, converted to the
        # effect size's scale with the factor that converts t itself: d_av = t se / sd_av,
        # so the limits are nc se / sd_av and d_av always lies inside its interval.
        if lean:
            lo = hi = np.full(n_groups, np.nan)
        else:
            lo, hi = _nct_interval(np.where(sd_av > 0, t, np.nan), df, ci)
        scale = se / sd_av
    out = pd.DataFrame(
        {
            "n": n.astype("int64"),
            "n_excluded": (n_all - n).astype("int64"),
            "mean_pre": mean_pre,
            "mean_post": mean_post,
            "sd_pre": sd_pre,
            "sd_post": sd_post,
            "mean_diff": mean_diff,
            "ci_low": mean_diff - tcrit * se,
            "ci_high": mean_diff + tcrit * se,
            "t": t,
            "df": df,
            "p_t": p_t,
            "r_pre_post": r,
            "d_z": d_z,
            "d_av": d_av,
            "d_av_ci_low": lo * scale,
            "d_av_ci_high": hi * scale,
            "g_av": d_av * j,
            "g_av_ci_low": lo * scale * j,
            "g_av_ci_high": hi * scale * j,
        }
    )
    order = np.argsort(g, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(n.astype(int))])
    if lean:
        ranked = pd.DataFrame(
            [_wilcoxon(np.array([]), ci)] * n_groups, index=out.index, columns=_RANKED
        )
    else:
        ranked = pd.DataFrame(
            [
                _wilcoxon(
                    d[order][bounds[k] : bounds[k + 1]], ci, method=method, correction=correction
                )
                for k in range(n_groups)
            ],
            index=out.index,
            columns=_RANKED,
        )
    out = pd.concat([out, ranked], axis=1)
    verdicts = [guard(int(k), min_pairs=min_pairs, min_cell=min_cell) for k in out["n"]]
    out["withheld"] = [v.withheld for v in verdicts]
    out["reason"] = pd.array([v.reason for v in verdicts], dtype="string")
    hide_inference = out["withheld"].isin(["inference", "all"]).to_numpy()
    out.loc[hide_inference, list(_INFERENTIAL)] = np.nan
    out.loc[hide_inference, "w_method"] = "withheld"
    out.loc[(out["withheld"] == "all").to_numpy(), list(_DESCRIPTIVE)] = np.nan
    return out[list(PAIRED_COLUMNS)]


def _paired_table(
    data: pd.DataFrame,
    keys: list[str],
    subject: str,
    wave: str,
    value: str,
    pre: str,
    post: str,
    ci: float,
    min_pairs: int,
    min_cell: int,
    *,
    lean: bool = False,
    method: str = "auto",
    correction: bool = False,
    standardizer: str = "rms",
) -> pd.DataFrame:
    """:func:`paired` per group of ``keys`` (all data when empty): key columns + stats."""
    wide = _wide(data, subject, wave, value, pre, post, keys)
    key_columns = [f"_k{i}" for i in range(len(keys))]
    if keys:
        codes = wide.groupby(key_columns, dropna=False, sort=False).ngroup().to_numpy()
        labels = wide.groupby(key_columns, dropna=False, sort=False)[key_columns].first()
        labels = labels.reset_index(drop=True)
        labels.columns = keys
    else:
        codes = np.zeros(len(wide), dtype=np.int64)
        labels = pd.DataFrame(index=range(1))
    stats_ = _group_stats(
        wide,
        codes,
        len(labels),
        ci,
        min_pairs,
        min_cell,
        lean=lean,
        method=method,
        correction=correction,
        standardizer=standardizer,
    )
    return pd.concat([labels, stats_], axis=1)


def paired(
    data: pd.DataFrame,
    subject: str,
    wave: str,
    value: str,
    *,
    pre: str = "pre",
    post: str = "post",
    ci: float = 0.95,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_cell: int = DEFAULT_MIN_CELL,
    method: WilcoxonMethod = "auto",
    correction: bool = False,
    standardizer: Standardizer = "rms",
) -> pd.DataFrame:
    """Paired pre/post comparison over complete pairs, with effect sizes and a rank test.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per subject and wave.
    subject, wave, value : str
        Columns holding the subject (resident) id, the wave code and the numeric value
        compared (a score or a count; missing values are allowed).
    pre, post : str
        The wave codes compared (default ``"pre"`` and ``"post"``). Other waves are ignored.
    ci : float, default 0.95
        Confidence level of every interval.
    min_pairs, min_cell : int
        The small-n rule of :func:`guard`.
    method : {"auto", "exact", "normal"}, default "auto"
        p-value of the Wilcoxon test. ``"auto"``: exact when there are at most 50
        non-zero differences and no ties, else the normal approximation (R
        ``wilcox.test``'s rule, except that R switches at fewer than 50; SciPy's own
        ``"auto"`` stays "exact" with ties, where it is no longer exact).
        ``"exact"``: the exact distribution, falling back to the normal approximation
        when there are ties, as R ``wilcox.test(exact = TRUE)``. ``"normal"``: always the
        normal approximation with tie correction, as R ``wilcox.test(exact = FALSE)``
        and SciPy ``wilcoxon(method="approx")``, whose numbers each option reproduces.
    correction : bool, default False
        Continuity correction of the normal approximation: ``True`` is R's default
        (``correct = TRUE``) and SciPy's ``correction=True``; ``False`` is SciPy's
        default. Has no effect on an exact p-value.
    standardizer : {"rms", "mean"}, default "rms"
        The SD that standardises ``d_av`` and ``g_av`` and their intervals: the root mean
        square ``sqrt((sd_pre**2 + sd_post**2) / 2)`` of Algina & Keselman (2003) and
        Cumming's (2012) ESCI, whose interval it reproduces, or the plain mean
        ``(sd_pre + sd_post) / 2`` of Lakens (2013, eq. 10 and his spreadsheet), whose
        estimate it reproduces. Either way estimate and interval use the same SD.

    Returns
    -------
    pandas.DataFrame
        One row:

        - ``n``: complete pairs (a value in both waves); only these are compared.
        - ``n_excluded``: subjects with a row in ``pre`` or ``post`` but no complete pair
          (lost to follow-up, new at ``post``, or a missing value).
        - ``mean_pre``, ``mean_post``, ``sd_pre``, ``sd_post``: over complete pairs
          (SD with ``n - 1``).
        - ``mean_diff``: mean of ``post - pre``; ``ci_low``, ``ci_high`` its t interval.
        - ``t``, ``df``, ``p_t``: paired t test (two-sided).
        - ``w``, ``p_w``: Wilcoxon signed-rank statistic (the smaller rank sum, as scipy)
          and two-sided p; ``w_method`` says ``"exact"`` or ``"normal"`` (Notes).
        - ``r_pre_post``: Pearson correlation of pre and post.
        - ``d_z``: ``mean_diff / sd(diff)`` (Lakens eq. 6).
        - ``d_av``: ``mean_diff / sqrt((sd_pre**2 + sd_post**2) / 2)`` (Cumming 2012;
          Algina & Keselman 2003; ``standardizer="mean"``: Lakens' mean SD; Notes), with
          ``d_av_ci_low``, ``d_av_ci_high`` (Notes; NaN when the SDs are 0 or every
          difference is the same).
        - ``g_av``: Hedges' bias-corrected ``d_av``, with ``g_av_ci_low``, ``g_av_ci_high``.
        - ``rank_biserial``: matched-pairs rank-biserial correlation (positive: post
          larger), with ``rank_biserial_ci_low``, ``rank_biserial_ci_high``.
        - ``withheld``: ``"none"``, ``"inference"`` or ``"all"`` (:func:`guard`); withheld
          statistics are NaN. ``reason`` says why, or is NA.

    Notes
    -----
    **What the reports lead with.** The raw mean difference with its confidence interval,
    in the scale's own points (a steering group understands "loneliness fell 1.2 points
    on the 3-9 scale"), and Hedges' :math:`g_{av}` with its interval as the standardised
    effect. Lakens (2013) recommends :math:`g_{av}` for describing a pre/post effect: it
    is standardised by the variability of the scores themselves, so it does not grow
    with the pre-post correlation as :math:`d_z` does and stays comparable with
    between-group studies, and the Hedges correction matters with the small groups of a
    trial period. :math:`d_z` is reported for power analysis only. Because the scores are
    ordinal, the Wilcoxon test and the rank-biserial correlation are the non-parametric
    check: when they disagree with the t test, say so.

    **Formulas.** One published method for estimate and interval, Algina & Keselman
    (2003) as in Cumming's (2012) ESCI: :math:`d_{av} = \\bar d / s_{av}` with
    :math:`s_{av} = \\sqrt{(s_{pre}^2 + s_{post}^2) / 2}`, so :math:`d_{av} = t\\,
    s_{diff} / (\\sqrt{n}\\, s_{av})`; its interval is the 95% interval of the
    noncentrality parameter of the paired t (df = n - 1, found by inverting the
    noncentral t distribution) times the same factor :math:`s_{diff} / (\\sqrt{n}\\,
    s_{av})`, so the estimate always lies inside its interval. Lakens (2013, eq. 10)
    divides by the plain mean :math:`(s_{pre} + s_{post}) / 2` instead; the two agree when
    the SDs are equal and round to the same published values in his example
    (``standardizer="mean"`` gives his estimate, with an interval on the same scale). Versions
    before issue 14 used Lakens' mean for the estimate but the root mean square for the
    interval, which could put :math:`d_{av}` outside its own interval when the SDs differ.
    :math:`g_{av} = d_{av} (1 - 3 / (4 (2n) - 9))`, the correction Lakens (2013, eq. 4 and
    supplementary spreadsheet) applies to :math:`d_{av}`; the interval of :math:`g_{av}`
    is that of :math:`d_{av}` times the same correction factor.

    **Wilcoxon.** Zero differences are dropped (Wilcoxon's method, R's default). By
    default (``method="auto"``, ``correction=False``) the p-value is exact (scipy,
    ``method="exact"``) when at most 50 non-zero differences remain and none of their
    absolute values are tied; otherwise it is the normal approximation with tie
    correction and without continuity correction. Ordinal scores nearly always tie, so
    expect ``"normal"``. R's ``wilcox.test(paired = TRUE)`` uses the continuity
    correction: pass ``correction=True`` to get R's number. The rank-biserial correlation is Kerby's
    (2014) simple difference formula :math:`r = (T^+ - T^-) / (T^+ + T^-)` over the ranks
    of the non-zero differences; its interval is Fisher-z with
    :math:`SE = \\sqrt{(2m^3 + 3m^2 + m) / 6} / (m(m+1)/2)` as in R's effectsize
    (Ben-Shachar et al. 2020), *m* non-zero differences.

    **Missing values.** A subject counts only with a value in both waves; everyone else
    is counted in ``n_excluded`` (see :func:`attrition` for who they are).

    **Degenerate cases.** When every subject changed by exactly the same amount the
    differences have no spread: as in ``scipy.stats.ttest_rel``, ``t`` is infinite and
    ``p_t`` 0 for a non-zero change and both are NaN when nobody changed; ``d_z`` and the
    ``d_av``/``g_av`` intervals are NaN (the change is plain from ``mean_diff``). When
    nobody changed, the Wilcoxon test and the rank-biserial correlation are NaN too and
    ``w_method`` says ``"no non-zero differences"``.

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
    science: a practical primer for t-tests and ANOVAs. Frontiers in Psychology, 4, 863.

    Algina, J., & Keselman, H. J. (2003). Approximate confidence intervals for effect
    sizes. Educational and Psychological Measurement, 63(4), 537-553.

    Cumming, G. (2012). *Understanding the New Statistics: Effect Sizes, Confidence
    Intervals, and Meta-Analysis*. Routledge (ch. 11, paired design; ESCI).

    Kerby, D. S. (2014). The simple difference formula: an approach to teaching
    nonparametric correlation. Comprehensive Psychology, 3, 11.IT.3.1.

    Ben-Shachar, M. S., Lüdecke, D., & Makowski, D. (2020). effectsize: estimation of
    effect size indices and standardized parameters. JOSS, 5(56), 2815.

    Examples
    --------
    Lakens (2013), Table 1: ten people rate two movies (here movie 2 is ``pre`` and
    movie 1 ``post``). Published: t(9) = 4.74, p = .001, 95% CI [0.52, 1.48],
    d_z = 1.50, d_av = 1.13 with 95% CI [0.42, 1.80], g_av = 1.08.

    >>> movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    >>> movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    >>> df = pd.DataFrame({"id": list(range(10)) * 2, "wave": ["pre"] * 10 + ["post"] * 10,
    ...                    "rating": movie_2 + movie_1})
    >>> res = paired(df, "id", "wave", "rating").iloc[0]
    >>> [round(float(res[c]), 2) for c in ("t", "p_t", "ci_low", "ci_high", "d_z", "d_av", "g_av")]
    [4.74, 0.0, 0.52, 1.48, 1.5, 1.13, 1.08]
    >>> print(round(res["p_t"], 3), round(res["d_av_ci_low"], 2), round(res["d_av_ci_high"], 2))
    0.001 0.42 1.8
    >>> res["withheld"]
    'none'
    """
    _check_frame(data, [subject, wave, value])
    ci = _check_ci(ci)
    _check_waves(data, wave, pre, post)
    _check_min_pairs(min_pairs)
    _check_min_cell(min_cell)
    _check_wilcoxon(method, correction)
    _check_standardizer(standardizer)
    return _paired_table(
        data,
        [],
        subject,
        wave,
        value,
        pre,
        post,
        ci,
        min_pairs,
        min_cell,
        method=method,
        correction=bool(correction),
        standardizer=standardizer,
    )


PAdjust = Literal["holm", "fdr_bh", "none"]


def by_group(
    data: pd.DataFrame,
    group: str | Sequence[str],
    subject: str,
    wave: str,
    value: str | Sequence[str],
    *,
    pre: str = "pre",
    post: str = "post",
    ci: float = 0.95,
    padjust: PAdjust = "holm",
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_cell: int = DEFAULT_MIN_CELL,
    method: WilcoxonMethod = "auto",
    correction: bool = False,
    standardizer: Standardizer = "rms",
) -> pd.DataFrame:
    """:func:`paired` per group (practice, site ...) and indicator, with adjusted p-values.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per subject and wave, e.g. ``relations.indicators(ds)`` or
        :func:`outcomes_long`.
    group : str or sequence of str
        Column(s) defining the groups (``"practice"``, ``["site_id", "practice"]``).
    subject, wave : str
        Subject id and wave columns.
    value : str or sequence of str
        The indicator column(s) compared.
    pre, post, ci, min_pairs, min_cell, method, correction, standardizer
        As in :func:`paired`.
    padjust : {"holm", "fdr_bh", "none"}, default "holm"
        Multiplicity adjustment across the indicators within each group
        (as ``statsmodels.stats.multitest.multipletests``): Holm's step-down
        family-wise control or Benjamini-Hochberg false discovery rate.

    Returns
    -------
    pandas.DataFrame
        One row per group and indicator, sorted by group then the given indicator order:
        the group column(s), ``indicator``, every column of :func:`paired`, and
        ``p_t_adj``, ``p_w_adj`` (the adjusted ``p_t`` and ``p_w``; NaN where withheld).

    Notes
    -----
    The family of a correction is the set of indicators tested within one group, the
    question a steering group asks of one practice ("did anything change here?").
    Withheld p-values do not enter the family. Groups are formed with ``dropna=False``
    (a missing group code is its own group). Subjects must belong to one group only.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics, 6(2), 65-70.

    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
    Journal of the Royal Statistical Society B, 57(1), 289-300.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "id": [f"B{i}" for i in range(12)] * 2,
    ...     "practice": (["P1"] * 6 + ["none"] * 6) * 2,
    ...     "wave": ["pre"] * 12 + ["post"] * 12,
    ...     "loneliness": [7, 6, 8, 7, 6, 7, 6, 7, 5, 6, 7, 6] + [5, 4, 6, 5, 4, 5, 6, 7, 5, 6, 7, 6]})
    >>> res = by_group(df, "practice", "id", "wave", "loneliness", min_pairs=5)
    >>> res[["practice", "indicator", "n", "mean_diff"]]
      practice   indicator  n  mean_diff
    0       P1  loneliness  6       -2.0
    1     none  loneliness  6        0.0
    """
    groups = [group] if isinstance(group, str) else list(group)
    values = [value] if isinstance(value, str) else list(value)
    if not groups:
        raise ConfigError("group must name at least one column.")
    if not values:
        raise ConfigError("value must name at least one indicator column.")
    _check_frame(data, [*groups, subject, wave, *values])
    ci = _check_ci(ci)
    _check_waves(data, wave, pre, post)
    if padjust not in ("holm", "fdr_bh", "none"):
        raise ConfigError(f"padjust must be 'holm', 'fdr_bh' or 'none'; got {padjust!r}.")
    _check_min_pairs(min_pairs)
    _check_min_cell(min_cell)
    _check_wilcoxon(method, correction)
    _check_standardizer(standardizer)
    membership = data[[subject, *groups]].drop_duplicates()
    if membership[subject].duplicated().any():
        who = membership.loc[membership[subject].duplicated(), subject].iloc[0]
        raise ConfigError(
            f"subject {who!r} belongs to more than one group of {groups}; each subject "
            "must stay in one group across waves."
        )
    parts = []
    for indicator in values:
        part = _paired_table(
            data,
            groups,
            subject,
            wave,
            indicator,
            pre,
            post,
            ci,
            min_pairs,
            min_cell,
            method=method,
            correction=bool(correction),
            standardizer=standardizer,
        )
        part.insert(len(groups), "indicator", indicator)
        part["_order"] = len(parts)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values([*groups, "_order"], kind="stable").drop(columns="_order")
    out = out.reset_index(drop=True)
    family = out.groupby(groups, dropna=False, sort=False).ngroup().to_numpy()
    for p in ("p_t", "p_w"):
        out[f"{p}_adj"] = _padjust(out[p].to_numpy(dtype=float), family, padjust)
    return out


def _padjust(p: np.ndarray, family: np.ndarray, method: PAdjust) -> np.ndarray:
    """Holm or Benjamini-Hochberg adjusted p-values within each family (NaN stays NaN).

    The same arithmetic as ``statsmodels.stats.multitest.multipletests`` (the tests
    check equality); done here because its Holm branch runs a full garbage collection
    on every call, which made a table of a few hundred sites take minutes.
    """
    adjusted = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    for code in np.unique(family[valid]):
        where = np.flatnonzero(valid & (family == code))
        raw = p[where]
        m = len(raw)
        order = np.argsort(raw, kind="stable")
        ranked = raw[order]
        if method == "holm":
            step = np.maximum.accumulate(ranked * (m - np.arange(m)))
        elif method == "fdr_bh":
            step = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
        else:
            step = ranked
        result = np.empty(m)
        result[order] = np.minimum(step, 1.0)
        adjusted[where] = result
    return adjusted


# ------------------------------------------------------------------ reliable change


class ReliableChange(NamedTuple):
    """What :func:`reliable_change` returns."""

    #: One row per subject with a complete pair (consultant audience only).
    subjects: pd.DataFrame
    #: One row per group: counts of improved, unchanged and deteriorated subjects.
    counts: pd.DataFrame


CATEGORIES = ("improved", "unchanged", "deteriorated")


def _change_counts(
    subjects: pd.DataFrame, key: str, labels: list[object], min_cell: int
) -> pd.DataFrame:
    """Counts per category for every group in ``labels`` (a group without a complete pair
    keeps its row with ``n`` = 0), guarded by :func:`guard`."""
    tab = pd.crosstab(subjects[key], subjects["category"]) if len(subjects) else None
    counts = pd.DataFrame(0, index=pd.Index(labels, name=key), columns=list(CATEGORIES))
    if tab is not None:
        tab = tab.reindex(columns=list(CATEGORIES), fill_value=0)
        extra = [g for g in tab.index if g not in counts.index]
        counts = counts.reindex(list(counts.index) + extra, fill_value=0)
        counts.loc[tab.index, list(CATEGORIES)] = tab.to_numpy()
    counts = counts.astype("Int64")
    counts.insert(0, "n", counts.sum(axis=1).astype("int64"))
    counts = counts.rename_axis(key).reset_index()
    verdicts = [guard(int(n), min_pairs=min_cell, min_cell=min_cell) for n in counts["n"]]
    counts["withheld"] = [g.withheld for g in verdicts]
    reasons = [
        "no complete pair: no subject has both a pre and a post score" if n == 0 else g.reason
        for n, g in zip(counts["n"], verdicts, strict=True)
    ]
    counts["reason"] = pd.array(reasons, dtype="string")
    hidden = (counts["withheld"] != "none").to_numpy()
    counts.loc[hidden, list(CATEGORIES)] = pd.NA
    return counts


def reliable_change(
    data: pd.DataFrame,
    subject: str,
    wave: str,
    value: str,
    reliability: float,
    *,
    sd_pre: float | None = None,
    lower_is_better: bool = False,
    group: str | None = None,
    pre: str = "pre",
    post: str = "post",
    alpha: float = 0.05,
    min_cell: int = DEFAULT_MIN_CELL,
) -> ReliableChange:
    """Reliable change index per subject and the count of reliably changed subjects.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per subject and wave.
    subject, wave, value : str
        Subject id, wave and score columns.
    reliability : float
        Reliability of the scale, :math:`0 \\le r_{xx} < 1` (test-retest, or internal
        consistency when that is all there is).
    sd_pre : float, optional
        Standard deviation of the pre scores of a reference population (Jacobson &
        Truax's :math:`s_1`). Default: the SD of this data's ``pre`` scores (all subjects
        with a pre score, complete pair or not).
    lower_is_better : bool, default False
        True for scales where a fall is an improvement (loneliness).
    group : str, optional
        Column to count by (practice); default one group ``"all"``.
    pre, post : str
        The wave codes compared.
    alpha : float, default 0.05
        Two-sided level of the criterion: :math:`|RC| > z_{1-\\alpha/2}` (1.96).
    min_cell : int, default 5
        Groups with fewer complete pairs get their counts withheld (:func:`guard`).

    Returns
    -------
    ReliableChange
        ``subjects``: ``subject`` column, the group column if given, ``pre``, ``post``,
        ``change`` (post - pre), ``rci`` and ``category`` (ordered categorical
        improved < unchanged < deteriorated).

        ``counts``: one row per group (every group with a row in ``pre`` or ``post``,
        also one without any complete pair, whose ``n`` is 0 and ``reason`` says so):
        the group column (or ``group`` = ``"all"``), ``n`` (complete pairs),
        ``improved``, ``unchanged``, ``deteriorated`` (counts; NA when withheld),
        ``sd_pre``, ``s_diff`` (standard error of the difference), ``critical_change``
        (the smallest raw change that counts as reliable, :math:`z\\, S_{diff}`),
        ``withheld`` and ``reason``.

    Notes
    -----
    Jacobson & Truax (1991):
    :math:`RC = (x_{post} - x_{pre}) / S_{diff}`, :math:`S_{diff} = \\sqrt{2 S_E^2}`,
    :math:`S_E = s_1 \\sqrt{1 - r_{xx}}`. A subject whose :math:`|RC|` exceeds
    :math:`z_{1-\\alpha/2}` has changed more than measurement error alone would make
    likely; the sign and ``lower_is_better`` say whether for better or worse.

    Counts are raw. The report layer must still suppress counts below ``min_cell``
    inside a group (e.g. "2 deteriorated") and any count recoverable by subtraction.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach
    to defining meaningful change in psychotherapy research. Journal of Consulting and
    Clinical Psychology, 59(1), 12-19.

    Christensen, L., & Mendoza, J. L. (1986). A method of assessing change in a single
    subject: An alteration of the RC index. Behavior Therapy, 17, 305-308 (the
    :math:`\\sqrt{2}` in :math:`S_{diff}`).

    Hughes, M. E., Waite, L. J., Hawkley, L. C., & Cacioppo, J. T. (2004). A short scale for
    measuring loneliness in large surveys. Research on Aging, 26(6), 655-672 (the 3-item
    UCLA scale: Cronbach's alpha = .72, the reliability the trial notebook assumes).

    Examples
    --------
    Jacobson & Truax's (1991) own worked example: :math:`s_1 = 7.5` and
    :math:`r_{xx} = .80` give :math:`S_E = 3.35` and :math:`S_{diff} = 4.74`, so a change
    of more than 9.3 points is reliable; their client who moved 15 points (47.5 to 32.5)
    has RC = 3.16 (tests/test_prepost_published_rc.py).

    >>> df = pd.DataFrame({"id": ["a", "b", "c"] * 2, "wave": ["pre"] * 3 + ["post"] * 3,
    ...                    "score": [20, 20, 20, 30, 25, 10]})
    >>> rc = reliable_change(df, "id", "wave", "score", 0.8, sd_pre=7.5, min_cell=3)
    >>> rc.subjects[["id", "change", "category"]]
      id  change      category
    0  a    10.0      improved
    1  b     5.0     unchanged
    2  c   -10.0  deteriorated
    >>> print(round(rc.counts.loc[0, "s_diff"], 3), round(rc.counts.loc[0, "critical_change"], 2))
    4.743 9.3
    """
    columns = [subject, wave, value] + ([group] if group is not None else [])
    _check_frame(data, columns)
    if isinstance(reliability, bool) or not isinstance(reliability, (int, float)):
        raise ConfigError(f"reliability must be a number in [0, 1); got {reliability!r}.")
    if not 0 <= reliability < 1:
        raise ConfigError(
            f"reliability must be at least 0 and below 1; got {reliability}. "
            "With reliability 1 every change would be reliable."
        )
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1, e.g. 0.05; got {alpha!r}.")
    min_cell = _check_min_cell(min_cell)
    _check_waves(data, wave, pre, post)
    wide = _wide(data, subject, wave, value, pre, post).dropna(subset=["pre", "post"])
    if sd_pre is None:
        waves = data[wave].astype("string")
        pre_scores = _numeric(data.loc[(waves == pre).fillna(False).to_numpy(bool)], value)
        sd_pre = float(pre_scores.dropna().std(ddof=1))
        if not np.isfinite(sd_pre) or sd_pre <= 0:
            raise ConfigError(
                f"the pre scores of {value!r} have no spread (SD = {sd_pre}); "
                "pass sd_pre= from a reference population."
            )
    elif isinstance(sd_pre, bool) or not isinstance(sd_pre, (int, float)) or sd_pre <= 0:
        raise ConfigError(f"sd_pre must be a positive number; got {sd_pre!r}.")
    s_e = sd_pre * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * s_e**2)
    z = float(stats.norm.ppf(1 - alpha / 2))
    subjects = wide.rename(columns={"subject": subject}).reset_index(drop=True)
    subjects["change"] = subjects["post"] - subjects["pre"]
    subjects["rci"] = subjects["change"] / s_diff
    better = -subjects["rci"] if lower_is_better else subjects["rci"]
    category = np.select([better > z, better < -z], ["improved", "deteriorated"], "unchanged")
    subjects["category"] = pd.Categorical(category, categories=CATEGORIES, ordered=True)
    if group is not None:
        membership = data[[subject, group]].drop_duplicates(subject)
        subjects = subjects.merge(membership, on=subject, how="left")
        subjects = subjects[[subject, group, "pre", "post", "change", "rci", "category"]]
        key = group
        in_waves = data[wave].astype("string").isin([pre, post]).fillna(False).to_numpy(bool)
        labels = sorted(data.loc[in_waves, group].dropna().unique().tolist())
    else:
        subjects["group"] = "all"
        key = "group"
        labels = ["all"]
    counts = _change_counts(subjects, key, labels, min_cell)
    counts["sd_pre"] = float(sd_pre)
    counts["s_diff"] = s_diff
    counts["critical_change"] = z * s_diff
    counts = counts[
        [key, "n", *CATEGORIES, "sd_pre", "s_diff", "critical_change", "withheld", "reason"]
    ]
    if group is None:
        subjects = subjects.drop(columns="group")
    return ReliableChange(subjects.reset_index(drop=True), counts)


# ------------------------------------------------------------------ the mixed model

Family = Literal["gaussian", "poisson", "negative_binomial", "count"]


def model(
    indicators: pd.DataFrame,
    value: str,
    *,
    subject: str = "resident_id",
    site: str = "site_id",
    practice: str = "practice",
    wave: str = "wave",
    comparison: str = "none",
    pre: str = "pre",
    post: str = "post",
    family: Family = "gaussian",
    ci: float = 0.95,
    min_sites: int = 5,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Each practice against the comparison group: a difference-in-differences model.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long format, one row per resident and wave, with the subject, site, practice,
        wave and value columns (e.g. ``relations.indicators(ds)`` or
        :func:`outcomes_long`). Waves other than ``pre`` and ``post`` are ignored.
    value : str
        The indicator modelled.
    subject, site, practice, wave : str
        Column names (defaults are the canonical ones).
    comparison : str, default "none"
        The practice code of the comparison group.
    pre, post : str
        The wave codes.
    family : {"gaussian", "poisson", "negative_binomial", "count"}, default "gaussian"
        ``"gaussian"``: linear mixed model (statsmodels ``MixedLM``, REML).
        ``"poisson"`` / ``"negative_binomial"``: GEE for counts. ``"count"``: Poisson,
        or negative binomial when the Poisson fit is overdispersed (Pearson dispersion
        above 1.5).
    ci : float, default 0.95
        Confidence level.
    min_sites : int, default 5
        Fewest sites *per arm* (in the practice with the fewest sites, or in the comparison
        group) for a site variance component; with fewer, residents are the only random
        effect and the row says so.
    min_pairs, min_cell : int
        :func:`guard` applied to the complete pairs of each practice and of the
        comparison group.

    Returns
    -------
    pandas.DataFrame
        One row per practice other than ``comparison``:

        - ``practice``: the practice code.
        - ``estimate``: the difference-in-differences, (post - pre in the practice) minus
          (post - pre in the comparison group). Gaussian: in the value's units. Count
          models: the ratio of rate ratios, exp(coefficient).
        - ``ci_low``, ``ci_high``: Wald interval (same scale as ``estimate``).
        - ``se``, ``p``: standard error (of the coefficient, log scale for counts) and
          Wald p-value.
        - ``scale``: ``"difference"`` or ``"ratio"``.
        - ``n_pairs``, ``n_pairs_comparison``: complete pairs in the practice and in the
          comparison group; ``n_residents``, ``n_sites``: in the data modelled.
        - ``model``: ``"MixedLM"``, ``"GEE Poisson"`` or ``"GEE negative binomial"``.
        - ``random_effects``: what the residents were grouped by.
        - ``dispersion``: Pearson dispersion of the count model (NaN for MixedLM).
        - ``converged``: whether the optimiser converged.
        - ``withheld``, ``reason``: as in :func:`paired`; also set (``"inference"``)
          when the model could not be fitted, with the reason.

    Notes
    -----
    Gaussian: ``value ~ post + practice + post:practice`` (treatment coding, comparison
    group and ``pre`` as reference) with a random intercept per resident; with at least
    ``min_sites`` sites the residents are nested in sites (site random intercept, resident
    variance component). The ``post:practice`` coefficient is the difference-in-differences.
    Residents with one wave only still inform the intercepts (missing at random).

    Counts: the same mean model with a log link, fitted by GEE with an exchangeable
    working correlation within resident and robust (sandwich) standard errors, which stay
    valid under overdispersion; with few residents they are too small (Mancl & DeRouen
    2001), so read the interval as optimistic. The negative binomial's
    :math:`\\alpha` is the moment estimate from the Poisson fit,
    :math:`\\hat\\alpha = \\sum((y - \\hat\\mu)^2 - \\hat\\mu) / \\sum \\hat\\mu^2`.

    Practice and site are often the same thing (a practice tried at one site): the
    difference-in-differences then compares sites as much as practices. The comparison
    group is not randomised; the estimate is descriptive evidence, not proof.

    The model has no site x time term and its intervals are Wald (z) intervals: when sites
    differ in how much they change, the interval is too narrow (82-84 % coverage in the
    simulation of issue 24). The reports therefore compare practices with
    :func:`cluster_trial`, the site-level analysis; this model stays for exploration.
    A fit whose optimiser did not converge says so in ``converged`` and ``reason``.

    References
    ----------
    Liang, K.-Y., & Zeger, S. L. (1986). Longitudinal data analysis using generalized
    linear models. Biometrika, 73(1), 13-22.

    Seabold, S., & Perktold, J. (2010). statsmodels: econometric and statistical
    modeling with Python. Proceedings of the 9th Python in Science Conference.

    Examples
    --------
    With no comparison residents the result says so instead of failing:

    >>> df = pd.DataFrame({"resident_id": ["B1", "B2"] * 2, "site_id": "H1",
    ...                    "practice": "P1", "wave": ["pre"] * 2 + ["post"] * 2,
    ...                    "loneliness": [7, 6, 5, 5]})
    >>> model(df, "loneliness").loc[0, "reason"]
    "no residents in the comparison group 'none': a difference-in-differences needs one"
    """
    _check_frame(indicators, [subject, site, practice, wave, value], "indicators")
    ci = _check_ci(ci)
    _check_waves(indicators, wave, pre, post)
    if family not in ("gaussian", "poisson", "negative_binomial", "count"):
        raise ConfigError(
            f"family must be 'gaussian', 'poisson', 'negative_binomial' or 'count'; got {family!r}."
        )
    if isinstance(min_sites, bool) or not isinstance(min_sites, int) or min_sites < 2:
        raise ConfigError(f"min_sites must be a whole number of at least 2; got {min_sites!r}.")
    min_pairs = _check_min_pairs(min_pairs)
    min_cell = _check_min_cell(min_cell)
    waves = indicators[wave].astype("string")
    keep = waves.isin([pre, post]).fillna(False).to_numpy(bool)
    frame = pd.DataFrame(
        {
            "resident": indicators.loc[keep, subject].astype("string").to_numpy(),
            "site": indicators.loc[keep, site].astype("string").to_numpy(),
            "practice": indicators.loc[keep, practice].astype("string").to_numpy(),
            "post": (waves[keep] == post).astype(float).to_numpy(),
            "y": _numeric(indicators.loc[keep], value).to_numpy(),
        }
    ).dropna(subset=["y", "practice"])
    if family != "gaussian":
        y = frame["y"].to_numpy()
        if (y < 0).any() or not np.allclose(y, np.round(y)):
            raise ConfigError(
                f"family={family!r} needs non-negative whole counts; {value!r} holds "
                "negative or fractional values. Use family='gaussian'."
            )
    pairs = frame.groupby(["practice", "resident"])["post"].nunique().eq(2)
    pairs = pairs.groupby(level="practice").sum()
    practices = [p for p in _sorted_codes(frame["practice"].unique()) if p != comparison]
    base = {
        "estimate": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "se": math.nan,
        "p": math.nan,
        "scale": "difference" if family == "gaussian" else "ratio",
        "n_pairs_comparison": int(pairs.get(comparison, 0)),
        "n_residents": int(frame["resident"].nunique()),
        "n_sites": int(frame["site"].nunique()),
        "model": "",
        "random_effects": "",
        "dispersion": math.nan,
        "converged": False,
    }
    rows = {p: {"practice": p, **base, "n_pairs": int(pairs.get(p, 0))} for p in practices}
    control = guard(base["n_pairs_comparison"], min_pairs=min_pairs, min_cell=min_cell)
    fit_practices = []
    for p in practices:
        verdict = guard(rows[p]["n_pairs"], min_pairs=min_pairs, min_cell=min_cell)
        if base["n_pairs_comparison"] == 0:
            reason = (
                f"no residents in the comparison group {comparison!r}: "
                "a difference-in-differences needs one"
            )
            rows[p].update(withheld="inference", reason=reason)
        elif not control.ok:
            rows[p].update(
                withheld="inference", reason=f"comparison group {comparison!r}: {control.reason}"
            )
        elif not verdict.ok:
            rows[p].update(withheld=verdict.withheld, reason=verdict.reason)
        else:
            rows[p].update(withheld="none", reason=None)
            fit_practices.append(p)
    if fit_practices:
        data = frame[frame["practice"].isin([comparison, *fit_practices])].copy()
        terms = []
        for i, p in enumerate(fit_practices):
            arm = (data["practice"] == p).astype(float)
            data[f"arm{i}"] = arm
            data[f"did{i}"] = arm * data["post"]
            terms += [f"arm{i}", f"did{i}"]
        formula = "y ~ post + " + " + ".join(terms)
        try:
            fitted = _fit(data, formula, family, min_sites, ci, len(fit_practices))
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as err:
            for p in fit_practices:
                rows[p].update(withheld="inference", reason=f"the model could not be fitted: {err}")
        else:
            for i, p in enumerate(fit_practices):
                rows[p].update(fitted["terms"][i], **fitted["common"])
                if not fitted["common"].get("converged", True):
                    rows[p]["reason"] = (
                        "the optimiser did not converge: read the interval with care"
                    )
    out = pd.DataFrame(
        list(rows.values()),
        columns=[
            "practice",
            "estimate",
            "ci_low",
            "ci_high",
            "se",
            "p",
            "scale",
            "n_pairs",
            "n_pairs_comparison",
            "n_residents",
            "n_sites",
            "model",
            "random_effects",
            "dispersion",
            "converged",
            "withheld",
            "reason",
        ],
    )
    out["reason"] = out["reason"].astype("string")
    return out


def _sorted_codes(values: object) -> list[str]:
    from analyse.data.dataset import natural_sorted

    return natural_sorted(v for v in values if pd.notna(v))


def _fit(
    data: pd.DataFrame, formula: str, family: Family, min_sites: int, ci: float, k: int
) -> dict[str, object]:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    alpha = 1 - ci
    # Sites per arm, not all sites (issue 24): the site variance of a comparison rests on
    # the arm with the fewest sites.
    n_sites = int(data.groupby("practice")["site"].nunique().min())
    common: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        if family == "gaussian":
            if n_sites >= min_sites:
                mod = smf.mixedlm(
                    formula,
                    data,
                    groups="site",
                    re_formula="1",
                    vc_formula={"resident": "0 + C(resident)"},
                )
                common["random_effects"] = "resident nested in site"
            else:
                mod = smf.mixedlm(formula, data, groups="resident")
                common["random_effects"] = (
                    f"resident (only {n_sites} site(s) in an arm, fewer than {min_sites}: "
                    "no site variance estimated)"
                )
            res = mod.fit(reml=True, method=["lbfgs", "powell"])
            common.update(model="MixedLM", converged=bool(res.converged))
        else:
            poisson = smf.gee(
                formula,
                groups="resident",
                data=data,
                family=sm.families.Poisson(),
                cov_struct=sm.cov_struct.Exchangeable(),
            ).fit()
            mu = poisson.fittedvalues.to_numpy()
            y = data["y"].to_numpy()
            dispersion = float(np.sum((y - mu) ** 2 / mu) / max(len(y) - (2 + 2 * k), 1))
            common["dispersion"] = dispersion
            use_nb = family == "negative_binomial" or (family == "count" and dispersion > 1.5)
            if use_nb:
                nb_alpha = max(float(np.sum((y - mu) ** 2 - mu) / np.sum(mu**2)), 1e-6)
                res = smf.gee(
                    formula,
                    groups="resident",
                    data=data,
                    family=sm.families.NegativeBinomial(alpha=nb_alpha),
                    cov_struct=sm.cov_struct.Exchangeable(),
                ).fit()
                common["model"] = "GEE negative binomial"
            else:
                res = poisson
                common["model"] = "GEE Poisson"
            common["random_effects"] = "exchangeable working correlation within resident"
            common["converged"] = bool(getattr(res, "converged", True))
    bounds = res.conf_int(alpha=alpha)
    terms = []
    for i in range(k):
        name = f"did{i}"
        est, lo, hi = (
            float(res.params[name]),
            float(bounds.loc[name, 0]),
            float(bounds.loc[name, 1]),
        )
        if family != "gaussian":
            est, lo, hi = math.exp(est), math.exp(lo), math.exp(hi)
        terms.append(
            {
                "estimate": est,
                "ci_low": lo,
                "ci_high": hi,
                "se": float(res.bse[name]),
                "p": float(res.pvalues[name]),
            }
        )
    return {"terms": terms, "common": common}


# ------------------------------------------------------- the site-level (cluster) trial

#: Fewest sites in an arm (the practice's, and the comparison group's) for *bedre/værre*:
#: below it :func:`cluster_trial` still gives the interval but marks the row ``few_sites``.
#: Three, from the simulation in ``benchmarks/bench_sim_trials.py`` (docs/statistics.md):
#: the interval keeps its level at two sites per arm, but it then rests on 2 degrees of
#: freedom and on every site changing by the same spread, and it finds a change of half a
#: standard deviation in few trials.
DEFAULT_MIN_SITES_PER_ARM = 3

Weights = Literal["inverse_variance", "equal"]

CLUSTER_COLUMNS: tuple[str, ...] = (
    "practice",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "t",
    "df",
    "p",
    "n_sites",
    "n_sites_comparison",
    "n_pairs",
    "n_pairs_comparison",
    "weights",
    "few_sites",
    "withheld",
    "reason",
)


def site_changes(
    indicators: pd.DataFrame,
    value: str,
    *,
    subject: str = "resident_id",
    site: str = "site_id",
    practice: str = "practice",
    wave: str = "wave",
    pre: str = "pre",
    post: str = "post",
) -> pd.DataFrame:
    """Stage one of the site-level analysis: each site's mean change (complete pairs).

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long format, one row per resident and wave (as for :func:`model`).
    value : str
        The outcome.
    subject, site, practice, wave, pre, post : str
        Column names and wave codes.

    Returns
    -------
    pandas.DataFrame
        One row per site and practice with at least one complete pair: ``site``,
        ``practice``, ``n_pairs``, ``mean_diff`` (mean of post - pre over the site's
        complete pairs) and ``var_diff`` (their sample variance; NaN with one pair).
        A site whose residents carry two practices gives one row per practice (a
        cluster is a site within an arm). Residents measured once are left out.

    Examples
    --------
    >>> df = pd.DataFrame({"resident_id": ["B1", "B2", "B1", "B2"], "site_id": "H1",
    ...                    "practice": "P1", "wave": ["pre", "pre", "post", "post"],
    ...                    "v": [3.0, 5.0, 4.0, 7.0]})
    >>> site_changes(df, "v")[["site", "n_pairs", "mean_diff", "var_diff"]].to_dict("records")
    [{'site': 'H1', 'n_pairs': 2, 'mean_diff': 1.5, 'var_diff': 0.5}]
    """
    _check_frame(indicators, [subject, site, practice, wave, value], "indicators")
    _check_waves(indicators, wave, pre, post)
    waves = indicators[wave].astype("string")
    frame = pd.DataFrame(
        {
            "resident": indicators[subject].astype("string").to_numpy(),
            "site": indicators[site].astype("string").to_numpy(),
            "practice": indicators[practice].astype("string").to_numpy(),
            "wave": waves.to_numpy(),
            "y": _numeric(indicators, value).to_numpy(),
        }
    ).dropna(subset=["y", "practice", "site", "wave"])
    # Vectorised (a simulation calls this thousands of times): a resident's mean in each
    # wave by bincount, then the site x practice clusters by bincount over the residents.
    # Integer keys combined from each column's codes: factorizing a MultiIndex of strings
    # cost most of a simulated trial.
    site_code, site_names = pd.factorize(frame["site"].to_numpy(object))
    arm_code, arm_names = pd.factorize(frame["practice"].to_numpy(object))
    res_code, res_names = pd.factorize(frame["resident"].to_numpy(object), use_na_sentinel=False)
    n_arm, n_ids = max(len(arm_names), 1), max(len(res_names), 1)
    combined = (site_code.astype(np.int64) * n_arm + arm_code) * n_ids + res_code
    who, unique = pd.factorize(combined)
    n_res = len(unique)
    unique_cluster = unique // n_ids
    y = frame["y"].to_numpy(float)
    means = []
    for code in (pre, post):
        sel = (frame["wave"] == code).to_numpy(bool)
        total = np.bincount(who[sel], weights=y[sel], minlength=n_res)
        count = np.bincount(who[sel], minlength=n_res)
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append(total / count)
    d = means[1] - means[0]
    ok = np.isfinite(d)
    cluster, cl_unique = pd.factorize(unique_cluster[ok])
    d = d[ok]
    n = np.bincount(cluster, minlength=len(cl_unique)).astype(float)
    total = np.bincount(cluster, weights=d, minlength=len(cl_unique))
    mean = total / n if len(n) else np.array([])
    sq = np.bincount(cluster, weights=(d - mean[cluster]) ** 2, minlength=len(cl_unique))
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n > 1, sq / (n - 1), np.nan)
    out = pd.DataFrame(
        {
            "site": pd.array(np.asarray(site_names, object)[cl_unique // n_arm], dtype="string"),
            "practice": pd.array(np.asarray(arm_names, object)[cl_unique % n_arm], dtype="string"),
            "n_pairs": n.astype(int),
            "mean_diff": mean,
            "var_diff": var,
        }
    )
    order = np.argsort(out["site"].astype(str).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def _cluster_weights(changes: pd.DataFrame, arm: np.ndarray, weights: Weights) -> np.ndarray:
    """Weights of the site means: equal, or 1 / (sigma_B^2 + sigma_W^2 / m_j) by moments."""
    m = changes["n_pairs"].to_numpy(float)
    if weights == "equal":
        return np.ones(len(m))
    v = changes["var_diff"].to_numpy(float)
    usable = (m > 1) & np.isfinite(v)
    sigma_w = (
        float(np.sum((m[usable] - 1) * v[usable]) / np.sum(m[usable] - 1)) if usable.any() else 0.0
    )
    d = changes["mean_diff"].to_numpy(float)
    arm_means = pd.Series(d).groupby(arm).transform("mean").to_numpy()
    n_arms = len(np.unique(arm))
    dof = len(d) - n_arms
    between = float(np.sum((d - arm_means) ** 2) / dof) if dof > 0 else 0.0
    sigma_b = max(between - float(np.mean(sigma_w / m)), 0.0)
    total = sigma_b + sigma_w / m
    if not np.all(total > 0):
        return np.ones(len(m))
    return 1.0 / total


def cluster_trial(
    indicators: pd.DataFrame,
    value: str,
    *,
    subject: str = "resident_id",
    site: str = "site_id",
    practice: str = "practice",
    wave: str = "wave",
    comparison: str = "none",
    pre: str = "pre",
    post: str = "post",
    weights: Weights = "equal",
    ci: float = 0.95,
    min_sites_per_arm: int = DEFAULT_MIN_SITES_PER_ARM,
    min_pairs: int = DEFAULT_MIN_PAIRS,
    min_cell: int = DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Each practice against the comparison group as the cluster-level trial it is.

    Practices are tried per botilbud, so the site, not the resident, is the unit that
    received the practice. A two-stage site-level analysis (Hayes & Moulton 2017, ch. 9):
    stage one takes each site's mean change over its complete pairs
    (:func:`site_changes`); stage two compares the arms' weighted means of those site
    means, with a *t* interval on ``sites - arms`` degrees of freedom.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long format, one row per resident and wave (as for :func:`model`).
    value : str
        The outcome (its change is compared on the value's own scale).
    subject, site, practice, wave : str
        Column names.
    comparison : str, default "none"
        The practice code of the comparison group.
    pre, post : str
        The wave codes.
    weights : {"equal", "inverse_variance"}, default "equal"
        Weight of each site's mean change. ``"equal"`` (default): every site counts the
        same, the unweighted *t* test of the site means, which Leyrat et al. (2018) found
        to keep its level with few clusters and which our simulation found the more
        reliable of the two when the weights would have to be estimated from 2-8 sites per
        arm (coverage 94.0 % against 93.2 % with site x time variation, 500 trials).
        ``"inverse_variance"``: the minimum-variance
        weights :math:`1 / (\\hat\\sigma_B^2 + \\hat\\sigma_W^2 / m_j)` (Hayes & Moulton
        2017, sec. 9.2.2; Leyrat et al. 2018's recommended "variance-weighted
        cluster-level analysis"), with :math:`\\hat\\sigma_W^2` the pooled within-site
        variance of the residents' changes, :math:`\\hat\\sigma_B^2` the between-site
        variance of the site means around their arm's mean less the part the residents
        explain (moments, truncated at 0), and :math:`m_j` the site's pairs.
    ci : float, default 0.95
        Confidence level.
    min_sites_per_arm : int, default :data:`DEFAULT_MIN_SITES_PER_ARM`
        Fewest sites in the practice *and* in the comparison group for a conclusion; with
        fewer, the interval is still given but ``few_sites`` is true (and a report says
        that too few sites tried the practice to tell).
    min_pairs, min_cell : int
        :func:`guard` applied to the complete pairs of the practice and of the
        comparison group (all their sites together).

    Returns
    -------
    pandas.DataFrame
        One row per practice other than ``comparison`` (columns :data:`CLUSTER_COLUMNS`):

        - ``estimate``: the practice's weighted mean of site mean changes minus the
          comparison group's (a difference in differences, in the value's units).
        - ``ci_low``, ``ci_high``, ``se``, ``t``, ``df``, ``p``: the *t* interval and test
          on ``df = J - A`` (``J`` sites in the practices compared, ``A`` arms).
        - ``n_sites``, ``n_sites_comparison``: sites with at least one complete pair in
          the practice and in the comparison group; ``n_pairs``, ``n_pairs_comparison``:
          their complete pairs.
        - ``weights``: the weighting used.
        - ``few_sites``: fewer than ``min_sites_per_arm`` sites in either arm.
        - ``withheld``, ``reason``: as in :func:`paired` (``"inference"`` when nothing
          can be estimated, e.g. no comparison sites or no degrees of freedom left).

    Notes
    -----
    All practices are fitted together: the arms' means are the weighted means of their
    sites, the residual variance
    :math:`\\hat\\phi = \\sum_j w_j (\\bar d_j - \\hat\\mu_{a(j)})^2 / (J - A)` is pooled
    over every arm (as the two-sample *t* test pools), and
    :math:`\\mathrm{SE} = \\sqrt{\\hat\\phi (1/W_p + 1/W_0)}` with :math:`W_a` the sum of
    the arm's weights. With equal weights and two arms this is exactly Student's
    two-sample *t* test of the site mean changes. Site-to-site differences in how much a
    site changed (site x time variation) are in :math:`\\hat\\phi` by construction, which
    is what the resident-level :func:`model` misses. Residents with one wave only are
    left out (their site means need both waves); a site without a complete pair is no
    site of the analysis. Leyrat et al. (2018) found unweighted and variance-weighted
    cluster-level analyses to keep the type I error at or below 5 % with 40 or fewer
    clusters, where uncorrected mixed models and GEEs do not; our own simulation
    (``benchmarks/bench_sim_trials.py``) shows the same for this design.

    References
    ----------
    Hayes, R. J., & Moulton, L. H. (2017). Cluster Randomised Trials (2nd ed.), ch. 9.
    Chapman & Hall/CRC.

    Leyrat, C., Morgan, K. E., Leurent, B., & Kahan, B. C. (2018). Cluster randomized
    trials with a small number of clusters: which analyses should be used?
    International Journal of Epidemiology, 47(1), 321-331.

    Examples
    --------
    With equal weights and two arms the interval is Student's two-sample *t* test of the
    site means (SciPy's ``ttest_ind``), here 3 + 3 sites, 2 pairs each:

    >>> d = {"A": 1.0, "B": 2.0, "C": 3.0, "D": 0.0, "E": 0.5, "F": 1.0}
    >>> rows = [(s + str(i), s, "P1" if s < "D" else "none", w, 0.0 if w == "pre" else
    ...          d[s] + (0.5 if i else -0.5)) for s in d for i in (0, 1) for w in ("pre", "post")]
    >>> df = pd.DataFrame(rows, columns=["resident_id", "site_id", "practice", "wave", "v"])
    >>> r = cluster_trial(df, "v", weights="equal", min_pairs=2, min_cell=3).iloc[0]
    >>> float(r["estimate"]), float(r["df"]), round(float(r["p"]), 4)
    (1.5, 4.0, 0.0808)
    >>> round(float(stats.ttest_ind([1, 2, 3], [0, 0.5, 1]).pvalue), 4)
    0.0808
    """
    _check_frame(indicators, [subject, site, practice, wave, value], "indicators")
    ci = _check_ci(ci)
    if weights not in ("inverse_variance", "equal"):
        raise ConfigError(f"weights must be 'inverse_variance' or 'equal'; got {weights!r}.")
    if (
        isinstance(min_sites_per_arm, bool)
        or not isinstance(min_sites_per_arm, int)
        or min_sites_per_arm < 1
    ):
        raise ConfigError(
            f"min_sites_per_arm must be a whole number of at least 1; got {min_sites_per_arm!r}."
        )
    min_pairs = _check_min_pairs(min_pairs)
    min_cell = _check_min_cell(min_cell)
    changes = site_changes(
        indicators,
        value,
        subject=subject,
        site=site,
        practice=practice,
        wave=wave,
        pre=pre,
        post=post,
    )
    present = indicators[practice].dropna().astype(str).unique()
    practices = [p for p in _sorted_codes(present) if p != comparison]
    arms = changes.groupby("practice")
    n_sites = arms.size()
    n_pairs = arms["n_pairs"].sum()
    sites_c = int(n_sites.get(comparison, 0))
    pairs_c = int(n_pairs.get(comparison, 0))
    rows = {
        p: {
            "practice": p,
            "estimate": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "se": math.nan,
            "t": math.nan,
            "df": math.nan,
            "p": math.nan,
            "n_sites": int(n_sites.get(p, 0)),
            "n_sites_comparison": sites_c,
            "n_pairs": int(n_pairs.get(p, 0)),
            "n_pairs_comparison": pairs_c,
            "weights": weights,
            "few_sites": min(int(n_sites.get(p, 0)), sites_c) < min_sites_per_arm,
            "withheld": "inference",
            "reason": None,
        }
        for p in practices
    }
    control = guard(pairs_c, min_pairs=min_pairs, min_cell=min_cell)
    fit = []
    for p, row in rows.items():
        verdict = guard(row["n_pairs"], min_pairs=min_pairs, min_cell=min_cell)
        if sites_c == 0:
            row["reason"] = (
                f"no sites with complete pairs in the comparison group {comparison!r}: "
                "a difference-in-differences needs one"
            )
        elif not control.ok:
            row["reason"] = f"comparison group {comparison!r}: {control.reason}"
        elif not verdict.ok:
            row.update(withheld=verdict.withheld, reason=verdict.reason)
        else:
            fit.append(p)
    used = changes[changes["practice"].isin([comparison, *fit])].reset_index(drop=True)
    arm = used["practice"].astype(str).to_numpy()
    dof = len(used) - len(np.unique(arm))
    if fit and dof < 1:
        for p in fit:
            rows[p]["reason"] = (
                f"{len(used)} sites in {len(np.unique(arm))} arms leave no degrees of freedom "
                "for the spread between sites"
            )
        fit = []
    if fit:
        w = _cluster_weights(used, arm, weights)
        d = used["mean_diff"].to_numpy(float)
        wsum = pd.Series(w).groupby(arm).sum()
        mean = (pd.Series(w * d).groupby(arm).sum() / wsum).to_dict()
        resid = d - np.array([mean[a] for a in arm])
        phi = float(np.sum(w * resid**2) / dof)
        crit = float(stats.t.ppf(0.5 + ci / 2, dof))
        for p in fit:
            est = mean[p] - mean[comparison]
            se = math.sqrt(phi * (1 / wsum[p] + 1 / wsum[comparison]))
            if se > 0:
                t = est / se
                pval = float(2 * stats.t.sf(abs(t), dof))
                lo, hi = est - crit * se, est + crit * se
            else:
                t, pval, lo, hi = math.nan, math.nan, math.nan, math.nan
            rows[p].update(
                estimate=est,
                ci_low=lo,
                ci_high=hi,
                se=se,
                t=t,
                df=float(dof),
                p=pval,
                withheld="none",
                reason=None,
            )
            if rows[p]["few_sites"]:
                rows[p]["reason"] = (
                    f"{rows[p]['n_sites']} site(s) with the practice and {sites_c} in the "
                    f"comparison group: fewer than {min_sites_per_arm} per arm to conclude"
                )
    out = pd.DataFrame(list(rows.values()), columns=list(CLUSTER_COLUMNS))
    out["reason"] = out["reason"].astype("string")
    return out


def cluster_change(
    indicators: pd.DataFrame,
    value: str,
    *,
    subject: str = "resident_id",
    site: str = "site_id",
    practice: str = "practice",
    wave: str = "wave",
    pre: str = "pre",
    post: str = "post",
    ci: float = 0.95,
) -> pd.DataFrame:
    """Each practice's change over all its sites, with an interval that counts sites.

    The estimate is the pooled mean change of the practice's complete pairs (the number
    the before/after tables show); its interval treats the site, not the resident, as the
    unit: a cluster-robust standard error from the spread of the site mean changes, with
    the small-sample factor :math:`J / (J - 1)` and a *t* quantile on ``J - 1`` degrees of
    freedom (``J`` sites of the practice). With one site there is no interval (NaN): one
    site's change cannot tell the practice from the site.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long format, one row per resident and wave.
    value : str
        The outcome.
    subject, site, practice, wave, pre, post : str
        Column names and wave codes.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per practice (the comparison group included): ``practice``, ``n_sites``,
        ``n_pairs``, ``estimate`` (pooled mean change), ``se``, ``df``, ``ci_low``,
        ``ci_high``, ``p``.

    Notes
    -----
    With :math:`m_j` pairs and mean change :math:`\\bar d_j` at site :math:`j`,
    :math:`\\hat\\mu = \\sum m_j \\bar d_j / M` and
    :math:`\\widehat{\\mathrm{Var}} = \\frac{J}{J-1} \\sum (m_j / M)^2 (\\bar d_j - \\hat\\mu)^2`
    (the CR1 sandwich of a cluster-level mean; Hayes & Moulton 2017, sec. 9.2). When
    sites differ in how much they change, the paired *t* interval over the pooled
    residents is too narrow; this one is not (the simulation in docs/statistics.md).

    Examples
    --------
    >>> df = pd.DataFrame({"resident_id": list("abcdef") * 2, "site_id": list("AABBCC") * 2,
    ...                    "practice": "P1", "wave": ["pre"] * 6 + ["post"] * 6,
    ...                    "v": [0.0] * 6 + [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]})
    >>> r = cluster_change(df, "v").iloc[0]
    >>> float(r["estimate"]), int(r["n_sites"]), float(r["df"]), round(float(r["se"]), 4)
    (2.0, 3, 2.0, 0.5774)
    """
    ci = _check_ci(ci)
    changes = site_changes(
        indicators,
        value,
        subject=subject,
        site=site,
        practice=practice,
        wave=wave,
        pre=pre,
        post=post,
    )
    rows = []
    for code, part in changes.groupby("practice", sort=False):
        m = part["n_pairs"].to_numpy(float)
        d = part["mean_diff"].to_numpy(float)
        big_m, j = float(m.sum()), len(m)
        est = float(np.sum(m * d) / big_m)
        se, dof, lo, hi, pval = (math.nan,) * 5
        if j >= 2:
            se, dof = _cr2_bell_mccaffrey(m, d, est)
            if se > 0 and dof > 0:
                crit = float(stats.t.ppf(0.5 + ci / 2, dof))
                lo, hi = est - crit * se, est + crit * se
                pval = float(2 * stats.t.sf(abs(est / se), dof))
        rows.append(
            {
                "practice": str(code),
                "n_sites": j,
                "n_pairs": int(big_m),
                "estimate": est,
                "se": se,
                "df": dof,
                "ci_low": lo,
                "ci_high": hi,
                "p": pval,
            }
        )
    columns = ["practice", "n_sites", "n_pairs", "estimate", "se", "df", "ci_low", "ci_high", "p"]
    out = pd.DataFrame(rows, columns=columns)
    return out.iloc[np.argsort(out["practice"].to_numpy(str), kind="stable")].reset_index(drop=True)


def _cr2_bell_mccaffrey(m: np.ndarray, d: np.ndarray, est: float) -> tuple[float, float]:
    """SE and degrees of freedom of a pooled mean change over sites (CR2, Bell-McCaffrey).

    The pooled mean ``est = sum(w_j d_j)`` with ``w_j = m_j / M`` of the site means ``d_j``;
    the CR2 variance ``sum(w_j^2 e_j^2 / (1 - w_j))`` (residuals ``e_j = d_j - est``) is
    unbiased when residents' changes are independent with one variance (CR1's
    ``J/(J-1) sum(w_j^2 e_j^2)`` is so only for equal site sizes), and the Satterthwaite
    degrees of freedom of that variance under the same working model,
    ``tr(A)^2 / tr(A^2)`` (Bell & McCaffrey 2002; Imbens & Kolesar 2016), are below
    ``J - 1`` when sites differ in size (equal to it when they do not). In closed form,
    O(J): ``A = S^1/2 B' C B S^1/2`` with ``B = I - 1 w'``, ``C = diag(w^2 / (1 - w))`` and
    ``S = diag(1 / m)``.
    """
    big_m = float(m.sum())
    w = m / big_m
    c = w**2 / (1.0 - w)
    var = float(np.sum(c * (d - est) ** 2))
    s = 1.0 / m
    a = w * s
    q = float(np.sum(w * a))
    x = q - a  # g_jl = x_j - a_l, the off-diagonal part of M = B S B'
    tr_a = float(np.sum(c * (s * (1.0 - 2.0 * w) + q)))
    g_jj = q - 2.0 * a
    diagonal = float(np.sum(c**2 * (s**2 + 2.0 * s * g_jj)))
    sum_c = float(c.sum())
    cross = (
        float(np.sum(c * x**2)) * sum_c
        - 2.0 * float(np.sum(c * x)) * float(np.sum(c * a))
        + sum_c * float(np.sum(c * a**2))
    )
    tr_a2 = diagonal + cross
    dof = tr_a**2 / tr_a2 if tr_a2 > 0 else math.nan
    return math.sqrt(var), float(dof)


# ------------------------------------------------------------------ data set helpers


def _check_dataset(ds: object) -> None:
    if not all(hasattr(ds, name) for name in ("residents", "outcomes")):
        raise ConfigError(
            f"expected an analyse.Dataset (from analyse.read_dataset); got {type(ds).__name__}."
        )


def outcomes_long(ds: object) -> pd.DataFrame:
    """The outcomes per resident and wave with the resident's site and practice.

    Parameters
    ----------
    ds : analyse.Dataset
        Uses ``residents`` and ``outcomes``.

    Returns
    -------
    pandas.DataFrame
        One row per ``outcomes`` row: ``resident_id``, ``site_id``, ``practice``,
        ``wave`` (as in ``outcomes``), ``loneliness`` and ``satisfaction`` (float, NaN
        when missing), sorted by resident and wave, fresh index. The same long shape as
        ``relations.indicators(ds)``, so it goes straight into :func:`by_group` and
        :func:`model`.

    Examples
    --------
    >>> from analyse.data.dataset import Dataset
    >>> ds = Dataset.from_frames(
    ...     residents=pd.DataFrame({"resident_id": ["B1"], "site_id": ["H1"],
    ...                             "setting": ["residential"], "practice": ["P1"]}),
    ...     outcomes=pd.DataFrame({"resident_id": ["B1", "B1"], "wave": ["pre", "post"],
    ...                            "loneliness": [7, 5], "respondent": ["self", "self"]}))
    >>> outcomes_long(ds)[["resident_id", "practice", "wave", "loneliness"]]
      resident_id practice  wave  loneliness
    0          B1       P1   pre         7.0
    1          B1       P1  post         5.0
    """
    _check_dataset(ds)
    residents = ds.residents[["resident_id", "site_id", "practice"]].drop_duplicates("resident_id")
    outcomes = ds.outcomes[["resident_id", "wave", "loneliness", "satisfaction"]].copy()
    for column in ("loneliness", "satisfaction"):
        outcomes[column] = _numeric(outcomes, column)
    out = outcomes.merge(residents, on="resident_id", how="left")
    out = out[["resident_id", "site_id", "practice", "wave", "loneliness", "satisfaction"]]
    out = out.sort_values(["resident_id", "wave"], kind="stable").reset_index(drop=True)
    return out


class Attrition(NamedTuple):
    """What :func:`attrition` returns."""

    #: Residents with a ``pre`` assessment and no ``post`` one, with their pre values
    #: (consultant audience only: resident level).
    lost: pd.DataFrame
    #: One row per outcome: completers and lost residents compared on their pre values.
    comparison: pd.DataFrame


def attrition(
    ds: object,
    *,
    pre: str = "pre",
    post: str = "post",
    values: Sequence[str] = ("loneliness", "satisfaction"),
    min_cell: int = DEFAULT_MIN_CELL,
) -> Attrition:
    """Who was lost to follow-up, and were they different at the start?

    Parameters
    ----------
    ds : analyse.Dataset
        Uses ``residents`` and ``outcomes``.
    pre, post : str
        The wave codes.
    values : sequence of str
        The ``outcomes`` columns compared (default loneliness and satisfaction).
    min_cell : int, default 5
        The comparison of a group smaller than ``min_cell`` is withheld (:func:`guard`).

    Returns
    -------
    Attrition
        ``lost``: ``resident_id``, ``site_id``, ``practice`` and the ``pre`` value of each
        of ``values``, for every resident assessed at ``pre`` and not at ``post``.

        ``comparison``: one row per value: ``value``, ``n_completed``, ``n_lost``
        (residents with a pre value in each group), ``mean_completed``, ``mean_lost``,
        ``sd_completed``, ``sd_lost``, ``mean_diff`` (lost - completed), ``p_welch``
        (Welch's t test), ``p_mwu`` (Mann-Whitney U, two-sided), ``withheld``, ``reason``.

    Notes
    -----
    "Lost" means no ``outcomes`` row at ``post``: the resident was not assessed. A
    resident assessed at ``post`` with a missing score is not lost, but still drops out
    of that score's complete pairs (``n_excluded`` in :func:`paired`). If those lost
    started out lonelier, the complete-pair comparison flatters the practice. With the
    few residents usually lost the statistics are withheld and only ``n_lost`` remains:
    then look at ``lost`` in the consultant audience.

    Examples
    --------
    >>> from analyse.data.dataset import Dataset
    >>> ds = Dataset.from_frames(
    ...     residents=pd.DataFrame({"resident_id": ["B1", "B2"], "site_id": ["H1", "H1"],
    ...                             "setting": ["residential"] * 2, "practice": ["P1"] * 2}),
    ...     outcomes=pd.DataFrame({"resident_id": ["B1", "B2", "B1"],
    ...                            "wave": ["pre", "pre", "post"], "loneliness": [7, 9, 5],
    ...                            "respondent": ["self"] * 3}))
    >>> result = attrition(ds)
    >>> result.lost[["resident_id", "loneliness"]]
      resident_id  loneliness
    0          B2         9.0
    >>> print(*result.comparison.loc[0, ["n_completed", "n_lost", "withheld"]])
    1 1 all
    """
    _check_dataset(ds)
    min_cell = _check_min_cell(min_cell)
    values = [values] if isinstance(values, str) else list(values)
    _check_frame(ds.outcomes, ["resident_id", "wave", *values], "ds.outcomes")
    long = outcomes_long(ds) if set(values) <= {"loneliness", "satisfaction"} else None
    if long is None:
        residents = ds.residents[["resident_id", "site_id", "practice"]]
        long = ds.outcomes[["resident_id", "wave", *values]].merge(
            residents, on="resident_id", how="left"
        )
        for column in values:
            long[column] = _numeric(long, column)
    waves = long["wave"].astype("string")
    at_pre = long[(waves == pre).fillna(False).to_numpy(bool)]
    at_post = set(long.loc[(waves == post).fillna(False).to_numpy(bool), "resident_id"])
    is_lost = ~at_pre["resident_id"].isin(at_post)
    lost = at_pre.loc[is_lost, ["resident_id", "site_id", "practice", *values]]
    lost = lost.reset_index(drop=True)
    rows = []
    for column in values:
        done = at_pre.loc[~is_lost, column].dropna().to_numpy(dtype=float)
        gone = at_pre.loc[is_lost, column].dropna().to_numpy(dtype=float)
        verdict = guard(min(len(done), len(gone)), min_pairs=min_cell, min_cell=min_cell)
        row: dict[str, object] = {
            "value": column,
            "n_completed": len(done),
            "n_lost": len(gone),
            "mean_completed": math.nan,
            "mean_lost": math.nan,
            "sd_completed": math.nan,
            "sd_lost": math.nan,
            "mean_diff": math.nan,
            "p_welch": math.nan,
            "p_mwu": math.nan,
            "withheld": verdict.withheld,
            "reason": verdict.reason.replace("complete pairs", "residents in a group")
            if verdict.reason
            else None,
        }
        if verdict.ok:
            row.update(
                mean_completed=float(done.mean()),
                mean_lost=float(gone.mean()),
                sd_completed=float(done.std(ddof=1)),
                sd_lost=float(gone.std(ddof=1)),
                mean_diff=float(gone.mean() - done.mean()),
                p_welch=float(stats.ttest_ind(gone, done, equal_var=False).pvalue),
                p_mwu=float(stats.mannwhitneyu(gone, done, alternative="two-sided").pvalue),
            )
        rows.append(row)
    comparison = pd.DataFrame(rows)
    comparison["reason"] = comparison["reason"].astype("string")
    return Attrition(lost, comparison)
