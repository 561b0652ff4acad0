"""Nothing said is lost: every reply is kept as it arrives, understood or not."""

from __future__ import annotations

from pathlib import Path

from companion.channels import Heard, Listening
from companion.clock import FakeClock
from companion.events import Answered, Replied
from companion.script import load_script
from companion.session import Session
from tests import running
from tests.fakes import FakeIn, FakeOut, MemoryRecorder

GROUND = Path(__file__).resolve().parent.parent / "scripts" / "ground.toml"
UNCLEAR = "I can't even think right now"


class Replies(FakeIn):
    """Replies given as Heard, so a voice and its doubt can be part of them."""

    def __init__(self, clock: FakeClock, heard: list[Heard]) -> None:
        super().__init__(clock, [])
        self.heard = heard

    def listen(self, listening: Listening) -> Heard | None:
        self.asked.append(listening)
        self.clock.advance(2.0)
        return self.heard.pop(0) if self.heard else None


def run(heard: list[Heard]) -> MemoryRecorder:
    clock = FakeClock()
    rec = MemoryRecorder()
    Session(load_script(GROUND), FakeOut(clock), Replies(clock, heard), clock, rec).run()
    return rec


def test_every_typed_line_is_kept_in_order_even_when_it_is_not_understood() -> None:
    typed = ["yes", UNCLEAR, "i did", "8", "4", "no", "purple", "in twenty minutes", "no"]
    rec = run([Heard(text, "key") for text in typed])
    assert [r.text for r in rec.of(Replied)] == typed
    # The unclear lines answer nothing, but they are part of the session.
    assert UNCLEAR not in [a.raw for a in rec.of(Answered)]


def test_what_was_heard_is_kept_with_its_source_and_doubt() -> None:
    rec = run([Heard("yes", "key"), Heard(UNCLEAR.lower(), "voice", confident=False)])
    assert Replied(UNCLEAR.lower(), "voice", False) in rec.of(Replied)


def test_replies_to_a_guided_exercise_are_kept_too() -> None:
    replies = ["yes", "i did", "9", "9", "senses", "a lamp, a chair", "", "", "", "", "3"]
    rec = run([Heard(text, "key") for text in replies])
    assert "a lamp, a chair" in [r.text for r in rec.of(Replied)]


def test_replay_full_shows_an_unclear_reply_and_the_log_never_holds_it(
    private_home: Path,
) -> None:
    stdin = f"yes\n{UNCLEAR}\ni did\n8\n4\nno\nin twenty minutes\nno\n"
    done = running.run("ground", "--text", "--speed", "1000", home=private_home, stdin=stdin)
    assert done.returncode == 0, done.stderr
    replayed = running.run("replay", "last", "--full", "--text", "--speed", "1000",
                           home=private_home)  # fmt: skip
    assert f"> {UNCLEAR}" in replayed.stdout
    assert replayed.stdout.count("> 8") == 1  # each reply once, not again as its answer
    for log in private_home.rglob("*.log"):
        assert UNCLEAR not in log.read_text(encoding="utf-8", errors="replace")
