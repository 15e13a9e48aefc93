"""The command line: ``analyse validate | prepare | report | audit | demo-data | template |
codebook | import-networkcanvas``.

Errors the user can fix (:class:`~analyse.errors.AnalyseError`) are printed as a message or
a problem table and give a non-zero exit; anything else is a bug and shows a traceback only
with ``--debug``.
"""

from __future__ import annotations

import json
import logging
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyse.config import DEFAULT_SEED
from analyse.errors import AnalyseError, DataError, PrivacyError
from analyse.run.terminal import plain, visible

app = typer.Typer(
    name="analyse",
    help=(
        "Nære relationer – analyse af data fra 'Fremtidens Handicap- og Botilbud'.\n\n"
        "Example: analyse validate data/raw/demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
console = Console(stderr=False, highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

STATE: dict[str, Any] = {"debug": False, "lang": "da"}


class Lang(StrEnum):
    da = "da"
    en = "en"


LangOption = Annotated[
    Lang, typer.Option("--lang", help="Language of messages: da (dansk) or en (English).")
]

TEXT = {
    "problems_title": {"da": "Problemer i data", "en": "Problems in the data"},
    "file": {"da": "Fil", "en": "File"},
    "row": {"da": "Række", "en": "Row"},
    "column": {"da": "Kolonne", "en": "Column"},
    "value": {"da": "Værdi", "en": "Value"},
    "rule": {"da": "Regel", "en": "Rule"},
    "n_problems": {
        "da": "{n} problem(er) fundet – intet er skrevet. Ret data og kør igen.",
        "en": "{n} problem(s) found – nothing was written. Fix the data and run again.",
    },
    "privacy": {
        "da": "Data er afvist af hensyn til privatliv: de kan identificere personer.",
        "en": "The data set is refused for privacy: it could identify people.",
    },
    "more_problems": {
        "da": "… og {n} problem(er) mere, ikke vist (alle med: analyse validate DATA --json)",
        "en": "… and {n} more problem(s), not shown (all of them: analyse validate DATA --json)",
    },
    "valid": {"da": "Data er gyldige", "en": "The data set is valid"},
    "table": {"da": "Tabel", "en": "Table"},
    "rows": {"da": "Rækker", "en": "Rows"},
    "sites": {"da": "Botilbud", "en": "Sites"},
    "waves": {"da": "Målinger", "en": "Waves"},
    "residents": {"da": "Borgere", "en": "Residents"},
    "warning": {"da": "Advarsel", "en": "Warning"},
    "written": {"da": "Skrevet", "en": "Written"},
    "error": {"da": "Fejl", "en": "Error"},
    "audit": {"da": "Revision", "en": "Audit"},
    "stopped": {
        "da": "Afbrudt: kørslen er stoppet, intet er skrevet, og dens midlertidige filer er fjernet.",
        "en": "Stopped: the run was stopped, nothing was written, and its temporary files were removed.",
    },
    "empty_sites": {
        "da": "--site {given!r} nævner intet botilbud; angiv fx --site H1,H2 eller --site all.",
        "en": "--site {given!r} names no site; give e.g. --site H1,H2 or --site all.",
    },
}


def tr(key: str, lang: str, **fields: object) -> str:
    return TEXT[key][lang].format(**fields)


def error_line(lang: str, message: object, *, label: str | None = None) -> Text:
    """``Fejl: message`` (or ``label: message``) for the terminal, the message taken as data.

    The message may quote a file name, a header or a value: it is never read as rich markup,
    and its control characters are shown as escapes (:mod:`analyse.run.terminal`); line breaks
    are kept.
    """
    head = tr("error", lang) if label is None else label
    return Text.assemble((f"{head}:", "bold red"), " ", plain(message, keep="\n"))


#: Problems shown in the terminal's table; a file with a million bad rows lists the first ones
#: and says how many more there are (``--json`` gives every one).
MAX_PROBLEMS_SHOWN = 1000


def print_problems(err: DataError, lang: str) -> None:
    """Print the problems (at most :data:`MAX_PROBLEMS_SHOWN`) as one table on standard error.

    Every cell is data (file, column and value as the user wrote them): it is printed as
    plain text, never as markup, with control characters made visible.
    """
    table = Table(title=tr("problems_title", lang), show_lines=False, expand=False)
    for key in ("file", "row", "column", "value", "rule"):
        table.add_column(tr(key, lang), overflow="fold")
    for p in err.problems[:MAX_PROBLEMS_SHOWN]:
        table.add_row(
            plain(p.file),
            "" if p.row is None else str(p.row),
            plain(p.column or ""),
            plain("" if p.value is None else p.value),
            plain(p.rule),
        )
    err_console.print(table)
    if len(err.problems) > MAX_PROBLEMS_SHOWN:
        err_console.print(tr("more_problems", lang, n=len(err.problems) - MAX_PROBLEMS_SHOWN))
    if isinstance(err, PrivacyError):
        err_console.print(f"[bold red]{tr('privacy', lang)}[/]")
    err_console.print(f"[bold red]{tr('n_problems', lang, n=len(err.problems))}[/]")


@contextmanager
def reading_early(path: Path) -> Iterator[Any]:
    """A data folder's files, read from now on while pandas and pandera are imported.

    Yields an :class:`analyse.data.csvbytes.EarlyRead` for a folder, None for anything else; the
    reading stops when the block ends.
    """
    if not Path(path).is_dir():
        yield None
        return
    from analyse.data.csvbytes import EarlyRead

    with EarlyRead(path) as early:
        yield early


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the package's errors into a readable message and a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang", Lang.da)
        lang = lang.value if isinstance(lang, Lang) else str(lang)
        STATE["lang"] = lang  # for the line a stopped run prints (main)
        try:
            return func(*args, **kwargs)
        except DataError as err:
            if STATE["debug"]:
                raise
            print_problems(err, lang)
            raise typer.Exit(code=2) from None
        except AnalyseError as err:
            if STATE["debug"]:
                raise
            err_console.print(error_line(lang, err))
            raise typer.Exit(code=2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as err:  # a bug: short message, traceback only with --debug
            if STATE["debug"]:
                raise
            err_console.print(error_line(lang, f"{type(err).__name__}: {err}"))
            err_console.print("(run with --debug for the full traceback)")
            raise typer.Exit(code=1) from None

    return wrapper


@app.callback()
def main_callback(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more.")] = False,
) -> None:
    """Nære relationer – analyse af data fra 'Fremtidens Handicap- og Botilbud'."""
    STATE["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )


def _summary_table(ds, lang: str) -> Table:
    from analyse.data.schema import table_spec

    summary = ds.summary()
    table = Table(title=f"{tr('valid', lang)} ✓", show_header=True)
    table.add_column(tr("table", lang))
    table.add_column(tr("rows", lang), justify="right")
    for name, n in summary["rows"].items():
        spec = table_spec(name)
        label = f"{spec.da} ({name})" if lang == "da" else name
        table.add_row(label, f"{n:,}".replace(",", "." if lang == "da" else ","))
    return table


@app.command("validate")
@handles_errors
def validate_command(
    path: Annotated[Path, typer.Argument(help="A data folder (CSV files) or an .xlsx workbook.")],
    lang: LangOption = Lang.da,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the summary or the problems as JSON.")
    ] = False,
) -> None:
    """Validate a data set and print a summary, or every problem (exit code 2).

    Example: analyse validate data/raw/demo --lang en
    """
    try:
        with reading_early(path) as early:
            from analyse.data.validate import read_dataset

            ds = read_dataset(path, lang=lang.value, early=early)
    except DataError as err:
        if json_out:
            print(json.dumps([p.as_dict() for p in err.problems], ensure_ascii=False, indent=1))
            raise typer.Exit(code=2) from None
        raise
    if json_out:
        print(json.dumps({**ds.summary(), "warnings": ds.warnings}, ensure_ascii=False, indent=1))
        return
    console.print(_summary_table(ds, lang.value))
    s = ds.summary()
    console.print(f"{tr('residents', lang.value)}: {s['residents']}")
    console.print(
        plain(
            f"{tr('sites', lang.value)} ({len(s['sites'])}): {', '.join(s['sites'][:30])}"
            + (" …" if len(s["sites"]) > 30 else "")
        )
    )
    console.print(plain(f"{tr('waves', lang.value)}: {', '.join(s['waves'])}"))
    for w in ds.warnings:  # name files and headers as written: data, never markup
        console.print(Text.assemble((f"{tr('warning', lang.value)}:", "yellow"), " ", plain(w)))


@app.command("prepare")
@handles_errors
def prepare_command(
    path: Annotated[Path, typer.Argument(help="A data folder (CSV files) or an .xlsx workbook.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder for Parquet files.")],
    lang: LangOption = Lang.da,
) -> None:
    """Validate, then write the tables as Parquet plus manifest.json (nothing on failure).

    Example: analyse prepare data/raw/demo --out data/processed/demo
    """
    with reading_early(path) as early:
        from analyse.data.prepare import prepare

        ds = prepare(path, out, lang=lang.value, early=early)
    console.print(_summary_table(ds, lang.value))
    console.print(f"{tr('written', lang.value)}: {out}")


@app.command("demo-data")
@handles_errors
def demo_data_command(
    out: Annotated[Path, typer.Argument(help="Output folder for the synthetic data set.")],
    sites: Annotated[
        int, typer.Option("--sites", min=3, max=5000, help="Number of sites (3-5000).")
    ] = 8,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = DEFAULT_SEED,
    style: Annotated[
        Lang, typer.Option("--style", help="da: Danish names/values, ';', BOM; en: English, ','.")
    ] = Lang.da,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Write one workbook instead of CSV files.")
    ] = False,
) -> None:
    """Write a deterministic synthetic data set in the contract (Danish Excel style).

    Example: analyse demo-data /tmp/demo --sites 20 --seed 1
    """
    from analyse.data.demo import make_demo_tables
    from analyse.data.io import write_dataset
    from analyse.data.prepare import atomic_folder
    from analyse.outputs import check_out

    out = Path(out)
    check_out(out, command="demo-data", lang=style.value)  # before the tables are made
    tables = make_demo_tables(sites, seed=seed)
    with atomic_folder(out, command="demo-data", lang=style.value) as tmp:
        if style == Lang.da:
            write_dataset(tables, tmp, style="da", fmt="xlsx" if xlsx else "csv")
        else:
            write_dataset(
                tables,
                tmp,
                style="en",
                fmt="xlsx" if xlsx else "csv",
                sep=",",
                encoding="utf-8",
                line_terminator="\n",
            )
    console.print(f"{tr('written', style.value)}: {out} ({sites} sites, seed {seed})")


@app.command("template")
@handles_errors
def template_command(
    out: Annotated[Path, typer.Argument(help="The .xlsx file to write.")],
    lang: LangOption = Lang.da,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the file if it exists.")
    ] = False,
) -> None:
    """Write an Excel workbook for data entry, generated from the data contract.

    An existing file is never replaced without --overwrite (it may be a filled-in workbook).

    Example: analyse template skabelon.xlsx --lang da
    """
    from analyse.data.template import write_template

    path = write_template(out, lang=lang.value, overwrite=overwrite)
    console.print(f"{tr('written', lang.value)}: {path}")


@app.command("codebook")
@handles_errors
def codebook_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for codebook.md and codebook.html.")
    ] = Path("."),
    lang: LangOption = Lang.da,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite", help="Replace codebook.md/codebook.html not written by this command."
        ),
    ] = False,
) -> None:
    """Write the codebook (Markdown and HTML), generated from the data contract.

    Other files in the folder are never touched; an existing codebook.md or codebook.html is
    replaced only if an earlier 'analyse codebook' wrote it, or with --overwrite.

    Example: analyse codebook --out docs --lang en
    """
    from analyse.data.codebook import write_codebook

    paths = write_codebook(out, lang=lang.value, overwrite=overwrite)
    for p in paths:
        console.print(f"{tr('written', lang.value)}: {p}")


class Audience(StrEnum):
    steering = "steering"
    consultant = "consultant"


class Engine(StrEnum):
    inprocess = "inprocess"
    kernel = "kernel"


class PrimaryOutcome(StrEnum):
    """The outcomes of the data contract (``analyse.data.schema.OUTCOMES``; a test keeps them
    equal: the schema is not imported here, so that ``analyse --help`` starts fast)."""

    loneliness = "loneliness"
    satisfaction = "satisfaction"
    n_nonstaff = "n_nonstaff"
    n_gives = "n_gives"


@app.command("report")
@handles_errors
def report_command(
    data: Annotated[
        Path, typer.Argument(help="A raw data folder, an .xlsx workbook or a prepared folder.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The run folder to write (e.g. reports/RUN).")
    ],
    site: Annotated[
        str, typer.Option("--site", help="'all' or a comma-separated list: H1,H2.")
    ] = "all",
    audience: Annotated[
        Audience, typer.Option("--audience", help="steering (aggregates only) or consultant.")
    ] = Audience.steering,
    lang: LangOption = Lang.da,
    workers: Annotated[
        int, typer.Option("--workers", "-j", min=1, help="Reports run in parallel.")
    ] = 2,
    min_cell: Annotated[
        int, typer.Option("--min-cell", help="Smallest group shown (never below 3).")
    ] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every bootstrap.")] = DEFAULT_SEED,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="inprocess: each report in a fresh process forked from a warm one (fast); "
            "kernel: a Jupyter kernel per report (papermill's default).",
        ),
    ] = Engine.inprocess,
    scheduler: Annotated[
        str,
        typer.Option(
            "--scheduler",
            help="local: a process pool on this machine; processes: a Dask LocalCluster of "
            "--workers processes; tcp://HOST:PORT: an existing Dask scheduler (docs/dask.md).",
        ),
    ] = "local",
    primary_outcome: Annotated[
        PrimaryOutcome | None,
        typer.Option(
            "--primary-outcome",
            help="A pre-specified primary outcome: only its statements can be called better or "
            "worse (Holm among them), the others are marked exploratory. Default: none, i.e. "
            "Holm over all of each report's statements (docs/statistics.md).",
        ),
    ] = None,
) -> None:
    """Run one report per botilbud plus the overview as self-contained HTML, CSV and XLSX.

    Example: analyse report data/raw/demo --out reports/demo --workers 2
    """
    from analyse.errors import ConfigError
    from analyse.outputs import check_out, refuse_if_busy

    # Refused at once, before the report machinery (papermill, pandas ...) is even loaded.
    check_out(out, command="report", inputs=[data], lang=lang.value)
    refuse_if_busy(out, lang=lang.value)
    from analyse.run.batch import run_report

    sites: list[str] | str = (
        "all"
        if site.strip().lower() == "all"
        # NFC: a code typed as A + combining ring is the Å the data set holds
        else list(
            dict.fromkeys(
                unicodedata.normalize("NFC", s.strip()) for s in site.split(",") if s.strip()
            )
        )
    )
    if not sites:  # "--site ," or "--site ''": the run would be the overview alone
        raise ConfigError(tr("empty_sites", lang.value, given=site))
    result = run_report(
        data,
        out,
        sites=sites,
        audience=audience.value,
        lang=lang.value,
        workers=workers,
        min_cell=min_cell,
        seed=seed,
        progress=not no_progress,
        engine=engine.value,
        scheduler=scheduler,
        primary_outcome=primary_outcome.value if primary_outcome is not None else None,
    )
    from analyse.run.audit import failed_terminal_line

    for job in result.jobs:
        if job.status == "failed":  # one plain line; the error itself is in fejl.txt only
            line = failed_terminal_line(job.name, out, lang=lang.value)
            err_console.print(error_line(lang.value, line))
        elif job.status != "ok":  # withheld by the audit: its findings follow
            err_console.print(error_line(lang.value, f"{job.name}: {job.error}"))
    for finding in result.audit_findings:
        err_console.print(error_line(lang.value, finding, label=tr("audit", lang.value)))
    console.print(f"{tr('written', lang.value)}: {Path(out) / 'index.html'}")
    if not result.ok:
        raise typer.Exit(code=1)


@app.command("audit")
@handles_errors
def audit_command(
    run: Annotated[Path, typer.Argument(help="A run folder written by 'analyse report'.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="The data set the run was made from (a steering run.json names it by SHA-256 only; a consultant run.json by path).",
        ),
    ] = None,
    lang: LangOption = Lang.da,
) -> None:
    """Scan every HTML, CSV and XLSX of a run for pseudonyms, small counts and CPR numbers.

    Example: analyse audit reports/demo --data data/raw/demo
    """
    from analyse.run.audit import audit_command_run

    findings, min_cell = audit_command_run(run, data, lang=lang.value)
    for finding in findings:
        err_console.print(error_line(lang.value, finding, label=tr("audit", lang.value)))
    if findings:
        raise typer.Exit(code=1)
    ok = "Revisionen fandt intet" if lang == Lang.da else "The audit found nothing"
    console.print(f"{ok} (min_cell {min_cell}) ✓")


@app.command(
    "import-networkcanvas",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
def import_networkcanvas_command(ctx: typer.Context) -> None:
    """Import Network Canvas interviews as relations.csv, pseudonymised at the door.

    Example: analyse import-networkcanvas eksport/ --mapping kortlaegning.toml --out data/import
    """
    # The importer (pandas, the mapping rules) is loaded only when this command runs, so that
    # every other command and `analyse --help` start at once; its own options and --help are
    # those of analyse.networkcanvas.importer.import_networkcanvas_command.
    from analyse.networkcanvas.importer import import_networkcanvas_command as command

    importer = typer.Typer(add_completion=False, rich_markup_mode="rich")
    importer.command()(handles_errors(command))
    typer.main.get_command(importer).main(
        args=ctx.args, prog_name=ctx.command_path, standalone_mode=True
    )


class Stopped(SystemExit):
    """The process was asked to stop (SIGTERM, SIGHUP, Ctrl-C); raised so that every
    ``finally`` removes what the command had begun (temporary run, private data copy, workers)."""


#: Seconds the clean-up after a stop request may take before the process ends regardless: a
#: thread blocked in a read that never ends (a hung network drive) must not keep it alive.
STOP_GRACE_SECONDS = 30.0

_STOP_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


def _stop_on_signals() -> None:
    """Turn SIGTERM, SIGHUP and SIGINT (Ctrl-C) into :class:`Stopped` (exit 128 + signal
    number), once: a second signal during the clean-up is ignored, and the clean-up is bounded
    by :data:`STOP_GRACE_SECONDS` (then the process ends with the same line and code)."""
    import signal

    def stop(signum: int, frame: object) -> None:
        for sig in names:
            signal.signal(sig, signal.SIG_IGN)
        _end_after_grace(128 + signum)
        raise Stopped(128 + signum)

    names = [getattr(signal, n) for n in _STOP_SIGNALS if hasattr(signal, n)]
    for sig in names:
        try:
            signal.signal(sig, stop)
        except (ValueError, OSError):  # pragma: no cover - not the main thread
            return


def _stopped_line() -> str:
    return tr("stopped", STATE.get("lang", "da"))


def _end_after_grace(code: int, seconds: float | None = None) -> None:
    """End the process with ``code`` after ``seconds`` unless it has ended by itself."""
    import threading

    def end() -> None:
        if not done.wait(STOP_GRACE_SECONDS if seconds is None else seconds):
            _exit_now(code)

    done = threading.Event()
    STATE["stop_watch"] = done
    threading.Thread(target=end, name="stop-watch", daemon=True).start()


def _exit_now(code: int) -> None:
    """Print the stop line and end the process at once (no waiting for threads at exit: one
    may be blocked in a read that never returns, and the interpreter would join it)."""
    import os

    try:
        print(visible(_stopped_line()), file=sys.stderr, flush=True)
        sys.stdout.flush()
    finally:
        os._exit(code)


def _exit_past_hung_threads(code: object) -> None:
    """End at once with ``code`` when a thread still runs (a read blocked on a drive that does
    not answer, abandoned after its time-out): the interpreter would wait for it at exit."""
    import os
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    for thread in others:
        thread.join(timeout=2.0)  # one that is about to finish is let finish
    if any(t.is_alive() for t in others):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def _without_data_synthesis() -> None:
    """Keep pandera from importing hypothesis in this process (0.1-0.25 s of every start-up).

    When hypothesis is installed (the test tools are), pandera imports it with its checks, to
    register the strategies that synthesise data from a schema; the command line never
    synthesises data. ``None`` in :data:`sys.modules` makes ``import hypothesis`` fail as if it
    were not installed, which is the import system's documented way to block a module. Only
    the console script does this, never ``import analyse``: notebooks and tests are untouched.
    """
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]


def main() -> None:
    """Entry point of the ``analyse`` console script."""
    _without_data_synthesis()
    _stop_on_signals()
    try:
        app()
    except Stopped as stop:  # SIGTERM, SIGHUP, Ctrl-C: the clean-up has run
        _exit_now(int(stop.code or 1))
    except KeyboardInterrupt:  # Ctrl-C before the handler was set: the same line
        _exit_now(130)
    except SystemExit as done:
        _exit_past_hung_threads(done.code)
        raise
    except BaseException as err:  # pragma: no cover - last line of defence
        if STATE["debug"]:
            raise
        print(visible(f"Error: {type(err).__name__}: {err}", keep="\n"), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
