"""Words and numbers for the reports: label catalogue, number formatting and sentences.

Everything a steering-group report says in words comes from here, in Danish (``da``,
the default) or English (``en``):

* **Numbers** are formatted by one set of functions (:func:`fmt_number`, :func:`fmt_int`,
  :func:`fmt_percent`, :func:`fmt_ci`) through Babel with the locale ``da_DK`` (decimal comma,
  ``.`` as thousands separator: ``1.234,5``) or ``en_GB`` (``1,234.5``). Rounding happens here
  and only here; analysis functions compute at full precision.
* **Labels** of result columns and report headings come from :data:`LABELS` through
  :func:`label`. Labels of *data* columns and their codes come from the schema
  (:func:`column_label`, :func:`code_label`), so they are never written twice.
* **Sentences** state key numbers in plain language with Danish grammar
  (``1 borger`` / ``2 borgere``). A sentence never states a number that rests on fewer than
  ``min_cell`` persons, nor a number from which such a count can be worked out; it says
  *færre end 5* instead, or that the numbers are not shown. The suppression of *tables* is
  :mod:`analyse.privacy.gate`; sentences are given the same values the suppressed table shows.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from numbers import Real

import pandas as pd
from babel import Locale
from babel.numbers import format_decimal, parse_pattern

from analyse.config import DEFAULT_MIN_CELL, Lang
from analyse.data.schema import TABLES, table_spec
from analyse.errors import ConfigError

#: Babel locale of each report language.
LOCALES: dict[str, str] = {"da": "da_DK", "en": "en_GB"}
#: What a table cell shows when a value is missing (not computed), as opposed to suppressed.
MISSING = "–"
#: What a number hidden to protect another number shows (``s``: *skjult*/*suppressed*);
#: ``<5`` is kept for numbers that rest on fewer than ``min_cell`` persons.
SECONDARY_MARKER = "(s)"
#: What a count of ``min_cell`` or more that rests on fewer persons shows (relationships of
#: 1-4 residents): *få personer*.
PERSONS_MARKER = "(f)"


def _check_lang(lang: str) -> str:
    if lang not in LOCALES:
        raise ConfigError(
            f"lang must be one of {sorted(LOCALES)}; received {lang!r}. "
            "Use 'da' for Danish reports or 'en' for English."
        )
    return lang


def _check_decimals(decimals: int) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ConfigError(
            f"decimals must be a whole number from 0 to 6; received {decimals!r}. "
            "Reports normally use 0 or 1."
        )
    return decimals


def _is_missing(x: object) -> bool:
    if x is None or x is pd.NA:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _to_decimal(x: object, what: str) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, Real | Decimal):
        raise ConfigError(f"{what} must be a number; received {x!r} ({type(x).__name__}).")
    if isinstance(x, Decimal):
        d = x
    else:
        f = float(x)
        if math.isinf(f):
            raise ConfigError(f"{what} must be a finite number; received {x!r}.")
        # str() gives the shortest decimal that round-trips, i.e. the number as a person
        # would write it: 2.675 rounds to 2.68, not to 2.67 as its binary value would.
        d = Decimal(str(f)) if not isinstance(x, int) else Decimal(int(x))
    return d


def _round_half_up(d: Decimal, decimals: int) -> Decimal:
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q if q != 0 else abs(q)  # never "-0,0"


def fmt_number(x: object, decimals: int = 1, lang: Lang = "da") -> str:
    """Format a number for a report: fixed decimals, locale separators.

    Parameters
    ----------
    x
        The number (int, float, NumPy number or :class:`~decimal.Decimal`). Missing values
        (``None``, ``NaN``, ``pd.NA``) give :data:`MISSING`.
    decimals
        Digits after the decimal sign, 0-6. Always shown, also when they are zero.
    lang
        ``"da"``: decimal comma and ``.`` between thousands; ``"en"``: ``1,234.5``.

    Returns
    -------
    str
        The formatted number.

    Notes
    -----
    Rounds half away from zero (2,25 -> 2,3; -2,25 -> -2,3), as Danish readers learn in
    school and as Excel does, and not half to even as Babel would by itself; a float is
    rounded as the decimal it prints as. A value that rounds to zero never shows a minus.

    Examples
    --------
    >>> fmt_number(1234.5)
    '1.234,5'
    >>> fmt_number(1234.5, lang="en")
    '1,234.5'
    >>> fmt_number(2.25), fmt_number(-0.04), fmt_number(3, decimals=2)
    ('2,3', '0,0', '3,00')
    """
    _check_lang(lang)
    _check_decimals(decimals)
    if _is_missing(x):
        return MISSING
    d = _round_half_up(_to_decimal(x, "x"), decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(d, format=pattern, locale=LOCALES[lang])


def fmt_int(x: object, lang: Lang = "da") -> str:
    """Format a count: no decimals, thousands separated.

    Parameters
    ----------
    x
        A whole number (a float must have an integral value). Missing gives :data:`MISSING`.
    lang
        ``"da"`` or ``"en"``.

    Returns
    -------
    str
        The formatted count.

    Examples
    --------
    >>> fmt_int(12), fmt_int(1234), fmt_int(1234567, lang="en")
    ('12', '1.234', '1,234,567')
    """
    _check_lang(lang)
    if _is_missing(x):
        return MISSING
    d = _to_decimal(x, "x")
    if d != d.to_integral_value():
        raise ConfigError(
            f"fmt_int formats whole numbers; received {x!r}. Use fmt_number for decimals."
        )
    return format_decimal(d, format="#,##0", locale=LOCALES[lang])


@cache
def _percent_pattern(lang: str, decimals: int) -> object:
    pattern = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    if decimals:
        pattern = re.sub(r"0(?=[^0]*$)", "0." + "0" * decimals, pattern, count=1)
    return parse_pattern(pattern)


def fmt_percent(share: object, decimals: int = 0, lang: Lang = "da") -> str:
    """Format a proportion (0-1) as a percentage with the locale's sign and spacing.

    Parameters
    ----------
    share
        The proportion, e.g. ``0.583`` for 58,3 %. Missing gives :data:`MISSING`.
    decimals
        Digits after the decimal sign of the percentage.
    lang
        ``"da"``: ``58 %`` (Danish writes a (non-breaking) space before %); ``"en"``: ``58%``.

    Returns
    -------
    str
        The formatted percentage.

    Notes
    -----
    Rounds half away from zero, like :func:`fmt_number`. The space in Danish is a
    non-breaking space (U+00A0), so a line never breaks between number and sign.

    Examples
    --------
    >>> fmt_percent(7 / 12).replace("\\xa0", " ")
    '58 %'
    >>> fmt_percent(0.125, decimals=1).replace("\\xa0", " "), fmt_percent(0.125, lang="en")
    ('12,5 %', '13%')
    """
    _check_lang(lang)
    _check_decimals(decimals)
    if _is_missing(share):
        return MISSING
    d = _round_half_up(_to_decimal(share, "share"), decimals + 2)
    return _percent_pattern(lang, decimals).apply(d, Locale.parse(LOCALES[lang]))


def fmt_ci(
    low: object, high: object, decimals: int = 1, lang: Lang = "da", *, percent: bool = False
) -> str:
    """Format a confidence interval as plain words: ``1,2 til 3,4``.

    Parameters
    ----------
    low, high
        The bounds (proportions when ``percent=True``). Missing gives :data:`MISSING`.
    decimals
        Digits after the decimal sign.
    lang
        ``"da"`` (``til``) or ``"en"`` (``to``).
    percent
        Format the bounds with :func:`fmt_percent` instead of :func:`fmt_number`.

    Returns
    -------
    str
        ``"<low> til <high>"``. Words, not a dash, because a dash between two numbers that
        may be negative (``-1,2–3,4``) is hard to read.

    Examples
    --------
    >>> fmt_ci(-0.42, 1.25)
    '-0,4 til 1,3'
    >>> fmt_ci(0.1, 0.35, decimals=0, lang="en", percent=True)
    '10% to 35%'
    """
    _check_lang(lang)
    if _is_missing(low) or _is_missing(high):
        return MISSING
    fmt = (
        (lambda v: fmt_percent(v, decimals, lang))
        if percent
        else (lambda v: fmt_number(v, decimals, lang))
    )
    word = {"da": "til", "en": "to"}[lang]
    return f"{fmt(low)} {word} {fmt(high)}"


# --------------------------------------------------------------------------- labels

#: Result columns and report headings: key -> {"da": ..., "en": ...}. Data columns are not
#: here: their labels come from the schema (:func:`column_label`).
LABELS: dict[str, dict[str, str]] = {
    # result columns
    "n": {"da": "Antal", "en": "Number"},
    "n_residents": {"da": "Antal borgere", "en": "Number of residents"},
    "n_relations": {"da": "Antal relationer", "en": "Number of relationships"},
    "n_respondents": {"da": "Antal besvarelser", "en": "Number of respondents"},
    "count": {"da": "Antal", "en": "Count"},
    "mean": {"da": "Gennemsnit", "en": "Mean"},
    "median": {"da": "Median", "en": "Median"},
    "sd": {"da": "Standardafvigelse", "en": "Standard deviation"},
    "min": {"da": "Mindste", "en": "Minimum"},
    "max": {"da": "Største", "en": "Maximum"},
    "q1": {"da": "Nedre kvartil", "en": "Lower quartile"},
    "q3": {"da": "Øvre kvartil", "en": "Upper quartile"},
    "share": {"da": "Andel", "en": "Share"},
    "percent": {"da": "Procent", "en": "Per cent"},
    "ci_low": {"da": "Nedre grænse (95 % KI)", "en": "Lower limit (95% CI)"},
    "ci_high": {"da": "Øvre grænse (95 % KI)", "en": "Upper limit (95% CI)"},
    "ci": {"da": "95 % konfidensinterval", "en": "95% confidence interval"},
    "difference": {"da": "Forskel", "en": "Difference"},
    "change": {"da": "Ændring", "en": "Change"},
    "effect_size": {"da": "Effektstørrelse", "en": "Effect size"},
    "p_value": {"da": "p-værdi", "en": "p-value"},
    "total": {"da": "I alt", "en": "Total"},
    "gained": {"da": "Nye relationer", "en": "Relationships gained"},
    "kept": {"da": "Bevarede relationer", "en": "Relationships kept"},
    "lost": {"da": "Ophørte relationer", "en": "Relationships lost"},
    "close_nonstaff": {
        "da": "Mindst én nær relation, som ikke er personale",
        "en": "At least one close relationship not with staff",
    },
    "gives": {"da": "Giver noget i mindst én relation", "en": "Gives in at least one relationship"},
    "agreement": {"da": "Enighed", "en": "Agreement"},
    "icc": {"da": "ICC (enighed mellem medarbejdere)", "en": "ICC (agreement among staff)"},
    "kappa": {"da": "Vægtet kappa", "en": "Weighted kappa"},
    # report headings
    "report_site": {"da": "Rapport for botilbud", "en": "Report for site"},
    "report_overview": {"da": "Samlet rapport", "en": "Overview report"},
    "section_mapping": {"da": "Kortlægning", "en": "Mapping"},
    "section_needs": {"da": "Behov", "en": "Needs"},
    "section_understanding": {"da": "Fælles forståelse", "en": "Shared understanding"},
    "section_trial": {"da": "Afprøvning", "en": "Trial"},
    "section_about": {"da": "Om rapporten", "en": "About this report"},
    "site": {"da": "Botilbud", "en": "Site"},
    "all_sites": {"da": "Alle botilbud", "en": "All sites"},
    "practice": {"da": "Praksis", "en": "Practice"},
    "wave": {"da": "Måling", "en": "Wave"},
    "suppressed_note": {
        "da": "{marker}: Tallet bygger på færre end {min_cell} personer.",
        "en": "{marker}: The number rests on fewer than {min_cell} persons.",
    },
    "secondary_note": {
        "da": "{marker}: Tallet er skjult for at beskytte en lille gruppe: ellers kunne et tal om "
        "færre end {min_cell} personer i denne tabel, en anden tabel eller en anden rapport "
        "regnes ud (fx som forskellen mellem to viste tal); et antal med {marker} er mindst "
        "{min_cell}.",
        "en": "{marker}: The number is hidden to protect a small group: otherwise a number about "
        "fewer than {min_cell} persons in this table, another table or another report could be "
        "worked out (e.g. as the difference of two numbers shown); a count marked {marker} is at "
        "least {min_cell}.",
    },
    "persons_note": {
        "da": "{marker}: Tallet bygger på færre end {min_cell} personer (fx relationer hos færre "
        "end {min_cell} borgere).",
        "en": "{marker}: The number rests on fewer than {min_cell} persons (e.g. relationships "
        "of fewer than {min_cell} residents).",
    },
    "interval_note": {
        "da": "»mindst …« og »… til …«: Det præcise antal er skjult for at beskytte en lille "
        "gruppe (i denne tabel, en anden tabel eller en anden rapport), som ellers kunne regnes "
        "ud; det sande antal ligger i det viste interval.",
        "en": "“at least …” and “… to …”: The exact count is hidden to protect a small group "
        "(in this table, another table or another report) that could otherwise be worked out; "
        "the true count lies in the interval shown.",
    },
    "at_least": {"da": "mindst {lower}", "en": "at least {lower}"},
    "between": {"da": "{lower} til {upper}", "en": "{lower} to {upper}"},
    # indicators (per resident and wave; figures and tables)
    "n_staff": {"da": "Relationer til personale", "en": "Relationships with staff"},
    "n_nonstaff": {"da": "Relationer ud over personalet", "en": "Relationships beyond staff"},
    "n_close": {
        "da": "Nære relationer (inderste cirkel)",
        "en": "Close relationships (inner circle)",
    },
    "n_close_nonstaff": {
        "da": "Nære relationer ud over personalet",
        "en": "Close relationships beyond staff",
    },
    "n_gives": {
        "da": "Relationer hvor borgeren giver",
        "en": "Relationships where the resident gives",
    },
    "n_reciprocal": {"da": "Gensidige relationer", "en": "Reciprocal relationships"},
    "gives_any": {"da": "Giver i mindst én relation", "en": "Gives in at least one relationship"},
    "share_gives": {
        "da": "Andel relationer hvor borgeren giver",
        "en": "Share where the resident gives",
    },
    "n_types": {"da": "Antal relationstyper", "en": "Relationship types"},
    "staff_share": {
        "da": "Personalets andel af relationerne",
        "en": "Staff share of relationships",
    },
    "n_frequent": {
        "da": "Relationer med daglig eller ugentlig kontakt",
        "en": "Daily or weekly contact",
    },
    "only_staff_close": {"da": "Kun personale tæt på", "en": "Only staff close"},
    "diversity": {"da": "Diversitet (IQV, 0-1)", "en": "Diversity (IQV, 0-1)"},
}


def label(key: str, lang: Lang = "da") -> str:
    """The label of a result column or report heading.

    Parameters
    ----------
    key
        A key of :data:`LABELS` (``"mean"``, ``"ci_low"``, ``"section_mapping"`` ...).
    lang
        ``"da"`` or ``"en"``.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> label("mean"), label("ci_low"), label("share", "en")
    ('Gennemsnit', 'Nedre grænse (95 % KI)', 'Share')
    """
    _check_lang(lang)
    try:
        return LABELS[key][lang]
    except KeyError:
        close = difflib.get_close_matches(str(key), LABELS, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ConfigError(
            f"No label with key {key!r}.{hint} Add it to analyse.words.text.LABELS, or for a data "
            "column use column_label(table, column)."
        ) from None


def column_label(table: str, column: str, lang: Lang = "da") -> str:
    """The label of a data column, from the schema (never duplicated here).

    Examples
    --------
    >>> column_label("relations", "closeness")
    'Nærhed (1 = inderste cirkel)'
    >>> column_label("outcomes", "loneliness", "en")
    'Loneliness'
    """
    _check_lang(lang)
    if table not in TABLES:
        raise ConfigError(f"table must be one of {list(TABLES)}; received {table!r}.")
    spec = table_spec(table)
    try:
        return spec.column(column).label(lang)
    except KeyError:
        raise ConfigError(
            f"Table {table!r} has no column {column!r}; its columns are {list(spec.names)}."
        ) from None


def code_label(table: str, column: str, code: str, lang: Lang = "da") -> str:
    """The label of a code of a coded data column, from the schema.

    Examples
    --------
    >>> code_label("relations", "alter_type", "co_resident"), code_label("outcomes", "wave", "pre", "en")
    ('medbeboer', 'before')
    """
    _check_lang(lang)
    column_label(table, column, lang)  # validates table and column
    return table_spec(table).column(column).code_label(code, lang)


# --------------------------------------------------------------------------- grammar

#: Nouns a sentence counts: key -> language -> (singular, plural).
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "resident": {"da": ("borger", "borgere"), "en": ("resident", "residents")},
    "relation": {"da": ("relation", "relationer"), "en": ("relationship", "relationships")},
    "person": {"da": ("person", "personer"), "en": ("person", "persons")},
    "staff": {"da": ("medarbejder", "medarbejdere"), "en": ("staff member", "staff members")},
    "site": {"da": ("botilbud", "botilbud"), "en": ("site", "sites")},
    "practice": {"da": ("praksis", "praksisser"), "en": ("practice", "practices")},
    "respondent": {"da": ("besvarelse", "besvarelser"), "en": ("respondent", "respondents")},
}


def noun(n: object, key: str, lang: Lang = "da") -> str:
    """The noun in the number that agrees with ``n``: singular for exactly 1, else plural.

    Danish, like English, uses the plural for 0, for fractions and for every number but 1
    (*0 borgere*, *1 borger*, *1,5 borgere*).

    Examples
    --------
    >>> noun(1, "resident"), noun(2, "resident"), noun(0, "relation"), noun(1, "site", "en")
    ('borger', 'borgere', 'relationer', 'site')
    """
    _check_lang(lang)
    if key not in NOUNS:
        raise ConfigError(f"No noun with key {key!r}; known nouns are {sorted(NOUNS)}.")
    singular, plural = NOUNS[key][lang]
    return singular if (not _is_missing(n) and n == 1) else plural


def count_phrase(n: int, key: str, lang: Lang = "da") -> str:
    """A count with its noun: ``1 borger``, ``2 borgere``, ``1.234 relationer``.

    Examples
    --------
    >>> count_phrase(1, "resident"), count_phrase(12, "resident"), count_phrase(1234, "relation")
    ('1 borger', '12 borgere', '1.234 relationer')
    """
    return f"{fmt_int(n, lang)} {noun(n, key, lang)}"


def _check_min_cell(min_cell: int) -> int:
    # The rule lives in analyse.privacy.gate; imported lazily to keep text free of privacy's imports.
    from analyse.config import check_min_cell

    return check_min_cell(min_cell)


def fewer_than(min_cell: int = DEFAULT_MIN_CELL, lang: Lang = "da") -> str:
    """The words for a suppressed count: ``færre end 5``.

    Examples
    --------
    >>> fewer_than(5), fewer_than(3, "en")
    ('færre end 5', 'fewer than 3')
    """
    _check_lang(lang)
    m = _check_min_cell(min_cell)
    return {"da": f"færre end {m}", "en": f"fewer than {m}"}[lang]


def site_too_small_sentence(site: str, min_cell: int = DEFAULT_MIN_CELL, lang: Lang = "da") -> str:
    """The sentence a report shows instead of numbers for a site with too few residents.

    Use it when :func:`analyse.privacy.gate.site_too_small` is true.

    Examples
    --------
    >>> site_too_small_sentence("H4")
    'Botilbud H4 har færre end 5 borgere med i målingen. For at ingen kan genkendes, viser rapporten ingen tal for botilbuddet.'
    >>> site_too_small_sentence("H4", 3, "en")
    'Site H4 has fewer than 3 residents in the data. So that no one can be recognised, the report shows no numbers for the site.'
    """
    _check_lang(lang)
    few = fewer_than(min_cell, lang)
    if lang == "da":
        return (
            f"Botilbud {site} har {few} borgere med i målingen. "
            "For at ingen kan genkendes, viser rapporten ingen tal for botilbuddet."
        )
    return (
        f"Site {site} has {few} residents in the data. "
        "So that no one can be recognised, the report shows no numbers for the site."
    )


def suppressed_note(
    min_cell: int = DEFAULT_MIN_CELL,
    lang: Lang = "da",
    *,
    kinds: Iterable[str] | None = None,
) -> str:
    """The footnote under a table with hidden cells: one sentence per kind of marker shown.

    Parameters
    ----------
    min_cell
        The threshold of the gate.
    lang
        ``"da"`` or ``"en"``.
    kinds
        The statuses the table shows (:attr:`analyse.privacy.gate.SuppressedTable.status`):
        ``"primary"`` (``<5``), ``"secondary"`` (``(s)``), ``"interval"``. Default: all
        three (use :meth:`analyse.privacy.gate.SuppressedTable.note` for a table's own).

    Examples
    --------
    >>> suppressed_note(kinds=["primary"])
    '<5: Tallet bygger på færre end 5 personer.'
    >>> suppressed_note(kinds=["secondary"], lang="en")
    '(s): The number is hidden to protect a small group: otherwise a number about fewer than 5 persons in this table, another table or another report could be worked out (e.g. as the difference of two numbers shown); a count marked (s) is at least 5.'
    """
    m = _check_min_cell(min_cell)
    _check_lang(lang)
    wanted = {"primary", "secondary", "interval"} if kinds is None else set(kinds)
    parts = []
    if "primary" in wanted:
        parts.append(label("suppressed_note", lang).format(marker=f"<{m}", min_cell=m))
    if "secondary" in wanted:
        parts.append(label("secondary_note", lang).format(marker=SECONDARY_MARKER, min_cell=m))
    if "persons" in wanted and kinds is not None:
        parts.append(label("persons_note", lang).format(marker=PERSONS_MARKER, min_cell=m))
    if "interval" in wanted:
        parts.append(label("interval_note", lang))
    return " ".join(parts)


def interval_phrase(lower: object, upper: object, lang: Lang = "da") -> str:
    """A count known only as an interval: ``mindst 11`` (no upper bound), ``11 til 15``.

    Examples
    --------
    >>> interval_phrase(11, float("inf")), interval_phrase(11, 15, "en"), interval_phrase(7, 7)
    ('mindst 11', '11 to 15', '7')
    """
    _check_lang(lang)
    if _is_missing(lower):
        return MISSING
    lo = fmt_int(lower, lang)
    if _is_missing(upper) or float(upper) == float("inf"):  # type: ignore[arg-type]
        return label("at_least", lang).format(lower=lo)
    if float(upper) == float(lower):  # type: ignore[arg-type]
        return lo
    return label("between", lang).format(lower=lo, upper=fmt_int(upper, lang))


def _whole(x: object, what: str) -> int | None:
    if _is_missing(x):
        return None
    d = _to_decimal(x, what)
    if d != d.to_integral_value() or d < 0:
        raise ConfigError(f"{what} must be a count (a whole number >= 0); received {x!r}.")
    return int(d)


def sentence_close_nonstaff(
    site: str,
    k: object,
    n: object,
    lang: Lang = "da",
    *,
    min_cell: int = DEFAULT_MIN_CELL,
    k_lower: object = None,
) -> str:
    """How many residents of a site have at least one close relationship not with staff.

    Parameters
    ----------
    site
        The site code as the report names it.
    k
        Residents with at least one close (inner-circle) relationship that is not staff;
        ``None``/``NA`` when :mod:`analyse.privacy.gate` suppressed it.
    n
        Residents of the site in the wave; ``None``/``NA`` when suppressed.
    lang
        ``"da"`` or ``"en"``.
    min_cell
        The smallest number of persons a stated number may rest on.
    k_lower
        When ``k`` is hidden but published as a true interval (its lower bound,
        :attr:`analyse.privacy.gate.SuppressedTable.lower`): *mindst 11 af 15 borgere*.

    Returns
    -------
    str
        One sentence. The numbers in it are ``k`` and ``n`` as given, formatted with
        :func:`fmt_int`, unless privacy forbids stating them:

        * ``n < min_cell``: :func:`site_too_small_sentence`;
        * ``n`` suppressed (missing): the numbers are not shown;
        * ``k < min_cell`` (but not 0): *færre end 5 af 12 borgere*;
        * ``0 < n - k < min_cell``, so that the residents *without* such a relationship
          are fewer than ``min_cell``: *mindst 8 af 12 borgere* (``n - min_cell + 1``), which
          neither states ``k`` nor lets ``n - k`` be worked out;
        * ``k`` suppressed (missing) with ``n`` shown: the number is not shown.

    Notes
    -----
    Zero is stated (*0 af 12*, *12 af 12*), like zero cells in :mod:`analyse.privacy.gate`.

    Examples
    --------
    >>> sentence_close_nonstaff("H1", 7, 12)
    'I botilbud H1 har 7 af 12 borgere mindst én nær relation, som ikke er personale.'
    >>> sentence_close_nonstaff("H1", 3, 12)
    'I botilbud H1 har færre end 5 af 12 borgere mindst én nær relation, som ikke er personale.'
    >>> sentence_close_nonstaff("H1", 7, 12, lang="en")
    'In site H1, 7 of 12 residents have at least one close relationship that is not with staff.'
    """
    _check_lang(lang)
    m = _check_min_cell(min_cell)
    k_, n_ = _whole(k, "k"), _whole(n, "n")
    if n_ is not None and k_ is not None and k_ > n_:
        raise ConfigError(f"k cannot exceed n; received k={k!r}, n={n!r}.")
    if n_ is not None and n_ < m:
        return site_too_small_sentence(site, m, lang)
    lower = _whole(k_lower, "k_lower")
    if n_ is not None and k_ is None and lower is not None and lower >= m:
        k_words = {"da": "mindst", "en": "at least"}[lang] + " " + fmt_int(lower, lang)
        n_words = count_phrase(n_, "resident", lang)
        if lang == "da":
            return f"I botilbud {site} har {k_words} af {n_words} mindst én nær relation, som ikke er personale."
        return f"In site {site}, {k_words} of {n_words} have at least one close relationship that is not with staff."
    if n_ is None or k_ is None:
        if lang == "da":
            return (
                f"{_where(site, 'for', lang)} vises antallet af borgere med mindst én nær relation, "
                "som ikke er personale, ikke, så ingen kan genkendes."
            )
        return (
            f"{_where(site, 'for', lang)}, the number of residents with at least one close "
            "relationship that is not with staff is not shown, so that no one can be recognised."
        )
    if 0 < k_ < m:
        k_words = fewer_than(m, lang)
    elif 0 < n_ - k_ < m:
        k_words = {"da": "mindst", "en": "at least"}[lang] + " " + fmt_int(n_ - m + 1, lang)
    else:
        k_words = fmt_int(k_, lang)
    n_words = count_phrase(n_, "resident", lang)
    if lang == "da":
        return f"{_where(site, 'in', lang)} har {k_words} af {n_words} mindst én nær relation, som ikke er personale."
    return f"{_where(site, 'in', lang)}, {k_words} of {n_words} have at least one close relationship that is not with staff."


def _where(site: str, preposition: str, lang: str) -> str:
    """``I botilbud H1`` / ``For botilbud H1``, and ``I alle botilbud`` for the overview.

    >>> _where("H1", "for", "da"), _where("Alle botilbud", "for", "da"), _where("all", "in", "en")
    ('For botilbud H1', 'I alle botilbud', 'In all sites')
    """
    if site in ("all", LABELS["all_sites"]["da"], LABELS["all_sites"]["en"]):
        return {"da": "I alle botilbud", "en": "In all sites"}[lang]
    if lang == "da":
        return f"{'I' if preposition == 'in' else 'For'} botilbud {site}"
    return f"{'In' if preposition == 'in' else 'For'} site {site}"


#: The most digits after the decimal sign a sentence uses to keep a number apart from another.
MAX_DECIMALS = 4


def decimals_apart(
    value: object, other: object = 0.0, decimals: int = 1, *, percent: bool = False
) -> int:
    """The fewest digits (at least ``decimals``, at most :data:`MAX_DECIMALS`) at which
    ``value`` does not print as ``other`` when the two differ.

    So that "0,02 til 0,3 … helt over 0" never reads "0,0 til 0,3 … helt over 0", and a
    change of 0,04 is not printed as "0,0".

    >>> decimals_apart(0.02), decimals_apart(0.3), decimals_apart(0.0), decimals_apart(0.96, 1)
    (2, 1, 1, 2)
    """
    _check_decimals(decimals)
    if _is_missing(value) or _is_missing(other):
        return decimals
    v, o = _to_decimal(value, "value"), _to_decimal(other, "other")
    if v == o:
        return decimals
    shift = 2 if percent else 0
    for d in range(decimals, MAX_DECIMALS + 1):
        if _round_half_up(v, d + shift) != _round_half_up(o, d + shift):
            return d
    return MAX_DECIMALS


def fmt_change(x: object, decimals: int = 1, lang: Lang = "da", *, sign: bool = False) -> str:
    """A change as a sentence prints it: with enough digits that a change that is not zero
    never prints as ``0,0``; an exact zero prints as ``0,0``, and callers word it
    as no change (:func:`no_change`).

    >>> fmt_change(0.04), fmt_change(-1.25), fmt_change(0.4, sign=True), fmt_change(0.0)
    ('0,04', '-1,3', '+0,4', '0,0')
    """
    out = fmt_number(x, decimals_apart(x, 0.0, decimals), lang)
    if sign and not _is_missing(x) and float(_to_decimal(x, "x")) > 0:
        out = "+" + out
    return out


def no_change(x: object) -> bool:
    """Whether a change is exactly zero (not merely small): then a sentence says "uændret".

    >>> no_change(0.0), no_change(-0.0), no_change(0.001), no_change(float("nan"))
    (True, True, False, False)
    """
    return not _is_missing(x) and _to_decimal(x, "x") == 0


def uncertainty_words(
    ci_low: object,
    ci_high: object,
    lang: Lang = "da",
    *,
    decimals: int = 1,
    null: float = 0.0,
    percent: bool = False,
) -> str:
    """Say in words what a confidence interval of a difference or effect means.

    Parameters
    ----------
    ci_low, ci_high
        The bounds of the 95 % confidence interval of the difference (or effect size).
    lang
        ``"da"`` or ``"en"``.
    decimals
        Digits after the decimal sign of the bounds.
    null
        The value meaning *no difference*: 0 for a difference or standardised effect,
        1 for a ratio.
    percent
        The bounds are proportions (a difference in shares): format them as percentages.

    Returns
    -------
    str
        One or two sentences: whether the interval holds the value of no difference (then
        the difference is uncertain, and there may be none), lies wholly above it or wholly
        below it; with the bounds as :func:`fmt_ci` shows them.

    Examples
    --------
    >>> uncertainty_words(-0.42, 1.25)
    'Forskellen er usikker: intervallet går fra -0,4 til 1,3, så der kan også være ingen forskel.'
    >>> uncertainty_words(0.3, 1.2)
    'Forskellen er næppe tilfældig: intervallet går fra 0,3 til 1,2 og ligger helt over 0.'
    >>> uncertainty_words(-0.42, 1.25, "en")
    'The difference is uncertain: the interval goes from -0.4 to 1.3, so there may also be no difference.'
    """
    _check_lang(lang)
    if _is_missing(ci_low) or _is_missing(ci_high):
        return {
            "da": "Usikkerheden kan ikke beregnes, fordi der er for få svar.",
            "en": "The uncertainty cannot be computed because there are too few answers.",
        }[lang]
    low, high = float(_to_decimal(ci_low, "ci_low")), float(_to_decimal(ci_high, "ci_high"))
    if low > high:
        raise ConfigError(f"ci_low must not exceed ci_high; received {ci_low!r} and {ci_high!r}.")
    if low == high == null:  # every difference is exactly the value of no difference
        return {
            "da": "Der er ingen forskel: alle har samme værdi før og efter.",
            "en": "There is no difference: everyone has the same value before and after.",
        }[lang]
    if not low <= null <= high:  # the printed bounds must lie on the side the words say
        near = low if low > null else high
        decimals = decimals_apart(near, null, decimals, percent=percent)
    ci = fmt_ci(low, high, decimals, lang, percent=percent)
    null_text = (
        fmt_percent(null, 0, lang)
        if percent
        else fmt_number(null, 0 if float(null).is_integer() else decimals, lang)
    )
    if low <= null <= high:
        if lang == "da":
            return f"Forskellen er usikker: intervallet går fra {ci}, så der kan også være ingen forskel."
        return f"The difference is uncertain: the interval goes from {ci}, so there may also be no difference."
    side = {"da": ("over", "under"), "en": ("above", "below")}[lang][0 if low > null else 1]
    if lang == "da":
        return f"Forskellen er næppe tilfældig: intervallet går fra {ci} og ligger helt {side} {null_text}."
    return f"The difference is unlikely to be chance: the interval goes from {ci} and lies wholly {side} {null_text}."


#: What the detailed before/after sentence says after its interval, by the report's
#: conclusion for the same statement (``analyse.report.main_results.family``).
_CONCLUSION_TAILS: dict[str, tuple[str, str]] = {
    "clear": (
        "Forskellen er næppe tilfældig, også efter justering for antallet af udsagn i rapporten: "
        "intervallet går fra {ci} og ligger helt {side} {null}.",
        "The difference is unlikely to be chance, also after adjusting for the number of "
        "statements in the report: the interval goes from {ci} and lies wholly {side} {null}.",
    ),
    "uncertain_adjusted": (
        "Forskellen er usikker efter justering for antallet af udsagn i rapporten: intervallet "
        "går fra {ci}, men med så mange udsagn kan et interval helt {side} {null} være tilfældigt.",
        "The difference is uncertain after adjusting for the number of statements in the report: "
        "the interval goes from {ci}, but with so many statements an interval wholly {side} "
        "{null} may be chance.",
    ),
    "few_sites": (
        "For få botilbud til at afgøre: intervallet går fra {ci}, men praksissen er afprøvet i "
        "for få botilbud til en konklusion.",
        "Too few sites to tell: the interval goes from {ci}, but the practice was tried at too "
        "few sites for a conclusion.",
    ),
    "exploratory": (
        "Udforskende, ingen konklusion (ikke rapportens primære mål): intervallet går fra {ci}.",
        "Exploratory, no conclusion (not the report's primary measure): the interval goes "
        "from {ci}.",
    ),
    "none": (
        "95 %-konfidensintervallet går fra {ci} (uden konklusion).",
        "The 95% confidence interval goes from {ci} (no conclusion).",
    ),
}


def conclusion_words(
    ci_low: object,
    ci_high: object,
    conclusion: str | None,
    lang: Lang = "da",
    *,
    decimals: int = 1,
) -> str:
    """The interval of a change in words, with the conclusion the report's family reached.

    :func:`uncertainty_words` judges an interval alone (*næppe tilfældig* when it excludes 0);
    a report states that only for a statement that is also clear after the report's
    adjustment for its number of statements (issue 24). This function says what the report
    concluded about the same statement.

    Parameters
    ----------
    ci_low, ci_high
        The 95 % interval of the change.
    conclusion
        The report's conclusion for the statement (``analyse.report.main_results.family``):
        ``"better"``/``"worse"`` (clear after the adjustment), ``"uncertain"`` (the interval
        holds 0), ``"uncertain_adjusted"``, ``"few_sites"``, ``"exploratory"``; ``None`` or
        ``"unknown"`` when no family was given: the interval without any conclusion.
    lang
        ``"da"`` or ``"en"``.
    decimals
        Digits after the decimal sign of the bounds.

    Returns
    -------
    str
        One sentence.

    Examples
    --------
    >>> conclusion_words(0.3, 1.2, "better")
    'Forskellen er næppe tilfældig, også efter justering for antallet af udsagn i rapporten: intervallet går fra 0,3 til 1,2 og ligger helt over 0.'
    >>> conclusion_words(0.3, 1.2, "uncertain_adjusted")
    'Forskellen er usikker efter justering for antallet af udsagn i rapporten: intervallet går fra 0,3 til 1,2, men med så mange udsagn kan et interval helt over 0 være tilfældigt.'
    >>> conclusion_words(0.3, 1.2, None)
    '95 %-konfidensintervallet går fra 0,3 til 1,2 (uden konklusion).'
    >>> conclusion_words(-0.4, 1.2, "uncertain")
    'Forskellen er usikker: intervallet går fra -0,4 til 1,2, så der kan også være ingen forskel.'
    """
    _check_lang(lang)
    if _is_missing(ci_low) or _is_missing(ci_high):
        return uncertainty_words(ci_low, ci_high, lang, decimals=decimals)
    low, high = float(_to_decimal(ci_low, "ci_low")), float(_to_decimal(ci_high, "ci_high"))
    if low > high:
        raise ConfigError(f"ci_low must not exceed ci_high; received {ci_low!r} and {ci_high!r}.")
    if conclusion in ("uncertain",) or (low == high == 0.0):
        return uncertainty_words(low, high, lang, decimals=decimals)
    key = {"better": "clear", "worse": "clear"}.get(conclusion or "none", conclusion or "none")
    if key not in _CONCLUSION_TAILS:
        key = "none"
    outside = not low <= 0.0 <= high
    if key == "clear" and not outside:  # pragma: no cover - a clear conclusion excludes 0
        raise ConfigError(f"a clear conclusion needs an interval without 0; got {low}, {high}.")
    if outside:
        decimals = decimals_apart(low if low > 0 else high, 0.0, decimals)
    side = {"da": ("over", "under"), "en": ("above", "below")}[lang][0 if low > 0 else 1]
    da, en = _CONCLUSION_TAILS[key]
    return (da if lang == "da" else en).format(
        ci=fmt_ci(low, high, decimals, lang), side=side, null="0"
    )


#: Result columns of the analysis modules that neither the schema, :data:`text.LABELS` nor
#: :data:`figures.INDICATOR_LABELS` names. Danish first, English second.
EXPLORE_LABELS: dict[str, tuple[str, str]] = {
    "n": ("Antal borgere", "Residents"),
    "n_assessed": ("Borgere målt", "Residents assessed"),
    "n_wants_more": ("Ønsker flere relationer", "Want more relationships"),
    "n_wants_no_more": ("Ønsker ikke flere", "Do not want more"),
    "n_wants_unknown": ("Ved ikke", "Don't know"),
    "n_only_staff_close": ("Kun personale tæt på", "Only staff close"),
    "n_gives_to_none": ("Giver ikke i nogen relation", "Gives in no relationship"),
    "n_no_frequent_contact": ("Ingen daglig/ugentlig kontakt", "No daily/weekly contact"),
    "n_any_flag": ("Mindst ét tegn", "At least one sign"),
    "n_wants_and_flagged": ("Ønsker flere og har tegn", "Want more and show a sign"),
    "n_flagged_not_wanting": ("Tegn, men intet ønske", "Sign, but no wish"),
    "gives_to_none": ("Giver ikke i nogen relation", "Gives in no relationship"),
    "no_frequent_contact": ("Ingen daglig/ugentlig kontakt", "No daily/weekly contact"),
    "n_flags": ("Antal tegn (0-3)", "Signs (0-3)"),
    "wants_and_flagged": ("Ønsker flere og har tegn", "Wants more and shows a sign"),
    "flagged_not_wanting": ("Tegn, men intet ønske", "Sign, but no wish"),
    "mean_n_relations": ("Relationer (gns.)", "Relationships (mean)"),
    "mean_n_nonstaff": ("Ud over personalet (gns.)", "Beyond staff (mean)"),
    "mean_n_close_nonstaff": ("Nære ud over personalet (gns.)", "Close beyond staff (mean)"),
    "mean_n_gives": ("Borgeren giver (gns.)", "Resident gives (mean)"),
    "n_any_close_nonstaff": (
        "Mindst én nær relation ud over personalet",
        "At least one close relationship beyond staff",
    ),
    "share_gives_any": ("Andel der giver i mindst én", "Share giving in at least one"),
    "gained_nonstaff": ("Nye, ikke personale", "Gained, not staff"),
    "kept_nonstaff": ("Bevarede, ikke personale", "Kept, not staff"),
    "lost_nonstaff": ("Ophørte, ikke personale", "Lost, not staff"),
    "indicator": ("Mål", "Measure"),
    "outcome": ("Mål", "Measure"),
    "mean_pre": ("Gennemsnit før", "Mean before"),
    "mean_post": ("Gennemsnit efter", "Mean after"),
    "mean_diff": ("Ændring (efter − før)", "Change (after − before)"),
    "ci": ("95 %-konfidensinterval", "95% confidence interval"),
    "g_av": ("Effektstørrelse (Hedges' g_av)", "Effect size (Hedges' g_av)"),
    "g_av_ci": ("95 %-interval for g_av", "95% interval of g_av"),
    "p_t_adj": ("p (t-test, Holm)", "p (t test, Holm)"),
    "p_w_adj": ("p (Wilcoxon, Holm)", "p (Wilcoxon, Holm)"),
    "n_excluded": ("Uden komplet par", "Without a complete pair"),
    "note": ("Bemærkning", "Note"),
    "estimate": ("Estimat", "Estimate"),
    "scale": ("Skala", "Scale"),
    "n_pairs": ("Borgere med par", "Residents with pairs"),
    "n_pairs_comparison": ("Par i sammenligningsgruppen", "Pairs in comparison group"),
    "model": ("Model", "Model"),
    "improved": ("Pålideligt bedre", "Reliably better"),
    "unchanged": ("Ingen pålidelig ændring", "No reliable change"),
    "deteriorated": ("Pålideligt værre", "Reliably worse"),
    "critical_change": ("Mindste pålidelige ændring (point)", "Smallest reliable change (points)"),
    "rci": ("Pålidelighedsindeks (RCI)", "Reliable change index (RCI)"),
    "category": ("Vurdering", "Verdict"),
    "pre": ("Før", "Before"),
    "post": ("Efter", "After"),
    "change": ("Ændring", "Change"),
    "n_completed": ("Målt begge gange", "Assessed twice"),
    "n_lost": ("Faldet fra", "Lost"),
    "mean_completed": ("Gns. før, målt begge gange", "Mean before, assessed twice"),
    "mean_lost": ("Gns. før, faldet fra", "Mean before, lost"),
    "rwg_j": ("Enighed r_wg(J)", "Agreement r_wg(J)"),
    "ad_m": ("Gns. afvigelse AD_M", "Average deviation AD_M"),
    "n_raters": ("Antal medarbejdere", "Staff members"),
    "n_items": ("Antal udsagn", "Statements"),
    "interpretation": ("Fortolkning", "Interpretation"),
    "alpha": ("Krippendorffs α", "Krippendorff's α"),
    "n_units": ("Udsagn", "Statements"),
    "item": ("Udsagn", "Statement"),
    "n_staff": ("Svar fra personale", "Staff answers"),
    "n_resident": ("Svar fra borgere", "Resident answers"),
    "share_agree_staff": ("Personale enige (4-5)", "Staff agreeing (4-5)"),
    "share_agree_resident": ("Borgere enige (4-5)", "Residents agreeing (4-5)"),
    "cliffs_delta": ("Cliffs delta", "Cliff's delta"),
    "p": ("p (Mann-Whitney)", "p (Mann-Whitney)"),
    "disagreement_rank": ("Rang (1 = størst forskel)", "Rank (1 = largest gap)"),
    "statistic": ("Mål", "Statistic"),
    "before": ("Før", "Before"),
    "after": ("Efter", "After"),
    "difference": ("Forskel (efter − før)", "Difference (after − before)"),
    "n_before": ("Medarbejdere før", "Staff before"),
    "n_after": ("Medarbejdere efter", "Staff after"),
    "aspect": ("Aspekt", "Aspect"),
    "icc": ("ICC", "ICC"),
    "icc_model": ("ICC-form", "ICC form"),
    "kappa": ("Vægtet kappa", "Weighted kappa"),
    "spearman_rho": ("Spearmans ρ", "Spearman's ρ"),
    "share_exact": ("Helt ens", "Exactly equal"),
    "share_within_one": ("Højst ét trin fra hinanden", "At most one step apart"),
    "n_residents": ("Antal borgere", "Residents"),
    "p_model": ("p-værdi", "p-value"),
    "table": ("Tabel", "Table"),
    "rows": ("Rækker", "Rows"),
    "file": ("Fil", "File"),
    "row": ("Række", "Row"),
    "column": ("Kolonne", "Column"),
    "value": ("Værdi", "Value"),
    "rule": ("Regel", "Rule"),
    "resident_id": ("Borger", "Resident"),
    "site_id": ("Botilbud", "Site"),
    "practice": ("Praksis", "Practice"),
    "wave": ("Måling", "Wave"),
}

TABLE_NAMES: dict[str, tuple[str, str]] = {
    "residents": ("borgere", "residents"),
    "relations": ("relationer", "relations"),
    "outcomes": ("borgermaal", "outcomes"),
    "understanding": ("forstaaelse", "understanding"),
    "items": ("spoergsmaal", "items"),
    "assessments": ("vurderinger", "assessments"),
    "practices": ("praksisser", "practices"),
}

#: The aspects staff rate residents on (free codes in the data; these are the usual ones).
ASPECTS: dict[str, dict[str, str]] = {
    "overall": {"da": "samlet", "en": "overall"},
    "reciprocity": {"da": "gensidighed", "en": "reciprocity"},
    "network": {"da": "netværk", "en": "network"},
}


#: Short texts of the figures (:mod:`analyse.render.figures`): key -> {"da": ..., "en": ...}.
FIGURE_TEXT: dict[str, dict[str, str]] = {
    "map_title": {"da": "Relationskort (konvojmodellen)", "en": "Relationship map (convoy model)"},
    "resident": {"da": "Borger", "en": "Resident"},
    "gives": {"da": "Borgeren giver", "en": "Resident gives"},
    "not_gives": {"da": "Borgeren giver ikke", "en": "Resident does not give"},
    "lost_marker": {"da": "Mistet siden forrige måling", "en": "Lost since previous wave"},
    "not_assessed": {"da": "ikke målt", "en": "not assessed"},
    "no_relations": {"da": "Ingen relationer", "en": "No relationships"},
    "relations": {"da": "relationer", "en": "relationships"},
    "relation": {"da": "relation", "en": "relationship"},
    "new_1": {"da": "ny", "en": "new"},
    "new_n": {"da": "nye", "en": "new"},
    "lost_1": {"da": "mistet", "en": "lost"},
    "lost_n": {"da": "mistede", "en": "lost"},
    "gives_in": {"da": "Giver i {g} af {n}", "en": "Gives in {g} of {n}"},
    "gives_not_asked": {"da": "Giver: ikke spurgt", "en": "Gives: not asked"},
    "marker": {"da": "Markering", "en": "Marker"},
    "circle_1": {"da": "Inderst", "en": "Inner"},
    "circle_2": {"da": "Midt", "en": "Middle"},
    "circle_3": {"da": "Yderst", "en": "Outer"},
    "by": {"da": "pr.", "en": "by"},
    "share_of_relations": {"da": "Andel af relationerne", "en": "Share of relationships"},
    "composition": {"da": "Relationernes sammensætning", "en": "Composition of relationships"},
    "omitted": {
        "da": "{k} gruppe(r) med under {m} borgere er udeladt",
        "en": "{k} group(s) with fewer than {m} residents omitted",
    },
    "omitted_boxes": {
        "da": "{k} boks(e) med under {m} borgere er udeladt",
        "en": "{k} box(es) with fewer than {m} residents omitted",
    },
    "too_few": {
        "da": "Under {m} borgere målt begge gange: ikke vist",
        "en": "Fewer than {m} residents assessed twice: not shown",
    },
    "residents_n": {"da": "borgere", "en": "residents"},
    "mean": {"da": "Gennemsnit", "en": "Mean"},
    "mean_ci": {
        "da": "Gennemsnit med 95 %-konfidensinterval",
        "en": "Mean with 95% confidence interval",
    },
    "one_resident": {"da": "én borger", "en": "one resident"},
    "line_width": {
        "da": "stregens tykkelse = antal borgere",
        "en": "line width = number of residents",
    },
    "all": {"da": "Alle", "en": "All"},
}


#: Texts of the steering figures of changes (:func:`analyse.render.figures.change_dots`,
#: ``forest_plot``, ``before_after_means``): key -> {"da": ..., "en": ...}.
CHANGE_FIGURE_TEXT: dict[str, dict[str, str]] = {
    "change": {"da": "Ændring fra før til efter", "en": "Change from before to after"},
    "change_title": {
        "da": "Ændring fra før til efter med 95 %-konfidensinterval",
        "en": "Change from before to after with 95% confidence interval",
    },
    "did": {"da": "Forskel i ændring", "en": "Difference in change"},
    "did_title": {
        "da": "Ændring i praksis minus ændring i sammenligningsgruppen (95 %-konfidensinterval)",
        "en": "Change in practice minus change in comparison group (95% confidence interval)",
    },
    "model": {"da": "Model med 95 %-KI", "en": "Model with 95% CI"},
    "plain": {"da": "Simpel forskel", "en": "Plain difference"},
    # Not "for få": a group of min_cell or more may be hidden to protect another (issue 23).
    "hidden": {"da": "skjult (se tabellens note)", "en": "hidden (see the table's note)"},
    "no_interval": {"da": "interval ikke vist", "en": "interval not shown"},
    "better_left": {"da": "← bedre", "en": "← better"},
    "better_right": {"da": "bedre →", "en": "better →"},
    "means_title": {
        "da": "Gennemsnit før og efter (borgere målt begge gange)",
        "en": "Means before and after (residents assessed both times)",
    },
    "pre": {"da": "Før", "en": "Before"},
    "post": {"da": "Efter", "en": "After"},
}
