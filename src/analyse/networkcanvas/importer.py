"""Import Network Canvas interviews as the ``relations`` table, pseudonymised at the door.

Network Canvas (Interviewer, Fresco) exports one set of CSV files per interview session:

- ``<caseID>_<sessionID>_ego.csv``: ``networkCanvasEgoUUID, networkCanvasCaseID,
  networkCanvasSessionID, networkCanvasProtocolName, sessionStart, sessionFinish,
  sessionExported`` and the protocol's ego variables;
- ``<caseID>_<sessionID>_attributeList_<NodeType>.csv``: one row per alter: ``nodeID,
  networkCanvasEgoUUID, networkCanvasUUID`` and the node variables (booleans ``true``/``false``/
  empty, a categorical variable ``V`` as one ``V_<option>`` column per option, an ordinal
  variable as one column, a sociogram layout ``L`` as ``L_x``/``L_y`` in [0, 1], usually
  ``name``). A session without alters may have no attribute list at all;
- ``<caseID>_<sessionID>_edgeList_<EdgeType>.csv``: alter-alter ties (not used here).

A GraphML export (one ``.graphml`` per session) is read through the same mapping: its data keys
are renamed to the variables' names, which are the CSV export's column names.

A mapping file (TOML, see ``docs/networkcanvas.md`` and ``examples/networkcanvas-mapping.toml``)
says which variable of the protocol becomes which column of the data contract. The alters'
names never leave this module: ``alter_id`` is a keyed hash (HMAC-SHA-256) of the resident and
the normalised ``alter_match`` value, so the same person gets the same pseudonym in every wave
of that resident, and nobody without the key can recompute it.

:func:`read_export` and :func:`load_export` read; :func:`import_export` writes
``relations.csv`` and ``import-report.json`` atomically; :func:`import_networkcanvas_command`
is the command line (``analyse import-networkcanvas``).
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import hashlib
import hmac
import io
import json
import os
import re
import tomllib
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from collections.abc import Mapping as MappingABC
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import typer

from analyse.data.identifiers import find_cpr, is_pseudonym
from analyse.data.io import (
    MAX_ZIP_ENTRY_BYTES,
    ReadIssue,
    check_zip_entries,
    decode,
    encoding_issues,
)
from analyse.errors import AnalyseError, ConfigError, DataError, PrivacyError
from analyse.problems import Problem

__all__ = [
    "KEY_ENV_VAR",
    "RELATION_COLUMNS",
    "FieldSpec",
    "ImportReport",
    "NetworkCanvasImport",
    "NetworkCanvasMapping",
    "SessionRecord",
    "closeness_ring",
    "import_export",
    "import_networkcanvas_command",
    "load_export",
    "load_mapping",
    "parse_mapping",
    "pseudonymise",
    "read_export",
    "ring_radii",
]

#: Environment variable read when no key is given.
KEY_ENV_VAR = "ANALYSE_PSEUDONYM_KEY"
#: Shortest key accepted: names are easy to guess, so the key must not be.
MIN_KEY_LENGTH = 16
#: The fewest different characters a key may have (16 spaces or ``aaaa…`` protect nothing).
MIN_KEY_DISTINCT = 8

RELATION_COLUMNS = (
    "resident_id",
    "wave",
    "alter_id",
    "alter_type",
    "closeness",
    "contact",
    "resident_gives",
    "resident_receives",
    "initiative",
)

EGO_UUID = "networkCanvasEgoUUID"
CASE_ID = "networkCanvasCaseID"

WAVE_CODES = ("pre", "post", "followup")
#: Spellings of the waves accepted in an ego column when the mapping gives no ``values``.
_WAVE_SPELLINGS = {
    "pre": ("pre", "før", "foer", "for", "before", "baseline"),
    "post": ("post", "efter", "after"),
    "followup": ("followup", "follow-up", "follow_up", "opfølgning", "opfoelgning"),
}
_CODES: dict[str, tuple[str, ...]] = {
    "alter_type": (
        "family",
        "partner",
        "friend",
        "co_resident",
        "staff",
        "volunteer",
        "community",
        "other",
    ),
    "contact": ("daily", "weekly", "monthly", "rarely"),
    "initiative": ("resident", "other", "staff", "mutual"),
    "closeness": ("1", "2", "3"),
    "resident_gives": ("true", "false", "yes", "no"),
    "resident_receives": ("true", "false", "yes", "no"),
    "wave": WAVE_CODES,
}
_EGO_FIELDS = ("resident_id", "wave", "site_id")
_NODE_FIELDS = (
    "alter_type",
    "closeness",
    "contact",
    "resident_gives",
    "resident_receives",
    "initiative",
)
_REQUIRED_KEYS = (
    "node_type",
    "resident_id",
    "wave",
    "alter_match",
    "alter_type",
    "closeness",
    "contact",
    "resident_gives",
    "resident_receives",
)
_OPTIONAL_KEYS = ("site_id", "initiative")
#: Questions a protocol may not have asked (``not_asked = true``): never replaced by a constant.
_NOT_ASKABLE = ("resident_gives", "resident_receives")
_BOOL_FIELDS = ("resident_gives", "resident_receives")
#: Rings of a sociogram's layout (Network Canvas draws a handful; the contract has three
#: circles): a mapping asking for more is refused before anything is computed from it.
MAX_RINGS = 100
_BOOL_CODE = {"true": "yes", "false": "no", "yes": "yes", "no": "no"}


# --------------------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class FieldSpec:
    """How one contract column is read from the export.

    Parameters
    ----------
    name
        The contract column (``alter_type``, ``wave``, ...).
    kind
        ``column`` (one column of the ego or attribute list), ``categorical`` (Network Canvas's
        ``V_<option>`` columns), ``layout`` (sociogram coordinates ``L_x``/``L_y``, closeness
        only), ``constant``, or ``not_asked`` (the protocol has no such question: the column
        stays empty and the import report says so; ``resident_gives``/``resident_receives``).
    source
        The variable's name in the export (``None`` for a constant).
    constant
        The canonical value of a constant.
    values
        Export value (case-folded) -> canonical code. Empty when the column holds the codes
        themselves (``resident_id``, ``site_id``, booleans written ``true``/``false``, waves
        written as codes or their Danish aliases).
    empty
        Canonical value given to an empty cell or an alter with no option chosen; ``None``
        makes an empty cell a problem (required columns) or a missing value (``initiative``).
    radii
        Layout only: the outer radius of each ring, inner to outer, in canvas units (the
        canvas is the unit square, its centre is (0.5, 0.5)).
    ring_closeness
        Layout only: the closeness code (1-3) of each ring.
    aspect_ratio
        Layout only: the sociogram canvas's width divided by its height.
    unplaced
        Layout only: what an alter without coordinates becomes: a problem (``error``) or the
        outer circle (``outer``).
    """

    name: str
    kind: Literal["column", "categorical", "layout", "constant", "not_asked"]
    source: str | None = None
    constant: Any = None
    values: MappingABC[str, str] = field(default_factory=dict)
    empty: Any = None
    radii: tuple[float, ...] = ()
    ring_closeness: tuple[int, ...] = ()
    aspect_ratio: float = 1.0
    unplaced: Literal["error", "outer"] = "error"


@dataclass(frozen=True)
class NetworkCanvasMapping:
    """A validated mapping file; build it with :func:`load_mapping` or :func:`parse_mapping`."""

    node_type: str
    resident_id: FieldSpec
    wave: FieldSpec
    alter_match: str
    alter_type: FieldSpec
    closeness: FieldSpec
    contact: FieldSpec
    resident_gives: FieldSpec
    resident_receives: FieldSpec
    site_id: FieldSpec | None = None
    initiative: FieldSpec | None = None
    source: str = "mapping"

    def node_fields(self) -> list[FieldSpec]:
        specs = [getattr(self, name) for name in _NODE_FIELDS]
        return [s for s in specs if s is not None]


def _short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (a mapping value may be huge)."""
    text = (
        repr(value) if not isinstance(value, list) or len(value) <= 20 else f"[{len(value)} items]"
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The language of this module's messages while :func:`import_export` runs (its ``lang``);
#: English when the functions are called on their own.
_MESSAGE_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("nc_lang", default="en")


def _t(key: str, **fields: object) -> str:
    """The message ``key`` of :data:`analyse.words.networkcanvas.NC_MESSAGES` in the language
    of the running import (:data:`_MESSAGE_LANG`)."""
    from analyse.words.networkcanvas import nc_text

    return nc_text(key, _MESSAGE_LANG.get(), **fields)


def ring_radii(
    rings: int, *, spacing: Literal["equal", "interviewer", "fresco"] = "equal"
) -> tuple[float, ...]:
    """Outer radius of each concentric circle of a sociogram, in canvas units.

    Parameters
    ----------
    rings
        Number of circles drawn (1 or more).
    spacing
        ``equal``: equally spaced out to radius 0.5. ``interviewer``: Network Canvas
        Interviewer's "skewed toward centre" circles (the average, weighted 3:1, of equal-area
        and equal-width circles). ``fresco``: Fresco's skewed circles,
        ``0.5 * (1 - (1 - i/n) ** 1.4)``.

    Returns
    -------
    tuple of float
        ``rings`` increasing radii, the last 0.5.

    Notes
    -----
    The formulas are those of the circles the interviewing apps draw (Interviewer's
    ``Radar`` component and Fresco's ``ConcentricCircles``), on a 100 x 100 view box scaled
    here to the unit square.

    Examples
    --------
    >>> [round(r, 4) for r in ring_radii(3)]
    [0.1667, 0.3333, 0.5]
    >>> [round(r, 4) for r in ring_radii(3, spacing="interviewer")]
    [0.2582, 0.3895, 0.5]
    >>> [round(r, 4) for r in ring_radii(3, spacing="fresco")]
    [0.2165, 0.3926, 0.5]
    """
    if not isinstance(rings, int) or isinstance(rings, bool) or not 1 <= rings <= MAX_RINGS:
        raise ConfigError(_t("rings_range", where="", max=MAX_RINGS, value=_short_repr(rings)))
    i = np.arange(1, rings + 1)
    equal = 0.5 * i / rings
    if spacing == "equal":
        radii = equal
    elif spacing == "interviewer":
        by_area = np.sqrt(0.25 * i / rings)
        radii = (3 * by_area + equal) / 4
    elif spacing == "fresco":
        radii = 0.5 * (1 - (1 - i / rings) ** 1.4)
    else:
        raise ConfigError(_t("spacing", where="", value=_short_repr(spacing)))
    return tuple(float(r) for r in radii)


def closeness_ring(
    x: Any, y: Any, *, radii: tuple[float, ...], aspect_ratio: float = 1.0
) -> np.ndarray:
    """The ring (1 = innermost) in which each sociogram position lies.

    Parameters
    ----------
    x, y
        Layout coordinates as Network Canvas exports them: fractions of the canvas's width and
        height, (0, 0) top left, (0.5, 0.5) the centre (array-likes of equal length; NaN for an
        alter not placed).
    radii
        Outer radius of each ring, increasing, in canvas units (see :func:`ring_radii`).
    aspect_ratio
        The canvas's width divided by its height. The circles are drawn round on the screen,
        so on a wide canvas a horizontal step counts ``aspect_ratio`` times a vertical one.

    Returns
    -------
    numpy.ndarray of float
        Ring number ``k`` for ``radii[k-2] < d <= radii[k-1]`` where
        ``d = hypot((x - 0.5) * aspect_ratio, y - 0.5)``; ``len(radii) + 1`` outside the outer
        circle; NaN where a coordinate is missing.

    Notes
    -----
    A position exactly on a circle belongs to the inner of the two rings it separates.

    Examples
    --------
    >>> closeness_ring([0.5, 0.6, 0.5, 0.9, 0.0, np.nan], [0.5, 0.5, 0.2, 0.5, 0.0, 0.5],
    ...                radii=ring_radii(3))
    array([ 1.,  1.,  2.,  3.,  4., nan])
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    distance = np.hypot((xs - 0.5) * aspect_ratio, ys - 0.5)
    # A tolerance of a few ulps keeps a point drawn on a circle (1/6, 1/3) in the inner ring.
    edges = np.asarray(radii, dtype=float) * (1 + 1e-12)
    ring = (np.searchsorted(edges, distance, side="left") + 1).astype(float)
    ring[np.isnan(distance)] = np.nan
    return ring


def _as_option_list(value: Any, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise ConfigError(_t("option_value", where=where, value=_short_repr(item)))
        text = str(item).strip()
        if not text:
            raise ConfigError(_t("empty_option", where=where))
        out.append(text)
    return out


def _parse_values(name: str, raw: Any, src: str) -> dict[str, str]:
    where = f"{src}: [{name}].values"
    if not isinstance(raw, MappingABC) or not raw:
        raise ConfigError(_t("values_table", where=where, value=_short_repr(raw)))
    allowed = _CODES[name]
    lookup: dict[str, str] = {}
    for code, options in raw.items():
        code_text = str(code).strip().lower()
        if code_text not in allowed:
            raise ConfigError(
                _t("not_a_code", where=where, code=repr(code), name=name, codes=", ".join(allowed))
            )
        for option in _as_option_list(options, f"{where}.{code}"):
            folded = option.casefold()
            if folded in lookup and lookup[folded] != code_text:
                raise ConfigError(
                    _t(
                        "option_twice",
                        where=where,
                        option=repr(option),
                        first=repr(lookup[folded]),
                        second=repr(code_text),
                    )
                )
            lookup[folded] = (
                _BOOL_CODE.get(code_text, code_text) if name in _BOOL_FIELDS else code_text
            )
    return lookup


def _constant(name: str, value: Any, src: str) -> Any:
    where = f"{src}: {name}.value"
    if name in ("resident_gives", "resident_receives"):
        if not isinstance(value, bool):
            raise ConfigError(_t("const_bool", where=where, value=_short_repr(value)))
        return value
    if name == "closeness":
        if isinstance(value, bool) or value not in (1, 2, 3):
            raise ConfigError(_t("const_closeness", where=where, value=_short_repr(value)))
        return int(value)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(_t("const_text", where=where, value=_short_repr(value)))
    text = value.strip()
    if name == "wave":
        code = _wave_lookup().get(text.casefold())
        if code is None:
            raise ConfigError(
                _t("const_one_of", where=where, codes=", ".join(WAVE_CODES), value=repr(value))
            )
        return code
    if name in _CODES:
        if text.lower() not in _CODES[name]:
            raise ConfigError(
                _t("const_one_of", where=where, codes=", ".join(_CODES[name]), value=repr(value))
            )
        return text.lower()
    return text


def _wave_lookup() -> dict[str, str]:
    return {s.casefold(): code for code, spellings in _WAVE_SPELLINGS.items() for s in spellings}


def _parse_field(name: str, raw: Any, src: str) -> FieldSpec:
    if isinstance(raw, str):
        if name in _NODE_FIELDS and name not in ("resident_gives", "resident_receives"):
            raise ConfigError(_t("needs_values_table", src=src, name=name, raw=raw))
        if not raw.strip():
            raise ConfigError(_t("empty_column_name", src=src, name=name))
        return FieldSpec(name=name, kind="column", source=raw.strip())
    if not isinstance(raw, MappingABC):
        raise ConfigError(_t("field_type", src=src, name=name, value=_short_repr(raw)))
    kinds = [k for k in ("variable", "categorical", "layout", "value", "not_asked") if k in raw]
    if len(kinds) != 1:
        raise ConfigError(
            _t(
                "one_kind",
                src=src,
                name=name,
                layout=", layout" if name == "closeness" else "",
                not_asked=_t("or_not_asked") if name in _NOT_ASKABLE else "",
                kinds=", ".join(kinds) or _t("none"),
            )
        )
    kind = kinds[0]
    if kind == "not_asked":
        return _parse_not_asked(name, raw, src)
    allowed_keys = {
        "variable": {"variable", "values", "empty"},
        "categorical": {"categorical", "values", "empty"},
        "layout": {
            "layout",
            "rings",
            "spacing",
            "radii",
            "ring_closeness",
            "aspect_ratio",
            "unplaced",
        },
        "value": {"value"},
    }[kind]
    if name in _EGO_FIELDS:
        allowed_keys = allowed_keys - {"empty"}
    unknown = sorted(set(raw) - allowed_keys)
    if unknown:
        raise ConfigError(
            _t(
                "unknown_keys",
                src=src,
                name=name,
                unknown=", ".join(unknown),
                kind=kind,
                allowed=", ".join(sorted(allowed_keys)),
            )
        )
    if kind == "value":
        return FieldSpec(name=name, kind="constant", constant=_constant(name, raw["value"], src))
    if kind == "layout" and name != "closeness":
        raise ConfigError(_t("layout_only_closeness", src=src, name=name))
    if name in ("resident_id", "site_id") and kind != "variable":
        raise ConfigError(_t("ego_column", src=src, name=name))
    source = raw[kind]
    if not isinstance(source, str) or not source.strip():
        raise ConfigError(
            _t("source_name", src=src, name=name, kind=kind, value=_short_repr(source))
        )
    source = source.strip()
    if kind == "layout":
        return _parse_layout(raw, source, src)
    values: dict[str, str] = {}
    if "values" in raw:
        if name in ("resident_id", "site_id"):
            raise ConfigError(_t("no_values", src=src, name=name))
        values = _parse_values(name, raw["values"], src)
    elif kind == "categorical" or name in ("alter_type", "contact", "initiative", "closeness"):
        raise ConfigError(
            _t(
                "needs_values",
                src=src,
                name=name,
                source=repr(source),
                codes=", ".join(_CODES[name]),
            )
        )
    empty = None
    if "empty" in raw:
        empty = _constant(name, raw["empty"], src)
    return FieldSpec(
        name=name,
        kind="column" if kind == "variable" else "categorical",
        source=source,
        values=values,
        empty=empty,
    )


def _parse_not_asked(name: str, raw: MappingABC, src: str) -> FieldSpec:
    """``not_asked = true``: the protocol never asked this question (no constant invented)."""
    if name not in _NOT_ASKABLE:
        raise ConfigError(
            _t("not_askable", src=src, name=name, askable=_t("and").join(_NOT_ASKABLE))
        )
    if raw["not_asked"] is not True:
        raise ConfigError(
            _t("not_asked_true", src=src, name=name, value=_short_repr(raw["not_asked"]))
        )
    if len(raw) > 1:
        others = ", ".join(sorted(set(raw) - {"not_asked"}))
        raise ConfigError(_t("not_asked_alone", src=src, name=name, others=others))
    return FieldSpec(name=name, kind="not_asked")


def _parse_layout(raw: MappingABC, source: str, src: str) -> FieldSpec:
    where = f"{src}: [closeness]"
    if "radii" in raw and ("rings" in raw or "spacing" in raw):
        raise ConfigError(_t("radii_or_rings", where=where))
    if "radii" in raw:
        radii_raw = raw["radii"]
        if (
            not isinstance(radii_raw, list)
            or not radii_raw
            or len(radii_raw) > MAX_RINGS
            or any(isinstance(r, bool) or not isinstance(r, int | float) for r in radii_raw)
        ):
            raise ConfigError(
                _t("radii_list", where=where, max=MAX_RINGS, value=_short_repr(radii_raw))
            )
        radii = tuple(float(r) for r in radii_raw)
        if (
            any(r <= 0 for r in radii)
            or any(b <= a for a, b in zip(radii, radii[1:], strict=False))
            or radii[-1] > 0.5 + 1e-9
        ):
            raise ConfigError(_t("radii_order", where=where, value=_short_repr(list(radii))))
    else:
        rings = raw.get("rings", 3)
        spacing = raw.get("spacing", "equal")
        if isinstance(rings, bool) or not isinstance(rings, int) or not 1 <= rings <= MAX_RINGS:
            raise ConfigError(
                _t("rings_range", where=f"{where}.", max=MAX_RINGS, value=_short_repr(rings))
            )
        if spacing not in ("equal", "interviewer", "fresco"):
            raise ConfigError(_t("spacing", where=f"{where}.", value=_short_repr(spacing)))
        radii = ring_radii(rings, spacing=spacing)
    n = len(radii)
    if "ring_closeness" in raw:
        rc = raw["ring_closeness"]
        if (
            not isinstance(rc, list)
            or len(rc) != n
            or any(isinstance(c, bool) or c not in (1, 2, 3) for c in rc)
            or any(b < a for a, b in zip(rc, rc[1:], strict=False))
        ):
            raise ConfigError(_t("ring_closeness", where=where, n=n, value=_short_repr(rc)))
        ring_closeness = tuple(int(c) for c in rc)
    elif n == 3:
        ring_closeness = (1, 2, 3)
    else:
        raise ConfigError(_t("ring_count", where=where, n=n))
    aspect = raw.get("aspect_ratio", 1.0)
    if isinstance(aspect, bool) or not isinstance(aspect, int | float) or not aspect > 0:
        raise ConfigError(_t("aspect_ratio", where=where, value=_short_repr(aspect)))
    unplaced = raw.get("unplaced", "error")
    if unplaced not in ("error", "outer"):
        raise ConfigError(_t("unplaced_option", where=where, value=_short_repr(unplaced)))
    return FieldSpec(
        name="closeness",
        kind="layout",
        source=source,
        radii=radii,
        ring_closeness=ring_closeness,
        aspect_ratio=float(aspect),
        unplaced=unplaced,
    )


def parse_mapping(data: MappingABC[str, Any], *, source: str = "mapping") -> NetworkCanvasMapping:
    """Validate a mapping given as a dictionary (the parsed TOML).

    Parameters
    ----------
    data
        The mapping, as :func:`tomllib.load` returns it.
    source
        Name of the file, used in error messages.

    Returns
    -------
    NetworkCanvasMapping

    Raises
    ------
    ConfigError
        Naming the key that is missing, unknown or wrong, and what it should be.

    Examples
    --------
    >>> m = parse_mapping({
    ...     "node_type": "Person", "resident_id": "networkCanvasCaseID", "wave": {"value": "pre"},
    ...     "alter_match": "name",
    ...     "alter_type": {"categorical": "Type", "values": {"family": "Familie", "other": "Anden"}},
    ...     "closeness": {"layout": "Circle", "rings": 3},
    ...     "contact": {"variable": "Kontakt", "values": {"daily": "Dagligt", "rarely": "Sjaeldnere"}},
    ...     "resident_gives": {"variable": "Giver"}, "resident_receives": {"variable": "Modtager"}})
    >>> m.closeness.ring_closeness, m.wave.constant
    ((1, 2, 3), 'pre')
    """
    if not isinstance(data, MappingABC):
        raise ConfigError(_t("not_a_table", source=source, type=type(data).__name__))
    unknown = sorted(set(data) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS))
    if unknown:
        raise ConfigError(
            _t(
                "unknown_keys_top",
                source=source,
                unknown=", ".join(unknown),
                keys=", ".join(_REQUIRED_KEYS + _OPTIONAL_KEYS),
            )
        )
    missing = [k for k in _REQUIRED_KEYS if k not in data]
    if missing:
        raise ConfigError(_t("missing_keys", source=source, missing=", ".join(missing)))
    node_type = data["node_type"]
    if not isinstance(node_type, str) or not node_type.strip():
        raise ConfigError(_t("node_type", source=source, value=_short_repr(node_type)))
    alter_match = data["alter_match"]
    if not isinstance(alter_match, str) or not alter_match.strip():
        raise ConfigError(_t("alter_match", source=source, value=_short_repr(alter_match)))
    fields = {}
    for name in ("resident_id", "wave", "site_id", *_NODE_FIELDS):
        if name in data:
            fields[name] = _parse_field(name, data[name], source)
    return NetworkCanvasMapping(
        node_type=node_type.strip(),
        alter_match=alter_match.strip(),
        source=source,
        **fields,
    )


def load_mapping(path: str | os.PathLike[str]) -> NetworkCanvasMapping:
    """Read and validate a mapping file (TOML).

    Raises
    ------
    ConfigError
        If the file is missing, is not valid TOML, or a key is missing, unknown or wrong.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(_t("mapping_missing", path=path)) from None
    except IsADirectoryError:
        raise ConfigError(_t("mapping_is_folder", path=path)) from None
    except OSError:  # no permission, a FIFO or device that cannot be read as a file ...
        raise ConfigError(_t("mapping_unreadable", path=path)) from None
    except UnicodeDecodeError:
        raise ConfigError(_t("mapping_not_utf8", name=path.name)) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's own words are English: the Danish message keeps only where it is
        at = re.search(r"line (\d+), column (\d+)", str(exc))
        if at:
            key, fields = "mapping_toml", {"line": at.group(1), "column": at.group(2)}
        else:
            key, fields = "mapping_toml_nowhere", {}
        raise ConfigError(_t(key, name=path.name, detail=exc, **fields)) from None
    return parse_mapping(data, source=path.name)


def _coerce_mapping(
    mapping: NetworkCanvasMapping | MappingABC[str, Any] | str | os.PathLike[str],
) -> NetworkCanvasMapping:
    if isinstance(mapping, NetworkCanvasMapping):
        return mapping
    if isinstance(mapping, str | os.PathLike):
        return load_mapping(mapping)
    if isinstance(mapping, MappingABC):
        return parse_mapping(mapping)
    raise ConfigError(_t("mapping_type", type=type(mapping).__name__))


# --------------------------------------------------------------------------- pseudonyms


def _resolve_key(key: str | bytes | None, *, lang: str | None = None) -> bytes:
    """The key's bytes: UTF-8 of its NFC form without surrounding white space, refused if
    missing, short or too uniform.

    A key typed on two machines may come as NFC (``å`` one code point) or NFD (``a`` and a
    combining ring); both give the same bytes, so both give the same pseudonyms.

    >>> _resolve_key("nøgle-til-år-2026") == _resolve_key("nøgle-til-a\u030ar-2026")
    True
    >>> _resolve_key(" nøgle-til-år-2026\\n") == _resolve_key("nøgle-til-år-2026")
    True
    """
    lang = _MESSAGE_LANG.get() if lang is None else lang
    if key is None or (isinstance(key, str | bytes) and not key):
        key = os.environ.get(KEY_ENV_VAR) or None
    if key is None:
        raise ConfigError(
            f"Ingen pseudonymiseringsnøgle: angiv --key, eller sæt miljøvariablen {KEY_ENV_VAR}. "
            "Brug den samme hemmelige nøgle til alle målinger i en undersøgelse, og gem den uden "
            "for datamappen."
            if lang == "da"
            else f"No pseudonymisation key: give --key or set the environment variable "
            f"{KEY_ENV_VAR}. Use the same secret key for every wave of a study, keep it out of "
            "the data folder."
        )
    if isinstance(key, str):
        # Surrounding white space is never part of a key (a key pasted from an e-mail or set
        # with a trailing newline must give the same pseudonyms as the key typed).
        key = unicodedata.normalize("NFC", key).strip()
        raw, distinct = key.encode("utf-8"), len(set(key))
    else:
        raw = bytes(key)
        distinct = len(set(raw))
    if len(raw) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"Pseudonymiseringsnøglen har {len(raw)} tegn; den skal have mindst {MIN_KEY_LENGTH}, "
            "for fornavne er lette at gætte, og kun nøglen beskytter dem."
            if lang == "da"
            else f"The pseudonymisation key is {len(raw)} characters; it must be at least "
            f"{MIN_KEY_LENGTH}, because first names are easy to guess and only the key protects "
            "them."
        )
    if distinct < MIN_KEY_DISTINCT:
        raise ConfigError(
            f"Pseudonymiseringsnøglen har kun {distinct} forskellige tegn; den skal have mindst "
            f"{MIN_KEY_DISTINCT}, for en nøgle som 16 mellemrum er let at gætte, og kun nøglen "
            "beskytter navnene."
            if lang == "da"
            else f"The pseudonymisation key has only {distinct} different characters; it must "
            f"have at least {MIN_KEY_DISTINCT}, because a key such as 16 spaces is easy to guess "
            "and only the key protects the names."
        )
    return raw


def normalise_match(value: str) -> str:
    """The form of an ``alter_match`` value that is hashed.

    Unicode NFKC, case-folded, surrounding white space removed and inner runs of white space
    written as one space.

    >>> normalise_match("  Mor ") == normalise_match("mor")
    True
    >>> normalise_match("Anne  Marie")
    'anne marie'
    """
    return " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def pseudonymise(resident_id: Any, match: Any, key: str | bytes | None) -> list[str]:
    """Keyed pseudonyms of alters: the same resident and match value give the same id.

    Parameters
    ----------
    resident_id, match
        Equal-length sequences: the resident and the alter's ``alter_match`` value (a name).
    key
        The secret key (``None``: the environment variable ``ANALYSE_PSEUDONYM_KEY``), at least
        16 characters.

    Returns
    -------
    list of str
        ``A`` followed by a digit and 11 hexadecimal characters in groups of four
        (``A7f3c-09ab-1e2d``), from ``HMAC-SHA-256(key, resident_id + "\\x1f" +
        normalise_match(match))``.

    Notes
    -----
    The resident is part of the message, so the same first name in two residents' networks
    gets two pseudonyms. The digit and the grouping keep every pseudonym within the data
    contract's pseudonym pattern and never six digits in a row, so no pseudonym can be taken
    for a CPR number.

    Examples
    --------
    >>> a = pseudonymise(["B017", "B017", "B018"], ["Mor", " mor", "Mor"], "a secret key of 16+ chars")
    >>> a[0] == a[1], a[0] == a[2], len(a[0])
    (True, False, 15)
    """
    secret = _resolve_key(key)
    out = []
    for resident, value in zip(resident_id, match, strict=True):
        message = f"{resident}\x1f{normalise_match(value)}".encode()
        digest = hmac.new(secret, message, hashlib.sha256).digest()
        h = digest.hex()
        out.append(f"A{digest[0] % 10}{h[2:5]}-{h[5:9]}-{h[9:13]}")
    return out


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class SessionRecord:
    """One interview read: whose, which wave, how many alters (0 = a zero network)."""

    resident_id: str
    wave: str
    site_id: str | None
    n_alters: int


@dataclass
class ImportReport:
    """What an import read and did; written as ``import-report.json``.

    Holds no names, no layout coordinates, no key and no file names (a case ID may be a name).
    """

    sessions_read: int
    residents: int
    relations: int
    sessions: list[SessionRecord]
    values_mapped: dict[str, list[dict[str, Any]]]
    warnings: list[str]
    edge_lists_ignored: int = 0
    node_type: str = ""
    #: Questions the protocol did not ask (``not_asked = true``): empty in ``relations.csv``.
    not_asked: list[str] = field(default_factory=list)
    #: Node types of the export other than ``node_type``, with how many nodes they hold.
    other_node_types: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sessions"] = [asdict(s) for s in self.sessions]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@dataclass
class NetworkCanvasImport:
    """Everything an import produces: the relations, the sites (if mapped), the report."""

    relations: pd.DataFrame
    sites: pd.DataFrame | None
    report: ImportReport


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class _File:
    name: str  # as the user sees it: path relative to the export folder or zip
    read: Callable[[], bytes]


def _list_files(path: Path) -> list[_File]:
    def visible(rel: str) -> bool:
        parts = rel.replace("\\", "/").split("/")
        return not any(p.startswith(".") or p == "__MACOSX" for p in parts)

    if path.is_dir():
        files = []
        for p in sorted(q for q in path.rglob("*") if q.suffix.lower() in (".csv", ".graphml")):
            rel = p.relative_to(path).as_posix()
            if p.is_file() and visible(rel):
                _check_size(rel, p.stat().st_size)
                files.append(_File(rel, p.read_bytes))
        return files
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:  # exports are small: read them at once
            wanted = [
                info
                for info in sorted(archive.infolist(), key=lambda i: i.filename)
                if not info.is_dir()
                and info.filename.lower().endswith((".csv", ".graphml"))
                and visible(info.filename)
            ]
            _check_zip(wanted, path.name)
            # zipfile never unpacks more than a part's recorded size, checked above.
            return [
                _File(info.filename, functools.partial(bytes, archive.read(info)))
                for info in wanted
            ]
    raise DataError(
        [
            Problem(
                str(path),
                None,
                None,
                None,
                _t("export_missing"),
                code="missing_export",
            )
        ]
    )


def _too_large(name: str, message: str) -> DataError:
    return DataError([Problem(name, None, None, None, message, code="archive_too_large")])


def _check_size(name: str, size: int) -> None:
    """Refuse an export file larger than :data:`analyse.data.io.MAX_ZIP_ENTRY_BYTES`."""
    if size > MAX_ZIP_ENTRY_BYTES:
        raise _too_large(
            name, _t("file_too_large", mb=size // 2**20, limit=MAX_ZIP_ENTRY_BYTES // 2**20)
        )


def _check_zip(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a zip whose parts would unpack to too much, before unpacking any (a zip bomb)."""
    try:
        check_zip_entries(infos, name)
    except ReadIssue as issue:
        raise _too_large(
            name,
            _t(
                "zip_part",
                value=repr(issue.value),
                mb=issue.fields["mb"],
                limit=issue.fields["limit"],
                ratio=issue.fields["ratio"],
            ),
        ) from None
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_ENTRY_BYTES:
        raise _too_large(
            name, _t("zip_total", mb=total // 2**20, limit=MAX_ZIP_ENTRY_BYTES // 2**20)
        )


def _read_csv(file: _File, problems: list[Problem]) -> pd.DataFrame | None:
    text, encoding = decode(file.read())  # UTF-8 as Network Canvas writes; cp1252 if re-saved
    found = encoding_issues(text, encoding, ";" if ";" in text[:4096] else ",")
    if found:  # a NUL or a line in another encoding: reported, never guessed or cut
        line, _, code = found[0]
        what = _t("nul_byte" if code == "nul_byte" else "not_utf8")
        problems.append(
            Problem(
                file.name,
                line,
                None,
                None,
                _t("bad_encoding", line=line, what=what, n=len(found)),
                code=code,
            )
        )
        return None
    if not text.strip():
        problems.append(
            Problem(
                file.name,
                None,
                None,
                None,
                _t("empty_file"),
                code="empty_file",
            )
        )
        return None
    header = text.splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, ValueError) as exc:
        problems.append(
            Problem(
                file.name,
                None,
                None,
                None,
                _t("unreadable_csv", detail=exc),
                code="unreadable",
            )
        )
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.reset_index(drop=True)


def _count_rows(file: _File) -> int:
    """The number of nodes in an attribute list that is not read (0 if it cannot be read)."""
    frame = _read_csv(file, [])
    return 0 if frame is None else len(frame)


def _escape_entity(name: str) -> str:
    # What Network Canvas does to a node type before putting it in a file name.
    return re.sub(r"[^A-Za-z0-9_]", "", name)


def _row(frame: pd.DataFrame, index: Any) -> int | None:
    """The row a user sees: Excel's row number in a CSV file, the node id in GraphML."""
    rows = frame.attrs.get("rows")
    if rows is None:
        return int(index) + 2
    return None if rows[index] is None else int(rows[index])


# --------------------------------------------------------------------------- evaluating fields


def _comparable(text: str) -> str:
    """An option or variable name as a person reads it: case, ``_``, ``-`` and spaces aside."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return " ".join(re.sub(r"[_\-]+", " ", text).split())


def _closest(value: str, candidates: Any) -> str | None:
    """The candidate closest to ``value`` (:func:`difflib.get_close_matches`), if any is close.

    >>> _closest("Less_than_weekly", ["less than weekly", "daily"])
    'less than weekly'
    >>> _closest("ContactFrq", ["ContactFreq", "Close"])
    'ContactFreq'
    >>> _closest("xyz", ["daily"]) is None
    True
    """
    by_form: dict[str, str] = {}
    for c in candidates:
        by_form.setdefault(_comparable(c), str(c))
    hits = difflib.get_close_matches(_comparable(value), list(by_form), n=1, cutoff=0.6)
    return by_form[hits[0]] if hits else None


def _column_hint(column: str, columns: Any) -> str:
    """The hint "Did you mean 'X'?" for the closest column of the file, or nothing."""
    hit = _closest(column, [c for c in columns if c != column])
    return _t("did_you_mean", hit=repr(hit)) if hit else ""


def _option_hint(spec: FieldSpec, value: str) -> str:
    """A hint for an export option the mapping lacks: the mapping's closest option, if any.

    Mapping options are matched as the export spells them (case aside): an option *label*
    typed instead of its *value* (``Less than weekly`` for ``Less_than_weekly``) is not found.
    """
    hit = _closest(value, spec.values)
    if hit is None:
        return ""
    code = spec.values[hit]  # the mapping's options are stored case-folded
    return _t("did_you_mean_option", hit=repr(hit), code=code, value=repr(value))


def _answers_not_asked(
    spec: FieldSpec, frame: pd.DataFrame, file: str, problems: list[Problem]
) -> None:
    """A problem for answers in the export to a question the mapping says was not asked
    (``not_asked = true``): a column named as the contract column, its Danish name or its
    short English name (``resident_gives``/``giver``/``gives``, ``resident_receives``/
    ``modtager``/``receives``; any case) with a value. They
    would be dropped without a word; the mapping must read them or the column must go."""
    from analyse.data.schema import fold, table_spec

    column = next(c for c in table_spec("relations").columns if c.name == spec.name)
    english = spec.name.removeprefix("resident_")  # gives, receives (as protocols name them)
    names = {fold(spec.name), fold(column.da), fold(english)}
    for col in frame.columns:
        if fold(str(col)) not in names:
            continue
        text = frame[col].astype("string").str.strip()
        answered = text.notna() & (text != "")
        if not answered.any():
            continue
        first = answered.idxmax()
        problems.append(
            Problem(
                file,
                _row(frame, first),
                str(col),
                str(frame.at[first, col]),
                _t(
                    "not_asked_answered",
                    name=spec.name,
                    column=repr(str(col)),
                    n=int(answered.sum()),
                    raw=col,
                ),
                code="not_asked_answered",
            )
        )


def _evaluate(
    spec: FieldSpec,
    frame: pd.DataFrame,
    file: str,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
    *,
    required: bool,
    where: str,
) -> pd.Series:
    """The canonical values of one field for every row of ``frame`` (object Series, NA allowed)."""
    n = len(frame)
    if spec.kind == "constant":
        return pd.Series([spec.constant] * n, index=frame.index, dtype=object)
    if spec.kind == "not_asked":
        _answers_not_asked(spec, frame, file, problems)
        return pd.Series([pd.NA] * n, index=frame.index, dtype=object)
    if spec.kind == "layout":
        return _evaluate_layout(spec, frame, file, problems, counts, warnings, where=where)
    if spec.kind == "categorical":
        return _evaluate_categorical(
            spec, frame, file, problems, counts, warnings, required=required, where=where
        )
    col = spec.source or ""
    if col not in frame.columns:
        problems.append(
            Problem(
                file,
                None,
                col,
                None,
                _t(
                    "missing_column",
                    name=spec.name,
                    column=repr(col),
                    hint=_column_hint(col, frame.columns),
                ),
                code="missing_column",
            )
        )
        return pd.Series([pd.NA] * n, index=frame.index, dtype=object)
    raw = frame[col].astype(str).str.strip()
    folded = raw.str.casefold()
    is_empty = raw.eq("")
    if spec.values:
        lookup = dict(spec.values)
    elif spec.name in ("resident_gives", "resident_receives"):
        lookup = {"true": "yes", "false": "no"}
    elif spec.name == "wave":
        lookup = _wave_lookup()
    else:  # resident_id, site_id: the column holds the value itself
        lookup = None
    if lookup is None:
        result = raw.astype(object)
    else:
        result = folded.map(lookup).astype(object)
        unknown = ~is_empty & result.isna()
        for idx in frame.index[unknown]:
            if spec.values:
                rule = _t(
                    "unmapped_option",
                    value=repr(raw[idx]),
                    column=repr(col),
                    name=spec.name,
                    codes=", ".join(_CODES[spec.name]),
                    hint=_option_hint(spec, raw[idx]),
                )
            elif spec.name == "wave":
                rule = _t("not_a_wave", value=repr(raw[idx]), codes=", ".join(WAVE_CODES))
            else:
                rule = _t("not_bool", column=repr(col), name=spec.name)
            problems.append(
                Problem(file, _row(frame, idx), col, raw[idx], rule, code="unmapped_option")
            )
        for (value, code), k in Counter(
            zip(raw[~is_empty & ~unknown], result[~is_empty & ~unknown], strict=True)
        ).items():
            counts[(spec.name, value, code)] += k
    result[is_empty] = pd.NA
    _fill_empty(
        spec, frame, result, is_empty, file, col, problems, counts, required=required, where=where
    )
    return result


def _fill_empty(
    spec: FieldSpec,
    frame: pd.DataFrame,
    result: pd.Series,
    is_empty: pd.Series,
    file: str,
    column: str,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    *,
    required: bool,
    where: str,
) -> None:
    """Give unanswered cells the mapping's ``empty`` code (counted in ``values_mapped`` as the
    export value ``""``), or report them when the field is required."""
    if not is_empty.any():
        return
    if spec.empty is not None:
        code = ("yes" if spec.empty else "no") if isinstance(spec.empty, bool) else spec.empty
        result[is_empty] = code
        counts[(spec.name, "", str(code))] += int(is_empty.sum())
        return
    if not required:
        return
    hint = _t(
        "hint_empty_bool" if spec.name in ("resident_gives", "resident_receives") else "hint_empty",
        name=spec.name,
    )
    for idx in result.index[is_empty]:
        problems.append(
            Problem(
                file,
                _row(frame, idx),
                column,
                "",
                _t("required_empty", name=spec.name, hint=hint),
                code="missing_value",
            )
        )


def _evaluate_categorical(
    spec: FieldSpec,
    frame: pd.DataFrame,
    file: str,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
    *,
    required: bool,
    where: str,
) -> pd.Series:
    prefix = f"{spec.source}_"
    columns = [c for c in frame.columns if c.startswith(prefix) and c[len(prefix) :]]
    n = len(frame)
    if not columns:
        problems.append(
            Problem(
                file,
                None,
                spec.source,
                None,
                _t(
                    "missing_categorical",
                    name=spec.name,
                    source=repr(spec.source),
                    prefix=prefix,
                    hint=_column_hint(
                        spec.source or "", {c.rsplit("_", 1)[0] for c in frame.columns}
                    ),
                ),
                code="missing_column",
            )
        )
        return pd.Series([pd.NA] * n, index=frame.index, dtype=object)
    cells = frame[columns].to_numpy(dtype=str)
    chosen = pd.DataFrame(
        np.char.lower(np.char.strip(cells)) == "true", index=frame.index, columns=columns
    )
    options = {c: c[len(prefix) :] for c in columns}
    codes = {c: spec.values.get(options[c].casefold()) for c in columns}
    for c in columns:
        if codes[c] is None:
            rows = frame.index[chosen[c]]
            for idx in rows:
                problems.append(
                    Problem(
                        file,
                        _row(frame, idx),
                        c,
                        options[c],
                        _t(
                            "unmapped_option",
                            value=repr(options[c]),
                            column=repr(spec.source),
                            name=spec.name,
                            codes=", ".join(_CODES[spec.name]),
                            hint=_option_hint(spec, options[c]),
                        ),
                        code="unmapped_option",
                    )
                )
            if len(rows) == 0:
                warnings.append(
                    _t(
                        "option_unused",
                        name=spec.name,
                        option=repr(options[c]),
                        source=repr(spec.source),
                    )
                )
    n_chosen = chosen.sum(axis=1)
    result = pd.Series([pd.NA] * n, index=frame.index, dtype=object)
    for c in columns:
        if codes[c] is not None:
            hit = chosen[c] & n_chosen.eq(1)
            result[hit] = codes[c]
            if hit.any():
                counts[(spec.name, options[c], codes[c])] += int(hit.sum())
    for idx in frame.index[n_chosen > 1]:
        picked = [options[c] for c in columns if chosen.at[idx, c]]
        problems.append(
            Problem(
                file,
                _row(frame, idx),
                spec.source,
                ", ".join(picked),
                _t("several_options", source=repr(spec.source), name=spec.name),
                code="several_options",
            )
        )
    _fill_empty(
        spec,
        frame,
        result,
        n_chosen.eq(0),
        file,
        spec.source or "",
        problems,
        counts,
        required=required,
        where=where,
    )
    return result


def _evaluate_layout(
    spec: FieldSpec,
    frame: pd.DataFrame,
    file: str,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
    *,
    where: str,
) -> pd.Series:
    cx, cy = f"{spec.source}_x", f"{spec.source}_y"
    if cx not in frame.columns and f"{spec.source}_X" in frame.columns:  # GraphML: L_X, L_Y
        cx, cy = f"{spec.source}_X", f"{spec.source}_Y"
    n = len(frame)
    missing = [c for c in (cx, cy) if c not in frame.columns]
    if missing:
        problems.append(
            Problem(
                file,
                None,
                ", ".join(missing),
                None,
                _t(
                    "missing_layout",
                    source=repr(spec.source),
                    missing=_t("and").join(missing),
                    hint=_column_hint(
                        spec.source or "",
                        {c[:-2] for c in frame.columns if c.lower().endswith(("_x", "_y"))},
                    ),
                ),
                code="missing_column",
            )
        )
        return pd.Series([pd.NA] * n, index=frame.index, dtype=object)
    raw_x = frame[cx].astype(str).str.strip()
    raw_y = frame[cy].astype(str).str.strip()
    x = pd.to_numeric(raw_x.where(raw_x.ne("")), errors="coerce")
    y = pd.to_numeric(raw_y.where(raw_y.ne("")), errors="coerce")
    # Not a number, or outside [0, 1]: the export used "screen layout coordinates" (pixels).
    bad_x = raw_x.ne("") & ~x.between(0, 1)
    bad_y = raw_y.ne("") & ~y.between(0, 1)
    bad = bad_x | bad_y
    for idx in frame.index[bad]:
        problems.append(
            Problem(
                file,
                _row(frame, idx),
                cx if bad_x[idx] else cy,
                None,
                _t("bad_layout"),
                code="bad_layout",
            )
        )
    x, y = x.where(~bad), y.where(~bad)
    ring = closeness_ring(
        x.to_numpy(), y.to_numpy(), radii=spec.radii, aspect_ratio=spec.aspect_ratio
    )
    n_rings = len(spec.radii)
    outside = ring > n_rings
    if outside.any():
        warnings.append(_t("outside_circle", where=where, n=int(outside.sum())))
    ring = np.where(outside, n_rings, ring)
    unplaced = np.isnan(ring) & ~bad.to_numpy()
    result = pd.Series([pd.NA] * n, index=frame.index, dtype=object)
    placed = ~np.isnan(ring)
    closeness = np.asarray(spec.ring_closeness)[(ring[placed] - 1).astype(int)]
    result[placed] = [int(c) for c in closeness]
    for (r, c), k in Counter(
        zip(ring[placed].astype(int).tolist(), closeness.tolist(), strict=True)
    ).items():
        counts[("closeness", f"ring {r}", str(c))] += k
    if unplaced.any():
        if spec.unplaced == "outer":
            result[unplaced] = spec.ring_closeness[-1]
            counts[("closeness", "not placed", str(spec.ring_closeness[-1]))] += int(unplaced.sum())
            warnings.append(_t("unplaced_outer", where=where, n=int(unplaced.sum())))
        else:
            for idx in frame.index[unplaced]:
                problems.append(
                    Problem(
                        file,
                        _row(frame, idx),
                        f"{cx}, {cy}",
                        "",
                        _t("unplaced"),
                        code="missing_value",
                    )
                )
    return result


# --------------------------------------------------------------------------- the import


def _problem_error(problems: list[Problem], mask: _Masker | None = None) -> DataError:
    if mask is not None:
        problems = [mask.problem(p) for p in problems]
    if any(p.code == "privacy" for p in problems):
        return PrivacyError(problems)
    return DataError(problems)


#: Shown instead of a value that may be a name.
MASKED = "<masked>"
_SESSION_FILE = re.compile(
    r"^(?P<case>.+?)_[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


class _Masker:
    """Hides every value that may be a name wherever it occurs in a message.

    The names are the alters' ``alter_match`` values, and every case ID or resident id that
    is not a pseudonym (Network Canvas also writes the case ID into each file's name). A name
    is found as a whole word, ignoring case; names shorter than two characters are left (a
    single letter identifies no one, and masking it would garble every sentence).

    >>> m = _Masker(["Hanne", "Ole"])
    >>> m.text("Resident Hanne has 2 interviews; see Hanne_54ba71fa-808e-4ed5-a65a-b7a06668164f_ego.csv")
    'Resident <masked> has 2 interviews; see <masked>_54ba71fa-808e-4ed5-a65a-b7a06668164f_ego.csv'
    >>> m.text("Olesen and HANNE")
    'Olesen and <masked>'
    """

    def __init__(self, names: set[str] | list[str]) -> None:
        self._words = sorted(
            {n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True
        )

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        # Compiled at the first message only: an import without problems never needs it.
        if not self._words:
            return None
        alternatives = "|".join(re.escape(w) for w in self._words)
        return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)

    def text(self, value: str | None) -> str | None:
        if value is None or self._pattern is None:
            return value
        return self._pattern.sub(MASKED, str(value))

    def problem(self, p: Problem) -> Problem:
        return Problem(
            self.text(p.file) or "",
            p.row,
            p.column,
            self.text(p.value),
            self.text(p.rule) or "",
            p.code,
        )


def _names_to_mask(files: list[_File], units: list[_Unit], spec: NetworkCanvasMapping) -> set[str]:
    """Every value of an export that may be a name (see :class:`_Masker`)."""
    names: set[str] = set()
    for f in files:
        m = _SESSION_FILE.match(f.name.replace("\\", "/").rsplit("/", 1)[-1])
        if m and not is_pseudonym(m.group("case")):
            names.add(m.group("case"))
    id_columns = {CASE_ID}
    if spec.resident_id.kind == "column" and spec.resident_id.source:
        id_columns.add(spec.resident_id.source)
    for unit in units:
        for column in id_columns & set(unit.ego.columns):
            names.update(
                v for v in unit.ego[column].astype(str).str.strip() if v and not is_pseudonym(v)
            )
        for _, nodes in unit.nodes:
            if spec.alter_match in nodes.columns:
                names.update(v for v in nodes[spec.alter_match].astype(str).str.strip() if v)
    return names


@dataclass
class _Unit:
    """One ego file (usually one session) with its alters' attribute lists."""

    ego_name: str
    ego: pd.DataFrame
    nodes: list[tuple[str, pd.DataFrame]]
    has_node_list: bool


def _csv_units(
    files: list[_File],
    spec: NetworkCanvasMapping,
    problems: list[Problem],
    path: Any,
    other_nodes: Counter[str] | None = None,
) -> tuple[list[_Unit], int]:
    ego_files = [f for f in files if f.name.endswith("_ego.csv")]
    prefixes = {f.name[: -len("_ego.csv")]: f for f in ego_files}
    node_suffix = f"_attributeList_{_escape_entity(spec.node_type)}.csv"
    attribute_files: dict[str, list[_File]] = {p: [] for p in prefixes}
    other_types: set[str] = set()
    edge_lists = 0
    for f in files:
        if f.name.endswith("_ego.csv"):
            continue
        owner = max((p for p in prefixes if f.name.startswith(p + "_")), key=len, default=None)
        rest = f.name[len(owner) + 1 :] if owner else ""
        if "_edgeList" in f.name and (owner is None or rest.startswith("edgeList")):
            edge_lists += 1
            continue
        if owner is None:
            if "_attributeList" in f.name:
                problems.append(
                    Problem(
                        f.name,
                        None,
                        None,
                        None,
                        _t("orphan_attribute_list"),
                        code="missing_file",
                    )
                )
            continue
        if f.name == owner + node_suffix or rest == "attributeList.csv":
            # attributeList.csv without a type: Network Canvas's file for a session without nodes
            attribute_files[owner].append(f)
        elif rest.startswith("attributeList_"):
            other = rest[len("attributeList_") : -len(".csv")]
            other_types.add(other)
            if other_nodes is not None:
                other_nodes[other] += _count_rows(f)
    if (
        not any(any(f.name.endswith(node_suffix) for f in fs) for fs in attribute_files.values())
        and other_types
    ):
        raise DataError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    spec.node_type,
                    _t(
                        "no_node_type",
                        node_type=repr(spec.node_type),
                        types=", ".join(sorted(other_types)),
                    ),
                    code="missing_file",
                )
            ]
        )
    units = []
    for prefix, ego_file in sorted(prefixes.items()):
        ego = _read_csv(ego_file, problems)
        if ego is None:
            continue
        if EGO_UUID not in ego.columns:
            rule = _t("ego_no_uuid", column=EGO_UUID)
            problems.append(Problem(ego_file.name, None, EGO_UUID, None, rule, "missing_column"))
            continue
        if ego.empty:
            rule = _t("ego_empty")
            problems.append(Problem(ego_file.name, None, None, None, rule, "empty_file"))
            continue
        nodes = []
        for f in attribute_files[prefix]:
            frame = _read_csv(f, problems)
            if frame is None:
                continue
            if not f.name.endswith(node_suffix):
                if len(frame):
                    problems.append(
                        Problem(
                            f.name,
                            None,
                            None,
                            None,
                            _t("untyped_attribute_list"),
                            code="unexpected_file",
                        )
                    )
                continue
            nodes.append((f.name, frame))
        units.append(_Unit(ego_file.name, ego, nodes, has_node_list=bool(nodes)))
    return units, edge_lists


_GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
_NC_NS = "{http://schema.networkcanvas.com/xmlns}"


def _graphml_units(
    files: list[_File],
    spec: NetworkCanvasMapping,
    problems: list[Problem],
    other_nodes: Counter[str] | None = None,
) -> tuple[list[_Unit], int]:
    """Sessions of Network Canvas GraphML files as the CSV export's ego and attribute lists.

    Data keys are renamed to their ``attr.name`` (the variable's name, ``V_<option>`` for a
    categorical option, ``L_X``/``L_Y`` for a layout), the graph's ``nc:caseId`` and
    ``nc:sessionUUID`` become ``networkCanvasCaseID`` and ``networkCanvasSessionID``; nodes of
    other types than ``node_type`` are left out. The row of a problem is the node's id.
    """
    import xml.etree.ElementTree as ET

    units = []
    edges = 0
    for f in files:
        try:
            root = ET.fromstring(f.read())
        except ET.ParseError as exc:
            problems.append(
                Problem(
                    f.name, None, None, None, _t("unreadable_graphml", detail=exc), "unreadable"
                )
            )
            continue
        keys = {
            k.get("id"): k.get("attr.name") or k.get("id") for k in root.iter(f"{_GRAPHML_NS}key")
        }
        # A variable nobody answered has a <key> but no <data>: give it an empty column.
        declared = {
            domain: [
                k.get("attr.name") or k.get("id")
                for k in root.iter(f"{_GRAPHML_NS}key")
                if k.get("for") in (domain, "all")
            ]
            for domain in ("graph", "node")
        }
        graphs = root.findall(f"{_GRAPHML_NS}graph")
        for g_index, graph in enumerate(graphs):
            name = f.name if len(graphs) == 1 else _t("graph_n", file=f.name, n=g_index + 1)
            ego_data = {
                keys.get(d.get("key"), d.get("key")): (d.text or "").strip()
                for d in graph.findall(f"{_GRAPHML_NS}data")
            }
            session = graph.get(f"{_NC_NS}sessionUUID", "")
            ego_row = {
                EGO_UUID: ego_data.pop("networkCanvasUUID", session) or name,
                CASE_ID: graph.get(f"{_NC_NS}caseId", ""),
                "networkCanvasSessionID": session,
                "networkCanvasProtocolName": graph.get(f"{_NC_NS}protocolName", ""),
                **ego_data,
            }
            ego = pd.DataFrame([{**dict.fromkeys(declared["graph"], ""), **ego_row}])
            ego = ego.fillna("").astype(str)
            ego.attrs["rows"] = [None]
            rows, ids = [], []
            for node in graph.findall(f"{_GRAPHML_NS}node"):
                data = {
                    keys.get(d.get("key"), d.get("key")): (d.text or "").strip()
                    for d in node.findall(f"{_GRAPHML_NS}data")
                }
                node_type = data.get("networkCanvasType", spec.node_type)
                if node_type != spec.node_type:
                    if other_nodes is not None:
                        other_nodes[node_type] += 1
                    continue
                rows.append({"nodeID": node.get("id"), EGO_UUID: ego_row[EGO_UUID], **data})
                ids.append(node.get("id"))
            edges += len(graph.findall(f"{_GRAPHML_NS}edge"))
            node_columns = list(dict.fromkeys(["nodeID", EGO_UUID, *declared["node"]]))
            nodes = (
                pd.DataFrame(rows)
                .reindex(columns=node_columns)
                .astype(object)
                .fillna("")
                .astype(str)
            )
            nodes = nodes.drop(columns=["label", "networkCanvasType"], errors="ignore")
            nodes.attrs["rows"] = [int(i) if str(i).isdigit() else None for i in ids]
            units.append(_Unit(name, ego, [(name, nodes)] if rows else [], has_node_list=True))
    return units, edges


def _read_units(
    files: list[_File],
    spec: NetworkCanvasMapping,
    problems: list[Problem],
    warnings: list[str],
    path: Any,
    other_nodes: Counter[str],
) -> tuple[list[_Unit], int]:
    """The export's sessions, from its CSV files if it has any, else from its GraphML files."""
    has_csv = any(f.name.endswith("_ego.csv") for f in files)
    graphml = [f for f in files if f.name.lower().endswith(".graphml")]
    if has_csv:
        units, edge_lists = _csv_units(files, spec, problems, path, other_nodes)
        if graphml:
            warnings.append(_t("graphml_ignored", n=len(graphml)))
    elif graphml:
        units, edge_lists = _graphml_units(graphml, spec, problems, other_nodes)
    else:
        raise DataError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    None,
                    _t("no_export_files"),
                    code="missing_file",
                )
            ]
        )
    return units, edge_lists


def _resident_id_privacy(rid: str) -> str | None:
    """Why a resident id is not a pseudonym, or ``None`` when it is one."""
    if find_cpr(rid):
        return _t("resident_cpr")
    if not is_pseudonym(rid):
        return _t("resident_not_pseudonym")
    return None


def _ego_sessions(
    unit: _Unit,
    spec: NetworkCanvasMapping,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
) -> list[dict[str, Any]]:
    """One row per session of an ego file: its ego, resident, wave, site, file and row."""
    ego, ego_name = unit.ego, unit.ego_name
    ego_values = {}
    for name in _EGO_FIELDS:
        field_spec = getattr(spec, name)
        if field_spec is None:
            continue
        ego_values[name] = _evaluate(
            field_spec,
            ego,
            ego_name,
            problems,
            counts,
            warnings,
            required=True,
            where=_t("the_ego_file"),
        )
    session_rows: list[dict[str, Any]] = []
    for idx in ego.index:
        rid = ego_values["resident_id"][idx]
        if isinstance(rid, str) and rid:
            privacy = _resident_id_privacy(rid)
            if privacy:
                problems.append(
                    Problem(
                        ego_name,
                        _row(ego, idx),
                        spec.resident_id.source,
                        "<masked>",
                        privacy,
                        code="privacy",
                    )
                )
        session_rows.append(
            {
                "ego_uuid": str(ego.at[idx, EGO_UUID]).strip(),
                "resident_id": rid,
                "wave": ego_values["wave"][idx],
                "site_id": ego_values["site_id"][idx] if "site_id" in ego_values else None,
                "file": ego_name,
                "row": _row(ego, idx),
            }
        )
    return session_rows


def _alter_match(
    node_name: str,
    nodes: pd.DataFrame,
    spec: NetworkCanvasMapping,
    problems: list[Problem],
) -> pd.Series:
    """Each alter's normalised ``alter_match`` value (``""`` when missing, a problem)."""
    if spec.alter_match not in nodes.columns:
        problems.append(
            Problem(
                node_name,
                None,
                spec.alter_match,
                None,
                _t(
                    "no_match_column",
                    column=repr(spec.alter_match),
                    hint=_column_hint(spec.alter_match, nodes.columns),
                ),
                code="missing_column",
            )
        )
        return pd.Series([""] * len(nodes), index=nodes.index)
    match = nodes[spec.alter_match].astype(str).map(normalise_match)
    for idx in nodes.index[match.eq("")]:
        problems.append(
            Problem(
                node_name,
                _row(nodes, idx),
                spec.alter_match,
                "",
                _t("no_match_value", column=repr(spec.alter_match)),
                code="missing_value",
            )
        )
    return match


def _node_frame(
    node_name: str,
    nodes: pd.DataFrame,
    ego_name: str,
    egos_here: set[str],
    who: str,
    spec: NetworkCanvasMapping,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
) -> pd.DataFrame | None:
    """The mapped fields of one attribute list's alters, ``None`` if it cannot be read."""
    if EGO_UUID not in nodes.columns:
        problems.append(
            Problem(
                node_name,
                None,
                EGO_UUID,
                None,
                _t("nodes_no_uuid", column=EGO_UUID),
                code="missing_column",
            )
        )
        return None
    orphan = ~nodes[EGO_UUID].astype(str).str.strip().isin(egos_here)
    for idx in nodes.index[orphan]:
        problems.append(
            Problem(
                node_name,
                _row(nodes, idx),
                EGO_UUID,
                nodes.at[idx, EGO_UUID],
                _t("orphan_alter", ego=ego_name),
                code="orphan",
            )
        )
    values = {}
    for field_spec in spec.node_fields():
        values[field_spec.name] = _evaluate(
            field_spec,
            nodes,
            node_name,
            problems,
            counts,
            warnings,
            required=field_spec.name != "initiative",
            where=who,
        )
    match = _alter_match(node_name, nodes, spec, problems)
    frame = pd.DataFrame(values, index=nodes.index)
    frame["x_ego"] = nodes[EGO_UUID].astype(str).str.strip()
    frame["x_match"] = match
    frame["x_file"] = node_name
    frame["x_row"] = [_row(nodes, i) for i in nodes.index]
    return frame


def _evaluate_units(
    units: list[_Unit],
    spec: NetworkCanvasMapping,
    problems: list[Problem],
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
) -> tuple[list[dict[str, Any]], list[pd.DataFrame]]:
    """Every unit's sessions (as rows) and alters (as frames), the problems noted on the way."""
    session_rows: list[dict[str, Any]] = []
    node_frames: list[pd.DataFrame] = []
    for unit in units:
        ego = unit.ego
        session_rows.extend(_ego_sessions(unit, spec, problems, counts, warnings))
        egos_here = set(ego[EGO_UUID].astype(str).str.strip())
        here = session_rows[-len(ego) :]
        who = (
            f"{here[0]['resident_id']} ({here[0]['wave']})"
            if len(here) == 1
            else _t("sessions_of_one_file", n=len(here))
        )
        if not unit.has_node_list:
            warnings.append(_t("no_node_list", who=who, node_type=repr(spec.node_type)))
        for node_name, nodes in unit.nodes:
            if nodes.empty:
                continue
            frame = _node_frame(
                node_name,
                nodes,
                unit.ego_name,
                egos_here,
                who,
                spec,
                problems,
                counts,
                warnings,
            )
            if frame is not None:
                node_frames.append(frame)
    return session_rows, node_frames


def _check_sessions(
    sessions: pd.DataFrame, spec: NetworkCanvasMapping, problems: list[Problem]
) -> None:
    """Note a resident interviewed twice in a wave, and a session exported twice."""
    # One session per resident and wave, one ego per session.
    for (rid, wave), group in sessions.dropna(subset=["resident_id", "wave"]).groupby(
        ["resident_id", "wave"], sort=True
    ):
        if len(group) > 1:
            where = ", ".join(_t("file_row", file=r.file, row=r.row) for r in group.itertuples())
            for r in group.itertuples():
                problems.append(
                    Problem(
                        r.file,
                        r.row,
                        spec.resident_id.source,
                        str(rid),
                        _t("duplicate_session", rid=rid, n=len(group), wave=wave, where=where),
                        code="duplicate_session",
                    )
                )
    dup_ego = sessions["ego_uuid"].duplicated(keep=False)
    for r in sessions[dup_ego].itertuples():
        problems.append(
            Problem(
                r.file,
                r.row,
                EGO_UUID,
                r.ego_uuid,
                _t("same_session"),
                code="duplicate_session",
            )
        )


def _all_alters(
    node_frames: list[pd.DataFrame],
    sessions: pd.DataFrame,
    spec: NetworkCanvasMapping,
    problems: list[Problem],
) -> pd.DataFrame:
    """All alters with their resident and wave; two alters alike in one interview a problem."""
    nodes_all = (
        pd.concat(node_frames, ignore_index=True)
        if node_frames
        else pd.DataFrame(
            columns=[*(s.name for s in spec.node_fields()), "x_ego", "x_match", "x_file", "x_row"]
        )
    )
    by_ego = sessions.drop_duplicates("ego_uuid").set_index("ego_uuid")
    nodes_all["resident_id"] = nodes_all["x_ego"].map(by_ego["resident_id"])
    nodes_all["wave"] = nodes_all["x_ego"].map(by_ego["wave"])
    dup_alter = nodes_all["x_match"].ne("") & nodes_all.duplicated(["x_ego", "x_match"], keep=False)
    for r in nodes_all[dup_alter].itertuples():
        problems.append(
            Problem(
                r.x_file,
                r.x_row,
                spec.alter_match,
                "<masked>",
                _t("duplicate_alter", column=repr(spec.alter_match)),
                code="duplicate_alter",
            )
        )
    return nodes_all


def _pseudonymise_alters(
    nodes_all: pd.DataFrame, spec: NetworkCanvasMapping, secret: bytes, mask: _Masker
) -> None:
    """Give every alter its ``alter_id``; two alike in one interview stop the import."""
    nodes_all["alter_id"] = pseudonymise(nodes_all["resident_id"], nodes_all["x_match"], secret)
    collide = nodes_all.duplicated(["x_ego", "alter_id"], keep=False)
    if collide.any():  # two different values hashed alike: astronomically rare, never silent
        raise _problem_error(
            [
                Problem(
                    r.x_file,
                    r.x_row,
                    spec.alter_match,
                    MASKED,
                    _t("collision"),
                    code="collision",
                )
                for r in nodes_all[collide].itertuples()
            ],
            mask,
        )


def _wave_order() -> dict[str, int]:
    return {w: i for i, w in enumerate(WAVE_CODES)}


def _relations_table(nodes_all: pd.DataFrame) -> pd.DataFrame:
    """The canonical ``relations`` table, sorted by resident, wave and alter_id."""
    relations = nodes_all.reindex(columns=list(RELATION_COLUMNS))
    for b in ("resident_gives", "resident_receives"):
        relations[b] = relations[b].map({"yes": True, "no": False, True: True, False: False})
    wave_order = _wave_order()
    relations = (
        relations.assign(_w=relations["wave"].map(wave_order))
        .sort_values(["resident_id", "_w", "alter_id"], kind="stable")
        .drop(columns="_w")
        .reset_index(drop=True)
    )
    return _canonical(relations)


def _session_records(nodes_all: pd.DataFrame, sessions: pd.DataFrame) -> list[SessionRecord]:
    """One record per session with its number of alters, sorted by resident and wave."""
    wave_order = _wave_order()
    n_alters = nodes_all.groupby("x_ego").size()
    return sorted(
        (
            SessionRecord(
                str(r.resident_id),
                str(r.wave),
                None if r.site_id is None or pd.isna(r.site_id) else str(r.site_id),
                int(n_alters.get(r.ego_uuid, 0)),
            )
            for r in sessions.itertuples()
        ),
        key=lambda s: (s.resident_id, wave_order[s.wave]),
    )


def _import_report(
    records: list[SessionRecord],
    relations: pd.DataFrame,
    spec: NetworkCanvasMapping,
    counts: Counter[tuple[str, str, str]],
    warnings: list[str],
    edge_lists: int,
    other_nodes: Counter[str],
    mask: _Masker,
) -> ImportReport:
    """The import report, with the warnings on questions not asked and node types not read."""
    not_asked = [f.name for f in spec.node_fields() if f.kind == "not_asked"]
    for name in not_asked:
        warnings.append(_t("not_asked_warning", name=name))
    if other_nodes:
        listed = ", ".join(_t("node_count", type=t, n=n) for t, n in sorted(other_nodes.items()))
        warnings.append(_t("other_node_types", listed=listed, node_type=repr(spec.node_type)))
    values_mapped: dict[str, list[dict[str, Any]]] = {}
    for (name, value, code), k in sorted(counts.items()):
        if name in ("resident_id", "site_id"):
            continue  # identifiers, not options
        values_mapped.setdefault(name, []).append({"export": value, "code": code, "n": k})
    return ImportReport(
        sessions_read=len(records),
        residents=len({s.resident_id for s in records}),
        relations=len(relations),
        sessions=records,
        values_mapped=values_mapped,
        warnings=[mask.text(w) or "" for w in _dedupe(warnings)],
        edge_lists_ignored=edge_lists,
        node_type=spec.node_type,
        not_asked=not_asked,
        other_node_types=dict(sorted(other_nodes.items())),
    )


def _sites_table(records: list[SessionRecord], spec: NetworkCanvasMapping) -> pd.DataFrame | None:
    """One row per resident and wave with its site, ``None`` when ``site_id`` is not mapped."""
    if spec.site_id is None:
        return None
    return pd.DataFrame(
        [{"resident_id": s.resident_id, "wave": s.wave, "site_id": s.site_id} for s in records],
        columns=["resident_id", "wave", "site_id"],
    )


def load_export(
    path: str | os.PathLike[str],
    mapping: NetworkCanvasMapping | MappingABC[str, Any] | str | os.PathLike[str],
    key: str | bytes | None = None,
) -> NetworkCanvasImport:
    """Read a Network Canvas export (CSV or GraphML) into relations, sites and a report.

    Parameters
    ----------
    path
        The folder Network Canvas exported (searched recursively), or the ``.zip`` itself.
    mapping
        A :class:`NetworkCanvasMapping`, the path of a mapping file, or the parsed TOML.
    key
        Pseudonymisation key; ``None`` reads ``ANALYSE_PSEUDONYM_KEY``.

    Returns
    -------
    NetworkCanvasImport
        ``relations`` with the canonical columns (see :func:`read_export`); ``sites``: one row
        per resident and wave (``resident_id``, ``wave``, ``site_id``) when ``site_id`` is
        mapped, else ``None``; ``report``: an :class:`ImportReport`.

    Raises
    ------
    DataError
        Listing every problem found (file, row, column, value, rule); nothing is returned.
    ConfigError
        A wrong mapping or key.
    """
    spec = _coerce_mapping(mapping)
    secret = _resolve_key(key)
    files = _list_files(Path(path))
    problems: list[Problem] = []
    warnings: list[str] = []
    counts: Counter[tuple[str, str, str]] = Counter()
    other_nodes: Counter[str] = Counter()
    units, edge_lists = _read_units(files, spec, problems, warnings, path, other_nodes)

    mask = _Masker(_names_to_mask(files, units, spec))
    session_rows, node_frames = _evaluate_units(units, spec, problems, counts, warnings)
    sessions = pd.DataFrame(
        session_rows,
        columns=["ego_uuid", "resident_id", "wave", "site_id", "file", "row"],
    )
    _check_sessions(sessions, spec, problems)
    nodes_all = _all_alters(node_frames, sessions, spec, problems)
    if problems:
        raise _problem_error(problems, mask)

    _pseudonymise_alters(nodes_all, spec, secret, mask)
    relations = _relations_table(nodes_all)
    records = _session_records(nodes_all, sessions)
    report = _import_report(
        records, relations, spec, counts, warnings, edge_lists, other_nodes, mask
    )
    sites = _sites_table(records, spec)
    return NetworkCanvasImport(relations=relations, sites=sites, report=report)


def _dedupe(items: list[str]) -> list[str]:
    counts = Counter(items)
    return [f"{w} ({counts[w]} times)" if counts[w] > 1 else w for w in dict.fromkeys(items)]


def _canonical(relations: pd.DataFrame) -> pd.DataFrame:
    from analyse.data.schema import apply_dtypes  # imported late: it loads pandera

    return apply_dtypes("relations", relations)


def read_export(
    path: str | os.PathLike[str],
    mapping: NetworkCanvasMapping | MappingABC[str, Any] | str | os.PathLike[str],
    key: str | bytes | None = None,
) -> pd.DataFrame:
    """Read a Network Canvas export (CSV or GraphML) as the data contract's ``relations`` table.

    Parameters
    ----------
    path
        The export folder (or ``.zip``).
    mapping
        A mapping file's path, the parsed TOML, or a :class:`NetworkCanvasMapping`.
    key
        Pseudonymisation key (``None``: the environment variable ``ANALYSE_PSEUDONYM_KEY``).

    Returns
    -------
    pandas.DataFrame
        One row per alter per interview, sorted by resident, wave and alter_id:

        - ``resident_id``: from the mapped ego column;
        - ``wave``: ``pre``, ``post`` or ``followup``;
        - ``alter_id``: keyed pseudonym of the alter (see :func:`pseudonymise`);
        - ``alter_type``, ``contact``, ``initiative`` (NA if not mapped or not answered): codes;
        - ``closeness``: 1 inner, 2 middle, 3 outer circle;
        - ``resident_gives``, ``resident_receives``: booleans.

        A session with no alters adds no rows; :func:`load_export`'s report records it as 0.

    Notes
    -----
    Closeness from a sociogram layout: the distance ``d`` of ``(x, y)`` from the canvas centre
    ``(0.5, 0.5)`` (the horizontal step scaled by ``aspect_ratio``) gives ring ``k`` when
    ``radii[k-2] < d <= radii[k-1]``; with ``rings = n`` and equal spacing the radii are
    ``0.5 k / n``. An alter placed outside the outer circle (a corner of the canvas) counts in
    the outer ring, with a warning; an alter not placed at all is a problem unless the mapping
    says ``unplaced = "outer"``.

    ``alter_id`` is ``HMAC-SHA-256(key, resident_id + "\\x1f" + normalised alter_match)``
    (RFC 2104), so it is stable across a resident's waves and cannot be recomputed, nor a name
    guessed from it, without the key.

    References
    ----------
    Birkett, M., Melville, J., Janulis, P., Phillips, G., Contractor, N., & Hogan, B. (2021).
    Network Canvas: Key decisions in the design of an interviewer-assisted network data
    collection software suite. *Social Networks*, 66, 114-124.

    Kahn, R. L., & Antonucci, T. C. (1980). Convoys over the life course: Attachment, roles, and
    social support. *Life-Span Development and Behavior*, 3, 253-286.

    Krawczyk, H., Bellare, M., & Canetti, R. (1997). *HMAC: Keyed-hashing for message
    authentication* (RFC 2104).

    Examples
    --------
    The test export shipped with the package: five interviews of three residents, one of them
    (B018 after the trial) with no alters.

    >>> root = Path(__file__).resolve().parents[3]
    >>> rel = read_export(root / "tests/data/networkcanvas/export",
    ...                   root / "examples/networkcanvas-mapping.toml",
    ...                   key="an example key of 16+ characters")
    >>> rel.groupby(["resident_id", "wave"], observed=True).size().to_dict()
    {('B017', 'pre'): 3, ('B017', 'post'): 3, ('B018', 'pre'): 1, ('M04', 'pre'): 2}
    >>> b017 = rel[rel["resident_id"] == "B017"]
    >>> kept = set(b017.loc[b017["wave"] == "pre", "alter_id"]) & set(b017.loc[b017["wave"] == "post", "alter_id"])
    >>> len(kept)
    2
    """
    return load_export(path, mapping, key).relations


# --------------------------------------------------------------------------- writing


def _relations_csv(relations: pd.DataFrame) -> str:
    out = relations.reindex(columns=list(RELATION_COLUMNS)).astype(object)
    for b in ("resident_gives", "resident_receives"):
        out[b] = out[b].map(lambda v: "" if pd.isna(v) else ("yes" if bool(v) else "no"))
    out["closeness"] = out["closeness"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    out = out.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return out.to_csv(index=False, lineterminator="\n")


def import_export(
    export_dir: str | os.PathLike[str],
    mapping_path: str | os.PathLike[str],
    key: str | bytes | None,
    out_dir: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    lang: str = "en",
) -> ImportReport:
    """Import an export and write ``relations.csv`` and ``import-report.json`` to ``out_dir``.

    ``lang``: the language of every message (refusals of ``out_dir``, the key and the
    mapping, the export's problems, the import report's warnings;
    :mod:`analyse.words.networkcanvas`).

    ``out_dir`` is checked first (:func:`analyse.outputs.check_files`): it may hold other
    files (a data folder), which are never touched, but not be or hold the export, and a
    ``relations.csv`` or ``import-report.json`` already there is replaced only if an earlier
    import wrote it and it is unchanged since, or with ``overwrite``. Everything is then read
    and checked; the files are written only when all is well, each to a temporary file
    renamed into place.

    Returns
    -------
    ImportReport
    """
    from analyse.outputs import check_files, write_files

    out = Path(out_dir)
    inputs = [export_dir, mapping_path]
    names = ("relations.csv", "import-report.json")
    where = {"command": "import-networkcanvas", "overwrite": overwrite, "inputs": inputs}
    token = _MESSAGE_LANG.set(lang)  # every message of the import in the user's language
    try:
        check_files(out, names, lang=lang, **where)
        _resolve_key(key, lang=lang)  # a missing or weak key is refused before anything is read
        result = load_export(export_dir, mapping_path, key)
        files = {
            "relations.csv": _relations_csv(result.relations).encode("utf-8"),
            "import-report.json": result.report.to_json().encode("utf-8"),
        }
        write_files(out, files, lang=lang, **where)
    finally:
        _MESSAGE_LANG.reset(token)
    return result.report


# --------------------------------------------------------------------------- command line


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _shown(text: object) -> str:
    """Text from an export or a mapping as the terminal shows it: never read as rich markup
    (``[contact].values`` stays as written) and control characters made visible."""
    from rich.markup import escape

    return escape(_CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text)))


def group_problems(problems: list[Problem]) -> list[tuple[Problem, int, int]]:
    """Problems that say the same thing (column, value, rule) as one line each.

    Returns ``(first problem, number of places, number of files)`` in the order of first
    occurrence: one misspelt variable in 10 interviews is one line, not ten.
    """
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.column, p.value, p.rule), []).append(p)
    return [(ps[0], len(ps), len({p.file for p in ps})) for ps in groups.values()]


class _Lang(StrEnum):
    da = "da"
    en = "en"


#: The command's own words, in Danish and English.
_WORDS = {
    "error": ("Fejl", "Error"),
    "warning": ("Advarsel", "Warning"),
    "title": ("{n} problem(er) i eksporten", "{n} problem{s} in the export"),
    "different": (" ({k} forskellige)", " ({k} different)"),
    "headers": (
        ("fil", "række", "kolonne", "værdi", "regel"),
        ("file", "row", "column", "value", "rule"),
    ),
    "more_files": (" (+{k} fil(er) mere)", " (+{k} more file(s))"),
    "more": (" (+{k} mere)", " (+{k} more)"),
    "done": (
        "Læste {sessions} interview(s) med {residents} borger(e): {relations} relation(er) "
        "skrevet til {path}.",
        "Read {sessions} interview(s) of {residents} resident(s): {relations} relation(s) "
        "written to {path}.",
    ),
}


def _word(key: str, lang: str, **fields: object):
    word = _WORDS[key][0 if lang == "da" else 1]
    return word.format(**fields) if isinstance(word, str) else word


def _print_problems(exc: AnalyseError, lang: str = "en") -> None:
    """Print an import's problems once each, as a table (or a configuration error as a line)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, soft_wrap=True)
    problems = getattr(exc, "problems", None)
    if not problems:
        console.print(f"[bold red]{_word('error', lang)}:[/] {_shown(exc)}", highlight=False)
        return
    grouped = group_problems(problems)
    if len(grouped) == 1:  # one problem (in one or more places): one line, not a table
        p, places, files = grouped[0]
        labels = _word("headers", lang)
        row = "" if p.row is None else str(p.row)
        if places > 1 and p.row is not None:
            row += _word("more", lang, k=places - 1)
        where = [p.file + (_word("more_files", lang, k=files - 1) if files > 1 else "")] + [
            f"{label} {v}"
            for label, v in zip(labels[1:4], (row, p.column, p.value), strict=True)
            if v not in (None, "")
        ]
        line = f"[bold red]{_word('error', lang)}:[/] {_shown(', '.join(where))}: {_shown(p.rule)}"
        console.print(line, highlight=False)
        return
    n = len(problems)
    title = _word("title", lang, n=n, s="s" if n != 1 else "")
    if len(grouped) < n:
        title += _word("different", lang, k=len(grouped))
    table = Table(title=title, show_lines=False, highlight=False)
    for col in _word("headers", lang):
        table.add_column(col, overflow="fold")
    for p, places, files in grouped:
        where = p.file + (_word("more_files", lang, k=files - 1) if files > 1 else "")
        row = "" if p.row is None else str(p.row)
        if places > 1 and p.row is not None:
            row += _word("more", lang, k=places - 1)
        table.add_row(*(_shown(v) for v in (where, row, p.column or "", p.value or "", p.rule)))
    console.print(table)


def import_networkcanvas_command(
    export_dir: Annotated[
        Path, typer.Argument(help="The folder (or .zip) Network Canvas exported (CSV or GraphML).")
    ],
    mapping: Annotated[
        Path,
        typer.Option(
            "--mapping", "-m", help="Mapping file (TOML); see examples/networkcanvas-mapping.toml."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder to write relations.csv and import-report.json to."
        ),
    ],
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            envvar=KEY_ENV_VAR,
            show_envvar=True,
            show_default=False,
            help="Secret pseudonymisation key (16+ characters); better set in the environment variable.",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace a relations.csv / import-report.json that no earlier import wrote.",
        ),
    ] = False,
    lang: Annotated[
        _Lang, typer.Option("--lang", help="Language of messages: da (dansk) or en (English).")
    ] = _Lang.da,
) -> None:
    """Import Network Canvas interviews as relations.csv, pseudonymised at the door.

    Example: analyse import-networkcanvas eksport/ --mapping kortlaegning.toml --out data/import
    (with ANALYSE_PSEUDONYM_KEY set). Use the same key for every wave.
    """
    lang = getattr(lang, "value", lang)
    try:
        report = import_export(export_dir, mapping, key, out, overwrite=overwrite, lang=lang)
    except AnalyseError as exc:
        _print_problems(exc, lang)
        raise typer.Exit(code=2) from None
    from rich.console import Console

    console = Console()
    done = _word(
        "done",
        lang,
        sessions=report.sessions_read,
        residents=report.residents,
        relations=report.relations,
        path=_shown(Path(out) / "relations.csv"),
    )
    console.print(done, highlight=False)
    for w in report.warnings:
        console.print(f"[yellow]{_word('warning', lang)}:[/] {_shown(w)}", highlight=False)
