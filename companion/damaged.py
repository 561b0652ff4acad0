"""A damaged history: set aside (never deleted), and what can still be read copied out."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ASIDE = ".corrupt-"
SIDE_FILES = ("-wal", "-shm")
MAX_SKIPS = 40  # jumps past unreadable rows, each twice as far as the last


def set_aside(path: Path) -> Path:
    """Rename the history (and its WAL) to a name no other copy has; returns the new name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}{ASIDE}{stamp}")
    if aside.exists():
        aside = path.with_name(f"{path.name}{ASIDE}{stamp}-{os.getpid()}")
    path.rename(aside)
    for suffix in SIDE_FILES:
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(aside.with_name(aside.name + suffix))
    return aside


def copies(path: Path) -> list[Path]:
    """The damaged copies set aside beside this history, with their WAL files."""
    return sorted(path.parent.glob(f"{path.name}{ASIDE}*"))


def _rows(db: sqlite3.Connection, table: str, columns: str) -> Iterator[tuple[object, ...]]:
    """The table's rows that can be read, in id order, skipping past damaged pages."""
    last, step, skips = 0, 1, 0
    while skips <= MAX_SKIPS:
        try:
            for row in db.execute(
                f"SELECT id, {columns} FROM {table} WHERE id > ? ORDER BY id", (last,)
            ):
                yield row
                last, step = int(row[0]), 1
            return
        except sqlite3.DatabaseError:
            last, step, skips = last + step, step * 2, skips + 1


SESSION_COLUMNS = ("started_at, ended_at, script, mode, status, pid, distress_before, "
                   "distress_after, statement, return_at")  # fmt: skip
EVENT_COLUMNS = "session_id, t, at, kind, data"


def salvage(aside: Path, into: sqlite3.Connection) -> int:
    """Copy every session (and its events) that can be read from the damaged copy into the
    new history, keeping their numbers; returns how many sessions. The copy is not touched:
    it is read from a scratch copy, deleted after."""
    scratch = aside.with_name(aside.name + ".reading")
    try:
        shutil.copyfile(aside, scratch)
        wal = aside.with_name(aside.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, scratch.with_name(scratch.name + "-wal"))
        scratch.chmod(0o600)
        source = sqlite3.connect(scratch, isolation_level=None)
    except (OSError, sqlite3.Error):
        _remove(scratch)
        return 0
    try:
        return _copy(source, into)
    finally:
        source.close()
        _remove(scratch)


def _copy(source: sqlite3.Connection, into: sqlite3.Connection) -> int:
    sessions: set[int] = set()
    into.execute("BEGIN IMMEDIATE")
    try:
        for row in _rows(source, "sessions", SESSION_COLUMNS):
            try:
                into.execute(f"INSERT INTO sessions (id, {SESSION_COLUMNS}) "
                             f"VALUES ({', '.join('?' * 11)})", row)  # fmt: skip
                sessions.add(int(row[0]))  # type: ignore[call-overload]
            except sqlite3.Error:
                continue  # a row whose fields came out wrong
        for row in _rows(source, "events", EVENT_COLUMNS):
            if row[1] not in sessions:
                continue
            try:
                into.execute(f"INSERT INTO events (id, {EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                             row)  # fmt: skip
            except sqlite3.Error:
                continue
        for row in _letters(source):
            if row[0] in sessions:
                try:
                    into.execute("INSERT INTO letters (session_id, parts, checks) "
                                 "VALUES (?, ?, ?)", row)  # fmt: skip
                except sqlite3.Error:
                    continue
    except sqlite3.Error:
        into.execute("ROLLBACK")
        return 0
    into.execute("COMMIT")
    return len(sessions)


def _letters(source: sqlite3.Connection) -> list[tuple[object, ...]]:
    """The letters that can be read; none from an older history or from damaged pages."""
    try:
        return list(source.execute("SELECT session_id, parts, checks FROM letters"))
    except sqlite3.DatabaseError:
        return []


def _remove(scratch: Path) -> None:
    for extra in ("", *SIDE_FILES):
        try:
            scratch.with_name(scratch.name + extra).unlink(missing_ok=True)
        except OSError:
            pass
