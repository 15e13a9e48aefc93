"""The HTML export of an executed report notebook: one exporter per thread, reused."""

from __future__ import annotations

import threading

_EXPORTERS = threading.local()


def html_exporter():
    """The nbconvert HTML exporter of the reports (no inputs, images embedded), one per thread.

    Loading its templates costs about half a second; the warm forkserver makes it once
    (:func:`analyse.run.engine.warm_up`) and every report forked from it reuses it.
    """
    exporter = getattr(_EXPORTERS, "html", None)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="lab")
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.embed_images = True
        _EXPORTERS.html = exporter
    return exporter
