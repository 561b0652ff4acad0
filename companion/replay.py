"""Looking back: the history list, and replaying a session's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from companion import paths
from companion.channels import Output
from companion.clock import SystemClock
from companion.console import TextOut
from companion.events import Answered, Cue, Role, Spoken, Status
from companion.store import SessionRow, Store, open_history
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


def show_history(limit: int) -> int:
    store = _open()
    if store is None:
        return 1
    rows = store.sessions(limit)
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
        typer.echo(
            f"#{row.id:<4} {when}  {row.script:<10} distress {before:>2} -> {after:<2}"
            f"  {back:<16} {_status(row)}"
        )
    store.close()
    return 0


def forget_sessions(ref: str | None) -> int:
    """Delete one session, or all when ref is None, saying what was deleted."""
    store = _open()
    if store is None:
        return 1
    try:
        if ref is None:
            rows = store.sessions(1_000_000)
            store.forget(None)
        else:
            row = store.session(ref)
            if row is None:
                typer.echo(f"No session {ref!r}. See `companion history`.", err=True)
                return 1
            rows = [row]
            store.forget(row.id)
    finally:
        store.close()
    from companion import kept_audio

    kept_audio.forget(None if ref is None else [row.id for row in rows])
    if not rows:
        typer.echo("There were no sessions to delete.")
    for row in rows:
        typer.echo(f"Deleted session #{row.id} ({row.started_at.strftime('%a %d %b %Y %H:%M')}).")
    return 0


def replay_session(ref: str, *, full: bool, settings: Settings) -> int:
    from companion.runner import channels, notice

    store = _open()
    if store is None:
        return 1
    row = store.session(ref)
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
            _full(store, row, out, clock)
        else:
            assert row.statement is not None
            out.show([row.statement], f"Your words, from session #{row.id}")
            out.say(row.statement, Role.STATEMENT)
    except KeyboardInterrupt:
        notice("Stopped the replay.")
        return 130
    finally:
        out.close()
        store.close()
    return 0


def _full(store: Store, row: SessionRow, out: Output, clock: SystemClock) -> None:
    from companion.patterns import Pattern, Phase, PhaseKind, PhaseStart

    events = list(store.events(row.id))
    t0 = events[0].t if events else 0.0
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
        elif isinstance(event, Answered):
            out.say(f"> {visible(event.raw or event.value)}", Role.NOTE)


def visible(text: str) -> str:
    """A stored reply as it can be shown safely: control characters (an escape sequence that
    would move the cursor or clear the screen, a bell, a backspace) written out as \\x1b."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
