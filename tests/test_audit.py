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
