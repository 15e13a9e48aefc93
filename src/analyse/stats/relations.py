"""Kortlægning and behov: each resident's relationships in number and content.

Steps 1 and 2 of the process. :func:`indicators` maps every assessed resident's network
per wave (size, staff and non-staff, close, whether the resident *gives* something, how
varied the network is); :func:`turnover` counts relationships gained, kept and lost between
two waves; :func:`needs` sets who wants more or other relationships against their network
situation; :func:`summarise` describes the indicators per site, practice and wave.

All functions are pure and vectorised (``groupby``/``merge``/``pivot``, no loop over
residents). They return full-precision numbers and raw counts: small-cell suppression and
rounding belong to the report layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analyse.data.dataset import Dataset, natural_sorted
from analyse.data.schema import table_spec
from analyse.errors import ConfigError

__all__ = [
    "ALTER_TYPES",
    "FREQUENT_CONTACT",
    "INDICATOR_COLUMNS",
    "Needs",
    "indicators",
    "needs",
    "summarise",
    "turnover",
]

#: The alter-type codes of the data contract, in contract order (k = 8 categories).
ALTER_TYPES: tuple[str, ...] = table_spec("relations").column("alter_type").code_values
#: The wave codes of the data contract, in wave order.
WAVES: tuple[str, ...] = table_spec("relations").column("wave").code_values
#: Contact frequencies that count as frequent contact.
FREQUENT_CONTACT: tuple[str, ...] = ("daily", "weekly")
#: The alter type of paid staff.
STAFF = "staff"

_KEY = ["resident_id", "wave"]
_RESIDENT_COLUMNS = ["resident_id", "site_id", "setting", "practice"]
_TYPE_COLUMNS = [f"n_{t}" for t in ALTER_TYPES]
_BASE_COUNTS = [
    "n_relations",
    "n_nonstaff",
    "n_close",
    "n_close_nonstaff",
    "n_gives",
    "n_reciprocal",
    "n_frequent",
]

#: The indicator columns of :func:`indicators`, in output order (after the id columns).
INDICATOR_COLUMNS: tuple[str, ...] = (
    "n_relations",
    "n_staff",
    "n_nonstaff",
    "n_close",
    "n_close_nonstaff",
    "n_gives",
    "n_reciprocal",
    "gives_any",
    "share_gives",
    "n_types",
    "staff_share",
    "n_frequent",
    "only_staff_close",
    "diversity",
    *[c for c in _TYPE_COLUMNS if c != "n_staff"],
)


def _check_dataset(ds: object) -> Dataset:
    if not isinstance(ds, Dataset):
        raise ConfigError(
            f"expected an analyse.Dataset, received {type(ds).__name__}; "
            "read one with analyse.read_dataset(path) or build one with Dataset.from_frames(...)"
        )
    return ds


def _check_wave(name: str, value: object) -> str:
    if value not in WAVES:
        raise ConfigError(
            f"{name} must be one of {list(WAVES)}; received {value!r}; "
            "use the canonical wave code (pre, post or followup)"
        )
    return str(value)


def _assessed(ds: Dataset) -> pd.DataFrame:
    """One row per resident x wave with an outcomes row, with the resident's attributes."""
    base = ds.outcomes[_KEY].drop_duplicates().reset_index(drop=True)
    residents = ds.residents[_RESIDENT_COLUMNS].drop_duplicates("resident_id")
    out = base.merge(residents, on="resident_id", how="left", validate="many_to_one")
    return out[["resident_id", "site_id", "setting", "practice", "wave"]]


def indicators(ds: Dataset) -> pd.DataFrame:
    """Relationship indicators per resident and wave (kortlægning).

    One row per resident x wave in which the resident was assessed, i.e. has a row in
    ``ds.outcomes``. The relations are left-joined onto those rows, so a resident assessed
    without any relationship gets zero counts, and a wave in which a resident was not
    assessed gives no row (relations rows in such a wave are ignored; validation refuses
    them).

    Parameters
    ----------
    ds : analyse.Dataset
        The data set; uses ``residents``, ``relations`` and ``outcomes``.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``resident_id`` and ``wave``, with a fresh index. Counts are ``int64``
        (never missing); shares and ``diversity`` are ``float64`` and NaN when the
        resident has no relationships; flags are ``bool``.

        - ``resident_id``, ``site_id``, ``setting``, ``practice``: from ``residents``.
        - ``wave``: the wave (ordered categorical).
        - ``n_relations``: number of relationships.
        - ``n_staff``: relationships with paid staff (``alter_type == "staff"``).
        - ``n_nonstaff``: relationships with anyone else (``n_relations - n_staff``).
        - ``n_close``: relationships in the inner circle (``closeness == 1``).
        - ``n_close_nonstaff``: inner-circle relationships that are not staff.
        - ``n_gives``: relationships in which the resident gives (``resident_gives``).
        - ``n_reciprocal``: relationships in which the resident both gives and receives.
        - ``gives_any``: the resident gives in at least one relationship.
        - ``share_gives``: ``n_gives / n_relations``.
        - ``n_types``: number of distinct alter types (egor's ``alts_diversity_count``).
        - ``staff_share``: ``n_staff / n_relations``.
        - ``n_frequent``: relationships with daily or weekly contact.
        - ``only_staff_close``: every inner-circle relationship is with staff, or there
          is none (``n_close_nonstaff == 0``).
        - ``diversity``: index of qualitative variation over the alter types (Notes).
        - ``n_family``, ``n_partner``, ``n_friend``, ``n_co_resident``, ``n_volunteer``,
          ``n_community``, ``n_other``: relationships per alter type (``n_staff`` above
          is the eighth).

    Notes
    -----
    ``diversity`` is Agresti & Agresti's (1978) index of qualitative variation (IQV),
    the Gini-Simpson (Blau) heterogeneity normalised by its maximum:

    .. math:: IQV = \\frac{1 - \\sum_{i=1}^{k} p_i^2}{1 - 1/k}

    where :math:`p_i` is the share of the resident's relationships of alter type *i* and
    :math:`k = 8` is the number of alter-type categories in the data contract (family,
    partner, friend, co_resident, staff, volunteer, community, other). It is 0 when all
    relationships are of one type (so also with exactly one relationship), 1 when they
    are spread evenly over all eight types, and NaN when there are no relationships (no
    distribution to vary).

    egor (Krenz et al.) has no IQV: its diversity functions are ``alts_diversity_count``
    (number of distinct categories, our ``n_types``) and ``alts_diversity_entropy``
    (Shannon entropy), both in ``R/composition.R``. The IQV for ego networks in R is
    ``ideanet::iqv`` (Perry, Pescosolido & Borgatti 2018), which divides by
    :math:`1 - 1/k_{obs}` with :math:`k_{obs}` the number of categories *present in that
    network* and returns 0 when only one is present. We use the fixed :math:`k = 8` of
    Agresti & Agresti instead, so that the index is comparable between residents: under
    ideanet's variant one family member plus one staff member would score 1, the same as
    a network spread over all eight types.

    Relationship rows are counted as they are; validation refuses a relationship listed
    twice for the same resident and wave. A missing ``closeness`` or ``contact`` counts as
    not close / not frequent; a missing ``resident_gives`` as not giving.

    References
    ----------
    Agresti, A., & Agresti, B. F. (1978). Statistical analysis of qualitative variation.
    Sociological Methodology, 9, 204-237.

    Perry, B. L., Pescosolido, B. A., & Borgatti, S. P. (2018). Egocentric Network
    Analysis: Foundations, Methods, and Models. Cambridge University Press.

    Krenz, T., Krivitsky, P. N., Vacca, R., Bojanowski, M., & Herz, A. egor: Import and
    Analyse Ego-Centered Network Data (R package), ``R/composition.R``.

    Kahn, R. L., & Antonucci, T. C. (1980). Convoys over the life course: attachment,
    roles, and social support. Life-Span Development and Behavior, 3, 253-286.

    Examples
    --------
    A resident with two family members, a friend and a staff member in the inner circle,
    giving in the two family relationships; a second resident assessed with no
    relationships at all:

    >>> import pandas as pd
    >>> from analyse.data.dataset import Dataset, natural_sorted
    >>> ds = Dataset.from_frames(
    ...     residents=pd.DataFrame({"resident_id": ["B1", "B2"], "site_id": ["H1", "H1"],
    ...                             "setting": "residential", "practice": "none"}),
    ...     relations=pd.DataFrame({"resident_id": "B1", "wave": "pre",
    ...                             "alter_id": ["A1", "A2", "A3", "A4"],
    ...                             "alter_type": ["family", "family", "friend", "staff"],
    ...                             "closeness": [1, 2, 3, 1],
    ...                             "contact": ["weekly", "monthly", "rarely", "daily"],
    ...                             "resident_gives": [True, True, False, False],
    ...                             "resident_receives": [True, False, True, True]}),
    ...     outcomes=pd.DataFrame({"resident_id": ["B1", "B2"], "wave": "pre",
    ...                            "respondent": "self"}))
    >>> ind = indicators(ds)
    >>> ind[["resident_id", "n_relations", "n_nonstaff", "n_close_nonstaff", "staff_share"]]
      resident_id  n_relations  n_nonstaff  n_close_nonstaff  staff_share
    0          B1            4           3                 1         0.25
    1          B2            0           0                 0          NaN
    >>> ind[["n_gives", "n_reciprocal", "gives_any", "n_types", "only_staff_close"]]
       n_gives  n_reciprocal  gives_any  n_types  only_staff_close
    0        2             1       True        3             False
    1        0             0      False        0              True

    Diversity of B1: shares (1/2, 1/4, 1/4), so (1 - 3/8) / (1 - 1/8) = 5/7:

    >>> float(ind.loc[0, "diversity"])
    0.7142857142857143
    """
    ds = _check_dataset(ds)
    base = _assessed(ds)

    rel = ds.relations
    is_staff = (rel["alter_type"] == STAFF).fillna(False).to_numpy(bool)
    is_close = (rel["closeness"] == 1).fillna(False).to_numpy(bool)
    gives = rel["resident_gives"].fillna(False).to_numpy(bool)
    receives = rel["resident_receives"].fillna(False).to_numpy(bool)
    frequent = rel["contact"].isin(FREQUENT_CONTACT).to_numpy(bool)
    flags = pd.DataFrame(
        {
            "resident_id": rel["resident_id"].to_numpy(),
            "wave": rel["wave"].to_numpy(),
            "n_relations": 1,
            "n_nonstaff": ~is_staff,
            "n_close": is_close,
            "n_close_nonstaff": is_close & ~is_staff,
            "n_gives": gives,
            "n_reciprocal": gives & receives,
            "n_frequent": frequent,
        }
    )
    flags["resident_id"] = flags["resident_id"].astype("string")
    counts = flags.groupby(_KEY, observed=True, sort=False)[_BASE_COUNTS].sum()

    by_type = (
        pd.DataFrame(
            {
                "resident_id": rel["resident_id"].astype("string").to_numpy(),
                "wave": rel["wave"].astype(str).to_numpy(),
                "alter_type": rel["alter_type"].astype(str).to_numpy(),
            }
        )
        .groupby([*_KEY, "alter_type"], sort=False)
        .size()
        .unstack("alter_type", fill_value=0)
        .reindex(columns=list(ALTER_TYPES), fill_value=0)
        .add_prefix("n_")
    )

    counts = counts.reset_index()
    counts["wave"] = counts["wave"].astype(str)
    by_type = by_type.reset_index()
    by_type.columns.name = None

    key = base[_KEY].assign(wave=base["wave"].astype(str))
    out = key.merge(counts, on=_KEY, how="left").merge(by_type, on=_KEY, how="left")
    count_cols = [*_BASE_COUNTS, *_TYPE_COLUMNS]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")

    n = out["n_relations"].to_numpy(dtype=float)
    type_counts = out[_TYPE_COLUMNS].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = type_counts / n[:, None]
        k = len(ALTER_TYPES)
        diversity = (1.0 - (shares**2).sum(axis=1)) / (1.0 - 1.0 / k)
        share_gives = out["n_gives"].to_numpy(float) / n
        staff_share = out["n_staff"].to_numpy(float) / n
    empty = n == 0
    diversity[empty] = np.nan

    result = base.copy()
    result["n_relations"] = out["n_relations"].to_numpy()
    result["n_staff"] = out["n_staff"].to_numpy()
    for col in ("n_nonstaff", "n_close", "n_close_nonstaff", "n_gives", "n_reciprocal"):
        result[col] = out[col].to_numpy()
    result["gives_any"] = out["n_gives"].to_numpy() > 0
    result["share_gives"] = share_gives
    result["n_types"] = (out[_TYPE_COLUMNS].to_numpy() > 0).sum(axis=1).astype("int64")
    result["staff_share"] = staff_share
    result["n_frequent"] = out["n_frequent"].to_numpy()
    result["only_staff_close"] = out["n_close_nonstaff"].to_numpy() == 0
    result["diversity"] = diversity
    for col in _TYPE_COLUMNS:
        if col != "n_staff":
            result[col] = out[col].to_numpy()
    return result.sort_values(["resident_id", "wave"], kind="stable").reset_index(drop=True)


def turnover(ds: Dataset, *, from_wave: str = "pre", to_wave: str = "post") -> pd.DataFrame:
    """Relationships gained, kept and lost between two waves, per resident.

    Relationships are matched on ``alter_id``, which the data contract keeps stable across
    waves for the same resident. Only residents assessed in *both* waves (an ``outcomes``
    row in each) get a row: a resident who left after ``from_wave`` (attrition) or who
    joined at ``to_wave`` has no turnover to count.

    Parameters
    ----------
    ds : analyse.Dataset
        The data set; uses ``residents``, ``relations`` and ``outcomes``.
    from_wave, to_wave : {"pre", "post", "followup"}
        The earlier and the later wave (default ``"pre"`` and ``"post"``); must differ.

    Returns
    -------
    pandas.DataFrame
        One row per resident assessed in both waves, sorted by ``resident_id``; all
        counts ``int64``.

        - ``resident_id``, ``site_id``, ``setting``, ``practice``: from ``residents``.
        - ``from_wave``, ``to_wave``: the two waves compared (strings).
        - ``n_from``, ``n_to``: number of relationships in each wave.
        - ``gained``: alters present at ``to_wave`` but not at ``from_wave``.
        - ``kept``: alters present at both.
        - ``lost``: alters present at ``from_wave`` but not at ``to_wave``.
        - ``gained_nonstaff``, ``kept_nonstaff``, ``lost_nonstaff``: the same counted over
          the non-staff relationships of each wave only.
        - ``moved_in``: kept alters whose ``closeness`` went to an inner circle (a smaller
          number, e.g. 3 to 2).
        - ``moved_out``: kept alters whose ``closeness`` went to an outer circle.

    Notes
    -----
    ``n_from = kept + lost`` and ``n_to = kept + gained`` for every resident. The
    non-staff counts compare the *sets* of non-staff alters of the two waves, so an alter
    who was staff at ``from_wave`` and a friend at ``to_wave`` (a former support worker
    who stayed in touch privately) counts as a non-staff relationship gained; this keeps
    ``n_nonstaff(to) - n_nonstaff(from) = gained_nonstaff - lost_nonstaff``. A kept alter
    with missing closeness in either wave counts in neither ``moved_in`` nor
    ``moved_out``. An ``alter_id`` listed twice for a resident in one wave (validation
    refuses this) is counted once.

    Examples
    --------
    A resident who keeps a family member (moving from the middle to the inner circle),
    loses a staff member and gains a friend:

    >>> import pandas as pd
    >>> from analyse.data.dataset import Dataset, natural_sorted
    >>> ds = Dataset.from_frames(
    ...     residents=pd.DataFrame({"resident_id": ["B1"], "site_id": ["H1"],
    ...                             "setting": ["residential"], "practice": ["P1"]}),
    ...     relations=pd.DataFrame({"resident_id": "B1",
    ...                             "wave": ["pre", "pre", "post", "post"],
    ...                             "alter_id": ["A1", "A2", "A1", "A3"],
    ...                             "alter_type": ["family", "staff", "family", "friend"],
    ...                             "closeness": [2, 1, 1, 3], "contact": "weekly",
    ...                             "resident_gives": False, "resident_receives": True}),
    ...     outcomes=pd.DataFrame({"resident_id": "B1", "wave": ["pre", "post"],
    ...                            "respondent": "self"}))
    >>> turnover(ds)[["resident_id", "gained", "kept", "lost", "lost_nonstaff", "moved_in"]]
      resident_id  gained  kept  lost  lost_nonstaff  moved_in
    0          B1       1     1     1              0         1
    """
    ds = _check_dataset(ds)
    from_wave = _check_wave("from_wave", from_wave)
    to_wave = _check_wave("to_wave", to_wave)
    if from_wave == to_wave:
        raise ConfigError(
            f"from_wave and to_wave must differ; both are {from_wave!r}; "
            "compare two waves, e.g. from_wave='pre', to_wave='post'"
        )

    base = _assessed(ds)
    wave_str = base["wave"].astype(str)
    in_from = set(base.loc[wave_str == from_wave, "resident_id"])
    both = base.loc[(wave_str == to_wave) & base["resident_id"].isin(in_from)]
    out = both[_RESIDENT_COLUMNS].reset_index(drop=True)
    out.insert(4, "from_wave", from_wave)
    out.insert(5, "to_wave", to_wave)

    rel = ds.relations
    rel = pd.DataFrame(
        {
            "resident_id": rel["resident_id"].astype("string").to_numpy(),
            "wave": rel["wave"].astype(str).to_numpy(),
            "alter_id": rel["alter_id"].astype("string").to_numpy(),
            "staff": (rel["alter_type"] == STAFF).fillna(False).to_numpy(bool),
            "closeness": rel["closeness"].astype("Float64").to_numpy(float, na_value=np.nan),
        }
    )
    rel = rel[rel["resident_id"].isin(out["resident_id"])]

    def side(wave: str, nonstaff: bool) -> pd.DataFrame:
        frame = rel[rel["wave"] == wave]
        if nonstaff:
            frame = frame[~frame["staff"]]
        return frame[["resident_id", "alter_id", "closeness"]].drop_duplicates(
            ["resident_id", "alter_id"]
        )

    def compare(nonstaff: bool) -> pd.DataFrame:
        matched = side(from_wave, nonstaff).merge(
            side(to_wave, nonstaff),
            on=["resident_id", "alter_id"],
            how="outer",
            suffixes=("_from", "_to"),
            indicator=True,
        )
        status = matched["_merge"].astype(str)
        kept = status == "both"
        frame = pd.DataFrame(
            {
                "resident_id": matched["resident_id"],
                "gained": status == "right_only",
                "kept": kept,
                "lost": status == "left_only",
                "moved_in": kept & (matched["closeness_to"] < matched["closeness_from"]),
                "moved_out": kept & (matched["closeness_to"] > matched["closeness_from"]),
            }
        )
        return frame.groupby("resident_id", sort=False).sum()

    every = compare(nonstaff=False)
    nonstaff = compare(nonstaff=True)[["gained", "kept", "lost"]].add_suffix("_nonstaff")
    counts = every.join(nonstaff, how="outer").reset_index()
    out = out.merge(counts, on="resident_id", how="left")
    count_cols = [
        "gained",
        "kept",
        "lost",
        "gained_nonstaff",
        "kept_nonstaff",
        "lost_nonstaff",
        "moved_in",
        "moved_out",
    ]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")
    out.insert(6, "n_from", out["kept"] + out["lost"])
    out.insert(7, "n_to", out["kept"] + out["gained"])
    return out.sort_values("resident_id", kind="stable").reset_index(drop=True)


class Needs(NamedTuple):
    """What :func:`needs` returns: per-resident flags and per-site counts."""

    #: One row per assessed resident (consultant audience only: resident level).
    residents: pd.DataFrame
    #: One row per site: raw counts, to be suppressed before a steering-group report.
    sites: pd.DataFrame


_NEED_FLAGS = ("only_staff_close", "gives_to_none", "no_frequent_contact")


def needs(ds: Dataset, *, wave: str = "pre") -> Needs:
    """Who wants more or other relationships, against their network situation (behov).

    Sets each assessed resident's own wish (``wants_more`` in ``outcomes``) beside three
    signs in the network that the process treats as needs in themselves: the only close
    people are paid staff, the resident gives to no one (cannot *være noget for nogen*),
    and no relationship has frequent contact.

    Parameters
    ----------
    ds : analyse.Dataset
        The data set; uses ``residents``, ``relations`` and ``outcomes``.
    wave : {"pre", "post", "followup"}
        The wave to look at (default ``"pre"``, the mapping before the trial).

    Returns
    -------
    Needs
        A named tuple of two frames.

        ``residents`` (one row per resident assessed in ``wave``, sorted by
        ``resident_id``; resident level, so for the consultant audience only):

        - ``resident_id``, ``site_id``, ``setting``, ``practice``, ``wave``.
        - ``wants_more``: the resident's wish, ``yes`` / ``no`` / ``unknown`` (NA when
          not recorded).
        - ``respondent``: who answered (``self`` / ``assisted`` / ``proxy``).
        - ``n_relations``, ``n_close_nonstaff``, ``n_gives``, ``n_frequent``: from
          :func:`indicators`.
        - ``only_staff_close``: no close relationship except with staff (or none).
        - ``gives_to_none``: the resident gives in no relationship.
        - ``no_frequent_contact``: no relationship with daily or weekly contact.
        - ``n_flags``: how many of the three flags are set (0-3, ``int64``).
        - ``wants_and_flagged``: wants more (``yes``) and at least one flag.
        - ``flagged_not_wanting``: at least one flag but ``wants_more`` is not ``yes``
          (a need the resident has not voiced, or cannot; worth a conversation).

        ``sites`` (one row per site with assessed residents, sorted naturally; raw
        ``int64`` counts of residents):

        - ``site_id``, ``wave``.
        - ``n_assessed``: residents assessed in the wave.
        - ``n_wants_more``, ``n_wants_no_more``, ``n_wants_unknown``: by ``wants_more``
          (``unknown`` includes not recorded).
        - ``n_only_staff_close``, ``n_gives_to_none``, ``n_no_frequent_contact``: by flag.
        - ``n_any_flag``: at least one flag.
        - ``n_wants_and_flagged``, ``n_flagged_not_wanting``: as above.

    Notes
    -----
    The site counts are not suppressed: pass them through the report layer's small-cell
    rule (``min_cell``) before they reach a steering group.

    Examples
    --------
    >>> import pandas as pd
    >>> from analyse.data.dataset import Dataset, natural_sorted
    >>> ds = Dataset.from_frames(
    ...     residents=pd.DataFrame({"resident_id": ["B1", "B2"], "site_id": "H1",
    ...                             "setting": "residential", "practice": "none"}),
    ...     relations=pd.DataFrame({"resident_id": "B1", "wave": "pre", "alter_id": ["A1"],
    ...                             "alter_type": ["staff"], "closeness": [1],
    ...                             "contact": ["daily"], "resident_gives": [False],
    ...                             "resident_receives": [True]}),
    ...     outcomes=pd.DataFrame({"resident_id": ["B1", "B2"], "wave": "pre",
    ...                            "wants_more": ["yes", "no"], "respondent": "self"}))
    >>> result = needs(ds)
    >>> result.residents[["resident_id", "only_staff_close", "gives_to_none", "n_flags"]]
      resident_id  only_staff_close  gives_to_none  n_flags
    0          B1              True           True        2
    1          B2              True           True        3
    >>> int(result.sites.loc[0, "n_flagged_not_wanting"])
    1
    """
    ds = _check_dataset(ds)
    wave = _check_wave("wave", wave)
    ind = indicators(ds)
    ind = ind[ind["wave"].astype(str) == wave]
    outcomes = ds.outcomes.loc[
        ds.outcomes["wave"].astype(str) == wave, ["resident_id", "wants_more", "respondent"]
    ].drop_duplicates("resident_id")
    res = ind[
        [
            "resident_id",
            "site_id",
            "setting",
            "practice",
            "wave",
            "n_relations",
            "n_close_nonstaff",
            "n_gives",
            "n_frequent",
            "only_staff_close",
        ]
    ].merge(outcomes, on="resident_id", how="left")
    res["gives_to_none"] = res["n_gives"] == 0
    res["no_frequent_contact"] = res["n_frequent"] == 0
    flags = res[list(_NEED_FLAGS)]
    res["n_flags"] = flags.sum(axis=1).astype("int64")
    wants = (res["wants_more"] == "yes").fillna(False).astype(bool)
    res["wants_and_flagged"] = wants & (res["n_flags"] > 0)
    res["flagged_not_wanting"] = ~wants & (res["n_flags"] > 0)
    res = res[
        [
            "resident_id",
            "site_id",
            "setting",
            "practice",
            "wave",
            "wants_more",
            "respondent",
            "n_relations",
            "n_close_nonstaff",
            "n_gives",
            "n_frequent",
            *_NEED_FLAGS,
            "n_flags",
            "wants_and_flagged",
            "flagged_not_wanting",
        ]
    ].reset_index(drop=True)

    wants_more = res["wants_more"].astype("object")
    counting = pd.DataFrame(
        {
            "site_id": res["site_id"],
            "n_assessed": 1,
            "n_wants_more": wants_more.eq("yes").fillna(False),
            "n_wants_no_more": wants_more.eq("no").fillna(False),
            "n_wants_unknown": ~wants_more.isin(["yes", "no"]),
            "n_only_staff_close": res["only_staff_close"],
            "n_gives_to_none": res["gives_to_none"],
            "n_no_frequent_contact": res["no_frequent_contact"],
            "n_any_flag": res["n_flags"] > 0,
            "n_wants_and_flagged": res["wants_and_flagged"],
            "n_flagged_not_wanting": res["flagged_not_wanting"],
        }
    )
    sites = counting.groupby("site_id", sort=False, dropna=False).sum().astype("int64")
    sites = sites.reset_index()
    order = {s: i for i, s in enumerate(natural_sorted(sites["site_id"].dropna()))}
    rank = sites["site_id"].map(order).astype("float").fillna(len(order))
    sites = sites.iloc[np.argsort(rank.to_numpy(), kind="stable")].reset_index(drop=True)
    sites["site_id"] = sites["site_id"].astype("string")
    sites.insert(1, "wave", wave)
    return Needs(residents=res, sites=sites)


def summarise(
    indicators: pd.DataFrame,
    *,
    by: Sequence[str] = ("site_id", "wave"),
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Describe indicators per group: n, mean, spread, quartiles and share above zero.

    Parameters
    ----------
    indicators : pandas.DataFrame
        The output of :func:`indicators` (or of :func:`turnover`, or any frame with one
        row per person and numeric or boolean indicator columns).
    by : sequence of str, default ("site_id", "wave")
        The grouping columns, e.g. ``("site_id", "wave")``, ``("practice", "wave")`` or
        ``("wave",)``; empty for one overall group.
    columns : sequence of str, optional
        The indicators to describe; default every numeric or boolean column not in
        ``by``.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per group x indicator, sorted by ``by`` then the order of
        ``columns``.

        - the ``by`` columns.
        - ``indicator``: the indicator's column name.
        - ``n``: persons with a value (shares are missing for empty networks); a group
          where no one has a value has ``n = 0`` and NaN statistics.
        - ``mean``, ``sd`` (``ddof=1``; NaN for one person), ``min``, ``q1``, ``median``,
          ``q3``, ``max``: of the values; for a flag (``bool``) the mean is the share
          with the flag.
        - ``share_positive``: share of persons whose value is above zero (``True`` for
          a flag): for counts, the share with at least one such relationship.

    Notes
    -----
    Quartiles use pandas' default linear interpolation (Hyndman & Fan type 7, as R's
    ``quantile`` default). Nothing is suppressed or rounded here: apply the report layer's
    ``min_cell`` rule to ``n`` before showing a steering group.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"wave": ["pre"] * 4, "n_relations": [0, 2, 3, 7],
    ...                       "gives_any": [False, True, True, True]})
    >>> summarise(frame, by=["wave"])[["indicator", "n", "mean", "median", "q1", "share_positive"]]
         indicator  n  mean  median    q1  share_positive
    0  n_relations  4  3.00     2.5  1.50            0.75
    1    gives_any  4  0.75     1.0  0.75            0.75
    """
    if not isinstance(indicators, pd.DataFrame):
        raise ConfigError(
            f"indicators must be a pandas DataFrame, received {type(indicators).__name__}; "
            "pass the output of analyse.stats.relations.indicators(ds)"
        )
    if isinstance(by, str):
        by = [by]
    by = list(by)
    missing = [c for c in by if c not in indicators.columns]
    if missing:
        raise ConfigError(
            f"by must name columns of the indicators frame; {missing} not found; "
            f"choose among {list(indicators.columns)}"
        )
    if columns is None:
        columns = [
            c
            for c in indicators.columns
            if c not in by
            and (
                pd.api.types.is_bool_dtype(indicators[c])
                or pd.api.types.is_numeric_dtype(indicators[c])
            )
        ]
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        bad = [
            c
            for c in columns
            if c not in indicators.columns
            or not (
                pd.api.types.is_bool_dtype(indicators[c])
                or pd.api.types.is_numeric_dtype(indicators[c])
            )
        ]
        if bad:
            raise ConfigError(
                f"columns must name numeric or yes/no columns of the indicators frame; "
                f"received {bad}; leave columns=None to describe all of them"
            )
    if not columns:
        raise ConfigError(
            "the indicators frame has no numeric or yes/no column to describe; "
            "pass the output of analyse.stats.relations.indicators(ds)"
        )

    group_cols = by if by else ["_all"]
    frame = indicators[by + columns].copy() if by else indicators[columns].assign(_all=0)
    for c in group_cols:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            frame[c] = frame[c].cat.remove_unused_categories()
    long = frame.melt(id_vars=group_cols, value_vars=columns, var_name="indicator")
    long["value"] = pd.to_numeric(long["value"].astype("Float64"), errors="coerce").astype(float)
    # NaN where the value is missing, so that mean() skips it like the other statistics.
    long["positive"] = (long["value"] > 0).astype(float).where(long["value"].notna())
    keys = [*group_cols, "indicator"]
    grouped = long.groupby(keys, observed=True, sort=False)
    values = grouped["value"]
    out = pd.DataFrame(
        {
            "n": values.count(),
            "mean": values.mean(),
            "sd": values.std(ddof=1),
            "min": values.min(),
            "q1": values.quantile(0.25),
            "median": values.median(),
            "q3": values.quantile(0.75),
            "max": values.max(),
            "share_positive": grouped["positive"].mean(),
        }
    ).reset_index()
    out["n"] = out["n"].astype("int64")
    order = {c: i for i, c in enumerate(columns)}
    out["_order"] = out["indicator"].map(order)
    out = out.sort_values([*group_cols, "_order"], kind="stable").drop(columns="_order")
    if not by:
        out = out.drop(columns="_all")
    return out.reset_index(drop=True)
