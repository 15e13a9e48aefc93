"""Opening a data set for exploration: :func:`open` and :class:`Exploration`."""

from __future__ import annotations

from pathlib import Path

from analyse.config import DEFAULT_MIN_CELL, DEFAULT_SEED, Audience, Lang
from analyse.errors import AnalyseError, ConfigError, DataError
from analyse.explore.afproevning import _Afproevning, _Borgerniveau, _Sammenligning
from analyse.explore.behov import _Behov
from analyse.explore.common import ALL, View, _interactive, _problem_view, _t, _unknown_site
from analyse.explore.forstaaelse import _Forstaaelse
from analyse.explore.kortlaegning import _Kortlaegning


def open(  # noqa: A001 - the notebooks read `explore.open(dataset)`
    dataset: str | Path,
    *,
    site: str = ALL,
    audience: Audience = "consultant",
    lang: Lang = "da",
    min_cell: int = DEFAULT_MIN_CELL,
    seed: int = DEFAULT_SEED,
    interactive: bool | None = None,
) -> Exploration:
    """Read and validate a data set for exploration; never raises on bad data.

    Parameters
    ----------
    dataset
        A folder of CSV files or an ``.xlsx`` workbook (see the README).
    site
        ``"all"`` or a site code.
    audience
        ``"consultant"`` (everything, pseudonyms included) or ``"steering"`` (aggregates that
        passed the privacy gate).
    lang
        ``"da"`` or ``"en"``.
    min_cell
        The privacy threshold (default 5, never below 3).
    seed
        Seed of every bootstrap.
    interactive
        Show dropdowns (ipywidgets). ``None``: yes when the kernel runs under a Jupyter
        server (JupyterLab sets ``JPY_SESSION_NAME``), no under papermill and nbconvert.

    Returns
    -------
    Exploration
        Its :attr:`Exploration.problem` is ``None`` when the data and parameters are usable;
        otherwise a view of what to fix, which the notebook shows instead of a traceback.
    """
    from analyse.data.validate import read_dataset

    ex = Exploration(
        ds=None,
        source=str(dataset),
        site=str(site),
        audience=audience,
        lang=lang,
        min_cell=min_cell,
        seed=seed,
        interactive=_interactive() if interactive is None else bool(interactive),
    )
    try:
        ex.check_parameters()
    except ConfigError as err:
        ex.problem = View([str(err)], kind="problem")
        return ex
    try:
        ex.ds = read_dataset(dataset, lang=lang)
    except DataError as err:
        ex.problem = _problem_view(err, lang)
        return ex
    except (FileNotFoundError, NotADirectoryError, AnalyseError) as err:
        ex.problem = View(
            [
                _t(lang, "Data kunne ikke læses: ", "The data could not be read: ") + str(err),
                _t(
                    lang,
                    "Ret stien i parametercellen (dataset).",
                    "Fix the path in the parameters cell (dataset).",
                ),
            ],
            kind="problem",
        )
        return ex
    if site != ALL and site not in ex.ds.sites:
        ex.problem = View([_unknown_site(site, ex.ds.sites, lang)], kind="problem")
    return ex


class Exploration(_Sammenligning, _Borgerniveau, _Afproevning, _Forstaaelse, _Behov, _Kortlaegning):
    """A data set opened for exploration, with the notebook's parameters.

    Create it with :func:`open`. Each public method is one analysis of notebooks 01-04 and
    returns a :class:`View`. When :attr:`problem` is set (bad data, unknown site, bad
    parameter), every method returns a short view pointing to it instead of raising.
    """
