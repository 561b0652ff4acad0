"""What the history's safety costs: opening with the damaged-page check (PRAGMA quick_check)
beside opening without it, and forget --all (secure_delete, WAL emptied) beside a plain
DELETE, for histories of a few to a few thousand sessions. Median of 5 runs, milliseconds."""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from companion.store import Store  # noqa: E402

RUNS = 5
EVENTS_PER_SESSION = 40  # about what a default session writes


def make_history(path: Path, sessions: int) -> None:
    store = Store(path)
    db = store.db
    db.execute("BEGIN")
    for n in range(sessions):
        cur = db.execute(
            "INSERT INTO sessions (started_at, script, mode, status, statement)"
            " VALUES ('2026-03-14T20:00:00+00:00', 'ground', 'voice', 'finished', ?)",
            (f"I'm flooded. I care about this. I'll be back at 8:{n % 60:02d} pm.",),
        )
        rows = [(cur.lastrowid, float(i), "2026-03-14T20:00:00+00:00", "spoken",
                 json.dumps({"text": f"A line of the session, number {i}.", "role": "line"}))
                for i in range(EVENTS_PER_SESSION)]  # fmt: skip
        db.executemany("INSERT INTO events (session_id, t, at, kind, data) VALUES (?,?,?,?,?)",
                       rows)  # fmt: skip
    db.execute("COMMIT")
    store.close()


def median_ms(action: Callable[[], None], prepare: Callable[[], None] = lambda: None) -> float:
    times = []
    for _ in range(RUNS):
        prepare()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def plain_delete_all(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("DELETE FROM events")
    db.execute("DELETE FROM sessions")
    db.execute("COMMIT")
    db.close()


def forget_all(path: Path) -> None:
    store = Store(path)
    store.forget(None)
    store.close()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="companion-bench-history-"))
    print(f"{'sessions':>8} {'size MB':>8} {'open, no check':>15} {'open + check':>13} "
          f"{'plain DELETE':>13} {'forget --all':>13}")  # fmt: skip
    path = work / "history.db"
    try:
        for sessions in (10, 300, 3000):
            source = work / f"h{sessions}.db"
            make_history(source, sessions)

            def fresh(source: Path = source, path: Path = path) -> None:
                for extra in ("-wal", "-shm"):
                    Path(f"{path}{extra}").unlink(missing_ok=True)
                shutil.copyfile(source, path)

            fresh()
            unchecked = median_ms(lambda: Store(path, check=False).close())
            checked = median_ms(lambda: Store(path).close())
            plain = median_ms(lambda: plain_delete_all(path), fresh)
            forget = median_ms(lambda: forget_all(path), fresh)
            size = source.stat().st_size / 1e6
            print(f"{sessions:>8} {size:>8.1f} {unchecked:>15.1f} {checked:>13.1f} "
                  f"{plain:>13.1f} {forget:>13.1f}")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
