"""What happens in a session, as typed events: recorded as they happen, replayed later."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import Enum
from typing import Any


class Role(str, Enum):
    LINE = "line"  # part of the script
    PROMPT = "prompt"  # a question
    REPROMPT = "reprompt"  # asked again, or help
    CUE = "cue"  # a breathing cue
    RESOURCE = "resource"  # crisis resources
    STATEMENT = "statement"  # the closing words
    NOTE = "note"  # said around the script (goodbye, check-ins)


class Status(str, Enum):
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"  # the person asked to stop
    INTERRUPTED = "interrupted"  # Ctrl-C or a signal
    CRASHED = "crashed"  # found unfinished after its process died

    @property
    def cut_short(self) -> bool:
        return self is not Status.FINISHED and self is not Status.RUNNING


@dataclass(frozen=True)
class Spoken:
    text: str
    role: Role


NO_REPLY = "default"  # Answered.source when nothing was answered


@dataclass(frozen=True)
class Answered:
    """An answer to a question; with source NO_REPLY, nobody answered and `value` is the
    default the session went on with ("" when it went on with none)."""

    key: str
    value: str
    raw: str
    source: str  # "key", "voice" or NO_REPLY

    @property
    def replied(self) -> bool:
        return self.source != NO_REPLY


@dataclass(frozen=True)
class Replied:
    """A reply as it arrived, understood or not: a typed line, or what was heard."""

    text: str
    source: str  # "key" or "voice"
    confident: bool = True


@dataclass(frozen=True)
class Rated:
    key: str
    value: int


@dataclass(frozen=True)
class Breathing:
    pattern: str
    cycles: int
    seconds: float


@dataclass(frozen=True)
class Cue:
    pattern: str
    cycle: int
    index: int  # the phase's place in the pattern
    phase: str  # inhale / hold / exhale
    text: str
    seconds: float


@dataclass(frozen=True)
class Statement:
    text: str  # the closing words; for a break, those said when leaving
    return_at: datetime | None
    on_return: str | None = None  # for a break: the words to say on coming back


@dataclass(frozen=True)
class Ended:
    status: Status


Event = Spoken | Answered | Replied | Rated | Breathing | Cue | Statement | Ended

KINDS: dict[str, type[Event]] = {
    "spoken": Spoken, "answered": Answered, "replied": Replied, "rated": Rated,
    "breathing": Breathing,
    "cue": Cue, "statement": Statement, "ended": Ended,
}  # fmt: skip
_KIND_OF = {cls: name for name, cls in KINDS.items()}


def kind_of(event: Event) -> str:
    return _KIND_OF[type(event)]


def to_data(event: Event) -> dict[str, Any]:
    data = asdict(event)
    for name, value in data.items():
        if isinstance(value, Enum):
            data[name] = value.value
        elif isinstance(value, datetime):
            data[name] = value.isoformat()
    return data


def from_data(kind: str, data: dict[str, Any]) -> Event:
    cls = KINDS[kind]
    if cls is Spoken:
        return Spoken(str(data["text"]), Role(data["role"]))
    if cls is Statement:
        at = data.get("return_at")
        back = data.get("on_return")
        return Statement(str(data["text"]), datetime.fromisoformat(at) if at else None,
                         str(back) if back else None)  # fmt: skip
    if cls is Ended:
        return Ended(Status(data["status"]))
    return cls(**data)
