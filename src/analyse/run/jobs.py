"""The jobs of a run: one notebook execution each, and the run's result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from analyse.outputs import (
    file_stem,
)


@dataclass
class Job:
    """One notebook execution of a run."""

    name: str  # site code, or "samlet" for the overview
    notebook: Path
    parameters: dict[str, object]
    status: Literal["pending", "ok", "failed", "withheld"] = "pending"
    seconds: float = 0.0
    error: str | None = None
    files: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    out: Path
    jobs: list[Job]
    audit_findings: list[str]

    @property
    def ok(self) -> bool:
        return all(j.status == "ok" for j in self.jobs) and not self.audit_findings


OVERVIEW = "samlet"


def _safe_name(name: str) -> str:
    """The file name (no extension) of a report or table: :func:`analyse.outputs.file_stem`,
    except the overview's own name ``samlet``."""
    return OVERVIEW if name == OVERVIEW else file_stem(name)
