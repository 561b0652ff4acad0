"""Session history in SQLite: every event written as it happens, migrations versioned."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from companion import faults, paths
from companion.events import (
    Answered,
    Ended,
    Event,
    Rated,
    Statement,
    Status,
    from_data,
    kind_of,
    to_data,
)
from companion.interrupts import held
from companion.logs import log

# Each migration runs once, in order; PRAGMA user_version holds how many have run. Each is a
# list of statements, run together with the version bump in one exclusive transaction.
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "create sessions and events",
        (
            """CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                script TEXT NOT NULL,
                mode TEXT NOT NULL,
                status TEXT NOT NULL,
                pid INTEGER,
                distress_before INTEGER,
                distress_after INTEGER,
                statement TEXT,
                return_at TEXT
            )""",
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                t REAL NOT NULL,
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                data TEXT NOT NULL
            )""",
            "CREATE INDEX events_by_session ON events(session_id, id)",
        ),
    ),
    (
        "remember which kept sessions were brought back",
        # A kept session's file is deleted after it is brought back; its name here makes
        # sure a second process never brings it back twice.
        ("CREATE TABLE brought_back (name TEXT PRIMARY KEY, session_id INTEGER)",),
    ),
    (
        "create letters",
        (
            """CREATE TABLE letters (
                session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
                parts TEXT NOT NULL,
                checks TEXT NOT NULL
            )""",
        ),
    ),
)


WRITE_WAIT = 0.5  # seconds a write waits for another process's lock during a session
OPEN_WAIT = 10.0  # ... while the history is made or migrated, which every process needs
CATCH_UP_WAIT = 5.0  # ... and at the end, when nothing is waiting on it


class StoreError(Exception):
    """The history could not be read or written; the message says where and why."""


class DamagedError(sqlite3.DatabaseError):
    """The history file opens but some of its pages are damaged (PRAGMA quick_check)."""


@dataclass(frozen=True)
class SessionRow:
    id: int
    started_at: datetime
    ended_at: datetime | None
    script: str
    mode: str
    status: Status
    distress_before: int | None
    distress_after: int | None
    statement: str | None
    return_at: datetime | None


@dataclass(frozen=True)
class StoredEvent:
    t: float
    at: datetime
    event: Event


@dataclass(frozen=True)
class KeptBegin:
    """How a kept session began: its row's id if it had one, script, mode, start."""

    session_id: int | None
    script: str
    mode: str
    started_at: datetime


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Store:
    def __init__(self, path: Path, *, check: bool = True) -> None:
        self.path = path
        self._writes = 0
        try:
            # Made 0600 before SQLite sees it: its own files follow the umask.
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        except OSError as e:
            raise StoreError(f"cannot open the history at {path}: {e.strerror or e}") from e
        try:
            self.db = sqlite3.connect(path, timeout=OPEN_WAIT, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self._wal()
            if check:
                self._check()
            self._migrate()
            # A short wait for a lock: a session must not stall on its history.
            self.db.execute(f"PRAGMA busy_timeout = {int(WRITE_WAIT * 1000)}")
        except sqlite3.Error as e:
            if hasattr(self, "db"):
                self.db.close()
            raise StoreError(f"cannot open the history at {path}: {e}") from e

    def _wal(self) -> None:
        # Switching a new file to WAL takes a lock SQLite does not wait for: when several
        # processes first use the history at once, wait here instead.
        deadline = time.monotonic() + OPEN_WAIT
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _check(self) -> None:
        """A damaged page is found now, not halfway through a session or a replay."""
        found = [str(r[0]) for r in self.db.execute("PRAGMA quick_check(5)").fetchall()]
        if found != ["ok"]:
            raise DamagedError("database disk image is malformed: " + "; ".join(found))

    def _migrate(self) -> None:
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version >= len(MIGRATIONS):
            return  # nothing to do: no lock taken, so a locked history still opens
        # One exclusive transaction for all of them, the version read again inside it: a
        # second process starting at the same moment waits, then finds nothing left to do.
        with self._transaction():
            (version,) = self.db.execute("PRAGMA user_version").fetchone()
            for _name, statements in MIGRATIONS[version:]:
                for statement in statements:
                    self.db.execute(statement)
            self.db.execute(f"PRAGMA user_version = {max(version, len(MIGRATIONS))}")

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    # --- writing ------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _injected_fault(self) -> None:
        if slow := faults.number("store-slow"):
            time.sleep(slow)
        self._writes += 1
        message = faults.store_error()
        after = faults.number("store-fails-after")
        if message is None and after is not None and self._writes > after + 1:
            message = "disk I/O error"
        if message:
            raise sqlite3.OperationalError(message)

    def start(self, script: str, mode: str, at: datetime) -> int:
        self._injected_fault()
        cur = self.db.execute(
            "INSERT INTO sessions (started_at, script, mode, status, pid) VALUES (?, ?, ?, ?, ?)",
            (at.isoformat(), script, mode, Status.RUNNING.value, os.getpid()),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def add(self, session_id: int, event: Event, t: float, at: datetime) -> None:
        """One event and the session's summary, committed together at once."""
        self._injected_fault()
        with self._transaction():
            self._insert(session_id, event, t, at)

    def _insert(self, session_id: int, event: Event, t: float, at: datetime) -> None:
        self.db.execute(
            "INSERT INTO events (session_id, t, at, kind, data) VALUES (?, ?, ?, ?, ?)",
            (session_id, t, at.isoformat(), kind_of(event), json.dumps(to_data(event))),
        )
        if isinstance(event, Rated):
            self.db.execute(
                "UPDATE sessions SET distress_before = COALESCE(distress_before, ?),"
                " distress_after = ? WHERE id = ?",
                (event.value, event.value, session_id),
            )
        elif isinstance(event, Statement):
            self.db.execute(
                "UPDATE sessions SET statement = ?, return_at = ? WHERE id = ?",
                (event.text, event.return_at.isoformat() if event.return_at else None,
                 session_id),
            )  # fmt: skip
        elif isinstance(event, Ended):
            self.db.execute(
                "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?",
                (event.status.value, at.isoformat(), session_id),
            )

    def add_letter(self, session_id: int, letter: dict[str, Any]) -> None:
        """A letter's parts and flags (`letters.saved.as_data`), in the caller's transaction."""
        self.db.execute(
            "INSERT INTO letters (session_id, parts, checks) VALUES (?, ?, ?)",
            (session_id, json.dumps(letter["parts"]), json.dumps(letter["checks"])),
        )

    def bring_back(self, name: str, begin: KeptBegin, events: list[tuple[Event, float, datetime]],
                   letter: dict[str, Any] | None = None) -> int | None:  # fmt: skip
        """A kept session (from a file the history could not take then) written in: to its
        own row when that was started, else to a new one, with its letter if it was one.
        All or nothing, and only once per name; returns the session's id, or None when it
        was already brought back."""
        with self._transaction():
            if self.db.execute("SELECT 1 FROM brought_back WHERE name = ?", (name,)).fetchone():
                return None
            session_id = begin.session_id
            row = None
            if session_id is not None:
                row = self.db.execute(
                    "SELECT 1 FROM sessions WHERE id = ? AND started_at = ?",
                    (session_id, begin.started_at.isoformat()),
                ).fetchone()
            if row is None:
                cur = self.db.execute(
                    "INSERT INTO sessions (started_at, script, mode, status, pid)"
                    " VALUES (?, ?, ?, ?, NULL)",
                    (begin.started_at.isoformat(), begin.script, begin.mode,
                     Status.CRASHED.value),
                )  # fmt: skip
                assert cur.lastrowid is not None
                session_id = cur.lastrowid
            assert session_id is not None
            # The process that kept it is gone: unless it ended, it was cut short.
            self.db.execute(
                "UPDATE sessions SET status = ?, pid = NULL WHERE id = ? AND status = ?",
                (Status.CRASHED.value, session_id, Status.RUNNING.value),
            )
            for event, t, at in events:
                self._insert(session_id, event, t, at)
            if letter is not None:
                self.add_letter(session_id, letter)
            self.db.execute("INSERT INTO brought_back (name, session_id) VALUES (?, ?)",
                            (name, session_id))  # fmt: skip
        return session_id

    def mark_abandoned(self) -> int:
        """Sessions left 'running' by a process that is gone were cut short by a crash."""
        rows = self.db.execute(
            "SELECT id, pid FROM sessions WHERE status = ?", (Status.RUNNING.value,)
        ).fetchall()
        marked = 0
        for session_id, pid in rows:
            if pid is not None and _alive(pid) and pid != os.getpid():
                continue
            last = self.db.execute(
                "SELECT MAX(at) FROM events WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            self.db.execute(
                "UPDATE sessions SET status = ?, ended_at = COALESCE(?, started_at) WHERE id = ?",
                (Status.CRASHED.value, last, session_id),
            )
            marked += 1
        return marked

    # --- reading ------------------------------------------------------------------------

    _COLUMNS = ("id, started_at, ended_at, script, mode, status, distress_before, "
                "distress_after, statement, return_at")  # fmt: skip

    def _row(self, r: tuple[object, ...]) -> SessionRow:
        return SessionRow(
            id=int(r[0]),  # type: ignore[call-overload]
            started_at=datetime.fromisoformat(str(r[1])),
            ended_at=_dt(r[2]),  # type: ignore[arg-type]
            script=str(r[3]),
            mode=str(r[4]),
            status=Status(r[5]),
            distress_before=r[6],  # type: ignore[arg-type]
            distress_after=r[7],  # type: ignore[arg-type]
            statement=r[8],  # type: ignore[arg-type]
            return_at=_dt(r[9]),  # type: ignore[arg-type]
        )

    def sessions(self, limit: int = 50) -> list[SessionRow]:
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM sessions ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [self._row(r) for r in rows]

    def session(self, ref: str) -> SessionRow | None:
        """'last' (the latest session with closing words, else the latest session), or an id.

        A letter is kept as a row too, but 'last' means the last closing words, so letters
        are left out of it; a letter is still found by its id."""
        if ref == "last":
            sessions = f"SELECT {self._COLUMNS} FROM sessions WHERE mode != 'letter'"
            row = (
                self.db.execute(
                    f"{sessions} AND statement IS NOT NULL ORDER BY id DESC LIMIT 1"
                ).fetchone()
                or self.db.execute(f"{sessions} ORDER BY id DESC LIMIT 1").fetchone()
            )
        else:
            try:
                session_id = int(ref)
            except ValueError:
                return None
            row = self.db.execute(
                f"SELECT {self._COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        return self._row(row) if row else None

    def events(self, session_id: int) -> Iterator[StoredEvent]:
        for t, at, kind, data in self.db.execute(
            "SELECT t, at, kind, data FROM events WHERE session_id = ? ORDER BY id",
            (session_id,),
        ):
            yield StoredEvent(
                float(t), datetime.fromisoformat(at), from_data(kind, json.loads(data))
            )

    def answers(self, session_id: int) -> dict[str, str]:
        return {
            e.event.key: e.event.value
            for e in self.events(session_id)
            if isinstance(e.event, Answered)
        }

    def forget(self, session_id: int | None) -> Forgotten:
        """Delete one session (or all when None) in one transaction, overwriting what was
        deleted, then empty the WAL so no copy of it is left there. A session running in
        another process is never deleted: it would be written again a moment later."""
        self.db.execute("PRAGMA secure_delete = ON")
        self.db.execute(f"PRAGMA busy_timeout = {int(CATCH_UP_WAIT * 1000)}")
        where, args = ("", ()) if session_id is None else (" WHERE id = ?", (session_id,))
        with self._transaction():
            rows = [self._row(r) for r in self.db.execute(
                f"SELECT {self._COLUMNS} FROM sessions{where} ORDER BY id", args)]  # fmt: skip
            pids = dict(self.db.execute(f"SELECT id, pid FROM sessions{where}", args).fetchall())
            running = [r for r in rows if r.status is Status.RUNNING and pids.get(r.id)
                       and pids[r.id] != os.getpid() and _alive(pids[r.id])]  # fmt: skip
            deleted = [r for r in rows if r not in running]
            for row in deleted:
                self.db.execute("DELETE FROM events WHERE session_id = ?", (row.id,))
                self.db.execute("DELETE FROM sessions WHERE id = ?", (row.id,))
                self.db.execute("DELETE FROM brought_back WHERE session_id = ?", (row.id,))
        return Forgotten(deleted, running, self._empty_wal())

    def _empty_wal(self) -> bool:
        """Copy the WAL into the file and truncate it; True once it is empty. A running
        session's writes are short, so this waits for a gap between them."""
        deadline = time.monotonic() + CATCH_UP_WAIT
        while True:
            busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if not busy:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


@dataclass(frozen=True)
class Forgotten:
    deleted: list[SessionRow]
    running: list[SessionRow]  # asked for, but still running: kept
    wal_empty: bool  # False: a copy of what was deleted may remain in the WAL for now


HISTORY_FILE = "history.db"


@dataclass
class Opened:
    store: Store | None
    notice: str | None = None  # what the person should know about their history


def open_history(directory: Path) -> Opened:
    """Open the history, setting a damaged file aside (never deleting it) for a fresh one
    that gets what could still be read; sessions kept aside earlier are brought in."""
    path = directory / HISTORY_FILE
    try:
        store = Store(path)
    except StoreError as e:
        cause = e.__cause__
        if not _is_corrupt(cause):
            return Opened(None, f"Your history could not be opened ({cause}); "
                                f"this session will not be saved to {path}.")  # fmt: skip
        return _replace_damaged(path)
    _settle(store)
    return Opened(store)


def open_session_history() -> Opened:
    """The history in the data directory, or why there is none: a data directory that
    cannot be made costs a session nothing but its saving."""
    home = paths.usable_data_dir()
    if home is None:
        return Opened(None, f"Nothing can be kept in {paths.data_dir()} "
                            f"({paths.data_dir_problem()}); this session will not be saved "
                            "there.")  # fmt: skip
    return open_history(home)


def _settle(store: Store) -> None:
    """Sessions of processes that are gone marked cut short; kept sessions brought in.
    Neither can wait: with the history locked, both are left for the next time."""
    from companion import unsaved

    try:
        store.mark_abandoned()
    except sqlite3.Error as e:
        log.info("history: cannot mark old sessions now: %s", e)
    unsaved.bring_back(store)


def _replace_damaged(path: Path) -> Opened:
    from companion import damaged

    try:
        aside = damaged.set_aside(path)
        store = Store(path)
    except (OSError, StoreError) as e:
        return Opened(None, f"Your history at {path} is damaged and could not be set aside "
                            f"({e}); this session will not be saved.")  # fmt: skip
    copied = damaged.salvage(aside, store.db)
    _settle(store)
    saved = (f" {copied} earlier session{' was' if copied == 1 else 's were'} that could "
             "still be read copied into it." if copied else "")  # fmt: skip
    return Opened(store, f"Your history file was damaged. It was kept as {aside}, "
                         f"and a new one was started.{saved}")  # fmt: skip


def _is_corrupt(error: BaseException | None) -> bool:
    return isinstance(error, sqlite3.DatabaseError) and (
        "not a database" in str(error) or "malformed" in str(error)
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SessionRecorder:
    """Records one session's events into the store; never lets a write error stop the session.

    What cannot be written is kept, and tried once more when the session ends: a lock held by
    another process is usually gone by then.
    """

    def __init__(self, store: Store | None, session_id: int | None,
                 begin: tuple[str, str, datetime] | None = None) -> None:  # fmt: skip
        self.store, self.session_id = store, session_id
        self.begin = begin  # (script, mode, started at): to start the row late
        self.failed: str | None = None
        self.kept: list[tuple[Event, float, datetime]] = []  # what could not be written
        self.started: Callable[[int], None] | None = None  # told the number of a late row

    @classmethod
    def starting(cls, store: Store | None, script: str, mode: str,
                 at: datetime) -> SessionRecorder:  # fmt: skip
        """A recorder with the session's row started; if the history cannot be written now,
        the row is started late, as soon as it can be."""
        begin = (script, mode, at)
        session_id = None
        if store is not None:
            try:
                session_id = store.start(*begin)
            except sqlite3.Error as e:
                log.warning("history: cannot start a session: %s", e)
        return cls(store, session_id, begin)

    def record(self, event: Event, t: float, at: datetime) -> None:
        if self.store is None:
            self.kept.append((event, t, at))
            return
        if self.session_id is None or self.failed:
            # Written as soon as the history takes it again (a lock gone): a quick try
            # that never waits, so a locked history costs the session nothing.
            self.kept.append((event, t, at))
            self._write_kept(wait=0.0)
            return
        try:
            with held():  # a signal now waits for this write
                self.store.add(self.session_id, event, t, at)
        except sqlite3.Error as e:
            self.failed = str(e)
            self.kept.append((event, t, at))

    def kept_begin(self) -> KeptBegin | None:
        if self.begin is None:
            return None
        return KeptBegin(self.session_id, *self.begin)

    def catch_up(self) -> None:
        """Write what was kept, now that nothing is waiting on the store."""
        self._write_kept(wait=CATCH_UP_WAIT)

    def _write_kept(self, wait: float) -> None:
        if not self.kept or self.store is None:
            return
        try:
            self.store.db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            with held():
                if self.session_id is None:
                    if self.begin is None:
                        return
                    self.session_id = self.store.start(*self.begin)
                    if self.started is not None:
                        self.started(self.session_id)
                while self.kept:
                    self.store.add(self.session_id, *self.kept[0])
                    self.kept.pop(0)
        except sqlite3.Error as e:
            self.failed = str(e)
            return
        finally:
            try:
                self.store.db.execute(f"PRAGMA busy_timeout = {int(WRITE_WAIT * 1000)}")
            except sqlite3.Error:
                pass
        self.failed = None
