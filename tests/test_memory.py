"""Large buffers used for a moment (a line rendered, a reply decoded) are given back once
they are freed, instead of staying part of the process for the rest of the session."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# Blocks of a few megabytes, touched and freed in turn, as rendering and decoding do.
USE_AND_FREE = """
import sys
from companion import memory
if sys.argv[1] == "tuned":
    memory.give_back_freed_memory()
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
before = rss()
for size in (8, 16, 24, 24, 16):
    block = bytearray(size * 2**20)
    block[::4096] = b"x" * len(block[::4096])
    del block
    if sys.argv[1] == "tuned":
        memory.trim()
print(rss() - before)
"""

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="tunes glibc only")


def kept_mb(mode: str) -> float:
    done = subprocess.run([sys.executable, "-c", USE_AND_FREE, mode], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return float(done.stdout)


@glibc
def test_freed_buffers_are_given_back() -> None:
    assert kept_mb("tuned") < 4


@glibc
def test_without_the_tuning_they_are_kept() -> None:
    # What the tuning is for: the same blocks, freed, stay with the process.
    assert kept_mb("plain") > 12
