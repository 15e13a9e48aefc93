"""The Excel template for data entry (analyse.data.template).

Every expectation is derived from the schemas (``analyse.data.schema.specs()``): no column or
code is listed in this file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from analyse import read_dataset
from analyse.data.io import TEMPLATE_SHEETS, to_style, write_dataset
from analyse.data.schema import MISSING_SPELLINGS, ColumnSpec, fold, specs, value_lookup
from analyse.data.template import DEFAULT_ROWS, SHEETS, build_template, write_template
from analyse.errors import ConfigError

LANGS = ("da", "en")


def sheet_name(t, lang: str) -> str:
    return t.da if lang == "da" else t.name


def is_rating(c: ColumnSpec) -> bool:
    """A whole-number rating that also takes 'ved ikke' (as validation treats it)."""
    return c.kind == "int" and c.name == "rating" and not c.required


@pytest.fixture(scope="module", params=LANGS)
def book(request, tmp_path_factory):
    lang = request.param
    path = write_template(tmp_path_factory.mktemp(lang) / f"skabelon_{lang}.xlsx", lang=lang)
    return lang, load_workbook(path)


def validations_at(ws, cell: str) -> list:
    """The data validations whose range covers ``cell``."""
    out = []
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if cell in rng:
                out.append(dv)
                break
    return out


def list_values(wb, formula: str) -> list:
    """The values a list validation offers: a defined name or a range on another sheet."""
    formula = formula.lstrip("=")
    if formula in wb.defined_names:
        destinations = list(wb.defined_names[formula].destinations)
    else:
        sheet, _, ref = formula.rpartition("!")
        destinations = [(sheet.strip("'"), ref)]
    assert len(destinations) == 1, formula
    sheet, ref = destinations[0]
    ws = wb[sheet]
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    assert min_col == max_col, "a list is one column"
    return [ws.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]


def test_sheets_are_guidance_tables_codebook_and_hidden_lists(book) -> None:
    lang, wb = book
    names = SHEETS[lang]
    expected = [
        names["guidance"],
        *(sheet_name(t, lang) for t in specs()),
        names["codebook"],
        names["lists"],
    ]
    assert wb.sheetnames == expected
    assert wb[names["lists"]].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in expected[:-1])
    # the reader ignores every sheet that is not a table
    for key in ("guidance", "codebook", "lists"):
        assert fold(names[key]) in TEMPLATE_SHEETS


def test_headers_are_exactly_the_schema_headers(book) -> None:
    lang, wb = book
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        headers = [c.value for c in ws[1]]
        assert headers == [c.header(lang) for c in t.columns], t.name
        assert ws.max_row == 1, "the template holds no data rows"
        assert ws.freeze_panes == "A2"
        for j, c in enumerate(t.columns, start=1):
            cell = ws.cell(row=1, column=j)
            assert cell.font.bold
            assert cell.comment is not None and c.label(lang) in cell.comment.text
            if lang == "en":
                assert c.description in cell.comment.text
            assert ws.column_dimensions[get_column_letter(j)].width >= 10


def test_text_format_on_every_non_number_column(book) -> None:
    """Pseudonyms, codes and months stay text, so Excel keeps 2025-03 as written."""
    lang, wb = book
    months = 0
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        for j, c in enumerate(t.columns, start=1):
            fmt = ws.column_dimensions[get_column_letter(j)].number_format
            if c.kind == "int":
                assert fmt != "@", (t.name, c.name)
            else:
                assert fmt == "@", (t.name, c.name)
            months += c.kind == "month"
    assert months > 0


def test_every_coded_column_has_a_list_of_its_values_in_the_language(book) -> None:
    lang, wb = book
    checked = 0
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        for j, c in enumerate(t.columns, start=1):
            if c.kind not in ("code", "bool"):
                continue
            letter = get_column_letter(j)
            for cell in (f"{letter}2", f"{letter}{DEFAULT_ROWS + 1}"):
                dvs = validations_at(ws, cell)
                assert len(dvs) == 1, (t.name, c.name, cell)
                assert dvs[0].type == "list" and dvs[0].showErrorMessage
            dv = validations_at(ws, f"{letter}2")[0]
            values = list_values(wb, dv.formula1)
            # the reader maps each offered value back to the codes, in the schema's order
            lookup = value_lookup(t.name, c.name)
            assert [lookup.get(fold(v)) for v in values] == list(c.code_values), (t.name, c.name)
            # and the values are the labels of the template's language
            labels = [code.da if lang == "da" else code.en for code in c.codes]
            assert [fold(v) for v in values] == [fold(x) for x in labels]
            checked += 1
    assert checked >= sum(c.kind in ("code", "bool") for t in specs() for c in t.columns) > 0


def test_rating_columns_offer_the_scale_and_ved_ikke(book) -> None:
    lang, wb = book
    ratings = 0
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        for j, c in enumerate(t.columns, start=1):
            if not is_rating(c):
                continue
            dvs = validations_at(ws, f"{get_column_letter(j)}2")
            assert len(dvs) == 1 and dvs[0].type == "list"
            values = list_values(wb, dvs[0].formula1)
            assert values[:-1] == list(range(c.ge, c.le + 1))
            assert all(isinstance(v, int) for v in values[:-1]), "numbers stay numbers"
            assert fold(values[-1]) in MISSING_SPELLINGS
            if lang == "da":
                assert values[-1] == "ved ikke"
            ratings += 1
    assert ratings >= 1


def test_whole_number_columns_enforce_the_schema_range(book) -> None:
    lang, wb = book
    checked = 0
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        for j, c in enumerate(t.columns, start=1):
            if c.kind != "int" or is_rating(c):
                continue
            letter = get_column_letter(j)
            dvs = validations_at(ws, f"{letter}2")
            assert len(dvs) == 1, (t.name, c.name)
            dv = dvs[0]
            assert dv.type == "whole" and dv.operator == "between"
            assert (int(dv.formula1), int(dv.formula2)) == (c.ge, c.le), (t.name, c.name)
            assert dv.showErrorMessage and dv.error
            assert validations_at(ws, f"{letter}{DEFAULT_ROWS + 1}") == [dv]
            assert validations_at(ws, f"{letter}{DEFAULT_ROWS + 2}") == []
            if lang == "da":
                assert f"helt tal fra {c.ge} til {c.le}" in dv.error
            checked += 1
    assert checked >= 3


def test_configured_scale_replaces_the_default_range(tmp_path: Path) -> None:
    scaled = [(t, c) for t in specs() for c in t.columns if c.configurable_range]
    assert scaled
    scales = {c.configurable_range: (0, 20) for _, c in scaled}
    wb = load_workbook(write_template(tmp_path / "s.xlsx", scales=scales))
    for t, c in scaled:
        ws = wb[t.da]
        letter = get_column_letter(t.names.index(c.name) + 1)
        (dv,) = validations_at(ws, f"{letter}2")
        assert (dv.formula1, dv.formula2) == ("0", "20")


def test_id_and_month_columns_have_a_length_check_and_free_columns_none(book) -> None:
    lang, wb = book
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        for j, c in enumerate(t.columns, start=1):
            dvs = validations_at(ws, f"{get_column_letter(j)}2")
            if c.kind in ("id", "month"):
                assert len(dvs) == 1 and dvs[0].type == "textLength", (t.name, c.name)
            elif c.kind == "text":
                assert dvs == []


def test_codebook_sheet_lists_every_column(book) -> None:
    lang, wb = book
    ws = wb[SHEETS[lang]["codebook"]]
    rows = list(ws.iter_rows(values_only=True))
    body = rows[1:]
    assert {(r[0], r[1]) for r in body} == {
        (sheet_name(t, lang), c.header(lang)) for t in specs() for c in t.columns
    }
    assert len(body) == sum(len(t.columns) for t in specs())


def test_guidance_names_every_table_and_how_to_check(book) -> None:
    lang, wb = book
    text = "\n".join(
        str(v) for (v,) in wb[SHEETS[lang]["guidance"]].iter_rows(values_only=True) if v
    )
    assert "analyse validate" in text
    assert "CPR" in text
    for t in specs():
        assert sheet_name(t, lang) in text
    if lang == "da":
        assert "ved ikke" in text and "pseudonym" in text


def test_blank_template_is_read_as_an_empty_data_set_with_no_unknown_sheets(tmp_path: Path) -> None:
    """Only 'no rows' problems: the guidance, codebook and lists sheets are not tables."""
    from analyse.errors import DataError

    path = write_template(tmp_path / "t.xlsx", lang="da")
    with pytest.raises(DataError) as err:
        read_dataset(path)
    assert {p.code for p in err.value.problems} == {"no_rows"}
    assert all(p.row is None for p in err.value.problems)


@pytest.mark.parametrize("lang", LANGS)
def test_template_filled_with_its_own_list_values_validates(tmp_path: Path, tables, lang) -> None:
    """Fill the template as a user would (values picked from the dropdowns) and read it back:
    the same data set as the hand-made fixture written as CSV."""
    path = write_template(tmp_path / "t.xlsx", lang=lang)
    wb = load_workbook(path)
    for t in specs():
        if t.name not in tables:
            continue
        ws = wb[sheet_name(t, lang)]
        canonical = to_style(t.name, tables[t.name], style="en")  # canonical codes
        for j, c in enumerate(t.columns, start=1):
            if c.name not in canonical.columns:
                continue
            dv = validations_at(ws, f"{get_column_letter(j)}2")
            offered = list_values(wb, dv[0].formula1) if dv and dv[0].type == "list" else None
            for i, v in enumerate(canonical[c.name], start=2):
                if v == "":
                    continue
                if offered is not None and c.codes:
                    v = offered[list(c.code_values).index(v)]
                elif c.kind == "int":
                    v = int(v)
                ws.cell(row=i, column=j, value=v)
    wb.save(path)
    got = read_dataset(path)
    write_dataset(tables, tmp_path / "csv")
    want = read_dataset(tmp_path / "csv")
    for t in specs():
        pd.testing.assert_frame_equal(
            getattr(got, t.name).reset_index(drop=True),
            getattr(want, t.name).reset_index(drop=True),
            obj=t.name,
        )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.integers(min_value=1, max_value=300), lang=st.sampled_from(LANGS))
def test_validations_cover_exactly_the_requested_rows(rows: int, lang: str) -> None:
    wb = build_template(lang=lang, rows=rows)
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                assert (rng.min_row, rng.max_row) == (2, rows + 1)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"path": "skabelon.csv"},
        {"lang": "de"},
        {"rows": 0},
        {"scales": {"loneliness": (9, 3)}},
    ],
    ids=["not-xlsx", "unknown-lang", "no-rows", "reversed-scale"],
)
def test_bad_arguments_raise_config_error(tmp_path: Path, kwargs) -> None:
    path = tmp_path / kwargs.pop("path", "skabelon.xlsx")
    with pytest.raises(ConfigError):
        write_template(path, **kwargs)
    assert not path.exists()


def test_cli_template_writes_the_workbook(tmp_path: Path, cli) -> None:
    out = tmp_path / "sub" / "template.xlsx"
    result = cli("template", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == SHEETS["en"]["guidance"]
    assert [t.name for t in specs()] == wb.sheetnames[1 : 1 + len(specs())]


def test_empty_required_cells_are_shaded_once_the_row_is_started(book) -> None:
    lang, wb = book
    for t in specs():
        ws = wb[sheet_name(t, lang)]
        shaded = {}
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                assert rule.type == "expression"
                shaded[str(rng.sqref)] = rule.formula[0]
        expected = {}
        for j, c in enumerate(t.columns, start=1):
            if c.required:
                letter = get_column_letter(j)
                expected[f"{letter}2:{letter}{DEFAULT_ROWS + 1}"] = letter
        assert set(shaded) == set(expected), t.name
        for sqref, letter in expected.items():
            assert f"TRIM({letter}2)" in shaded[sqref]
            assert f"${get_column_letter(len(t.columns))}2" in shaded[sqref]


def test_guidance_words_are_package_data_with_a_placeholder_for_every_fact() -> None:
    """The guidance lives in a data file shipped with the package (pyproject's package-data
    covers it); both languages have the same rows and fill the same placeholders."""
    import re
    import tomllib

    from analyse.data.template import GUIDANCE_FILE, _guidance_lines, _guidance_text

    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["analyse.data"]
    assert any(Path(GUIDANCE_FILE).match(g) for g in globs)
    text = _guidance_text()
    assert [r["style"] for r in text["da"]] == [r["style"] for r in text["en"]]
    for da, en in zip(text["da"], text["en"], strict=True):
        fields = re.compile(r"\{(\w+)\}")
        assert set(fields.findall(da.get("text", ""))) == set(fields.findall(en.get("text", "")))
    for lang in ("da", "en"):
        lines = _guidance_lines(lang)
        assert not any("{" in t for _, t in lines)
        assert sum(t.startswith("• ") and "(" in t for s, t in lines if s == "text") >= len(specs())
