"""environment.yml (conda users) agrees with pyproject.toml (the source of truth)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _normalise(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement)
    assert m, requirement
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    spec = ",".join(sorted(part.strip() for part in m.group(2).split(",") if part.strip()))
    return name, spec


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extras = data["project"]["optional-dependencies"]
    reqs = data["project"]["dependencies"] + [r for group in extras.values() for r in group]
    return dict(_normalise(r) for r in reqs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep.get("pip", []):
                if not pip_dep.startswith("-e"):
                    name, spec = _normalise(pip_dep)
                    out[name] = spec
        elif not dep.startswith(("python", "pip")) or dep.startswith("pip-"):
            name, spec = _normalise(dep)
            out[name] = spec
    return out


def test_environment_yml_lists_the_same_packages_and_versions() -> None:
    py, env = _pyproject(), _environment()
    assert set(env) == set(py), (
        f"only in pyproject: {set(py) - set(env)}; only in environment.yml: {set(env) - set(py)}"
    )
    for name, spec in py.items():
        assert env[name] == spec, f"{name}: pyproject {spec!r} vs environment.yml {env[name]!r}"


def test_environment_yml_installs_the_package_itself() -> None:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "-e ." in text


def test_environment_yml_python_agrees_with_requires_python() -> None:
    """conda gets the same range of Pythons as pip (``requires-python``)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and re.match(r"python\b", d)]
    assert pythons == ["python" + data["project"]["requires-python"]]


def test_every_package_the_code_imports_is_declared() -> None:
    """Honest dependencies (issue 22): each third-party module that src/analyse imports — at
    the top or inside a function — comes from a distribution pyproject.toml declares."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    declared = set(_pyproject())
    provided = packages_distributions()
    missing: dict[str, set[str]] = {}
    for path in sorted((ROOT / "src" / "analyse").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top == "analyse" or top in sys.stdlib_module_names or top == "__future__":
                    continue
                names = {re.sub(r"[-_.]+", "-", d).lower() for d in provided.get(top, [top])}
                if not names & declared:
                    missing.setdefault(top, set()).add(path.name)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
