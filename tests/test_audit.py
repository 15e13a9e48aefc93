"""The audit finds pseudonyms, small counts and CPR numbers in a run's published files."""

from __future__ import annotations

from pathlib import Path

from analyse.batch import run_report
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
    assert cli("audit", out).exit_code == 0

    html = out / "H2.html"
    html.write_text(
        html.read_text(encoding="utf-8").replace("</body>", "<p>B104</p></body>"), encoding="utf-8"
    )
    result = cli("audit", out)
    assert result.exit_code == 1
    assert "H2.html" in result.output and "B104" in result.output


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
    result = cli("audit", out)
    assert result.exit_code == 1
    assert "count 3 below 5" in result.output
    assert "2 af 12 borgere" in result.output
    assert "CPR" in result.output


def test_audit_reads_thousands_separators_as_reports_print_them(tmp_path: Path) -> None:
    """National runs print 3.927 (Danish) or 3,927 (English): a count of 3927, not 3.9.
    Found on a 2,000-site run, whose overview the audit refused for counts it misread."""
    from analyse.audit import audit_files

    (tmp_path / "big.csv").write_text(
        "Mål;Antal borgere;Gns. før\nEnsomhed;3.927;6,2\nTilfredshed;4,065;3,1\n", encoding="utf-8"
    )
    (tmp_path / "small.csv").write_text("Mål;Antal borgere\nEnsomhed;3\nAndet;<5\n", encoding="utf-8")
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
