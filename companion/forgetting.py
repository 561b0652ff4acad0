"""`companion forget`: a session gone from everywhere companion kept it, and said so.

The history (overwritten, WAL emptied), its recordings, any kept copy of it that the history
could not take at the time, and the damaged copies of the history set aside earlier.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from companion import damaged, kept_audio, paths, unsaved
from companion.store import HISTORY_FILE, Forgotten, SessionRow, open_history

Echo = Callable[[str], None]


def _when(row: SessionRow) -> str:
    return row.started_at.strftime("%a %d %b %Y %H:%M")


def forget(ref: str | None, echo: Echo, warn: Echo) -> int:
    """Forget session `ref` (an id or 'last'), or every session when None; exit code."""
    home = paths.usable_data_dir()
    if home is None:
        warn(f"Your data directory {paths.data_dir()} cannot be used "
             f"({paths.data_dir_problem()}), so there is no history to delete from.")  # fmt: skip
        return 1
    opened = open_history(home)  # kept sessions come in first, so they go with the rest
    if opened.notice:
        warn(f"  ({opened.notice})")
    store = opened.store
    if store is None:
        if ref is not None:
            return 1
        forgotten = Forgotten([], [], True)
    else:
        try:
            row = None if ref is None else store.session(ref)
            if ref is not None and row is None:
                warn(f"No session {ref!r}. See `companion history`.")
                return 1
            forgotten = store.forget(None if row is None else row.id)
        except sqlite3.Error as e:
            warn(f"Your history at {store.path} could not be changed ({e}). Nothing was deleted.")
            return 1
        finally:
            store.close()
    ids = None if ref is None else [r.id for r in forgotten.deleted]
    _say(forgotten, echo)
    recordings = kept_audio.forget(ids) if ids != [] else 0
    if recordings:
        echo(f"Deleted {recordings} recording{'s' if recordings != 1 else ''} of your replies.")
    for path in _kept_files(ids):
        echo(f"Deleted a kept copy of a session: {path}")
    _damaged_copies(home / HISTORY_FILE, ids, echo, warn)
    if not forgotten.wal_empty:
        warn(f"What was deleted may stay in {home / HISTORY_FILE}-wal until the running "
             "session ends.")  # fmt: skip
    return 0


def _say(forgotten: Forgotten, echo: Echo) -> None:
    if not forgotten.deleted and not forgotten.running:
        echo("There were no sessions to delete.")
    for row in forgotten.deleted:
        echo(f"Deleted session #{row.id} ({_when(row)}).")
    for row in forgotten.running:
        echo(f"Session #{row.id} ({_when(row)}) is running now, so it was not deleted.")


def _kept_files(ids: list[int] | None) -> list[Path]:
    """Kept copies of these sessions the history has not taken yet (None: every one)."""
    removed = []
    for path in unsaved.found():
        if ids is not None and unsaved.session_of(path) not in ids:
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def _damaged_copies(history: Path, ids: list[int] | None, echo: Echo, warn: Echo) -> None:
    """All of them go with --all; from each, one session is deleted where it can be read."""
    for copy in damaged.copies(history):
        if copy.name.endswith(damaged.SIDE_FILES):
            continue  # goes with its copy
        if ids is None:
            for extra in ("", *damaged.SIDE_FILES):
                copy.with_name(copy.name + extra).unlink(missing_ok=True)
            echo(f"Deleted a damaged copy of your history: {copy}")
            continue
        if not ids:
            continue
        try:
            db = sqlite3.connect(copy, isolation_level=None)
            try:
                db.execute("PRAGMA secure_delete = ON")
                db.execute("BEGIN IMMEDIATE")
                for session_id in ids:
                    db.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
                    db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
                db.execute("COMMIT")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()
            echo(f"Deleted it from a damaged copy of your history: {copy}")
        except sqlite3.Error:
            warn(f"A damaged copy of your history, {copy}, may still hold it; "
                 "`companion forget --all` deletes that copy.")  # fmt: skip
