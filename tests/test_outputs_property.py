"""Issue 17's property: no command, given any ``--out`` inside a temporary tree holding user
files, deletes or changes a file it did not create (the tree is hashed before and after)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from analyse.cli import app
from analyse.data.io import write_dataset
from analyse.errors import AnalyseError
from conftest import small_tables
from test_outputs import report, tree_hashes, unchanged

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "tests" / "data" / "networkcanvas" / "export"
MAPPING = ROOT / "examples" / "networkcanvas-mapping.toml"
KEY = "test-key-0123456789abcdef"

#: Places ``--out`` may name, relative to the tree (files, folders, new paths, the data).
OUTS = [
    ".",
    "notes.txt",
    "a",
    "a/b",
    "a/b/c.txt",
    "a/new",
    "a/new/deeper",
    "new",
    "data",
    "data/borgere.csv",
    "data/reports",
    "export",
    "export/new",
    "skabelon.xlsx",
    "docs",
    "run",
]
COMMANDS = ["prepare", "demo-data", "template", "codebook", "import-networkcanvas", "report"]


def user_tree(root: Path, data: Path) -> None:
    """A user's files: notes, nested folders, a workbook, a data set, an export, docs."""
    (root / "notes.txt").write_text("my notes", encoding="utf-8")
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "c.txt").write_text("deep", encoding="utf-8")
    (root / "skabelon.xlsx").write_bytes(b"a filled-in workbook")
    (root / "docs").mkdir()
    (root / "docs" / "codebook.md").write_text("written by hand", encoding="utf-8")
    shutil.copytree(data, root / "data")
    shutil.copytree(EXPORT, root / "export")


def run_command(command: str, out: str, root: Path, flag: bool) -> int:
    """Run ``command`` with ``--out`` ``out`` (relative to the tree, which is the working
    folder); the exit code."""
    args: list[str]
    if command == "prepare":
        args = ["prepare", "data", "--out", out]
    elif command == "demo-data":
        args = ["demo-data", out, "--sites", "3"]
    elif command == "template":
        args = ["template", out if out.endswith(".xlsx") else f"{out}.xlsx"]
        args += ["--overwrite"] if flag and out != "skabelon.xlsx" else []
    elif command == "codebook":
        args = ["codebook", "--out", out]
    elif command == "import-networkcanvas":
        args = ["import-networkcanvas", "export", "--mapping", str(MAPPING), "--out", out]
        args += ["--key", KEY]
    else:
        try:
            report(root / "data", root / out, sites=["H1"])
        except AnalyseError:
            return 2
        return 0
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    return result.exit_code


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    commands=st.lists(
        st.tuples(st.sampled_from(COMMANDS), st.sampled_from(OUTS), st.booleans()),
        min_size=1,
        max_size=3,
    )
)
def test_no_command_deletes_or_changes_a_file_it_did_not_create(
    tmp_path_factory, commands
) -> None:
    base = tmp_path_factory.mktemp("property")
    data = base / "source"
    write_dataset(small_tables(), data, style="da")
    root = base / "tree"
    root.mkdir()
    user_tree(root, data)
    before = tree_hashes(root)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for command, out, flag in commands:
            run_command(command, out, root, flag)
    finally:
        os.chdir(cwd)
    after = tree_hashes(root)
    changed = sorted(k for k, v in before.items() if after.get(k) != v)
    assert changed == [], f"{commands} changed or deleted {changed}"
    assert unchanged(before, after)
    temporary = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if any(tag in p.name for tag in ("naere-tmp-", "naere-old-", ".lock"))
    ]
    assert temporary == [], f"{commands} left {temporary}"
    assert not [p for p in Path(tempfile.gettempdir()).glob("analyse-data-*") if _mine(p)]
    shutil.rmtree(base, ignore_errors=True)


def _mine(folder: Path) -> bool:
    owner = folder / "owner.pid"
    return owner.exists() and owner.read_text().strip() == str(os.getpid())
