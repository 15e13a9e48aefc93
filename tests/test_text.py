"""Tests of analyse.words.text: Danish number formatting, labels, grammar and sentences."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyse.data.schema import specs
from analyse.errors import ConfigError
from analyse.words.text import (
    LABELS,
    code_label,
    column_label,
    conclusion_words,
    count_phrase,
    fmt_ci,
    fmt_int,
    fmt_number,
    fmt_percent,
    label,
    noun,
    sentence_close_nonstaff,
    site_too_small_sentence,
    suppressed_note,
    uncertainty_words,
)

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("x", "decimals", "lang", "expected"),
    [
        (1234.5, 1, "da", "1.234,5"),
        (1234.5, 1, "en", "1,234.5"),
        (1234567.891, 2, "da", "1.234.567,89"),
        (2.25, 1, "da", "2,3"),  # half away from zero, not half to even
        (-2.25, 1, "da", "-2,3"),
        (2.675, 2, "da", "2,68"),  # rounded as printed, not as its binary value
        (-0.04, 1, "da", "0,0"),  # never "-0,0"
        (3, 2, "da", "3,00"),
        (0.5, 0, "da", "1"),
    ],
)
def test_fmt_number(x, decimals, lang, expected):
    assert fmt_number(x, decimals, lang) == expected


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_numbers(missing):
    assert fmt_number(missing) == "–"
    assert fmt_int(missing) == "–"
    assert fmt_percent(missing) == "–"


def test_fmt_int_and_errors():
    assert fmt_int(1234) == "1.234"
    assert fmt_int(1234.0, "en") == "1,234"
    with pytest.raises(ConfigError):
        fmt_int(2.5)
    with pytest.raises(ConfigError):
        fmt_number("12")
    with pytest.raises(ConfigError):
        fmt_number(1.0, lang="de")
    with pytest.raises(ConfigError):
        fmt_number(1.0, decimals=-1)


def test_fmt_percent_and_ci():
    assert fmt_percent(7 / 12) == f"58{NBSP}%"
    assert fmt_percent(0.125, 1) == f"12,5{NBSP}%"
    assert fmt_percent(0.125, 0, "en") == "13%"
    assert fmt_ci(-0.42, 1.25) == "-0,4 til 1,3"
    assert fmt_ci(1.5, 2, 1, "en") == "1.5 to 2.0"
    assert fmt_ci(0.1, 0.35, 0, percent=True) == f"10{NBSP}% til 35{NBSP}%"


@settings(max_examples=50, deadline=None)
@given(st.integers(-(10**9), 10**9))
def test_fmt_int_round_trips(n):
    assert int(fmt_int(n).replace(".", "")) == n
    assert int(fmt_int(n, "en").replace(",", "")) == n


@pytest.mark.parametrize(
    ("n", "key", "lang", "expected"),
    [
        (1, "resident", "da", "1 borger"),
        (2, "resident", "da", "2 borgere"),
        (0, "resident", "da", "0 borgere"),
        (1, "relation", "da", "1 relation"),
        (1234, "relation", "da", "1.234 relationer"),
        (1, "resident", "en", "1 resident"),
        (5, "staff", "en", "5 staff members"),
    ],
)
def test_count_phrase_singular_and_plural(n, key, lang, expected):
    assert count_phrase(n, key, lang) == expected


def test_unknown_noun_and_label():
    with pytest.raises(ConfigError):
        noun(1, "cat")
    with pytest.raises(ConfigError, match="mean"):
        label("maen")


def test_labels_have_both_languages():
    for key, texts in LABELS.items():
        assert texts["da"].strip() and texts["en"].strip(), key
    assert label("n") == "Antal"
    assert label("mean") == "Gennemsnit"
    assert label("median") == "Median"
    assert label("share") == "Andel"
    assert label("ci_low") == "Nedre grænse (95 % KI)"
    assert label("ci_low", "en") == "Lower limit (95% CI)"


def test_column_labels_come_from_the_schema():
    for spec in specs():
        for col in spec.columns:
            assert column_label(spec.name, col.name) == col.label_da
            assert column_label(spec.name, col.name, "en") == col.label_en
    assert code_label("relations", "alter_type", "staff") == "personale"
    with pytest.raises(ConfigError):
        column_label("relations", "nope")


def test_sentence_from_the_brief():
    assert (
        sentence_close_nonstaff("H1", 7, 12)
        == "I botilbud H1 har 7 af 12 borgere mindst én nær relation, som ikke er personale."
    )
    assert sentence_close_nonstaff("H1", 7, 12, "en") == (
        "In site H1, 7 of 12 residents have at least one close relationship that is not with staff."
    )


def test_suppressed_sentences():
    assert "færre end 5 af 12 borgere" in sentence_close_nonstaff("H1", 3, 12)
    assert "mindst 8 af 12 borgere" in sentence_close_nonstaff("H1", 11, 12)
    assert sentence_close_nonstaff("H4", 2, 4) == site_too_small_sentence("H4")
    assert "vises" in sentence_close_nonstaff("H1", None, 12)
    assert "fewer than 3" in sentence_close_nonstaff("H1", 2, 12, "en", min_cell=3)
    with pytest.raises(ConfigError):
        sentence_close_nonstaff("H1", 13, 12)
    with pytest.raises(ConfigError):
        sentence_close_nonstaff("H1", 7, 12, min_cell=2)


@pytest.mark.parametrize(
    ("k_lower", "shown"), [(5, True), (4, False)], ids=["at-min-cell", "below"]
)
def test_at_least_sentence_boundary_is_min_cell(k_lower: int, shown: bool) -> None:
    """A hidden count published as an interval is stated as *mindst L af N* exactly when its
    lower bound L reaches ``min_cell``; below it the number is not shown."""
    da = sentence_close_nonstaff("H1", None, 15, k_lower=k_lower)
    en = sentence_close_nonstaff("H1", None, 15, "en", k_lower=k_lower)
    if shown:
        assert da == (
            "I botilbud H1 har mindst 5 af 15 borgere mindst én nær relation, som ikke er personale."
        )
        assert en.startswith("In site H1, at least 5 of 15 residents have")
    else:
        assert "vises" in da and "4" not in da
        assert "not shown" in en and "4" not in en


def _numbers(sentence: str) -> list[int]:
    return [
        int(x.replace(".", "")) for x in re.findall(r"\d[\d.]*\d|\d", sentence.replace("H1", ""))
    ]


@settings(max_examples=50, deadline=None)
@given(n=st.integers(5, 5000), data=st.data(), min_cell=st.sampled_from([3, 5]))
def test_sentence_numbers_are_the_values_passed_or_safe(n, data, min_cell):
    k = data.draw(st.integers(0, n))
    sentence = sentence_close_nonstaff("H1", k, n, min_cell=min_cell)
    numbers = _numbers(sentence)
    if n < min_cell:
        assert numbers == [min_cell]
    elif 0 < k < min_cell:
        assert numbers == [min_cell, n]  # "færre end 5 af 12"
    elif 0 < n - k < min_cell:
        assert numbers == [n - min_cell + 1, n]  # k itself is never stated
        assert k not in numbers or k == n - min_cell + 1
    else:
        assert numbers == [k, n]


def test_uncertainty_words():
    spans = uncertainty_words(-0.42, 1.25)
    assert spans == (
        "Forskellen er usikker: intervallet går fra -0,4 til 1,3, så der kan også være ingen forskel."
    )
    assert "helt over 0" in uncertainty_words(0.3, 1.2)
    assert "helt under 0" in uncertainty_words(-1.2, -0.3)
    assert "wholly above 1" in uncertainty_words(1.1, 2.0, "en", null=1.0)
    assert "kan ikke beregnes" in uncertainty_words(float("nan"), 1.0)
    with pytest.raises(ConfigError):
        uncertainty_words(2.0, 1.0)


def test_site_too_small_and_note():
    assert site_too_small_sentence("H4").startswith("Botilbud H4 har færre end 5 borgere")
    assert suppressed_note(3).startswith("<3: Tallet bygger på færre end 3 personer")
    assert suppressed_note(lang="en").startswith("<5: The number rests on fewer than 5 persons")


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        # issue 21: "0,0 til 0,3 … ligger helt over 0" — the bound needs a second digit
        (0.02, 0.31, "intervallet går fra 0,02 til 0,31 og ligger helt over 0."),
        (-0.3, -0.004, "intervallet går fra -0,300 til -0,004 og ligger helt under 0."),
        (0.3, 1.2, "intervallet går fra 0,3 til 1,2 og ligger helt over 0."),
        (-0.004, 0.5, "intervallet går fra 0,0 til 0,5, så der kan også være ingen forskel."),
        # a change of exactly zero for everyone is no change, not an "uncertain" one
        (0.0, 0.0, "Der er ingen forskel: alle har samme værdi før og efter."),
    ],
)
def test_interval_words_never_contradict_their_printed_bounds(low, high, expected) -> None:
    assert uncertainty_words(low, high).endswith(expected)


def test_a_small_change_is_not_printed_as_zero_and_zero_reads_as_no_change() -> None:
    from analyse.words.text import decimals_apart, fmt_change, no_change

    assert fmt_change(0.04) == "0,04" and fmt_change(-0.04) == "-0,04"
    assert fmt_change(0.4, sign=True) == "+0,4" and fmt_change(-1.25) == "-1,3"
    assert no_change(0.0) and not no_change(0.001)
    assert decimals_apart(0.96, 1.0) == 2 and decimals_apart(0.00001, 0.0) == 4


@pytest.mark.parametrize(
    ("conclusion", "expected"),
    [
        ("better", "Forskellen er næppe tilfældig, også efter justering"),
        ("worse", "Forskellen er næppe tilfældig, også efter justering"),
        ("uncertain_adjusted", "Forskellen er usikker efter justering"),
        ("few_sites", "For få botilbud til at afgøre"),
        ("exploratory", "Udforskende, ingen konklusion"),
        (None, "95 %-konfidensintervallet går fra 0,02 til 0,31 (uden konklusion)."),
        ("unknown", "95 %-konfidensintervallet går fra 0,02 til 0,31 (uden konklusion)."),
    ],
)
def test_conclusion_words_say_the_reports_conclusion(conclusion, expected) -> None:
    """Issue 24: "næppe tilfældig" only for a statement the report's family concluded on; the
    bounds keep the digits that put them on the side the words say (issue 21)."""
    words = conclusion_words(0.02, 0.31, conclusion)
    assert words.startswith(expected) and "0,02 til 0,31" in words
    if conclusion not in ("better", "worse"):
        assert "næppe tilfældig" not in words
    assert "The difference is unlikely to be chance, also after" in conclusion_words(
        0.3, 1.2, "better", "en"
    )
    assert conclusion_words(-0.4, 1.2, "uncertain") == uncertainty_words(-0.4, 1.2)
