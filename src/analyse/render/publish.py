"""Publishing tables from a report notebook so the batch can collect them.

A report notebook shows each table with :func:`show_table`. The output carries the table
twice: as escaped HTML for the reader, and as JSON under a private MIME type that the batch
(:mod:`analyse.run.batch`) reads back from the executed notebook to write the report's CSV and
XLSX files. The notebook itself writes no files.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pandas as pd

from analyse.privacy.gate import RELEASED, is_released

#: The MIME type under which a published table travels inside an executed notebook.
TABLE_MIME = "application/vnd.naere-relationer.table+json"


def table_html(frame: pd.DataFrame, *, title: str | None = None, note: str | None = None) -> str:
    """The table as HTML; every header and cell is escaped (free text is data, never markup)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td>{html.escape('' if _isna(v) else str(v))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{html.escape(title)}</caption>" if title else ""
    foot = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
    return (
        f'<table class="nr-table">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{foot}"
    )


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def table_bundle(
    frame: pd.DataFrame,
    name: str,
    *,
    title: str | None = None,
    note: str | None = None,
    steering: bool = False,
) -> dict[str, Any]:
    """The display bundle of a published table (HTML for people, JSON for the batch).

    With ``steering=True`` (a steering-group report) the frame must have been released by the
    privacy gate (:func:`analyse.privacy.gate.is_released`: built by
    :meth:`~analyse.privacy.gate.SuppressedTable.display` or declared with
    :func:`analyse.privacy.gate.release`); any other frame is refused with a
    :class:`~analyse.errors.PrivacyError` that names the table, before anything is shown.
    """
    if steering:
        check_released(frame, name)
    payload = {
        "name": name,
        "title": title,
        "note": note,
        # the batch exports a steering report's table only with the gate's release mark
        "released": is_released(frame),
        "columns": [str(c) for c in frame.columns],
        "data": [
            [
                None if _isna(v) else (v if isinstance(v, int | float | str | bool) else str(v))
                for v in row
            ]
            for row in frame.itertuples(index=False)
        ],
    }
    return {
        "text/html": table_html(frame, title=title, note=note),
        "text/plain": frame.to_string(index=False),
        TABLE_MIME: json.loads(json.dumps(payload, default=str)),
    }


def show_table(
    frame: pd.DataFrame,
    name: str,
    *,
    title: str | None = None,
    note: str | None = None,
    steering: bool = False,
) -> None:
    """Display a table in a notebook and publish it for the batch's CSV/XLSX export
    (``steering``: only a table the privacy gate released, see :func:`table_bundle`)."""
    from IPython.display import display

    display(table_bundle(frame, name, title=title, note=note, steering=steering), raw=True)


def check_released(frame: pd.DataFrame, name: str) -> None:
    """Refuse, loudly and naming it, a table the privacy gate did not release.

    Raises
    ------
    PrivacyError
        When ``frame`` carries no release mark of :mod:`analyse.privacy.gate`.
    """
    from analyse.errors import PrivacyError

    if not is_released(frame):
        raise PrivacyError(
            [],
            f"Tabellen {name!r} er ikke frigivet af privatlivsporten og kan ikke offentliggøres i "
            f"en rapport til styregruppen / table {name!r} was not released by the privacy gate "
            "and cannot be published in a steering report (build it from "
            "analyse.privacy.gate's output or declare it with analyse.privacy.gate.release).",
        )


def collected_tables(nb: Any) -> list[tuple[str, pd.DataFrame]]:
    """The tables a notebook published, in order, from an executed notebook node.

    Each frame's ``attrs`` hold the table's ``title`` and ``note`` (the footnote that explains
    its markers), for the spreadsheet export, and the privacy gate's release mark when the
    gate had released it as it was shown (:func:`analyse.privacy.gate.is_released`).
    """
    tables: list[tuple[str, pd.DataFrame]] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if TABLE_MIME in data:
                payload = data[TABLE_MIME]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                frame = pd.DataFrame(payload["data"], columns=payload["columns"])
                frame.attrs["title"] = payload.get("title")
                frame.attrs["note"] = payload.get("note")
                if payload.get("released") is True:  # released by the gate when shown
                    frame.attrs[RELEASED] = True
                tables.append((payload["name"], frame))
    return tables
