"""Looking back: the history list, and replaying a session's words."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

import typer

from companion import paths
from companion.channels import Output
from companion.clock import SystemClock
from companion.console import TextOut
from companion.events import Answered, Cue, Replied, Role, Spoken, Statement, Status
from companion.store import SessionRow, Store, StoredEvent, open_history
from companion.timeparse import format_clock

if TYPE_CHECKING:
    from companion.runner import Settings


def _open() -> Store | None:
    """The history, or None (having said why) when it cannot be opened."""
    opened = open_history(paths.data_dir())
    if opened.notice:
        typer.echo(f"  ({opened.notice})", err=True)
    return opened.store


def _status(row: SessionRow) -> str:
    if row.status is Status.RUNNING:
        return "in progress"
    return "finished" if not row.status.cut_short else f"cut short ({row.status.value})"


def _unreadable(store: Store, error: sqlite3.Error) -> int:
    typer.echo(f"Your history at {store.path} could not be read ({error}). Nothing was "
               "changed; the next session sets a damaged history aside.", err=True)  # fmt: skip
    store.close()
    return 1


def show_history(limit: int) -> int:
    store = _open()
    if store is None:
        return 1
    try:
        rows = store.sessions(limit)
    except sqlite3.Error as e:
        return _unreadable(store, e)
    if not rows:
        typer.echo("No sessions yet. Start one with: companion ground")
        return 0
    for row in rows:
        before = "-" if row.distress_before is None else str(row.distress_before)
        after = "-" if row.distress_after is None else str(row.distress_after)
        back = f"back {format_clock(row.return_at)}" if row.return_at else (
            "went back" if row.statement else ""
        )  # fmt: skip
        when = row.started_at.strftime("%a %d %b %Y %H:%M")
        if row.mode == "letter":  # a letter has no distress or return time
            words = len((row.statement or "").split())
            typer.echo(f"#{row.id:<4} {when}  {row.script:<10} {words} words{'':<24} "
                       f"{_status(row)}")  # fmt: skip
            continue
        typer.echo(
            f"#{row.id:<4} {when}  {row.script:<10} distress {before:>2} -> {after:<2}"
            f"  {back:<16} {_status(row)}"
        )
    store.close()
    return 0


def forget_sessions(ref: str | None) -> int:
    """Delete one session, or all when ref is None, saying what was deleted."""
    from companion.forgetting import forget

    return forget(ref, typer.echo, lambda text: typer.echo(text, err=True))


def replay_session(ref: str, *, full: bool, settings: Settings) -> int:
    from companion.runner import channels, notice

    store = _open()
    if store is None:
        return 1
    try:
        row = store.session(ref)
        events = list(store.events(row.id)) if row is not None else []
    except sqlite3.Error as e:
        return _unreadable(store, e)
    if row is None:
        typer.echo(f"No session {ref!r}. See `companion history`.", err=True)
        return 1
    if not full and row.statement is None:
        typer.echo(f"Session #{row.id} has no closing words. Use --full to replay all of it.")
        return 1
    clock = SystemClock(settings.speed)
    out, _inp, _mode = channels(settings, clock)
    if isinstance(out, TextOut):
        out.pace = False  # the original pacing is replayed instead
    try:
        if full:
            _full(events, out, clock)
        else:
            assert row.statement is not None
            if row.mode == "letter":  # read aloud a paragraph at a time
                parts = row.statement.split("\n\n")
                out.show(parts, f"Your letter, #{row.id}")
                for part in parts:
                    out.say(part, Role.STATEMENT)
            else:
                for words in [row.statement, *_words_on_return(events)]:
                    out.show([words], f"Your words, from session #{row.id}")
                    out.say(words, Role.STATEMENT)
    except KeyboardInterrupt:
        notice("Stopped the replay.")
        return 130
    finally:
        out.close()
        store.close()
    return 0


def _full(events: list[StoredEvent], out: Output, clock: SystemClock) -> None:
    from companion.patterns import Pattern, Phase, PhaseKind, PhaseStart

    t0 = events[0].t if events else 0.0
    # Sessions that kept every reply as it came show those; older ones show their answers.
    every_reply = any(isinstance(stored.event, Replied) for stored in events)
    for stored in events:
        clock.sleep_until(stored.t - t0)
        event = stored.event
        if isinstance(event, Spoken):
            out.say(event.text, event.role)
        elif isinstance(event, Cue):
            phase = Phase(PhaseKind(event.phase), event.seconds, event.text)
            at = clock.monotonic()
            pattern = Pattern(event.pattern, event.pattern, (phase,))
            out.cue(PhaseStart(event.cycle, event.index, phase, at), pattern, at)
        elif isinstance(event, Replied):
            out.say(f"> {visible(event.text)}", Role.NOTE)
        elif isinstance(event, Answered) and not (every_reply and event.replied):
            out.say(f"> {visible(event.raw or event.value)}" if event.replied else no_reply(event),
                    Role.NOTE)  # fmt: skip


def _words_on_return(events: list[StoredEvent]) -> list[str]:
    """The words for coming back from the break, when the session composed them."""
    return [
        stored.event.on_return
        for stored in events
        if isinstance(stored.event, Statement) and stored.event.on_return
    ][-1:]


def no_reply(event: Answered) -> str:
    """How a question nobody answered is shown: never as if the person had said it."""
    return f"(no reply; went on with {event.value})" if event.value else "(no reply)"


def visible(text: str) -> str:
    """A stored reply as it can be shown safely: control characters (an escape sequence that
    would move the cursor or clear the screen, a bell, a backspace) written out as \\x1b."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
