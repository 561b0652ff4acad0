from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.replies import Answer, Command, Option, QuestionType, Said, interpret

YN, SCALE, CHOICE, CONFIRM = (QuestionType.YES_NO, QuestionType.SCALE, QuestionType.CHOICE,
                              QuestionType.CONFIRM)  # fmt: skip
OPTIONS = (Option("sigh", "sighing again", ("sigh",)), Option("box", "box breathing", ("box",)))


@pytest.mark.parametrize(
    ("text", "value"),
    [("yes", "yes"), ("Y", "yes"), ("yeah", "yes"), ("yep.", "yes"), ("sure", "yes"),
     ("okay", "yes"), ("no", "no"), ("n", "no"), ("nope", "no"), ("not yet", "no"),
     ("not sure", "unsure"), ("I'm not sure", "unsure"), ("maybe", "unsure"),
     ("I don't know", "unsure"), ("no, I'm not", "no")],
)  # fmt: skip
def test_yes_no_and_unsure(text: str, value: str) -> None:
    assert interpret(text, YN) == Answer(value)


def test_not_sure_is_never_read_as_no_or_yes() -> None:
    assert interpret("yes but not sure", YN) == Answer("unsure")


@pytest.mark.parametrize(("text", "value"), [("0", 0), ("7", 7), ("10", 10), ("seven", 7),
                                             ("ten", 10), ("zero", 0), ("about 6", 6),
                                             ("8 out of ten", 8)])  # fmt: skip
def test_scale(text: str, value: int) -> None:
    assert interpret(text, SCALE) == Answer(value)


@pytest.mark.parametrize("text", ["11", "-1", "seventy", "purple", "", "7.5"])
def test_scale_refuses_what_is_not_zero_to_ten(text: str) -> None:
    assert interpret(text, SCALE) is None


def test_choice_by_number_name_or_word() -> None:
    assert interpret("2", CHOICE, OPTIONS) == Answer("box")
    assert interpret("Box breathing", CHOICE, OPTIONS) == Answer("box")
    assert interpret("sigh", CHOICE, OPTIONS) == Answer("sigh")
    assert interpret("3", CHOICE, OPTIONS) is None


@pytest.mark.parametrize(
    ("text", "command"),
    [("q", Command.STOP), ("stop", Command.STOP), ("again", Command.AGAIN),
     ("repeat", Command.AGAIN), ("help", Command.HELP), ("?", Command.HELP),
     ("pause", Command.PAUSE), ("wait", Command.PAUSE)],
)  # fmt: skip
def test_commands_work_in_every_question(text: str, command: Command) -> None:
    for qtype in QuestionType:
        if qtype is QuestionType.SAFETY and text == "help":
            continue  # "help" at "are you safe?" may be a call for help: see test_safety
        assert interpret(text, qtype, OPTIONS) == Said(command)


def test_enter_alone_means_next_only_where_going_on_is_the_question() -> None:
    assert interpret("", CONFIRM) == Said(Command.NEXT)
    assert interpret("", YN) is None
    assert interpret("I see a lamp", CONFIRM) == Answer("i see a lamp")


@given(st.text(max_size=120), st.sampled_from(list(QuestionType)))
def test_any_text_is_an_answer_a_command_or_nothing(text: str, qtype: QuestionType) -> None:
    reply = interpret(text, qtype, OPTIONS)
    assert reply is None or isinstance(reply, (Answer, Said))
