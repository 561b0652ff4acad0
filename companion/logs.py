"""The log file: where tracebacks go instead of the screen. It never holds what was said."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from companion import paths

LOG_FILE = "companion.log"
log = logging.getLogger("companion")


class _CountingFileHandler(logging.FileHandler):
    """A log that cannot be written (a full disk, a vanished file) is counted, never printed:
    the screen belongs to the session."""

    failures = 0

    def handleError(self, record: logging.LogRecord) -> None:
        type(self).failures += 1


def failed_writes() -> int:
    """How many log records could not be written in this run."""
    return _CountingFileHandler.failures


def setup() -> Path | None:
    """Log to the data directory; if that cannot be written, log nowhere rather than fail."""
    logging.raiseExceptions = False  # a handler's own failure never reaches the screen
    sys.unraisablehook = _unraisable_to_log  # e.g. an exception in a sound-card callback
    threading.excepthook = _thread_error_to_log
    try:
        home = paths.usable_data_dir()
        if home is None:
            raise FileNotFoundError(paths.data_dir_problem())
        path = home / LOG_FILE
        handler = _CountingFileHandler(path, encoding="utf-8")
        if path.is_file():
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


def _thread_error_to_log(args: threading.ExceptHookArgs) -> None:
    try:
        log.error("thread %s failed: %s: %s", args.thread.name if args.thread else "?",
                  args.exc_type.__name__, args.exc_value)  # fmt: skip
    except Exception:
        pass


def _unraisable_to_log(unraisable: sys.UnraisableHookArgs) -> None:
    """Exceptions Python cannot raise anywhere (ctypes callbacks, __del__) go to the log."""
    try:
        log.error("ignored exception in %r: %s: %s", unraisable.object,
                  type(unraisable.exc_value).__name__, unraisable.exc_value)  # fmt: skip
    except Exception:  # the log itself is gone: nothing more to do
        pass


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
        encoding = getattr(sys.stderr, "encoding", None) or "utf-8"  # the terminal's own
        sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding=encoding, errors="replace")
    except (OSError, ValueError):
        pass


def log_path() -> Path:
    return paths.data_dir() / LOG_FILE
