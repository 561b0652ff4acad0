"""Bad bytes in the input: one line that is not UTF-8 is an unclear reply, and input goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.running import COMMAND, run
from tests.terminal import Terminal

SHORT = Path(__file__).parent / "data" / "short.toml"
# Python reads stdin strictly in a UTF-8 locale such as en_US.UTF-8, and with
# surrogateescape in C.UTF-8: both are checked.
DECODINGS = ["utf-8:strict", "utf-8:surrogateescape"]


@pytest.mark.parametrize("decoding", DECODINGS)
def test_piped_a_line_that_is_not_utf8_is_unclear_and_the_next_lines_still_answer(
    private_home: Path, decoding: str
) -> None:
    typed = b"yes\n5\xff\n7\nin twenty minutes\nno\n"
    env = {**os.environ, "COMPANION_HOME": str(private_home), "PYTHONIOENCODING": decoding}
    done = subprocess.run([*COMMAND, "ground", "--text", "--script", str(SHORT), "--speed",
                           "1000"], input=typed, capture_output=True, timeout=120, env=env,
                          check=False)  # fmt: skip
    shown = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, shown + done.stderr.decode()
    assert "I'm not sure I understood" in shown  # "5" with a bad byte is not a 5
    assert "I'll be back at" in shown  # every later line was read
    history = run("history", home=private_home)
    assert "distress  7" in history.stdout and "finished" in history.stdout, history.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("decoding", DECODINGS)
def test_at_a_terminal_a_line_that_is_not_utf8_is_unclear_and_the_session_goes_on(
    private_home: Path, decoding: str
) -> None:
    term = Terminal("ground", "--text", "--script", str(SHORT), "--speed", "10",
                    home=private_home, env={"PYTHONIOENCODING": decoding})  # fmt: skip
    term.wait_for("[yes / no / not sure] >")
    term.type("yes\n")
    term.wait_for("[0-10] >")
    term.type_bytes(b"5\xc3\x28\n")  # an invalid two-byte sequence after the 5
    term.wait_for("I'm not sure I understood")
    term.wait_for("[0-10] >")
    term.type("7\n")
    term.wait_for("breath 1")
    term.type("q")
    term.wait_for("When will you go back?")
    term.type("q\n")
    assert term.finish() == 0
    assert "Okay. We'll stop here." in term.output
