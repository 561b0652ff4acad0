"""When a sound device has gone: it stopped calling back. A long gap alone is not proof: while
this process is busy (a model loading holds the interpreter), callbacks wait their turn too."""

from __future__ import annotations

import time
from collections.abc import Callable

STALL = 2.0  # seconds without a callback before a device is suspected gone
RECHECK = 0.5  # ... then this long, with the interpreter free, for it to call back


def still_calling_back(
    active: bool,
    last_callback: Callable[[], float],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """False only when the stream is closed, or stays silent while it could have called back."""
    if not active:
        return False
    if clock() - last_callback() < STALL:
        return True
    sleep(RECHECK)  # lets a callback that was only waiting for the interpreter run
    return clock() - last_callback() <= RECHECK
