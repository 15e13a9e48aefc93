"""The report batch: one papermill execution per botilbud plus the overview, in parallel.

``analyse report DATA --out reports/RUN`` validates first (bad data: the problem table,
nothing written), prepares the data once into a private temporary folder, then executes
``notebooks/botilbud-rapport.ipynb`` once per site and ``notebooks/samlet-rapport.ipynb``
once, ``workers`` at a time, with one progress bar. Each executed notebook becomes a
self-contained HTML file without input cells; the tables it published
(:func:`analyse.render.publish.show_table`) are written as CSV files and one XLSX workbook.
Before the reports start, the results every report shares (the suppressed families of all
sites and the overview, so that no hidden number can be recovered by subtraction across
reports; the indicators ...) are computed once and stored beside the prepared data, one slice
per report with its own tables and its own site's rows
(:func:`analyse.report.shared.write_shared_cache`); a report's cost therefore does not grow with the
number of sites. ``index.html`` links everything and ``run.json`` records the parameters, the SHA-256 of every
input file, package versions, the git commit and timings. The run is written to a temporary
folder and moved into place, so a crashed run leaves no half-written report folder; ``out``
must be new, empty or an earlier report run (:mod:`analyse.outputs`), checked before any work.
Report files are named by :func:`analyse.outputs.file_stem`. Stopped by Ctrl-C or SIGTERM
(the CLI), the run kills its report processes and removes its temporary folders; the report
processes also end by themselves when the run's process is killed (:func:`die_with_parent`). A site
that fails is logged, and all of its files (its half-written HTML, tables and executed notebook)
are moved into the consultant-only folder ``tilbageholdt/`` with its error
(:func:`analyse.run.audit.withhold_failed`): index.html says in plain words that the report could
not be made and what to do; the others complete; the exit code is non-zero.

``scheduler`` chooses where the reports run: ``"local"`` (default) is a pool of processes on
this machine; ``"processes"`` starts a :class:`distributed.LocalCluster` for the run; a
``"tcp://HOST:PORT"`` address submits the reports to an existing Dask scheduler
(``dask scheduler`` / ``dask worker``, see ``docs/dask.md``). With Dask, one task per report
is submitted; the prepared data and the notebooks are shipped to the workers, every report
still runs in a fresh process (never in the long-lived worker process itself, so no state
survives from one site's report to the next), and each task returns the bytes of the files it
produced, which this process writes into the run folder. A remote cluster therefore needs no
shared filesystem.
"""

from __future__ import annotations

import atexit
import hashlib
import html
import json
import logging
import os
import pickle
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

import nbformat
import numpy as np
import pandas as pd

from analyse.config import (
    DEFAULT_MIN_CELL,
    DEFAULT_SEED,
    NOTEBOOKS_DIR,
    PROJECT_DIR,
    Audience,
    check_min_cell,
)
from analyse.data.dataset import natural_key
from analyse.data.prepare import is_prepared, load, write_prepared
from analyse.errors import ConfigError
from analyse.outputs import (
    RESERVED,
    check_out,
    distinct_stems,
    output_folder,
    remove_folder,
)
from analyse.render.publish import check_released, collected_tables
from analyse.run.export import html_exporter
from analyse.run.jobs import OVERVIEW, Job, RunResult, _safe_name

log = logging.getLogger(__name__)

SITE_NOTEBOOK = "botilbud-rapport.ipynb"
OVERVIEW_NOTEBOOK = "samlet-rapport.ipynb"
PACKAGES = (
    "naere-relationer",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "pingouin",
    "seaborn",
    "matplotlib",
    "pandera",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "openpyxl",
    "krippendorff",
    "babel",
)








def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def git_commit() -> str | None:
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return proc.stdout.strip() + ("-dirty" if dirty else "")


Engine = Literal["inprocess", "kernel"]

#: ``"local"``, ``"processes"`` or the address of a Dask scheduler (``"tcp://HOST:PORT"``).
Scheduler = str
SCHEDULERS = ("local", "processes")
_ADDRESS = re.compile(r"^(tcp|tls)://\S+$")
#: How long to wait for an existing Dask scheduler to answer.
CONNECT_TIMEOUT = "10s"


def check_scheduler(scheduler: object) -> str:
    """``"local"``, ``"processes"`` or a ``tcp://HOST:PORT`` address; else :class:`ConfigError`."""
    if isinstance(scheduler, str) and (scheduler in SCHEDULERS or _ADDRESS.match(scheduler)):
        return scheduler
    raise ConfigError(
        f"scheduler must be 'local', 'processes' or the address of a Dask scheduler such as "
        f"'tcp://10.0.0.5:8786' (got {scheduler!r}). Use --scheduler local to run on this "
        "machine, or start a scheduler with 'dask scheduler' and pass the address it prints."
    )


def execute(
    job: Job, out_dir: Path, *, engine: Engine = "kernel", kernel_name: str = "python3"
) -> Job:
    """Execute one notebook with papermill and export it; never raises for a failing notebook.

    ``engine="kernel"`` starts a Jupyter kernel (papermill's default engine);
    ``"inprocess"`` runs the cells in this process (:mod:`analyse.run.engine`), which the batch
    uses inside a fresh process forked from a warm one.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    engine_name = None
    if engine == "inprocess":
        from analyse.run.engine import register

        engine_name = register()

    executed = out_dir / "notebooks" / f"{_safe_name(job.name)}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    nb = None
    try:
        nb = pm.execute_notebook(
            str(job.notebook),
            str(executed),
            parameters=job.parameters,
            cwd=str(job.notebook.parent),
            kernel_name=kernel_name,
            engine_name=engine_name,
            progress_bar=False,
            log_output=False,
            # A kernel's notebook is saved after every cell, so that its progress shows while
            # it runs; an in-process report takes seconds, and ~20 writes (each validating
            # the whole notebook) were pure cost: papermill writes it once at the end, a
            # failing cell included.
            request_save_on_cell_execute=engine != "inprocess",
        )
        job.status = "ok"
    except PapermillExecutionError as err:
        job.status = "failed"
        job.error = f"cell {err.exec_count}: {err.ename}: {err.evalue}"
    except Exception as err:  # the kernel died, the notebook is missing ...
        job.status = "failed"
        job.error = f"{type(err).__name__}: {err}"
        log.debug("job %s failed\n%s", job.name, traceback.format_exc())
    if executed.exists():
        try:
            scrub_paths(executed, job.parameters)
            job.files += export(
                executed,
                out_dir,
                job.name,
                lang=str(job.parameters.get("lang", "da")),
                nb=nb,
                steering=job.parameters.get("audience", "steering") == "steering",
            )
        except Exception as err:  # pragma: no cover - export of a broken notebook
            job.status = "failed"
            job.error = (job.error or "") + f"; export: {type(err).__name__}: {err}"
    job.seconds = time.perf_counter() - t0
    return job


def scrub_paths(executed: Path, parameters: dict[str, object]) -> None:
    """Remove this machine's paths from an executed notebook, which is published as the run
    record: papermill's ``input_path``/``output_path`` keep their file names, and the data
    set's path (a private temporary folder) is written as its folder name, in the recorded
    parameters and in the injected-parameters cell."""
    nb = nbformat.read(executed, as_version=4)
    record = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if isinstance(record.get(key), str):
            record[key] = Path(record[key]).name
    dataset = parameters.get("dataset")
    if isinstance(dataset, str) and dataset:
        shown = Path(dataset).name
        recorded = record.get("parameters", {})
        if recorded.get("dataset") == dataset:
            recorded["dataset"] = shown
        for cell in nb.cells:
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.source = cell.source.replace(dataset, shown)
    nbformat.write(nb, executed)






def export(
    executed: Path,
    out_dir: Path,
    name: str,
    *,
    lang: str = "da",
    nb=None,
    steering: bool = False,
) -> list[str]:
    """HTML without inputs (images embedded), plus the published tables as CSV and XLSX.

    ``nb``: the executed notebook as papermill returned it (the file ``executed`` holds the
    same), so that it is not read back; ``None`` reads ``executed``. ``steering``: a steering
    report, whose every table must carry the privacy gate's release mark; one that does not
    stops the export before any file is written (the report is then withheld).

    Raises
    ------
    PrivacyError
        A steering report published a table the gate did not release.
    """
    if nb is None:
        nb = nbformat.read(executed, as_version=4)
    tables = collected_tables(nb)
    if steering:
        for table_name, frame in tables:
            check_released(frame, table_name)
    exporter = html_exporter()
    if name == OVERVIEW:
        title = "Nære relationer – samlet rapport" if lang == "da" else "Nære relationer – overview"
    else:
        title = (
            f"Nære relationer – botilbud {name}"
            if lang == "da"
            else f"Nære relationer – site {name}"
        )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = self_contained(body, lang=lang)
    files = []
    html_path = out_dir / f"{_safe_name(name)}.html"
    html_path.write_text(body, encoding="utf-8")
    files.append(html_path.name)
    if tables:
        files += _write_tables(tables, out_dir, name, lang=lang)
    return files


def _write_tables(
    tables: list[tuple[str, pd.DataFrame]], out_dir: Path, name: str, *, lang: str
) -> list[str]:
    """Each published table as a CSV file, and all of them as sheets of one XLSX workbook."""
    from openpyxl import Workbook

    files = []
    table_dir = out_dir / "tabeller" / _safe_name(name)
    table_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table_name, frame in tables:
        safe = _safe_name(table_name)
        sheet_table = spreadsheet_table(frame, lang=lang)
        csv_path = table_dir / f"{safe}.csv"
        csv_table(sheet_table).to_csv(csv_path, sep=";", index=False, encoding="utf-8-sig")
        files.append(str(csv_path.relative_to(out_dir)))
        sheet = safe[:31]
        while sheet in used:
            sheet = sheet[:28] + f"_{len(used)}"
        used.add(sheet)
        _fill_sheet(wb.create_sheet(sheet), sheet_table)
    xlsx_path = out_dir / "tabeller" / f"{_safe_name(name)}.xlsx"
    wb.save(xlsx_path)
    files.append(str(xlsx_path.relative_to(out_dir)))
    return files


@dataclass
class SheetTable:
    """A published table ready for a spreadsheet: typed cells and their number formats.

    ``values``: numbers as ``int``/``float`` (a share as a proportion), text as ``str``
    (neutralised against formulas), missing as ``None``; ``formats``: the Excel number format
    of each numeric cell (``None`` for text); ``decimals``: digits after the decimal sign as
    the report shows them; ``percent``: cells shown as percentages. A note column is added
    when a row holds a hidden or interval cell.
    """

    values: pd.DataFrame
    formats: pd.DataFrame
    decimals: pd.DataFrame
    percent: pd.DataFrame


_NUMBER_PATTERNS = {
    "da": re.compile(r"^([-\u2212]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$"),
    "en": re.compile(r"^([-\u2212]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$"),
}
_PERCENT = re.compile(r"^(.*?)[\s\u00a0\u202f]?%$")
#: Cells that say "no value" in a report (the text module's MISSING and empty).
_MISSING_TEXT = ("", "–", "-")
_SMALL_MARKER = re.compile(r"^<\s?\d+$")


def spreadsheet_number(cell: object, *, lang: str = "da") -> tuple[float | int, int, bool] | None:
    """A number as a report shows it, read back: ``(value, decimals, is_percent)`` or None.

    >>> spreadsheet_number("1.234,5"), spreadsheet_number("-1,0"), spreadsheet_number("25\u00a0%")
    ((1234.5, 1, False), (-1.0, 1, False), (0.25, 0, True))
    >>> spreadsheet_number("<5") is None, spreadsheet_number("3,927", lang="en")
    (True, (3927, 0, False))
    """
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, int | float):
        if isinstance(cell, float) and not np.isfinite(cell):
            return None
        return cell, (0 if isinstance(cell, int) else 2), False
    raw = str(cell).strip()
    percent = _PERCENT.match(raw)
    body = percent.group(1).strip() if percent else raw
    m = _NUMBER_PATTERNS["da" if lang == "da" else "en"].match(body)
    if not m:
        return None
    sign, whole, frac = m.groups()
    digits = re.sub(r"\D", "", whole)
    decimals = len(frac) if frac else 0
    value: float | int = int(digits) if not frac else float(f"{digits}.{frac}")
    if sign:
        value = -value
    if percent:
        return round(float(value) / 100, decimals + 2), decimals, True
    return value, decimals, False


def spreadsheet_table(frame: pd.DataFrame, *, lang: str = "da") -> SheetTable:
    """Type a published table's cells for Excel: numbers as numbers, markers as text.

    A cell that reads as a number (Danish or English as ``lang`` writes them) becomes the
    number; ``–`` and empty become missing; anything else in a column of numbers (``<5``, an
    interval) stays text as shown, and its row gets a note (the table's footnote, from
    ``frame.attrs["note"]``). Formula neutralisation (:func:`neutralise_cell`) applies to
    text cells only, never to numbers.
    """
    values, formats, decimals, percent = {}, {}, {}, {}
    marked = np.zeros(len(frame), dtype=bool)
    for col in frame.columns:
        parsed = [spreadsheet_number(v, lang=lang) for v in frame[col]]
        numeric_column = any(p is not None for p in parsed)
        col_values, col_formats, col_dec, col_pct = [], [], [], []
        for i, (cell, p) in enumerate(zip(frame[col], parsed, strict=True)):
            if p is not None:
                value, d, pct = p
                col_values.append(value)
                col_formats.append(_number_format(d, pct))
                col_dec.append(d)
                col_pct.append(pct)
                continue
            text_cell = "" if cell is None else str(cell)
            if text_cell.strip() in _MISSING_TEXT:
                col_values.append(None)
            else:
                col_values.append(neutralise_cell(text_cell))
                if numeric_column or _SMALL_MARKER.match(text_cell.strip()):
                    marked[i] = True
            col_formats.append(None)
            col_dec.append(0)
            col_pct.append(False)
        values[col], formats[col], decimals[col], percent[col] = (
            col_values,
            col_formats,
            col_dec,
            col_pct,
        )
    out = SheetTable(
        pd.DataFrame(values, columns=frame.columns, dtype=object),
        pd.DataFrame(formats, columns=frame.columns, dtype=object),
        pd.DataFrame(decimals, columns=frame.columns),
        pd.DataFrame(percent, columns=frame.columns),
    )
    if marked.any():
        note = frame.attrs.get("note") or (
            "Skjult eller kun vist som interval, så ingen kan genkendes."
            if lang == "da"
            else "Hidden or shown as an interval only, so that no one can be recognised."
        )
        header = "Note" if lang != "da" else "Bemærkning"
        note_cells = [neutralise_cell(note) if m else None for m in marked]
        out.values[header] = pd.Series(note_cells, index=out.values.index, dtype=object)
        out.formats[header] = None
        out.decimals[header] = 0
        out.percent[header] = False
    return out


def _number_format(decimals: int, percent: bool) -> str:
    places = "." + "0" * decimals if decimals else ""
    return f"0{places}%" if percent else f"#,##0{places}"


def csv_table(table: SheetTable) -> pd.DataFrame:
    """The CSV cells: numbers with a decimal comma and no thousands separator, no apostrophe.

    Percentages are written as shown (``25 %``), which Danish Excel reads as a number.
    """
    out = {}
    for col in table.values.columns:
        cells = []
        for v, d, pct in zip(
            table.values[col], table.decimals[col], table.percent[col], strict=True
        ):
            if _empty(v):
                cells.append("")
            elif isinstance(v, str):
                cells.append(v)
            elif pct:
                cells.append(f"{v * 100:.{d}f}".replace(".", ",") + " %")
            else:
                cells.append(f"{v:.{d}f}".replace(".", ",") if isinstance(v, float) else str(v))
        out[col] = cells
    return pd.DataFrame(out, columns=table.values.columns)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and not np.isfinite(value))


def _fill_sheet(ws, table: SheetTable) -> None:
    from openpyxl.cell.cell import TYPE_STRING

    ws.append([neutralise_cell(str(c)) for c in table.values.columns])
    for r, row in enumerate(table.values.itertuples(index=False), start=2):
        for c, value in enumerate(row, start=1):
            if _empty(value):
                continue
            cell = ws.cell(row=r, column=c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # text is text: never read as a formula
            else:
                cell.number_format = table.formats.iat[r - 2, c - 1]
    for c, col in enumerate(table.values.columns, start=1):
        longest = max([len(str(col))] + [len(str(v)) for v in table.values[col] if not _empty(v)])
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = min(
            max(10, longest + 2), 60
        )


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Make a text cell safe for spreadsheets: a leading ``= + - @`` is prefixed with ``'``.

    Numbers stay numbers (a negative number is not a formula).

    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell(-2), neutralise_cell("-2"), neutralise_cell("tekst")
    ("'=HYPERLINK(1)", -2, "'-2", 'tekst')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)


REPORT_CSS = """
<style>
body { max-width: 62rem; margin: 0 auto; }
.jp-RenderedHTMLCommon table.nr-table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
.jp-RenderedHTMLCommon table.nr-table caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.jp-RenderedHTMLCommon table.nr-table th { background: #eef2f6; text-align: left; vertical-align: bottom; }
.jp-RenderedHTMLCommon table.nr-table td, .jp-RenderedHTMLCommon table.nr-table th { padding: .3rem .6rem; border-bottom: 1px solid #d8dee4; }
.jp-RenderedHTMLCommon table.nr-table tbody tr:nth-child(odd) { background: #fafbfc; }
.jp-RenderedHTMLCommon table.nr-table td:first-child { text-align: left; }
.table-note, .nr-note { color: #555; font-size: .9rem; }
.nr-warning { background: #fff4d6; border-left: 4px solid #e0a800; padding: .5rem .75rem; }
</style>
"""


def self_contained(body: str, *, lang: str = "da") -> str:
    """Drop remote scripts (require.js, MathJax) so the file works offline; set the language;
    add the report's table style."""
    body = _REMOTE_SCRIPT.sub("", body)
    body = re.sub(r"<html(?: lang=\"[a-z\-]*\")?", f'<html lang="{lang}"', body, count=1)
    body = body.replace("</head>", REPORT_CSS + "</head>", 1)
    return body


def _index_status(job: Job, *, da: bool) -> str:
    """What the index says of a report: OK, failed, withheld by the audit, or a site too small.

    A site report that published no table is one the privacy gate left without numbers
    (fewer than ``min_cell`` residents): its residents count in the overview, and the index
    says so instead of "OK".
    """
    if job.status == "withheld":
        return "Tilbageholdt" if da else "Withheld"
    if job.status != "ok":
        return "FEJLET – kunne ikke laves" if da else "FAILED – could not be made"
    has_tables = any(f.endswith((".xlsx", ".csv")) for f in job.files)
    if job.name != OVERVIEW and not has_tables:
        return (
            "For få borgere – indgår i den samlede rapport"
            if da
            else "Too few residents – included in the overview"
        )
    return "OK"


def _shown_text(share: Mapping | None, *, da: bool) -> str:
    """The index's words on how much of a report the privacy gate shows (issue 23)."""
    if not share or not share.get("cells"):
        return ""
    pct = round(100 * float(share["share"]))
    main = share.get("main_answer")
    if main is None:
        answer = ""
    elif da:
        answer = "; hovedsvaret (ændring i ensomhed) vises" if main else "; hovedsvaret er skjult"
    else:
        answer = "; main answer (change in loneliness) shown" if main else "; main answer hidden"
    return (
        f"<br><small>{pct} % af tabellernes tal vises{answer}</small>"
        if da
        else (f"<br><small>{pct} % of table numbers shown{answer}</small>")
    )


def write_index(
    out_dir: Path,
    jobs: Sequence[Job],
    *,
    lang: str,
    audience: str,
    audit: list[str],
    shares: Mapping[str, Mapping] | None = None,
) -> Path:
    da = lang == "da"
    rows = []
    for job in sorted(jobs, key=lambda j: (j.name != OVERVIEW, natural_key(j.name))):
        label = (
            ("Samlet rapport" if da else "Overview")
            if job.name == OVERVIEW
            else (f"Botilbud {job.name}" if da else f"Site {job.name}")
        )
        html_file = next((f for f in job.files if f.endswith(".html")), None)
        link = (
            f'<a href="{html.escape(html_file)}">{html.escape(label)}</a>'
            if html_file
            else html.escape(label)
        )
        tables = [f for f in job.files if f.endswith((".xlsx",))]
        tlinks = " ".join(
            f'<a href="{html.escape(t)}">{"tabeller (xlsx)" if da else "tables (xlsx)"}</a>'
            for t in tables
        )
        status = _index_status(job, da=da)
        css = "small" if job.status == "ok" and status != "OK" else job.status
        if job.status == "ok" and status == "OK":
            status += _shown_text(
                (shares or {}).get("all" if job.name == OVERVIEW else job.name), da=da
            )
        if job.status == "failed":  # plain words and what to do; the error is withheld
            from analyse.run.audit import failed_report_text

            err = f"<br><small>{html.escape(failed_report_text(job.name, lang=lang))}</small>"
        else:
            err = f"<br><small>{html.escape(job.error)}</small>" if job.error else ""
        rows.append(
            f'<tr class="{css}"><td>{link}</td><td>{tlinks}</td><td>{status}{err}</td></tr>'
        )
    title = "Nære relationer – rapporter" if da else "Nære relationer – reports"
    audience_text = {
        ("da", "steering"): "Til styregruppen: kun samlede tal, små grupper er skjult.",
        (
            "da",
            "consultant",
        ): "Til konsulenter: indeholder oplysninger på borgerniveau (pseudonymer). Må ikke deles.",
        ("en", "steering"): "For the steering group: aggregates only, small groups suppressed.",
        (
            "en",
            "consultant",
        ): "For consultants: holds resident-level information (pseudonyms). Do not share.",
    }[(lang, audience)]
    audit_html = ""
    if audit:
        items = "".join(f"<li>{html.escape(a)}</li>" for a in audit)
        audit_html = f'<div class="audit"><strong>{"Revision fejlede" if da else "Audit failed"}:</strong><ul>{items}</ul></div>'
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.5rem;text-align:left}}
tr.failed td{{background:#fde8e8}}tr.small td{{color:#555}}.audit{{background:#fde8e8;padding:1rem;margin:1rem 0}}
</style></head><body>
<h1>{title}</h1><p>{html.escape(audience_text)}</p>{audit_html}
<table><thead><tr><th>{"Rapport" if da else "Report"}</th><th>{"Tabeller" if da else "Tables"}</th><th>Status</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<p><small>{"Kørselsoplysninger" if da else "Run record"}: <a href="run.json">run.json</a></small></p>
</body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def run_report(
    data: Path,
    out: Path,
    *,
    sites: Sequence[str] | Literal["all"] = "all",
    audience: Audience = "steering",
    lang: Literal["da", "en"] = "da",
    workers: int = 2,
    min_cell: int = DEFAULT_MIN_CELL,
    seed: int = DEFAULT_SEED,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    progress: bool = True,
    engine: Engine = "inprocess",
    runner: Callable[[Job, Path], Job] | None = None,
    scheduler: Scheduler = "local",
    primary_outcome: str | None = None,
) -> RunResult:
    """Run the whole batch; see the module docstring.

    ``primary_outcome`` is every report's parameter of that name: None (default) makes each
    report's *bedre*/*værre* statements one Holm family; an outcome of the data contract makes
    it primary and the others exploratory (docs/statistics.md). Recorded in ``run.json``.

    ``scheduler`` is ``"local"`` (a pool of ``workers`` processes on this machine),
    ``"processes"`` (a Dask ``LocalCluster`` of ``workers`` single-threaded worker processes,
    started and closed by the run) or ``"tcp://HOST:PORT"`` (an existing Dask scheduler; its
    workers decide the parallelism and ``workers`` is ignored).
    """
    check_min_cell(min_cell)
    from analyse.report.sections import check_primary_outcome

    primary_outcome = check_primary_outcome(primary_outcome)
    if workers < 1:
        raise ConfigError(f"workers must be 1 or more (got {workers})")
    scheduler = check_scheduler(scheduler)
    data = Path(data)
    t_start = time.perf_counter()
    check_out(out, command="report", inputs=[data], lang=lang)  # before any work
    if runner is None:
        runner = _execute_inprocess if engine == "inprocess" else execute
    jobs: list[Job] = []
    with (
        # Locked before any work: a second run into the same --out is refused at once, not
        # after this one's validation and preparation.
        output_folder(out, command="report", inputs=[data], lang=lang) as tmp,
        private_folder("analyse-data-") as private,
    ):
        ds = load(data, lang=lang)  # raises DataError; nothing is published
        stages = {"validate": time.perf_counter() - t_start}
        chosen = choose_sites(ds.sites, sites, lang=lang)
        groups = None
        if audience == "steering":
            # What earlier runs into the same reports folder published is known to a reader:
            # a run whose groups changed persons since then is refused before anything is
            # written.
            from analyse.privacy.releases import check_and_record
            from analyse.report.sections import published_groups

            groups = published_groups(ds, lang=lang, min_cell=min_cell, seed=seed)
            check_and_record(out, groups, lang=lang, write=False)
        prepared = Path(private) / "prepared"
        t_stage = time.perf_counter()
        if is_prepared(data):
            shutil.copytree(data, prepared, ignore=shutil.ignore_patterns(".*"))
            inputs = []
        else:
            # The data set is already validated (``ds``): write it, don't read it again.
            info = write_prepared(ds, data, prepared)
            # A steering run names its inputs by SHA-256 only: a file name may name a person
            # ("Hanne Jensen borgerliste.xlsx"); the consultant's run keeps the names.
            inputs = [
                {"sha256": i["sha256"]} | ({"file": i["file"]} if audience == "consultant" else {})
                for i in info["inputs"]
            ]
        if runner is _execute_inprocess and scheduler == "local":
            _start_forkserver()  # warms up (imports) while this process computes below
        # The results every report shares (the suppressed families of all sites ...) are
        # computed once, here, and stored beside the prepared data; each report loads its
        # own slice (and Dask ships them with the data).
        from analyse.report.shared import write_shared_cache

        stages["prepare"] = time.perf_counter() - t_stage
        t_stage = time.perf_counter()
        write_shared_cache(prepared, ds, lang=lang, min_cell=min_cell, seed=seed)
        stages["shared_results"] = time.perf_counter() - t_stage
        common = {
            "dataset": str(prepared),
            "audience": audience,
            "lang": lang,
            "min_cell": min_cell,
            "seed": seed,
            "primary_outcome": primary_outcome,
        }
        for site in chosen:
            jobs.append(Job(site, Path(notebooks_dir) / SITE_NOTEBOOK, {**common, "site": site}))
        jobs.append(
            Job(OVERVIEW, Path(notebooks_dir) / OVERVIEW_NOTEBOOK, {**common, "site": "all"})
        )
        t_stage = time.perf_counter()
        _run_jobs(jobs, tmp, runner, workers=workers, progress=progress, scheduler=scheduler)
        stages["reports"] = time.perf_counter() - t_stage
        t_stage = time.perf_counter()
        from analyse.run.audit import (
            AuditOutcome,
            enforce,
            failed_report_text,
            pseudonyms,
            withhold_failed,
        )

        # All or nothing: a report that failed is never published half-written.
        withhold_failed(tmp, jobs, names=pseudonyms(ds), lang=lang)

        # Steering: reports with a finding are moved to the consultant-only folder.
        audit = (
            enforce(tmp, ds, jobs, min_cell=min_cell, lang=lang)
            if audience == "steering"
            else AuditOutcome()
        )
        stages["audit"] = time.perf_counter() - t_stage
        record = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "parameters": {
                "data": str(data) if audience == "consultant" else None,
                "sites": chosen,
                "audience": audience,
                "lang": lang,
                "workers": workers,
                "min_cell": min_cell,
                "seed": seed,
                "primary_outcome": primary_outcome,
                "engine": engine,
                "scheduler": scheduler,
            },
            "inputs": inputs,
            "packages": package_versions(),
            "git_commit": git_commit(),
            "timings": {
                "total_seconds": round(time.perf_counter() - t_start, 3),
                # Where the run's time went: validate, prepare, the shared results (once per
                # run), the reports (in parallel), the audit (benchmarks/bench_stages.py).
                "stages": {k: round(v, 3) for k, v in stages.items()},
                "jobs": {j.name: round(j.seconds, 3) for j in jobs},
            },
            "jobs": [
                {k: v for k, v in asdict(j).items() if k not in ("notebook", "parameters")}
                | {"notebook": j.notebook.name}
                # the error itself (exception, paths) is in the withheld folder only
                | ({"error": failed_report_text(j.name, lang=lang)} if j.status == "failed" else {})
                for j in jobs
            ],
            "audit": audit.public,
        }
        (tmp / "run.json").write_text(
            json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        from analyse.report.shared import publication_shares

        shares = publication_shares(prepared, chosen, min_cell=min_cell, seed=seed)
        write_index(tmp, jobs, lang=lang, audience=audience, audit=audit.public, shares=shares)
    if groups is not None:
        check_and_record(out, groups, lang=lang)
    return RunResult(Path(out), jobs, audit.findings)


def choose_sites(
    available: Sequence[str], sites: Sequence[str] | Literal["all"], *, lang: str = "da"
) -> list[str]:
    """The sites a run reports on: ``available`` for ``"all"``, else ``sites`` without repeats.

    Refused (:class:`~analyse.errors.ConfigError`): a site the data set does not have; a site
    whose name is reserved (``samlet``, ``index``, ``CON`` ...); two sites whose report files
    would be one file on a case-insensitive file system (``H8`` and ``h8``).
    """
    if sites == "all":
        chosen = list(available)
    else:
        chosen = list(dict.fromkeys(sites))
        unknown = [s for s in chosen if s not in available]
        if unknown:
            shown = ", ".join(available[:30]) + (" …" if len(available) > 30 else "")
            raise ConfigError(
                f"Ukendt botilbud: {', '.join(unknown)}; data har {shown}"
                if lang == "da"
                else f"unknown site(s) {', '.join(unknown)}; the data set has {shown}"
            )
    reserved = [s for s in chosen if str(s).casefold() in RESERVED]
    if reserved:
        raise ConfigError(
            (
                f"Botilbud-koden {reserved[0]!r} er reserveret (samlet, index og Windows-navne "
                "som CON og NUL kan ikke være filnavne for en rapport); omdøb botilbuddet i data."
            )
            if lang == "da"
            else (
                f"The site code {reserved[0]!r} is reserved (samlet, index and Windows names "
                "such as CON and NUL cannot name a report file); rename the site in the data."
            )
        )
    distinct_stems(chosen, lang=lang)
    return chosen


#: A private temporary folder records the process that owns it here, so that a later run can
#: remove the folder a killed run left behind.
_OWNER = "owner.pid"


@contextmanager
def private_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder only this user can read (``0o700`` from the start, as
    :func:`tempfile.mkdtemp` creates it), removed on exit; folders with the same prefix that
    killed runs left behind are removed first."""
    remove_stale_private(prefix)
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        (folder / _OWNER).write_text(f"{os.getpid()}\n", encoding="utf-8")
        yield folder
    finally:
        remove_folder(folder)


def remove_stale_private(prefix: str) -> list[Path]:
    """Remove this user's private folders ``prefix*`` in the temporary folder whose owning
    process no longer runs; returns them."""
    removed = []
    root = Path(tempfile.gettempdir())
    uid = getattr(os, "getuid", lambda: None)()
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for folder in candidates:
        try:
            if folder.is_symlink() or not folder.is_dir():
                continue
            if uid is not None and folder.stat().st_uid != uid:
                continue
            pid = int((folder / _OWNER).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (without signalling it)."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with distributed
        if os.name != "posix":
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _execute_inprocess(job: Job, out_dir: Path) -> Job:
    return execute(job, out_dir, engine="inprocess")


def _forkserver_context():
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["analyse.run._warm"])
    return ctx


def _start_forkserver() -> None:
    """Start the warm forkserver now, so that its imports overlap with work in this process."""
    from multiprocessing import forkserver

    _forkserver_context()
    try:
        forkserver.ensure_running()
    except OSError:  # pragma: no cover - the pool starts it later anyway
        log.debug("could not start the forkserver early", exc_info=True)


def _warm_pool(workers: int):
    """Processes forked from a warm forkserver, one report per process (no state is shared)."""
    from concurrent.futures import ProcessPoolExecutor

    ctx = _forkserver_context()
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        max_tasks_per_child=1,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )


#: How often a report process checks that the run that started it is still there.
_PARENT_POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """Make this (worker) process end when the run ``parent`` ends, even by ``kill -9``.

    On Linux the kernel sends SIGKILL when the process that forked this one (the forkserver,
    which itself ends when the run's process is gone) dies (``PR_SET_PDEATHSIG``); on every
    system a daemon thread also checks every half second that ``parent`` still runs and
    ends this process otherwise.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl
            log.debug("PR_SET_PDEATHSIG unavailable", exc_info=True)
    if not _alive(parent):  # died before the line above took effect
        os._exit(1)

    def watch() -> None:
        while _alive(parent):
            time.sleep(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _child_pids() -> set[int]:
    """The processes this one has started (and they theirs), if psutil can tell."""
    try:
        import psutil

        return {p.pid for p in psutil.Process().children(recursive=True)}
    except Exception:  # pragma: no cover - no psutil, or a process vanished meanwhile
        return set()


def _stop_pool(pool, *, spare: Set[int] = frozenset()) -> None:
    """Stop a pool now: cancel reports not started, kill the processes running one.

    A process pool's workers are killed; for a thread pool (``engine="kernel"``) the Jupyter
    kernels its threads started (every child process not in ``spare``) are killed, so that
    the threads end at once instead of finishing their reports.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())  # ProcessPoolExecutor
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):  # already gone
            pass
    if not processes:
        try:
            import psutil

            for child in psutil.Process().children(recursive=True):
                if child.pid not in spare:
                    child.kill()
        except Exception:  # pragma: no cover - no psutil, or a process vanished meanwhile
            log.debug("could not stop the report kernels", exc_info=True)
    pool.shutdown(wait=not processes, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


def _settle(job: Job, outcome: Callable[[], Job], bar, errors: tuple[type, ...]) -> None:
    """Record a finished report on its job and advance the progress bar.

    ``outcome()`` gives the job as it came back (from another process, a copy) or raises one
    of ``errors``, which marks the report failed; a failure is logged, the run goes on.
    """
    try:
        done = outcome()
        if done is not job:
            job.status, job.error = done.status, done.error
            job.seconds, job.files = done.seconds, done.files
    except errors as err:
        job.status = "failed"
        job.error = f"{type(err).__name__}: {err}"
    if job.status != "ok":  # the error itself goes to the withheld fejl.txt, not the terminal
        log.info("report %s failed", job.name)
        log.debug("report %s failed: %s", job.name, job.error)
    bar.set_postfix_str(job.name)
    bar.update(1)


def _longest_first(jobs: Sequence[Job]) -> list[Job]:
    """The overview first: the longest report (all sites, the practice-vs-comparison model)
    then runs beside the site reports instead of alone after them."""
    return sorted(jobs, key=lambda job: job.name != OVERVIEW)


def _run_jobs(
    jobs: list[Job],
    out_dir: Path,
    runner,
    *,
    workers: int,
    progress: bool,
    scheduler: Scheduler = "local",
) -> None:
    if scheduler != "local":
        _run_jobs_dask(
            jobs, out_dir, runner, workers=workers, progress=progress, scheduler=scheduler
        )
        return
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not progress)
    in_processes = runner is _execute_inprocess
    spare = set() if in_processes else _child_pids()
    pool = _warm_pool(workers) if in_processes else ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(runner, job, out_dir): job for job in _longest_first(jobs)}
        for future in as_completed(futures):
            # Exception: a worker died, or a runner bug.
            _settle(futures[future], future.result, bar, (Exception,))
    except BaseException:  # Ctrl-C, SIGTERM (see analyse.cli), a bug: stop at once
        _stop_pool(pool, spare=spare)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        bar.close()


# ----------------------------------------------------------------------------- Dask distributed
#
# One task per report. The client ships the prepared data and the notebooks once (scattered),
# each task materialises them in the worker's temporary folder (once per worker and run), runs
# the report in a fresh process — never in the long-lived worker process itself — and returns
# the bytes of every file it produced; the client writes them into the run folder.

_WORKER_LOCK = threading.Lock()
_WORKER_DATA: dict[str, Path] = {}  # payload token -> materialised folder, in a worker
_KEEP_PAYLOADS = 4


def _files_of(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def _payload(jobs: Sequence[Job]) -> tuple[dict[str, object], dict[str, dict[str, str]]]:
    """The data sets and notebooks of ``jobs`` as bytes, and where each job finds them.

    A data folder keeps its name (``…/prepared``) so that a report reads exactly as in a
    local run.
    """
    files: dict[str, bytes] = {}
    places: dict[Path, str] = {}

    def ship(path: Path, kind: str) -> str:
        path = Path(path).resolve()
        if path not in places:
            prefix = f"{kind}{len(places)}"
            places[path] = f"{prefix}/{path.name}"
            for rel, data in _files_of(path).items():
                key = places[path] if path.is_file() else f"{places[path]}/{rel}"
                files[key] = data
        return places[path]

    where: dict[str, dict[str, str]] = {}
    for job in jobs:
        entry = {"notebook": ship(job.notebook, "nb")}
        dataset = job.parameters.get("dataset")
        if isinstance(dataset, str) and dataset and Path(dataset).exists():
            entry["dataset"] = ship(Path(dataset), "data")
        where[job.name] = entry
    digest = hashlib.sha256()
    for key in sorted(files):
        digest.update(key.encode("utf-8") + b"\0" + hashlib.sha256(files[key]).digest())
    return {"token": digest.hexdigest(), "files": files}, where


def _checked_relpath(rel: str) -> Path:
    """A relative path that stays inside its folder (``..`` and absolute paths refused)."""
    path = Path(rel)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise ValueError(f"refusing to write {rel!r} outside the run folder")
    return path


def _write_files(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        target = folder / _checked_relpath(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _materialise(payload: dict[str, object]) -> Path:
    """Write the shipped files into this worker's temporary folder, once per payload."""
    token = str(payload["token"])
    with _WORKER_LOCK:
        root = _WORKER_DATA.get(token)
        if root is not None and root.exists():
            return root
        root = Path(tempfile.mkdtemp(prefix="analyse-dask-data-"))
        _write_files(root, payload["files"])  # type: ignore[arg-type]
        atexit.register(shutil.rmtree, root, True)
        _WORKER_DATA[token] = root
        while len(_WORKER_DATA) > _KEEP_PAYLOADS:  # a long-lived worker: drop old runs' data
            shutil.rmtree(_WORKER_DATA.pop(next(iter(_WORKER_DATA))), ignore_errors=True)
        return root


_CHILD = "import sys; from analyse.run.batch import _child_main; _child_main(sys.argv[1])"


def _child_main(box: str) -> None:
    """Entry point of a report run in a new interpreter (see :func:`_run_in_subprocess`)."""
    path = Path(box)
    runner, job, out_dir = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps(runner(job, Path(out_dir))))


def _run_in_subprocess(runner, job: Job, out_dir: Path) -> Job:
    """Run one report in a new Python interpreter (slower: it imports everything itself)."""
    with tempfile.TemporaryDirectory(prefix="analyse-job-") as tmp:
        box = Path(tmp) / "job.pickle"
        box.write_bytes(pickle.dumps((runner, job, str(out_dir))))
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(box)], capture_output=True, text=True
        )
        if proc.returncode != 0:
            tail = proc.stderr.strip()[-2000:]
            raise RuntimeError(f"the report process exited with code {proc.returncode}: {tail}")
        return pickle.loads(box.read_bytes())


def _run_isolated(runner, job: Job, out_dir: Path) -> Job:
    """Run one report in a fresh process, so that no state survives between reports.

    In a non-daemonic process (a ``LocalCluster`` started by the batch, or a ``dask worker``
    started with ``DASK_DISTRIBUTED__WORKER__DAEMON=False``) the report runs in a child forked
    from a warm forkserver (one child per report). A daemonic Dask worker may not have
    ``multiprocessing`` children, so there the report runs in a new interpreter instead.
    A custom ``runner`` (a test hook) is called as it is.
    """
    if runner not in (_execute_inprocess, execute):
        return runner(job, out_dir)
    import multiprocessing

    if multiprocessing.current_process().daemon:
        return _run_in_subprocess(runner, job, out_dir)
    # The forkserver (warm, started once per worker process) stays; the pool is closed after
    # the report so that no idle child outlives the task or delays the worker's shutdown.
    with _warm_pool(1) as pool:
        return pool.submit(runner, job, out_dir).result()


def _dask_task(
    job: Job, payload: dict[str, object], where: dict[str, str], runner
) -> tuple[Job, dict[str, bytes]]:
    """One report on a Dask worker: returns the finished job and the bytes of its files."""
    root = _materialise(payload)
    parameters = dict(job.parameters)
    if "dataset" in where:
        parameters["dataset"] = str(root / where["dataset"])
    local = Job(job.name, root / where["notebook"], parameters)
    with tempfile.TemporaryDirectory(prefix="analyse-dask-out-") as tmp:
        done = _run_isolated(runner, local, Path(tmp))
        files = _files_of(Path(tmp))
    return done, files


def _dask_client(scheduler: Scheduler, workers: int):
    """A client (and the cluster it owns, for ``"processes"``)."""
    try:
        import dask
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError(
            "--scheduler needs Dask distributed, which is not installed: "
            "pip install 'naere-relationer[dask]' (make install includes it)."
        ) from None

    if not logging.getLogger().isEnabledFor(logging.INFO):  # quiet unless --verbose
        # Read by distributed when it is imported, here and in every worker process.
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
        dask.config.set({"logging.distributed": "error"})
        logging.getLogger("distributed").setLevel(logging.ERROR)
    from distributed import Client, LocalCluster

    if scheduler == "processes":
        # Non-daemonic workers may fork the warm per-report processes.
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        try:
            return Client(cluster), cluster
        except BaseException:
            cluster.close()
            raise
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError) as err:
        raise ConfigError(
            f"could not reach the Dask scheduler at {scheduler} ({err}). Start one with "
            f"'dask scheduler' and at least one 'dask worker {scheduler}', check the address "
            "and the firewall, or use --scheduler local."
        ) from err


def _run_jobs_dask(
    jobs: list[Job],
    out_dir: Path,
    runner,
    *,
    workers: int,
    progress: bool,
    scheduler: Scheduler,
) -> None:
    """:func:`_run_jobs` on Dask distributed: one task per report, same bar, same isolation."""
    import uuid
    from asyncio import CancelledError as AsyncCancelled

    from distributed import as_completed as dask_as_completed
    from tqdm.auto import tqdm

    payload, where = _payload(jobs)
    client, cluster = _dask_client(scheduler, workers)
    bar = tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not progress)
    by_key: dict[str, Job] = {}
    futures = []
    try:
        [shipped] = client.scatter([payload], hash=False)
        run_id = uuid.uuid4().hex[:8]
        for job in _longest_first(jobs):
            future = client.submit(
                _dask_task,
                job,
                shipped,
                where[job.name],
                runner,
                pure=False,
                key=f"analyse-report-{_safe_name(job.name)}-{run_id}",
            )
            by_key[future.key] = job
            futures.append(future)
        for future in dask_as_completed(futures):
            job = by_key[future.key]

            def outcome(future=future) -> Job:
                done, files = future.result()
                _write_files(out_dir, files)
                return done

            # Exception or AsyncCancelled: the task raised, a worker died ...
            _settle(job, outcome, bar, (Exception, AsyncCancelled))
    finally:
        bar.close()
        try:
            if futures:
                client.cancel(futures)
            client.close()
        finally:
            if cluster is not None:
                cluster.close()
