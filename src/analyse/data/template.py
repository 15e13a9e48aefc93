"""The Excel template for data entry, generated from the schemas.

:func:`write_template` writes a workbook a botilbud can fill in and send back as it is:

- a guidance sheet first (``Vejledning`` / ``Guidance``): how to fill in the data, one
  row per what, pseudonyms only, what ``ved ikke`` means, how to save and check the file;
- one sheet per table of the data contract, named by the table's Danish name (``da``) or
  English name (``en``), with the column headers the reader expects in row 1 (bold,
  frozen; dark for required columns, light for optional ones; a note with the column's
  description on every header);
- dropdown lists (list data validation) on every coded and yes/no column, showing the
  values in the template's language, read from named ranges on a hidden ``lister`` /
  ``lists`` sheet (safer than inline lists with commas and æ/ø/å); ratings get the list
  1-5 plus ``ved ikke``;
- whole-number validation with the column's range on the other whole-number columns,
  a length check on pseudonym, code and month columns, all with a message in the
  template's language;
- text format on pseudonym, code and month columns, so Excel keeps ``2025-03`` and
  ``007`` as written;
- a codebook sheet (``Kodebog`` / ``Codebook``) rendered from
  :func:`analyse.data.codebook.codebook_frame`.

Everything is read off :mod:`analyse.data.schema`; no column or code is listed here. The
reader (:mod:`analyse.data.io`) ignores the guidance, codebook and lists sheets.
"""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from analyse.config import Lang
from analyse.data.codebook import (
    TITLES,
    allows_dont_know,
    check_lang,
    choices,
    codebook_frame,
    column_description,
    column_values,
    dont_know,
    table_description,
)
from analyse.data.codebook import (
    text as cb_text,
)
from analyse.data.schema import SCALES, ColumnSpec, TableSpec, fold, specs
from analyse.errors import ConfigError
from analyse.outputs import check_file, write_file

#: Validation is applied to data rows 2 .. ``DEFAULT_ROWS`` + 1.
DEFAULT_ROWS = 5000

#: Names of the sheets that hold no data (the reader ignores them).
SHEETS: dict[str, dict[str, str]] = {
    "da": {"guidance": "Vejledning", "codebook": "Kodebog", "lists": "lister"},
    "en": {"guidance": "Guidance", "codebook": "Codebook", "lists": "lists"},
}

_DARK = "1F4E79"
_LIGHT = "DDEBF7"
_REQUIRED_FILL = PatternFill("solid", fgColor=_DARK)
_OPTIONAL_FILL = PatternFill("solid", fgColor=_LIGHT)
_REQUIRED_FONT = Font(bold=True, color="FFFFFF")
_OPTIONAL_FONT = Font(bold=True, color="1A1A1A")
_HEADER_ALIGN = Alignment(vertical="center", horizontal="left")
_WRAP = Alignment(wrap_text=True, vertical="top")
_MISSING_FILL = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")

_MSG: dict[str, dict[str, str]] = {
    "da": {
        "invalid": "Ugyldig værdi",
        "choose": "Vælg en værdi fra listen: {values}.",
        "whole": "Skriv et helt tal fra {ge} til {le}, eller lad cellen stå tom.",
        "whole_required": "Skriv et helt tal fra {ge} til {le}.",
        "scale": " Standardskalaen er {ge}-{le}. Bruger I en anden skala (sat i "
        "konfigurationen), kan I fortsætte.",
        "length": "Højst {n} tegn: bogstaver, tal, _ . - (et pseudonym, fx B017). Aldrig navn "
        "eller CPR-nummer.",
        "month": "Skriv måneden som ÅÅÅÅ-MM, fx 2025-03.",
        "required": "Skal udfyldes.",
        "optional": "Kan stå tom.",
        "values": "Tilladt",
    },
    "en": {
        "invalid": "Invalid value",
        "choose": "Choose a value from the list: {values}.",
        "whole": "Enter a whole number from {ge} to {le}, or leave the cell empty.",
        "whole_required": "Enter a whole number from {ge} to {le}.",
        "scale": " The default scale is {ge}-{le}. If you use another scale (set in the "
        "configuration), you may continue.",
        "length": "At most {n} characters: letters, digits, _ . - (a pseudonym, e.g. B017). "
        "Never a name or CPR number.",
        "month": "Enter the month as YYYY-MM, e.g. 2025-03.",
        "required": "Required.",
        "optional": "May be left empty.",
        "values": "Allowed",
    },
}

#: Maximum length of a pseudonym or code (see the patterns in :mod:`analyse.data.schema`).
_MAX_ID_LENGTH = 32


def write_template(
    path: str | Path,
    *,
    lang: Lang = "da",
    rows: int = DEFAULT_ROWS,
    scales: Mapping[str, tuple[int, int]] | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the Excel workbook for data entry.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.xlsx`` file to write; its folder is created if missing.
    lang : {"da", "en"}
        Language of sheet names, headers, lists, messages and guidance. ``da`` writes the
        Danish headers and values (``borger_id``, ``før``), ``en`` the canonical English
        ones (``resident_id``, ``before``); the reader accepts both.
    rows : int
        Number of data rows (from row 2) that get dropdown lists and number checks.
    scales : mapping, optional
        Ranges of configurable scales (``{"loneliness": (3, 9)}``), as in the
        configuration; the schema's defaults (:data:`analyse.data.schema.SCALES`) otherwise.
    overwrite : bool
        Replace ``path`` if it exists. Without it an existing file (perhaps a filled-in
        workbook) is refused with :class:`~analyse.outputs.OutputError` and nothing is written.

    Returns
    -------
    pathlib.Path
        The file written.

    Notes
    -----
    Within each data row, an empty cell in a required column is shaded red once any other
    cell of the row is filled in (conditional formatting), so a missing value shows while
    the row is typed, before ``analyse validate`` reports it.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from openpyxl import load_workbook
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_template(pathlib.Path(folder) / "skabelon.xlsx", lang="da")
    ...     load_workbook(path).sheetnames[:3]
    ['Vejledning', 'borgere', 'relationer']
    """
    lang = check_lang(lang)  # type: ignore[assignment]
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise ConfigError(
            f"Skabelonen er en Excel-projektmappe, og navnet skal ende på .xlsx; fik {str(out)!r}. "
            "Brug fx skabelon.xlsx."
            if lang == "da"
            else f"The template is an Excel workbook and its name must end in .xlsx; received "
            f"{str(out)!r}. Use e.g. skabelon.xlsx."
        )
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= 1_000_000:
        raise ConfigError(f"rows must be a whole number from 1 to 1000000; received {rows!r}.")
    merged = dict(SCALES)
    for name, rng in (scales or {}).items():
        if len(rng) != 2 or int(rng[0]) > int(rng[1]):
            raise ConfigError(
                f"scale {name!r} must be (low, high) with low <= high; received {rng!r}."
            )
        merged[name] = (int(rng[0]), int(rng[1]))
    check_file(out, overwrite=overwrite, lang=lang)  # refuse before building
    wb = build_template(lang=lang, rows=rows, scales=merged)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_file(out, buffer.getvalue(), overwrite=overwrite, lang=lang)
    return out


def build_template(
    *,
    lang: Lang = "da",
    rows: int = DEFAULT_ROWS,
    scales: Mapping[str, tuple[int, int]] | None = None,
) -> Workbook:
    """The template as an openpyxl :class:`~openpyxl.workbook.workbook.Workbook` (not saved).

    See :func:`write_template` for the parameters.
    """
    lang = check_lang(lang)  # type: ignore[assignment]
    scales = dict(SCALES) | dict(scales or {})
    names = SHEETS[lang]
    wb = Workbook()
    guidance = wb.active
    guidance.title = names["guidance"]
    table_sheets = {t.name: wb.create_sheet(t.da if lang == "da" else t.name) for t in specs()}
    codebook = wb.create_sheet(names["codebook"])
    lists = wb.create_sheet(names["lists"])
    lists.sheet_state = "hidden"

    list_names = _write_lists(wb, lists, lang)
    for t in specs():
        _write_table_sheet(table_sheets[t.name], t, lang, rows, scales, list_names)
    _write_guidance(guidance, lang)
    _write_codebook_sheet(codebook, lang)
    wb.active = 0
    wb.properties.title = (
        cb_text("title", lang).replace("Kodebog", "Skabelon").replace("Codebook", "Template")
    )
    wb.properties.creator = "analyse"
    return wb


# --------------------------------------------------------------------------- lists


def _list_name(header: str, used: set[str]) -> str:
    base = "liste_" + re.sub(r"[^A-Za-z0-9_]", "_", fold(header))
    name, i = base, 2
    while name.lower() in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name.lower())
    return name


def _write_lists(wb: Workbook, ws: Worksheet, lang: str) -> dict[tuple[str, str], str]:
    """Write every dropdown list once on the hidden sheet; (table, column) -> defined name."""
    by_values: dict[tuple, str] = {}
    result: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for t in specs():
        for c in t.columns:
            values = choices(c, lang)
            if not values:
                continue
            key = tuple(values)
            if key not in by_values:
                name = _list_name(c.header(lang), used)
                col = len(by_values) + 1
                letter = get_column_letter(col)
                ws.cell(row=1, column=col, value=name).font = Font(bold=True)
                for i, v in enumerate(values, start=2):
                    ws.cell(row=i, column=col, value=v).number_format = (
                        "General" if isinstance(v, int) else "@"
                    )
                ref = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(values) + 1}"
                wb.defined_names[name] = DefinedName(name, attr_text=ref)
                ws.column_dimensions[letter].width = max(12, *(len(str(v)) + 2 for v in values))
                by_values[key] = name
            result[(t.name, c.name)] = by_values[key]
    return result


# --------------------------------------------------------------------------- table sheets


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _range_of(c: ColumnSpec, scales: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    if c.configurable_range and c.configurable_range in scales:
        return scales[c.configurable_range]
    if c.ge is None or c.le is None:  # pragma: no cover - every int column has a range
        raise ConfigError(f"column {c.table}.{c.name} has no range in the schema")
    return c.ge, c.le


def _validation(c: ColumnSpec, lang: str, scales, list_names) -> DataValidation | None:
    msg = _MSG[lang]
    prompt_title = _clip(c.label(lang), 32)
    if (c.table, c.name) in list_names:
        shown = ", ".join(str(v) for v in choices(c, lang))
        dv = DataValidation(
            type="list",
            formula1=list_names[(c.table, c.name)],
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the in-cell arrow
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=msg["invalid"],
            error=_clip(msg["choose"].format(values=shown), 255),
        )
    elif c.kind == "int":
        low, high = _range_of(c, scales)
        text = msg["whole_required" if c.required else "whole"].format(ge=low, le=high)
        style = "stop"
        if c.configurable_range:
            text += msg["scale"].format(ge=low, le=high)
            style = "warning"
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle=style,
            errorTitle=msg["invalid"],
            error=_clip(text, 255),
        )
    elif c.kind == "id":
        dv = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(_MAX_ID_LENGTH),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=msg["invalid"],
            error=_clip(msg["length"].format(n=_MAX_ID_LENGTH), 255),
        )
    elif c.kind == "month":
        dv = DataValidation(
            type="textLength",
            operator="equal",
            formula1="7",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=msg["invalid"],
            error=msg["month"],
        )
    else:
        return None
    dv.showInputMessage = True
    dv.promptTitle = prompt_title
    dv.prompt = _clip(column_values(c, lang), 255)
    return dv


def _width(c: ColumnSpec, lang: str) -> float:
    if c.kind == "text":
        return 45
    longest = max([len(c.header(lang)), *(len(str(v)) for v in choices(c, lang))])
    return float(min(max(longest + 4, 12), 40))


def _write_table_sheet(
    ws: Worksheet,
    t: TableSpec,
    lang: str,
    rows: int,
    scales: Mapping[str, tuple[int, int]],
    list_names: dict[tuple[str, str], str],
) -> None:
    msg = _MSG[lang]
    last = rows + 1
    for j, c in enumerate(t.columns, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(row=1, column=j, value=c.header(lang))
        cell.font = _REQUIRED_FONT if c.required else _OPTIONAL_FONT
        cell.fill = _REQUIRED_FILL if c.required else _OPTIONAL_FILL
        cell.alignment = _HEADER_ALIGN
        note = (
            f"{c.label(lang)}\n{column_description(c, lang)}\n"
            f"{msg['values']}: {column_values(c, lang)}\n"
            f"{msg['required'] if c.required else msg['optional']}"
        )
        comment = Comment(note, "analyse")
        comment.width = 320
        comment.height = 60 + 18 * (len(note) // 45 + note.count("\n"))
        cell.comment = comment
        dim = ws.column_dimensions[letter]
        dim.width = _width(c, lang)
        if c.kind == "int":
            dim.alignment = Alignment(horizontal="center")
        else:
            dim.number_format = "@"  # text: Excel keeps 2025-03, 18-29 and 007 as written
        dv = _validation(c, lang, scales, list_names)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
    _shade_missing_required(ws, t, last)
    ws.row_dimensions[1].height = 22
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.sheet_properties.tabColor = _DARK if t.required else _LIGHT


def _shade_missing_required(ws: Worksheet, t: TableSpec, last: int) -> None:
    """Shade an empty required cell red when something else in its row is filled in."""
    end = get_column_letter(len(t.columns))
    for j, c in enumerate(t.columns, start=1):
        if not c.required:
            continue
        letter = get_column_letter(j)
        rule = FormulaRule(
            formula=[f"AND(COUNTA($A2:${end}2)>0,LEN(TRIM({letter}2))=0)"],
            fill=_MISSING_FILL,
            stopIfTrue=False,
        )
        ws.conditional_formatting.add(f"{letter}2:{letter}{last}", rule)


# --------------------------------------------------------------------------- guidance


#: The guidance sheet's words (Danish and English), a package data file beside the modules.
GUIDANCE_FILE = "template_guidance.toml"


@cache
def _guidance_text() -> dict[str, list[dict[str, str]]]:
    """The rows of :data:`GUIDANCE_FILE`, by language."""
    raw = resources.files("analyse.data").joinpath(GUIDANCE_FILE).read_text(encoding="utf-8")
    return tomllib.loads(raw)


def _guidance_lines(lang: str) -> list[tuple[str, str]]:
    """The guidance as (style, text) pairs; style is title, heading or text.

    The words are in :data:`GUIDANCE_FILE`; the table list, the rating columns and the
    sheet names come from the schema, so the guidance never names a column that is not there.
    """
    names = SHEETS[lang]
    all_specs = specs()

    def sheet(t: TableSpec) -> str:
        return t.da if lang == "da" else t.name

    dk = dont_know(lang)
    values = {
        "codebook": names["codebook"],
        "guidance": names["guidance"],
        "lists": names["lists"],
        "dk": dk,
        "ratings": ", ".join(
            f"{c.header(lang)} ({sheet(t)})"
            for t in all_specs
            for c in t.columns
            if c.kind == "int" and allows_dont_know(c)
        ),
        "dk_codes": ", ".join(
            f"{c.header(lang)} ({sheet(t)})"
            for t in all_specs
            for c in t.columns
            if c.kind == "code" and any(fold(x) == fold(dk) for x in choices(c, lang))
        ),
    }
    lines: list[tuple[str, str]] = []
    for row in _guidance_text()[lang]:
        if row["style"] == "tables":
            lines += [
                (
                    "text",
                    f"• {sheet(t)} ({t.label(lang)}): {table_description(t, lang)} "
                    + cb_text("table_required" if t.required else "table_optional", lang),
                )
                for t in all_specs
            ]
        elif not values.get(row.get("when", ""), True):
            continue  # e.g. no coded column offers "don't know" as an answer of its own
        else:
            lines.append((row["style"], row["text"].format(**values)))
    return lines


def _lines(text: str, width: float) -> int:
    """Estimated number of wrapped lines of ``text`` in a column ``width`` characters wide."""
    per_line = max(1.0, width * 1.2)
    return max(1, -(-len(text) // int(per_line)))


def _write_guidance(ws: Worksheet, lang: str) -> None:
    width = 75
    ws.column_dimensions["A"].width = width
    for i, (style, text) in enumerate(_guidance_lines(lang), start=1):
        cell = ws.cell(row=i, column=1, value=text)
        cell.alignment = _WRAP
        if style == "title":
            cell.font = Font(bold=True, size=16, color=_DARK)
            ws.row_dimensions[i].height = 28
        elif style == "heading":
            cell.font = Font(bold=True, size=13, color=_DARK)
            ws.row_dimensions[i].height = 26
        else:
            ws.row_dimensions[i].height = 15 * _lines(text, width) + 4
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --------------------------------------------------------------------------- codebook sheet


def _write_codebook_sheet(ws: Worksheet, lang: str) -> None:
    cb = codebook_frame(lang)  # type: ignore[arg-type]
    titles = TITLES[lang]
    cols = ["sheet", "header", "label", "description", "type", "values", "required"]
    widths = {
        "sheet": 14,
        "header": 18,
        "label": 26,
        "description": 50,
        "type": 14,
        "values": 50,
        "required": 12,
    }
    for j, name in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j, value=titles[name])
        cell.font = _REQUIRED_FONT
        cell.fill = _REQUIRED_FILL
        ws.column_dimensions[get_column_letter(j)].width = widths[name]
    yes, no = cb_text("yes", lang), cb_text("no", lang)
    for i, row in enumerate(cb.itertuples(index=False), start=2):
        lines = 1
        for j, name in enumerate(cols, start=1):
            value = getattr(row, name)
            if name == "required":
                value = yes if value else no
            cell = ws.cell(row=i, column=j, value=value)
            cell.alignment = _WRAP
            if name == "header":
                cell.font = Font(bold=True)
            lines = max(lines, _lines(str(value), widths[name]))
        ws.row_dimensions[i].height = 15 * lines + 2
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(cb) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
