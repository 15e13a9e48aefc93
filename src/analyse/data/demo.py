"""A deterministic synthetic data set in the data contract, for demos, tests and benchmarks.

:func:`make_demo_tables` returns the seven tables of ``shared/data-contract.md`` with the
canonical English column names and codes; :func:`analyse.data.io.write_dataset` turns them into
files as a consultant would receive them (Danish headers and values, ``;``, BOM).

The content is made to look like a real development process so that every later step has
something to find:

- sites ``H1`` .. ``Hn`` with 4-16 residents each (about 10 on average); from six sites on,
  the last site has exactly four residents, so every steering-group number about it must be
  suppressed;
- each site tries one of the practices ``P1`` Fællesskabsgrupper, ``P2`` Netværksmøder,
  ``P3`` Frivillig-venner, or none (the comparison group); every practice and the comparison
  group occur from four sites on (three sites: two practices and the comparison group);
- pre and post waves; about 8 % of residents leave before post (attrition), about 5 % have a
  zero network in pre (an outcomes row and no relations);
- 0-15 relations per resident with staff over-represented; relations are kept, lost and
  gained between the waves; practice sites gain non-staff relations and more relations in
  which the resident gives something, comparison sites are unchanged on average;
- a planted effect: loneliness (3-9) falls by about one point from pre to post in practice
  sites and stays where it is in comparison sites;
- 8 statements about good relationships answered by 3-8 staff per site and by some residents
  in both waves (about 3 % missing); staff agree more in some sites than in others, and more
  after the trial in practice sites;
- 2-3 staff raters per resident and wave rate ``overall``, ``reciprocity`` and ``network``
  (1-5), correlated with the resident's simulated situation.

Everything is drawn from one ``np.random.default_rng(seed)`` in a fixed order, vectorised over
residents and relations (5,000 sites, about 50,000 residents and 800,000 relation rows, take a
few seconds).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from analyse.config import DEFAULT_SEED
from analyse.errors import ConfigError

__all__ = ["make_demo_tables", "MIN_SITES", "MAX_SITES", "PRACTICES", "ITEMS"]

MIN_SITES = 3
MAX_SITES = 5000

#: The practices tried: code, Danish name, short work description, start and end month.
PRACTICES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "P1",
        "Fællesskabsgrupper",
        "Ugentlige grupper om en fælles aktivitet (madlavning, musik, gåture), hvor borgerne "
        "skiftes til at stå for noget og bidrage til de andre.",
        "2026-02",
        "2026-08",
    ),
    (
        "P2",
        "Netværksmøder",
        "Borger, pårørende og personale mødes, tegner borgerens relationer og aftaler, hvordan "
        "gamle kontakter kan genoptages og nye styrkes.",
        "2026-03",
        "2026-09",
    ),
    (
        "P3",
        "Frivillig-venner",
        "Borgeren matches med en frivillig ven fra lokalsamfundet efter fælles interesser og "
        "ses med faste aftaler hver eller hver anden uge.",
        "2026-02",
        "2026-10",
    ),
)
NO_PRACTICE = "none"

#: The statements about good relationships: code, Danish text, English text, dimension.
ITEMS: tuple[tuple[str, str, str, str], ...] = (
    (
        "I1",
        "I en god relation giver begge parter noget til hinanden.",
        "In a good relationship both people give something to each other.",
        "reciprocity",
    ),
    (
        "I2",
        "Det er vigtigt, at borgeren kan hjælpe eller glæde den anden.",
        "It matters that the resident can help or bring joy to the other person.",
        "reciprocity",
    ),
    (
        "I3",
        "En god relation varer ved over tid.",
        "A good relationship lasts over time.",
        "stability",
    ),
    (
        "I4",
        "I en god relation ved man, hvornår man ses næste gang.",
        "In a good relationship you know when you will meet next.",
        "stability",
    ),
    (
        "I5",
        "En god relation er en, borgeren selv har valgt.",
        "A good relationship is one the resident has chosen.",
        "voluntariness",
    ),
    (
        "I6",
        "I en god relation kan man betro sig til hinanden.",
        "In a good relationship you can confide in each other.",
        "trust",
    ),
    (
        "I7",
        "Borgeren føler sig tryg sammen med den anden.",
        "The resident feels safe with the other person.",
        "trust",
    ),
    (
        "I8",
        "En god relation bygger på noget, man laver sammen.",
        "A good relationship is built on something you do together.",
        "shared_activity",
    ),
)
#: Population mean agreement (1-5) with each statement.
_ITEM_MEAN = np.array([4.3, 3.6, 4.0, 3.3, 4.1, 4.4, 4.5, 3.8])

# --------------------------------------------------------------------------- relations

_TYPES = np.array(
    ["family", "partner", "friend", "co_resident", "staff", "volunteer", "community", "other"]
)
#: Who is in a network before the trial (staff over-represented, as in botilbud).
#: By setting: in a botilbud (row 0) staff and co-residents dominate; in their own home
#: (row 1) residents have fewer co-residents and more family, friends and community.
_TYPE_P = np.array(
    [
        [0.20, 0.02, 0.07, 0.15, 0.36, 0.02, 0.10, 0.08],
        [0.24, 0.04, 0.11, 0.03, 0.28, 0.03, 0.18, 0.09],
    ]
)
_CLOSENESS_P = np.array(  # 1 inner, 2 middle, 3 outer
    [
        [0.55, 0.35, 0.10],
        [0.85, 0.15, 0.00],
        [0.35, 0.45, 0.20],
        [0.15, 0.50, 0.35],
        [0.20, 0.55, 0.25],
        [0.15, 0.50, 0.35],
        [0.05, 0.35, 0.60],
        [0.10, 0.40, 0.50],
    ]
)
_CONTACT = np.array(["daily", "weekly", "monthly", "rarely"])
_CONTACT_P = np.array(
    [
        [0.10, 0.40, 0.35, 0.15],
        [0.50, 0.40, 0.08, 0.02],
        [0.15, 0.45, 0.30, 0.10],
        [0.75, 0.20, 0.04, 0.01],
        [0.85, 0.13, 0.02, 0.00],
        [0.05, 0.60, 0.30, 0.05],
        [0.05, 0.45, 0.35, 0.15],
        [0.10, 0.30, 0.35, 0.25],
    ]
)
_INITIATIVE = np.array(["resident", "other", "staff", "mutual"])
_INITIATIVE_P = np.array(
    [
        [0.20, 0.45, 0.15, 0.20],
        [0.30, 0.20, 0.05, 0.45],
        [0.30, 0.25, 0.10, 0.35],
        [0.30, 0.25, 0.15, 0.30],
        [0.15, 0.05, 0.75, 0.05],
        [0.15, 0.35, 0.30, 0.20],
        [0.20, 0.30, 0.25, 0.25],
        [0.15, 0.35, 0.30, 0.20],
    ]
)
_GIVES_P = np.array([0.40, 0.75, 0.60, 0.45, 0.15, 0.35, 0.35, 0.25])
_RECEIVES_P = np.array([0.85, 0.90, 0.70, 0.50, 0.95, 0.85, 0.50, 0.60])
#: Probability that a relationship present in pre is still there in post.
_KEEP_P = np.array([0.95, 0.85, 0.80, 0.85, 0.75, 0.75, 0.70, 0.65])
#: Types of the relationships gained by ordinary turnover: the mix of those expected to be
#: lost (a new staff member for one who left), so the mix stays the same without a practice.
_TURNOVER_P = _TYPE_P * (1 - _KEEP_P) / (_TYPE_P * (1 - _KEEP_P)).sum(axis=1, keepdims=True)
#: Types of the relationships a practice adds (non-staff), by practice P1, P2, P3.
_GAIN_TYPE_P = np.array(
    [
        [0.00, 0.00, 0.30, 0.35, 0.00, 0.05, 0.25, 0.05],  # Fællesskabsgrupper
        [0.45, 0.05, 0.25, 0.00, 0.00, 0.00, 0.15, 0.10],  # Netværksmøder
        [0.00, 0.00, 0.20, 0.00, 0.00, 0.60, 0.20, 0.00],  # Frivillig-venner
    ]
)
#: Mean number of relationships a practice adds per resident.
_PRACTICE_GAIN = 1.6
#: Planted effect: change in loneliness (3-9) from pre to post in practice sites.
_LONELINESS_EFFECT = -1.0
#: SD of each site's own deviation from its practice's change (site x time variation), for
#: loneliness (scale points) and for the latent resource behind satisfaction.
_SITE_TIME_SD = (0.4, 0.2)

_AGE_BANDS = np.array(["18-29", "30-49", "50-64", "65+"])
_AGE_P = np.array([0.22, 0.36, 0.28, 0.14])
_RESPONDENTS = np.array(["self", "assisted", "proxy"])
_RESPONDENT_P = np.array([0.45, 0.38, 0.17])
_ASPECTS = np.array(["overall", "reciprocity", "network"])

_WIDTH_RESIDENT = 5
_WIDTH_ALTER = 7
_WIDTH_STAFF = 4


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _draw_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix (index 0..k-1)."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(probs))
    return (u[:, None] > cum).sum(axis=1)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Pseudonyms ``prefix`` + zero-padded number, as an object array."""
    width = max(width, len(str(int(numbers.max()))) if len(numbers) else width)
    return (prefix + pd.Series(numbers, dtype="int64").astype(str).str.zfill(width)).to_numpy(
        dtype=object
    )


def _rating(x: np.ndarray, low: int, high: int) -> np.ndarray:
    return np.clip(np.rint(x), low, high).astype("int64")


def _int_na(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(values.astype("int64"), missing.astype(bool))


def _str_na(values: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    s = pd.Series(values, dtype=object)
    if missing is not None:
        s[missing] = pd.NA
    return s.astype("string")


def _practice_codes(rng: np.random.Generator, n_sites: int) -> np.ndarray:
    """The practice of each site: every practice and the comparison group at least once."""
    codes = np.array([p[0] for p in PRACTICES] + [NO_PRACTICE])
    if n_sites < len(codes):
        chosen = np.sort(rng.choice(codes[:-1], size=n_sites - 1, replace=False))
        return rng.permutation(np.concatenate([chosen, [NO_PRACTICE]]))
    extra = rng.choice(codes, size=n_sites - len(codes), p=[0.24, 0.24, 0.22, 0.30])
    return rng.permutation(np.concatenate([codes, extra]))


def make_demo_tables(n_sites: int = 8, *, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """A deterministic synthetic data set in the data contract.

    Parameters
    ----------
    n_sites : int
        Number of sites (botilbud or home-support teams), 3 to 5,000. About ten residents
        per site.
    seed : int
        Seed of ``np.random.default_rng``; the same seed and size give identical tables.

    Returns
    -------
    dict of str to pandas.DataFrame
        The seven tables of the contract, keyed by canonical name, with canonical English
        column names and codes (identifiers and codes as ``string``, numbers as ``Int64``,
        yes/no columns as the strings ``"yes"``/``"no"``):

        - ``residents``: resident_id, site_id, setting, practice, age_band
        - ``relations``: resident_id, wave, alter_id, alter_type, closeness, contact,
          resident_gives, resident_receives, initiative
        - ``outcomes``: resident_id, wave, loneliness, satisfaction, wants_more, respondent
        - ``understanding``: respondent_id, role, site_id, wave, item, rating
        - ``items``: item, text_da, text_en, dimension
        - ``assessments``: rater_id, resident_id, wave, aspect, rating
        - ``practices``: practice, name_da, description, site_id, start, end

    Raises
    ------
    ConfigError
        If ``n_sites`` is not a whole number from 3 to 5,000 or ``seed`` is not a whole
        number.

    Notes
    -----
    Each resident has a latent social resource ``z`` (standard normal, 30 % of its
    variance shared within the site) that drives network size, the share of relationships in
    which the resident gives something, loneliness, satisfaction and the staff's ratings.
    Loneliness is ``round(6.2 - z + e)`` in pre, and in post the same latent score plus
    ``-1`` in practice sites (0 in comparison sites) plus the site's own deviation (site x
    time variation, SD 0.4: sites carry out a practice each their own way; SD 0.2 on the
    latent score behind satisfaction) plus new noise, clipped to 3-9. Each
    relationship of pre is kept with a type-dependent probability (65-95 %); every resident
    in post gains on average as many relationships as they are expected to lose, with the
    types of the expected losses (a new staff member for one who left), so without a
    practice both the size and the mix of the networks stay the same on average. Residents
    of practice sites gain on average 1.6 non-staff relationships more, of the kinds the
    practice creates, more often ones in which they give something, and start giving in
    about a fifth of the relationships they keep. Staff answers to the statements
    are ``round(item mean + site deviation + rater bias + noise)``; the noise's standard
    deviation differs between sites (0.35-1.2) and shrinks by 40 % after the trial in
    practice sites, which is what "more shared understanding" looks like in the data.

    Examples
    --------
    >>> tables = make_demo_tables(6, seed=1)
    >>> list(tables)
    ['residents', 'relations', 'outcomes', 'understanding', 'items', 'assessments', 'practices']
    >>> tables["residents"]["site_id"].unique().tolist()
    ['H1', 'H2', 'H3', 'H4', 'H5', 'H6']
    >>> int((tables["residents"]["site_id"] == "H6").sum())
    4
    >>> make_demo_tables(6, seed=1)["relations"].equals(tables["relations"])
    True
    """
    if isinstance(n_sites, bool) or not isinstance(n_sites, int | np.integer):
        raise ConfigError(
            f"n_sites must be a whole number from {MIN_SITES} to {MAX_SITES}; "
            f"received {n_sites!r} ({type(n_sites).__name__}). Pass e.g. n_sites=8."
        )
    if not MIN_SITES <= n_sites <= MAX_SITES:
        raise ConfigError(
            f"n_sites must be from {MIN_SITES} to {MAX_SITES}; received {n_sites}. "
            f"Choose a number of sites in that range."
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfigError(
            f"seed must be a non-negative whole number; received {seed!r}. Pass e.g. seed=1."
        )
    n_sites = int(n_sites)
    rng = np.random.default_rng(int(seed))
    w, residents = _sites_and_residents(rng, n_sites)
    relations = _relations(rng, w)
    outcomes = _outcomes(rng, w, np.random.default_rng([int(seed), 24]))
    understanding, items = _understanding(rng, w)
    assessments = _assessments(rng, w)
    practices = _practices_table(w)
    return {
        "residents": residents,
        "relations": relations,
        "outcomes": outcomes,
        "understanding": understanding,
        "items": items,
        "assessments": assessments,
        "practices": practices,
    }


def make_realistic_tables(
    sizes: list[int], *, seed: int = 7, dropout: float = 0.1, missing: int = 4
) -> dict[str, pd.DataFrame]:
    """Demo tables reshaped to sites of ``sizes`` residents, with dropout and missing answers.

    What a disclosure reviewer tries a gate on (issue 23): the demo generator's residents
    assessed in both waves, dealt out to sites ``H1, H2, ...`` of the given sizes (practices
    P1, P1, P2, none, P2, none, P3 in turn), about ``dropout`` of them without a
    post-measurement, and ``missing`` more missing answers (loneliness or satisfaction) on top of
    the generator's own. Used by ``benchmarks/bench_disclosure.py`` and the tests of the share
    shown.

    Parameters
    ----------
    sizes
        Residents of each site.
    seed
        Seeds the generator and the draws of dropout and missing answers.
    dropout
        Share of residents with no measurement after the pre-measurement.
    missing
        Further missing answers.

    Returns
    -------
    dict of pandas.DataFrame
        The tables, as :func:`make_demo_tables`.
    """
    rng = np.random.default_rng(seed)
    tables = make_demo_tables(n_sites=max(8, sum(sizes) // 8 + 8), seed=seed)
    res = tables["residents"].drop_duplicates("resident_id").reset_index(drop=True)
    # only residents assessed in both waves by the generator, so dropout is ours to set
    oc = tables["outcomes"]
    both = oc.groupby("resident_id")["wave"].nunique()
    res = res[res["resident_id"].isin(both.index[both >= 2])].reset_index(drop=True)
    if len(res) < sum(sizes):
        raise ConfigError(f"the generator gave {len(res)} residents; {sum(sizes)} needed")
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
            if name == "understanding":  # a resident answers in the site dealt to them
                resident = frame["role"].astype(str) == "resident"
                ids = frame["respondent_id"].astype(str)
                frame = frame[~resident | ids.isin(site_of)].copy()
                resident = frame["role"].astype(str) == "resident"
                ids = frame["respondent_id"].astype(str)
                frame.loc[resident, "site_id"] = ids[resident].map(site_of)
        out[name] = frame.reset_index(drop=True)
    oc = out["outcomes"]
    for _ in range(missing):
        row = int(rng.integers(len(oc)))
        col = ["loneliness", "satisfaction"][int(rng.integers(2))]
        oc.loc[oc.index[row], col] = pd.NA
    return out


def _sites_and_residents(rng: np.random.Generator, n_sites: int) -> tuple:
    """The sites, their practices and the residents (with the latent resource ``z``)."""
    # ------------------------------------------------------------------ sites
    site_ids = np.array([f"H{i}" for i in range(1, n_sites + 1)], dtype=object)
    size = rng.integers(4, 17, size=n_sites)
    if n_sites >= 6:
        size[-1] = 4
    site_practice = _practice_codes(rng, n_sites)
    site_treated = site_practice != NO_PRACTICE
    site_setting = np.where(rng.random(n_sites) < 0.75, "residential", "own_home")
    site_effect = rng.normal(0.0, 1.0, n_sites)
    n_staff = rng.integers(3, 9, size=n_sites)

    # ------------------------------------------------------------------ residents
    n_res = int(size.sum())
    site_of = np.repeat(np.arange(n_sites), size)
    numbers = np.sort(
        rng.choice(10 ** max(_WIDTH_RESIDENT, len(str(3 * n_res))) - 1, size=n_res, replace=False)
        + 1
    )
    # ids increase with site order, so the residents table reads naturally
    resident_ids = _ids("B", numbers, _WIDTH_RESIDENT)
    age = rng.choice(len(_AGE_BANDS), size=n_res, p=_AGE_P)
    age_missing = rng.random(n_res) < 0.03
    treated = site_treated[site_of]
    own_home = (site_setting == "own_home")[site_of].astype(int)
    practice_idx = np.searchsorted(np.array([p[0] for p in PRACTICES]), site_practice[site_of])
    z = np.sqrt(0.3) * site_effect[site_of] + np.sqrt(0.7) * rng.normal(size=n_res)
    has_post = rng.random(n_res) >= 0.08
    zero_pre = rng.random(n_res) < 0.05

    residents = pd.DataFrame(
        {
            "resident_id": _str_na(resident_ids),
            "site_id": _str_na(site_ids[site_of]),
            "setting": _str_na(site_setting[site_of]),
            "practice": _str_na(site_practice[site_of]),
            "age_band": _str_na(_AGE_BANDS[age], age_missing),
        }
    )
    state = SimpleNamespace(
        has_post=has_post,
        n_res=n_res,
        n_staff=n_staff,
        own_home=own_home,
        practice_idx=practice_idx,
        resident_ids=resident_ids,
        site_ids=site_ids,
        site_of=site_of,
        site_practice=site_practice,
        site_treated=site_treated,
        treated=treated,
        z=z,
        zero_pre=zero_pre,
        n_sites=n_sites,
    )
    return state, residents


def _relations(rng: np.random.Generator, w: SimpleNamespace) -> tuple:
    """Relationships before and after: kept, lost and gained (the practices' gains)."""
    has_post, n_res, own_home, practice_idx, resident_ids, treated, z, zero_pre = (
        w.has_post,
        w.n_res,
        w.own_home,
        w.practice_idx,
        w.resident_ids,
        w.treated,
        w.z,
        w.zero_pre,
    )
    # ------------------------------------------------------------------ relations, pre
    lam = np.exp(np.log(7.5) + 0.35 * z)
    k_pre = np.clip(rng.poisson(lam), 1, 15)
    k_pre[zero_pre] = 0
    pre_res = np.repeat(np.arange(n_res), k_pre)
    n_pre = len(pre_res)
    pre_type = _draw_rows(rng, _TYPE_P[own_home[pre_res]])
    pre_close = _draw_rows(rng, _CLOSENESS_P[pre_type]) + 1
    pre_contact = _draw_rows(rng, _CONTACT_P[pre_type])
    gives_logit = _logit(_GIVES_P)
    pre_gives = rng.random(n_pre) < _sigmoid(gives_logit[pre_type] + 0.4 * z[pre_res])
    pre_receives = rng.random(n_pre) < _RECEIVES_P[pre_type]
    pre_init = _draw_rows(rng, _INITIATIVE_P[pre_type])
    pre_init_missing = rng.random(n_pre) < 0.10

    # ------------------------------------------------------------------ relations, post
    # kept relationships (of residents still there in post)
    keep = has_post[pre_res] & (rng.random(n_pre) < _KEEP_P[pre_type])
    kept = np.flatnonzero(keep)
    k_res = pre_res[kept]
    k_type = pre_type[kept]
    shift = rng.choice([-1, 0, 1], size=len(kept), p=[0.08, 0.84, 0.08])
    k_close = np.clip(pre_close[kept] + shift, 1, 3)
    k_contact = np.where(
        rng.random(len(kept)) < 0.15, _draw_rows(rng, _CONTACT_P[k_type]), pre_contact[kept]
    )
    redraw = rng.random(len(kept)) < 0.10
    k_gives = np.where(
        redraw,
        rng.random(len(kept)) < _sigmoid(gives_logit[k_type] + 0.4 * z[k_res]),
        pre_gives[kept],
    )
    # practices: the resident starts giving in some relationships
    k_gives = k_gives | (treated[k_res] & (rng.random(len(kept)) < 0.22))
    k_receives = np.where(
        rng.random(len(kept)) < 0.10,
        rng.random(len(kept)) < _RECEIVES_P[k_type],
        pre_receives[kept],
    )
    k_init = np.where(
        rng.random(len(kept)) < 0.15, _draw_rows(rng, _INITIATIVE_P[k_type]), pre_init[kept]
    )
    k_init_missing = rng.random(len(kept)) < 0.10

    # background turnover: on average as many gained as expected to be lost
    expected_loss = np.bincount(pre_res, weights=1.0 - _KEEP_P[pre_type], minlength=n_res)
    g_base = np.where(has_post, rng.poisson(expected_loss), 0)
    g_prac = np.where(has_post & treated, rng.poisson(_PRACTICE_GAIN, n_res), 0)
    # never more than 15 relationships in post
    room = np.maximum(15 - np.bincount(k_res, minlength=n_res), 0)
    g_prac = np.minimum(g_prac, room)
    g_base = np.minimum(g_base, room - g_prac)
    gb_res = np.repeat(np.arange(n_res), g_base)
    gp_res = np.repeat(np.arange(n_res), g_prac)
    gb_type = _draw_rows(rng, _TURNOVER_P[own_home[gb_res]])
    gp_type = _draw_rows(rng, _GAIN_TYPE_P[practice_idx[gp_res]])
    g_res = np.concatenate([gb_res, gp_res])
    g_type = np.concatenate([gb_type, gp_type])
    from_practice = np.concatenate([np.zeros(len(gb_res), bool), np.ones(len(gp_res), bool)])
    n_gain = len(g_res)
    g_close = _draw_rows(rng, _CLOSENESS_P[g_type]) + 1
    g_contact = _draw_rows(rng, _CONTACT_P[g_type])
    g_gives = rng.random(n_gain) < _sigmoid(
        gives_logit[g_type] + 0.4 * z[g_res] + 1.0 * from_practice
    )
    g_receives = rng.random(n_gain) < _RECEIVES_P[g_type]
    g_init = _draw_rows(rng, _INITIATIVE_P[g_type])
    g_init_missing = rng.random(n_gain) < 0.10

    # alter pseudonyms: one per relationship of pre and one per gained relationship
    n_alters = n_pre + n_gain
    alter_numbers = (
        rng.choice(
            10 ** max(_WIDTH_ALTER, len(str(3 * n_alters))) - 1, size=n_alters, replace=False
        )
        + 1
    )
    alter_ids = _ids("R", alter_numbers, _WIDTH_ALTER)
    # order the alters of each resident by their number so rows read naturally
    rel_res = np.concatenate([pre_res, k_res, g_res])
    rel_wave = np.concatenate([np.zeros(n_pre, int), np.ones(len(kept) + n_gain, int)])
    rel_alter = np.concatenate([np.arange(n_pre), kept, n_pre + np.arange(n_gain)])
    order = np.lexsort((alter_numbers[rel_alter], rel_wave, rel_res))
    rel_type = np.concatenate([pre_type, k_type, g_type])[order]
    rel_close = np.concatenate([pre_close, k_close, g_close])[order]
    rel_contact = np.concatenate([pre_contact, k_contact, g_contact])[order]
    rel_gives = np.concatenate([pre_gives, k_gives, g_gives])[order]
    rel_receives = np.concatenate([pre_receives, k_receives, g_receives])[order]
    rel_init = np.concatenate([pre_init, k_init, g_init])[order]
    rel_init_missing = np.concatenate([pre_init_missing, k_init_missing, g_init_missing])[order]
    rel_res, rel_wave, rel_alter = rel_res[order], rel_wave[order], rel_alter[order]
    waves = np.array(["pre", "post"], dtype=object)
    yes_no = np.array(["no", "yes"], dtype=object)
    relations = pd.DataFrame(
        {
            "resident_id": _str_na(resident_ids[rel_res]),
            "wave": _str_na(waves[rel_wave]),
            "alter_id": _str_na(alter_ids[rel_alter]),
            "alter_type": _str_na(_TYPES.astype(object)[rel_type]),
            "closeness": _int_na(rel_close, np.zeros(len(rel_res), bool)),
            "contact": _str_na(_CONTACT.astype(object)[rel_contact]),
            "resident_gives": _str_na(yes_no[rel_gives.astype(int)]),
            "resident_receives": _str_na(yes_no[rel_receives.astype(int)]),
            "initiative": _str_na(_INITIATIVE.astype(object)[rel_init], rel_init_missing),
        }
    )
    w.__dict__.update(
        g_gives=g_gives,
        g_res=g_res,
        k_gives=k_gives,
        k_pre=k_pre,
        k_res=k_res,
        pre_gives=pre_gives,
        pre_res=pre_res,
        waves=waves,
    )
    return relations


def _outcomes(
    rng: np.random.Generator, w: SimpleNamespace, change_rng: np.random.Generator
) -> tuple:
    """Loneliness, satisfaction and wishes before and after (with site x time variation).

    ``change_rng`` draws how much each site's change differs from its practice's (the
    site x time variation of a real trial: each site carries out a practice its own way);
    a generator of its own, so every other table is the same with or without it.
    """
    has_post, n_res, resident_ids, treated, waves, z, site_of, n_sites = (
        w.has_post,
        w.n_res,
        w.resident_ids,
        w.treated,
        w.waves,
        w.z,
        w.site_of,
        w.n_sites,
    )
    # ------------------------------------------------------------------ outcomes
    post_idx = np.flatnonzero(has_post)
    n_post = len(post_idx)
    lonely_latent = 6.2 - 1.0 * z + rng.normal(0.0, 0.9, n_res)
    lonely_post = (
        lonely_latent[post_idx]
        + _LONELINESS_EFFECT * treated[post_idx]
        + rng.normal(0.0, 0.7, n_post)
    )
    z_post = z[post_idx] + 0.5 * treated[post_idx] + rng.normal(0.0, 0.25, n_post)
    site_time_lonely = change_rng.normal(0.0, _SITE_TIME_SD[0], n_sites)
    site_time_z = change_rng.normal(0.0, _SITE_TIME_SD[1], n_sites)
    lonely_post = lonely_post + site_time_lonely[site_of[post_idx]]
    z_post = z_post + site_time_z[site_of[post_idx]]
    resp_pre = rng.choice(len(_RESPONDENTS), size=n_res, p=_RESPONDENT_P)
    resp_post = np.where(
        rng.random(n_post) < 0.85,
        resp_pre[post_idx],
        rng.choice(len(_RESPONDENTS), size=n_post, p=_RESPONDENT_P),
    )
    out_res = np.concatenate([np.arange(n_res), post_idx])
    out_wave = np.concatenate([np.zeros(n_res, int), np.ones(n_post, int)])
    out_resp = np.concatenate([resp_pre, resp_post])
    out_z = np.concatenate([z, z_post])
    n_out = len(out_res)
    proxy = out_resp == 2
    lonely = _rating(np.concatenate([lonely_latent, lonely_post]), 3, 9)
    lonely_missing = rng.random(n_out) < np.where(proxy, 0.35, 0.03)
    satisfaction = _rating(3.1 + 0.8 * out_z + rng.normal(0.0, 0.7, n_out), 1, 5)
    satisfaction_missing = rng.random(n_out) < np.where(proxy, 0.20, 0.03)
    wants_yes = rng.random(n_out) < _sigmoid(-0.2 + 0.8 * (lonely - 6))
    wants_unknown = rng.random(n_out) < np.where(proxy, 0.30, 0.08)
    wants = np.where(wants_unknown, "unknown", np.where(wants_yes, "yes", "no")).astype(object)
    wants_missing = rng.random(n_out) < 0.03
    order = np.lexsort((out_wave, out_res))
    outcomes = pd.DataFrame(
        {
            "resident_id": _str_na(resident_ids[out_res[order]]),
            "wave": _str_na(waves[out_wave[order]]),
            "loneliness": _int_na(lonely[order], lonely_missing[order]),
            "satisfaction": _int_na(satisfaction[order], satisfaction_missing[order]),
            "wants_more": _str_na(wants[order], wants_missing[order]),
            "respondent": _str_na(_RESPONDENTS.astype(object)[out_resp[order]]),
        }
    )
    w.__dict__.update(
        post_idx=post_idx,
        resp_pre=resp_pre,
        z_post=z_post,
    )
    return outcomes


def _understanding(rng: np.random.Generator, w: SimpleNamespace) -> tuple:
    """Staff's and residents' answers to the statements, and the items table."""
    (
        has_post,
        n_res,
        n_staff,
        resident_ids,
        resp_pre,
        site_ids,
        site_of,
        site_treated,
        waves,
        n_sites,
    ) = (
        w.has_post,
        w.n_res,
        w.n_staff,
        w.resident_ids,
        w.resp_pre,
        w.site_ids,
        w.site_of,
        w.site_treated,
        w.waves,
        w.n_sites,
    )
    # ------------------------------------------------------------------ understanding
    n_items = len(ITEMS)
    item_codes = np.array([it[0] for it in ITEMS], dtype=object)
    total_staff = int(n_staff.sum())
    staff_site = np.repeat(np.arange(n_sites), n_staff)
    staff_ids = _ids("M", np.arange(1, total_staff + 1), _WIDTH_STAFF)
    staff_first = np.concatenate([[0], np.cumsum(n_staff)[:-1]])
    staff_bias = rng.normal(0.0, 0.25, total_staff)
    staff_post = rng.random(total_staff) < 0.90
    site_item_dev = rng.normal(0.0, 0.35, (n_sites, n_items))
    site_sd_pre = rng.uniform(0.35, 1.2, n_sites)
    site_sd_post = site_sd_pre * np.where(site_treated, 0.6, 1.0)
    site_dev_post = site_item_dev * np.where(site_treated, 0.6, 1.0)[:, None]

    # staff rows: respondent x wave x item
    s_resp = np.concatenate([np.arange(total_staff), np.flatnonzero(staff_post)])
    s_wave = np.concatenate([np.zeros(total_staff, int), np.ones(int(staff_post.sum()), int)])
    s_resp = np.repeat(s_resp, n_items)
    s_wave = np.repeat(s_wave, n_items)
    s_item = np.tile(np.arange(n_items), len(s_resp) // n_items)
    s_site = staff_site[s_resp]
    s_sd = np.where(s_wave == 1, site_sd_post[s_site], site_sd_pre[s_site])
    s_dev = np.where(s_wave == 1, site_dev_post[s_site, s_item], site_item_dev[s_site, s_item])
    s_rating = _rating(
        _ITEM_MEAN[s_item] + s_dev + staff_bias[s_resp] + rng.normal(0.0, 1.0, len(s_resp)) * s_sd,
        1,
        5,
    )
    s_missing = rng.random(len(s_resp)) < 0.02

    # resident rows: about a third of the residents who answer themselves
    answers = (resp_pre != 2) & (rng.random(n_res) < 0.35)
    r_who = np.concatenate([np.flatnonzero(answers), np.flatnonzero(answers & has_post)])
    r_wave = np.concatenate(
        [np.zeros(int(answers.sum()), int), np.ones(int((answers & has_post).sum()), int)]
    )
    r_who = np.repeat(r_who, n_items)
    r_wave = np.repeat(r_wave, n_items)
    r_item = np.tile(np.arange(n_items), len(r_who) // n_items)
    r_rating = _rating(
        _ITEM_MEAN[r_item]
        - 0.2
        + 0.5 * site_item_dev[site_of[r_who], r_item]
        + rng.normal(0.0, 1.1, len(r_who)),
        1,
        5,
    )
    r_missing = rng.random(len(r_who)) < 0.06

    u_site = np.concatenate([s_site, site_of[r_who]])
    u_wave = np.concatenate([s_wave, r_wave])
    u_role = np.concatenate([np.zeros(len(s_resp), int), np.ones(len(r_who), int)])
    u_order = np.lexsort(
        (np.concatenate([s_item, r_item]), u_wave, np.concatenate([s_resp, r_who]), u_role, u_site)
    )
    understanding = pd.DataFrame(
        {
            "respondent_id": _str_na(
                np.concatenate([staff_ids[s_resp], resident_ids[r_who]])[u_order]
            ),
            "role": _str_na(np.array(["staff", "resident"], dtype=object)[u_role[u_order]]),
            "site_id": _str_na(site_ids[u_site[u_order]]),
            "wave": _str_na(waves[u_wave[u_order]]),
            "item": _str_na(item_codes[np.concatenate([s_item, r_item])[u_order]]),
            "rating": _int_na(
                np.concatenate([s_rating, r_rating])[u_order],
                np.concatenate([s_missing, r_missing])[u_order],
            ),
        }
    )

    items = pd.DataFrame(
        {
            "item": pd.array([it[0] for it in ITEMS], dtype="string"),
            "text_da": pd.array([it[1] for it in ITEMS], dtype="string"),
            "text_en": pd.array([it[2] for it in ITEMS], dtype="string"),
            "dimension": pd.array([it[3] for it in ITEMS], dtype="string"),
        }
    )
    w.__dict__.update(
        staff_first=staff_first,
        staff_ids=staff_ids,
        total_staff=total_staff,
    )
    return understanding, items


def _assessments(rng: np.random.Generator, w: SimpleNamespace) -> tuple:
    """Two or three staff rate each resident's situation in each wave."""
    (
        g_gives,
        g_res,
        has_post,
        k_gives,
        k_pre,
        k_res,
        n_res,
        n_staff,
        post_idx,
        pre_gives,
        pre_res,
        resident_ids,
        site_of,
        staff_first,
        staff_ids,
        total_staff,
        waves,
        z,
        z_post,
    ) = (
        w.g_gives,
        w.g_res,
        w.has_post,
        w.k_gives,
        w.k_pre,
        w.k_res,
        w.n_res,
        w.n_staff,
        w.post_idx,
        w.pre_gives,
        w.pre_res,
        w.resident_ids,
        w.site_of,
        w.staff_first,
        w.staff_ids,
        w.total_staff,
        w.waves,
        w.z,
        w.z_post,
    )
    # ------------------------------------------------------------------ assessments
    # 2-3 distinct raters per resident from the site's staff, the same in both waves
    n_raters = rng.integers(2, 4, size=n_res)
    keys = rng.random((n_res, 8))
    keys[np.arange(8)[None, :] >= n_staff[site_of][:, None]] = np.inf
    picks = np.argsort(keys, axis=1, kind="stable")[:, :3]
    take = np.arange(3)[None, :] < n_raters[:, None]
    a_res0 = np.repeat(np.arange(n_res), n_raters)
    a_rater0 = (staff_first[site_of][:, None] + picks)[take]
    # the resident's situation in each wave
    k_post = np.bincount(np.concatenate([k_res, g_res]), minlength=n_res)
    gives_pre = np.bincount(pre_res, weights=pre_gives, minlength=n_res)
    gives_post = np.bincount(
        np.concatenate([k_res, g_res]),
        weights=np.concatenate([k_gives, g_gives]).astype(float),
        minlength=n_res,
    )
    z_wave = np.stack([z, np.zeros(n_res)])
    z_wave[1, post_idx] = z_post
    k_wave = np.stack([k_pre, k_post]).astype(float)
    share = np.stack([gives_pre / np.maximum(k_pre, 1), gives_post / np.maximum(k_post, 1)])
    truth = np.stack(
        [
            3.0 + 0.9 * z_wave,  # overall
            1.5 + 3.0 * share,  # reciprocity
            1.0 + 4.0 * np.minimum(k_wave, 12) / 12,  # network
        ]
    )  # aspect x wave x resident
    rater_bias = rng.normal(0.0, 0.35, total_staff)
    a_post = has_post[a_res0]
    a_res = np.concatenate([a_res0, a_res0[a_post]])
    a_rater = np.concatenate([a_rater0, a_rater0[a_post]])
    a_wave = np.concatenate([np.zeros(len(a_res0), int), np.ones(int(a_post.sum()), int)])
    n_a = len(a_res)
    a_res = np.repeat(a_res, 3)
    a_rater = np.repeat(a_rater, 3)
    a_wave = np.repeat(a_wave, 3)
    a_aspect = np.tile(np.arange(3), n_a)
    a_rating = _rating(
        truth[a_aspect, a_wave, a_res] + rater_bias[a_rater] + rng.normal(0.0, 0.6, len(a_res)),
        1,
        5,
    )
    a_order = np.lexsort((a_aspect, a_rater, a_wave, a_res))
    assessments = pd.DataFrame(
        {
            "rater_id": _str_na(staff_ids[a_rater[a_order]]),
            "resident_id": _str_na(resident_ids[a_res[a_order]]),
            "wave": _str_na(waves[a_wave[a_order]]),
            "aspect": _str_na(_ASPECTS.astype(object)[a_aspect[a_order]]),
            "rating": _int_na(a_rating[a_order], np.zeros(len(a_res), bool)),
        }
    )
    return assessments


def _practices_table(w: SimpleNamespace) -> pd.DataFrame:
    """The practices tried, one row each."""
    site_ids, site_practice = w.site_ids, w.site_practice
    # ------------------------------------------------------------------ practices
    used = [p for p in PRACTICES if p[0] in set(site_practice)]
    where = [site_ids[site_practice == p[0]] for p in used]
    practices = pd.DataFrame(
        {
            "practice": pd.array([p[0] for p in used], dtype="string"),
            "name_da": pd.array([p[1] for p in used], dtype="string"),
            "description": pd.array([p[2] for p in used], dtype="string"),
            # one row per practice: the site only when the practice is tried at one site
            "site_id": pd.array([w[0] if len(w) == 1 else pd.NA for w in where], dtype="string"),
            "start": pd.array([p[3] for p in used], dtype="string"),
            "end": pd.array([p[4] for p in used], dtype="string"),
        }
    )
    return practices
