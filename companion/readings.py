"""What a doubted reply comes to, from every reading the two Whisper models wrote of it.

tiny.en writes a reply as other words about one time in thirteen ("don't" for two, "now" for
no). Its beam search keeps five readings; the reply is often the next one, scored almost as
well. Whisper base, asked about the same audio, has readings of its own. So when tiny heard
words it could not take as a reply and was not sure of them, in this order:

1. base's likeliest reading, when it is a reply and clears base's bar;
2. a reply among tiny's, then base's, less likely readings, scored within a hair of that
   model's likeliest (a reply further down is a guess);
3. a yes that both models wrote as their likeliest reading, each over its own bar.

None of these is ever a yes on one model's word alone, nor a command where the question asks
for an answer. Measured over every hearing of ../shared/speech2 through the live path
(bench/bench_hear.py), replayed through this module: replies heard 0.958 with base's
likeliest reading alone, 0.972 with all three (tiny alone: 0.922, and 0.928 with its own less
likely readings); other words and sounds taken for a reply 0.0093 both; none taken for a yes.
Each half of the speakers gains alike (0.968 -> 0.979, 0.947 -> 0.966), with no more other
words taken in either.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.channels import Listening
from companion.recognition import Recognition
from companion.replies import YES, Answer, QuestionType, Said, interpret
from companion.transcripts import Transcript


@dataclass(frozen=True)
class Bars:
    """When a doubted reply is looked at again, and what is taken then."""

    sure: float = -0.3  # tiny's other words this likely stand: nothing more is asked
    base: float = -0.6  # base's likeliest reading, to be taken
    runner_up: float = -1.0  # a less likely reading, to be taken at all
    margin: float = 0.1  # ... and at most this far below its model's likeliest
    base_yes: float = -0.5  # base's "yes", when tiny wrote "yes" too (tiny's own floor holds)


def doubted(found: Recognition, bars: Bars = Bars()) -> bool:
    """tiny heard words, took no reply from them, and was not sure of them."""
    return found.text is None and found.heard is not None and found.score < bars.sure


def admissible(reply: str, listening: Listening) -> bool:
    """A reply found on a second look: never a yes (a false yes at "are you safe?" skips the
    crisis resources; with babble 10 and 5 dB below the voice, base alone took one other word
    for a yes at each level; a doubted yes is asked again, or typed), and a command only where
    the question asks for one (steered by the hotwords, the models write "pause" or "help"
    into babble)."""
    if interpret(reply, QuestionType.YES_NO) == Answer(YES):
        return False
    qtype = listening.qtype
    return qtype is QuestionType.CONFIRM or not isinstance(
        interpret(reply, qtype, listening.options), Said
    )


def settle(tiny: Transcript, base: Transcript | None, listening: Listening,
           bars: Bars = Bars()) -> Recognition | None:  # fmt: skip
    """The reply found in the readings of a reply tiny doubted; None: tiny's reading stands."""
    if base is not None and base.readings:
        found = _taken(base, 0, listening, bars.base)
        if found is not None:
            return found
    for model in (tiny, base):
        if model is not None:
            found = runner_up(model, listening, bars)
            if found is not None:
                return found
    if base is not None:
        return agreed_yes(tiny, base, listening, bars)
    return None


def runner_up(model: Transcript, listening: Listening, bars: Bars) -> Recognition | None:
    """The first reply among the model's less likely readings, close behind its likeliest."""
    if not model.readings:
        return None
    best = model.readings[0][1]
    for i, (_, logprob) in enumerate(model.readings[1:], start=1):
        if best - logprob > bars.margin:
            break
        found = _taken(model, i, listening, bars.runner_up)
        if found is not None:
            return found
    return None


def agreed_yes(tiny: Transcript, base: Transcript, listening: Listening,
               bars: Bars) -> Recognition | None:  # fmt: skip
    """Yes, when both models' likeliest reading is the word "yes" itself, tiny's over its
    floor and base's over `bars.base_yes`. "Yeah" does not count: both models write it for a
    sneeze."""
    from companion.whisper_recognizer import reply_of

    if listening.qtype is not QuestionType.YES_NO or base.logprob < bars.base_yes:
        return None
    said = [reply_of(m.text, m.logprob, m.no_speech, listening) for m in (tiny, base)]
    if said == ["yes", "yes"]:
        return Recognition("yes", tiny.text, tiny.logprob, confident=True)
    return None


def _taken(model: Transcript, i: int, listening: Listening, floor: float) -> Recognition | None:
    from companion.whisper_recognizer import judge

    text, logprob = model.readings[i]
    if logprob < floor:
        return None
    found = judge(text, logprob, model.no_speech, listening)
    if found.text is None or not admissible(found.text, listening):
        return None
    return found
