"""A papermill engine that runs a notebook inside the current (pre-warmed) process.

Starting a Jupyter kernel and importing pandas, scipy, statsmodels, seaborn and the package
costs several seconds, which dominates a small site's report. The batch therefore runs each
report in a *fresh process forked from a warm one* (``multiprocessing`` forkserver with the
heavy modules preloaded, one task per child), and inside that process this engine executes
the cells with IPython's ``InteractiveShell``, capturing every output the way a kernel would:
streams, rich displays (HTML tables, PNG figures from the inline backend), execute results
and errors. Papermill still does everything else — parameter injection, the run record in
the notebook metadata, marking a failing cell — so an executed notebook looks exactly like
one from the ordinary kernel engine.

Because every report gets its own forked process, no state survives from one site's report to
the next: a figure or a number can never leak from the previous site.
"""

from __future__ import annotations

import logging
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_output
from papermill.engines import Engine, papermill_engines

log = logging.getLogger(__name__)

ENGINE_NAME = "analyse-inprocess"

#: Modules a warm worker imports once, before it forks a child per report.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib.pyplot",
    "seaborn",
    "IPython.core.interactiveshell",
    "matplotlib_inline.backend_inline",
    "nbconvert",
    "pyarrow.parquet",
    "openpyxl",
    "analyse.data.prepare",
    "analyse.render.publish",
    "analyse.stats.relations",
    "analyse.render.figures",
    "analyse.words.text",
    "analyse.privacy.gate",
    "analyse.stats.agreement",
    "analyse.stats.prepost",
    "analyse.report.sections",
)


def warm_up() -> None:
    """Import the heavy modules (those that exist) so that forked children inherit them."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # a module of a later issue may not exist yet
            log.debug("preload: %s not importable", name)
    _warm_caches()


def _warm_caches() -> None:
    """Pay once what every report would pay again: the HTML templates, the first figure.

    Nothing of a data set is touched: the children forked from this process start clean.
    """
    import io

    try:
        import matplotlib.pyplot as plt
        import nbformat

        from analyse.run.export import html_exporter

        html_exporter().from_notebook_node(nbformat.v4.new_notebook())
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.bar(["a", "b"], [1, 2])
        ax.set_title("Nære relationer")
        fig.tight_layout()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    except Exception:  # pragma: no cover - warming is an optimisation only
        log.debug("warm-up of caches failed", exc_info=True)


_SHELL_CLASS: list[type] = []


def _shell():
    from IPython.core.interactiveshell import InteractiveShell

    if not _SHELL_CLASS:  # one class per process: a second would be a rival singleton

        class _Shell(InteractiveShell):
            def enable_gui(self, gui=None):  # no event loop: figures go inline
                return None

        _SHELL_CLASS.append(_Shell)
    shell = _SHELL_CLASS[0].instance()
    shell.enable_matplotlib("inline")
    # Results are captured as rich execute_result outputs below, not printed as text.
    shell.displayhook.write_output_prompt = lambda: None
    shell.displayhook.write_format_data = lambda *args, **kwargs: None
    return shell


def _run_cell(
    shell, source: str, execution_count: int
) -> tuple[list[NotebookNode], Exception | None]:
    from IPython.utils.capture import capture_output

    with capture_output(stdout=True, stderr=True, display=True) as captured:
        result = shell.run_cell(source, store_history=False, silent=False)
    outputs: list[NotebookNode] = []
    if captured.stdout:
        outputs.append(new_output("stream", name="stdout", text=captured.stdout))
    if captured.stderr:
        outputs.append(new_output("stream", name="stderr", text=captured.stderr))
    for rich in captured.outputs:
        outputs.append(
            new_output("display_data", data=dict(rich.data), metadata=dict(rich.metadata or {}))
        )
    error = result.error_in_exec or result.error_before_exec
    if error is None and result.result is not None:
        data, metadata = shell.display_formatter.format(result.result)
        outputs.append(
            new_output(
                "execute_result", data=data, metadata=metadata, execution_count=execution_count
            )
        )
    if error is not None:
        import traceback

        # Drop the stream IPython wrote while showing the traceback; keep a clean error output.
        outputs = [
            o
            for o in outputs
            if not (o.output_type == "stream" and "Traceback" in o.get("text", ""))
        ]
        tb = traceback.format_exception(type(error), error, error.__traceback__)
        outputs.append(
            new_output(
                "error",
                ename=type(error).__name__,
                evalue=str(error),
                traceback=[line.rstrip("\n") for line in tb],
            )
        )
    return outputs, error


class InProcessEngine(Engine):
    """Execute a papermill-managed notebook in this process with IPython's shell."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        shell = _shell()
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            if cell.cell_type == "code" and cell.source.strip():
                count += 1
                outputs, error = _run_cell(shell, cell.source, count)
                cell.outputs = outputs
                cell.execution_count = count
                if error is not None:
                    nb_man.cell_exception(cell, cell_index=index, exception=error)
                    nb_man.cell_complete(cell, cell_index=index)
                    break
            nb_man.cell_complete(cell, cell_index=index)
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (idempotent); returns its name."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
    return ENGINE_NAME


register()
