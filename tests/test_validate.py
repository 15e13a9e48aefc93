"""Bad input gets a clear answer: every problem named by file, row, column, value and rule,
a non-zero exit, no traceback and nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from analyse import DataError, PrivacyError, read_dataset
from analyse.data.validate import RULES

Edit = Callable[[Path], None]


def _edit(file: str, old: str, new: str, count: int = 1) -> Edit:
    def apply(folder: Path) -> None:
        path = folder / file
        text = path.read_bytes().decode("utf-8-sig")
        assert old in text, f"{old!r} not in {file}"
        path.write_bytes(text.replace(old, new, count).encode("utf-8-sig"))

    return apply


def _append(file: str, line: str) -> Edit:
    def apply(folder: Path) -> None:
        path = folder / file
        path.write_bytes(
            (path.read_bytes().decode("utf-8-sig") + line + "\r\n").encode("utf-8-sig")
        )

    return apply


def _write(file: str, content: str) -> Edit:
    def apply(folder: Path) -> None:
        (folder / file).write_text(content, encoding="utf-8-sig")

    return apply


def _delete(file: str) -> Edit:
    def apply(folder: Path) -> None:
        (folder / file).unlink()

    return apply


# (id, edit, file named, column named (as written) or None, rule code, row or None)
CASES = [
    (
        "cpr-hyphen",
        _edit("relationer.csv", "R1;", "010190-1234;"),
        "relationer.csv",
        "relation_id",
        "cpr_number",
        2,
    ),
    (
        "cpr-ten-digits",
        _edit("borgere.csv", "B104;H2", "B104;0101901234"),
        "borgere.csv",
        "botilbud",
        "cpr_number",
        5,
    ),
    (
        "cpr-in-free-text",
        _edit("praksisser.csv", "Ugentlige", "Kontakt 241299-4321 Ugentlige"),
        "praksisser.csv",
        "beskrivelse",
        "cpr_number",
        2,
    ),
    (
        "name-column",
        _edit("borgere.csv", "aldersgruppe", "aldersgruppe;Fornavn", 1),
        "borgere.csv",
        "Fornavn",
        "identifying_column",
        1,
    ),
    (
        "address-column",
        _edit("borgermaal.csv", "besvaret_af", "besvaret_af;Adresse"),
        "borgermaal.csv",
        "Adresse",
        "identifying_column",
        1,
    ),
    (
        "birthdate-column",
        _edit("borgere.csv", "aldersgruppe", "aldersgruppe;Fødselsdato"),
        "borgere.csv",
        "Fødselsdato",
        "identifying_column",
        1,
    ),
    (
        "email-in-text",
        _edit("praksisser.csv", "Ugentlige", "Skriv til anna.hansen@kommune.dk. Ugentlige"),
        "praksisser.csv",
        "beskrivelse",
        "email",
        2,
    ),
    (
        "phone-in-text",
        _edit("spoergsmaal.csv", "Man skal", "Ring 12 34 56 78. Man skal"),
        "spoergsmaal.csv",
        "tekst_da",
        "phone",
        3,
    ),
    (
        "name-as-id",
        _edit("borgere.csv", "B106;", "Karen;"),
        "borgere.csv",
        "borger_id",
        "not_pseudonym",
        7,
    ),
    (
        "closeness-out-of-range",
        _edit("relationer.csv", "R1;familie;1;", "R1;familie;4;"),
        "relationer.csv",
        "naerhed",
        "out_of_range",
        2,
    ),
    (
        "satisfaction-out-of-range",
        _edit("borgermaal.csv", "B101;før;7;2;", "B101;før;7;9;"),
        "borgermaal.csv",
        "tilfredshed",
        "out_of_range",
        2,
    ),
    (
        "loneliness-below-scale",
        _edit("borgermaal.csv", "B101;før;7;", "B101;før;1;"),
        "borgermaal.csv",
        "ensomhed",
        "out_of_range",
        2,
    ),
    (
        "unknown-alter-type",
        _edit("relationer.csv", "R1;familie", "R1;famillie"),
        "relationer.csv",
        "relationstype",
        "unknown_code",
        2,
    ),
    (
        "unknown-wave",
        _edit("borgermaal.csv", "B101;før", "B101;midt"),
        "borgermaal.csv",
        "maaling",
        "unknown_code",
        2,
    ),
    (
        "unknown-yes-no",
        _edit("relationer.csv", "ugentligt;ja;ja", "ugentligt;måske;ja"),
        "relationer.csv",
        "giver",
        "unknown_code",
        2,
    ),
    (
        "orphan-resident",
        _append("relationer.csv", "B999;før;R9;ven;2;ugentligt;ja;ja;"),
        "relationer.csv",
        "borger_id",
        "orphan",
        14,
    ),
    (
        "orphan-item",
        _append("forstaaelse.csv", "M09;medarbejder;H1;før;I9;3"),
        "forstaaelse.csv",
        "spoergsmaal",
        "orphan",
        8,
    ),
    (
        "orphan-practice",
        _edit("borgere.csv", "B104;H2;botilbud;none", "B104;H2;botilbud;P7"),
        "borgere.csv",
        "praksis",
        "orphan",
        5,
    ),
    (
        "duplicate-resident",
        _append("borgere.csv", "B101;H2;botilbud;none;"),
        "borgere.csv",
        "borger_id",
        "duplicate_key",
        8,
    ),
    (
        "duplicate-relation",
        _append("relationer.csv", "B101;før;R1;familie;2;dagligt;ja;ja;"),
        "relationer.csv",
        "relation_id",
        "duplicate_key",
        14,
    ),
    (
        "duplicate-outcome",
        _append("borgermaal.csv", "B101;før;6;3;ja;selv"),
        "borgermaal.csv",
        "maaling",
        "duplicate_key",
        13,
    ),
    (
        "relation-not-assessed",
        _append("relationer.csv", "B106;efter;R8;lokalsamfund;3;månedligt;nej;nej;"),
        "relationer.csv",
        "maaling",
        "not_assessed",
        14,
    ),
    (
        "missing-column",
        _edit("relationer.csv", ";kontakt;", ";kontakten;"),
        "relationer.csv",
        "kontakt",
        "missing_column",
        1,
    ),
    (
        "text-in-number",
        _edit("relationer.csv", "R1;familie;1;", "R1;familie;tæt;"),
        "relationer.csv",
        "naerhed",
        "not_a_number",
        2,
    ),
    (
        "decimal-in-whole-number",
        _edit("borgermaal.csv", "B101;før;7;", "B101;før;6,5;"),
        "borgermaal.csv",
        "ensomhed",
        "not_whole",
        2,
    ),
    (
        "missing-required-value",
        _edit("relationer.csv", "R1;familie;1;ugentligt", "R1;familie;1;"),
        "relationer.csv",
        "kontakt",
        "missing_value",
        2,
    ),
    ("empty-file", _write("borgermaal.csv", ""), "borgermaal.csv", None, "empty_file", None),
    (
        "headerless-file",
        _edit("borgere.csv", "borger_id;botilbud;boform;praksis;aldersgruppe\r\n", ""),
        "borgere.csv",
        None,
        "no_header",
        1,
    ),
    ("missing-table", _delete("borgere.csv"), "data", None, "missing_table", None),
    (
        "bad-month",
        _edit("praksisser.csv", "2026-02", "feb 2026"),
        "praksisser.csv",
        "start",
        "bad_month",
        2,
    ),
    (
        "extra-cell",
        _append("borgere.csv", "B107;H2;botilbud;none;;glemt"),
        "borgere.csv",
        "(F)",
        "empty_header",
        8,
    ),
    (
        "cpr-in-extra-cell",
        _append("borgere.csv", "B107;H2;botilbud;none;;010190-1234"),
        "borgere.csv",
        "(F)",
        "cpr_number",
        8,
    ),
    (
        "id-longer-than-32",  # a digit and only allowed characters: the length check finds it
        _edit("relationer.csv", "R1;", "R1" + "x" * 31 + ";"),
        "relationer.csv",
        "relation_id",
        "not_pseudonym",
        2,
    ),
]


@pytest.mark.parametrize(
    ("case", "edit", "file", "column", "code", "row"), CASES, ids=[c[0] for c in CASES]
)
def test_broken_data_is_refused(
    danish_folder: Path, tmp_path: Path, cli, case, edit, file, column, code, row
) -> None:
    edit(danish_folder)
    before = {p.name: p.read_bytes() for p in danish_folder.iterdir()}

    result = cli("validate", danish_folder, "--json")
    assert result.exit_code == 2, result.output
    problems = json.loads(result.stdout)
    hits = [
        p for p in problems if p["code"] == code and p["file"] == file and p["column"] == column
    ]
    assert hits, f"no {code} problem at {file}/{column}: {problems}"
    if row is not None:
        assert row in [p["row"] for p in hits]
    assert all(p["rule"] for p in problems)

    out = tmp_path / "prepared"
    result = cli("prepare", danish_folder, "--out", out)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert file in result.output
    assert not out.exists(), "nothing may be written when validation fails"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".prepared")], (
        "no temp folder left"
    )
    # raw data is never modified
    assert {p.name: p.read_bytes() for p in danish_folder.iterdir()} == before


def test_all_problems_at_once(danish_folder: Path) -> None:
    for _, edit, *_ in [CASES[9], CASES[12], CASES[15], CASES[22]]:
        edit(danish_folder)
    with pytest.raises(DataError) as info:
        read_dataset(danish_folder)
    codes = {p.code for p in info.value.problems}
    assert {"out_of_range", "unknown_code", "orphan", "missing_column"} <= codes


def test_cpr_is_masked_and_privacy_error(danish_folder: Path, cli) -> None:
    CASES[0][1](danish_folder)
    with pytest.raises(PrivacyError) as info:
        read_dataset(danish_folder)
    assert all("010190" not in (p.value or "") for p in info.value.problems)
    result = cli("validate", danish_folder)
    assert "010190" not in result.output and "1234" not in result.output.replace("######-####", "")


@pytest.mark.parametrize(
    "value",
    ["011290-1234", "311290-1234", "0112901234", "3112901234", "2902001234", "010190 1234"],
    ids=[
        "december",
        "day-31",
        "december-ten-digits",
        "day-31-ten-digits",
        "leap-day-2000",
        "space-inside",
    ],
)
def test_cpr_numbers_on_the_edges_of_the_calendar_are_refused(
    danish_folder: Path, value: str
) -> None:
    """December, day 31, 29-02-2000 (a leap day only in 2000, not in 1900) and a space between
    date and serial number: each is a CPR number at the door (issue 22)."""
    _edit("relationer.csv", "R1;", f"{value};")(danish_folder)
    with pytest.raises(PrivacyError) as info:
        read_dataset(danish_folder)
    hits = [
        p
        for p in info.value.problems
        if (p.code, p.file, p.column, p.row) == ("cpr_number", "relationer.csv", "relation_id", 2)
    ]
    assert hits and value[:6] not in (hits[0].value or "")


@pytest.mark.parametrize(
    "edit",
    [
        _edit("praksisser.csv", "praksis;", "praksisx;"),
        _edit("spoergsmaal.csv", "spoergsmaal;", "x;"),
    ],
    ids=["practices", "items"],
)
def test_a_missing_key_column_is_reported_once_not_as_orphans(danish_folder: Path, edit) -> None:
    """Without its code column a table cannot be looked up: the missing column is the one
    problem, not every reference to it as well."""
    edit(danish_folder)
    with pytest.raises(DataError) as info:
        read_dataset(danish_folder)
    assert [p.code for p in info.value.problems] == ["missing_column"]


def test_messages_in_english(danish_folder: Path, cli) -> None:
    CASES[9][1](danish_folder)
    result = cli("validate", danish_folder, "--lang", "en")
    assert result.exit_code == 2
    assert "Must lie between 1 and 3" in result.output
    result = cli("validate", danish_folder)
    assert "Skal ligge mellem 1 og 3" in result.output


def test_every_rule_has_both_languages() -> None:
    for code, texts in RULES.items():
        assert set(texts) == {"da", "en"}, code


def test_unknown_harmless_column_is_ignored_with_warning(danish_folder: Path) -> None:
    _edit("borgere.csv", "aldersgruppe", "aldersgruppe;bemaerkning")(danish_folder)
    ds = read_dataset(danish_folder)
    assert "bemaerkning" not in ds.residents.columns
    assert any("bemaerkning" in w for w in ds.warnings)
    # Issue 21: the warning follows the language (Danish by default), as does the one for a
    # file that is not a table.
    (danish_folder / "noter.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    ds = read_dataset(danish_folder)
    assert (
        "borgere.csv: kolonnen 'bemaerkning' er ikke i datakontrakten for borgere; den springes over"
        in ds.warnings
    )
    assert "noter.csv: ikke en tabel i datakontrakten; springes over" in ds.warnings
    ds = read_dataset(danish_folder, lang="en")
    assert any("column 'bemaerkning' is not in the data contract" in w for w in ds.warnings)
    assert "noter.csv: not a table of the data contract; ignored" in ds.warnings


def test_navn_is_a_practice_name_but_a_name_in_residents(danish_folder: Path) -> None:
    ds = read_dataset(danish_folder)
    assert ds.practices["name_da"].iloc[0] == "Fællesskab på tværs"
    _edit("borgere.csv", "aldersgruppe", "aldersgruppe;navn")(danish_folder)
    with pytest.raises(PrivacyError):
        read_dataset(danish_folder)


def test_configurable_loneliness_scale(danish_folder: Path) -> None:
    _edit("borgermaal.csv", "B101;før;7;", "B101;før;12;")(danish_folder)
    with pytest.raises(DataError):
        read_dataset(danish_folder)
    ds = read_dataset(danish_folder, scales={"loneliness": (3, 12)})
    assert ds.outcomes["loneliness"].max() == 12
