"""Reading a small data file (a script, config.toml, patterns.toml) safely: regular files only,
never more than a cap, so a device (/dev/zero) or a pipe cannot hang or fill memory."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MAX_BYTES = 256 * 1024


class FileUnusable(Exception):
    """The file cannot be read at all: missing, not a regular file, too large, not UTF-8."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class NotToml(Exception):
    """The file was read but is not valid TOML (a typo)."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


def read_text(path: Path, cap: int = MAX_BYTES) -> str:
    # O_NONBLOCK: opening a FIFO with no writer must not hang before it can be refused.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as e:
        raise FileUnusable(
            path, f"cannot read the file ({getattr(e, 'strerror', None) or e})"
        ) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(mode) else "a device or a pipe"
        raise FileUnusable(path, f"is {what}, not a regular file")
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(cap + 1)
        except OSError as e:
            raise FileUnusable(path, f"cannot read the file ({e.strerror or e})") from None
    if len(data) > cap:
        raise FileUnusable(path, f"the file is too large (at most {cap // 1024} KiB)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileUnusable(path, "the file is not UTF-8 text") from None


def read_toml(path: Path, cap: int = MAX_BYTES) -> dict[str, Any]:
    text = read_text(path, cap)
    try:
        data: dict[str, Any] = tomllib.loads(text)
        return data
    except tomllib.TOMLDecodeError as e:
        raise NotToml(path, f"not valid TOML: {e}") from None
    except RecursionError:
        raise NotToml(path, "not valid TOML: nested too deeply") from None


def present(path: Path) -> bool:
    """The user put something at this path (a file, or something that is not one)."""
    return path.exists() or path.is_symlink()


def mistake(path: Path, problem: str) -> str:
    """What the person is told when their own settings file has a mistake: the session goes on."""
    return f"{path} could not be read ({problem}); going on with the defaults."
