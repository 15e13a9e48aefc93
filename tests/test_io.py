"""Reading: every dialect users send gives the same data set."""

from __future__ import annotations

import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyse import read_dataset
from analyse.data.dataset import Dataset
from analyse.data.io import decode, sniff_delimiter, to_style
from analyse.data.schema import TABLES, table_spec
from conftest import DIALECTS, small_tables, write_dialect


def expected_dataset() -> Dataset:
    return Dataset.from_frames(**small_tables())


def assert_same_dataset(ds: Dataset, expected: Dataset) -> None:
    for name in TABLES:
        got = getattr(ds, name).reset_index(drop=True)
        want = getattr(expected, name).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=True, obj=name)


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_every_dialect_gives_the_same_dataset(tmp_path: Path, tables, dialect: str) -> None:
    path = write_dialect(tables, tmp_path / dialect, dialect)
    ds = read_dataset(path)
    assert_same_dataset(ds, expected_dataset())
    # æ, ø and å survive every dialect, Windows-1252 included
    assert ds.practices["name_da"].iloc[0] == "Fællesskab på tværs"
    assert "være noget for nogen" in ds.items["text_da"].iloc[0]


def test_dtypes_are_canonical(danish_folder: Path) -> None:
    ds = read_dataset(danish_folder)
    rel = ds.relations
    assert isinstance(rel["wave"].dtype, pd.CategoricalDtype) and rel["wave"].cat.ordered
    assert list(rel["wave"].cat.categories) == ["pre", "post", "followup"]
    assert str(rel["closeness"].dtype) == "Int64"
    assert str(rel["resident_gives"].dtype) == "boolean"
    assert str(ds.outcomes["loneliness"].dtype) == "Int64"
    assert ds.outcomes["loneliness"].isna().sum() == 1


def test_index_is_the_row_a_user_sees(danish_folder: Path) -> None:
    ds = read_dataset(danish_folder)
    assert ds.residents.index[0] == 2  # header = row 1


def test_optional_tables_are_present_and_empty(tmp_path: Path, tables) -> None:
    core = {k: tables[k] for k in ("residents", "relations", "outcomes", "practices")}
    ds = read_dataset(write_dialect(core, tmp_path / "d", "da-semicolon-bom"))
    assert ds.assessments.empty and list(ds.assessments.columns) == list(
        table_spec("assessments").names
    )
    assert ds.understanding.empty and str(ds.understanding["rating"].dtype) == "Int64"


def test_blank_rows_padding_and_decimal_comma(tmp_path: Path) -> None:
    """Excel's Danish export: BOM, `;`, CRLF, blank rows as `;;;`, `2,0` and padded cells."""
    d = tmp_path / "messy"
    d.mkdir()
    (d / "Borgere.CSV").write_bytes(
        "\ufeff Borger ID ; Botilbud;BOFORM;Praksis;;\r\n"
        "B1; H1 ;Botilbud;none;;\r\n;;;;;\r\n\r\nB2;H1;Eget hjem;NONE;;\r\n".encode("utf-8")
    )
    (d / "relationer.csv").write_bytes(
        "borger_id;Måling;relation_id;Relationstype;Naerhed;Kontakt;Giver;Modtager\r\n"
        "B1;FØR;R1;Personale;1,0;Dagligt;Nej;JA\r\n".encode("cp1252")
    )
    (d / "borgermål.csv").write_bytes(
        "borger_id;maaling;ensomhed;tilfredshed;ønsker flere;besvaret af\r\n"
        "B1;foer;5;3;Ved ikke;Med støtte\r\nB2;før;;;;selv\r\n".encode()
    )
    ds = read_dataset(d)
    assert list(ds.residents["resident_id"]) == ["B1", "B2"]
    assert list(ds.residents.index) == [2, 5]  # blank rows keep the numbering a user sees
    assert list(ds.residents["setting"]) == ["residential", "own_home"]
    assert list(ds.residents["practice"]) == ["none", "none"]
    assert ds.relations["closeness"].tolist() == [1]
    assert ds.relations["resident_gives"].tolist() == [False]
    assert ds.outcomes["wants_more"].tolist()[0] == "unknown"
    assert ds.outcomes["respondent"].tolist() == ["assisted", "self"]


def test_decode_and_sniff() -> None:
    assert decode("æøå".encode("cp1252")) == ("æøå", "cp1252")
    assert decode("æøå".encode("utf-8-sig")) == ("æøå", "utf-8-sig")
    assert decode("æøå".encode("utf-16")) == ("æøå", "utf-16")
    assert sniff_delimiter("a\tb\tc") == "\t"


def test_raw_data_is_never_modified(danish_folder: Path) -> None:
    before = {p.name: p.read_bytes() for p in danish_folder.iterdir()}
    read_dataset(danish_folder)
    assert {p.name: p.read_bytes() for p in danish_folder.iterdir()} == before


# ----------------------------------------------------------------- property-based


def _case(draw, text: str) -> str:
    style = draw(st.sampled_from(["as", "upper", "lower", "title"]))
    text = {"as": text, "upper": text.upper(), "lower": text.lower(), "title": text.title()}[style]
    pad = draw(st.sampled_from(["", " ", "  "]))
    return f"{pad}{text}{pad[:1]}"


@st.composite
def dialect_variant(draw):
    sep = draw(st.sampled_from([";", ",", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    style = draw(st.sampled_from(["da", "en"]))
    crlf = draw(st.booleans())
    decimal_comma = draw(st.booleans())
    ascii_aliases = draw(st.booleans())
    blank_rows = draw(st.lists(st.integers(min_value=0, max_value=5), max_size=3))
    return dict(
        sep=sep,
        encoding=encoding,
        style=style,
        crlf=crlf,
        decimal_comma=decimal_comma,
        ascii_aliases=ascii_aliases,
        blank_rows=blank_rows,
        draw=draw,
    )


ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(v=dialect_variant())
def test_reading_is_dialect_independent(tmp_path_factory, v) -> None:
    """Any supported dialect, case, padding, blank rows and æøå spelling: the same data set."""
    draw = v.pop("draw")
    out = tmp_path_factory.mktemp("dialect")
    tables = small_tables()
    for name in TABLES:
        frame = to_style(name, tables[name], style=v["style"])
        spec = table_spec(name)
        headers = []
        for c in spec.columns:
            h = c.header(v["style"])
            if h not in frame.columns:
                continue
            written = h.translate(ASCII) if v["ascii_aliases"] else h
            headers.append(_case(draw, written))
        frame.columns = headers
        for c in spec.columns:
            col = c.header(v["style"])
            idx = [
                i
                for i, h in enumerate(frame.columns)
                if h.strip().lower()
                == (col.translate(ASCII) if v["ascii_aliases"] else col).lower()
            ]
            if not idx:
                continue
            s = frame.iloc[:, idx[0]]
            if c.kind in ("code", "bool"):
                s = s.map(
                    lambda x: (
                        _case(draw, x.translate(ASCII) if v["ascii_aliases"] else x) if x else x
                    )
                )
            elif c.kind == "int" and v["decimal_comma"]:
                s = s.map(lambda x: f"{x},0" if x else x)
            frame.iloc[:, idx[0]] = s
        sep = v["sep"]
        lines = [sep.join(frame.columns)] + [
            sep.join(_quote(x, sep) for x in row) for row in frame.itertuples(index=False)
        ]
        for pos in sorted(v["blank_rows"], reverse=True):
            lines.insert(min(pos + 1, len(lines)), sep * (len(frame.columns) - 1))
        eol = "\r\n" if v["crlf"] else "\n"
        text = eol.join(lines) + eol
        fname = spec.da if v["style"] == "da" else name
        (out / f"{fname}.csv").write_bytes(text.encode(v["encoding"]))
    ds = read_dataset(out)
    assert_same_dataset(ds, expected_dataset())


def _quote(x: str, sep: str) -> str:
    return f'"{x}"' if (sep in x or '"' in x) else x


def test_hypothesis_alphabet_sanity() -> None:
    # the generator above only writes characters cp1252 can encode
    assert all(ch.encode("cp1252") for ch in string.ascii_letters + "æøåÆØÅ–")


@pytest.mark.parametrize("above", ["\r\n", ";;;\r\n  \r\n", "\r\n\r\n"], ids=["empty", "semicolons", "two"])
def test_blank_lines_above_the_header_keep_the_row_numbers(tmp_path: Path, above: str) -> None:
    """An export with blank lines above the header: read, and rows numbered as the user sees
    them; a mistake below is named at its own line (was: a parser error without a file)."""
    from analyse.errors import DataError

    d = tmp_path / "top"
    d.mkdir()
    header = "borger_id;botilbud;boform;praksis\r\n"
    rows = "B1;H1;botilbud;none\r\nB2;H1;slot;none\r\n"
    (d / "borgere.csv").write_bytes(("\ufeff" + above + header + rows).encode("utf-8"))
    (d / "relationer.csv").write_bytes(
        b"borger_id;maaling;relation_id;relationstype;naerhed;kontakt;giver;modtager\r\n"
    )
    (d / "borgermaal.csv").write_bytes(b"borger_id;maaling;ensomhed\r\nB1;foer;5\r\n")
    lines_above = above.count("\n")
    with pytest.raises(DataError) as err:
        read_dataset(d)
    [problem] = [p for p in err.value.problems if p.file == "borgere.csv"]
    assert problem.row == lines_above + 3  # header, B1, then B2
    assert problem.column == "boform" and problem.value == "slot"
