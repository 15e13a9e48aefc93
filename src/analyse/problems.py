"""A problem found in a user's data: where it is and which rule it breaks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is built: the CLI starts without it
    import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One problem in the data, located as the user sees it.

    Parameters
    ----------
    file
        The file (or ``workbook.xlsx:sheet``) as the user named it.
    row
        The row a user sees in Excel or a text editor (header = row 1); ``None`` when the
        problem concerns the whole file or a whole column.
    column
        The column header as it is written in the file; ``None`` for a whole file.
    value
        The offending value as written (masked when it could identify a person).
    rule
        The rule that is broken, as a sentence in the language asked for.
    code
        A stable machine-readable key of the rule (``unknown_code``, ``cpr_number`` ...), for tests
        and for scripts that sort problems.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    code: str = field(default="", compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "code": self.code,
        }


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """The problems as a table sorted by file, row and column."""
    import pandas as pd

    frame = pd.DataFrame(
        [p.as_dict() for p in problems],
        columns=["file", "row", "column", "value", "rule", "code"],
    )
    if frame.empty:
        return frame
    frame["row"] = frame["row"].astype("Int64")
    return frame.sort_values(
        ["file", "row", "column"], na_position="first", kind="stable"
    ).reset_index(drop=True)
