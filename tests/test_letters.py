"""`companion letter`: guided writing, the explained checker, history, show, export, replay."""

from __future__ import annotations

import io
import json
import signal
import stat
import sys
from pathlib import Path

import pytest

from companion.letters.checker import Kind, check, sentences
from companion.letters.flow import Stopped, Writing
from companion.letters.letter import HANDOFF, QUESTIONS
from companion.letters.page import TerminalPage
from tests.running import run as companion
from tests.running import start, type_and_wait

CORPUS = Path(__file__).resolve().parent.parent / "bench" / "data" / "letter_sentences.tsv"


def corpus(path: Path = CORPUS) -> list[tuple[bool, str]]:
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip
    return [(label == "accusing", text.strip()) for label, text in rows]


# --- the checker ---------------------------------------------------------------------------


def test_the_corpus_has_sixty_sentences_or_more_of_both_kinds() -> None:
    rows = corpus()
    assert len(rows) >= 60
    assert sum(a for a, _ in rows) >= 25 and sum(not a for a, _ in rows) >= 25


def test_the_checker_flags_nine_accusations_in_ten_and_at_most_one_fair_sentence_in_ten() -> None:
    rows = corpus()
    accusing = [bool(check(text)) for is_acc, text in rows if is_acc]
    fair = [bool(check(text)) for is_acc, text in rows if not is_acc]
    assert sum(accusing) / len(accusing) >= 0.9
    assert sum(fair) / len(fair) <= 0.1


@pytest.mark.parametrize(
    ("sentence", "kind", "rewording_start"),
    [("You never listen to me.", Kind.ABSOLUTE, "When you don't listen to me, I feel"),
     ("You always interrupt me.", Kind.ABSOLUTE, "When you interrupt me, I feel"),
     ("You're so selfish.", Kind.LABEL, "I feel alone"),
     ("You're an idiot.", Kind.NAME, "I'm very upset"),
     ("Whatever.", Kind.DISMISSAL, "I'm too upset"),
     ("You made me feel stupid.", Kind.BLAME, "I felt stupid."),
     ("It's your fault.", Kind.BLAME, "I'd like us to look at what each of us did")],
)  # fmt: skip
def test_each_flag_names_the_words_says_why_and_offers_an_i_statement(
    sentence: str, kind: Kind, rewording_start: str
) -> None:
    flags = check(sentence)
    assert flags and flags[0].kind is kind
    assert flags[0].words.lower() in sentence.lower()
    assert flags[0].why
    assert flags[0].rewording.startswith(rewording_start)
    assert flags[0].rewording.startswith(("I", "When"))


@pytest.mark.parametrize(
    "sentence",
    ["I never want to lose you.", "Whatever happens, I want us to be okay.",
     "You always know how to make me laugh.", "You are important to me.",
     "How do you think we should solve this problem?", "You came home at nine."],
)  # fmt: skip
def test_fair_sentences_that_share_words_with_accusations_are_not_flagged(sentence: str) -> None:
    assert check(sentence) == []


def test_a_paragraph_is_checked_a_sentence_at_a_time() -> None:
    assert sentences("You came home late.  You never call! Why?") == [
        "You came home late.", "You never call!", "Why?"]  # fmt: skip


# --- the writing, at its seam --------------------------------------------------------------


class FakePage:
    def __init__(self, replies: list[str | None]) -> None:
        self.replies = list(replies)
        self.shown: list[str] = []
        self.asked: list[str] = []

    def show(self, text: str) -> None:
        self.shown.append(text)

    def _next(self, prompt: str) -> str | None:
        self.asked.append(prompt)
        return self.replies.pop(0) if self.replies else None

    read_part = _next
    read_line = _next


def test_the_writer_takes_one_rewording_and_keeps_their_own_words_for_another() -> None:
    page = FakePage(["You came home at nine. You never call.", "y",
                     "I felt alone. You're so selfish.", "n", "I would like a text.", "3", ""])  # fmt: skip
    letter = Writing(page).run()
    assert letter.facts == "You came home at nine. When you don't call, I feel hurt."
    assert letter.feelings == "I felt alone. You're so selfish."
    assert letter.question == QUESTIONS[2]
    assert letter.handoff == HANDOFF
    assert [(c.sentence, c.taken) for c in letter.checks] == [
        ("You never call.", True), ("You're so selfish.", False)]  # fmt: skip
    assert any("invite a defence" in s for s in page.shown)


def test_an_own_question_typed_straight_in_is_checked_too() -> None:
    page = FakePage(["Facts.", "I feel sad.", "I'd like to talk.",
                     "Why can't you just listen?", "y", "Read this later."])  # fmt: skip
    letter = Writing(page).run()
    assert letter.question == "I would like you to listen."
    assert letter.handoff == "Read this later."


def test_stopping_part_way_keeps_what_was_written() -> None:
    writing = Writing(FakePage(["We argued about money.", "q"]))
    with pytest.raises(Stopped):
        writing.run()
    assert writing.letter.facts == "We argued about money."
    assert writing.letter.text() == "We argued about money."


def test_an_editor_writes_the_part_and_its_comment_lines_are_left_out(tmp_path: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('I felt left out.\\n# note\\n')\n")
    out = io.StringIO()
    page = TerminalPage(io.StringIO(""), out, editor=f"{sys.executable} {editor}")
    assert page.read_part("How do you feel?") == "I felt left out."


def test_an_editor_that_fails_falls_back_to_typing(tmp_path: Path) -> None:
    out = io.StringIO()
    page = TerminalPage(io.StringIO("typed instead\n\n"), out, editor="false")
    assert page.read_part("What happened?") == "typed instead"
    assert "ended with an error" in out.getvalue()


# --- the real command, from piped input ----------------------------------------------------

TYPED = ("You came home at nine. You never call when you're late.\n\ny\n"
         "I felt alone. You're so selfish.\n\nn\nI would like a text when you're late.\n\n2\n\n")  # fmt: skip


def test_a_letter_written_from_piped_input_is_saved_listed_shown_and_replayed(
    private_home: Path,
) -> None:
    done = companion("letter", stdin=TYPED, home=private_home)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Saved as letter #1" in done.stdout
    history = companion("history", home=private_home).stdout
    assert "#1" in history and " letter " in history and "finished" in history
    shown = companion("letter", "--show", "1", home=private_home).stdout
    assert "When you don't call when you're late, I feel hurt." in shown
    assert "You're so selfish." in shown and "[kept yours]" in shown
    assert "What was your intention when you said that?" in shown
    replayed = companion("replay", "1", "--text", home=private_home).stdout
    assert "Your letter, #1" in replayed and "Read this when you're ready." in replayed


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_export_writes_a_private_file(private_home: Path, tmp_path: Path, suffix: str) -> None:
    companion("letter", stdin=TYPED, home=private_home)
    target = tmp_path / f"letter{suffix}"
    done = companion("letter", "--show", "1", "--export", str(target), home=private_home)
    assert done.returncode == 0, done.stderr
    text = target.read_text(encoding="utf-8")
    assert "I would like a text when you're late." in text
    assert text.startswith("# Letter") == (suffix == ".md")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_to_a_wrong_kind_of_file_or_an_existing_one_is_refused_before_writing(
    private_home: Path, tmp_path: Path
) -> None:
    bad = companion("letter", "--export", str(tmp_path / "letter.pdf"), stdin=TYPED,
                    home=private_home)  # fmt: skip
    assert bad.returncode == 2 and ".txt or .md" in bad.stderr
    assert "What happened?" not in bad.stdout  # nothing was asked, so nothing was lost
    existing = tmp_path / "mine.txt"
    existing.write_text("keep me")
    again = companion("letter", "--export", str(existing), stdin=TYPED, home=private_home)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert existing.read_text() == "keep me"


def test_a_letter_stopped_part_way_is_kept_as_unfinished(private_home: Path) -> None:
    done = companion("letter", stdin="We argued about the car.\n\nq\n", home=private_home)
    assert done.returncode == 0
    assert "unfinished" in done.stdout
    assert "cut short (stopped)" in companion("history", home=private_home).stdout
    assert "We argued about the car." in companion("letter", "--show", "1",
                                                   home=private_home).stdout  # fmt: skip


def test_nothing_written_saves_nothing_and_an_unknown_letter_is_named(private_home: Path) -> None:
    assert "nothing was saved" in companion("letter", stdin="", home=private_home).stdout
    missing = companion("letter", "--show", "7", home=private_home)
    assert missing.returncode == 1 and "No letter '7'" in missing.stderr


def test_forget_deletes_a_letter_with_its_parts(private_home: Path) -> None:
    companion("letter", stdin=TYPED, home=private_home)
    assert companion("forget", "1", home=private_home).returncode == 0
    import sqlite3

    db = sqlite3.connect(private_home / "history.db")
    assert db.execute("SELECT COUNT(*) FROM letters").fetchone() == (0,)


def test_a_letter_the_history_cannot_take_is_kept_in_a_private_file(private_home: Path) -> None:
    done = companion("letter", stdin=TYPED, home=private_home,
                     env={"COMPANION_FAULTS": "store-full"})  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "could not be saved to your history" in done.stderr
    kept = next(private_home.glob("unsaved-session-*.jsonl"))
    assert "I would like a text when you're late." in kept.read_text(encoding="utf-8")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "What was your intention" in done.stdout  # and the whole letter was on screen


def test_a_kept_letter_brought_back_into_the_history_is_shown_whole_and_as_it_ended(
    private_home: Path,
) -> None:
    companion("letter", stdin=TYPED, home=private_home, env={"COMPANION_FAULTS": "store-full"})
    history = companion("history", home=private_home).stdout  # the history can take it now
    assert not list(private_home.glob("unsaved-session-*.jsonl"))
    assert " letter " in history and "finished" in history and "cut short" not in history
    shown = companion("letter", "--show", "1", home=private_home)
    assert shown.returncode == 0, shown.stderr
    # Its parts and the checker's flags came back with it, as for a letter saved at once.
    assert "When you don't call when you're late, I feel hurt." in shown.stdout
    assert "You're so selfish." in shown.stdout and "[kept yours]" in shown.stdout
    assert "What was your intention when you said that?" in shown.stdout
    assert "The checker flagged" in shown.stdout


def test_a_letter_kept_aside_without_its_parts_is_still_shown_whole(private_home: Path) -> None:
    # As an older version kept a letter the history could not take: its text only.
    words = "We argued about the car.\n\nI felt alone."
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "unsaved-session-20261101-120000-1-abcd.jsonl").write_text(
        '{"session": {"id": null, "script": "letter", "mode": "letter",'
        ' "started_at": "2026-11-01T12:00:00+00:00"}}\n'
        '{"t": 0.0, "at": "2026-11-01T12:00:00+00:00", "kind": "statement",'
        f' "data": {{"text": {json.dumps(words)}, "return_at": null}}}}\n',
        encoding="utf-8",
    )
    shown = companion("letter", "--show", "1", home=private_home)
    assert shown.returncode == 0, shown.stderr
    assert "We argued about the car." in shown.stdout and "I felt alone." in shown.stdout


def test_a_letter_whose_parts_cannot_be_read_is_shown_whole(private_home: Path) -> None:
    companion("letter", stdin=TYPED, home=private_home)
    import sqlite3

    with sqlite3.connect(private_home / "history.db") as db:
        db.execute("UPDATE letters SET parts = '{\"facts\": ', checks = '[{}]'")
    shown = companion("letter", "--show", "1", home=private_home)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert "I would like a text when you're late." in shown.stdout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_writing_saves_what_was_written(private_home: Path, signum: int) -> None:
    proc = start("letter", home=private_home)
    type_and_wait(proc, "How do you feel", "We argued about the car keys.\n\n")
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Traceback" not in out + err
    assert "unfinished" in out
    assert "cut short (interrupted)" in companion("history", home=private_home).stdout
    shown = companion("letter", "--show", "1", home=private_home).stdout
    assert "We argued about the car keys." in shown


def test_q_after_some_lines_keeps_those_lines_then_stops() -> None:
    writing = Writing(FakePage(["We argued about money.\nIt was late.\nq"]))
    with pytest.raises(Stopped):
        writing.run()
    assert writing.letter.facts == "We argued about money. It was late."
