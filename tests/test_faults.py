"""The fault matrix: each fault made on purpose (COMPANION_FAULTS, see companion/faults.py) or
for real, a real `companion ground` process, and the promise it must keep: the session goes
on or ends calmly, says once what is missing, and loses nothing that was said."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.pulse import PrivatePulse, onsets
from tests.running import run, start, type_and_wait

SHORT = Path(__file__).parent / "data" / "short.toml"
REPLIES = "yes\n5\nin twenty minutes\nno\n"


def companion(home: Path, *args: str, faults: str = "",
              stdin: str = "") -> subprocess.CompletedProcess[str]:  # fmt: skip
    return run(*args, home=home, stdin=stdin, env={"COMPANION_FAULTS": faults})


def ground(home: Path, *options: str, faults: str = "") -> subprocess.CompletedProcess[str]:
    return companion(home, "ground", "--script", str(SHORT), *options, faults=faults,
                     stdin=REPLIES)  # fmt: skip


def start_ground(home: Path, *options: str, faults: str = "",
                 extra_env: dict[str, str] | None = None) -> subprocess.Popen[str]:  # fmt: skip
    """A session running in the background, typed to through a pipe."""
    env = {**(extra_env or {}), "COMPANION_FAULTS": faults}
    proc = start("ground", "--script", str(SHORT), *options, home=home, env=env)
    assert proc.stdin and proc.stdout
    return proc


def assert_calm_and_complete(done: subprocess.CompletedProcess[str], home: Path) -> None:
    """Exit 0, no traceback, and the whole session in the history: answers and words."""
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    history = companion(home, "history")
    assert "distress  5" in history.stdout and "finished" in history.stdout, history.stdout
    replay = companion(home, "replay", "last", "--full", "--text", "--speed", "1000")
    assert "I'll be back at" in replay.stdout and "Are you safe right now?" in replay.stdout


# --- devices, against the real PulseAudio path ----------------------------------------------

DEVICE_FAULTS = [
    ("no-portaudio", "The sound library PortAudio is missing", "Continuing in text mode"),
    ("no-output", "No sound output device could be opened", "Continuing in text mode"),
    ("no-input", "No microphone could be opened", "Type your replies instead"),
    ("no-tts", "No speech voice is available", "Words will be on screen"),
    ("output-dies=2", "The sound output stopped working", "Continuing in text mode"),
]


@pytest.mark.audio
@pytest.mark.parametrize(("fault", "missing", "way_on"), DEVICE_FAULTS)
def test_a_missing_or_failing_device_is_named_once_and_the_session_goes_on(
    pulse: PrivatePulse, private_home: Path, fault: str, missing: str, way_on: str
) -> None:
    done = ground(private_home, "--speed", "4", faults=fault)
    said = done.stdout + done.stderr
    assert said.count(missing) == 1, said
    assert way_on in said
    assert_calm_and_complete(done, private_home)


@pytest.mark.audio
def test_without_a_speech_voice_the_cue_tones_still_play(
    pulse: PrivatePulse, private_home: Path
) -> None:
    recording = pulse.record()
    done = ground(private_home, faults="no-tts")
    heard = recording.stop()
    assert_calm_and_complete(done, private_home)
    assert len(onsets(heard)) >= 4  # two breaths, in and out


@pytest.mark.audio
@pytest.mark.parametrize("fault", ["input-dies=1", "tts-fails=2", "recognizer-raises"])
def test_a_fault_on_one_channel_leaves_the_others_working(
    pulse: PrivatePulse, private_home: Path, fault: str
) -> None:
    done = ground(private_home, "--speed", "4", faults=fault)
    assert "text mode" not in done.stderr  # the voice goes on
    assert "I'm here with you." in done.stdout  # a line that could not be spoken is shown
    assert_calm_and_complete(done, private_home)


# --- the history ----------------------------------------------------------------------------


def kept_file(home: Path, said: str) -> list[dict[str, object]]:
    line = next(line for line in said.splitlines() if "What was said is kept in" in line)
    path = Path(line.split("kept in ", 1)[1].rstrip(".)"))
    assert path.parent == home and oct(path.stat().st_mode & 0o777) == "0o600"
    rows = [json.loads(x) for x in path.read_text().splitlines()]
    return [row for row in rows if "kind" in row]  # after the line saying how it began


@pytest.mark.parametrize(
    ("fault", "message"),
    [("store-full", "database or disk is full"),
     ("store-readonly", "attempt to write a readonly database"),
     ("store-locked", "database is locked")],
)  # fmt: skip
def test_a_history_that_cannot_be_written_is_named_and_nothing_said_is_lost(
    private_home: Path, fault: str, message: str
) -> None:
    done = ground(private_home, "--text", "--speed", "20", faults=fault)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr
    assert f"your history at {private_home / 'history.db'} ({message})" in done.stderr
    kept = kept_file(private_home, done.stderr)
    kinds = [k["kind"] for k in kept]
    assert kinds[0] == "spoken" and kinds[-1] == "ended"
    answers = {k["data"]["key"]: k["data"]["value"] for k in kept if k["kind"] == "answered"}  # type: ignore[index]
    assert answers["distress"] == "5" and answers["safe"] == "yes"
    assert any("I'll be back at" in json.dumps(k) for k in kept)


def test_writes_that_start_failing_midway_keep_the_rest_aside(private_home: Path) -> None:
    done = ground(private_home, "--text", "--speed", "20", faults="store-fails-after=3")
    assert done.returncode == 0
    kept = kept_file(private_home, done.stderr)
    with sqlite3.connect(private_home / "history.db") as db:
        stored = db.execute("SELECT count(*) FROM events").fetchone()[0]
    assert stored == 3 and len(kept) > 3  # the first three in the history, the rest aside
    assert kept[-1]["kind"] == "ended"


def hold_lock(home: Path) -> sqlite3.Connection:
    assert companion(home, "history").returncode == 0  # creates the history
    db = sqlite3.connect(home / "history.db", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")  # another process writing, for as long as we like
    return db


def test_a_history_locked_for_the_whole_session_keeps_everything_aside(
    private_home: Path,
) -> None:
    db = hold_lock(private_home)
    started = time.monotonic()
    done = ground(private_home, "--text", "--speed", "20")
    elapsed = time.monotonic() - started
    db.execute("ROLLBACK")
    assert done.returncode == 0
    assert "(database is locked)" in done.stderr
    assert any(k["kind"] == "statement" for k in kept_file(private_home, done.stderr))
    assert elapsed < 30  # one short wait for the lock, not one per line


def test_a_lock_that_goes_away_mid_session_loses_nothing(private_home: Path) -> None:
    db = hold_lock(private_home)
    proc = start_ground(private_home, "--text", "--speed", "20")
    type_and_wait(proc, "Are you safe")
    db.execute("ROLLBACK")  # the other process is done
    out, err = proc.communicate(REPLIES, timeout=60)
    assert proc.returncode == 0 and "could not be saved" not in err, err
    assert_calm_and_complete(proc_result(proc, out, err), private_home)


def proc_result(
    proc: subprocess.Popen[str], out: str, err: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_a_corrupt_history_is_set_aside_never_deleted_and_a_new_one_started(
    private_home: Path,
) -> None:
    private_home.mkdir(parents=True)
    garbage = b"this is not a database " * 100
    (private_home / "history.db").write_bytes(garbage)
    done = ground(private_home, "--text", "--speed", "20")
    assert "Your history file was damaged. It was kept as" in done.stderr
    aside = list(private_home.glob("history.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert_calm_and_complete(done, private_home)


def test_history_and_replay_during_a_session_corrupt_nothing(private_home: Path) -> None:
    assert ground(private_home, "--text", "--speed", "20").returncode == 0  # an earlier one
    # At speed 1, so that the session waits at its question while the others read.
    proc = start_ground(private_home, "--text")
    type_and_wait(proc, "Are you safe")
    during = companion(private_home, "history")
    assert "in progress" in during.stdout and "finished" in during.stdout, during.stdout
    assert companion(private_home, "replay", "last", "--text").returncode == 0
    _, err = proc.communicate(REPLIES, timeout=60)
    assert proc.returncode == 0, err
    with sqlite3.connect(private_home / "history.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert companion(private_home, "history").stdout.count("finished") == 2


# --- signals at every kind of step ---------------------------------------------------------

# For each kind of step: what shows on screen when the session is there, what was typed
# before it, the speed, and any fault that holds it there.
STEPS = {
    "speaking": ("I'm here with you.", "", "1", ""),
    "listening": ("Are you safe right now?", "", "1", ""),
    "breathing": ("breath 1", "yes\n5\n", "1", ""),
    "break timer": ("I'll keep time", REPLIES.replace("\nno\n", "\nyes\n"), "5", ""),
    "saving": ("I'm here with you.", "", "1", "store-slow=1.5"),
}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_signal_at_any_step_ends_calmly_and_keeps_all_answers(
    private_home: Path, step: str, signum: int
) -> None:
    marker, typed, speed, faults = STEPS[step]
    proc = start_ground(private_home, "--text", "--speed", speed, faults=faults)
    type_and_wait(proc, marker, typed)
    if faults:
        time.sleep(0.5)  # well inside the write of that first line
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert "Everything so far is saved" in out
    history = companion(private_home, "history").stdout
    assert "cut short (interrupted)" in history
    replay = companion(private_home, "replay", "last", "--full", "--text", "--speed", "1000")
    assert "I'm here with you." in replay.stdout  # the line being saved when the signal came
    if "5" in typed:
        assert "distress  5" in history  # the answers so far are kept


def test_forget_deletes_a_sessions_kept_recordings_and_says_so(private_home: Path) -> None:
    assert ground(private_home, "--text", "--speed", "20").returncode == 0
    kept = private_home / "audio" / "session-1" / "reply-01.wav"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"RIFF")
    done = companion(private_home, "forget", "1")
    assert done.returncode == 0 and "Deleted session #1" in done.stdout
    assert not kept.parent.exists()


@pytest.mark.audio
@pytest.mark.parametrize("sink", ["speaker", "mic_feed"])
def test_a_device_unplugged_mid_session_on_the_real_sound_server_loses_nothing(
    pulse: PrivatePulse, private_home: Path, sink: str
) -> None:
    own = PrivatePulse()  # its own server: the shared one keeps its devices
    try:
        proc = start_ground(private_home, "--speed", "2", extra_env=own.env)
        type_and_wait(proc, "breath 1", "yes\n5\n")
        module = next(line.split()[0] for line in own.pactl("list", "short", "modules").splitlines()
                      if f"sink_name={sink}" in line)  # fmt: skip
        own.pactl("unload-module", module)
        out, err = proc.communicate("in twenty minutes\nno\n", timeout=120)
    finally:
        own.stop()
    assert_calm_and_complete(proc_result(proc, out, err), private_home)


def test_a_second_signal_while_the_end_is_being_saved_changes_nothing(private_home: Path) -> None:
    proc = start_ground(private_home, "--text", "--speed", "100", faults="store-slow=1")
    assert proc.stdout
    for line in proc.stdout:
        if "Are you safe" in line:
            proc.send_signal(signal.SIGINT)
        if "we'll stop here" in line:  # the goodbye is said: the end is being written now
            time.sleep(0.3)
            proc.send_signal(signal.SIGTERM)
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err and "went wrong" not in err, err
    assert "cut short (interrupted)" in companion(private_home, "history").stdout
