"""Calm words for the one left behind: each move offered in turn, the chosen ones kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.clock import sleep
from companion.events import Role, Statement
from companion.replies import YES, QuestionType, Value
from companion.script import Compose
from companion.timeparse import MAX_MINUTES, ReturnTime, format_clock

if TYPE_CHECKING:
    from companion.session import Session

ASK_AGAIN_NOW = "They may need a while first. Name a time, like in an hour, or nine thirty."


def compose_words(session: Session, compose: Compose) -> None:
    """Offer each move; say, show and save the ones that fit, with the time asked for."""
    session._say(compose.intro, Role.LINE)
    chosen = []
    return_at = None
    for move in compose.moves:
        timed = "{return_clock}" in move.text
        # Words that name a time not asked for yet are offered by their question alone.
        offer = move.ask if timed else f"{move.ask} {move.text} {compose.fit}"
        got = session._listen(offer, QuestionType.YES_NO)
        session._answer(f"move_{move.name}", got[0] if got else "no", got[1] if got else None)
        if got is None or got[0] != YES:
            continue
        if timed:
            if compose.time is None:
                continue
            settled = session._settled_time(compose.time, _later_within_a_day)
            if settled is None:
                session._say(session.script.message("defaulted"), Role.NOTE)
                session._no_reply("return", None)
                continue  # no time, no words that promise one
            session._answer("return", *settled)
            return_at = settled[0].resolve(session.clock.now())
        chosen.append(move)
    if not chosen:
        session._say(compose.none, Role.LINE)
        return
    clock_text = format_clock(return_at) if return_at else ""
    session.values["return_clock"] = clock_text
    statement = " ".join(m.text.format(return_clock=clock_text) for m in chosen)
    session.outcome.statement = statement
    session.outcome.return_at = return_at
    session._record(Statement(statement, return_at))
    session.out.show([statement], "Your words")
    session._say(statement, Role.STATEMENT)
    sleep(session.clock, 1.0)


def _later_within_a_day(value: Value) -> str | None:
    if isinstance(value, ReturnTime) and value.is_now:
        return ASK_AGAIN_NOW
    if isinstance(value, ReturnTime) and (value.minutes or 0) > MAX_MINUTES:
        return "That's more than a day away. What time today could you come back to it?"
    return None
