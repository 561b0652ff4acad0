"""Private means private: the log holds no words, directories are 0700 whatever the umask,
and forget forgets everywhere companion kept something, without touching a running session."""

from __future__ import annotations

import ast
import logging
import os
import pty
import select
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from companion.channels import Listening
from companion.events import Role
from companion.replies import QuestionType
from companion.speech import SpeechError
from tests.running import COMMAND, run, start, type_and_wait
from tests.test_voice_in import merged
from tests.test_voice_out import voice

SHORT = Path(__file__).parent / "data" / "short.toml"
SECRET_REPLIES = "yes\n5\nat 9:47 pm\nno\n"
# Every stored form of that reply holds "9:47 pm"; a bare "9:47" can be part of a timestamp.
SECRET = b"9:47 pm"


# --- the log -----------------------------------------------------------------------------


@pytest.fixture
def logged() -> Iterator[list[str]]:
    """Every message the companion logger formats, at every level."""
    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(self.format(record))

    logger = logging.getLogger("companion")
    handler, level = Keep(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield messages
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_what_was_heard_is_logged_as_a_kind_never_as_words(logged: list[str]) -> None:
    inp = merged("", "in twenty minutes", speech=True)
    heard = inp.listen(Listening(QuestionType.TIME, timeout=3))
    assert heard is not None and heard.text == "in twenty minutes"
    assert any(m.startswith("heard a reply") for m in logged), logged
    assert not any("twenty" in m for m in logged), logged


class FailingSynth:
    def render(self, text: str, cache: bool = True, timeout: float = 10.0) -> np.ndarray:
        raise SpeechError(f"the speech engine produced nothing for {text!r}")

    def request(self, text: str, cache: bool = True, now: bool = False) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_line_that_cannot_be_spoken_is_logged_without_its_words(logged: list[str]) -> None:
    out, _audio, _synth = voice()
    out.synth = FailingSynth()  # type: ignore[assignment]
    out.say("I'll be back at 9:47 pm. Can we talk?", Role.STATEMENT)
    assert any("could not speak a line" in m for m in logged), logged
    assert not any("9:47" in m or "talk" in m for m in logged), logged


CONTENT = {"text", "heard", "raw", "statement", "words", "reply", "line", "transcript", "said"}
LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}


def _names(node: ast.AST) -> Iterator[str]:
    """Names a log argument reads, except inside len(): a length is fine, words are not."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    for child in ast.iter_child_nodes(node):
        yield from _names(child)


def test_no_log_call_in_the_tree_passes_what_was_said() -> None:
    found = []
    for path in sorted((Path(__file__).parent.parent / "companion").glob("**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LEVELS and "log" in ast.unparse(node.func.value)):  # fmt: skip
                leaked = {n for arg in node.args[1:] for n in _names(arg)} & CONTENT
                if leaked:
                    found.append(f"{path.name}:{node.lineno} logs {sorted(leaked)}")
    assert found == []


def test_a_whole_session_leaves_no_words_in_the_log(private_home: Path) -> None:
    done = run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
               stdin=SECRET_REPLIES, env={"COMPANION_FAULTS": "store-fails-after=3"})  # fmt: skip
    assert done.returncode == 0
    log = private_home / "companion.log"
    assert not log.exists() or SECRET not in log.read_bytes()


# --- directories -------------------------------------------------------------------------


def _umask_022() -> None:
    os.umask(0o022)


def test_every_directory_companion_makes_is_private_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "made" / "by" / "companion"
    code = ("from companion import kept_audio, paths; paths.cache_dir(); "
            "k = kept_audio.AudioKeeper(True); k.belongs_to(1); k.keep(bytes(3200))")  # fmt: skip
    env = {**os.environ, "COMPANION_HOME": str(home)}
    subprocess.run([*COMMAND[:1], "-c", code], env=env, check=True, preexec_fn=_umask_022)
    subprocess.run([*COMMAND, "ground", "--script", str(SHORT), "--text", "--speed", "20"],
                   input=SECRET_REPLIES, text=True, capture_output=True, env=env, check=True,
                   preexec_fn=_umask_022)  # fmt: skip
    made = [tmp_path / "made", tmp_path / "made" / "by", home, home / "cache",
            home / "audio", home / "audio" / "session-1"]  # fmt: skip
    assert {str(d.relative_to(tmp_path)): oct(d.stat().st_mode & 0o777) for d in made} == {
        str(d.relative_to(tmp_path)): "0o700" for d in made
    }


def test_a_data_directory_others_can_read_is_made_private_and_doctor_says_so(
    private_home: Path,
) -> None:
    private_home.mkdir(parents=True)
    private_home.chmod(0o755)
    done = run("doctor", home=private_home)
    assert "Traceback" not in done.stdout + done.stderr
    assert private_home.stat().st_mode & 0o777 == 0o700
    assert "it was readable by others (0o755); it is now private to you" in done.stdout


# --- forget ------------------------------------------------------------------------------


def _everything(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())


def test_forget_all_deletes_everywhere_but_never_the_running_session(private_home: Path) -> None:
    done = run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
               stdin=SECRET_REPLIES)  # fmt: skip
    assert done.returncode == 0 and SECRET in _everything(private_home)
    recording = private_home / "audio" / "session-1" / "reply-01.wav"
    recording.parent.mkdir(parents=True)
    recording.write_bytes(b"RIFF")
    damaged_copy = private_home / "history.db.corrupt-20260101-120000"
    damaged_copy.write_bytes(b"damaged, but holding at 9:47 pm")

    running = start("ground", "--script", str(SHORT), "--text", home=private_home)
    type_and_wait(running, "Are you safe")
    forgot = run("forget", "--all", "--yes", home=private_home)
    assert forgot.returncode == 0, forgot.stderr
    assert "Deleted session #1" in forgot.stdout
    assert "Session #2" in forgot.stdout and "running now, so it was not deleted" in forgot.stdout
    assert "Deleted 1 recording of your replies." in forgot.stdout
    assert f"Deleted a damaged copy of your history: {damaged_copy}" in forgot.stdout
    # While the other session still runs: nothing deleted is left in any file, WAL included.
    assert SECRET not in _everything(private_home)
    assert not recording.exists() and not damaged_copy.exists()

    _, err = running.communicate("yes\n5\nin twenty minutes\nno\n", timeout=60)
    assert running.returncode == 0, err
    listed = run("history", home=private_home).stdout
    assert "#2" in listed and "finished" in listed and "#1 " not in listed, listed


def test_forget_one_leaves_no_trace_of_it_and_keeps_the_rest(private_home: Path) -> None:
    for replies in (SECRET_REPLIES, "yes\n5\nin twenty minutes\nno\n"):
        run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
            stdin=replies)  # fmt: skip
    for n in (1, 2):
        (private_home / "audio" / f"session-{n}").mkdir(parents=True)
        (private_home / "audio" / f"session-{n}" / "reply-01.wav").write_bytes(b"RIFF")
    forgot = run("forget", "1", home=private_home)
    assert forgot.returncode == 0 and "Deleted session #1" in forgot.stdout
    assert not (private_home / "audio" / "session-1").exists()
    assert (private_home / "audio" / "session-2" / "reply-01.wav").exists()
    with sqlite3.connect(private_home / "history.db") as db:
        assert db.execute("SELECT id FROM sessions").fetchall() == [(2,)]
        assert db.execute("SELECT DISTINCT session_id FROM events").fetchall() == [(2,)]
    assert SECRET not in _everything(private_home)  # overwritten, not just unlinked


def test_a_session_kept_aside_is_forgotten_with_the_rest(private_home: Path) -> None:
    assert run("history", home=private_home).returncode == 0
    db = sqlite3.connect(private_home / "history.db", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")  # locked for the whole session: it is kept aside
    done = run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
               stdin=SECRET_REPLIES)  # fmt: skip
    db.execute("ROLLBACK")
    db.close()
    assert "What was said is kept in" in done.stderr
    forgot = run("forget", "--all", "--yes", home=private_home)
    assert "Deleted session #1" in forgot.stdout, forgot.stdout + forgot.stderr
    assert SECRET not in _everything(private_home)
    with sqlite3.connect(private_home / "history.db") as db:  # not even when it was kept
        assert db.execute("SELECT count(*) FROM brought_back").fetchone() == (0,)


def _at_a_terminal(home: Path, *args: str, answer: str | None) -> str:
    """Run with a terminal for stdin and stdout; type `answer` once the question shows."""
    master, slave = pty.openpty()
    env = {**os.environ, "COMPANION_HOME": str(home)}
    proc = subprocess.Popen([*COMMAND, *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env)  # fmt: skip
    os.close(slave)
    seen, deadline = b"", time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
        if answer is not None and b"cannot be undone" in seen:
            os.write(master, answer.encode() + b"\n")
            answer = None
    proc.wait(timeout=30)
    try:
        while select.select([master], [], [], 0.1)[0]:
            seen += os.read(master, 4096)
    except OSError:
        pass
    os.close(master)
    return seen.decode(errors="replace")


def test_forget_all_asks_first_at_a_terminal(private_home: Path) -> None:
    run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
        stdin=SECRET_REPLIES)  # fmt: skip
    said = _at_a_terminal(private_home, "forget", "--all", answer="n")
    assert "Nothing was deleted." in said, said
    assert "#1" in run("history", home=private_home).stdout
    said = _at_a_terminal(private_home, "forget", "--all", answer="y")
    assert "Deleted session #1" in said, said
    run("ground", "--script", str(SHORT), "--text", "--speed", "20", home=private_home,
        stdin=SECRET_REPLIES)  # fmt: skip
    said = _at_a_terminal(private_home, "forget", "--all", "--yes", answer=None)
    assert "cannot be undone" not in said and "Deleted session #1" in said, said


def test_forget_one_also_deletes_it_from_a_damaged_copy_set_aside(private_home: Path) -> None:
    from tests.test_history_faults import damaged_history

    damaged_history(private_home)
    assert run("history", home=private_home).returncode == 0  # set aside, readable part copied
    (aside,) = private_home.glob("history.db.corrupt-*")
    assert b"Words of session 0." in aside.read_bytes()
    forgot = run("forget", "1", home=private_home)
    assert "Deleted session #1" in forgot.stdout, forgot.stdout + forgot.stderr
    assert f"Deleted it from a damaged copy of your history: {aside}" in forgot.stdout
    assert b"Words of session 0." not in _everything(private_home)
    assert b"Words of session 1." in aside.read_bytes()  # the rest of the copy is kept
