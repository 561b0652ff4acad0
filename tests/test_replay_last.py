"""`replay last` means the last closing words: a letter written afterwards does not take their
place, and a letter is still read by its number."""

from __future__ import annotations

from pathlib import Path

from tests.running import run as companion

SHORT = Path(__file__).parent / "data" / "short.toml"
SESSION = "yes\n5\nin twenty minutes\nyes\n"
LETTER = ("We argued about the car.\n\nn\nI felt alone.\n\nI would like a text when you're late."
          "\n\n2\n\n")  # fmt: skip


def test_replay_last_reads_the_sessions_words_not_a_letter_written_after(
    private_home: Path,
) -> None:
    session = companion("ground", "--text", "--script", str(SHORT), "--speed", "1000",
                        home=private_home, stdin=SESSION)  # fmt: skip
    assert session.returncode == 0, session.stderr
    assert companion("letter", stdin=LETTER, home=private_home).returncode == 0
    last = companion("replay", "last", "--text", home=private_home)
    assert last.returncode == 0, last.stderr
    assert "Your words, from session #1" in last.stdout and "I'll be back at" in last.stdout
    assert "Your letter" not in last.stdout and "We argued about the car." not in last.stdout
    letter = companion("replay", "2", "--text", home=private_home).stdout
    assert "Your letter, #2" in letter and "We argued about the car." in letter


def test_with_only_letters_replay_last_says_there_are_no_closing_words_yet(
    private_home: Path,
) -> None:
    assert companion("letter", stdin=LETTER, home=private_home).returncode == 0
    last = companion("replay", "last", "--text", home=private_home)
    assert "Traceback" not in last.stderr and "We argued about the car." not in last.stdout
    assert "Your letter, #1" in companion("replay", "1", "--text", home=private_home).stdout
