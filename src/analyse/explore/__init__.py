"""The exploration notebooks' building blocks: one call per analysis, shown in Danish.

Notebooks ``01-kortlaegning`` … ``04-afproevning`` open a data set with :func:`open` and
call one method of the returned :class:`Exploration` per analysis cell. Each method returns
a :class:`View`: a short sentence, display-ready tables (Danish headers and values, numbers
formatted as in the reports, through :mod:`analyse.words.text`) and at least one figure, shown by
Jupyter when the view is the cell's value. ``lang="en"`` gives English.

Nothing is computed here that the analysis modules already compute: the statistics come from
:mod:`analyse.stats.relations`, :mod:`analyse.stats.agreement` and :mod:`analyse.stats.prepost`, suppression for
the steering group from :mod:`analyse.privacy.gate`, labels from the schema, :mod:`analyse.words.text`
and :mod:`analyse.render.figures`. This module only selects, labels, formats and draws.

Errors a person can act on never end in a traceback: a data set that breaks the contract
makes :func:`open` return an exploration whose first view is the problem table (file, row,
column, value, rule) and whose other views say to fix the data first; a site that does not
exist names the sites that do; a missing optional table (``forstaaelse``, ``vurderinger``)
gives a sentence saying what is missing.

In JupyterLab (``interactive=None`` detects it) the pick-and-look views show dropdowns
(ipywidgets) for site, resident and outcome; under papermill or nbconvert the same calls draw
the static figure of the parameters given.

Audiences follow the design: ``"consultant"`` sees everything, including pseudonyms and
relationship maps, and never has an aggregate hidden while the same people's rows are shown;
``"steering"`` sees only what the steering reports of the same data show: each analysis
shows its report section's own gated tables, sentences and figures (the same gate, the same
``min_cell``, the same hidden cells), and an analysis no steering report publishes is not
shown.
"""

from analyse.explore.common import RELIABILITY, RELIABILITY_SOURCES, View, display_table, label
from analyse.explore.session import Exploration, open

__all__ = [
    "RELIABILITY",
    "RELIABILITY_SOURCES",
    "Exploration",
    "View",
    "display_table",
    "label",
    "open",
]
