"""Tests of analyse.networkcanvas.importer: Network Canvas CSV exports -> pseudonymised relations.

The export under tests/data/networkcanvas/export is built in the exact format Network Canvas's
CSV exporter writes (complexdatacollective/network-exporters: ``<case>_<session>_ego.csv``,
``..._attributeList_<NodeType>.csv``, ``..._edgeList_<EdgeType>.csv``, CRLF line ends,
categorical variables as ``V_<option>`` boolean columns, layouts as ``L_x``/``L_y``). Its five
interviews and the hand-computed values are in ``EXPECTED`` below.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyse.errors import ConfigError, DataError, PrivacyError
from analyse.networkcanvas.importer import (
    KEY_ENV_VAR,
    RELATION_COLUMNS,
    closeness_ring,
    import_export,
    import_networkcanvas_command,
    load_export,
    load_mapping,
    parse_mapping,
    pseudonymise,
    read_export,
    ring_radii,
)

ROOT = Path(__file__).resolve().parents[1]
EXPORT = ROOT / "tests" / "data" / "networkcanvas" / "export"
MAPPING = ROOT / "examples" / "networkcanvas-mapping.toml"
KEY = "test-key-0123456789abcdef"
OTHER_KEY = "another-key-fedcba9876543210"

#: Every free text of the fixture export that must never reach an output: alters' names (in
#: both spellings), free-text notes and layout coordinates.
SECRETS = [
    "Hanne",
    "hanne",
    "Ole",
    "Kirsten",
    "Jens",
    "Mette",
    "Søren",
    "Åse",
    "ringer hver dag",
    "Kontaktperson",
    "klubben",
    "0.55",
    "0.75",
    "0.35",
]

#: Hand-computed from the fixture: closeness from the distance d of (x, y) to (0.5, 0.5) with
#: rings at 1/6, 1/3, 1/2. (resident, wave, name) -> (alter_type, closeness, contact, gives,
#: receives, initiative).
EXPECTED = {
    ("B017", "pre", "hanne"): ("family", 1, "daily", True, True, "mutual"),  # d = 0.05
    ("B017", "pre", "ole"): ("friend", 2, "weekly", True, False, "resident"),  # d = 0.25
    ("B017", "pre", "kirsten"): ("staff", 1, "daily", False, True, "staff"),  # d = 0.141
    ("B017", "post", "hanne"): ("family", 1, "daily", True, True, "mutual"),  # d = 0.05
    ("B017", "post", "kirsten"): ("staff", 2, "weekly", True, True, "other"),  # d = 0.30
    ("B017", "post", "jens"): ("friend", 2, "monthly", True, True, "resident"),  # d = 0.20
    ("B018", "pre", "mette"): ("co_resident", 3, "daily", False, False, None),  # d = 0.40
    ("M04", "pre", "søren"): ("community", 3, "rarely", True, False, "resident"),  # d = 0.424
    ("M04", "pre", "åse"): ("volunteer", 1, "weekly", True, True, "mutual"),  # d = 0.158
}


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def baseline() -> pd.DataFrame:
    """The fixture export read with the shipped mapping and KEY (read once per module)."""
    return read_export(EXPORT, MAPPING, KEY)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A private copy of the fixture export, to be edited by a test."""
    target = tmp_path / "export"
    shutil.copytree(EXPORT, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


def _session_file(export: Path, case: str, wave: str, kind: str) -> Path:
    for ego in export.glob(f"{case}_*_ego.csv"):
        if f",{wave}," in ego.read_text(encoding="utf-8"):
            return ego.with_name(ego.name.replace("_ego.csv", f"_{kind}.csv"))
    raise FileNotFoundError((case, wave))


def _problems(exc: pytest.ExceptionInfo[DataError]) -> list:
    return exc.value.problems


# --------------------------------------------------------------------------- reading


def test_relations_equal_hand_computed_values() -> None:
    result = load_export(EXPORT, MAPPING, KEY)
    rel = result.relations
    assert list(rel.columns) == list(RELATION_COLUMNS)
    alter_ids = pseudonymise([k[0] for k in EXPECTED], [k[2] for k in EXPECTED], KEY)
    ids = {(k[0], k[1], a): k for k, a in zip(EXPECTED, alter_ids, strict=True)}
    got = {}
    for r in rel.itertuples(index=False):
        got[ids[(r.resident_id, r.wave, r.alter_id)]] = (
            r.alter_type,
            int(r.closeness),
            r.contact,
            bool(r.resident_gives),
            bool(r.resident_receives),
            None if pd.isna(r.initiative) else r.initiative,
        )
    assert got == EXPECTED


def test_same_person_keeps_alter_id_across_waves_so_turnover_counts(baseline: pd.DataFrame) -> None:
    rel = baseline
    b017 = rel[rel["resident_id"] == "B017"]
    pre = set(b017.loc[b017["wave"] == "pre", "alter_id"])
    post = set(b017.loc[b017["wave"] == "post", "alter_id"])
    # Hanne (written "hanne " after) and Kirsten kept, Ole lost, Jens gained.
    assert (len(pre & post), len(pre - post), len(post - pre)) == (2, 1, 1)


def test_same_first_name_in_two_residents_gets_two_pseudonyms() -> None:
    a, b = pseudonymise(["B017", "B018"], ["Hanne", "Hanne"], KEY)
    assert a != b


def test_zero_alter_session_is_recorded_as_zero_network() -> None:
    result = load_export(EXPORT, MAPPING, KEY)
    sessions = {(s.resident_id, s.wave): s.n_alters for s in result.report.sessions}
    assert sessions == {
        ("B017", "pre"): 3,
        ("B017", "post"): 3,
        ("B018", "pre"): 1,
        ("B018", "post"): 0,
        ("M04", "pre"): 2,
    }
    assert result.report.sessions_read == 5 and result.report.relations == 9
    assert not (
        (result.relations["resident_id"] == "B018") & (result.relations["wave"] == "post")
    ).any()
    assert any("0 alters" in w for w in result.report.warnings)


def test_sites_are_returned_separately() -> None:
    result = load_export(EXPORT, MAPPING, KEY)
    assert "site_id" not in result.relations.columns
    assert result.sites is not None
    assert dict(zip(result.sites["resident_id"], result.sites["site_id"], strict=True)) == {
        "B017": "Solsikken",
        "B018": "Solsikken",
        "M04": "Egebo",
    }


def test_report_counts_values_mapped() -> None:
    report = load_export(EXPORT, MAPPING, KEY).report
    alter_types = {(v["export"], v["code"]): v["n"] for v in report.values_mapped["alter_type"]}
    assert alter_types[("Familie", "family")] == 2
    closeness = {v["export"]: v["n"] for v in report.values_mapped["closeness"]}
    assert closeness == {"ring 1": 4, "ring 2": 3, "ring 3": 2}
    assert report.edge_lists_ignored == 3


def test_zip_export_reads_like_the_folder(tmp_path: Path, baseline: pd.DataFrame) -> None:
    archive = tmp_path / "networkCanvasExport.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(EXPORT.iterdir()):
            zf.write(f, f"networkCanvasExport/{f.name}")
        zf.writestr("__MACOSX/networkCanvasExport/._junk_ego.csv", b"\x00\x05")
    pd.testing.assert_frame_equal(read_export(archive, MAPPING, KEY), baseline)


def test_mapping_as_dict_and_constant_wave(export: Path) -> None:
    for ego in export.glob("*_ego.csv"):
        if ",Efter," in ego.read_text(encoding="utf-8"):
            for f in export.glob(ego.name.replace("_ego.csv", "_*")):
                f.unlink()
    data = _mapping_dict()
    data["wave"] = {"value": "pre"}
    rel = read_export(export, data, KEY)
    assert set(rel["wave"]) == {"pre"} and len(rel) == 6


def test_unified_export_with_several_sessions_in_one_ego_file(
    tmp_path: Path, baseline: pd.DataFrame
) -> None:
    """Network Canvas's 'merge sessions' export: one ego file, one attribute list for all."""
    parts = {
        kind: [_session_file(EXPORT, c, "Før", kind) for c in ("M04", "B018")]
        for kind in ("ego", "attributeList_Person")
    }
    unified = tmp_path / "unified"
    unified.mkdir()
    for kind, files in parts.items():
        lines = [f.read_text(encoding="utf-8").splitlines(keepends=True) for f in files]
        text = lines[0][0] + "".join(line for f in lines for line in f[1:])
        (unified / f"Naere relationer v1_{kind}.csv").write_text(text, encoding="utf-8", newline="")
    result = load_export(unified, MAPPING, KEY)
    assert [(s.resident_id, s.n_alters) for s in result.report.sessions] == [
        ("B018", 1),
        ("M04", 2),
    ]
    full = baseline
    pd.testing.assert_frame_equal(
        result.relations,
        full[full["wave"] == "pre"].query("resident_id != 'B017'").reset_index(drop=True),
    )


def test_export_of_only_empty_networks(tmp_path: Path) -> None:
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(_session_file(EXPORT, "B018", "Efter", "ego"), only)
    result = load_export(only, MAPPING, KEY)
    assert result.relations.empty and list(result.relations.columns) == list(RELATION_COLUMNS)
    assert [(s.resident_id, s.wave, s.n_alters) for s in result.report.sessions] == [
        ("B018", "post", 0)
    ]


# --------------------------------------------------------------------------- writing


def test_import_writes_contract_files_without_names(tmp_path: Path) -> None:
    out = tmp_path / "import"
    report = import_export(EXPORT, MAPPING, KEY, out)
    assert sorted(p.name for p in out.iterdir()) == [
        ".naere-relationer-files.json",  # which files an import wrote (issue 17)
        "import-report.json",
        "relations.csv",
    ]
    rel = pd.read_csv(out / "relations.csv", dtype=str, keep_default_na=False)
    assert list(rel.columns) == list(RELATION_COLUMNS)
    assert set(rel["resident_gives"]) == {"yes", "no"}
    assert set(rel["closeness"]) == {"1", "2", "3"}
    assert rel.loc[rel["alter_type"] == "co_resident", "initiative"].tolist() == [""]
    assert (
        json.loads((out / "import-report.json").read_text(encoding="utf-8"))["sessions_read"]
        == report.sessions_read
    )
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        for secret in [*SECRETS, KEY]:
            assert secret not in text, f"{secret!r} found in {path.name}"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".import.tmp")]


def test_same_key_reproduces_identical_files_and_another_key_changes_pseudonyms(
    tmp_path: Path,
) -> None:
    import_export(EXPORT, MAPPING, KEY, tmp_path / "a")
    import_export(EXPORT, MAPPING, KEY, tmp_path / "b")
    import_export(EXPORT, MAPPING, OTHER_KEY, tmp_path / "c")
    for name in ("relations.csv", "import-report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    a = pd.read_csv(tmp_path / "a" / "relations.csv", dtype=str, keep_default_na=False)
    c = pd.read_csv(tmp_path / "c" / "relations.csv", dtype=str, keep_default_na=False)
    assert not set(a["alter_id"]) & set(c["alter_id"])
    key_cols = ["resident_id", "wave", "alter_type", "closeness", "contact"]
    pd.testing.assert_frame_equal(
        a[key_cols].sort_values(key_cols).reset_index(drop=True),
        c[key_cols].sort_values(key_cols).reset_index(drop=True),
    )
    assert (tmp_path / "a" / "import-report.json").read_bytes() == (
        tmp_path / "c" / "import-report.json"
    ).read_bytes()


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch, baseline: pd.DataFrame) -> None:
    monkeypatch.setenv(KEY_ENV_VAR, KEY)
    pd.testing.assert_frame_equal(read_export(EXPORT, MAPPING, None), baseline)


@pytest.mark.parametrize("key", [None, "", "short"], ids=["no key", "empty key", "short key"])
def test_missing_or_weak_key_is_refused(key: str | None) -> None:
    with pytest.raises(ConfigError, match="key"):
        read_export(EXPORT, MAPPING, key)


def test_nothing_written_on_any_problem(export: Path, tmp_path: Path) -> None:
    _edit(_session_file(export, "M04", "Før", "attributeList_Person"), "Sjaeldnere", "Hver_time")
    out = tmp_path / "out" / "import"
    with pytest.raises(DataError):
        import_export(export, MAPPING, KEY, out)
    assert not out.exists()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_rerun_replaces_earlier_import_but_never_other_data(tmp_path: Path) -> None:
    out = tmp_path / "import"
    import_export(EXPORT, MAPPING, KEY, out)
    import_export(EXPORT, MAPPING, OTHER_KEY, out)  # an earlier import is replaced
    hand_made = tmp_path / "data"
    hand_made.mkdir()
    (hand_made / "relations.csv").write_text("resident_id\nB001\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not written by 'analyse import-networkcanvas'"):
        import_export(EXPORT, MAPPING, KEY, hand_made)
    assert (hand_made / "relations.csv").read_text(encoding="utf-8") == "resident_id\nB001\n"


# --------------------------------------------------------------------------- problems


def test_unmapped_categorical_option_names_file_row_variable_value(export: Path) -> None:
    path = _session_file(export, "B017", "Før", "attributeList_Person")
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[0] = text[0].replace(",Type_Anden,", ",Type_Anden,Type_Bedsteven,")
    for i in range(1, len(text)):
        parts = text[i].split(",")
        parts.insert(12, "true" if i == 2 else "false")
        if i == 2:
            parts[6] = "false"  # Ole is no longer Ven, only Bedsteven
        text[i] = ",".join(parts)
    path.write_text("".join(text), encoding="utf-8", newline="")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert (p.file, p.row, p.column, p.value) == (path.name, 3, "Type_Bedsteven", "Bedsteven")
    assert "alter_type" in p.rule and "Bedsteven" in p.rule


def test_unmapped_ordinal_option_names_file_row_variable_value(export: Path) -> None:
    path = _session_file(export, "M04", "Før", "attributeList_Person")
    _edit(path, "Sjaeldnere", "Hver_time")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert (p.file, p.row, p.column, p.value) == (path.name, 2, "ContactFreq", "Hver_time")


def test_all_problems_reported_at_once(export: Path) -> None:
    _edit(_session_file(export, "M04", "Før", "attributeList_Person"), "Sjaeldnere", "Hver_time")
    _edit(_session_file(export, "B018", "Før", "attributeList_Person"), "Dagligt", "Aldrig")
    _edit(_session_file(export, "B018", "Efter", "ego"), ",Efter,", ",Senere,")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    assert sorted(p.value for p in _problems(exc)) == ["Aldrig", "Hver_time", "Senere"]


def test_two_options_chosen_is_a_problem(export: Path) -> None:
    path = _session_file(export, "M04", "Før", "attributeList_Person")
    _edit(
        path,
        "Søren,false,false,false,false,false,false,true,",
        "Søren,false,false,true,false,false,false,true,",
    )
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert (p.row, p.column, p.value) == (2, "Type", "Ven, Nabo")


def test_empty_boolean_is_a_problem_unless_mapping_says_what_it_means(export: Path) -> None:
    path = _session_file(export, "M04", "Før", "attributeList_Person")
    _edit(path, "Sjaeldnere,true,false,", "Sjaeldnere,,false,")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert (p.file, p.row, p.column) == (path.name, 2, "Gives") and "empty = false" in p.rule
    data = _mapping_dict()
    data["resident_gives"] = {"variable": "Gives", "empty": False}
    rel = read_export(export, data, KEY)
    assert rel.loc[rel["resident_id"] == "M04", "resident_gives"].tolist().count(False) == 1


def test_unplaced_alter_is_a_problem_or_outer_circle(export: Path) -> None:
    path = _session_file(export, "M04", "Før", "attributeList_Person")
    _edit(path, ",0.55,0.35,", ",,,")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert p.row == 3 and "Circle_x" in p.column
    data = _mapping_dict()
    data["closeness"]["unplaced"] = "outer"
    result = load_export(export, data, KEY)
    m04 = result.relations[result.relations["resident_id"] == "M04"]
    assert sorted(m04["closeness"].tolist()) == [3, 3]
    assert any("not placed" in w for w in result.report.warnings)


def test_alter_outside_outer_circle_counts_in_outer_ring_with_warning(export: Path) -> None:
    _edit(_session_file(export, "M04", "Før", "attributeList_Person"), ",0.55,0.35,", ",0.97,0.03,")
    result = load_export(export, MAPPING, KEY)
    m04 = result.relations[result.relations["resident_id"] == "M04"]
    assert sorted(m04["closeness"].tolist()) == [3, 3]
    assert any("outside the outer circle" in w for w in result.report.warnings)


@pytest.mark.parametrize(
    "coordinate", ["512.00", "abc", "-0.1"], ids=["pixels", "text", "negative"]
)
def test_layout_coordinate_outside_unit_square_is_a_problem(export: Path, coordinate: str) -> None:
    path = _session_file(export, "M04", "Før", "attributeList_Person")
    _edit(path, ",0.55,0.35,", f",{coordinate},0.35,")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert (p.file, p.row, p.column, p.code) == (path.name, 3, "Circle_x", "bad_layout")


def test_two_interviews_same_resident_same_wave_is_a_problem(export: Path) -> None:
    ego = _session_file(export, "B018", "Efter", "ego")
    _edit(ego, ",Efter,", ",Før,")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    assert {p.code for p in _problems(exc)} == {"duplicate_session"}
    assert len(_problems(exc)) == 2


def test_same_name_twice_in_one_interview_is_a_problem_without_showing_it(export: Path) -> None:
    path = _session_file(export, "B017", "Efter", "attributeList_Person")
    _edit(path, "Jens", "Kirsten")
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    assert {p.code for p in _problems(exc)} == {"duplicate_alter"}
    assert all("Kirsten" not in (p.value or "") + p.rule for p in _problems(exc))


@pytest.mark.parametrize("case_id", ["Hanne", "010190-1234"], ids=["name", "cpr"])
def test_resident_id_that_is_not_a_pseudonym_is_refused(export: Path, case_id: str) -> None:
    ego = _session_file(export, "M04", "Før", "ego")
    _edit(ego, ",M04,", f",{case_id},")
    with pytest.raises(PrivacyError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert p.value == "<masked>" and p.row == 2


@pytest.mark.parametrize(
    "case_id",
    ["011290-1234", "311290-1234", "2902001234", "3112901234", "010190 1234"],
    ids=["december", "day-31", "leap-day-2000", "day-31-december-ten-digits", "space-inside"],
)
def test_resident_id_like_a_cpr_number_is_refused_as_one(export: Path, case_id: str) -> None:
    """The import's CPR rule is the door's (issue 22): December, day 31, 29-02-2000 (a leap
    day only in 2000) and a space between date and serial number all look like CPR numbers."""
    ego = _session_file(export, "M04", "Før", "ego")
    _edit(ego, ",M04,", f",{case_id},")
    with pytest.raises(PrivacyError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert p.value == "<masked>" and p.row == 2
    assert "CPR" in p.rule


def test_missing_export_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        read_export(tmp_path / "nope", MAPPING, KEY)
    assert _problems(exc)[0].code == "missing_export"


def test_folder_without_ego_files(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_export(tmp_path, MAPPING, KEY)
    assert "ego.csv" in _problems(exc)[0].rule


def test_attribute_list_without_its_ego_file(export: Path) -> None:
    ego = _session_file(export, "M04", "Før", "ego")
    ego.unlink()
    with pytest.raises(DataError) as exc:
        read_export(export, MAPPING, KEY)
    [p] = _problems(exc)
    assert (
        p.file == ego.name.replace("_ego.csv", "_attributeList_Person.csv")
        and p.code == "missing_file"
    )


def test_wrong_node_type_names_the_types_present() -> None:
    data = _mapping_dict()
    data["node_type"] = "Personer"
    with pytest.raises(DataError) as exc:
        read_export(EXPORT, data, KEY)
    assert "Person" in _problems(exc)[0].rule


def test_mapped_column_missing_from_export() -> None:
    data = _mapping_dict()
    data["contact"]["variable"] = "Kontakt"
    with pytest.raises(DataError) as exc:
        read_export(EXPORT, data, KEY)
    assert {(p.column, p.row) for p in _problems(exc)} == {("Kontakt", None)}


# --------------------------------------------------------------------------- GraphML


GRAPHML = ROOT / "tests" / "data" / "networkcanvas" / "graphml"


def test_graphml_export_reads_like_the_csv_export() -> None:
    """The same five interviews exported as GraphML (one file per session) share the mapping."""
    csv, graphml = load_export(EXPORT, MAPPING, KEY), load_export(GRAPHML, MAPPING, KEY)
    pd.testing.assert_frame_equal(graphml.relations, csv.relations)
    assert graphml.report.sessions == csv.report.sessions
    assert graphml.report.values_mapped == csv.report.values_mapped


def test_graphml_beside_csv_is_ignored_with_a_warning(tmp_path: Path) -> None:
    both = tmp_path / "both"
    shutil.copytree(EXPORT, both)
    shutil.copy(next(GRAPHML.glob("M04_*.graphml")), both)
    result = load_export(both, MAPPING, KEY)
    assert result.report.relations == 9
    assert any("GraphML" in w for w in result.report.warnings)


def test_graphml_problem_names_file_node_variable_value(tmp_path: Path) -> None:
    g = tmp_path / "g"
    shutil.copytree(GRAPHML, g)
    path = next(g.glob("M04_*.graphml"))
    _edit(path, ">Sjaeldnere<", ">Hver_time<")
    with pytest.raises(DataError) as exc:
        read_export(g, MAPPING, KEY)
    [p] = _problems(exc)
    node_id = int(path.read_text(encoding="utf-8").split('<node id="')[1].split('"')[0])
    assert (p.file, p.row, p.column, p.value) == (path.name, node_id, "ContactFreq", "Hver_time")


def test_graphml_outputs_hold_no_names(tmp_path: Path) -> None:
    import_export(GRAPHML, MAPPING, KEY, tmp_path / "out")
    for path in (tmp_path / "out").iterdir():
        text = path.read_text(encoding="utf-8")
        assert not [s for s in SECRETS if s in text]


# --------------------------------------------------------------------------- the mapping


def _mapping_dict() -> dict:
    import tomllib

    with MAPPING.open("rb") as fh:
        return tomllib.load(fh)


def test_shipped_example_mapping_is_valid() -> None:
    m = load_mapping(MAPPING)
    assert m.node_type == "Person" and m.closeness.ring_closeness == (1, 2, 3)
    assert m.site_id is not None and m.initiative is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("alter_match"), "alter_match"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["alter_type"]["values"].update(cousin="Fætter"), "cousin"),
        (lambda d: d["contact"].pop("values"), r"\[contact\] needs values"),
        (lambda d: d["closeness"].update(rings=4), "ring_closeness"),
        (lambda d: d["closeness"].update(spacing="log"), "spacing"),
        (lambda d: d.update(wave={"value": "midway"}), "wave.value"),
        (lambda d: d["alter_type"].update(variable="Type"), "exactly one of"),
        (lambda d: d["contact"]["values"].update(rarely="Dagligt"), "both"),
    ],
    ids=[
        "missing key",
        "unknown key",
        "unknown code",
        "no values",
        "4 rings",
        "bad spacing",
        "bad wave",
        "two sources",
        "option twice",
    ],
)
def test_mapping_errors_name_the_key(change, message: str) -> None:
    data = _mapping_dict()
    change(data)
    with pytest.raises(ConfigError, match=message):
        parse_mapping(data, source="m.toml")


def test_variable_forms_values_lists_and_wave_values(baseline: pd.DataFrame) -> None:
    data = _mapping_dict()
    data["wave"] = {"variable": "Wave", "values": {"pre": "FØR", "post": ["Efter", "senere"]}}
    data["closeness"] = {
        "variable": "ContactFreq",
        "values": {1: "Dagligt", 2: "Ugentligt", 3: ["Maanedligt", "Sjaeldnere"]},
    }
    data["contact"] = {"value": "weekly"}
    rel = read_export(EXPORT, data, KEY)
    base = baseline
    expected = base["contact"].map({"daily": 1, "weekly": 2, "monthly": 3, "rarely": 3})
    assert rel["closeness"].tolist() == expected.astype(int).tolist()
    assert sorted(rel["closeness"].tolist()) == [1, 1, 1, 1, 2, 2, 2, 3, 3]
    assert set(rel["contact"]) == {"weekly"}
    assert rel["wave"].tolist().count("post") == 3


def test_constant_resident_for_an_export_of_one_resident(
    tmp_path: Path, baseline: pd.DataFrame
) -> None:
    one = tmp_path / "one"
    one.mkdir()
    for f in EXPORT.glob("B017_*"):
        shutil.copy(f, one)
    data = _mapping_dict()
    data["resident_id"] = {"value": "B017"}
    rel = read_export(one, data, KEY)
    full = baseline
    pd.testing.assert_frame_equal(rel, full[full["resident_id"] == "B017"].reset_index(drop=True))
    data["resident_id"] = {"value": "Hanne"}
    with pytest.raises(PrivacyError):
        read_export(one, data, KEY)


def test_four_rings_with_ring_closeness() -> None:
    data = _mapping_dict()
    data["closeness"].update(rings=4, ring_closeness=[1, 2, 2, 3])
    m = parse_mapping(data)
    assert m.closeness.radii == pytest.approx((0.125, 0.25, 0.375, 0.5))


def test_bad_toml_and_missing_mapping_file(tmp_path: Path) -> None:
    bad = tmp_path / "m.toml"
    bad.write_text("node_type = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_mapping(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_mapping(tmp_path / "none.toml")


# --------------------------------------------------------------------------- the rings


@pytest.mark.parametrize(
    ("x", "y", "ring"),
    [
        (0.5, 0.5, 1),
        (0.5, 0.5 + 1 / 6, 1),
        (0.5, 0.67, 2),
        (0.5, 0.5 + 1 / 3, 2),
        (0.5, 0.84, 3),
        (1.0, 0.5, 3),
        (1.0, 1.0, 4),
    ],
    ids=[
        "centre",
        "on first circle",
        "middle",
        "on second circle",
        "outer",
        "on outer circle",
        "corner",
    ],
)
def test_ring_boundaries_belong_to_inner_ring(x: float, y: float, ring: int) -> None:
    assert closeness_ring([x], [y], radii=ring_radii(3))[0] == ring


def test_aspect_ratio_scales_horizontal_distance() -> None:
    # On a 16:10 canvas a point 0.25 canvas-widths right of centre is 0.4 heights away.
    assert closeness_ring([0.75], [0.5], radii=ring_radii(3), aspect_ratio=1.6)[0] == 3


@settings(max_examples=40, deadline=None)
@given(
    d=st.floats(min_value=0, max_value=0.49),
    angle=st.floats(min_value=0, max_value=2 * math.pi),
    rings=st.integers(min_value=1, max_value=6),
    spacing=st.sampled_from(["equal", "interviewer", "fresco"]),
)
def test_ring_depends_only_on_distance_and_grows_with_it(
    d: float, angle: float, rings: int, spacing: str
) -> None:
    radii = ring_radii(rings, spacing=spacing)
    x, y = 0.5 + d * math.cos(angle), 0.5 + d * math.sin(angle)
    ring = closeness_ring([x, 0.5 + d, 0.5 + min(d + 0.01, 0.5)], [y, 0.5, 0.5], radii=radii)
    assert 1 <= ring[0] <= rings
    assert abs(ring[0] - ring[1]) <= 1  # same distance, up to a rounding at a boundary
    assert ring[2] >= ring[1]


NAMES = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ -", min_size=1
).filter(str.strip)


@settings(max_examples=40, deadline=None)
@given(resident=st.from_regex(r"[A-Z]{1,2}[0-9]{1,3}", fullmatch=True), name=NAMES)
def test_pseudonym_ignores_case_and_spacing_and_fits_the_contract(resident: str, name: str) -> None:
    import re

    from analyse.data.schema import PSEUDONYM_PATTERN

    variants = [name, f"  {name.upper()} ", " ".join(name.lower().split())]
    ids = pseudonymise([resident] * 3, variants, KEY)
    assert len(set(ids)) == 1
    assert re.fullmatch(PSEUDONYM_PATTERN, ids[0])
    assert not re.search(r"\d{5}", ids[0])  # digit runs of 4 at most: never CPR-like
    assert ids != pseudonymise([resident] * 3, variants, OTHER_KEY)


# --------------------------------------------------------------------------- command line


def _app():
    import typer

    app = typer.Typer()
    app.command("import-networkcanvas")(import_networkcanvas_command)
    app.command("noop")(lambda: None)  # two commands, as in the real CLI
    return app


def test_command_writes_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    out = tmp_path / "import"
    args = ["import-networkcanvas", str(EXPORT), "--mapping", str(MAPPING), "--out", str(out)]
    result = CliRunner().invoke(_app(), [*args, "--lang", "en"], env={KEY_ENV_VAR: KEY})
    assert result.exit_code == 0, result.output
    assert (out / "relations.csv").exists() and "9 relation(s)" in result.output
    # Issue 21: Danish by default (as every command), English with --lang en.
    result = CliRunner().invoke(_app(), args, env={KEY_ENV_VAR: KEY, "COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "9 relation(er) skrevet til" in result.output and "Advarsel:" in result.output


def test_command_fails_readably_without_traceback(export: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    _edit(_session_file(export, "M04", "Før", "attributeList_Person"), "Sjaeldnere", "Hver_time")
    result = CliRunner().invoke(
        _app(),
        [
            "import-networkcanvas",
            str(export),
            "--mapping",
            str(MAPPING),
            "--key",
            KEY,
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert "Hver_time" in result.output and "ContactFreq" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_command_without_key_explains(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        _app(),
        [
            "import-networkcanvas",
            str(EXPORT),
            "--mapping",
            str(MAPPING),
            "--out",
            str(tmp_path / "o"),
        ],
        env={KEY_ENV_VAR: "", "COLUMNS": "400"},
    )
    assert result.exit_code == 2 and KEY_ENV_VAR in result.output
    assert "Fejl: Ingen pseudonymiseringsnøgle" in result.output
    result = CliRunner().invoke(
        _app(),
        ["import-networkcanvas", str(EXPORT), "-m", str(MAPPING), "-o", str(tmp_path / "o")]
        + ["--lang", "en", "--key", " short "],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == 2 and "The pseudonymisation key is 5 characters" in result.output


# --------------------------------------------------------------------------- a public real export


PUBLIC = os.environ.get("NC_PUBLIC_EXPORT")
PUBLIC_MAPPING = {
    "node_type": "Person",
    "resident_id": "networkCanvasCaseID",
    "wave": {"value": "pre"},
    "alter_match": "name",
    "alter_type": {
        "variable": "RelStrength",
        "values": {"family": "Very_close", "friend": "Somewhat_close", "other": "Not_close_at_all"},
    },
    "closeness": {"layout": "Cords", "rings": 4, "ring_closeness": [1, 2, 3, 3]},
    "contact": {
        "variable": "ContactFreq",
        "values": {
            "daily": "Daily",
            "weekly": "Weekly",
            "monthly": "Less_than_weekly",
            "rarely": "Never",
        },
    },
    "resident_gives": {"variable": "Close", "empty": False},
    "resident_receives": {"variable": "Serious", "empty": False},
}


@pytest.mark.skipif(
    not PUBLIC,
    reason="set NC_PUBLIC_EXPORT to the networkCanvasExport folder of "
    "github.com/complexdatacollective/working-with-data (no licence: not redistributed)",
)
def test_public_real_export_reads() -> None:
    """complexdatacollective/working-with-data, networkCanvasExport (IJE RADAR protocol, 10 cases)."""
    result = load_export(PUBLIC, PUBLIC_MAPPING, KEY)
    assert result.report.sessions_read == 10
    # Alters per case = data rows of each case's attribute list in the repository.
    assert result.relations.groupby("resident_id").size().to_dict() == {
        "case_1": 5,
        "case_2": 5,
        "case_3": 7,
        "case_4": 6,
        "case_5": 9,
        "case_6": 7,
        "case_7": 6,
        "case_8": 5,
        "case_9": 7,
        "case_10": 6,
    }
    assert set(result.relations["closeness"]) == {1, 2, 3}
    names = set(
        pd.concat(
            pd.read_csv(f, dtype=str)["name"]
            for f in Path(PUBLIC).glob("*attributeList_Person.csv")
        )
    )
    assert not names & set(result.relations.astype(str).to_numpy().ravel())


@pytest.mark.skipif(not PUBLIC, reason="set NC_PUBLIC_EXPORT (see test_public_real_export_reads)")
def test_public_real_export_messages(tmp_path: Path) -> None:
    """Issue 17 on the real export: an option label for its value gives one line with a
    did-you-mean; gives not asked imports without a constant; no name in any message."""
    data = json.loads(json.dumps(PUBLIC_MAPPING))
    data["contact"]["values"]["monthly"] = "Less than weekly"
    mapping = tmp_path / "m.toml"
    mapping.write_text(_toml(data), encoding="utf-8")
    result = _run_cli(PUBLIC, "--mapping", mapping, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "(1 different)" in result.output
    assert result.output.count("Did you mean the mapping's 'less than weekly'") == 1
    names = set(
        pd.concat(
            pd.read_csv(f, dtype=str)["name"].dropna()
            for f in Path(PUBLIC).glob("*attributeList_Person.csv")
        )
    )
    assert not any(n in result.output for n in names if len(n) > 2)

    data = json.loads(json.dumps(PUBLIC_MAPPING))
    data["resident_gives"] = {"not_asked": True}
    imported = load_export(PUBLIC, data, KEY)
    assert imported.report.not_asked == ["resident_gives"]
    assert imported.relations["resident_gives"].isna().all() and len(imported.relations) == 63


# --------------------------------------------------------------------------- with the rest of the suite


def test_imported_relations_give_hand_computed_indicators_and_turnover(tmp_path: Path) -> None:
    """The issue's 'done when': imported relations + residents + outcomes -> hand-computed counts."""
    from analyse.data.validate import read_dataset
    from analyse.stats.relations import indicators, turnover

    data = tmp_path / "data"
    import_export(EXPORT, MAPPING, KEY, data)
    (data / "residents.csv").write_text(
        "resident_id,site_id,setting,practice\nB017,Solsikken,residential,none\n"
        "B018,Solsikken,residential,none\nM04,Egebo,own_home,none\n",
        encoding="utf-8",
    )
    (data / "outcomes.csv").write_text(
        "resident_id,wave,respondent\nB017,pre,self\nB017,post,self\nB018,pre,assisted\n"
        "B018,post,assisted\nM04,pre,proxy\n",
        encoding="utf-8",
    )
    ds = read_dataset(data, lang="en")
    ind = indicators(ds).set_index(["resident_id", "wave"])
    assert ind["n_relations"].to_dict() == {
        ("B017", "pre"): 3,
        ("B017", "post"): 3,
        ("B018", "pre"): 1,
        ("B018", "post"): 0,
        ("M04", "pre"): 2,
    }
    assert ind["n_staff"].sum() == 2
    tv = turnover(ds).set_index("resident_id")[["gained", "kept", "lost"]]
    assert tv.to_dict("index") == {
        "B017": {"gained": 1, "kept": 2, "lost": 1},
        "B018": {"gained": 0, "kept": 0, "lost": 1},
    }


PUBLIC_GRAPHML = os.environ.get("NC_PUBLIC_GRAPHML")


@pytest.mark.skipif(
    not PUBLIC_GRAPHML,
    reason="set NC_PUBLIC_GRAPHML to a folder with case_1_86e8cd5e-...graphml and the same "
    "session's _ego.csv and _attributeList_Person.csv from complexdatacollective/working-with-data "
    "(commit 9873927)",
)
def test_public_real_graphml_reads_like_its_csv(tmp_path: Path) -> None:
    """A real session exported both ways gives the same relations through the same mapping."""
    src = Path(PUBLIC_GRAPHML)
    (tmp_path / "g").mkdir()
    (tmp_path / "c").mkdir()
    for f in src.iterdir():
        shutil.copy(f, tmp_path / ("g" if f.suffix == ".graphml" else "c"))
    g = load_export(tmp_path / "g", PUBLIC_MAPPING, KEY)
    c = load_export(tmp_path / "c", PUBLIC_MAPPING, KEY)
    assert len(c.relations) > 0
    pd.testing.assert_frame_equal(g.relations, c.relations)


# --------------------------------------------------------------------------- issue 17: messages


def _run_cli(*args: str, key: str = KEY):
    from typer.testing import CliRunner

    # A wide terminal, so that no table cell is wrapped in the middle of a word.
    return CliRunner().invoke(
        _app(),
        ["import-networkcanvas", *map(str, args), "--lang", "en"],
        env={KEY_ENV_VAR: key, "COLUMNS": "400"},
    )


def _as_case(export: Path, case: str, new: str) -> None:
    """Type ``new`` as the case ID of ``case``'s interviews, in the files and their names."""
    for path in sorted(export.glob(f"{case}_*")):
        if path.name.endswith("_ego.csv"):
            _edit(path, f",{case},", f",{new},")
        path.rename(path.with_name(new + path.name[len(case) :]))


def test_a_name_typed_as_case_id_is_masked_in_every_message(export: Path, tmp_path: Path) -> None:
    """Issue 17: "Resident Hanne has 2 interviews in wave pre" printed the name the message
    before had masked; Network Canvas also writes the case ID into every file's name."""
    for ego in export.glob("B018_*_ego.csv"):
        if ",Efter," in ego.read_text(encoding="utf-8"):
            _edit(ego, ",Efter,", ",Før,")
    _as_case(export, "B018", "Hanne")
    with pytest.raises(PrivacyError) as exc:
        read_export(export, MAPPING, KEY)
    problems = _problems(exc)
    assert {p.code for p in problems} == {"privacy", "duplicate_session"}
    for p in problems:
        assert "hanne" not in f"{p.file} {p.column} {p.value} {p.rule}".lower(), p
    assert any(p.file.startswith("<masked>_") for p in problems)  # the session id is kept
    result = _run_cli(export, "--mapping", MAPPING, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "hanne" not in result.output.lower()


def test_alter_names_are_masked_in_every_message(export: Path) -> None:
    """A name variable mapped as an option by mistake: the values shown are names."""
    data = _mapping_dict()
    data["contact"] = {"variable": "name", "values": {"daily": "Dagligt"}}
    with pytest.raises(DataError) as exc:
        read_export(export, data, KEY)
    text = " ".join(f"{p.file} {p.value} {p.rule}" for p in _problems(exc))
    assert "<masked>" in text
    for secret in ("Hanne", "Ole", "Kirsten", "Jens", "Mette", "Søren", "Åse"):
        assert secret.lower() not in text.lower()


def test_each_problem_is_printed_once(tmp_path: Path) -> None:
    """Issue 17: every problem was printed twice (the error's title listed them, then the
    table), 100+ lines for one misspelt variable; now one line per distinct problem."""
    data = _mapping_dict()
    data["contact"]["variable"] = "ContactFrq"
    mapping = tmp_path / "m.toml"
    mapping.write_text(_toml(data), encoding="utf-8")
    result = _run_cli(EXPORT, "--mapping", mapping, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert result.output.count("ContactFrq', but the file has no such column") == 1
    # one distinct problem in 4 places: one line (issue 21), not a table
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "(+3 more file(s))" in result.output
    assert "Did you mean 'ContactFreq'?" in result.output


def _toml(data: dict) -> str:
    """A mapping dict as TOML (strings, numbers, booleans, lists and one level of tables)."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        return str(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for k, v in data.items():
        if isinstance(v, dict):
            lines += [f"[{k}]", *(f"{kk} = {value(vv)}" for kk, vv in v.items())]
    return "\n".join(lines) + "\n"


def test_mapping_errors_keep_their_section_on_the_command_line(tmp_path: Path) -> None:
    """Issue 17: rich read `[contact]` as markup: `[contact].values` printed as `.values`."""
    data = _mapping_dict()
    data["contact"]["values"]["hourly"] = "Hver_time"
    mapping = tmp_path / "m.toml"
    mapping.write_text(_toml(data), encoding="utf-8")
    result = _run_cli(EXPORT, "--mapping", mapping, "--out", tmp_path / "o")
    assert result.exit_code == 2
    assert "m.toml: [contact].values: 'hourly' is not a code of contact" in result.output


def test_data_in_a_message_is_not_read_as_markup(export: Path, tmp_path: Path) -> None:
    _edit(_session_file(export, "M04", "Før", "attributeList_Person"), "Sjaeldnere", "[/x]\x1b[2J")
    result = _run_cli(export, "--mapping", MAPPING, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "[/x]\\x1b[2J" in result.output and "\x1b" not in result.output


def test_an_option_label_instead_of_its_value_gets_did_you_mean(export: Path) -> None:
    """Issue 17: `Less than weekly` (the label) for `Less_than_weekly` (the value)."""
    data = _mapping_dict()
    data["initiative"]["values"]["other"] = "Den anden"  # the export spells it Den_anden
    with pytest.raises(DataError) as exc:
        read_export(export, data, KEY)
    [p] = _problems(exc)
    assert p.value == "Den_anden"
    assert "Did you mean the mapping's 'den anden' (under other)?" in p.rule
    assert "other = 'Den_anden'" in p.rule


def _without_column(tmp_path: Path, column: str) -> Path:
    """A copy of the fixture export whose attribute lists lack ``column`` (a protocol that
    never asked its question)."""
    target = tmp_path / f"without-{column}"
    shutil.copytree(EXPORT, target)
    for path in target.glob("*_attributeList_*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.drop(columns=[column]).to_csv(path, index=False)
    return target


def test_answers_to_a_question_marked_not_asked_are_a_problem_not_dropped(
    tmp_path: Path,
) -> None:
    """Issue 26: ``not_asked = true`` dropped the answers the export holds, without a word."""
    data = _mapping_dict()
    data["resident_receives"] = {"not_asked": True}
    with pytest.raises(DataError) as exc:
        read_export(EXPORT, data, KEY)
    found = [(p.column, p.code) for p in _problems(exc)]
    assert found and set(found) == {("Receives", "not_asked_answered")}
    assert "not_asked" in _problems(exc)[0].rule and "Receives" in _problems(exc)[0].rule
    # a column named in Danish is found as well
    export = _without_column(tmp_path, "Receives")
    for path in export.glob("*_attributeList_*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["modtager"] = ["ja"] + [""] * (len(frame) - 1) if len(frame) else []
        frame.to_csv(path, index=False)
    with pytest.raises(DataError) as exc:
        read_export(export, data, KEY)
    assert {p.column for p in _problems(exc)} == {"modtager"}
    # an empty column is no answer: imported, and the report says it was not asked
    for path in export.glob("*_attributeList_*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["modtager"] = ""
        frame.to_csv(path, index=False)
    assert read_export(export, data, KEY)["resident_receives"].isna().all()


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.update(rings=50_000_000),
        lambda c: c.update(rings=100_000_000_000),
        lambda c: (c.pop("rings", None), c.pop("spacing", None), c.update(radii=[0.5] * 10**7)),
    ],
    ids=["rings=5e7", "rings=1e11", "ten million radii"],
)
def test_an_oversized_ring_count_is_refused_before_anything_is_computed(change) -> None:
    """Issue 26: rings = 50000000 took 3 GB before it was refused; rings = 100000000000 ended
    in MemoryError (exit 1). Now one line, at once."""
    data = _mapping_dict()
    change(data["closeness"])
    with pytest.raises(ConfigError, match="at most 100|from 1 to 100") as info:
        parse_mapping(data, source="m.toml")
    assert len(str(info.value)) < 400
    with pytest.raises(ConfigError, match="from 1 to 100"):
        ring_radii(50_000_000)


def test_a_question_not_asked_stays_empty_and_the_report_says_so(tmp_path: Path) -> None:
    """Issue 17: a protocol that never asks whether the resident gives could only be imported
    by inventing a constant, with no sign of it in the import report."""
    data = _mapping_dict()
    data["resident_gives"] = {"not_asked": True}
    mapping = tmp_path / "m.toml"
    mapping.write_text(_toml(data), encoding="utf-8")
    out = tmp_path / "o"
    report = import_export(_without_column(tmp_path, "Gives"), mapping, KEY, out)
    assert report.not_asked == ["resident_gives"]
    assert any("resident_gives was not asked" in w for w in report.warnings)
    written = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert written["not_asked"] == ["resident_gives"]
    assert "resident_gives" not in written["values_mapped"]
    rel = pd.read_csv(out / "relations.csv", dtype=str, keep_default_na=False)
    assert set(rel["resident_gives"]) == {""} and set(rel["resident_receives"]) <= {"yes", "no"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"contact": {"not_asked": True}}, "only possible for resident_gives"),
        ({"resident_gives": {"not_asked": False}}, "must be true"),
        ({"resident_gives": {"not_asked": True, "variable": "Gives"}}, "exactly one of"),
    ],
)
def test_not_asked_mapping_errors(raw: dict, message: str) -> None:
    data = _mapping_dict()
    data.update(raw)
    with pytest.raises(ConfigError, match=message):
        parse_mapping(data, source="m.toml")


def test_answers_mapped_through_empty_are_counted(export: Path) -> None:
    """Issue 17: answers mapped through `empty` were missing from values_mapped."""
    path = _session_file(export, "M04", "Før", "attributeList_Person")
    _edit(path, "Sjaeldnere,true,false,", "Sjaeldnere,,false,")
    data = _mapping_dict()
    data["resident_gives"] = {"variable": "Gives", "empty": False}
    report = load_export(export, data, KEY).report
    gives = {(v["export"], v["code"]): v["n"] for v in report.values_mapped["resident_gives"]}
    assert gives[("", "no")] == 1
    assert sum(gives.values()) == report.relations == 9


def test_other_node_types_are_reported_not_silently_ignored(export: Path) -> None:
    ego = next(export.glob("B017_2397*_ego.csv"))
    place = ego.with_name(ego.name.replace("_ego.csv", "_attributeList_Place.csv"))
    place.write_text(
        "nodeID,networkCanvasEgoUUID,networkCanvasUUID,name\r\n1,x,p1,Klubben\r\n2,x,p2,Kirken\r\n",
        encoding="utf-8",
    )
    report = load_export(export, MAPPING, KEY).report
    assert report.other_node_types == {"Place": 2}
    assert any("Node type(s) not read: Place (2 node(s))" in w for w in report.warnings)


def test_other_node_types_in_graphml_are_reported(tmp_path: Path) -> None:
    src = ROOT / "tests" / "data" / "networkcanvas" / "graphml"
    target = tmp_path / "g"
    shutil.copytree(src, target)
    path = next(target.glob("B017_2397*.graphml"))
    text = path.read_text(encoding="utf-8")
    type_key = next(
        line.split('id="')[1].split('"')[0]
        for line in text.splitlines()
        if "<key" in line and 'attr.name="networkCanvasType"' in line
    )
    node = f'<node id="99"><data key="{type_key}">Place</data></node>'
    path.write_text(text.replace("</graph>", node + "</graph>", 1), encoding="utf-8")
    report = load_export(target, MAPPING, KEY).report
    assert report.other_node_types == {"Place": 1}


# --------------------------------------------------------------------------- not asked, in reports


def test_a_data_set_imported_with_not_asked_validates_and_reports_say_not_asked(
    tmp_path: Path,
) -> None:
    """Issue 17: the reports respect a question that was not asked: no figure on giving is
    computed from empty answers; the tables say "ikke spurgt" and the maps draw no "does not
    give"."""
    import matplotlib.pyplot as plt

    from analyse import report
    from analyse.data.validate import read_dataset
    from analyse.render.figures import relationship_map

    data = _mapping_dict()
    data["resident_gives"] = {"not_asked": True}
    mapping = tmp_path / "m.toml"
    mapping.write_text(_toml(data), encoding="utf-8")
    folder = tmp_path / "data"
    import_export(_without_column(tmp_path, "Gives"), mapping, KEY, folder)
    (folder / "residents.csv").write_text(
        "resident_id,site_id,setting,practice\n"
        + "".join(f"B0{i},Solsikken,residential,none\n" for i in (17, 18, 20, 21, 22))
        + "M04,Egebo,own_home,none\n",
        encoding="utf-8",
    )
    (folder / "outcomes.csv").write_text(
        "resident_id,wave,respondent,wants_more\nB017,pre,self,yes\nB017,post,self,yes\n"
        "B018,pre,assisted,no\nB018,post,assisted,yes\nM04,pre,proxy,yes\nB020,pre,self,no\n"
        "B021,pre,self,no\nB022,pre,self,yes\n",
        encoding="utf-8",
    )
    ds = read_dataset(folder, lang="en")
    assert ds.relations["resident_gives"].isna().all()
    assert ds.relations["resident_receives"].notna().all()
    assert not report.gives_asked(ds)

    ctx = report.Context(ds, "all", "consultant", "da", min_cell=3)
    tables = {
        i.name: i.frame
        for section in (report.kortlaegning, report.behov)
        for i in section(ctx)
        if isinstance(i, report.Table)
    }
    assert set(tables["noegletal"]["Giver noget i mindst én relation"]) == {"ikke spurgt"}
    assert set(tables["behov"]["… og giver ikke noget i nogen relation"]) == {"ikke spurgt"}
    notes = [i.text for i in report.kortlaegning(ctx) if isinstance(i, report.Paragraph)]
    assert any("blev ikke spurgt" in t for t in notes)
    plt.close("all")

    fig = relationship_map(ds, "B017", lang="da", audience="consultant")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Giver: ikke spurgt" in texts and not any(t.startswith("Giver i") for t in texts)
    legend = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert "Borgeren giver ikke" not in legend
    plt.close(fig)


def test_a_question_answered_in_some_rows_only_is_a_problem(tmp_path: Path, tables) -> None:
    """Not asked means empty in every row; an empty answer among answers is never "no"."""
    from analyse.data.validate import read_dataset
    from conftest import write_dialect

    tables["relations"].loc[2, "resident_gives"] = None
    folder = write_dialect(tables, tmp_path / "d", "en-comma-utf8")
    with pytest.raises(DataError) as exc:
        read_dataset(folder, lang="en")
    [p] = _problems(exc)
    assert (p.row, p.column, p.code) == (4, "resident_gives", "partly_answered")
    assert "not asked" in p.rule
    tables["relations"]["resident_gives"] = None
    folder = write_dialect(tables, tmp_path / "e", "en-comma-utf8")
    assert read_dataset(folder, lang="en").relations["resident_gives"].isna().all()


@pytest.mark.parametrize("lang", ["da", "en"])
def test_oversized_rings_and_unasked_answers_speak_the_users_language(tmp_path: Path, lang) -> None:
    """Issue 26 under --lang da: the refusal of rings = 50000000 and the problem for answers to
    a question marked not_asked are Danish (English with --lang en), exit 2, no traceback."""
    from typer.testing import CliRunner

    from analyse.cli import app

    runner = CliRunner()
    said = {}
    for case in ("rings", "not_asked"):
        data = _mapping_dict()
        if case == "rings":
            data["closeness"]["rings"] = 50_000_000
        else:
            data["resident_receives"] = {"not_asked": True}
        mapping = tmp_path / f"{case}.toml"
        mapping.write_text(_toml(data), encoding="utf-8")
        args = ["import-networkcanvas", str(EXPORT), "--mapping", str(mapping),
                "--out", str(tmp_path / f"o-{case}"), "--lang", lang]
        result = runner.invoke(app, args, env={KEY_ENV_VAR: KEY})
        assert result.exit_code == 2, result.output
        said[case] = " ".join(result.output.split())
        assert "Traceback" not in said[case]
    assert ("skal være et helt tal fra 1 til 100" in said["rings"]) == (lang == "da"), said
    assert ("must be a whole number from 1 to 100" in said["rings"]) == (lang == "en"), said
    assert ("ikke blev spurgt" in said["not_asked"]) == (lang == "da"), said
    assert ("was not asked" in said["not_asked"]) == (lang == "en"), said


#: English words that no Danish message holds (the mapping's own keys aside).
_ENGLISH = (" the ", " must ", "received", " is not ", " has no ", "Did you mean", "Error")


def _broken_cases(tmp_path: Path) -> dict[str, tuple[list[str], str, str]]:
    """Broken imports as a user makes them: case -> (arguments, Danish words, English words)."""
    out = str(tmp_path / "out")

    def mapping(name: str, text: str) -> str:
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    data = _mapping_dict()
    data["contact"]["variable"] = "ContactFrq"  # a variable the export does not have
    unknown_variable = mapping("unknown_variable", _toml(data))
    data = _mapping_dict()
    data["resident_gives"] = {"value": "maybe"}  # a constant of the wrong type
    wrong_type = mapping("wrong_type", _toml(data))
    data = _mapping_dict()
    data["contact"]["values"] = {  # Sjaeldnere missing
        "daily": "Dagligt",
        "weekly": "Ugentligt",
        "monthly": "Maanedligt",
    }
    unmapped = mapping("unmapped", _toml(data))
    data = _mapping_dict()
    data["colour"] = "Farve"
    unknown_key = mapping("unknown_key", _toml(data))
    empty_export = tmp_path / "empty_export"
    empty_export.mkdir()
    export = [str(EXPORT), "--out", out]
    return {
        "not TOML": (
            [*export, "--mapping", mapping("bad", 'node_type = "Person\n')],
            "er ikke gyldig TOML (linje 1",
            "is not valid TOML",
        ),
        "unknown key": (
            [*export, "--mapping", unknown_key],
            "ukendt(e) nøgle(r) colour",
            "unknown key(s) colour",
        ),
        "wrong type": (
            [*export, "--mapping", wrong_type],
            "resident_gives.value skal være true eller false; fik 'maybe'",
            "resident_gives.value must be true or false; received 'maybe'",
        ),
        "unknown variable": (
            [*export, "--mapping", unknown_variable],
            "Mappingen læser contact fra 'ContactFrq', men filen har ingen sådan kolonne",
            "The mapping reads contact from 'ContactFrq', but the file has no such column",
        ),
        "unmapped option": (
            [*export, "--mapping", unmapped],
            "står ikke i mappingens [contact] values",
            "is not in the mapping's [contact] values",
        ),
        "missing mapping": (
            [*export, "--mapping", str(tmp_path / "nowhere.toml")],
            "nowhere.toml findes ikke",
            "nowhere.toml does not exist",
        ),
        "mapping is a folder": (
            [*export, "--mapping", str(empty_export)],
            "er en mappe",
            "is a folder",
        ),
        "missing export": (
            [str(tmp_path / "no-export"), "--out", out, "--mapping", str(MAPPING)],
            "Eksporten blev ikke fundet",
            "The export was not found",
        ),
        "empty export": (
            [str(empty_export), "--out", out, "--mapping", str(MAPPING)],
            "dette ligner ikke en eksport fra Network Canvas",
            "this does not look like a Network Canvas export",
        ),
    }


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_refusal_of_a_broken_import_follows_lang(tmp_path: Path, lang: str) -> None:
    """Issue 21: mapping errors, refusals and problems of the import command are one line in
    the user's language (Danish by default), exit 2; under da no English sentence remains."""
    from typer.testing import CliRunner

    from analyse.cli import app

    runner = CliRunner()
    for case, (args, danish, english) in _broken_cases(tmp_path).items():
        result = runner.invoke(
            app,
            ["import-networkcanvas", *args, "--lang", lang],
            env={KEY_ENV_VAR: KEY, "COLUMNS": "1000"},
        )
        assert result.exit_code == 2, (case, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, (case, result.output)
        said = lines[0]
        assert "Traceback" not in said
        if lang == "da":
            assert said.startswith("Fejl: ") and danish in said, (case, said)
            assert english not in said, (case, said)
            for word in _ENGLISH:
                assert word not in said, (case, word, said)
        else:
            assert said.startswith("Error: ") and english in said, (case, said)
            assert danish not in said, (case, said)


def test_the_import_report_and_its_warnings_follow_lang(tmp_path: Path) -> None:
    """The warnings printed after an import (and written to import-report.json) are Danish
    under --lang da."""
    from typer.testing import CliRunner

    from analyse.cli import app

    data = _mapping_dict()
    data["resident_gives"] = {"not_asked": True}
    mapping = tmp_path / "m.toml"
    mapping.write_text(_toml(data), encoding="utf-8")
    out = tmp_path / "out"
    export = _without_column(tmp_path, "Gives")
    args = ["import-networkcanvas", str(export), "--mapping", str(mapping), "--out", str(out)]
    result = CliRunner().invoke(app, args, env={KEY_ENV_VAR: KEY, "COLUMNS": "1000"})
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Advarsel")]
    assert any("blev ikke spurgt" in w for w in warnings), result.output
    for line in warnings:
        for word in _ENGLISH:
            assert word not in line, (word, line)
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert any("blev ikke spurgt" in w for w in report["warnings"])
