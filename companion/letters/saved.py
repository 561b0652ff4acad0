"""Letters in the history: a session row of mode 'letter', and its parts in `letters`."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime
from typing import Any

from companion.events import Status
from companion.letters.letter import PARTS, Checked, Letter
from companion.store import SessionRow, Store

MODE = "letter"  # sessions.mode and sessions.script of a letter


def save(store: Store, letter: Letter, at: datetime, status: Status) -> int:
    """Keep a letter in the history, all at once; returns its number."""
    store.db.execute("BEGIN IMMEDIATE")  # the row and its parts, or neither
    try:
        session_id = store.start(MODE, MODE, at)
        store.add_letter(session_id, as_data(letter))
        store.db.execute(
            "UPDATE sessions SET statement = ?, status = ?, ended_at = ? WHERE id = ?",
            (letter.text(), status.value, datetime.now().astimezone().isoformat(), session_id),
        )
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    store.db.execute("COMMIT")
    return session_id


def as_data(letter: Letter) -> dict[str, Any]:
    """A letter's parts and the checker's flags, as the `letters` row and a kept file hold them."""
    return {"parts": letter.parts(), "checks": [asdict(c) for c in letter.checks]}


def load(store: Store, ref: str) -> tuple[SessionRow, Letter] | None:
    """A letter by number; None when there is no such letter."""
    row = store.session(ref)
    if row is None or row.mode != MODE:
        return None
    try:
        found = store.db.execute(
            "SELECT parts, checks FROM letters WHERE session_id = ?", (row.id,)
        ).fetchone()
    except sqlite3.Error:
        return None
    if found is not None:
        try:
            parts = json.loads(found[0])
            checks = tuple(Checked(c["part"], c["sentence"], tuple(c["kinds"]), c["rewording"],
                                   bool(c["taken"])) for c in json.loads(found[1]))  # fmt: skip
            return row, Letter(**{p: str(parts.get(p, "")) for p in PARTS}, checks=checks)
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    # Its parts were not kept (a letter kept aside by an older version) or cannot be read:
    # the whole text is in the session's row, and is shown as one.
    return (row, Letter(facts=row.statement)) if row.statement else None
