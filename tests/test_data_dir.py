"""A data directory that cannot be made: the session still runs, says so once, shows the
closing words, and keeps what was said in a private place (never a shared /tmp)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.running import COMMAND

SHORT = Path(__file__).parent / "data" / "short.toml"
REPLIES = "yes\n5\nin twenty minutes\nno\n"
NOTHING_KEPT = "Nothing can be kept in"


def companion(*args: str, env: dict[str, str], stdin: str = REPLIES) -> subprocess.CompletedProcess[str]:  # fmt: skip
    base = {k: v for k, v in os.environ.items()
            if k not in ("COMPANION_HOME", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CACHE_HOME")}  # fmt: skip
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, text=True,
                          env={**base, **env}, timeout=120, check=False)  # fmt: skip


def unusable_homes(tmp_path: Path) -> dict[str, dict[str, str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "COMPANION_HOME is a file": {"COMPANION_HOME": str(a_file)},
        "its parent cannot be written": {"COMPANION_HOME": "/sys/companion-home"},
        "HOME unusable": {"HOME": "/dev/null"},
    }


CASES = ["COMPANION_HOME is a file", "its parent cannot be written", "HOME unusable"]


@pytest.mark.parametrize("case", CASES)
def test_ground_runs_whole_says_once_nothing_is_kept_and_shows_the_words(
    tmp_path: Path, case: str
) -> None:
    runtime, shared_tmp = tmp_path / "run", tmp_path / "tmp"
    shared_tmp.mkdir()
    env = {**unusable_homes(tmp_path)[case], "XDG_RUNTIME_DIR": str(runtime),
           "TMPDIR": str(shared_tmp)}  # fmt: skip
    done = companion("ground", "--script", str(SHORT), "--text", "--speed", "20", env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "went wrong" not in done.stderr
    assert done.stderr.count(NOTHING_KEPT) == 1, done.stderr
    assert "I'll be back at" in done.stdout  # the closing words, on screen
    # What was said is kept privately in the runtime directory, never in the shared /tmp.
    kept = list(runtime.glob("companion-unsaved/*/unsaved-session-*.jsonl"))
    assert len(kept) == 1 and f"kept in {kept[0]}" in done.stderr
    assert kept[0].stat().st_mode & 0o777 == 0o600
    assert kept[0].parent.stat().st_mode & 0o777 == 0o700
    assert kept[0].parent.parent.stat().st_mode & 0o777 == 0o700
    assert "I'll be back at" in kept[0].read_text()
    assert not any("unsaved" in p.name for p in shared_tmp.rglob("*"))


@pytest.mark.parametrize("case", CASES)
def test_breathe_runs_and_says_once_nothing_is_kept(tmp_path: Path, case: str) -> None:
    env = {**unusable_homes(tmp_path)[case], "XDG_RUNTIME_DIR": str(tmp_path / "run")}
    done = companion("breathe", "--text", "--minutes", "0.2", "--speed", "20", env=env, stdin="")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.count(NOTHING_KEPT) == 1, done.stderr
    assert "Well done." in done.stdout


def test_with_no_private_place_at_all_the_words_are_shown_not_written(tmp_path: Path) -> None:
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    env = {"HOME": "/dev/null", "TMPDIR": str(shared_tmp)}  # no runtime dir, no cache either
    done = companion("ground", "--script", str(SHORT), "--text", "--speed", "20", env=env)
    assert done.returncode == 0, done.stderr
    assert "Nothing could be saved on this computer" in done.stderr
    assert "distress: 5" in done.stderr and "Your words: I'll be back at" in done.stderr
    assert list(shared_tmp.iterdir()) == []


def test_once_the_data_directory_can_be_made_the_kept_session_comes_into_the_history(
    tmp_path: Path,
) -> None:
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.write_text("in the way")
    env = {"COMPANION_HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)}
    assert companion("ground", "--script", str(SHORT), "--text", "--speed", "20",
                     env=env).returncode == 0  # fmt: skip
    doctor = companion("doctor", env=env, stdin="")
    assert "cannot be used (a file is in the way)" in doctor.stdout
    assert "kept:     1 session the history could not take yet" in doctor.stdout, doctor.stdout
    home.unlink()  # the person moves the file away
    listed = companion("history", env=env, stdin="")
    assert "distress  5" in listed.stdout and "finished" in listed.stdout, listed
    assert list(runtime.glob("companion-unsaved/*/unsaved-*")) == []
