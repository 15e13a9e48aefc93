"""The one identifier detector: what in a text could identify a person.

Every door of the package asks this module: the input screen (:mod:`analyse.data.screen`, used by
``analyse validate`` and ``prepare``), the Network Canvas import, the audit of a run's
published files and the output guards of :mod:`analyse.privacy.gate`. Two copies of a rule drift
apart — ours did: ``010190 1234`` was a CPR number at the door but not in the Network Canvas
import — so each rule is written here once.

- **CPR numbers**: ``DDMMYY-XXXX`` (a hyphen or white space between date and serial number)
  whose day is 1-31 and month 1-12, or ten digits in a row whose first six form a valid date
  in the 1900s or the 2000s (``290200`` is 29 February 2000). A separated number is taken as
  one on its form alone (a mistyped date is still someone's CPR number); ten bare digits are
  common in other data, so they must form a date.
- **E-mail addresses** and **phone numbers** (eight digits, in pairs or not, optionally with
  ``+45``/``0045``).
- **Names where a pseudonym belongs**: a pseudonym has a digit, only letters, digits, ``_``,
  ``.`` and ``-``, at most :data:`PSEUDONYM_MAX_LENGTH` characters, and is no CPR number;
  a name (``Anna``) has no digit.
- **Identifying column headers** (name, address, phone, e-mail, birth date, CPR).

Pure functions of text; the module imports nothing from the package, so every layer may use
it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator

# ----------------------------------------------------------------------------- CPR numbers

#: ``DDMMYY-XXXX`` or ``DDMMYY XXXX``: six digits, a hyphen or white space, four digits.
CPR_HYPHEN = re.compile(r"(?<![\d])(\d{2})(\d{2})(\d{2})[-\s](\d{4})(?![\d])")
#: Ten digits in a row.
CPR_PLAIN = re.compile(r"(?<![\d])(\d{2})(\d{2})(\d{2})(\d{4})(?![\d])")
#: Either form (the two never match the same digits: a run of six or of ten).
_CPR_ANY = re.compile(r"(?<![\d])(\d{2})(\d{2})(\d{2})([-\s]?)(\d{4})(?![\d])")

# ----------------------------------------------------------------------------- contact details

#: Every pattern runs in time linear in the text: a match can start only where a run of its
#: characters starts (the look-behind), and possessive quantifiers never give back what they
#: took, so no position is scanned more than a fixed number of times. (The former
#: ``[\w.+\-]+@...`` tried every start inside a long run: 190 s for one 200,000-character cell.)
EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]++@[\w\-]++(?:\.[\w\-]++)+")
PHONE = re.compile(
    r"(?<![\w+])(?:\+45[\s-]?|0045[\s-]?)?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}(?![\w])"
)
#: A quick test that every CPR number, e-mail address and phone number passes (a superset:
#: each holds an ``@`` or at least eight digits).
SUSPECT = re.compile(r"\d{6}[-\s]?\d{4}|@|\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}")

# ----------------------------------------------------------------------------- pseudonyms

#: A pseudonym: letters, digits, ``_``, ``.`` or ``-``, at least one digit, and at most
#: :data:`PSEUDONYM_MAX_LENGTH` characters (a second check). A name ("Anna") has no digit and
#: is refused, which keeps names out of id columns. The two checks say what
#: ``^(?=.*\d)[A-Za-z0-9_.\-]{1,32}$`` says, without the look-ahead that pyarrow's RE2 cannot
#: run (pandas would fall back to Python's ``re`` for every distinct id of national data).
PSEUDONYM_PATTERN = r"^[A-Za-z_.\-]*[0-9][A-Za-z0-9_.\-]*$"
PSEUDONYM_MAX_LENGTH = 32
_PSEUDONYM = re.compile(PSEUDONYM_PATTERN)

# ----------------------------------------------------------------------------- column headers

#: Folded header fragments (:func:`analyse.data.schema.fold`) that mark an identifying column,
#: with what it looks like.
IDENTIFYING_HEADERS: tuple[tuple[str, str], ...] = (
    ("cpr", "cpr"),
    ("personnummer", "cpr"),
    ("ssn", "cpr"),
    ("foedsel", "birth_date"),
    ("fodsel", "birth_date"),
    ("birth", "birth_date"),
    ("dob", "birth_date"),
    ("foedt", "birth_date"),
    ("navn", "name"),
    ("name", "name"),
    ("adresse", "address"),
    ("address", "address"),
    ("postnr", "address"),
    ("vejnavn", "address"),
    ("street", "address"),
    ("telefon", "phone"),
    ("tlf", "phone"),
    ("phone", "phone"),
    ("mobil", "phone"),
    ("mail", "email"),
)

#: What an identifying column looks like, in words (Danish and English).
IDENTIFYING_WHAT = {
    "name": {"da": "et navn", "en": "a name"},
    "address": {"da": "en adresse", "en": "an address"},
    "phone": {"da": "et telefonnummer", "en": "a phone number"},
    "email": {"da": "en e-mailadresse", "en": "an e-mail address"},
    "birth_date": {"da": "en fødselsdato", "en": "a birth date"},
    "cpr": {"da": "et CPR-nummer", "en": "a CPR number"},
}


def _valid_date(dd: str, mm: str, yy: str) -> bool:
    """Whether ``DDMMYY`` is a date in the 1900s or the 2000s (29-02 only in leap years).

    >>> _valid_date("29", "02", "00"), _valid_date("29", "02", "01"), _valid_date("31", "12", "99")
    (True, False, True)
    """
    d, m, y = int(dd), int(mm), int(yy)
    for century in (1900, 2000):
        try:
            _dt.date(century + y, m, d)
            return True
        except ValueError:
            continue
    return False


def _is_cpr_match(m: re.Match[str]) -> bool:
    dd, mm, yy, separator = m.group(1), m.group(2), m.group(3), m.group(4)
    if separator:
        return 1 <= int(dd) <= 31 and 1 <= int(mm) <= 12
    return _valid_date(dd, mm, yy)


def cpr_matches(text: str) -> Iterator[re.Match[str]]:
    """Every CPR number in ``text``, as regular-expression matches in the order they occur.

    >>> [m.group(0) for m in cpr_matches("CPR 0101901234 og 311299-1234, ikke 3213901234")]
    ['0101901234', '311299-1234']
    """
    return (m for m in _CPR_ANY.finditer(text) if _is_cpr_match(m))


def find_cpr(text: str) -> bool:
    """Whether a text holds something that looks like a CPR number.

    Examples
    --------
    >>> find_cpr("010190-1234"), find_cpr("0101901234"), find_cpr("3213901234"), find_cpr("B0017")
    (True, True, False, False)
    >>> find_cpr("311290 1234"), find_cpr("2902001234"), find_cpr("2902011234")
    (True, True, False)
    """
    return next(cpr_matches(text), None) is not None


def mask_cpr(text: str) -> str:
    """``text`` with the digits of every CPR number written as ``#``; other digits kept.

    >>> mask_cpr("KeyError: 'B104' (010190-1234), 12 borgere")
    "KeyError: 'B104' (######-####), 12 borgere"
    """
    return _CPR_ANY.sub(
        lambda m: re.sub(r"\d", "#", m.group(0)) if _is_cpr_match(m) else m.group(0), text
    )


def mask(text: str) -> str:
    """Mask digits and e-mail addresses so that a message does not repeat them.

    >>> mask("ring 12 34 56 78 eller skriv til anna@eksempel.dk, cpr 010190-1234")
    'ring ## ## ## ## eller skriv til ***@***, cpr ######-####'
    """
    masked = EMAIL.sub("***@***", text)
    return re.sub(r"\d", "#", masked)


def is_pseudonym(value: str) -> bool:
    """Whether ``value`` is a pseudonym: the contract's pattern and length, and no CPR number.

    >>> is_pseudonym("B017"), is_pseudonym("Hanne"), is_pseudonym("010190-1234")
    (True, False, False)
    """
    return (
        len(value) <= PSEUDONYM_MAX_LENGTH and bool(_PSEUDONYM.match(value)) and not find_cpr(value)
    )


def mask_pseudonym(value: str) -> str:
    """A pseudonym as a message shows it: its first character, the rest starred.

    Enough to tell residents from alters (``B***``, ``A***``) without repeating what was
    found; a one-character value is starred whole.

    >>> mask_pseudonym("B104"), mask_pseudonym("A7f3c-09ab-1e2d"), mask_pseudonym("7")
    ('B***', 'A**************', '*')
    """
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def header_identifies(folded_header: str) -> str | None:
    """What a column header says its column holds, if that could identify a person.

    ``folded_header`` is the header folded by :func:`analyse.data.schema.fold` (lower case, æ/ø/å
    as ae/oe/aa); :func:`analyse.data.screen.identifying_header` folds and asks here.

    Returns
    -------
    str or None
        A key of :data:`IDENTIFYING_WHAT` (``name``, ``address``, ``phone``, ``email``,
        ``birth_date``, ``cpr``), or ``None``.

    >>> header_identifies("fornavn"), header_identifies("bemaerkning") is None
    ('name', True)
    """
    for fragment, what in IDENTIFYING_HEADERS:
        if fragment in folded_header:
            return what
    return None
