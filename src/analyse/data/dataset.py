"""The validated data set: one table per attribute, canonical names, codes and dtypes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyse.data.schema import TABLES, apply_dtypes, empty_frame


@dataclass
class Dataset:
    """A validated data set.

    Each attribute is one table of the data contract with canonical English column names
    and codes and the canonical dtypes (categoricals for codes, nullable integers and
    booleans, strings). Optional tables that were not delivered are present and empty.
    The index of each table is the row number in the source file (header = row 1).
    """

    residents: pd.DataFrame
    relations: pd.DataFrame
    outcomes: pd.DataFrame
    understanding: pd.DataFrame = field(default_factory=lambda: empty_frame("understanding"))
    items: pd.DataFrame = field(default_factory=lambda: empty_frame("items"))
    assessments: pd.DataFrame = field(default_factory=lambda: empty_frame("assessments"))
    practices: pd.DataFrame = field(default_factory=lambda: empty_frame("practices"))
    #: Where each table came from (file or workbook:sheet), by table name.
    sources: dict[str, str] = field(default_factory=dict)
    #: Warnings met while reading (ignored columns ...), as sentences.
    warnings: list[str] = field(default_factory=list)
    #: SHA-256 of the bytes each input file was read from, by file name (CSV files): what a
    #: manifest records, without reading the files again.
    input_sha256: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_frames(cls, **tables: pd.DataFrame) -> Dataset:
        """Build a data set from frames with canonical columns and values.

        Missing tables are empty; missing optional columns are filled with NA; the
        canonical dtypes are applied. No validation is done: use
        :func:`analyse.read_dataset` for user data.

        >>> import pandas as pd
        >>> ds = Dataset.from_frames(
        ...     residents=pd.DataFrame({"resident_id": ["B1"], "site_id": ["H1"],
        ...                             "setting": ["residential"], "practice": ["none"]}))
        >>> ds.residents.dtypes["setting"]
        CategoricalDtype(categories=['residential', 'own_home'], ordered=False, categories_dtype=str)
        >>> len(ds.relations)
        0
        """
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise TypeError(f"unknown table(s) {sorted(unknown)}; expected some of {list(TABLES)}")
        frames = {
            name: apply_dtypes(name, tables[name]) if name in tables else empty_frame(name)
            for name in TABLES
        }
        return cls(**frames)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by canonical name, in the contract's order."""
        return {name: getattr(self, name) for name in TABLES}

    @property
    def sites(self) -> list[str]:
        """The site codes, sorted naturally (H2 before H10)."""
        return natural_sorted(self.residents["site_id"].dropna().unique())

    @property
    def waves(self) -> list[str]:
        """The waves present in outcomes or relations, in wave order."""
        present = _present(self.outcomes["wave"]) | _present(self.relations["wave"])
        return [w for w in self.outcomes["wave"].cat.categories if w in present]

    def summary(self) -> dict[str, object]:
        """Rows per table, sites and waves: what `analyse validate` prints."""
        return {
            "rows": {name: len(frame) for name, frame in self.tables().items()},
            "sites": self.sites,
            "waves": self.waves,
            "residents": int(self.residents["resident_id"].nunique()),
        }


def _present(column: pd.Series) -> set:
    """The values a column holds (missing left out), read off the codes of a categorical."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        return set(column.cat.categories[np.unique(codes[codes >= 0])])
    return set(column.dropna())


def natural_key(value: object) -> list:
    """Sort key under which numbers inside codes sort as numbers (H2 < H10)."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", str(value))]


def natural_sorted(values) -> list[str]:
    """Sort codes so that numbers inside them sort as numbers (H2 < H10)."""
    return sorted((str(v) for v in values), key=natural_key)
