"""The log file: where tracebacks go instead of the screen. It never holds what was said."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from companion import paths

LOG_FILE = "companion.log"
log = logging.getLogger("companion")


def setup() -> Path | None:
    """Log to the data directory; if that cannot be written, log nowhere rather than fail."""
    try:
        home = paths.usable_data_dir()
        if home is None:
            raise FileNotFoundError(paths.data_dir_problem())
        path = home / LOG_FILE
        handler = logging.FileHandler(path, encoding="utf-8")
        path.chmod(0o600)
    except OSError:
        log.addHandler(logging.NullHandler())
        log.propagate = False
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # never onto the screen
    return path


def native_stderr_to_log(path: Path | None) -> None:
    """C libraries (PortAudio, ALSA, espeak, pocketsphinx) write notices straight to file
    descriptor 2. Send those to the log; Python's own stderr stays on the terminal."""
    if path is None or os.name == "nt":
        return
    try:
        terminal = os.dup(2)
        target = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        sys.stderr.flush()
        os.dup2(target, 2)
        os.close(target)
        sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        pass


def log_path() -> Path:
    return paths.data_dir() / LOG_FILE
