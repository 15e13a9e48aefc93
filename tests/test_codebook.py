"""The codebook (analyse.data.codebook): one frame, rendered as Markdown, HTML and an Excel sheet.

Every expectation is derived from the schemas (``analyse.data.schema.specs()``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analyse.data import codebook
from analyse.data.codebook import (
    DESCRIPTIONS_DA,
    TABLE_DESCRIPTIONS_DA,
    codebook_frame,
    codebook_html,
    codebook_markdown,
    write_codebook,
)
from analyse.data.schema import TABLES, fold, specs
from analyse.errors import ConfigError

LANGS = ("da", "en")
COLUMNS = ["table", "column", "header", "label", "description", "type", "values", "required"]


def all_columns():
    return [(t, c) for t in specs() for c in t.columns]


@pytest.mark.parametrize("lang", LANGS)
def test_frame_covers_every_column_of_every_table_in_order(lang: str) -> None:
    cb = codebook_frame(lang)
    assert set(COLUMNS) <= set(cb.columns)
    assert list(zip(cb.table, cb.column, strict=True)) == [
        (t.name, c.name) for t, c in all_columns()
    ]
    for row, (t, c) in zip(cb.itertuples(index=False), all_columns(), strict=True):
        assert row.header == c.header(lang)
        assert row.label == c.label(lang)
        assert row.required is c.required
        assert row.sheet == (t.da if lang == "da" else t.name)
        assert row.description.strip() and row.type.strip() and row.values.strip()
        if lang == "en":
            assert row.description == c.description


@pytest.mark.parametrize("lang", LANGS)
def test_values_name_every_code_in_the_language(lang: str) -> None:
    cb = codebook_frame(lang).set_index(["table", "column"])
    for t, c in all_columns():
        values = fold(cb.loc[(t.name, c.name), "values"])
        for code in c.codes:
            assert fold(code.code) in values, (t.name, c.name, code.code)
            assert fold(code.da if lang == "da" else code.en) in values
        if c.kind == "int":
            assert str(c.ge) in values and str(c.le) in values


def test_danish_translations_cover_exactly_the_schema() -> None:
    """The Danish texts are a translation table only: no column missing, none left over."""
    assert set(DESCRIPTIONS_DA) == {(t.name, c.name) for t, c in all_columns()}
    assert set(TABLE_DESCRIPTIONS_DA) == set(TABLES)
    cb = codebook_frame("da")
    assert (cb.description != [c.description for _, c in all_columns()]).all()


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_has_a_section_and_a_row_per_column(lang: str) -> None:
    md = codebook_markdown(lang)
    sections = re.split(r"^## ", md, flags=re.M)[1:]
    assert len(sections) == len(specs())
    for section, t in zip(sections, specs(), strict=True):
        assert section.startswith(t.da if lang == "da" else t.name)
        rows = [ln for ln in section.splitlines() if ln.startswith("| `")]
        assert [r.split("`")[1] for r in rows] == [c.header(lang) for c in t.columns]
        widths = {ln.count(" | ") for ln in section.splitlines() if ln.startswith("| ")}
        assert len(widths) == 1, "every row has the same number of cells"


def test_markdown_cells_escape_pipes_and_tags() -> None:
    assert codebook._md_cell("a|b <x>") == "a\\|b &lt;x&gt;"


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.codes: list[str] = []
        self.tags: set[str] = set()
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in ("meta", "br"):
            self.stack.append(tag)
        self._in_code = tag == "code"

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
        self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.codes.append(data)


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_self_contained_well_formed_and_complete(lang: str) -> None:
    page = codebook_html(lang)
    parser = _Collect()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert "style" in parser.tags and not ({"script", "link", "img"} & parser.tags)
    assert parser.codes == [c.header(lang) for _, c in all_columns()]
    assert f'<html lang="{lang}">' in page


def test_html_escapes_text(monkeypatch) -> None:
    t, c = all_columns()[0]
    monkeypatch.setitem(DESCRIPTIONS_DA, (t.name, c.name), "<b>fed</b> & 'citat'")
    page = codebook_html("da")
    assert "<b>fed</b>" not in page
    assert "&lt;b&gt;fed&lt;/b&gt; &amp; &#x27;citat&#x27;" in page


@pytest.mark.parametrize("lang", LANGS)
def test_write_codebook_writes_markdown_and_html(tmp_path: Path, lang: str) -> None:
    paths = write_codebook(tmp_path / "docs", lang=lang)
    assert [p.name for p in paths] == ["codebook.md", "codebook.html"]
    assert paths[0].read_text(encoding="utf-8") == codebook_markdown(lang)
    assert paths[1].read_text(encoding="utf-8") == codebook_html(lang)
    assert "æ" in paths[0].read_text(encoding="utf-8")  # Nære relationer, UTF-8


def test_bad_arguments_raise_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="lang"):
        codebook_frame("de")  # type: ignore[arg-type]
    afile = tmp_path / "x.md"
    afile.write_text("")
    with pytest.raises(ConfigError, match="not a folder"):
        write_codebook(afile, lang="en")


def test_cli_codebook(tmp_path: Path, cli) -> None:
    result = cli("codebook", "--out", tmp_path, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "codebook.md").read_text(encoding="utf-8") == codebook_markdown("en")
    assert (tmp_path / "codebook.html").exists()
