"""Across runs (issue 23): what earlier runs into the same reports folder published is known.

Adding one late resident and running again would give that resident's numbers by
subtracting the two runs' published counts. The publication record refuses such a run
(one clear line, exit 2), as it refuses a tampered or unreadable record.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyse.errors import ConfigError
from analyse.privacy.releases import RECORD_NAME, check_and_record, fingerprint, record_path

GROUPS = {
    ("residents", "H1"): [f"B{i:03d}" for i in range(12)],
    ("wave", "H1", "pre"): [f"B{i:03d}" for i in range(10)],
    ("residents", "__total__"): [f"B{i:03d}" for i in range(30)],
}


def test_a_first_run_is_recorded_without_pseudonyms(tmp_path: Path) -> None:
    path = check_and_record(tmp_path / "reports" / "run1", GROUPS)
    assert path == tmp_path / "reports" / RECORD_NAME
    text = path.read_text(encoding="utf-8")
    assert "B001" not in text and "B000" not in text
    body = json.loads(text)["record"]
    assert body["groups"][json.dumps(["residents", "H1"])]["n"] == 12


def test_the_same_data_again_is_allowed(tmp_path: Path) -> None:
    check_and_record(tmp_path / "r" / "run1", GROUPS)
    check_and_record(tmp_path / "r" / "run2", GROUPS)  # a re-run, other parameters
    more = {**GROUPS, ("residents", "H9"): [f"C{i:03d}" for i in range(8)]}
    check_and_record(tmp_path / "r" / "run3", more)  # a new site: added, not refused


def test_one_late_resident_is_refused_in_danish(tmp_path: Path) -> None:
    check_and_record(tmp_path / "r" / "run1", GROUPS)
    late = {k: [*v, "B999"] if k[:2] == ("residents", "H1") else v for k, v in GROUPS.items()}
    with pytest.raises(ConfigError, match="ny udgivelse bevidst") as err:
        check_and_record(tmp_path / "r" / "run2", late)
    assert "\n" not in str(err.value)
    assert "B999" not in str(err.value)
    # a new reports folder is a new release, deliberately
    check_and_record(tmp_path / "ny" / "run2", late)


@pytest.mark.parametrize("damage", ["edit", "cut", "garbage"])
def test_a_tampered_or_unreadable_record_is_refused(tmp_path: Path, damage: str) -> None:
    path = check_and_record(tmp_path / "r" / "run1", GROUPS)
    data = json.loads(path.read_text(encoding="utf-8"))
    if damage == "edit":
        name = json.dumps(["residents", "H1"])
        data["record"]["groups"][name]["fingerprint"] = fingerprint("x", ["B000"])
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "cut":
        path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")
    else:
        path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="Publiceringsregistret"):
        check_and_record(tmp_path / "r" / "run2", GROUPS)


def test_run_report_refuses_a_changed_data_set_before_writing(tmp_path: Path) -> None:
    """The whole command: a second steering run with one resident more is refused, exit 2
    through the CLI's ConfigError, and its run folder is not created."""
    import shutil

    from analyse.run.batch import run_report

    def fake_runner(job, out_dir):
        name = f"{job.name}.html"
        (out_dir / name).write_text(f"<p>{job.name}</p>", encoding="utf-8")
        job.status, job.files = "ok", [name]
        return job

    demo = Path(__file__).resolve().parents[1] / "data" / "raw" / "demo"
    data = tmp_path / "data"
    shutil.copytree(demo, data)
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    kw = dict(progress=False, runner=fake_runner, workers=1, notebooks_dir=nbs)
    run_report(data, tmp_path / "reports" / "a", **kw)
    assert record_path(tmp_path / "reports" / "a").exists()
    run_report(data, tmp_path / "reports" / "again", **kw)  # the same data: allowed
    late = tmp_path / "late"
    shutil.copytree(data, late)
    lines = (late / "borgere.csv").read_text(encoding="utf-8").splitlines()
    sep = ";" if ";" in lines[0] else ","
    first = lines[1].split(sep)
    lines.append(sep.join(["B9999", *first[1:]]))
    (late / "borgere.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="ny udgivelse bevidst"):
        run_report(late, tmp_path / "reports" / "b", **kw)
    assert not (tmp_path / "reports" / "b").exists()
