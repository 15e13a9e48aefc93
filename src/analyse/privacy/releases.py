"""What earlier steering runs into the same reports folder published (issue 23, across runs).

Two runs whose data differ by one late resident give that resident's numbers by
subtraction, whatever each run's own gate does. So a steering run keeps a *publication
record* beside its run folder (``<reports folder>/publiceringer.json``): for every group of
persons whose numbers the run published (a site's residents, its analysis population, each
outcome's pairs, each practice, all sites), its number of persons and a keyed fingerprint of
who they are (SHA-256 of a random key and the sorted ids: no pseudonym, no data).

A later steering run into the same folder compares its groups with the record:

- the same persons in every group it shares with the record (a re-run of the same data,
  other parameters): allowed, and the record stays as it is;
- groups the record does not know (new sites): allowed, and added to the record;
- a group whose persons changed: refused with one clear line, exit 2, before anything is
  written — the earlier publication and this one would differ by persons a reader could
  isolate. Start a new release deliberately: write it to another reports folder, or move the
  record (and the earlier runs) away.

A record that cannot be read, is not ours, or whose checksum does not match its content
(edited by hand, cut short) is refused too (exit 2): without it the run cannot know what was
published. The checksum detects changes, not a determined forger who recomputes it.

Limits: the comparison is per group (a set of persons either equals the recorded one or
does not); a run that publishes the same groups with the same persons but new values for
them (corrected answers) is not checked.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from analyse.errors import ConfigError

#: The record's file name in the reports folder (the run folder's parent).
RECORD_NAME = "publiceringer.json"
_FORMAT = "naere-relationer/publication-record/1"


def record_path(out: Path) -> Path:
    """Where the record of the reports folder holding run folder ``out`` lives."""
    return Path(out).resolve().parent / RECORD_NAME


def _group_name(key: object) -> str:
    return json.dumps(key, ensure_ascii=False, default=str)


def fingerprint(key: str, ids: Iterable[object]) -> str:
    """Keyed SHA-256 of a set of persons (ids sorted as strings); reveals no id."""
    h = hashlib.sha256(key.encode("ascii"))
    for i in sorted({str(x) for x in ids}):
        h.update(b"\x00" + i.encode("utf-8"))
    return h.hexdigest()


def _checksum(body: dict) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refuse(lang: str, da: str, en: str) -> ConfigError:
    return ConfigError(da if lang == "da" else en)


def read_record(path: Path, *, lang: str = "da") -> dict | None:
    """The record at ``path`` (``None`` when there is none); refuses an unreadable or
    changed record with :class:`~analyse.errors.ConfigError`."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        body, checksum = data["record"], data["sha256"]
        ok = (
            isinstance(body, dict)
            and body.get("format") == _FORMAT
            and isinstance(body.get("key"), str)
            and isinstance(body.get("groups"), dict)
        )
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        ok, body, checksum = False, None, None
    if not ok or checksum != _checksum(body):  # type: ignore[arg-type]
        raise _refuse(
            lang,
            f"Publiceringsregistret {path} kan ikke læses eller er ændret; kørslen stoppes, så "
            "intet offentliggøres uden at vide, hvad der er offentliggjort før. Gendan filen, "
            "eller start en ny udgivelse bevidst i en ny rapportmappe.",
            f"The publication record {path} cannot be read or has been changed; the run stops so "
            "that nothing is published without knowing what was published before. Restore the "
            "file, or start a new release deliberately in a new reports folder.",
        )
    return body


def check_and_record(
    out: Path,
    groups: Mapping[object, Iterable[object]],
    *,
    lang: str = "da",
    write: bool = True,
) -> Path:
    """Compare a steering run's published groups with the record of its reports folder;
    refuse (``ConfigError``) a run whose groups changed persons, else add its groups.

    Parameters
    ----------
    out
        The run folder (``--out``); the record lives in its parent.
    groups
        ``{group key: person ids}``: every group whose numbers the run publishes
        (:func:`analyse.report.sections.published_groups`).
    lang
        Language of the refusal.
    write
        Write the updated record (``False``: check only).

    Returns
    -------
    pathlib.Path
        The record's path.
    """
    path = record_path(out)
    body = read_record(path, lang=lang)
    if body is None:
        body = {"format": _FORMAT, "key": secrets.token_hex(32), "groups": {}, "runs": []}
    key, known = body["key"], body["groups"]
    changed = []
    new = {}
    for g, ids in groups.items():
        members = list(ids)
        if not members:
            continue
        name = _group_name(g)
        entry = {"n": len(set(map(str, members))), "fingerprint": fingerprint(key, members)}
        old = known.get(name)
        if old is None:
            new[name] = entry
        elif old.get("fingerprint") != entry["fingerprint"]:
            changed.append((name, old.get("n"), entry["n"]))
    if changed:
        name, n_old, n_new = changed[0]
        raise _refuse(
            lang,
            f"Data er ændret siden en tidligere udgivelse i {path.parent} ({len(changed)} grupper, "
            f"fx {name}: {n_old} før, {n_new} nu); forskellen kunne afsløre få borgere. Start en ny "
            f"udgivelse bevidst: skriv til en ny rapportmappe (--out ny-mappe/kørsel), eller flyt "
            f"{RECORD_NAME} og de tidligere kørsler væk.",
            f"The data changed since an earlier release in {path.parent} ({len(changed)} groups, "
            f"e.g. {name}: {n_old} then, {n_new} now); the difference could reveal a few residents. "
            f"Start a new release deliberately: write to a new reports folder (--out new-folder/run), "
            f"or move {RECORD_NAME} and the earlier runs away.",
        )
    if write:
        known.update(new)
        body["runs"] = [
            *body.get("runs", []),
            {"run": Path(out).name, "at": datetime.now(UTC).isoformat(timespec="seconds")},
        ]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(
            json.dumps({"record": body, "sha256": _checksum(body)}, indent=1, ensure_ascii=False),
            encoding="utf-8",
        )
        tmp.replace(path)
    return path
