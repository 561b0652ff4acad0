"""The real `companion` command at a real pseudo-terminal, as a person types to it."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path

from tests.running import COMMAND


class Terminal:
    """A child process whose stdin, stdout and stderr are one pseudo-terminal."""

    def __init__(self, *args: str, home: Path, env: dict[str, str] | None = None,
                 columns: int = 80) -> None:  # fmt: skip
        import fcntl
        import struct
        import termios

        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        full_env = {**os.environ, **(env or {}), "COMPANION_HOME": str(home), "TERM": "xterm"}
        self.proc = subprocess.Popen([*COMMAND, *args], stdin=slave, stdout=slave, stderr=slave,
                                     env=full_env, start_new_session=True)  # fmt: skip
        os.close(slave)
        self.output = ""
        self.seen = 0  # where the next wait_for starts looking

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def type_bytes(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_for(self, marker: str, timeout: float = 60) -> str:
        """Everything shown so far, once `marker` shows after the last marker waited for
        (AssertionError if it never does)."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(marker, self.seen)) < 0:
            if not self._read(deadline - time.monotonic()):
                raise AssertionError(f"never showed {marker!r}; last shown:\n{self.output[-600:]}")
        self.seen = found + len(marker)
        return self.output

    def _read(self, wait: float) -> bool:
        if wait <= 0 or not select.select([self.master], [], [], wait)[0]:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the child has gone and closed its side
            return False
        self.output += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def finish(self, timeout: float = 60) -> int:
        """Read to the end; the exit code."""
        deadline = time.monotonic() + timeout
        while self._read(deadline - time.monotonic()):
            pass
        code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code
