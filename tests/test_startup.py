"""Start-up and exit: closed standard streams, signals while the modules load and while the
command exits, output nobody reads, a log on a full disk. Never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.running import COMMAND, run

SHORT = Path(__file__).parent / "data" / "short.toml"
REPLIES = b"yes\n5\nin twenty minutes\nno\n"
SESSION = ["ground", "--text", "--script", str(SHORT), "--speed", "1000"]


def companion(home: Path, *args: str, typed: bytes = REPLIES, env: dict[str, str] | None = None,
              before: Callable[[], None] | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    full_env = {**os.environ, **(env or {}), "COMPANION_HOME": str(home)}
    return subprocess.run([*COMMAND, *args], input=typed, capture_output=True, env=full_env,
                          preexec_fn=before, timeout=120, check=False)  # fmt: skip


def no_traceback(done: subprocess.CompletedProcess[bytes]) -> str:
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    assert "Traceback" not in said and "Logging error" not in said, said
    assert "Something went wrong" not in said, said
    return said


@pytest.mark.parametrize("fd", [0, 1, 2], ids=["stdin", "stdout", "stderr"])
def test_a_closed_standard_stream_still_gives_a_whole_session(private_home: Path, fd: int) -> None:
    done = companion(private_home, *SESSION, before=lambda: os.close(fd))
    assert done.returncode == 0, no_traceback(done)
    no_traceback(done)
    history = run("history", home=private_home)
    assert "finished" in history.stdout, history.stdout
    if fd != 0:  # the replies were typed, so they were kept
        assert "distress  5" in history.stdout


def test_all_three_streams_closed_still_gives_a_session(private_home: Path) -> None:
    def close_all() -> None:
        for fd in (0, 1, 2):
            os.close(fd)

    done = companion(private_home, *SESSION, before=close_all)
    assert done.returncode == 0
    assert "finished" in run("history", home=private_home).stdout


@pytest.mark.parametrize("sig", ["INT", "TERM", "HUP"])
def test_a_signal_while_the_modules_load_exits_130_quietly(private_home: Path, sig: str) -> None:
    done = companion(
        private_home, *SESSION, env={"COMPANION_FAULTS": f"signal-while-importing={sig}"}
    )
    assert done.returncode == 130
    assert no_traceback(done) == ""


@pytest.mark.parametrize("sig", ["INT", "TERM", "HUP"])
def test_a_signal_while_a_finished_session_exits_changes_nothing(
    private_home: Path, sig: str
) -> None:
    done = companion(
        private_home, *SESSION, env={"COMPANION_FAULTS": f"signal-while-exiting={sig}"}
    )
    assert done.returncode == 0
    no_traceback(done)
    assert "distress  5" in run("history", home=private_home).stdout


def test_output_nobody_reads_is_not_an_error(private_home: Path) -> None:
    for _ in range(3):
        assert companion(private_home, *SESSION).returncode == 0
    env = {**os.environ, "COMPANION_HOME": str(private_home)}
    proc = subprocess.Popen([*COMMAND, "history"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `| head -1` does once it has its line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""


def test_a_log_on_a_full_disk_is_never_shown(private_home: Path) -> None:
    private_home.mkdir(parents=True)
    (private_home / "companion.log").symlink_to("/dev/full")
    done = companion(private_home, *SESSION, env={"COMPANION_FAULTS": "store-full"})
    assert done.returncode == 0
    no_traceback(done)
    assert "could not be saved to your history" in done.stderr.decode()


def test_an_exception_no_code_can_catch_goes_to_the_log_not_the_screen(private_home: Path) -> None:
    # As when a sound card's callback raises: Python can only report it, and it must not
    # report it on the person's screen.
    code = ("from companion import logs\n"
            "where = logs.setup()\n"
            "class Callback:\n"
            "    def __del__(self):\n"
            "        raise RuntimeError('a callback failed')\n"
            "Callback()\n"
            "import threading\n"
            "t = threading.Thread(target=lambda: 1 / 0, name='worker'); t.start(); t.join()\n")  # fmt: skip
    env = {**os.environ, "COMPANION_HOME": str(private_home)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0
    assert done.stderr == ""
    logged = (private_home / "companion.log").read_text()
    assert "a callback failed" in logged and "thread worker failed: ZeroDivisionError" in logged
