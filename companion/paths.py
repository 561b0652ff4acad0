"""Where companion keeps its data, and where its bundled scripts and sounds live.

Every directory companion creates is made here, 0700 whatever the umask: it holds what a
person said at their worst moment.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

APP = "companion"
PRIVATE = 0o700

# What data_dir() found: a directory it could not make, or one it had to make private.
_problems: dict[Path, str] = {}
tightened: dict[Path, int] = {}  # directory -> the mode it had before


def private_dir(path: Path) -> Path:
    """Make `path` and any missing parents, each 0700 whatever the umask; return it.

    Raises OSError when it cannot be made (a file in the way, no permission)."""
    missing = []
    for part in (path, *path.parents):
        if part.is_dir():
            break
        missing.append(part)
    for part in reversed(missing):
        try:
            part.mkdir(mode=PRIVATE)
        except FileExistsError:
            if not part.is_dir():
                raise
            continue  # made at the same moment by another process
        part.chmod(PRIVATE)  # mkdir's mode is cut by the umask
    return path


def _tighten(path: Path) -> None:
    """A data directory others can read is made private, once, and remembered for doctor."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(PRIVATE)
        tightened[path] = mode


def _data_path() -> Path:
    override = os.environ.get("COMPANION_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP))


def data_dir() -> Path:
    """The private data directory (history, log, config), created 0700 on first use.

    Never raises: when the directory cannot be made, the path is still returned (reading a
    config file there finds nothing) and usable_data_dir() says why."""
    path = _data_path()
    usable_data_dir()
    return path


def usable_data_dir() -> Path | None:
    """The data directory, made and private; None when it cannot be (see data_dir_problem)."""
    try:
        path = _data_path()
    except (OSError, RuntimeError, KeyError) as e:  # HOME unusable for expanduser
        _problems[Path("~")] = str(e)
        return None
    if path in _problems:
        return None
    try:
        private_dir(path)
        _tighten(path)
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(f"cannot write in {path}")
    except OSError as e:
        _problems[path] = _why(e)
        return None
    return path


def _why(error: OSError) -> str:
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "a file is in the way"
    if isinstance(error, PermissionError) or error.errno in (1, 13, 30):  # EPERM, EACCES, EROFS
        return "no permission to create or write it"
    return error.strerror or str(error)


def data_dir_problem() -> str | None:
    """Why the data directory cannot be used, or None when it can."""
    try:
        path = _data_path()
    except (OSError, RuntimeError, KeyError) as e:
        return str(e)
    if usable_data_dir() is not None:
        return None
    return _problems.get(path) or _problems.get(Path("~"))


def cache_dir() -> Path:
    """Rendered speech lives here; it can always be made again. When its usual place cannot
    be made, a private one in the runtime directory will do; OSError when none can."""
    override = os.environ.get("COMPANION_HOME")
    if override:
        path = Path(override).expanduser() / "cache"
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir(APP))
    try:
        return private_dir(path)
    except OSError:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if not runtime or not Path(runtime).is_absolute():
            raise
        return private_dir(Path(runtime) / f"{APP}-cache-{_key()}")


def fallback_dirs() -> Iterator[Path]:
    """Where a session the history could not take is kept, best first: the data directory,
    else a private directory in the user's runtime or cache directory (never a shared /tmp).

    The private directories are named for the data directory, so that each history brings
    back only its own sessions; each is made only when the one before would not do."""
    home = usable_data_dir()
    if home is not None:
        yield home
    for base in _private_bases():
        try:
            yield private_dir(base / f"{APP}-unsaved" / _key())
        except OSError:
            continue


def fallback_places() -> list[Path]:
    """Every directory fallback_dirs() may use, whether it exists or not (for reading)."""
    places = [_safe_data_path()]
    key = _key()
    places += [base / f"{APP}-unsaved" / key for base in _private_bases()]
    return places


def _key() -> str:
    """Names the private places that belong to this data directory."""
    return hashlib.sha256(str(_safe_data_path()).encode()).hexdigest()[:16]


def _safe_data_path() -> Path:
    try:
        return _data_path()
    except (OSError, RuntimeError, KeyError):
        return Path("(none)")


def _private_bases() -> list[Path]:
    bases = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute():
        bases.append(Path(runtime))
    try:
        from platformdirs import user_cache_dir

        bases.append(Path(user_cache_dir()))
    except (OSError, RuntimeError, KeyError):
        pass
    return bases


def _bundled(name: str) -> Path:
    # Installed wheel: data sits inside the package. Source checkout or editable
    # install: it sits at the project's top level.
    here = Path(__file__).resolve().parent
    inside = here / "_data" / name
    return inside if inside.is_dir() else here.parent / name


def scripts_dir() -> Path:
    return _bundled("scripts")


def audio_dir() -> Path:
    return _bundled("audio")
