"""Ctrl-C and termination signals, raised into the session, but never in the middle of a
write: a record being saved when the signal comes is finished first."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(Exception):
    """Ctrl-C or a termination signal, raised into the session."""


_held = 0
_pending: str | None = None


def deliver(name: str) -> None:
    """From a signal handler: interrupt now, or as soon as the write in progress is done."""
    global _pending
    if _held:
        _pending = name
        return
    raise Interrupted(name)


@contextmanager
def held() -> Iterator[None]:
    """A stretch that a signal must not cut in two."""
    global _held, _pending
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if _held == 0 and _pending is not None:
            name, _pending = _pending, None
            raise Interrupted(name)
