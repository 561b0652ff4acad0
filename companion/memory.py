"""Memory given back when it is no longer used.

Rendering a line and decoding a reply each need many large buffers for a moment. glibc
keeps freed heap for reuse, in a heap of each thread's own, so what one thread freed stays
part of the process while another allocates anew. Fewer heaps, and a trim after each line
is rendered, give it back (bench/bench_session_memory.py: a session's peak 557 -> 544 MB).
The voice's own arena shrinks after each clause (`voice.piper_engine`): 540 -> 456 MB.
Measured and not taken: a trim after each decoding too (539 MB, but a reply was known some
50 ms later); a fixed mapping threshold of 128 KB (505 MB, but each decoding about twice as
slow); onnxruntime's arena off (a line rendered half as slow again).
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2  # heaps shared by all threads: the session's threads rarely allocate at once


@functools.cache
def _glibc() -> Any:
    """The C library, when it is glibc; None for any other (musl, macOS): nothing to tune."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    return libc


def give_back_freed_memory() -> None:
    """Share few heaps among the threads; called once, before the models load."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, ARENAS)


def trim() -> None:
    """Hand the heap's free pages back to the system (a few milliseconds)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
