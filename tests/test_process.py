"""The installed command as a person runs it: a real process, real signals."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.running import run as companion
from tests.running import start, type_and_wait


def test_a_piped_session_finishes_and_replays_the_same_words(private_home: Path) -> None:
    done = companion("ground", "--text", "--speed", "100",
                     stdin="yes\ni did\n7\n3\nno\nin twenty minutes\nno\n", home=private_home)  # fmt: skip
    assert done.returncode == 0, done.stderr
    statement = [line for line in done.stdout.splitlines() if "I'll be back at" in line][-1]
    replay = companion("replay", "last", "--text", home=private_home)
    assert replay.returncode == 0
    assert statement.strip(" │") in replay.stdout.replace("\n", " ") or statement.strip() in (
        replay.stdout
    )
    history = companion("history", home=private_home)
    assert "distress  7 -> 3" in history.stdout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_mid_session_exits_calmly_and_is_saved_cut_short(
    private_home: Path, signum: int
) -> None:
    proc = start("ground", "--text", "--speed", "50", home=private_home)
    # Wait for the distress question: the session is now listening with one answer kept.
    type_and_wait(proc, "zero to ten", "yes\ni did\n")
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in out + err
    assert "Everything so far is saved" in out
    history = companion("history", home=private_home)
    assert "cut short (interrupted)" in history.stdout


def test_an_unexpected_error_shows_no_traceback_and_logs_it(private_home: Path) -> None:
    private_home.mkdir(parents=True)
    (private_home / "history.db").mkdir()  # a directory where the database should be
    done = companion("history", home=private_home)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode != 0
