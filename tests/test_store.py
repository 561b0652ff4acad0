from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from companion.events import Answered, Ended, Rated, Role, Spoken, Statement, Status
from companion.store import MIGRATIONS, SessionRecorder, Store, open_history

AT = datetime(2026, 3, 14, 20, 0).astimezone()


def test_a_new_store_runs_every_migration_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    assert store.version == len(MIGRATIONS)
    store.close()
    again = Store(tmp_path / "h.db")
    assert again.version == len(MIGRATIONS)


def test_each_event_is_on_disk_as_soon_as_it_is_recorded(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    sid = store.start("ground", "text", AT)
    store.add(sid, Spoken("Are you safe?", Role.PROMPT), 1.0, AT)
    store.add(sid, Answered("safe", "yes", "yes", "key"), 2.0, AT)
    # Another connection (another process, in life) already sees both.
    other = sqlite3.connect(tmp_path / "h.db")
    assert other.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2


def test_ratings_statement_and_end_keep_the_summary_current(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    sid = store.start("ground", "text", AT)
    for value in (8, 6, 3):
        store.add(sid, Rated("distress", value), 1.0, AT)
    store.add(sid, Statement("I'll be back at 8:30 pm.", AT), 2.0, AT)
    store.add(sid, Ended(Status.FINISHED), 3.0, AT)
    row = store.session("last")
    assert row is not None
    assert (row.distress_before, row.distress_after) == (8, 3)
    assert row.statement == "I'll be back at 8:30 pm." and row.return_at == AT
    assert row.status is Status.FINISHED
    assert [e.event for e in store.events(sid)][-1] == Ended(Status.FINISHED)


def test_reopening_after_a_session_whose_process_died_marks_it_cut_short(tmp_path: Path) -> None:
    # A real process starts a session, records an answer, and dies without ending it.
    code = (
        "import sys; from datetime import datetime; from pathlib import Path;"
        "from companion.store import Store; from companion.events import Answered;"
        "s = Store(Path(sys.argv[1])); sid = s.start('ground', 'text', datetime.now().astimezone());"
        "s.add(sid, Answered('safe', 'yes', 'yes', 'key'), 1.0, datetime.now().astimezone());"
        "import os; os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "history.db")], check=False)
    opened = open_history(tmp_path)
    assert opened.store is not None and opened.notice is None
    row = opened.store.session("last")
    assert row is not None and row.status is Status.CRASHED and row.status.cut_short
    assert opened.store.answers(row.id) == {"safe": "yes"}


def test_a_corrupt_history_is_set_aside_never_deleted(tmp_path: Path) -> None:
    (tmp_path / "history.db").write_bytes(b"this is not a database" * 100)
    opened = open_history(tmp_path)
    assert opened.store is not None
    assert opened.notice is not None and "damaged" in opened.notice
    aside = list(tmp_path.glob("history.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert opened.store.sessions() == []


def test_the_history_file_is_private(tmp_path: Path) -> None:
    Store(tmp_path / "h.db").close()
    assert (tmp_path / "h.db").stat().st_mode & 0o777 == 0o600


def test_a_recorder_that_cannot_write_keeps_what_was_said(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    sid = store.start("ground", "text", AT)
    recorder = SessionRecorder(store, sid)
    store.close()  # the disk goes away under the session
    recorder.record(Spoken("Still here.", Role.LINE), 1.0, AT)
    assert recorder.failed
    assert recorder.kept[0][0] == Spoken("Still here.", Role.LINE)


def test_forget_deletes_and_says_what(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    a = store.start("ground", "text", AT)
    store.add(a, Spoken("x", Role.LINE), 0, AT)
    b = store.start("ground", "text", AT)
    assert [r.id for r in store.forget(a).deleted] == [a]
    assert [r.id for r in store.sessions()] == [b]
    assert store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0
