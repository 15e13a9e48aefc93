"""Output folders and file names that never destroy a user's files.

One rule for every command that writes (``prepare``, ``report``, ``demo-data``,
``import-networkcanvas``, ``codebook``, ``template``):

    A command writes only into a folder that is new, empty, or marked as one of its own
    earlier runs.

A run is built in a hidden temporary folder beside ``--out`` and moved into place only when it
is complete. The finished folder holds a marker file, :data:`MARKER`, listing every file the
run wrote with its size and SHA-256. A later run of the same command may replace that folder,
and then removes only the files the marker lists, unchanged; a folder holding anything else (a
user's ``noter.txt``, a file edited since, the raw data) is refused with one clear line (exit 2)
before any work is done. ``--out`` may not be an existing file, nor be or contain an input. A
lock file beside ``--out`` makes a second concurrent run into the same folder fail at once;
leftovers of a killed run (its temporary folder, its stale lock) are cleaned by the next run.

Commands that add named files to a folder the user owns (``codebook``, ``import-networkcanvas``)
use :func:`write_files`: other files in the folder are never touched, and an existing file of
the same name is replaced only when it is one an earlier run of the command wrote (recorded in
:data:`FILES_MARKER`) or when the user asks with ``--overwrite``.

:func:`file_stem` is the one function that turns a site id (or a table name) into a file name.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from analyse.errors import ConfigError

log = logging.getLogger(__name__)


#: The marker of a folder written by a command: its command and every file it wrote.
MARKER = ".naere-relationer-run.json"
#: The marker of files a command added to a folder it does not own (codebook, import).
FILES_MARKER = ".naere-relationer-files.json"
#: Inside a temporary run folder while it is being written (a killed run's folder has it).
SENTINEL = ".naere-relationer-tmp"
_TMP = ".naere-tmp-"
_OLD = ".naere-old-"
_LOCK = ".naere-relationer.lock"
_HASH_CHUNK = 1 << 20
#: Errors of writing that the user resolves (a full disk or quota, a read-only folder).
_CANNOT_WRITE = frozenset(
    getattr(errno, n) for n in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM") if hasattr(errno, n)
)


class OutputError(ConfigError):
    """``--out`` names a place the command may not write to; nothing was written."""


def _say(lang: str, da: str, en: str) -> str:
    return da if lang == "da" else en


#: Bytes of a folder's name kept in the names of what is made beside it (lock, temporary
#: run): a longer name is shortened with a digest, so that ``.NAME.naere-relationer.lock``
#: fits in the 255 bytes a file name may have, beside any ``--out`` of a legal length.
_NAME_KEPT = 64


def short_name(name: str) -> str:
    """``name`` as it appears in the names of the lock and temporary folders beside it.

    >>> short_name("run")
    'run'
    >>> len(short_name("r" * 250).encode())
    29
    """
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= _NAME_KEPT:
        return name
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return f"{raw[:16].decode('utf-8', 'ignore')}~{digest}"


# ----------------------------------------------------------------------------- paths


#: Characters of a working folder beyond which paths under it are used relative to it: an
#: absolute path there would pass the 4,096 bytes a path may have in one system call.
_LONG_CWD = 2048


def resolve(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute with symbolic links followed (the file system's own identity).

    Under a working folder of more than :data:`_LONG_CWD` characters, a path inside it is
    given relative to it (short, so every file operation on it stays within the length a path
    may have); any other path is absolute.
    """
    absolute = Path(os.path.abspath(Path(path).expanduser())).resolve()
    try:
        cwd = Path(os.getcwd())
    except OSError:
        return absolute
    if len(str(cwd)) > _LONG_CWD and cwd in absolute.parents:
        return Path(os.path.relpath(absolute, cwd))
    return absolute


def _within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _sha256(path: Path) -> str:
    """The file's SHA-256 in URL-safe base64 (not hex: a hex digest often holds ten digits in a
    row, which the privacy audit would rightly flag as a possible CPR number)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")


def _record(path: Path) -> dict[str, object]:
    st = path.stat()
    return {"bytes": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": _sha256(path)}


def _unchanged(path: Path, record: Mapping[str, object]) -> bool:
    """Whether ``path`` is still the regular file the record describes: same size and the
    same SHA-256.

    The content decides, never the modification time: a hand edit that keeps the size and
    the time (an editor that restores it, a copy with ``touch -r``) is a user's file, and is
    never removed. A copied but identical run folder is still recognised.
    """
    try:
        st = path.lstat()
    except OSError:
        return False
    import stat

    if not stat.S_ISREG(st.st_mode) or st.st_size != record.get("bytes"):
        return False
    try:
        return _sha256(path) == record.get("sha256")
    except OSError:
        return False


def _entries(folder: Path) -> tuple[list[str], list[str]]:
    """Files (and symbolic links, special files) and folders under ``folder``, relative, POSIX.

    Symbolic links are never followed.
    """
    files: list[str] = []
    dirs: list[str] = []
    for root, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(root)
        for d in list(dirnames):
            p = base / d
            if p.is_symlink():
                files.append(p.relative_to(folder).as_posix())
                dirnames.remove(d)
            else:
                dirs.append(p.relative_to(folder).as_posix())
        files += [(base / f).relative_to(folder).as_posix() for f in filenames]
    return sorted(files), sorted(dirs)


# ----------------------------------------------------------------------------- the marker


def _read_marker(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    if not all(isinstance(r, dict) for r in data["files"].values()):
        return None
    folders = data.get("folders", [])
    if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
        return None
    return data


def _write_marker(folder: Path, command: str) -> None:
    """List every file under ``folder`` (written by ``command``) in its marker."""
    from analyse.config import package_version

    files, dirs = _entries(folder)
    record = {
        "written_by": "naere-relationer",
        "version": package_version(),
        "command": command,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "note": "analyse may replace this folder; it removes only the files listed here.",
        "files": {f: _record(folder / f) for f in files if f != MARKER},
        "folders": dirs,
    }
    (folder / MARKER).write_text(json.dumps(record, indent=1, ensure_ascii=False), "utf-8")


def _foreign(folder: Path, marker: Mapping | None) -> list[str]:
    """Entries under ``folder`` that its marker does not vouch for (all of them without one)."""
    files, dirs = _entries(folder)
    listed = (marker or {}).get("files", {})
    listed_dirs = set((marker or {}).get("folders", []))
    foreign = []
    for f in files:
        if f == MARKER and marker is not None:
            continue
        if f not in listed or not _unchanged(folder / f, listed[f]):
            foreign.append(f)
    foreign += [d for d in dirs if d not in listed_dirs]
    return sorted(foreign)


# ----------------------------------------------------------------------------- checks


def check_out(
    out: str | os.PathLike[str],
    *,
    command: str,
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: str = "da",
) -> Path:
    """Refuse an ``--out`` this command may not write to; return it resolved.

    Refused (:class:`OutputError`, nothing written): an existing file; the input or a folder
    holding an input; a folder holding anything but an earlier run of ``command`` exactly as
    that run left it.
    """
    target = resolve(out)
    shown = str(out)
    if target.exists() and not target.is_dir() or target.is_symlink() and not target.exists():
        raise OutputError(
            _say(
                lang,
                f"--out {shown} er en fil, ikke en mappe; intet er skrevet. Vælg en ny mappe.",
                f"--out {shown} is a file, not a folder; nothing was written. Choose a new folder.",
            )
        )
    for item in inputs:
        source = resolve(item)
        if source.is_dir() and _within(target, source) and target != source:
            raise OutputError(
                _say(
                    lang,
                    f"--out {shown} ligger inde i inddata-mappen {item}; intet er skrevet. Rådata "
                    "ændres aldrig: vælg en mappe uden for data.",
                    f"--out {shown} lies inside the input folder {item}; nothing was written. "
                    "Raw data is never modified: choose a folder outside the data.",
                )
            )
        if _within(source, target):
            raise OutputError(
                _say(
                    lang,
                    f"--out {shown} er eller indeholder inddata ({item}); intet er skrevet. "
                    "Vælg en ny mappe uden for data.",
                    f"--out {shown} is or holds the input ({item}); nothing was written. "
                    "Choose a new folder outside the data.",
                )
            )
    if not target.is_dir():
        return target
    marker = _read_marker(target / MARKER)
    if marker is not None and not isinstance(marker.get("command"), str):
        marker = None  # not a marker this package wrote: it vouches for nothing
    if marker is not None and marker.get("command") != command:
        raise OutputError(
            _say(
                lang,
                f"--out {shown} rummer en kørsel af 'analyse {marker.get('command')}', ikke af "
                f"'analyse {command}'; intet er skrevet. Vælg en ny mappe.",
                f"--out {shown} holds a run of 'analyse {marker.get('command')}', not of "
                f"'analyse {command}'; nothing was written. Choose a new folder.",
            )
        )
    foreign = list(dict.fromkeys(f.split("/")[0] for f in _foreign(target, marker)))
    if foreign:
        names = ", ".join(foreign[:3]) + (f" (+{len(foreign) - 3})" if len(foreign) > 3 else "")
        raise OutputError(
            _say(
                lang,
                f"--out {shown} indeholder filer, som analyse ikke har skrevet ({names}); intet "
                "er skrevet, og intet er slettet. Vælg en ny eller tom mappe.",
                f"--out {shown} holds files analyse did not write ({names}); nothing was "
                "written or deleted. Choose a new or empty folder.",
            )
        )
    return target


# ----------------------------------------------------------------------------- the lock


class _Lock:
    """An exclusive, non-blocking lock on a file beside ``--out`` (released when the process
    dies, so a killed run leaves no lock that blocks the next one)."""

    def __init__(self, path: Path, shown: str, lang: str) -> None:
        self.path, self.shown, self.lang = path, shown, lang
        self.fd: int | None = None

    def acquire(self) -> None:
        for _ in range(10):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                os.close(fd)
                raise OutputError(
                    _say(
                        self.lang,
                        f"En anden kørsel skriver allerede i {self.shown}; intet er skrevet. "
                        "Vent til den er færdig, eller vælg en anden mappe.",
                        f"Another run is already writing into {self.shown}; nothing was "
                        "written. Wait for it to finish or choose another folder.",
                    )
                )
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except OSError:
                same = False
            if same:  # not unlinked by a run that finished meanwhile
                self.fd = fd
                try:
                    os.ftruncate(fd, 0)
                    os.write(fd, f"{os.getpid()}\n".encode())
                except OSError:  # a full disk: the lock holds without the process id
                    pass
                return
            os.close(fd)
        raise OutputError(f"could not lock {self.path}")  # pragma: no cover

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # while still holding it: a waiting run then retries
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def refuse_if_busy(out: str | os.PathLike[str], *, lang: str = "da") -> None:
    """Refuse at once an ``--out`` another run is writing into (its lock is held).

    A cheap look before a command loads its heavy modules, so that a second run is refused
    within a second; :func:`output_folder` still takes the lock itself. Creates nothing.
    """
    if os.name == "nt":  # pragma: no cover - no signal-0 probe of a process there
        return
    target = resolve(out)
    path = target.parent / f".{short_name(target.name)}{_LOCK}"
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # no lock file (or none we may open): nobody is writing
        return
    try:
        # Only a lock whose holder wrote its process id and still lives is probed: a run that
        # is taking the lock right now is never disturbed by this look.
        try:
            pid = int(os.read(fd, 32).decode("ascii", "replace").strip() or 0)
        except ValueError:
            pid = 0
        if pid <= 0 or not _alive(pid):
            return
        free = _try_lock(fd)  # released again by closing fd, below
    finally:
        os.close(fd)
    if not free:
        raise OutputError(
            _say(
                lang,
                f"En anden kørsel skriver allerede i {out}; intet er skrevet. "
                "Vent til den er færdig, eller vælg en anden mappe.",
                f"Another run is already writing into {out}; nothing was "
                "written. Wait for it to finish or choose another folder.",
            )
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


# ----------------------------------------------------------------------------- removal


def _remove_listed(folder: Path) -> bool:
    """Remove the files ``folder``'s marker lists (only those still unchanged), then the
    folders left empty. Returns whether ``folder`` itself is gone."""
    marker = _read_marker(folder / MARKER) or {"files": {}, "folders": []}
    for rel, record in marker["files"].items():
        path = folder / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute():
            continue
        if _unchanged(path, record):
            path.unlink()
    (folder / MARKER).unlink(missing_ok=True)
    (folder / SENTINEL).unlink(missing_ok=True)
    for root, _, _ in sorted(os.walk(folder, topdown=False), key=lambda t: -len(t[0])):
        try:
            os.rmdir(root)
        except OSError:
            pass
    if folder.exists():
        log.warning("%s holds files analyse did not write; they were left in place", folder)
        return False
    return True


def clean_leftovers(target: Path) -> None:
    """Remove what killed runs into ``target`` left beside it (call while holding its lock).

    A temporary folder (with :data:`SENTINEL`) is removed; a replaced folder waiting for
    removal loses only the files its marker lists.
    """
    pattern = re.compile(
        re.escape(f".{short_name(target.name)}") + f"({re.escape(_TMP)}|{re.escape(_OLD)})"
    )
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return
    for path in siblings:
        if not pattern.match(path.name) or path.is_symlink() or not path.is_dir():
            continue
        if (path / SENTINEL).is_file() and not (path / MARKER).exists():
            shutil.rmtree(path, ignore_errors=True)
        elif (path / MARKER).is_file():
            _remove_listed(path)


# ----------------------------------------------------------------------------- the folder


@contextmanager
def output_folder(
    out: str | os.PathLike[str],
    *,
    command: str,
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: str = "da",
) -> Iterator[Path]:
    """Write a run into a temporary folder; on success, move it to ``out`` and mark it ours.

    ``out`` is checked (:func:`check_out`) and locked before the body runs, so a refusal costs
    nothing. If the body raises (or the process is stopped by a signal the CLI turns into an
    exception), the temporary folder is removed and ``out`` is untouched. An earlier run of
    ``command`` in ``out`` is replaced: only the files its marker lists are removed.

    Yields
    ------
    pathlib.Path
        The temporary folder to write into.
    """
    inputs = list(inputs)
    target = check_out(out, command=command, inputs=inputs, lang=lang)
    lock = _Lock(target.parent / f".{short_name(target.name)}{_LOCK}", str(out), lang)
    _make_and_lock(target.parent, lock, lang)
    try:
        check_out(out, command=command, inputs=inputs, lang=lang)  # now under the lock
        clean_leftovers(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{short_name(target.name)}{_TMP}", dir=target.parent))
        try:
            try:
                (tmp / SENTINEL).write_text(f"{os.getpid()}\n", encoding="utf-8")
                yield tmp
                (tmp / SENTINEL).unlink()
                _write_marker(tmp, command)
            except OSError as err:
                if err.errno not in _CANNOT_WRITE:
                    raise
                raise _cannot_write(target.parent, err, lang) from err  # a full disk ...
            check_out(out, command=command, inputs=inputs, lang=lang)  # changed meanwhile?
            _swap(tmp, target)
        finally:
            if tmp.exists():
                remove_folder(tmp)
    finally:
        lock.release()


def remove_folder(path: Path, *, seconds: float = 2.0) -> bool:
    """Remove a folder of ours, also while a process being stopped still writes into it.

    A stopped run kills its report processes; a child of one (a kernel) ends when its parent
    does, by a signal that takes a moment to arrive, and may write a file meanwhile: removing
    the tree then finds a folder that is not empty. Tries again for up to ``seconds``.
    Returns whether the folder is gone.
    """
    deadline = time.monotonic() + seconds
    while True:
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return True
        if time.monotonic() > deadline:
            log.warning("could not remove %s", path)
            return False
        time.sleep(0.02)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back (delivered on exit), so that a stop request
    cannot fall between the two renames of a swap."""
    import signal
    import threading

    held = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    old = block(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, old)


def _make_and_lock(folder: Path, lock: _Lock, lang: str) -> None:
    """Create ``folder`` if missing and take ``lock``; a file-system error is a refusal."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except OSError as err:
        raise _cannot_write(folder, err, lang) from err


#: Why a folder cannot be written, in the user's language (the system's own words are
#: English): errno -> (Danish, English).
_WHY_NOT_WRITABLE: dict[int, tuple[str, str]] = {
    errno.EACCES: ("ingen skriveadgang", "no permission to write"),
    errno.EPERM: ("ingen skriveadgang", "no permission to write"),
    errno.EROFS: ("drevet er skrivebeskyttet", "the file system is read-only"),
    errno.ENOENT: (
        "stien findes ikke og kan ikke oprettes",
        "the path does not exist and cannot be made",
    ),
    errno.EEXIST: ("en del af stien er en fil, ikke en mappe", "part of the path is a file"),
    errno.ENOTDIR: ("en del af stien er en fil, ikke en mappe", "part of the path is a file"),
    errno.ENOSPC: ("disken er fuld", "the disk is full"),
    errno.EDQUOT: ("din diskkvote er brugt op", "your disk quota is used up"),
}


def _cannot_write(folder: Path, err: OSError, lang: str) -> OutputError:
    """The one line for a folder the command cannot write into (``err`` says why).

    >>> print(_cannot_write(Path("ud"), PermissionError(13, "Permission denied"), "da"))
    Kan ikke skrive i ud (ingen skriveadgang); intet er skrevet. Vælg en mappe, du kan skrive i.
    """
    known = _WHY_NOT_WRITABLE.get(err.errno or 0)
    why = (known[0] if lang == "da" else known[1]) if known else (err.strerror or str(err))
    return OutputError(
        _say(
            lang,
            f"Kan ikke skrive i {folder} ({why}); intet er skrevet. "
            "Vælg en mappe, du kan skrive i.",
            f"Cannot write into {folder} ({why}); nothing was written. "
            "Choose a folder you can write to.",
        )
    )


def _swap(tmp: Path, target: Path) -> None:
    """Move the finished ``tmp`` to ``target`` (absent, empty, or an earlier run of ours)."""
    with _signals_deferred():
        _swap_now(tmp, target)


def _swap_now(tmp: Path, target: Path) -> None:
    if target.is_dir() and not any(target.iterdir()):
        os.rmdir(target)
    if not target.exists():
        os.replace(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{short_name(target.name)}{_OLD}", dir=target.parent))
    os.rmdir(old)
    os.replace(target, old)
    os.replace(tmp, target)
    _remove_listed(old)


# ----------------------------------------------------------------------------- single files


def check_files(
    folder: str | os.PathLike[str],
    names: Iterable[str],
    *,
    command: str,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: str = "da",
) -> Path:
    """Refuse to add ``names`` to ``folder`` (see :func:`write_files`); return it resolved."""
    target = resolve(folder)
    shown = str(folder)
    names = list(names)
    if target.exists() and not target.is_dir():
        raise OutputError(
            _say(
                lang,
                f"--out {shown} er en fil, ikke en mappe; intet er skrevet. Vælg en mappe.",
                f"--out {shown} is a file, not a folder; nothing was written. Choose a folder.",
            )
        )
    for item in inputs:
        source = resolve(item)
        if source.is_dir() and _within(target, source) and target != source:
            raise OutputError(
                _say(
                    lang,
                    f"--out {shown} ligger inde i inddata-mappen {item}; intet er skrevet. "
                    "Inddata ændres aldrig: vælg en mappe uden for data.",
                    f"--out {shown} lies inside the input folder {item}; nothing was written. "
                    "Input is never modified: choose a folder outside the data.",
                )
            )
        if _within(source, target) and (source == target or source.is_dir()):
            raise OutputError(
                _say(
                    lang,
                    f"--out {shown} er eller indeholder inddata ({item}); intet er skrevet.",
                    f"--out {shown} is or holds the input ({item}); nothing was written.",
                )
            )
        if any(source == target / name for name in names):
            raise OutputError(
                _say(
                    lang,
                    f"{item} er inddata og ville blive overskrevet; intet er skrevet.",
                    f"{item} is an input and would be overwritten; nothing was written.",
                )
            )
    mine = (_read_marker(target / FILES_MARKER) or {"files": {}})["files"]
    for name in names:
        path = target / name
        if not (path.exists() or path.is_symlink()):
            continue
        record = mine.get(name)
        ours = (
            isinstance(record, dict)
            and record.get("command") == command
            and _unchanged(path, record)
        )
        if not ours and not (overwrite and path.is_file() and not path.is_symlink()):
            raise OutputError(
                _say(
                    lang,
                    f"{path} findes allerede og er ikke skrevet af 'analyse {command}'; intet "
                    "er skrevet. Vælg en anden mappe, eller brug --overwrite for at erstatte den.",
                    f"{path} exists and was not written by 'analyse {command}'; nothing was "
                    "written. Choose another folder, or use --overwrite to replace it.",
                )
            )
    return target


def write_files(
    folder: str | os.PathLike[str],
    files: Mapping[str, bytes],
    *,
    command: str,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
    lang: str = "da",
) -> list[Path]:
    """Add ``files`` (name -> bytes) to ``folder``, which may hold other files (never touched).

    An existing file of the same name is replaced only when it is unchanged since an earlier
    run of ``command`` wrote it (recorded in :data:`FILES_MARKER`), or with ``overwrite=True``
    (never a folder or a symbolic link); otherwise :class:`OutputError` and nothing is
    written. Each file is written to a temporary file and renamed into place.
    """
    args = {"command": command, "overwrite": overwrite, "inputs": list(inputs), "lang": lang}
    target = check_files(folder, files, **args)
    lock = _Lock(target / f".{command}{_LOCK}", str(folder), lang)
    _make_and_lock(target, lock, lang)
    try:
        check_files(folder, files, **args)  # now under the lock
        marker_path = target / FILES_MARKER
        marker = _read_marker(marker_path) or {"written_by": "naere-relationer", "files": {}}
        written = []
        try:
            for name, data in files.items():
                path = target / name
                _replace_atomically(path, data)
                marker["files"][name] = {"command": command, **_record(path)}
                written.append(path)
            _replace_atomically(
                marker_path, json.dumps(marker, indent=1, ensure_ascii=False).encode("utf-8")
            )
        except OSError as err:  # a full disk ...
            raise _cannot_write(target, err, lang) from err
        return written
    finally:
        lock.release()


def check_file(path: str | os.PathLike[str], *, overwrite: bool = False, lang: str = "da") -> Path:
    """Refuse a file name that is a folder, or an existing file without ``overwrite``."""
    target = Path(os.path.abspath(Path(path).expanduser()))
    if target.is_dir():
        raise OutputError(
            _say(
                lang,
                f"{path} er en mappe; intet er skrevet. Angiv et filnavn, fx skabelon.xlsx.",
                f"{path} is a folder; nothing was written. Give a file name, e.g. template.xlsx.",
            )
        )
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise OutputError(
            _say(
                lang,
                f"{path} findes allerede; intet er skrevet. Vælg et andet navn, eller brug "
                "--overwrite for at erstatte filen.",
                f"{path} already exists; nothing was written. Choose another name, or use "
                "--overwrite to replace the file.",
            )
        )
    return target


def write_file(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False, lang: str = "da"
) -> Path:
    """Write one file the user named (``template``): refuse an existing one unless
    ``overwrite``; never a folder. Written to a temporary file beside it and renamed."""
    target = check_file(path, overwrite=overwrite, lang=lang)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace_atomically(target, data)
    except OSError as err:  # a read-only folder, a full disk, a parent that is a file ...
        raise _cannot_write(target.parent, err, lang) from err
    return target


def _replace_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``, so that a
    reader never sees a half-written file; the temporary file is removed if anything fails."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{short_name(path.name)}{_TMP}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ----------------------------------------------------------------------------- names

#: Names a site's report or tables may not take: the overview, the index, and names Windows
#: reserves for devices (in any case, with or without an extension).
RESERVED = frozenset(
    {"samlet", "index", "con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_PLAIN = re.compile(r"^[A-Za-z0-9ÆØÅæøåÄÖÜäöüÉé_\-]{1,64}$")


def file_stem(name: str, *, reserved: Iterable[str] = RESERVED) -> str:
    """The file name (without extension) of a site's report or a table named ``name``.

    A plain name (letters including æ, ø and å, digits, ``_``, ``-``; NFC-normalised) that is
    not reserved (``samlet``, ``index``, ``CON``, ``NUL``, ``COM1`` ...; any case) is kept as
    it is, so ``H1`` gives ``H1.html`` and ``Solgården`` gives ``Solgården.html``. Any other
    name gets its unsafe characters replaced and ``~`` plus 10 hex digits of its SHA-256
    appended; plain names never contain ``~``, so the two kinds never meet, and two different
    names never share a stem (up to a 40-bit hash collision). Case: ``H8`` and ``h8`` are
    distinct names that one case-insensitive file system (Windows, macOS) would store as one
    file; :func:`distinct_stems` refuses such a pair.

    >>> file_stem("H1"), file_stem("Solgården"), file_stem("samlet")
    ('H1', 'Solgården', 'samlet~26e5b2e8de')
    >>> file_stem(".."), file_stem("CON")
    ('__~5ec1f7e700', 'CON~a3dbc4b644')
    """
    nfc = unicodedata.normalize("NFC", str(name))
    blocked = {r.casefold() for r in reserved}
    if _PLAIN.match(nfc) and nfc.casefold() not in blocked and nfc == str(name):
        return nfc
    digest = hashlib.sha256(str(name).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    safe = re.sub(r"[^A-Za-z0-9ÆØÅæøåÄÖÜäöüÉé_\-]", "_", nfc)[:40]
    return f"{safe}~{digest}"


def distinct_stems(names: Iterable[str], *, lang: str = "da") -> dict[str, str]:
    """``name -> file_stem(name)`` for every name; :class:`OutputError` if two names would
    share a file on a case-insensitive file system (``H8`` and ``h8``)."""
    stems: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name in names:
        stem = file_stem(name)
        key = unicodedata.normalize("NFC", stem).casefold()
        if key in seen and seen[key] != name:
            raise OutputError(
                _say(
                    lang,
                    f"Botilbuddene '{seen[key]}' og '{name}' adskiller sig kun ved store og små "
                    "bogstaver; deres rapporter ville overskrive hinanden på Windows og macOS. "
                    "Brug én stavemåde i data.",
                    f"The sites '{seen[key]}' and '{name}' differ only in upper and lower case; "
                    "their reports would overwrite each other on Windows and macOS. Use one "
                    "spelling in the data.",
                )
            )
        seen[key] = name
        stems[name] = stem
    return stems
