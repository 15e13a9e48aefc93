"""What the reports of a run share, computed once (the overview's context builds it), and
:func:`load`, which opens one report's context from it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.config import DEFAULT_MIN_CELL, DEFAULT_SEED, Audience, Lang
from analyse.data.dataset import Dataset
from analyse.errors import ConfigError
from analyse.privacy import gate as privacy
from analyse.report.sections import (
    ALL,
    TOTAL,
    Context,
    Figure,
    afproevning,
    behov,
    check_primary_outcome,
    faelles_forstaaelse,
    kortlaegning,
    shown_share,
    trial_family_table,
    trial_long,
)


def load(
    dataset: str | Path,
    *,
    site: str = ALL,
    audience: Audience = "steering",
    lang: Lang = "da",
    min_cell: int = DEFAULT_MIN_CELL,
    seed: int = DEFAULT_SEED,
    primary_outcome: str | None = None,
) -> Context:
    """The context of one report: reads a raw folder, a workbook or a prepared folder.

    ``primary_outcome`` (default None: Holm over all the report's *bedre*/*værre*) is checked
    by :func:`analyse.report.sections.check_primary_outcome`.
    """
    from analyse.data.prepare import is_prepared
    from analyse.data.prepare import load as load_data

    if audience not in ("steering", "consultant"):
        raise ConfigError(f"audience must be 'steering' or 'consultant'; received {audience!r}.")
    if lang not in ("da", "en"):
        raise ConfigError(f"lang must be 'da' or 'en'; received {lang!r}.")
    min_cell = privacy.check_min_cell(min_cell)
    primary_outcome = check_primary_outcome(primary_outcome)
    cache: dict = {}
    if is_prepared(dataset):
        # The run's shared results (computed once); a site report then reads only its site.
        folder = Path(dataset)
        cache = _shared_cache(folder, site=site, lang=lang, min_cell=min_cell, seed=seed)
        if site != ALL:
            ds = _site_dataset(folder, cache.pop("site_tables"))
        else:
            ds = load_data(folder, lang=lang)
    else:
        ds = load_data(dataset, lang=lang)
        if site != ALL and site not in ds.sites:
            raise ConfigError(
                f"site {site!r} is not in the data set; it has {', '.join(ds.sites)}."
            )
    manifest = {}
    path = Path(dataset) / "manifest.json"
    if path.exists():
        manifest = json.loads(path.read_text(encoding="utf-8"))
    return Context(
        ds, site, audience, lang, min_cell, seed, manifest, cache, primary_outcome=primary_outcome
    )


#: Tables with a site column, and tables linked to a site through their resident.
_SITE_TABLES = ("residents", "understanding")

_RESIDENT_TABLES = ("relations", "outcomes", "assessments")


def _site_tables(ds: Dataset) -> dict[str, dict[str, pd.DataFrame]]:
    """Every site's rows of every table (one pass per table): what a site's report reads.

    Its residents, their relations, outcomes and assessments, the site's understanding
    answers, and all items and practices (small tables without residents).
    """
    from analyse.data.schema import TABLES

    site_of = ds.residents.drop_duplicates("resident_id").set_index("resident_id")["site_id"]
    site_of = site_of.astype(str)
    out: dict[str, dict[str, pd.DataFrame]] = {s: {} for s in ds.sites}
    for name in TABLES:
        frame = getattr(ds, name)
        if name in _SITE_TABLES:
            codes = frame["site_id"].astype(str).to_numpy()
        elif name in _RESIDENT_TABLES:
            codes = frame["resident_id"].astype(str).map(site_of).astype(str).to_numpy()
        else:
            for s in ds.sites:
                out[s][name] = frame.reset_index(drop=True)
            continue
        rows = pd.Series(np.arange(len(frame))).groupby(codes, sort=False).indices
        empty = np.array([], dtype=np.int64)
        for s in ds.sites:
            out[s][name] = frame.iloc[rows.get(str(s), empty)].reset_index(drop=True)
    return out


def _site_dataset(folder: Path, tables: dict[str, pd.DataFrame]) -> Dataset:
    """A site's :class:`Dataset` from its rows in the shared results (already canonical)."""
    from analyse.data.schema import TABLES

    ds = Dataset(**tables)
    info = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    ds.sources = {n: f"{folder.name}/{n}.parquet" for n in TABLES}
    ds.warnings = list(info.get("warnings", []))
    return ds


def precompute(
    ds: Dataset, *, lang: Lang = "da", min_cell: int = DEFAULT_MIN_CELL, seed: int = DEFAULT_SEED
) -> dict:
    """Everything the reports of a run share: computed once, by building the overview."""
    import matplotlib.pyplot as plt

    from analyse.report import main_results

    ctx = Context(ds, ALL, "steering", lang, min_cell, seed)
    ctx.cache["waves"] = ds.waves
    ctx.cache["sites"] = ds.sites
    # Not main_results.sammenligning: the practice-vs-comparison model is the overview's alone
    # (its own gate, on the shared group gate), so the overview's report fits it, in parallel
    # with the site reports, instead of every report waiting for it here.
    sections = (kortlaegning, behov, faelles_forstaaelse, afproevning)
    sections += (main_results.hovedresultater,)
    for section in sections:
        for item in section(ctx):
            if isinstance(item, Figure):
                plt.close(item.figure)
    # The sites' before/after tables are one family over every site, even now that the
    # overview shows no pooled before/after table: each site report reads its part from here,
    # never a family gated over its own site alone.
    trial_family_table(ctx, trial_long(ctx))
    return ctx.cache


#: Entries of the shared results that only the builders of families need (not kept in slices).
_BUILD_ONLY = ("trial_cells", "turnover_frame")


def cache_dir(folder: Path, *, min_cell: int, seed: int) -> Path:
    """Where a prepared folder keeps the shared results of reports with these parameters."""
    return Path(folder) / f".report-cache-{min_cell}-{seed}"


def _slice_file(site: str) -> str:
    import hashlib

    if site == ALL:
        return "overview.pkl"
    return f"site-{hashlib.sha256(str(site).encode('utf-8')).hexdigest()[:24]}.pkl"


def _slice(cache: dict, site: str, rows: dict[str, dict] | None = None) -> dict:
    """The part of the shared results that one report needs: its own table of each family.

    ``rows``: for each of :data:`_PER_SITE_ROWS`, the positions of each site's rows.
    """
    out = {}
    for name, value in cache.items():
        if name in _BUILD_ONLY:
            continue
        if name.startswith("family:"):
            key = TOTAL if site == ALL else site
            if key not in value:
                if name.startswith("family:roles_"):
                    # columns this site does not publish: the report must not compute the
                    # family again from its own rows, so it gets the family without its table
                    out[name] = value.subset([])
                continue  # a family this report shows nothing of (a practice's site parts)
            subset = getattr(value, "subset", None)
            out[name] = subset([key]) if subset else {key: value[key]}
        elif name == "staff_agreement" and site != ALL:
            out[name] = {site: value[site]}
        elif name in _PER_SITE_ROWS:
            if site == ALL:
                out[name] = value
            else:
                where = (rows or {}).get(name) or _site_positions(value)
                out[name] = value.iloc[where.get(str(site), np.array([], dtype=np.int64))]
    return out


#: Shared results with a row per resident: a site's report gets its own site's rows.
_PER_SITE_ROWS = ("indicators", "trial_long")


def _site_positions(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The positions of each site's rows (one pass)."""
    return (
        pd.Series(np.arange(len(frame)))
        .groupby(frame["site_id"].astype(str).to_numpy(), sort=False)
        .indices
    )


def write_shared_cache(
    folder: Path,
    ds: Dataset,
    *,
    lang: Lang = "da",
    min_cell: int = DEFAULT_MIN_CELL,
    seed: int = DEFAULT_SEED,
) -> Path:
    """Compute the run's shared results once and store them beside the prepared data.

    One file of results every report uses (``common.pkl``: indicators, the trial's long
    table ...) and one file per report with its own table of each suppressed family, so a
    report loads what it shows, not the whole run's families (which grow with the sites).
    Written to a temporary folder and moved into place: a reader sees all or nothing.
    """
    import os
    import pickle
    import shutil
    import tempfile

    target = cache_dir(folder, min_cell=min_cell, seed=seed)
    if target.exists():
        return target
    cache = precompute(ds, lang=lang, min_cell=min_cell, seed=seed)
    tmp = Path(tempfile.mkdtemp(prefix=".report-cache-tmp-", dir=folder))
    try:
        sliced = {n for n in cache if n.startswith("family:") or n in _BUILD_ONLY}
        sliced |= {"staff_agreement", *_PER_SITE_ROWS}
        common = {n: v for n, v in cache.items() if n not in sliced}
        with open(tmp / "common.pkl", "wb") as f:
            pickle.dump(common, f, protocol=pickle.HIGHEST_PROTOCOL)
        site_tables = _site_tables(ds)
        rows = {n: _site_positions(cache[n]) for n in _PER_SITE_ROWS if n in cache}
        for site in [*ds.sites, ALL]:
            part = _slice(cache, site, rows)
            if site != ALL:
                part["site_tables"] = site_tables[site]
            if site == ALL and "staff_agreement" in cache:
                part["staff_agreement"] = cache["staff_agreement"]
            with open(tmp / _slice_file(site), "wb") as f:
                pickle.dump(part, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not target.exists():
            raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def _shared_cache(folder: Path, *, site: str = ALL, lang: Lang, min_cell: int, seed: int) -> dict:
    """The shared results one report needs, stored beside the prepared data (never raw data).

    ``analyse report`` computes them before it starts the reports; a notebook run on its own
    computes them the first time (under a file lock, so parallel runs compute them once).
    """
    import fcntl
    import pickle

    target = cache_dir(folder, min_cell=min_cell, seed=seed)
    if not target.exists():
        with open(Path(folder) / ".report-cache.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if not target.exists():
                    from analyse.data.prepare import load as load_data

                    ds = load_data(folder, lang=lang)
                    write_shared_cache(folder, ds, lang=lang, min_cell=min_cell, seed=seed)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    with open(target / "common.pkl", "rb") as f:
        cache = pickle.load(f)
    if site != ALL and site not in cache["sites"]:
        raise ConfigError(
            f"site {site!r} is not in the data set; it has {', '.join(cache['sites'])}."
        )
    with open(target / _slice_file(site), "rb") as f:
        cache.update(pickle.load(f))
    return cache


def publication_shares(folder: Path, sites: Sequence[str], *, min_cell: int, seed: int) -> dict:
    """:func:`shown_share` of every report of a run, read from its shared results (written by
    :func:`write_shared_cache`): ``{site or ALL: {...}}``; empty when they are missing."""
    import pickle

    target = cache_dir(folder, min_cell=min_cell, seed=seed)
    out: dict = {}
    for site in [*sites, ALL]:
        path = target / _slice_file(site)
        if not path.exists():
            continue
        with open(path, "rb") as f:
            out[site] = shown_share(pickle.load(f), site)
    return out
