"""The real `companion` command in a child process, as a person runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

COMMAND = [sys.executable, "-m", "companion"]


def _env(home: Path, env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, **(env or {}), "COMPANION_HOME": str(home)}


def run(*args: str, home: Path, stdin: str = "", env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run to the end, typed input piped in, output captured."""
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, text=True,
                          env=_env(home, env), timeout=timeout, check=False)  # fmt: skip


def start(*args: str, home: Path, env: dict[str, str] | None = None, merge_stderr: bool = False,
          typing: bool = True) -> subprocess.Popen[str]:  # fmt: skip
    """Running in the background, typed to through a pipe (or with nothing to type)."""
    stdin = subprocess.PIPE if typing else subprocess.DEVNULL
    return subprocess.Popen([*COMMAND, *args], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                            text=True, env=_env(home, env))  # fmt: skip


def type_and_wait(proc: subprocess.Popen[str], marker: str, typed: str = "") -> None:
    """Type `typed`, then read what it prints up to the first line with `marker`."""
    assert proc.stdin is not None and proc.stdout is not None
    if typed:
        proc.stdin.write(typed)
        proc.stdin.flush()
    for line in proc.stdout:
        if marker in line:
            return


def output_acting_once(proc: subprocess.Popen[str], marker: str,
                       act: Callable[[], object]) -> str:  # fmt: skip
    """Everything it prints; `act` runs once, as soon as a line with `marker` appears."""
    assert proc.stdout is not None
    seen, acted = [], False
    for line in proc.stdout:
        seen.append(line)
        if marker in line and not acted:
            acted = True
            act()
    return "".join(seen)
