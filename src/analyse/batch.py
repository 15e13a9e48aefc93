"""The report batch: one papermill execution per botilbud plus the overview, in parallel.

``analyse report DATA --out reports/RUN`` validates first (bad data: the problem table,
nothing written), prepares the data once into a private temporary folder, then executes
``notebooks/botilbud-rapport.ipynb`` once per site and ``notebooks/samlet-rapport.ipynb``
once, ``workers`` at a time, with one progress bar. Each executed notebook becomes a
self-contained HTML file without input cells; the tables it published
(:func:`analyse.publish.show_table`) are written as CSV files and one XLSX workbook.
``index.html`` links everything and ``run.json`` records the parameters, the SHA-256 of every
input file, package versions, the git commit and timings. The run is written to a temporary
folder and moved into place, so a crashed run leaves no half-written report folder. A site
that fails is logged and marked in the index; the others complete; the exit code is non-zero.
"""

from __future__ import annotations

import html
import json
import logging
import platform
import re
import shutil
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Literal

import nbformat

from analyse.config import (
    DEFAULT_MIN_CELL,
    DEFAULT_SEED,
    MIN_CELL_FLOOR,
    NOTEBOOKS_DIR,
    PROJECT_DIR,
)
from analyse.errors import ConfigError
from analyse.io import input_files, sha256
from analyse.prepare import atomic_folder, is_prepared, load
from analyse.publish import collected_tables

log = logging.getLogger(__name__)

Audience = Literal["steering", "consultant"]
SITE_NOTEBOOK = "botilbud-rapport.ipynb"
OVERVIEW_NOTEBOOK = "samlet-rapport.ipynb"
OVERVIEW = "samlet"
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


@dataclass
class Job:
    """One notebook execution of a run."""

    name: str  # site code, or "samlet" for the overview
    notebook: Path
    parameters: dict[str, object]
    status: Literal["pending", "ok", "failed"] = "pending"
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


def check_min_cell(min_cell: int) -> int:
    if min_cell < MIN_CELL_FLOOR:
        raise ConfigError(
            f"min_cell must be at least {MIN_CELL_FLOOR} (got {min_cell}): smaller cells could "
            "identify a person. Use --min-cell 3 or more."
        )
    return min_cell


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", name)


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


def execute(
    job: Job, out_dir: Path, *, engine: Engine = "kernel", kernel_name: str = "python3"
) -> Job:
    """Execute one notebook with papermill and export it; never raises for a failing notebook.

    ``engine="kernel"`` starts a Jupyter kernel (papermill's default engine);
    ``"inprocess"`` runs the cells in this process (:mod:`analyse.engine`), which the batch
    uses inside a fresh process forked from a warm one.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    engine_name = None
    if engine == "inprocess":
        from analyse.engine import register

        engine_name = register()

    executed = out_dir / "notebooks" / f"{_safe_name(job.name)}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(job.notebook),
            str(executed),
            parameters=job.parameters,
            cwd=str(job.notebook.parent),
            kernel_name=kernel_name,
            engine_name=engine_name,
            progress_bar=False,
            log_output=False,
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
            job.files += export(
                executed, out_dir, job.name, lang=str(job.parameters.get("lang", "da"))
            )
        except Exception as err:  # pragma: no cover - export of a broken notebook
            job.status = "failed"
            job.error = (job.error or "") + f"; export: {type(err).__name__}: {err}"
    job.seconds = time.perf_counter() - t0
    return job


def export(executed: Path, out_dir: Path, name: str, *, lang: str = "da") -> list[str]:
    """HTML without inputs (images embedded), plus the published tables as CSV and XLSX."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    title = nb.metadata.get("title") or name
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = self_contained(body, lang=lang)
    files = []
    html_path = out_dir / f"{_safe_name(name)}.html"
    html_path.write_text(body, encoding="utf-8")
    files.append(html_path.name)
    tables = collected_tables(nb)
    if tables:
        table_dir = out_dir / "tabeller" / _safe_name(name)
        table_dir.mkdir(parents=True, exist_ok=True)
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        used: set[str] = set()
        for table_name, frame in tables:
            safe = _safe_name(table_name)
            csv_path = table_dir / f"{safe}.csv"
            neutralised = frame.map(neutralise_cell)
            neutralised.to_csv(csv_path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
            files.append(str(csv_path.relative_to(out_dir)))
            sheet = safe[:31]
            while sheet in used:
                sheet = sheet[:28] + f"_{len(used)}"
            used.add(sheet)
            ws = wb.create_sheet(sheet)
            ws.append([neutralise_cell(c) for c in frame.columns])
            for row in neutralised.itertuples(index=False):
                ws.append(list(row))
        xlsx_path = out_dir / "tabeller" / f"{_safe_name(name)}.xlsx"
        wb.save(xlsx_path)
        files.append(str(xlsx_path.relative_to(out_dir)))
    return files


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


def self_contained(body: str, *, lang: str = "da") -> str:
    """Drop remote scripts (require.js, MathJax) so the file works offline; set the language."""
    body = _REMOTE_SCRIPT.sub("", body)
    body = re.sub(r"<html(?![^>]*\blang=)", f'<html lang="{lang}"', body, count=1)
    return body


def write_index(
    out_dir: Path, jobs: Sequence[Job], *, lang: str, audience: str, audit: list[str]
) -> Path:
    da = lang == "da"
    rows = []
    for job in sorted(jobs, key=lambda j: (j.name != OVERVIEW, _natural(j.name))):
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
        status = "OK" if job.status == "ok" else ("FEJLET" if da else "FAILED")
        err = f"<br><small>{html.escape(job.error)}</small>" if job.error else ""
        rows.append(
            f'<tr class="{job.status}"><td>{link}</td><td>{tlinks}</td><td>{status}{err}</td></tr>'
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
tr.failed td{{background:#fde8e8}}.audit{{background:#fde8e8;padding:1rem;margin:1rem 0}}
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


def _natural(v: str) -> list:
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", v)]


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
) -> RunResult:
    """Run the whole batch; see the module docstring."""
    check_min_cell(min_cell)
    if workers < 1:
        raise ConfigError(f"workers must be 1 or more (got {workers})")
    data = Path(data)
    t_start = time.perf_counter()
    ds = load(data, lang=lang)  # raises DataError before anything is written
    available = ds.sites
    if sites == "all":
        chosen = available
    else:
        unknown = [s for s in sites if s not in available]
        if unknown:
            raise ConfigError(
                f"unknown site(s) {', '.join(unknown)}; the data set has {', '.join(available)}"
            )
        chosen = list(sites)
    inputs = (
        []
        if is_prepared(data)
        else [{"file": f.name, "sha256": sha256(f)} for f in input_files(data)]
    )
    if runner is None:
        runner = _execute_inprocess if engine == "inprocess" else execute
    jobs: list[Job] = []
    with tempfile.TemporaryDirectory(prefix="analyse-data-") as private:
        prepared = Path(private) / "prepared"
        if is_prepared(data):
            shutil.copytree(data, prepared)
        else:
            from analyse.prepare import prepare

            prepare(data, prepared, lang=lang)
        common = {
            "dataset": str(prepared),
            "audience": audience,
            "lang": lang,
            "min_cell": min_cell,
            "seed": seed,
        }
        for site in chosen:
            jobs.append(Job(site, Path(notebooks_dir) / SITE_NOTEBOOK, {**common, "site": site}))
        jobs.append(
            Job(OVERVIEW, Path(notebooks_dir) / OVERVIEW_NOTEBOOK, {**common, "site": "all"})
        )
        with atomic_folder(Path(out)) as tmp:
            _run_jobs(jobs, tmp, runner, workers=workers, progress=progress)
            findings: list[str] = []
            if audience == "steering":
                from analyse.audit import audit_run

                findings = audit_run(tmp, ds, min_cell=min_cell)
            record = {
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "parameters": {
                    "data": str(data),
                    "sites": chosen,
                    "audience": audience,
                    "lang": lang,
                    "workers": workers,
                    "min_cell": min_cell,
                    "seed": seed,
                    "engine": engine,
                },
                "inputs": inputs,
                "packages": package_versions(),
                "git_commit": git_commit(),
                "timings": {
                    "total_seconds": round(time.perf_counter() - t_start, 3),
                    "jobs": {j.name: round(j.seconds, 3) for j in jobs},
                },
                "jobs": [
                    {k: v for k, v in asdict(j).items() if k not in ("notebook", "parameters")}
                    | {"notebook": j.notebook.name}
                    for j in jobs
                ],
                "audit": findings,
            }
            (tmp / "run.json").write_text(
                json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8"
            )
            write_index(tmp, jobs, lang=lang, audience=audience, audit=findings)
    return RunResult(Path(out), jobs, findings)


def _execute_inprocess(job: Job, out_dir: Path) -> Job:
    return execute(job, out_dir, engine="inprocess")


def _warm_pool(workers: int):
    """Processes forked from a warm forkserver, one report per process (no state is shared)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["analyse._warm"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=1)


def _run_jobs(jobs: list[Job], out_dir: Path, runner, *, workers: int, progress: bool) -> None:
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not progress)
    in_processes = runner is _execute_inprocess
    try:
        with (
            _warm_pool(workers) if in_processes else ThreadPoolExecutor(max_workers=workers)
        ) as pool:
            futures = {pool.submit(runner, job, out_dir): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    done = future.result()
                    if done is not job:  # came back from another process
                        job.status, job.error = done.status, done.error
                        job.seconds, job.files = done.seconds, done.files
                except Exception as err:  # a worker died, or a runner bug
                    job.status = "failed"
                    job.error = f"{type(err).__name__}: {err}"
                if job.status != "ok":
                    log.error("report %s failed: %s", job.name, job.error)
                bar.set_postfix_str(job.name)
                bar.update(1)
    finally:
        bar.close()
