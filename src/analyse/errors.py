"""The exception hierarchy of the package.

The command line catches :class:`AnalyseError` and its subclasses and prints them as a
readable message or problem table; anything else is a bug (traceback only with ``--debug``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from analyse.problems import Problem


class AnalyseError(Exception):
    """Base class of every error the package raises on purpose."""


class DataError(AnalyseError):
    """The data set breaks the data contract; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__(message or f"{n} problem{'s' if n != 1 else ''} in the data set")

    def __str__(self) -> str:
        head = super().__str__()
        lines = [
            f"  {p.file}, row {p.row}, column {p.column!r}, value {p.value!r}: {p.rule}"
            for p in self.problems[:20]
        ]
        more = len(self.problems) - 20
        if more > 0:
            lines.append(f"  ... and {more} more")
        return "\n".join([head, *lines])


class PrivacyError(DataError):
    """The data set (or an output) could identify a person; ``problems`` says where."""


class ConfigError(AnalyseError, ValueError):
    """An argument, parameter or configuration value is not one the function accepts."""
