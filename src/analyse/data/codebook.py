"""The codebook: every table and column of the data contract, generated from the schemas.

One function, :func:`codebook_frame`, reads :mod:`analyse.data.schema` and returns the codebook
as a tidy DataFrame (one row per column of every table). The Markdown and HTML files
(:func:`codebook_markdown`, :func:`codebook_html`, :func:`write_codebook`) and the
"Kodebog" sheet of the Excel template (:mod:`analyse.data.template`) are all rendered from that
one frame, so they cannot disagree with each other or with the validation.

Column descriptions in the schemas are written in English. The Danish codebook uses a
field's ``description_da`` metadata when the schema has one, otherwise the Danish text in
:data:`DESCRIPTIONS_DA` (a translation table only: which columns exist, their codes,
ranges and required flags always come from the schemas; a test checks that the table
covers exactly the schemas' columns), otherwise the English description.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import pandas as pd

from analyse.config import Lang
from analyse.data.schema import (
    CODE_PATTERN,
    MISSING_SPELLINGS,
    MODELS,
    MONTH_PATTERN,
    NO_PRACTICE,
    NO_PRACTICE_SPELLINGS,
    PSEUDONYM_PATTERN,
    SITE_PATTERN,
    ColumnSpec,
    TableSpec,
    fold,
    model_schema,
    specs,
    value_lookup,
)
from analyse.errors import ConfigError

LANGS: tuple[str, ...] = ("da", "en")

#: Danish "one row per ..." text of each table, used when the model's ``Config.metadata``
#: has no ``description_da``. English comes from the model's docstring.
TABLE_DESCRIPTIONS_DA: dict[str, str] = {
    "residents": "Én række pr. borger.",
    "relations": "Én række pr. relation pr. borger pr. måling. En borger uden relationer "
    "i en måling har nul relationer: borgeren står i borgermaal for målingen, men har "
    "ingen rækker her.",
    "outcomes": "Én række pr. borger pr. måling, hvor borgeren er blevet spurgt.",
    "understanding": "Én række pr. besvarer pr. spørgsmål pr. måling "
    "(fælles forståelse af en god relation).",
    "items": "Spørgsmålene (udsagnene) om gode relationer: én række pr. spørgsmål.",
    "assessments": "Valgfri: flere medarbejdere vurderer hver borgers relationer. "
    "Én række pr. medarbejder pr. borger pr. aspekt pr. måling.",
    "practices": "De 2-5 praksisser, der afprøves: én række pr. praksis.",
}

#: Danish column descriptions, used when a field's metadata has no ``description_da``.
DESCRIPTIONS_DA: dict[tuple[str, str], str] = {
    ("residents", "resident_id"): "Borgerens pseudonym.",
    ("residents", "site_id"): "Kode for botilbuddet (eller hjemmestøtte-teamet).",
    ("residents", "setting"): "Hvor borgeren bor: i et botilbud eller i eget hjem med "
    "pædagogisk støtte.",
    ("residents", "practice"): "Koden for den praksis, borgeren er med i (fra praksisser), "
    "eller ingen for sammenligningsgruppen.",
    ("residents", "age_band"): "Aldersgruppe.",
    ("relations", "resident_id"): "Borgerens pseudonym (fra borgere).",
    ("relations", "wave"): "Målingen: før afprøvningen, efter den eller en senere opfølgning.",
    ("relations", "alter_id"): "Pseudonym for den anden person; det samme i alle målinger "
    "for den samme borger.",
    ("relations", "alter_type"): "Hvem den anden person er for borgeren.",
    ("relations", "closeness"): "Cirkel i konvojmodellen: 1 inderste, 2 midterste, 3 yderste.",
    ("relations", "contact"): "Hvor ofte borgeren og den anden person har kontakt.",
    ("relations", "resident_gives"): "Borgeren giver hjælp, omsorg, selskab eller glæde "
    "i relationen.",
    ("relations", "resident_receives"): "Borgeren modtager hjælp, omsorg, selskab eller "
    "glæde i relationen.",
    ("relations", "initiative"): "Hvem der som regel tager initiativ til kontakt.",
    ("outcomes", "resident_id"): "Borgerens pseudonym (fra borgere).",
    ("outcomes", "wave"): "Målingen: før afprøvningen, efter den eller en senere opfølgning.",
    ("outcomes", "loneliness"): "Ensomhedsscore på den skala, der er valgt i "
    "konfigurationen (standard: UCLA med 3 spørgsmål, 3-9, højere = mere ensom).",
    ("outcomes", "satisfaction"): "Tilfredshed med egne relationer, fra 1 (meget "
    "utilfreds) til 5 (meget tilfreds).",
    ("outcomes", "wants_more"): "Borgeren ønsker flere eller andre relationer.",
    ("outcomes", "respondent"): "Hvem der svarede: borgeren selv, borgeren med støtte "
    "eller en medarbejder på borgerens vegne.",
    ("understanding", "respondent_id"): "Medarbejderens pseudonym, eller borger_id for en borger.",
    ("understanding", "role"): "Om besvareren er medarbejder eller borger.",
    ("understanding", "site_id"): "Kode for botilbuddet (eller hjemmestøtte-teamet).",
    ("understanding", "wave"): "Målingen: før afprøvningen, efter den eller en senere opfølgning.",
    ("understanding", "item"): "Koden for udsagnet (fra spoergsmaal).",
    ("understanding", "rating"): "Enighed i udsagnet, fra 1 (helt uenig) til 5 (helt enig); "
    "'ved ikke' eller tom celle er manglende svar.",
    ("items", "item"): "Koden for udsagnet.",
    ("items", "text_da"): "Udsagnet, som det blev stillet, på dansk.",
    ("items", "text_en"): "Udsagnet på engelsk.",
    ("items", "dimension"): "Hvad udsagnet handler om: gensidighed, stabilitet, "
    "frivillighed, tillid, fælles aktivitet ...",
    ("assessments", "rater_id"): "Pseudonym for medarbejderen, der vurderer.",
    ("assessments", "resident_id"): "Borgerens pseudonym (fra borgere).",
    ("assessments", "wave"): "Målingen: før afprøvningen, efter den eller en senere opfølgning.",
    ("assessments", "aspect"): "Hvad der vurderes: overall (samlet), reciprocity "
    "(gensidighed), network (netværk) ...",
    ("assessments", "rating"): "Vurderingen, fra 1 (dårlig) til 5 (meget god); 'ved ikke' "
    "eller tom celle er manglende svar.",
    ("practices", "practice"): "Praksissens kode.",
    ("practices", "name_da"): "Praksissens navn (ikke en persons navn).",
    ("practices", "description"): "Kort arbejdsbeskrivelse.",
    ("practices", "site_id"): "Kode for botilbuddet, hvor praksissen afprøves.",
    ("practices", "start"): "Første måned af afprøvningen, ÅÅÅÅ-MM.",
    ("practices", "end"): "Sidste måned af afprøvningen, ÅÅÅÅ-MM.",
}

#: Column titles of the rendered codebook, by language.
TITLES: dict[str, dict[str, str]] = {
    "da": {
        "sheet": "Fane",
        "table": "Tabel",
        "column": "Kolonne",
        "header": "Overskrift",
        "label": "Betegnelse",
        "description": "Beskrivelse",
        "type": "Type",
        "values": "Tilladte værdier",
        "required": "Skal udfyldes",
    },
    "en": {
        "sheet": "Sheet",
        "table": "Table",
        "column": "Column",
        "header": "Header",
        "label": "Label",
        "description": "Description",
        "type": "Type",
        "values": "Allowed values",
        "required": "Required",
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "da": {
        "title": "Kodebog: Nære relationer",
        "intro": "Alle tabeller og kolonner i datakontrakten, dannet automatisk ud fra "
        "skemaerne, som også bruges til at validere data. Overskrifter og værdier må "
        "skrives på dansk eller engelsk, med store eller små bogstaver og med æ/ø/å "
        "eller ae/oe/aa. Brug kun pseudonymer - aldrig navne eller CPR-numre.",
        "table_required": "Tabellen skal være med.",
        "table_optional": "Tabellen kan udelades.",
        "yes": "ja",
        "no": "nej",
        "id": "pseudonym",
        "code_id": "kode",
        "code": "valgliste",
        "int": "helt tal",
        "bool": "ja/nej",
        "text": "tekst",
        "month": "måned",
        "pseudonym": "pseudonym, fx B017: bogstaver, tal, _ . -, mindst ét tal, højst "
        "32 tegn; aldrig navn eller CPR-nummer",
        "codefmt": "kode: bogstaver (også æ, ø, å), tal, _ . -, højst 32 tegn",
        "sitefmt": "botilbudskode: bogstaver (også æ, ø, å), tal, _ -, højst 32 tegn; ikke "
        "samlet, index eller Windows-navne som CON, NUL, COM1",
        "unique": "unik i tabellen",
        "none": "eller {none} (sammenligningsgruppe)",
        "range": "helt tal fra {ge} til {le}",
        "configurable": "standard; skalaen kan ændres i konfigurationen",
        "dont_know": "'{dk}' eller tom celle = manglende svar",
        "monthfmt": "ÅÅÅÅ-MM, fx 2025-03",
        "free": "fri tekst; ingen navne, telefonnumre eller e-mailadresser på personer",
        "generated": "Dannet af analyse codebook.",
    },
    "en": {
        "title": "Codebook: Nære relationer",
        "intro": "Every table and column of the data contract, generated from the schemas "
        "that also validate the data. Headers and values may be written in Danish or "
        "English, in any case, with æ/ø/å or ae/oe/aa. Use pseudonyms only - never names "
        "or CPR numbers.",
        "table_required": "The table is required.",
        "table_optional": "The table is optional.",
        "yes": "yes",
        "no": "no",
        "id": "pseudonym",
        "code_id": "code",
        "code": "choice from a list",
        "int": "whole number",
        "bool": "yes/no",
        "text": "text",
        "month": "month",
        "pseudonym": "pseudonym, e.g. B017: letters, digits, _ . -, at least one digit, at "
        "most 32 characters; never a name or CPR number",
        "codefmt": "code: letters (æ, ø, å included), digits, _ . -, at most 32 characters",
        "sitefmt": "site code: letters (æ, ø, å included), digits, _ -, at most 32 "
        "characters; not samlet, index or Windows names such as CON, NUL, COM1",
        "unique": "unique in the table",
        "none": "or {none} (comparison group)",
        "range": "whole number from {ge} to {le}",
        "configurable": "default; the scale can be changed in the configuration",
        "dont_know": "'{dk}' or an empty cell = no answer",
        "monthfmt": "YYYY-MM, e.g. 2025-03",
        "free": "free text; no names, phone numbers or e-mail addresses of persons",
        "generated": "Generated by analyse codebook.",
    },
}

#: What a user writes for "don't know" in a rating, by language; the first spelling the
#: reader accepts (:data:`analyse.data.schema.MISSING_SPELLINGS`) is used.
DONT_KNOW_CANDIDATES: dict[str, tuple[str, ...]] = {
    "da": ("ved ikke",),
    # Not "don't know": that is the English label of the code ``unknown`` in wants_more,
    # where it is an answer, not a missing value.
    "en": ("n/a", "ved ikke"),
}


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`ConfigError`."""
    if lang not in LANGS:
        raise ConfigError(
            f"lang must be one of {', '.join(LANGS)}; received {lang!r}. "
            "Use --lang da for Danish or --lang en for English."
        )
    return str(lang)


def text(key: str, lang: str) -> str:
    """A fixed phrase of the codebook in ``lang``."""
    return _TEXT[check_lang(lang)][key]


def dont_know(lang: str) -> str:
    """The 'don't know' spelling offered in rating columns: one the reader treats as missing.

    >>> dont_know("da")
    'ved ikke'
    """
    for candidate in DONT_KNOW_CANDIDATES[check_lang(lang)]:
        if fold(candidate) in MISSING_SPELLINGS:
            return candidate
    return "ved ikke"  # pragma: no cover - 'ved ikke' is always a missing spelling


def allows_dont_know(spec: ColumnSpec) -> bool:
    """Whether a whole-number column is a rating that also accepts 'ved ikke'.

    A field's ``dont_know`` metadata decides when present; otherwise the optional
    ``rating`` columns (the 1-5 agreement and assessment scales) do, as in validation.
    """
    meta = _field_metadata(spec)
    if "dont_know" in meta:
        return bool(meta["dont_know"])
    return spec.kind == "int" and not spec.required and spec.name == "rating"


def code_display(spec: ColumnSpec, code: str, lang: str) -> str:
    """The value a user picks for ``code`` in ``lang``, as the reader accepts it.

    The label in the language with underscores written as spaces when the reader still
    maps it back to ``code`` (``med_støtte`` -> ``med støtte``); else the label as is.

    >>> from analyse.data.schema import table_spec
    >>> code_display(table_spec("outcomes").column("respondent"), "assisted", "da")
    'med støtte'
    >>> code_display(table_spec("relations").column("wave"), "pre", "da")
    'før'
    """
    label = spec.code_label(code, lang)
    lookup = value_lookup(spec.table, spec.name)
    spaced = label.replace("_", " ")
    if lookup.get(fold(spaced)) == code:
        return spaced
    return label


def choices(spec: ColumnSpec, lang: str) -> list[str | int]:
    """The values offered in a dropdown list for a column, or ``[]`` for free entry.

    Coded and yes/no columns: the labels in ``lang``. Rating columns: the whole numbers of
    their range and the 'ved ikke' spelling. Other columns: none.

    >>> from analyse.data.schema import table_spec
    >>> choices(table_spec("relations").column("resident_gives"), "da")
    ['ja', 'nej']
    >>> choices(table_spec("understanding").column("rating"), "da")
    [1, 2, 3, 4, 5, 'ved ikke']
    """
    check_lang(lang)
    if spec.kind in ("code", "bool") and spec.codes:
        return [code_display(spec, c.code, lang) for c in spec.codes]
    if (
        spec.kind == "int"
        and allows_dont_know(spec)
        and spec.ge is not None
        and spec.le is not None
    ):
        return [*range(spec.ge, spec.le + 1), dont_know(lang)]
    return []


@cache
def _schema_columns(table: str) -> dict:
    return dict(model_schema(table).columns)


def _field_metadata(spec: ColumnSpec) -> dict:
    column = _schema_columns(spec.table).get(spec.name)
    return dict(getattr(column, "metadata", None) or {})


def _pattern(spec: ColumnSpec) -> str | None:
    column = _schema_columns(spec.table).get(spec.name)
    for check in getattr(column, "checks", []) or []:
        stats = getattr(check, "statistics", None) or {}
        if "pattern" in stats:
            return str(stats["pattern"])
    return None


def column_description(spec: ColumnSpec, lang: str) -> str:
    """The description of a column in ``lang`` (see the module notes for Danish)."""
    if check_lang(lang) == "en":
        return spec.description
    meta = _field_metadata(spec)
    return meta.get("description_da") or DESCRIPTIONS_DA.get(
        (spec.table, spec.name), spec.description
    )


def table_description(spec: TableSpec, lang: str) -> str:
    """What one row of a table is, in ``lang``."""
    if check_lang(lang) == "en":
        desc = spec.description
        # The model docstring reads "residents (borgere): one row per resident."
        head, sep, tail = desc.partition(": ")
        return (tail[:1].upper() + tail[1:]) if sep else desc
    meta = dict(getattr(MODELS[spec.name].Config, "metadata", None) or {})
    return meta.get("description_da") or TABLE_DESCRIPTIONS_DA.get(spec.name, spec.description)


def column_type(spec: ColumnSpec, lang: str) -> str:
    """The kind of a column in words."""
    if spec.kind == "id" and _pattern(spec) != PSEUDONYM_PATTERN:
        return text("code_id", lang)
    return text(spec.kind, lang)


def _no_practice_word(lang: str) -> str:
    if lang == "da" and "ingen" in NO_PRACTICE_SPELLINGS:
        return "ingen"
    return NO_PRACTICE


def column_values(spec: ColumnSpec, lang: str) -> str:
    """The allowed values of a column in words, in ``lang``."""
    if spec.kind in ("code", "bool") and spec.codes:
        parts = []
        for c in spec.codes:
            shown = code_display(spec, c.code, lang)
            parts.append(shown if shown == c.code else f"{shown} ({c.code})")
        return ", ".join(parts)
    if spec.kind == "int":
        out = text("range", lang).format(ge=spec.ge, le=spec.le)
        if spec.configurable_range:
            out += f" ({text('configurable', lang)})"
        if allows_dont_know(spec):
            out += "; " + text("dont_know", lang).format(dk=dont_know(lang))
        return out
    if spec.kind == "month" or _pattern(spec) == MONTH_PATTERN:
        return text("monthfmt", lang)
    if spec.kind == "id":
        pattern = _pattern(spec)
        kind = {PSEUDONYM_PATTERN: "pseudonym", SITE_PATTERN: "sitefmt"}.get(pattern, "codefmt")
        out = text(kind, lang)
        if pattern not in (PSEUDONYM_PATTERN, CODE_PATTERN, SITE_PATTERN, None):
            out += f" ({pattern})"
        if spec.table == "residents" and spec.name == "practice":
            out += "; " + text("none", lang).format(none=_no_practice_word(lang))
        if spec.unique:
            out += "; " + text("unique", lang)
        return out
    return text("free", lang)


def codebook_frame(lang: Lang = "da") -> pd.DataFrame:
    """The codebook as a tidy DataFrame: one row per column of every table.

    Parameters
    ----------
    lang : {"da", "en"}
        Language of headers, labels, descriptions and values.

    Returns
    -------
    pandas.DataFrame
        In the schemas' table and column order, with columns

        - ``table``: canonical (English) table name;
        - ``sheet``: the table's name in ``lang`` (sheet or file name);
        - ``table_label``: the table's label in ``lang``;
        - ``column``: canonical (English) column name;
        - ``header``: the header written in files in ``lang``;
        - ``label``: the column's label in ``lang``;
        - ``description``: what the column holds, in ``lang``;
        - ``type``: the kind of value, in words;
        - ``values``: the allowed values, in words;
        - ``required``: whether every row must have a value (bool).

    Examples
    --------
    >>> cb = codebook_frame("da")
    >>> cb.loc[(cb.table == "relations") & (cb.column == "wave"), "values"].item()
    'før (pre), efter (post), opfølgning (followup)'
    """
    check_lang(lang)
    rows = []
    for t in specs():
        for c in t.columns:
            rows.append(
                {
                    "table": t.name,
                    "sheet": t.da if lang == "da" else t.name,
                    "table_label": t.label(lang),
                    "column": c.name,
                    "header": c.header(lang),
                    "label": c.label(lang),
                    "description": column_description(c, lang),
                    "type": column_type(c, lang),
                    "values": column_values(c, lang),
                    "required": bool(c.required),
                }
            )
    return pd.DataFrame(rows)


def _yes_no(value: bool, lang: str) -> str:
    return text("yes" if value else "no", lang)


def _md_cell(value: object) -> str:
    s = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return s.replace("<", "&lt;").replace(">", "&gt;")


def codebook_markdown(lang: Lang = "da") -> str:
    """The codebook as Markdown: one section and one table per data table.

    Examples
    --------
    >>> md = codebook_markdown("en")
    >>> md.splitlines()[0]
    '# Codebook: Nære relationer'
    """
    cb = codebook_frame(lang)
    titles = TITLES[lang]
    cols = ["header", "label", "description", "type", "values", "required"]
    lines = [f"# {text('title', lang)}", "", text("intro", lang), ""]
    for t in specs():
        part = cb[cb.table == t.name]
        sheet = t.da if lang == "da" else t.name
        lines += [f"## {sheet}: {t.label(lang)}", ""]
        lines += [
            table_description(t, lang)
            + " "
            + text("table_required" if t.required else "table_optional", lang),
            "",
        ]
        lines.append("| " + " | ".join(titles[c] for c in cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for row in part.itertuples(index=False):
            cells = [
                f"`{row.header}`",
                row.label,
                row.description,
                row.type,
                row.values,
                _yes_no(row.required, lang),
            ]
            lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
        lines.append("")
    lines.append(f"*{text('generated', lang)}*")
    return "\n".join(lines) + "\n"


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2rem auto;
       max-width: 70rem; padding: 0 1rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid #1f4e79; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { border: 1px solid #c8d3e0; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #1f4e79; color: #fff; }
tr:nth-child(even) td { background: #f3f6fa; }
code { font-family: Consolas, "Courier New", monospace; background: #eef2f7; padding: 0 0.2rem; }
nav ul { columns: 2; } .req { font-weight: bold; } footer { margin-top: 2rem; color: #666; }
""".strip()


def codebook_html(lang: Lang = "da") -> str:
    """The codebook as one self-contained HTML page (inline CSS, all text escaped).

    Examples
    --------
    >>> page = codebook_html("da")
    >>> page.startswith("<!DOCTYPE html>") and '<html lang="da">' in page
    True
    """
    cb = codebook_frame(lang)
    titles = TITLES[lang]
    esc = html.escape
    cols = ["header", "label", "description", "type", "values", "required"]
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(text('title', lang))}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(text('title', lang))}</h1>",
        f"<p>{esc(text('intro', lang))}</p>",
        "<nav><ul>",
    ]
    for t in specs():
        sheet = t.da if lang == "da" else t.name
        out.append(f'<li><a href="#{esc(t.name)}">{esc(sheet)}: {esc(t.label(lang))}</a></li>')
    out.append("</ul></nav>")
    for t in specs():
        part = cb[cb.table == t.name]
        sheet = t.da if lang == "da" else t.name
        out.append(f'<section id="{esc(t.name)}">')
        out.append(f"<h2>{esc(sheet)}: {esc(t.label(lang))}</h2>")
        req = text("table_required" if t.required else "table_optional", lang)
        out.append(f"<p>{esc(table_description(t, lang))} {esc(req)}</p>")
        out.append("<table>")
        out.append(
            "<thead><tr>" + "".join(f"<th>{esc(titles[c])}</th>" for c in cols) + "</tr></thead>"
        )
        out.append("<tbody>")
        for row in part.itertuples(index=False):
            cls = ' class="req"' if row.required else ""
            out.append(
                "<tr>"
                f"<td><code>{esc(row.header)}</code></td>"
                f"<td>{esc(row.label)}</td>"
                f"<td>{esc(row.description)}</td>"
                f"<td>{esc(row.type)}</td>"
                f"<td>{esc(row.values)}</td>"
                f"<td{cls}>{esc(_yes_no(row.required, lang))}</td>"
                "</tr>"
            )
        out.append("</tbody></table></section>")
    out.append(f"<footer>{esc(text('generated', lang))}</footer>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_codebook(
    out_dir: str | Path, lang: Lang = "da", *, overwrite: bool = False
) -> list[Path]:
    """Write ``codebook.md`` and ``codebook.html`` into ``out_dir`` (created if missing).

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into. Its other files are never touched.
    lang : {"da", "en"}
        Language of the codebook.
    overwrite : bool
        Replace a ``codebook.md``/``codebook.html`` that an earlier run of ``analyse
        codebook`` did not write (or that was edited since). Without it such a file is
        refused (:class:`~analyse.outputs.OutputError`) and nothing is written.

    Returns
    -------
    list of pathlib.Path
        The two files written, Markdown first.
    """
    from analyse.outputs import write_files

    check_lang(lang)
    files = {
        "codebook.md": codebook_markdown(lang).encode("utf-8"),
        "codebook.html": codebook_html(lang).encode("utf-8"),
    }
    written = write_files(out_dir, files, command="codebook", overwrite=overwrite, lang=lang)
    return [Path(out_dir) / p.name for p in written]
