"""The history under real faults: concurrent sessions, a lock held by another process, first
use by many processes at once, a damaged page. Nothing said is ever lost."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from threading import Barrier

from companion.events import Answered, Ended, Role, Spoken, Statement, Status
from companion.store import MIGRATIONS, Store
from tests.running import run, start, type_and_wait

SHORT = Path(__file__).parent / "data" / "short.toml"
REPLIES = "yes\n5\nin twenty minutes\nno\n"
AT = datetime(2026, 3, 14, 20, 0).astimezone()


def ground(home: Path) -> subprocess.Popen[str]:
    proc = start("ground", "--script", str(SHORT), "--text", "--speed", "20", home=home)
    assert proc.stdin is not None
    return proc


def hold_lock(home: Path) -> sqlite3.Connection:
    assert run("history", home=home).returncode == 0  # creates the history
    db = sqlite3.connect(home / "history.db", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")  # another process writing, for as long as we like
    return db


def kept_files(home: Path) -> list[Path]:
    return sorted(home.glob("unsaved-session-*.jsonl"))


def test_concurrent_sessions_kept_aside_never_share_a_file_and_come_back_later(
    private_home: Path,
) -> None:
    db = hold_lock(private_home)
    sessions = [ground(private_home) for _ in range(3)]  # all in the same second
    for proc in sessions:
        _, err = proc.communicate(REPLIES, timeout=120)
        assert proc.returncode == 0 and "What was said is kept in" in err, err
    assert len(kept_files(private_home)) == 3
    db.execute("ROLLBACK")  # the other process is done

    later = run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
                stdin=REPLIES)  # the next session brings them in  # fmt: skip
    assert later.returncode == 0 and "kept in" not in later.stderr, later.stderr
    assert kept_files(private_home) == []
    listed = run("history", home=private_home).stdout
    assert listed.count("finished") == 4 and listed.count("distress  5") == 4, listed
    replay = run("replay", "1", "--full", "--text", "--speed", "1000", home=private_home)
    assert "I'll be back at" in replay.stdout and "> in twenty minutes" in replay.stdout
    again = run("history", home=private_home).stdout
    assert again.count("finished") == 4  # brought in once, not once per use


def _keep(home: str, n: int, ready: Barrier) -> str:
    import os

    from companion import unsaved

    os.environ["COMPANION_HOME"] = home
    ready.wait()
    where = unsaved.keep(None, [(Statement(f"Words of process {n}.", None), 1.0, AT)])
    return str(where)


def test_sessions_kept_at_the_same_moment_each_get_their_own_file(private_home: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        ready = manager.Barrier(6)
        with ctx.Pool(6) as pool:
            where = pool.starmap(_keep, [(str(private_home), n, ready) for n in range(6)])
    assert sorted(where) == [str(p) for p in kept_files(private_home)]  # six, all at home
    texts = sorted(p.read_text() for p in kept_files(private_home))
    assert all(f"Words of process {n}." in texts[n] for n in range(6))


def test_a_lock_present_at_the_start_the_session_is_written_as_soon_as_it_goes(
    private_home: Path,
) -> None:
    db = hold_lock(private_home)
    proc = ground(private_home)
    type_and_wait(proc, "Are you safe")
    db.execute("ROLLBACK")
    type_and_wait(proc, "How strong", "yes\n")
    # Still mid-session: the row and the answer are in the history already.
    with sqlite3.connect(private_home / "history.db") as other:
        status = other.execute("SELECT status FROM sessions").fetchall()
        kinds = [k for (k,) in other.execute("SELECT kind FROM events")]
    assert status == [("running",)] and "answered" in kinds
    _, err = proc.communicate("5\nin twenty minutes\nno\n", timeout=60)
    assert proc.returncode == 0 and "kept in" not in err, err
    assert kept_files(private_home) == []


def _open(path: str, ready: Barrier) -> str:
    ready.wait()
    try:
        Store(Path(path)).close()
    except Exception as e:  # reported to the test, which names it
        return f"{type(e).__name__}: {e}"
    return "ok"


def test_first_use_by_many_processes_at_once_never_fails(tmp_path: Path) -> None:
    for attempt in range(5):  # each attempt a fresh history, first used by all at once
        path = tmp_path / f"history-{attempt}.db"
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager:
            ready = manager.Barrier(6)
            with ctx.Pool(6) as pool:
                results = pool.starmap(_open, [(str(path), ready)] * 6)
        assert results == ["ok"] * 6
        store = Store(path)
        assert store.version == len(MIGRATIONS)
        store.close()


# --- a damaged page ----------------------------------------------------------------------


def damaged_history(home: Path, sessions: int = 40) -> bytes:
    """A real history with many sessions, then one page in the middle overwritten."""
    home.mkdir(parents=True, exist_ok=True)
    store = Store(home / "history.db")
    for n in range(sessions):
        sid = store.start("ground", "text", AT)
        for i in range(10):
            store.add(sid, Spoken(f"Line {i} of session {n}. " * 4, Role.LINE), float(i), AT)
        store.add(sid, Answered("safe", "yes", "yes", "key"), 11.0, AT)
        store.add(sid, Statement(f"Words of session {n}.", None), 12.0, AT)
        store.add(sid, Ended(Status.FINISHED), 13.0, AT)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = home / "history.db"
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = b"\xa5" * page
    path.write_bytes(bytes(data))
    return bytes(data)


def test_a_damaged_page_is_found_at_open_set_aside_and_what_can_be_read_is_kept(
    private_home: Path,
) -> None:
    damaged = damaged_history(private_home)
    listed = run("history", "-n", "100", home=private_home)
    assert listed.returncode == 0, listed.stderr
    assert "Your history file was damaged. It was kept as" in listed.stderr
    assert "could still be read copied into it" in listed.stderr
    aside = list(private_home.glob("history.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # never changed
    assert listed.stdout.count("finished") > 0, listed.stdout
    with sqlite3.connect(private_home / "history.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    assert 0 < events < 40 * 13  # the rows on the damaged page are all that is missing
    first = run("replay", "1", "--text", home=private_home)
    assert first.returncode == 0 and "Words of session 0." in first.stdout
    session = run("ground", "--script", str(SHORT), "--text", "--speed", "20",
                  home=private_home, stdin=REPLIES)  # fmt: skip
    assert session.returncode == 0 and "damaged" not in session.stderr


def test_a_letter_in_a_damaged_history_is_copied_with_its_parts(private_home: Path) -> None:
    import json

    from companion.letters import saved
    from companion.letters.letter import Letter

    private_home.mkdir(parents=True)
    store = Store(private_home / "history.db")
    letter = Letter(facts="You came home at nine.", feelings="I felt alone.", wish="A text.",
                    question="How should we solve this?", handoff="Read this when ready.")  # fmt: skip
    number = saved.save(store, letter, AT, Status.FINISHED)
    store.close()
    damaged_history(private_home)  # more sessions after it, then a page in the middle damaged
    shown = run("letter", "--show", str(number), home=private_home)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "Your history file was damaged" in shown.stderr
    assert "You came home at nine." in shown.stdout and "I felt alone." in shown.stdout
    with sqlite3.connect(private_home / "history.db") as db:
        parts = json.loads(db.execute("SELECT parts FROM letters").fetchone()[0])
    assert parts["facts"] == "You came home at nine."


def test_replay_and_forget_on_a_damaged_history_say_so_clearly(private_home: Path) -> None:
    for command in (["replay", "last", "--text"], ["forget", "1"]):
        home = private_home / command[0]
        damaged_history(home)
        done = run(*command, home=home)
        said = done.stdout + done.stderr
        assert "went wrong" not in said and "Traceback" not in said, said
        assert "Your history file was damaged" in said


def test_replies_recorded_while_the_history_was_locked_are_kept_under_the_late_row(
    private_home: Path,
) -> None:
    from companion.kept_audio import AudioKeeper, session_dir
    from companion.store import SessionRecorder

    private_home.mkdir(parents=True)
    store = Store(private_home / "history.db")
    other = sqlite3.connect(private_home / "history.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the lock as the session starts
    recorder = SessionRecorder.starting(store, "ground", "voice", AT)
    keeper = AudioKeeper(enabled=True)
    keeper.belongs_to(recorder.session_id)
    recorder.started = keeper.belongs_to
    assert recorder.session_id is None
    keeper.keep(bytes(3200))  # a reply heard meanwhile (--keep-audio)
    other.execute("ROLLBACK")
    recorder.record(Spoken("Next.", Role.LINE), 1.0, AT)
    assert recorder.session_id == 1
    assert [p.name for p in session_dir(1).iterdir()] == ["reply-01.wav"]
