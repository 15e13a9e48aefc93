"""The data contract as pandera models: the single source of truth.

Every table of ``shared/data-contract.md`` is one :class:`pandera.pandas.DataFrameModel`.
Each field carries, in its ``metadata``, what the rest of the package needs to know about
the column: its Danish header, the accepted header spellings, its kind (identifier, code,
whole number, yes/no, text, month), the allowed codes with their Danish and English labels
and value aliases, and whether it is required. Validation (:mod:`analyse.data.validate`), the
codebook (:mod:`analyse.data.codebook`), the Excel template (:mod:`analyse.data.template`) and the
reports' variable labels are all generated from these models, so they cannot drift apart.

Matching of headers and values is forgiving in the ways Danish users need and strict in
every other way: case-insensitive, surrounding white space ignored, spaces and hyphens
equal to underscores, and æ/ø/å equal to ae/oe/aa (:func:`fold`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

#: What a pseudonym is (a digit, at most 32 characters) is the identifier detector's rule.
from analyse.data.identifiers import PSEUDONYM_MAX_LENGTH, PSEUDONYM_PATTERN

Kind = Literal["id", "code", "int", "bool", "text", "month"]

#: Letters of a code: the English alphabet plus the Danish (æ, ø, å) and a few Nordic and
#: German ones, in composed (NFC) form.
_CODE_LETTERS = "A-Za-zÆØÅæøåÄÖÜäöüÉé"
#: A practice code: letters (æ, ø, å included), digits, ``_``, ``.`` or ``-``, at most 32
#: characters.
CODE_PATTERN = rf"^[{_CODE_LETTERS}0-9_.\-]{{1,32}}$"
#: Site codes that cannot name a report file: the overview (``samlet``), the index, and the
#: device names Windows reserves (in any case).
RESERVED_SITE_CODES = (
    "samlet",
    "index",
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
)
#: A site code: letters (æ, ø, å included), digits, ``_`` or ``-``, at most 32 characters,
#: not one of :data:`RESERVED_SITE_CODES` (a site's report and tables are files named after
#: its code).
SITE_PATTERN = rf"^(?!(?i:{'|'.join(RESERVED_SITE_CODES)})$)[{_CODE_LETTERS}0-9_\-]{{1,32}}$"
#: A month, ``YYYY-MM``.
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"

_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"})


def fold(text: object) -> str:
    """Fold a header or value for matching.

    Lower case, surrounding white space removed, æ/ø/å written as ae/oe/aa, and runs of
    spaces, hyphens and underscores written as one underscore.

    >>> fold("  Måling ")
    'maaling'
    >>> fold("Ønsker flere") == fold("oensker_flere")
    True
    >>> fold("ved ikke")
    'ved_ikke'
    """
    s = unicodedata.normalize("NFC", str(text)).strip().lower().translate(_FOLD_TABLE)
    return re.sub(r"[\s_\-]+", "_", s)


@dataclass(frozen=True)
class Code:
    """An allowed value of a coded column."""

    code: str
    da: str
    en: str
    aliases: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.code, self.da, self.en, *self.aliases)


YES_NO = (
    Code("yes", "ja", "yes", ("true", "sand", "1", "j", "y")),
    Code("no", "nej", "no", ("false", "falsk", "0", "n")),
)
WAVES = (
    Code("pre", "før", "before", ("foer", "for", "baseline", "1")),
    Code("post", "efter", "after", ("2",)),
    Code("followup", "opfølgning", "follow-up", ("follow_up", "3")),
)

#: Spellings of residents.practice that mean the comparison group (canonical: ``none``).
NO_PRACTICE = "none"
NO_PRACTICE_SPELLINGS = frozenset(
    ("none", "ingen", "sammenligning", "sammenligningsgruppe", "kontrol", "kontrolgruppe")
)

#: Spellings that mean "no answer" in a rating or an optional column.
MISSING_SPELLINGS = frozenset(
    fold(s) for s in ("", "ved ikke", "ved_ikke", "vi", "nan", "na", "n/a")
)


def col(
    description: str,
    *,
    da: str,
    label_da: str,
    label_en: str,
    kind: Kind = "text",
    required: bool = True,
    codes: tuple[Code, ...] = (),
    ordered: bool = False,
    ge: int | None = None,
    le: int | None = None,
    aliases: tuple[str, ...] = (),
    unique: bool = False,
    pattern: str | None = None,
    configurable_range: str | None = None,
) -> Any:
    """A pandera ``Field`` with the contract's metadata attached.

    ``required`` means the column must be present and every value filled in.
    ``configurable_range`` names a setting in :data:`SCALES` that may replace ``ge``/``le``.
    """
    checks: dict[str, Any] = {}
    if codes:
        checks["isin"] = [c.code for c in codes]
    if ge is not None:
        checks["ge"] = ge
    if le is not None:
        checks["le"] = le
    if pattern is None and kind == "id":
        pattern = PSEUDONYM_PATTERN
    if pattern is None and kind == "month":
        pattern = MONTH_PATTERN
    if pattern is not None:
        checks["str_matches"] = pattern
    if pattern == PSEUDONYM_PATTERN:
        checks["str_length"] = {"max_value": PSEUDONYM_MAX_LENGTH}
    metadata = {
        "da": da,
        "aliases": aliases,
        "kind": kind,
        "codes": codes,
        "ordered": ordered,
        "required": required,
        "label": {"da": label_da, "en": label_en},
        "range": (ge, le),
        "configurable_range": configurable_range,
    }
    return pa.Field(
        description=description,
        nullable=not required,
        unique=unique,
        coerce=True,
        metadata=metadata,
        **checks,
    )


def _wave(required: bool = True) -> Any:
    return col(
        "Data collection wave: before the trial, after it, or a later follow-up.",
        da="maaling",
        aliases=("måling", "runde"),
        label_da="Måling",
        label_en="Wave",
        kind="code",
        codes=WAVES,
        ordered=True,
        required=required,
    )


def _resident_id(description: str, unique: bool = False) -> Any:
    return col(
        description,
        da="borger_id",
        label_da="Borger (pseudonym)",
        label_en="Resident (pseudonym)",
        kind="id",
        unique=unique,
    )


def _site_id(required: bool = True) -> Any:
    return col(
        "Site code of the botilbud (or home-support team).",
        da="botilbud",
        aliases=("botilbud_id", "site"),
        label_da="Botilbud",
        label_en="Site",
        kind="id",
        pattern=SITE_PATTERN,
        required=required,
    )


def _rating(description: str, required: bool = False) -> Any:
    return col(
        description,
        da="svar",
        label_da="Svar (1-5)",
        label_en="Rating (1-5)",
        kind="int",
        ge=1,
        le=5,
        required=required,
    )


class Residents(pa.DataFrameModel):
    """residents (borgere): one row per resident."""

    resident_id: Series[pd.StringDtype] = _resident_id("Pseudonym of the resident.", unique=True)
    site_id: Series[pd.StringDtype] = _site_id()
    setting: Series[pd.StringDtype] = col(
        "Where the resident lives: in a botilbud or in their own home with pedagogical support.",
        da="boform",
        label_da="Boform",
        label_en="Setting",
        kind="code",
        codes=(
            Code("residential", "botilbud", "residential facility"),
            Code("own_home", "eget_hjem", "own home", ("eget hjem",)),
        ),
    )
    practice: Series[pd.StringDtype] = col(
        "Code of the practice the resident takes part in (from practices), or none for the "
        "comparison group.",
        da="praksis",
        label_da="Praksis",
        label_en="Practice",
        kind="id",
        pattern=CODE_PATTERN,
    )
    age_band: Series[pd.StringDtype] = col(
        "Age band.",
        da="aldersgruppe",
        label_da="Aldersgruppe",
        label_en="Age band",
        kind="code",
        codes=(
            Code("18-29", "18-29", "18-29", ("18_29",)),
            Code("30-49", "30-49", "30-49", ("30_49",)),
            Code("50-64", "50-64", "50-64", ("50_64",)),
            Code("65+", "65+", "65+", ("65_",)),
        ),
        ordered=True,
        required=False,
    )

    class Config:
        name = "residents"
        strict = True
        coerce = True
        metadata = {
            "da": "borgere",
            "required": True,
            "label_da": "Borgere",
            "label_en": "Residents",
        }


class Relations(pa.DataFrameModel):
    """relations (relationer): one row per relationship per resident per wave."""

    resident_id: Series[pd.StringDtype] = _resident_id("Pseudonym of the resident (in residents).")
    wave: Series[pd.StringDtype] = _wave()
    alter_id: Series[pd.StringDtype] = col(
        "Pseudonym of the other person, stable across waves for the same resident.",
        da="relation_id",
        label_da="Relation (pseudonym)",
        label_en="Alter (pseudonym)",
        kind="id",
    )
    alter_type: Series[pd.StringDtype] = col(
        "Who the other person is to the resident.",
        da="relationstype",
        label_da="Relationstype",
        label_en="Relationship type",
        kind="code",
        codes=(
            Code("family", "familie", "family"),
            Code("partner", "kæreste", "partner", ("kaereste", "partner")),
            Code("friend", "ven", "friend", ("veninde", "venner")),
            Code("co_resident", "medbeboer", "co-resident", ("co resident",)),
            Code("staff", "personale", "staff", ("medarbejder",)),
            Code("volunteer", "frivillig", "volunteer"),
            Code("community", "lokalsamfund", "community", ("nabo", "forening", "arbejde")),
            Code("other", "anden", "other", ("andet",)),
        ),
    )
    closeness: Series[pd.Int64Dtype] = col(
        "Circle of the convoy model: 1 inner, 2 middle, 3 outer.",
        da="naerhed",
        aliases=("nærhed",),
        label_da="Nærhed (1 = inderste cirkel)",
        label_en="Closeness (1 = inner circle)",
        kind="int",
        ge=1,
        le=3,
    )
    contact: Series[pd.StringDtype] = col(
        "How often the resident and the other person are in contact.",
        da="kontakt",
        label_da="Kontakt",
        label_en="Contact",
        kind="code",
        codes=(
            Code("daily", "dagligt", "daily", ("daglig",)),
            Code("weekly", "ugentligt", "weekly", ("ugentlig",)),
            Code("monthly", "månedligt", "monthly", ("maanedligt", "månedlig", "maanedlig")),
            Code("rarely", "sjældnere", "rarely", ("sjaeldnere", "sjældent", "sjaeldent")),
        ),
        ordered=True,
    )
    resident_gives: Series[pd.StringDtype] = col(
        "The resident gives help, care, company or joy in this relationship.",
        da="giver",
        label_da="Borgeren giver",
        label_en="Resident gives",
        kind="bool",
        codes=YES_NO,
        # Empty in every row when the question was not asked (validate: all rows or none).
        required=False,
    )
    resident_receives: Series[pd.StringDtype] = col(
        "The resident receives help, care, company or joy in this relationship.",
        da="modtager",
        label_da="Borgeren modtager",
        label_en="Resident receives",
        kind="bool",
        codes=YES_NO,
        # Empty in every row when the question was not asked (validate: all rows or none).
        required=False,
    )
    initiative: Series[pd.StringDtype] = col(
        "Who usually takes the initiative to contact.",
        da="initiativ",
        label_da="Initiativ",
        label_en="Initiative",
        kind="code",
        codes=(
            Code("resident", "borgeren", "resident", ("borger",)),
            Code("other", "den anden", "the other person", ("anden", "den_anden")),
            Code("staff", "personale", "staff", ("medarbejder",)),
            Code("mutual", "gensidigt", "mutual", ("gensidig", "begge")),
        ),
        required=False,
    )

    class Config:
        name = "relations"
        strict = True
        coerce = True
        metadata = {
            "da": "relationer",
            "required": True,
            "label_da": "Relationer",
            "label_en": "Relations",
        }


class Outcomes(pa.DataFrameModel):
    """outcomes (borgermaal): one row per resident per wave in which the resident was assessed."""

    resident_id: Series[pd.StringDtype] = _resident_id("Pseudonym of the resident (in residents).")
    wave: Series[pd.StringDtype] = _wave()
    loneliness: Series[pd.Int64Dtype] = col(
        "Loneliness score on the configured scale (default 3-item UCLA, 3-9, higher = lonelier).",
        da="ensomhed",
        label_da="Ensomhed",
        label_en="Loneliness",
        kind="int",
        ge=3,
        le=9,
        required=False,
        configurable_range="loneliness",
    )
    satisfaction: Series[pd.Int64Dtype] = col(
        "Satisfaction with own relationships, 1 (very dissatisfied) to 5 (very satisfied).",
        da="tilfredshed",
        label_da="Tilfredshed med relationer (1-5)",
        label_en="Satisfaction with relationships (1-5)",
        kind="int",
        ge=1,
        le=5,
        required=False,
    )
    wants_more: Series[pd.StringDtype] = col(
        "The resident wishes for more or other relationships.",
        da="oensker_flere",
        aliases=("ønsker_flere",),
        label_da="Ønsker flere relationer",
        label_en="Wants more relationships",
        kind="code",
        codes=(
            Code("yes", "ja", "yes", ("true", "sand", "1")),
            Code("no", "nej", "no", ("false", "falsk", "0")),
            Code("unknown", "ved_ikke", "don't know", ("ved ikke", "dont_know", "unknown")),
        ),
        required=False,
    )
    respondent: Series[pd.StringDtype] = col(
        "Who answered: the resident alone, the resident with support, or staff on the "
        "resident's behalf.",
        da="besvaret_af",
        label_da="Besvaret af",
        label_en="Answered by",
        kind="code",
        codes=(
            Code("self", "selv", "self", ("borgeren selv",)),
            Code(
                "assisted", "med_støtte", "with support", ("med_stoette", "med støtte", "stoette")
            ),
            Code("proxy", "stedfortræder", "proxy", ("stedfortraeder", "personale")),
        ),
    )

    class Config:
        name = "outcomes"
        strict = True
        coerce = True
        metadata = {
            "da": "borgermaal",
            "required": True,
            "label_da": "Borgermål",
            "label_en": "Outcomes",
        }


class Understanding(pa.DataFrameModel):
    """understanding (forstaaelse): one row per respondent per item per wave."""

    respondent_id: Series[pd.StringDtype] = col(
        "Pseudonym of the staff member, or the resident_id of a resident.",
        da="respondent_id",
        aliases=("besvarer_id",),
        label_da="Besvarer (pseudonym)",
        label_en="Respondent (pseudonym)",
        kind="id",
    )
    role: Series[pd.StringDtype] = col(
        "Whether the respondent is staff or a resident.",
        da="rolle",
        label_da="Rolle",
        label_en="Role",
        kind="code",
        codes=(
            Code("staff", "medarbejder", "staff", ("personale",)),
            Code("resident", "borger", "resident", ("beboer",)),
        ),
    )
    site_id: Series[pd.StringDtype] = _site_id()
    wave: Series[pd.StringDtype] = _wave()
    item: Series[pd.StringDtype] = col(
        "Code of the statement (from items).",
        da="spoergsmaal",
        aliases=("spørgsmål",),
        label_da="Spørgsmål",
        label_en="Item",
        kind="id",
        pattern=CODE_PATTERN,
    )
    rating: Series[pd.Int64Dtype] = _rating(
        "Agreement with the statement, 1 (helt uenig) to 5 (helt enig); 'ved ikke' or empty is missing."
    )

    class Config:
        name = "understanding"
        strict = True
        coerce = True
        metadata = {
            "da": "forstaaelse",
            "required": False,
            "label_da": "Fælles forståelse",
            "label_en": "Shared understanding",
        }


class Items(pa.DataFrameModel):
    """items (spoergsmaal): the statements about good relationships."""

    item: Series[pd.StringDtype] = col(
        "Code of the statement.",
        da="spoergsmaal",
        aliases=("spørgsmål",),
        label_da="Spørgsmål",
        label_en="Item",
        kind="id",
        pattern=CODE_PATTERN,
        unique=True,
    )
    text_da: Series[pd.StringDtype] = col(
        "The statement as asked, in Danish.",
        da="tekst_da",
        aliases=("tekst",),
        label_da="Tekst (dansk)",
        label_en="Text (Danish)",
    )
    text_en: Series[pd.StringDtype] = col(
        "The statement in English.",
        da="tekst_en",
        label_da="Tekst (engelsk)",
        label_en="Text (English)",
        required=False,
    )
    dimension: Series[pd.StringDtype] = col(
        "What the statement is about: reciprocity, stability, voluntariness, trust, shared activity ...",
        da="dimension",
        label_da="Dimension",
        label_en="Dimension",
        required=False,
    )

    class Config:
        name = "items"
        strict = True
        coerce = True
        metadata = {
            "da": "spoergsmaal",
            "required": False,
            "label_da": "Spørgsmål",
            "label_en": "Items",
        }


class Assessments(pa.DataFrameModel):
    """assessments (vurderinger): staff rate each resident's relationship situation."""

    rater_id: Series[pd.StringDtype] = col(
        "Pseudonym of the staff member who rates.",
        da="medarbejder_id",
        label_da="Medarbejder (pseudonym)",
        label_en="Rater (pseudonym)",
        kind="id",
    )
    resident_id: Series[pd.StringDtype] = _resident_id("Pseudonym of the resident (in residents).")
    wave: Series[pd.StringDtype] = _wave()
    aspect: Series[pd.StringDtype] = col(
        "What is rated: overall, reciprocity, network, ...",
        da="aspekt",
        label_da="Aspekt",
        label_en="Aspect",
        kind="id",
        pattern=CODE_PATTERN,
    )
    rating: Series[pd.Int64Dtype] = _rating("The rating, 1 (poor) to 5 (very good).")

    class Config:
        name = "assessments"
        strict = True
        coerce = True
        metadata = {
            "da": "vurderinger",
            "required": False,
            "label_da": "Vurderinger",
            "label_en": "Assessments",
        }


class Practices(pa.DataFrameModel):
    """practices (praksisser): the 2-5 practices tried."""

    practice: Series[pd.StringDtype] = col(
        "Code of the practice.",
        da="praksis",
        label_da="Praksis",
        label_en="Practice",
        kind="id",
        pattern=CODE_PATTERN,
        unique=True,
    )
    name_da: Series[pd.StringDtype] = col(
        "Name of the practice (not of a person).",
        da="navn",
        label_da="Navn",
        label_en="Name",
    )
    description: Series[pd.StringDtype] = col(
        "Short work description (arbejdsbeskrivelse).",
        da="beskrivelse",
        label_da="Beskrivelse",
        label_en="Description",
        required=False,
    )
    site_id: Series[pd.StringDtype] = _site_id(required=False)
    start: Series[pd.StringDtype] = col(
        "First month of the trial, YYYY-MM.",
        da="start",
        label_da="Start (ÅÅÅÅ-MM)",
        label_en="Start (YYYY-MM)",
        kind="month",
        required=False,
    )
    end: Series[pd.StringDtype] = col(
        "Last month of the trial, YYYY-MM.",
        da="slut",
        label_da="Slut (ÅÅÅÅ-MM)",
        label_en="End (YYYY-MM)",
        kind="month",
        required=False,
    )

    class Config:
        name = "practices"
        strict = True
        coerce = True
        metadata = {
            "da": "praksisser",
            "required": False,
            "label_da": "Praksisser",
            "label_en": "Practices",
        }


#: The tables in the order a user reads them.
MODELS: dict[str, type[pa.DataFrameModel]] = {
    "residents": Residents,
    "relations": Relations,
    "outcomes": Outcomes,
    "understanding": Understanding,
    "items": Items,
    "assessments": Assessments,
    "practices": Practices,
}
TABLES: tuple[str, ...] = tuple(MODELS)

#: Extra file or sheet spellings accepted for a table (besides English and Danish names).
TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "residents": ("borger",),
    "relations": ("relation",),
    "outcomes": ("borgermål", "maal", "udfald"),
    "understanding": ("forståelse", "faelles_forstaaelse", "fælles_forståelse"),
    "items": ("spørgsmål", "udsagn"),
    "assessments": ("vurdering",),
    "practices": ("praksis", "praksiser"),
}

#: Configurable scales: name -> (low, high) default.
SCALES: dict[str, tuple[int, int]] = {"loneliness": (3, 9)}


@dataclass(frozen=True)
class OutcomeMeaning:
    """What one outcome of the trial means, written once for reports, notebooks and figures.

    Attributes
    ----------
    better
        ``+1`` where a higher value is better, ``-1`` where a lower value is (loneliness).
    low, high
        The range of the scale (``high`` None for a count without an upper end); a chart's
        axis spans it, so a small change looks small.
    label
        The short label, ``{"da": ..., "en": ...}``.
    scale
        The range and which way is better, in words.
    """

    better: Literal[1, -1]
    low: float
    high: float | None
    label: dict[str, str]
    scale: dict[str, str]

    @property
    def lower_is_better(self) -> bool:
        return self.better < 0


#: The trial's outcomes: two assessed scales (``outcomes``) and two counts from the
#: relationship map (per resident and wave).
OUTCOMES: dict[str, OutcomeMeaning] = {
    "loneliness": OutcomeMeaning(
        better=-1,
        low=float(SCALES["loneliness"][0]),
        high=float(SCALES["loneliness"][1]),
        label={"da": "Ensomhed", "en": "Loneliness"},
        scale={"da": "skala 3–9, højere = mere ensom", "en": "scale 3–9, higher = lonelier"},
    ),
    "satisfaction": OutcomeMeaning(
        better=1,
        low=1.0,
        high=5.0,
        label={"da": "Tilfredshed med relationer", "en": "Satisfaction with relationships"},
        scale={
            "da": "skala 1–5, højere = mere tilfreds",
            "en": "scale 1–5, higher = more satisfied",
        },
    ),
    "n_nonstaff": OutcomeMeaning(
        better=1,
        low=0.0,
        high=None,
        label={"da": "Relationer, som ikke er personale", "en": "Relationships not with staff"},
        scale={
            "da": "antal pr. borger, flere er bedre",
            "en": "number per resident, more is better",
        },
    ),
    "n_gives": OutcomeMeaning(
        better=1,
        low=0.0,
        high=None,
        label={
            "da": "Relationer, hvor borgeren giver",
            "en": "Relationships where the resident gives",
        },
        scale={
            "da": "antal pr. borger, flere er bedre",
            "en": "number per resident, more is better",
        },
    ),
}


@dataclass(frozen=True)
class ColumnSpec:
    """Everything the package knows about one column of one table."""

    table: str
    name: str
    da: str
    aliases: tuple[str, ...]
    kind: Kind
    codes: tuple[Code, ...]
    ordered: bool
    required: bool
    label_da: str
    label_en: str
    description: str
    ge: int | None
    le: int | None
    unique: bool
    configurable_range: str | None

    def label(self, lang: str = "da") -> str:
        return self.label_da if lang == "da" else self.label_en

    def header(self, lang: str = "da") -> str:
        """The header written in files and templates in this language."""
        return self.da if lang == "da" else self.name

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, self.da, *self.aliases)

    @property
    def code_values(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)

    def code_label(self, code: str, lang: str = "da") -> str:
        for c in self.codes:
            if c.code == code:
                return c.da if lang == "da" else c.en
        return code


@dataclass(frozen=True)
class TableSpec:
    """Everything the package knows about one table."""

    name: str
    da: str
    required: bool
    label_da: str
    label_en: str
    description: str
    columns: tuple[ColumnSpec, ...]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, self.da, *TABLE_ALIASES.get(self.name, ()))

    def label(self, lang: str = "da") -> str:
        return self.label_da if lang == "da" else self.label_en


@cache
def model_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of a table's model, built once per process when first needed.

    pandera asks every installed dataframe library (dask, modin, pyspark) for its index and
    series types when it turns a ``DataFrameModel`` into a schema; for dask that means importing
    ``dask.dataframe`` (about 0.6 s of every command's start-up) for types our pandas-only
    models never use. While our own models are built, the question is answered for pandas
    alone; pandera's answer is restored afterwards for anyone else in the process.
    """
    import pandera.api.pandas.model as pandera_model
    from pandera.typing import Index, Series

    asked = pandera_model.get_index_types, pandera_model.get_series_types
    pandera_model.get_index_types, pandera_model.get_series_types = (
        lambda: {Index},
        lambda: {Series},
    )
    try:
        return MODELS[table].to_schema()
    finally:
        pandera_model.get_index_types, pandera_model.get_series_types = asked


@cache
def table_spec(table: str) -> TableSpec:
    """The specification of a table, read off its pandera model."""
    model = MODELS[table]
    schema = model_schema(table)
    meta = model.Config.metadata
    columns = []
    for name, column in schema.columns.items():
        m = column.metadata or {}
        ge, le = m.get("range", (None, None))
        columns.append(
            ColumnSpec(
                table=table,
                name=name,
                da=m["da"],
                aliases=tuple(m.get("aliases", ())),
                kind=m["kind"],
                codes=tuple(m.get("codes", ())),
                ordered=bool(m.get("ordered")),
                required=bool(m["required"]),
                label_da=m["label"]["da"],
                label_en=m["label"]["en"],
                description=column.description or "",
                ge=ge,
                le=le,
                unique=bool(column.unique),
                configurable_range=m.get("configurable_range"),
            )
        )
    return TableSpec(
        name=table,
        da=meta["da"],
        required=bool(meta["required"]),
        label_da=meta["label_da"],
        label_en=meta["label_en"],
        description=(model.__doc__ or "").strip(),
        columns=tuple(columns),
    )


def specs() -> list[TableSpec]:
    """The specifications of all tables, in the contract's order."""
    return [table_spec(t) for t in TABLES]


@cache
def header_lookup(table: str) -> dict[str, str]:
    """Folded header spelling -> canonical column name, for one table."""
    lookup: dict[str, str] = {}
    for c in table_spec(table).columns:
        for spelling in c.spellings:
            lookup.setdefault(fold(spelling), c.name)
    return lookup


@cache
def table_lookup() -> dict[str, str]:
    """Folded file or sheet name -> canonical table name."""
    lookup: dict[str, str] = {}
    for spec in specs():
        for spelling in spec.spellings:
            lookup.setdefault(fold(spelling), spec.name)
    return lookup


@cache
def value_lookup(table: str, column: str) -> dict[str, str]:
    """Folded value spelling -> canonical code, for a coded or yes/no column."""
    lookup: dict[str, str] = {}
    for code in table_spec(table).column(column).codes:
        for spelling in code.spellings():
            lookup.setdefault(fold(spelling), code.code)
    return lookup


def canonical_dtype(spec: ColumnSpec) -> Any:
    """The pandas dtype a validated column has in a :class:`~analyse.data.dataset.Dataset`."""
    if spec.kind == "int":
        return pd.Int64Dtype()
    if spec.kind == "bool":
        return pd.BooleanDtype()
    if spec.kind == "code":
        return pd.CategoricalDtype(categories=list(spec.code_values), ordered=spec.ordered)
    return pd.StringDtype()


def empty_frame(table: str) -> pd.DataFrame:
    """An empty table with the canonical columns and dtypes."""
    spec = table_spec(table)
    return pd.DataFrame({c.name: pd.Series([], dtype=canonical_dtype(c)) for c in spec.columns})


def apply_dtypes(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Give a frame of canonical values the canonical dtypes (columns in contract order).

    Yes/no columns accept ``True``/``False`` or the codes ``yes``/``no``.
    """
    spec = table_spec(table)
    out = {}
    for c in spec.columns:
        if c.name not in frame.columns:
            out[c.name] = pd.Series(pd.NA, index=frame.index, dtype=canonical_dtype(c))
            continue
        out[c.name] = canonical_column(c, frame[c.name])
    return pd.DataFrame(out, index=frame.index)


def canonical_column(spec: ColumnSpec, s: pd.Series) -> pd.Series:
    """One column of canonical values with its canonical dtype (see :func:`apply_dtypes`)."""
    if spec.kind == "bool":
        if s.dtype != "boolean":
            s = s.astype(object).map({"yes": True, "no": False, True: True, False: False})
        return s.astype("boolean")
    if spec.kind == "int":
        return pd.to_numeric(s).astype("Int64")
    dtype = canonical_dtype(spec)
    if isinstance(dtype, pd.CategoricalDtype) and not isinstance(s.dtype, pd.CategoricalDtype):
        # A value outside the codes becomes missing, as astype did before pandas 3 deprecated it
        # (pandas 4 will raise); validated data never holds one.
        s = s.where(s.isin(dtype.categories) | s.isna())
    return s.astype(dtype)
