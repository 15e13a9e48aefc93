"""One identifier detector for every door (issue 22): the screen at the door, the Network
Canvas import, the audit of a run and the output guards of the privacy gate agree, because
they all ask :mod:`analyse.data.identifiers`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analyse.data import identifiers, screen
from analyse.privacy.gate import find_leaks
from analyse.run.audit import mask_text

SRC = Path(identifiers.__file__).resolve().parent

#: (text, is a CPR number). The calendar's edges: December, day 31, 29 February in 2000 (a
#: leap year) but not in 2001, a space or a hyphen inside.
CPR_CASES = [
    ("010190-1234", True),
    ("010190 1234", True),
    ("0101901234", True),
    ("011290-1234", True),
    ("0112901234", True),
    ("311290-1234", True),
    ("3112901234", True),
    ("2902001234", True),
    ("290200-1234", True),
    ("2902011234", False),  # 29-02-2001 and 29-02-1901 never were
    ("3102901234", False),  # 31 February
    ("3213901234", False),
    ("011390-1234", False),  # month 13
    ("000190-1234", False),  # day 0
    ("01019012345", False),  # eleven digits
    ("B0017", False),
]


@pytest.mark.parametrize(("text", "is_cpr"), CPR_CASES, ids=[c[0] for c in CPR_CASES])
def test_every_door_agrees_on_what_a_cpr_number_is(text: str, is_cpr: bool) -> None:
    sentence = f"Borger {text} har 3 relationer."
    assert identifiers.find_cpr(sentence) is is_cpr
    assert screen.find_cpr(sentence) is is_cpr  # the door (validate, prepare)
    leaks = [p.code for p in find_leaks(sentence)]  # the privacy gate's output guard
    assert leaks == (["cpr_number"] if is_cpr else [])
    masked = mask_text(sentence, set())  # the audit's messages
    assert (text not in masked) is is_cpr
    if is_cpr:  # never a pseudonym, whatever else it looks like
        assert not identifiers.is_pseudonym(text)


def test_a_cpr_number_is_masked_digit_by_digit_and_nothing_else() -> None:
    text = "fejl i 010190 1234 og 311299-1234, ikke i 12 borgere eller 3213901234"
    assert identifiers.mask_cpr(text) == (
        "fejl i ###### #### og ######-####, ikke i 12 borgere eller 3213901234"
    )
    assert [m.group(0) for m in identifiers.cpr_matches(text)] == ["010190 1234", "311299-1234"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("B017", True),
        ("A7f3c-09ab-1e2d", True),
        ("Hanne", False),
        ("B 017", False),
        ("B" + "1" * 32, False),
        ("", False),
    ],
)
def test_a_pseudonym_has_a_digit_and_no_name_or_space(value: str, expected: bool) -> None:
    assert identifiers.is_pseudonym(value) is expected


def test_the_detector_stands_on_its_own() -> None:
    """It imports nothing from the package (except errors and config), so any layer may use it."""
    tree = ast.parse((SRC / "identifiers.py").read_text(encoding="utf-8"))
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert {m for m in imported if m.startswith("analyse")} <= {"analyse.errors", "analyse.config"}


def test_no_other_module_writes_its_own_cpr_pattern() -> None:
    """Each fact once: the CPR pattern lives in identifiers.py only (two copies disagreed)."""
    pattern = re.compile(r"\\d\{6\}|\\d\{10\}|\(\\d\{2\}\)\(\\d\{2\}\)")
    writers = sorted(
        p.name for p in SRC.glob("*.py") if pattern.search(p.read_text(encoding="utf-8"))
    )
    assert writers == ["identifiers.py"]
