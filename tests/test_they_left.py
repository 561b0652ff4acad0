"""The session for the one left behind: let them go, settle, and calm words that fit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.channels import Heard
from companion.clock import FakeClock
from companion.events import NO_REPLY, Answered, Role, Statement, Status
from companion.script import ScriptError, load_script
from companion.session import Outcome, Session
from companion.timeparse import format_clock
from tests.fakes import FakeIn, FakeOut, MemoryRecorder
from tests.running import run as companion
from tests.test_confirm import Replies, key, readbacks, voice

ROOT = Path(__file__).resolve().parent.parent
GROUND = ROOT / "scripts" / "ground.toml"
THEY_LEFT = ROOT / "scripts" / "they-left.toml"
STAY = "Stay where you are; you don't need to follow them."
NAMING = "But when you go silent, I don't feel peace, I feel abandoned."
SIT = "Can you sit with me for five minutes?"


@pytest.fixture(autouse=True)
def locale_without_a_country(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def run(replies: list[str | None], path: Path = THEY_LEFT):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    out, inp, rec = FakeOut(clock), FakeIn(clock, replies), MemoryRecorder()
    outcome = Session(load_script(path), out, inp, clock, rec).run()
    return outcome, out, rec


# safe, distress 8 then 4, three reflection prompts, then the three moves
SETTLED = ["yes", "8", "4", "", "", ""]


def test_let_them_go_breathe_reflect_then_compose_the_words_that_fit() -> None:
    outcome, out, rec = run([*SETTLED, "yes", "yes", "in an hour", "no"])
    said = " ".join(out.lines())
    assert STAY in said
    assert "is it to solve the problem, or to feel sure that they still care?" in said
    assert rec.of(Answered)[0].key == "safe"
    # The words: naming the pattern and asking for a return time; not the invitation to sit.
    statement = outcome.statement
    assert statement is not None and NAMING in statement and SIT not in statement
    match = re.search(r"come back to this at (\d{1,2}:\d{2} [ap]m)\?", statement)
    assert match, statement
    assert outcome.return_at is not None
    assert (outcome.return_at - rec.of(Statement)[0].return_at).total_seconds() == 0
    # Spoken, shown and saved.
    assert statement in out.lines(Role.STATEMENT)
    assert ("Your words", [statement]) in out.shown
    assert [s.text for s in rec.of(Statement)] == [statement]
    assert outcome.status is Status.FINISHED


def test_the_stay_line_comes_before_any_breathing_and_the_words_come_after_it() -> None:
    _, out, _ = run([*SETTLED, "no", "no", "yes"])
    said = out.lines()
    stay = next(i for i, s in enumerate(said) if STAY in s)
    breathe = next(i for i, s in enumerate(said) if s.startswith("Let's breathe together"))
    words = said.index(next(s for s in out.lines(Role.STATEMENT)))
    assert stay < breathe < words


def test_a_return_time_of_now_is_asked_again_kindly() -> None:
    outcome, out, _ = run([*SETTLED, "no", "yes", "now", "at 9 pm", "no"])
    assert any("They may need a while first" in s for s in out.lines(Role.REPROMPT))
    assert outcome.statement == "Okay, take your space. But can we come back to this at 9:00 pm?"


def test_choosing_no_words_is_fine_and_nothing_is_saved_as_words() -> None:
    outcome, out, rec = run([*SETTLED, "no", "no", "no"])
    assert outcome.statement is None and not rec.of(Statement)
    assert any("You don't need words right now" in s for s in out.lines())


def test_someone_not_safe_is_never_told_to_stay_and_gets_no_words_for_the_partner() -> None:
    outcome, out, rec = run(["no", "someone", "8", "6"])
    said = " ".join(out.lines())
    assert STAY not in said and "calm words" not in said
    assert said.count("If you can, go somewhere safe") == 1
    assert out.lines(Role.RESOURCE)
    assert outcome.statement is None and not rec.of(Statement)


def test_the_default_session_asks_who_stepped_away_and_goes_on_for_the_one_left() -> None:
    outcome, out, rec = run(["yes", "they did", *SETTLED[1:], "no", "no", "yes"], GROUND)
    said = " ".join(out.lines())
    assert "Did you step away, or did they?" in said
    assert said.count("are you safe right now?") == 1  # safety is not asked twice
    assert STAY in said
    assert outcome.statement is not None and SIT in outcome.statement
    # None of the default session's own return-time question or break.
    assert "go back now, or name a time" not in said
    assert [a.value for a in rec.of(Answered) if a.key == "who_left"] == ["them"]
    assert outcome.status is Status.FINISHED


def test_the_default_session_goes_on_as_before_for_the_one_who_stepped_away() -> None:
    outcome, out, _ = run(["yes", "i did", "8", "4", "no", "now"], GROUND)
    assert STAY not in " ".join(out.lines())
    assert outcome.statement is not None and "I got flooded" in outcome.statement


def test_who_stepped_away_is_not_asked_of_someone_not_safe() -> None:
    _, out, _ = run(["no", "neither", "8", "7", "enough"], GROUND)
    assert "Did you step away" not in " ".join(out.lines())


def test_ground_they_left_runs_end_to_end_from_piped_input_and_replays(
    private_home: Path,
) -> None:
    typed = "yes\n8\n4\n\n\n\nyes\nyes\nin an hour\nyes\n"
    result = companion("ground", "--they-left", "--text", "--speed", "1000", stdin=typed,
                       home=private_home)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert STAY in result.stdout and "Traceback" not in result.stderr
    history = companion("history", home=private_home).stdout
    match = re.search(r"#1 .* they-left .* 8 -> 4 +back (\d{1,2}:\d{2} [ap]m) .*finished", history)
    assert match, history
    boxed = companion("replay", "last", "--text", home=private_home).stdout
    replayed = " ".join(re.sub(r"[│┌┐└┘─]", " ", boxed).split())  # the words, unwrapped
    assert NAMING in replayed and SIT in replayed
    assert f"come back to this at {match.group(1)}?" in replayed


def test_they_left_and_script_together_is_a_clear_error(private_home: Path) -> None:
    result = companion("ground", "--they-left", "--script", str(GROUND), home=private_home)
    assert result.returncode == 2 and "either --they-left or --script" in result.stderr


def test_a_switch_to_a_missing_script_or_back_to_itself_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "a.toml"
    missing.write_text('[[steps]]\nsafety = "Safe?"\n[[steps]]\nswitch = "nowhere"\n')
    with pytest.raises(ScriptError, match="'nowhere' cannot be used"):
        load_script(missing)
    loop = tmp_path / "b.toml"
    loop.write_text(f'[[steps]]\nsafety = "Safe?"\n[[steps]]\nswitch = "{loop}"\n')
    with pytest.raises(ScriptError, match="leads back"):
        load_script(loop)


def test_words_that_name_a_time_need_the_time_question(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[steps]]\nsafety = "Safe?"\n[[steps]]\ncompose = "Words."\n'
                    'moves = [{ name = "t", ask = "Time?", text = "Back at {return_clock}." }]\n')  # fmt: skip
    with pytest.raises(ScriptError, match="ask the time with 'time'"):
        load_script(path)


def _by_voice_at_the_time(after_yes: list[Heard]) -> tuple[Outcome, FakeOut, MemoryRecorder]:
    """Everything typed but the time and what follows it, which are heard."""
    clock = FakeClock()
    heard = [*map(key, SETTLED), key("yes"), key("yes"), *after_yes]
    out, rec = FakeOut(clock), MemoryRecorder()
    outcome = Session(load_script(THEY_LEFT), out, Replies(clock, heard), clock, rec).run()
    return outcome, out, rec


@pytest.mark.parametrize("confident", [True, False])
def test_a_return_time_heard_is_read_back_before_it_goes_into_the_words(confident: bool) -> None:
    outcome, out, _ = _by_voice_at_the_time(
        [voice("in an hour", confident), voice("yes"), key("no")]
    )
    assert outcome.return_at is not None and outcome.statement is not None
    assert readbacks(out) == [f"An hour: back at {format_clock(outcome.return_at)}. Is that right?"]
    assert f"come back to this at {format_clock(outcome.return_at)}?" in outcome.statement


def test_a_return_time_said_to_be_wrong_and_not_given_again_leaves_the_time_out() -> None:
    outcome, out, rec = _by_voice_at_the_time(
        [voice("in an hour"), voice("no"), None, None, None, key("no")]
    )
    assert outcome.statement is not None and outcome.return_at is None
    assert "come back to this at" not in outcome.statement
    assert "That's all right. Let's go on." in out.lines()
    assert [a.source for a in rec.of(Answered) if a.key == "return"] == [NO_REPLY]
