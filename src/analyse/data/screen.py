"""The privacy screen at the door: refuse data that could identify a person.

Every cell of every table is searched for a Danish CPR number (``DDMMYY-XXXX``, or ten
digits whose first six form a valid date) and an e-mail address; free-text columns and
columns outside the contract also for phone numbers. Every column outside the contract is
judged by its header (name, address, phone, e-mail, birth date, CPR) and by its content
(full dates: possible birth dates). A finding is reported with file, row and column, and
the value is masked so that the message does not repeat what it refuses. What counts as a
CPR number, an e-mail, a phone number or an identifying header is decided by
:mod:`analyse.data.identifiers`, the detector every door shares.

The output side of privacy — small-cell suppression in reports — is :mod:`analyse.privacy.gate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd

from analyse.data.identifiers import (
    CPR_HYPHEN,
    CPR_PLAIN,
    EMAIL,
    IDENTIFYING_HEADERS,
    IDENTIFYING_WHAT,
    PHONE,
    SUSPECT,
    find_cpr,
    header_identifies,
    mask,
)
from analyse.data.schema import fold, table_spec

__all__ = [  # the detector's names, as this module has always offered them
    "CPR_HYPHEN",
    "CPR_PLAIN",
    "EMAIL",
    "FULL_DATE",
    "IDENTIFYING_HEADERS",
    "IDENTIFYING_WHAT",
    "PHONE",
    "find_cpr",
    "identifying_header",
    "mask",
    "screen_table",
]

#: The quick test of :func:`_suspects` (every CPR number, e-mail and phone number passes it).
_SUSPECT = SUSPECT
FULL_DATE = re.compile(
    r"^\s*(?:(\d{1,2})[./-](\d{1,2})[./-](\d{4})|(\d{4})-(\d{2})-(\d{2}))(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\s*$"
)


def identifying_header(header: str) -> str | None:
    """What an unknown column's header says it holds, if it could identify a person.

    >>> identifying_header("Fornavn")
    'name'
    >>> identifying_header("Fødselsdato")
    'birth_date'
    >>> identifying_header("bemærkning") is None
    True
    """
    return header_identifies(fold(header))


def screen_table(
    rt,
    *,
    known: Mapping[str, str],
    unknown: list[str],
    lang: str = "da",
) -> Iterator[tuple[tuple, dict[str, object]]]:
    """Yield privacy problems of one raw table as ``((file, row, column, value, code), fields)``.

    ``known`` maps canonical column -> header as written; ``unknown`` lists headers outside
    the contract.
    """
    spec = table_spec(rt.table)
    free_text = {c.name for c in spec.columns if c.kind == "text"}
    headers = rt.headers
    for i, header in enumerate(headers):
        canonical = next((c for c, h in known.items() if h == header), None) if header else None
        # A column without a header is outside the contract: every check applies to its cells.
        is_unknown = header == "" or header in unknown
        if is_unknown:
            what = identifying_header(header)
            if what is not None:
                yield _problem(
                    rt.file,
                    rt.header_row,
                    header,
                    header,
                    "identifying_column",
                    what=IDENTIFYING_WHAT[what][lang],
                )
                continue
        codes, uniques = rt.factorized(i)
        check_phone = is_unknown or canonical in free_text
        flagged: dict[int, str] = {}
        for u_index in _suspects(uniques):
            value = uniques[u_index]
            if find_cpr(value):
                flagged[u_index] = "cpr_number"
            elif EMAIL.search(value):
                flagged[u_index] = "email"
            elif check_phone and PHONE.search(value):
                flagged[u_index] = "phone"
        if flagged:
            positions = pd.Series(codes).isin(list(flagged)).to_numpy()
            for row, code in zip(rt.index[positions], codes[positions], strict=True):
                value = uniques[code]
                yield _problem(
                    rt.file, int(row), rt.column_name(i), mask(value), flagged[int(code)]
                )
        if is_unknown:
            nonempty = [v for v in uniques if v.strip()]
            if nonempty:
                n_dates = sum(bool(FULL_DATE.match(v)) for v in nonempty)
                if n_dates / len(nonempty) >= 0.5:
                    yield _problem(
                        rt.file, rt.header_row, rt.column_name(i), header, "birth_date_values"
                    )


def _suspects(values) -> list[int]:
    """Positions of the values that could hold a CPR number, an e-mail or a phone number.

    Every match of ``_SUSPECT`` holds an ``@`` or at least eight digits, so the regular
    expression runs only on the values that have one or the other, counted for all values at
    once on their UTF-8 bytes. ``\\d`` also matches non-ASCII digits: every non-ASCII byte
    counts as a possible digit (a superset of the candidates, never a miss).
    """
    if len(values) == 0:
        return []
    texts = values if all(isinstance(v, str) for v in values[:1]) else [str(v) for v in values]
    joined = "\x00".join(texts).encode("utf-8") + b"\x00"
    b = np.frombuffer(joined, dtype=np.uint8)
    separators = np.flatnonzero(b == 0)
    if len(separators) != len(texts):  # a value holds NUL (reported when read): one by one
        return [i for i, text in enumerate(texts) if _SUSPECT.search(text)]
    # Value i and the NUL after it are bytes [starts[i], starts[i + 1]): never an empty
    # segment, so reduceat sums exactly them (with one byte of count per byte of text).
    starts = np.concatenate([[0], separators[:-1] + 1])
    digit_like = ((b >= 48) & (b <= 57)) | (b >= 0x80)
    n_digits = np.add.reduceat(digit_like, starts, dtype=np.int64)
    n_at = np.add.reduceat(b == 64, starts, dtype=np.int64)
    candidates = np.flatnonzero((n_digits >= 8) | (n_at > 0))
    return [int(i) for i in candidates if _SUSPECT.search(texts[i])]


def _problem(
    file: str, row: int | None, column: str, value: str, code: str, **fields: object
) -> tuple[tuple, dict[str, object]]:
    return (file, row, column, value, code), fields
