"""The audit finds pseudonyms, small counts and CPR numbers in a run's published files."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from analyse.run.batch import run_report
from test_batch import _notebooks


def test_audit_passes_then_catches_a_planted_pseudonym(tmp_path: Path, big_enough, cli) -> None:
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=False)
    out = tmp_path / "run"
    result = run_report(
        data, out, audience="steering", workers=2, notebooks_dir=nbs, progress=False
    )
    assert result.ok, (result.audit_findings, [j.error for j in result.jobs])
    assert cli("audit", out, "--data", data).exit_code == 0

    html = out / "H2.html"
    html.write_text(
        html.read_text(encoding="utf-8").replace("</body>", "<p>B104</p></body>"), encoding="utf-8"
    )
    result = cli("audit", out, "--data", data)
    assert result.exit_code == 1
    # Issue 17: the finding names the file and masks the pseudonym it found.
    assert "H2.html" in result.output and "B***" in result.output
    assert "B104" not in result.output


def test_audit_catches_small_counts_and_cpr(tmp_path: Path, big_enough, cli) -> None:
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=False)
    out = tmp_path / "run"
    run_report(data, out, audience="steering", workers=1, notebooks_dir=nbs, progress=False)
    (out / "tabeller" / "H1" / "extra.csv").write_text("Antal borgere;x\n3;a\n", encoding="utf-8")
    (out / "samlet.html").write_text(
        "<p>I botilbud H1 har 2 af 12 borgere ... 010190-1234</p>", encoding="utf-8"
    )
    result = cli("audit", out, "--data", data, "--lang", "en")
    assert result.exit_code == 1
    assert "count 3 below 5" in result.output
    assert "2 af 12 borgere" in result.output
    assert "CPR" in result.output
    # Issue 21: under --lang da (the default) the findings are Danish.
    result = cli("audit", out, "--data", data)
    assert result.exit_code == 1
    assert "viser antallet 3 under 5" in result.output
    assert "ikke-skjult antal '2 af 12 borgere' under 5" in result.output
    assert "ligner et CPR-nummer" in result.output
    assert "Revision:" in result.output and "below" not in result.output


def test_audit_reads_thousands_separators_as_reports_print_them(tmp_path: Path) -> None:
    """National runs print 3.927 (Danish) or 3,927 (English): a count of 3927, not 3.9.
    Found on a 2,000-site run, whose overview the audit refused for counts it misread."""
    from analyse.run.audit import audit_files

    (tmp_path / "big.csv").write_text(
        "Mål;Antal borgere;Gns. før\nEnsomhed;3.927;6,2\nTilfredshed;4,065;3,1\n", encoding="utf-8"
    )
    (tmp_path / "small.csv").write_text(
        "Mål;Antal borgere\nEnsomhed;3\nAndet;<5\n", encoding="utf-8"
    )
    (tmp_path / "r.html").write_text(
        "<p>1.003 af 2.000 borgere har en ven. I alt 12 af 1.234 borgere.</p>"
        "<p>Her har 3 af 1.234 borgere ingen.</p>",
        encoding="utf-8",
    )
    findings = audit_files(list(tmp_path.iterdir()), tmp_path, set(), 5)
    assert findings == [
        "r.html: unsuppressed count '3 af 1.234 borgere' below 5",
        "small.csv: column 'Antal borgere' shows count 3 below 5",
    ]


# ----------------------------------------------------------------------------- issue 17


def _dataset(tables):
    from analyse.data.dataset import Dataset

    return Dataset.from_frames(**{k: v for k, v in tables.items()})


def test_pseudonyms_inside_text_cells_of_csv_and_xlsx_are_found_and_masked(tmp_path: Path) -> None:
    """Issue 17: the audit missed a pseudonym inside a sentence of a table's text cell."""
    from openpyxl import Workbook

    from analyse.run.audit import audit_files

    (tmp_path / "t.csv").write_text(
        "Mål;Note\nEnsomhed;Borger B104 har ingen venner.\n", encoding="utf-8-sig"
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "noter"
    ws.append(["Mål", "Bemærkning"])
    ws.append(["Tilfredshed", "Talte med R6 (kontaktperson)"])
    wb.save(tmp_path / "t.xlsx")
    findings = audit_files(sorted(tmp_path.iterdir()), tmp_path, {"B104", "R6"}, 5)
    assert findings == [
        "t.csv: row 2, column 'Note': pseudonym 'B***'",
        "t.xlsx:noter: row 2, column 'Bemærkning': pseudonym 'R*'",
    ]


def test_file_names_and_unreadable_files_are_findings(tmp_path: Path) -> None:
    from analyse.run.audit import audit_files

    (tmp_path / "tabeller").mkdir()
    (tmp_path / "tabeller" / "B104-netværk.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    findings = audit_files(sorted(tmp_path.rglob("*.*")), tmp_path, {"B104"}, 5)
    assert findings == [
        "broken.xlsx: could not be read (BadZipFile)",
        "tabeller/B104-netværk.csv: file name: pseudonym 'B***'",
    ]


def _fake_run(run: Path) -> list:
    """A steering run as the batch leaves it before the index: H1 clean, H2 leaking."""
    from analyse.run.batch import Job

    (run / "tabeller" / "H1").mkdir(parents=True)
    (run / "tabeller" / "H2").mkdir(parents=True)
    (run / "notebooks").mkdir()
    (run / "H1.html").write_text("<p>I alt 12 af 40 borgere.</p>", encoding="utf-8")
    (run / "H2.html").write_text("<p>Her har 3 af 12 borgere ingen ven.</p>", encoding="utf-8")
    (run / "samlet.html").write_text("<p>Samlet.</p>", encoding="utf-8")
    (run / "tabeller" / "H1" / "t.csv").write_text("Antal borgere;x\n12;a\n", encoding="utf-8")
    (run / "tabeller" / "H2" / "t.csv").write_text("Note;x\nB104 flyttede;a\n", encoding="utf-8")
    (run / "notebooks" / "H1.ipynb").write_text('{"cells": []}', encoding="utf-8")
    (run / "notebooks" / "H2.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "outputs": [{"text": "B104"}]}]}', encoding="utf-8"
    )
    (run / "notebooks" / "samlet.ipynb").write_text('{"cells": []}', encoding="utf-8")
    jobs = [
        Job("H1", Path("x.ipynb"), {}, "ok", files=["H1.html", "tabeller/H1/t.csv"]),
        Job("H2", Path("x.ipynb"), {}, "ok", files=["H2.html", "tabeller/H2/t.csv"]),
        Job("samlet", Path("x.ipynb"), {}, "ok", files=["samlet.html"]),
    ]
    return jobs


def test_enforce_withholds_a_leaking_report_and_publishes_no_finding(
    tmp_path: Path, tables
) -> None:
    """Issue 17: the audit wrote the pseudonyms it found into the steering index.html and
    run.json and left the leaking report in place. Now the report moves to the
    consultant-only folder, the findings (masked) go there and to the terminal, and the index
    only says which report was withheld."""
    from analyse.run.audit import FINDINGS_FILE, WITHHELD_DIR, audit_run, enforce
    from analyse.run.batch import write_index

    run = tmp_path / "run"
    jobs = _fake_run(run)
    ds = _dataset(tables)
    outcome = enforce(run, ds, jobs, min_cell=5, lang="da")

    assert {j.name: j.status for j in jobs} == {"H1": "ok", "H2": "withheld", "samlet": "ok"}
    assert sorted(outcome.withheld) == ["H2.html", "notebooks/H2.ipynb", "tabeller/H2/t.csv"]
    withheld = run / WITHHELD_DIR
    assert (withheld / "H2.html").exists() and (withheld / "tabeller" / "H2" / "t.csv").exists()
    assert not (run / "H2.html").exists() and not (run / "tabeller" / "H2").exists()
    assert not (run / "notebooks" / "H2.ipynb").exists()
    assert (run / "H1.html").exists() and (run / "tabeller" / "H1" / "t.csv").exists()
    # The findings: masked, for the terminal and the consultant-only file.
    assert any("B***" in f for f in outcome.findings)
    assert any("3 af 12 borgere" in f for f in outcome.findings)
    assert not any("B104" in f for f in outcome.findings)
    record = (withheld / FINDINGS_FILE).read_text(encoding="utf-8")
    assert record.startswith("KUN FOR KONSULENTER") and "B***" in record and "B104" not in record
    # The steering folder: clean, and its index says H2 was withheld without saying why.
    write_index(run, jobs, lang="da", audience="steering", audit=outcome.public)
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "tilbageholdt" in index and "H2" in index
    assert "B***" not in index and "B104" not in index and "3 af 12" not in index
    assert 'href="H2.html"' not in index
    assert audit_run(run, ds, min_cell=5) == []


def test_enforce_leaves_a_clean_run_alone(tmp_path: Path, tables) -> None:
    from analyse.run.audit import WITHHELD_DIR, enforce

    run = tmp_path / "run"
    jobs = _fake_run(run)
    (run / "H2.html").write_text("<p>Ren.</p>", encoding="utf-8")
    (run / "tabeller" / "H2" / "t.csv").write_text("Note;x\nflyttede;a\n", encoding="utf-8")
    (run / "notebooks" / "H2.ipynb").write_text('{"cells": []}', encoding="utf-8")
    outcome = enforce(run, _dataset(tables), jobs, min_cell=5)
    assert outcome.findings == [] and outcome.public == [] and outcome.withheld == []
    assert not (run / WITHHELD_DIR).exists()
    assert all(j.status == "ok" for j in jobs)


def test_a_report_run_withholds_a_leaking_report(tmp_path: Path, big_enough, cli) -> None:
    """End to end: a steering report that prints a pseudonym is withheld, exit 1, the terminal
    shows the masked finding, index.html and run.json hold no finding."""
    import json

    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=False)
    for path in nbs.iterdir():  # a report that prints a resident's pseudonym, in H2 only
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(new_code_cell('if site == "H2":\n    print("Borger B104")'))
        nbformat.write(nb, path)
    out = tmp_path / "run"
    result = run_report(
        data, out, audience="steering", workers=1, notebooks_dir=nbs, progress=False
    )
    status = {j.name: j.status for j in result.jobs}
    assert status == {"H1": "ok", "H2": "withheld", "samlet": "ok"}, [j.error for j in result.jobs]
    assert not result.ok
    assert any("B***" in f for f in result.audit_findings)
    assert not (out / "H2.html").exists() and (out / "tilbageholdt" / "H2.html").exists()
    for name in ("index.html", "run.json"):
        text = (out / name).read_text(encoding="utf-8")
        assert "B104" not in text and "B***" not in text
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["audit"]
    # what is left for the steering group is clean
    assert cli("audit", out, "--data", data).exit_code == 0


def test_reports_name_input_files_by_hash_only(tables) -> None:
    """Issue 17: a data file named after a person was printed in every steering report."""
    from analyse import report

    manifest = {
        "inputs": [
            {"file": "Hanne Jensen borgerliste.xlsx", "sha256": "ab" * 32},
            {"file": "relationer.csv", "sha256": "cd" * 32},
        ]
    }
    for site, lang in (("all", "da"), ("H1", "en")):
        ctx = report.Context(_dataset(tables), site, "steering", lang, manifest=manifest)
        shown = " ".join(
            getattr(i, "text", "") for i in report.om_rapporten(ctx) + report.title(ctx)
        )
        assert "Hanne" not in shown and "relationer.csv" not in shown
        assert "abababababab…" in shown and "cdcdcdcdcdcd…" in shown
        assert ("2 filer" if lang == "da" else "2 files") in shown


def test_a_prepared_folder_is_screened_again_when_used_as_input(
    tmp_path: Path, tables, cli
) -> None:
    """Issue 17: a prepared folder was not re-screened when used as input; one edited after
    `analyse prepare` (a names column added, a CPR number typed into free text) is refused
    like raw data, exit 2, the value masked, nothing written."""
    import pandas as pd
    import pytest

    from analyse.data.prepare import load, prepare
    from analyse.errors import PrivacyError
    from conftest import write_dialect

    prepared = tmp_path / "prepared"
    prepare(write_dialect(tables, tmp_path / "data", "da-semicolon-bom"), prepared)
    assert len(load(prepared).residents) == 6  # a clean prepared folder reads as before

    residents = pd.read_parquet(prepared / "residents.parquet")
    residents["fornavn"] = "Hanne"
    residents.to_parquet(prepared / "residents.parquet", index=False)
    relations = pd.read_parquet(prepared / "relations.parquet")
    relations.loc[2, "alter_id"] = "010190-1234"
    relations.to_parquet(prepared / "relations.parquet", index=False)

    with pytest.raises(PrivacyError) as info:
        load(prepared, lang="en")
    found = {(p.file, p.row, p.column, p.code) for p in info.value.problems}
    assert found == {
        ("prepared/residents.parquet", 1, "fornavn", "identifying_column"),
        ("prepared/relations.parquet", 4, "alter_id", "cpr_number"),
    }
    assert not any("010190-1234" in str(p.value) for p in info.value.problems)

    out = tmp_path / "run"
    result = cli("report", prepared, "--out", out, "--no-progress")
    assert result.exit_code == 2, result.output
    assert "010190-1234" not in result.output and "fornavn" in result.output
    assert not out.exists()


def test_a_planted_pseudonym_is_always_found_and_never_repeated(tmp_path_factory) -> None:
    """Property: wherever a pseudonym stands in a published text or table cell (alone, in a
    sentence, before a full stop, joined by '-' or '_'), the audit finds it, and no finding
    repeats it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from analyse.run.audit import audit_files

    pseudonym = st.from_regex(
        r"[A-Z][0-9]{2,5}|A[0-9][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{4}", fullmatch=True
    )
    context = st.sampled_from(["{}", "Borger {} sagde nej.", "({})", "{}.", "{}-netværk", "x_{}"])
    kind = st.sampled_from(["html", "csv"])

    @settings(max_examples=60, deadline=None)
    @given(pseudonym, context, kind)
    def check(name: str, where: str, suffix: str) -> None:
        folder = tmp_path_factory.mktemp("p")
        text = where.format(name)
        path = folder / f"r.{suffix}"
        if suffix == "html":
            path.write_text(f"<p>{text}</p>", encoding="utf-8")
        else:
            path.write_text(f"Mål;Note\nEnsomhed;{text}\n", encoding="utf-8")
        findings = audit_files([path], folder, {name, "B999999"}, 5)
        assert len(findings) == 1 and "pseudonym" in findings[0]
        assert name not in findings[0]

    check()


def test_a_failed_reports_error_reaches_the_index_without_pseudonyms(
    tmp_path: Path, tables
) -> None:
    """A failing report's error ("KeyError: 'B104'") is printed in the steering index."""
    from analyse.run.audit import enforce
    from analyse.run.batch import write_index

    run = tmp_path / "run"
    jobs = _fake_run(run)
    jobs[0].status, jobs[0].error = "failed", "cell 3: KeyError: 'B104' near 010190-1234"
    enforce(run, _dataset(tables), jobs, min_cell=5)
    assert jobs[0].status == "failed"
    assert jobs[0].error == "cell 3: KeyError: 'B***' near ######-####"
    assert jobs[1].status == "withheld" and jobs[1].error.startswith("Tilbageholdt af revisionen")
    write_index(run, jobs, lang="da", audience="steering", audit=[])
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "B104" not in index and "010190" not in index
    # the index says in words that the report could not be made, never the error itself
    assert "KeyError" not in index and "kunne ikke laves" in index


def test_audit_of_a_steering_run_asks_for_its_data_and_checks_it(
    tmp_path: Path, big_enough, cli
) -> None:
    """A steering run.json names its inputs by hash only (a file name may name a person), so the
    audit asks for --data, and refuses data whose files are not the run's."""
    from conftest import write_dialect

    data = write_dialect(big_enough, tmp_path / "data", "da-semicolon-bom")
    nbs = _notebooks(tmp_path / "nbs", fail_h2=False)
    out = tmp_path / "run"
    run_report(data, out, audience="steering", workers=1, notebooks_dir=nbs, progress=False)
    result = cli("audit", out)
    assert result.exit_code == 2 and "--data" in result.output
    assert "Traceback" not in result.output
    other = write_dialect(big_enough, tmp_path / "other", "en-comma-utf8")
    result = cli("audit", out, "--data", other)
    assert result.exit_code == 2 and "SHA-256" in result.output
    assert cli("audit", out, "--data", data).exit_code == 0
