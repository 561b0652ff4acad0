"""Sessions the history could not take: kept in a private file, brought back later.

A kept file is JSON lines: first how the session began, then one event a line. It goes to the
data directory, else a private directory in the user's runtime or cache directory (never a
shared /tmp); the next session that can write the history brings it in, then deletes it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from companion import paths
from companion.events import Answered, Event, Statement, from_data, kind_of, to_data
from companion.store import KeptBegin, Store

PREFIX = "unsaved-session-"
SUFFIX = ".jsonl"

Kept = list[tuple[Event, float, datetime]]


@dataclass(frozen=True)
class KeptSession:
    path: Path
    begin: KeptBegin
    events: Kept
    letter: dict[str, Any] | None = None  # a letter's parts and flags (`letters.saved`)


def _lines(begin: KeptBegin | None, kept: Kept, letter: dict[str, Any] | None) -> str:
    head: dict[str, Any] = {"session": None if begin is None else {
        "id": begin.session_id, "script": begin.script, "mode": begin.mode,
        "started_at": begin.started_at.isoformat()}}  # fmt: skip
    if letter is not None:
        head["letter"] = letter
    rows = [json.dumps(head)]
    rows += [json.dumps({"t": t, "at": at.isoformat(), "kind": kind_of(e), "data": to_data(e)})
             for e, t, at in kept]  # fmt: skip
    return "".join(row + "\n" for row in rows)


def keep(begin: KeptBegin | None, kept: Kept,
         letter: dict[str, Any] | None = None) -> Path | None:  # fmt: skip
    """Write the events (and a letter's parts) to a new private file; None when no private
    place can take them.

    Each file has a name no other session can have (time, process, random), and appears
    whole: written under a hidden name first, then renamed."""
    text = _lines(begin, kept, letter)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for directory in paths.fallback_dirs():
        name = f"{PREFIX}{stamp}-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
        partial = directory / f".{name}.part"
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            partial.rename(directory / name)
            return directory / name
        except OSError:
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                pass
            continue
    return None


def keep_or_show(begin: KeptBegin | None, kept: Kept, notice: Callable[[str], None]) -> None:
    """Keep the events in a private file and say where; with nowhere private, put the
    person's own words on screen, so they have them."""
    where = keep(begin, kept)
    if where:
        notice(f"What was said is kept in {where}.")
        return
    said = [f"{e.key}: {e.raw or e.value}" for e, _, _ in kept if isinstance(e, Answered)]
    words = [f"Your words: {e.text}" for e, _, _ in kept if isinstance(e, Statement)]
    notice("Nothing could be saved on this computer. What you said in this session:")
    for line in [*said, *words]:
        notice(line)


def found() -> list[Path]:
    """Every kept file this data directory has, wherever it was kept."""
    files: list[Path] = []
    for directory in paths.fallback_places():
        try:
            files += sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))
        except OSError:
            continue
    return files


def read(path: Path) -> KeptSession | None:
    """A kept file's session, or None when it cannot be read as one (it is then left alone)."""
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]  # fmt: skip
        first = rows[0] if rows and "session" in rows[0] else {}
        head, letter = first.get("session"), first.get("letter")
        if letter is not None and not (isinstance(letter, dict)
                                       and isinstance(letter.get("parts"), dict)
                                       and isinstance(letter.get("checks"), list)):  # fmt: skip
            raise ValueError("a kept letter without its parts")
        events = [(from_data(r["kind"], r["data"]), float(r["t"]),
                   datetime.fromisoformat(r["at"])) for r in rows if "kind" in r]  # fmt: skip
        if head is None:  # an older kept file: it began with its first event
            if not events:
                return None
            begin = KeptBegin(None, "unknown", "text", events[0][2])
        else:
            begin = KeptBegin(head["id"], str(head["script"]), str(head["mode"]),
                              datetime.fromisoformat(head["started_at"]))  # fmt: skip
        return KeptSession(path, begin, events, letter)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def bring_back(store: Store) -> list[int]:
    """Write every kept session into the history and delete its file; returns their ids.

    One that cannot be written now (a lock, a full disk) stays for a later session."""
    import sqlite3

    ids = []
    for path in found():
        kept = read(path)
        if kept is None:
            continue
        try:
            session_id = store.bring_back(path.name, kept.begin, kept.events, kept.letter)
        except sqlite3.Error:
            break  # the history cannot take it now; nor the next one
        try:
            path.unlink()
        except OSError:
            pass  # already brought back: it is skipped next time, and forget deletes it
        if session_id is not None:
            ids.append(session_id)
    return ids


def session_of(path: Path) -> int | None:
    kept = read(path)
    return None if kept is None else kept.begin.session_id
