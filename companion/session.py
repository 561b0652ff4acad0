"""The grounding session itself: pure flow over a script, a clock and three seams."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from companion.channels import (
    EndsBreathingEarly,
    Heard,
    Input,
    Keys,
    Listening,
    Output,
    Recorder,
    StopRequested,
)
from companion.clock import Clock, sleep
from companion.compose import compose_words
from companion.events import (
    NO_REPLY,
    Answered,
    Breathing,
    Cue,
    Ended,
    Event,
    Rated,
    Replied,
    Role,
    Spoken,
    Statement,
    Status,
)
from companion.helplines import DANGERS
from companion.interrupts import Interrupted
from companion.patterns import schedule
from companion.readback import describe_time, rating_words, time_words
from companion.replies import (
    NO,
    UNSURE,
    YES,
    Answer,
    Command,
    Option,
    QuestionType,
    Said,
    Value,
    interpret,
    normalise,
    qualified,
)
from companion.script import (
    Ask,
    BreakTimer,
    Breathe,
    Closing,
    Compose,
    Group,
    Guide,
    Handover,
    Pause,
    Resources,
    Safety,
    Say,
    Script,
    Step,
    script_texts,
)
from companion.timeparse import MAX_MINUTES, ReturnTime, format_clock, parse_time

RETRIES = 2  # re-prompts before taking the safe default
MAX_TURNS = 8  # replies of any kind to one question, so nothing can loop for ever
SHORT_BREAK_MINUTES = 20
BODY_READY_BELOW = 6  # a last rating this high or more: offer a break before going back now
BREATH_LEAD = 0.5  # session seconds between placing a breathing run's sound and its start
KEY_POLL = 0.2  # session seconds between looks at the keyboard while breathing


@dataclass
class Outcome:
    status: Status
    statement: str | None = None  # the closing words (for a break: said when leaving)
    on_return: str | None = None  # for a break: the words to say on coming back
    return_at: datetime | None = None
    ratings: list[int] = field(default_factory=list)


class Session:
    def __init__(
        self, script: Script, out: Output, inp: Input, clock: Clock, recorder: Recorder
    ) -> None:
        self.script, self.out, self.inp, self.clock, self.recorder = (
            script, out, inp, clock, recorder
        )  # fmt: skip
        self.values: dict[str, object] = {}
        self.safe: bool | None = None  # None until the safety question has been answered
        self.outcome = Outcome(Status.RUNNING)
        self.handed_over = False

    # --- running -------------------------------------------------------------------------

    def run(self) -> Outcome:
        try:
            self.out.prepare(script_texts(self.script))
            self._steps(self.script.steps)
            self.outcome.status = Status.FINISHED
        except StopRequested:
            self.outcome.status = Status.STOPPED
            self._goodbye("stopped")
        except (KeyboardInterrupt, Interrupted):
            self.outcome.status = Status.INTERRUPTED
            self._goodbye("interrupted")
        try:
            self._record(Ended(self.outcome.status))
        except (KeyboardInterrupt, Interrupted):
            pass  # a signal waits for a write to finish, so the end is recorded
        return self.outcome

    def _goodbye(self, message: str) -> None:
        # A second Ctrl-C while saying goodbye must not stop the session being saved.
        try:
            self._say(self.script.message(message), Role.NOTE)
        except (KeyboardInterrupt, Interrupted, StopRequested):
            pass

    def _steps(self, steps: tuple[Step, ...]) -> None:
        for step in steps:
            if self.handed_over:
                return  # the rest belongs to the script this one handed over to
            if step.is_reconnect and self.safe is not True:
                continue  # never a "go back and talk" script for someone not known to be safe
            if step.when is not None and not step.when.holds(self.values):
                continue
            self._step(step)

    def _step(self, step: Step) -> None:
        action = step.action
        if isinstance(action, Say):
            text = self._render(action.text)
            if text is not None:
                self._say(text, Role.LINE)
                sleep(self.clock, action.pause)
        elif isinstance(action, Safety):
            self._safety(action)
        elif isinstance(action, Ask):
            self._question(action)
        elif isinstance(action, Breathe):
            self._breathe(action)
        elif isinstance(action, Guide):
            self._guide(action)
        elif isinstance(action, Pause):
            sleep(self.clock, action.seconds)
        elif isinstance(action, Resources):
            self._resources()
        elif isinstance(action, Closing):
            self._closing(action)
        elif isinstance(action, BreakTimer):
            self._break(action)
        elif isinstance(action, Group):
            self._group(action)
        elif isinstance(action, Compose):
            compose_words(self, action)
        elif isinstance(action, Handover):
            self._handover(action)

    # --- saying and recording -----------------------------------------------------------

    def _record(self, event: Event) -> None:
        self.recorder.record(event, self.clock.monotonic(), self.clock.now())

    def _say(self, text: str, role: Role) -> None:
        self._record(Spoken(text, role))  # kept before it is said: nothing is lost
        self.out.say(text, role)

    def _hear(self, listening: Listening) -> Heard | None:
        """The next reply, kept as it arrives, whether or not it is understood."""
        heard = self.inp.listen(listening)
        if heard is not None:
            self._record(Replied(heard.text, heard.source, heard.confident))
        return heard

    def _prompt(self, text: str, role: Role = Role.PROMPT) -> None:
        """Show a question; keys typed before it is shown never answer it."""
        if isinstance(self.inp, Keys):
            self.inp.discard_typed_ahead()
        self._say(text, role)

    def _render(self, text: str) -> str | None:
        """Fill {placeholders}; a line whose values are not known yet is left out."""
        try:
            return text.format_map({k: _spoken(v) for k, v in self.values.items()})
        except (KeyError, IndexError, ValueError):
            return None

    # --- questions ----------------------------------------------------------------------

    def _listen(
        self,
        prompt: str,
        qtype: QuestionType,
        options: tuple[Option, ...] = (),
        timeout: float = 30.0,
        check: Callable[[Value], str | None] | None = None,
        also: QuestionType | None = None,
    ) -> tuple[Value, Heard] | None:
        """Ask until there is an answer; None means take the safe default.

        `also`: a second kind of answer taken when the reply is not one of the first kind
        (a new time given where a yes or no was asked for).
        """
        self._prompt(prompt)
        misses = 0
        for _ in range(MAX_TURNS):
            heard = self._hear(Listening(qtype, options, timeout))
            if heard is None:
                misses += 1
                if misses > RETRIES:
                    return None
                self._prompt(f"{self.script.message('nothing_heard')} {prompt}", Role.REPROMPT)
                continue
            reply = interpret(heard.text, qtype, options)
            if also is not None and not isinstance(reply, (Answer, Said)):
                reply = interpret(heard.text, also, options)
            if isinstance(reply, Said) and self._command(reply.command, prompt, qtype):
                continue
            # A doubted time is not asked for again: it is read back, which shows what was
            # heard and takes a no or a new time, spoken or typed.
            if not isinstance(reply, Answer) or (
                _doubted(reply, heard, qtype) and not isinstance(reply.value, ReturnTime)
            ):
                misses += 1
                if misses > RETRIES:
                    return None
                self._unclear(heard, qtype)
                continue
            problem = check(reply.value) if check else None
            if problem:
                self._say(problem, Role.REPROMPT)
                continue
            return reply.value, heard
        return None

    def _unclear(self, heard: Heard, qtype: QuestionType) -> None:
        """Answered at once, so nobody waits in silence after being half heard."""
        if heard.source == "voice":
            self._say(self.script.message("heard_unclear"), Role.REPROMPT)
        else:
            self._say(f"{self.script.message('unclear')} {self._help(qtype)}", Role.REPROMPT)

    def _help(self, qtype: QuestionType) -> str:
        if qtype is QuestionType.SAFETY:
            qtype = QuestionType.YES_NO  # answered the same way, read more strictly
        return self.script.message(f"help_{qtype.value.replace('-', '_')}")

    def _command(self, command: Command, prompt: str, qtype: QuestionType) -> bool:
        """Act on a command heard during a question; False when it is not one here."""
        if command is Command.STOP:
            raise StopRequested
        if command is Command.AGAIN:
            self._say(prompt, Role.REPROMPT)
            return True
        if command is Command.HELP:
            help_text = self._help(qtype)
            self._say(f"{help_text} {self.script.message('help_commands')}", Role.REPROMPT)
            return True
        if command is Command.PAUSE:
            self._say(self.script.message("paused"), Role.NOTE)
            self._hear(Listening(QuestionType.CONFIRM, timeout=600))
            self._say(prompt, Role.REPROMPT)
            return True
        return False

    def _answer(self, key: str, value: Value, heard: Heard | None) -> None:
        if heard is None:
            self._no_reply(key, value)
            return
        self._record(Answered(key, _stored(value, self.clock.now()), heard.text, heard.source))
        self.values[key] = value
        if key == self.script.rating and isinstance(value, int):
            self._record(Rated(key, value))
            self.outcome.ratings.append(value)
            self.values.setdefault(f"{key}_before", value)
            self.values[f"{key}_after"] = value
            if heard.source == "voice":
                self._say(f"{rating_words(value)}.", Role.NOTE)  # what was heard, briefly

    def _no_reply(self, key: str, default: Value | None) -> None:
        """Nothing was answered: kept as no reply, with the default the session went on with.

        A rating is never invented: with no reply it is unknown, so no branch on it is taken
        and nothing is said about where the person is "now".
        """
        if key == self.script.rating:
            default = None
            self.values.pop(f"{key}_after", None)
        stored = "" if default is None else _stored(default, self.clock.now())
        self._record(Answered(key, stored, "", NO_REPLY))
        if default is None:
            self.values.pop(key, None)
        else:
            self.values[key] = default

    def _question(self, ask: Ask) -> None:
        prompt = self._render(ask.text) or ask.text
        if ask.type is QuestionType.TIME:
            self._time_question(ask, prompt)
            return
        got = self._listen(prompt, ask.type, ask.options, ask.timeout)
        if got is None:
            self._say(self.script.message("defaulted"), Role.NOTE)
            self._no_reply(ask.key, _default(ask))
            return
        self._answer(ask.key, *got)

    def _time_question(self, ask: Ask, prompt: str) -> None:
        settled = self._settled_time(prompt, self._check_time, ask)
        if settled is None:
            self._say(self.script.message("no_time"), Role.NOTE)
            self._no_reply(ask.key, None)
            return
        value, heard = settled
        if value.is_now and self._still_stirred():
            value, heard = self._settle_first(value, heard)
        self._answer(ask.key, value, heard)
        if not value.is_now:
            minutes = (value.resolve(self.clock.now()) - self.clock.now()).total_seconds() / 60
            if minutes < SHORT_BREAK_MINUTES - 0.5:
                self._say(self.script.message("time_short"), Role.NOTE)

    def _settled_time(
        self, prompt: str, check: Callable[[Value], str | None], ask: Ask | None = None
    ) -> tuple[ReturnTime, Heard] | None:
        """A time asked for, read back and correctable. A time nobody named is never put
        into words unasked: the question's default is offered, and taken only on a yes.
        None: no time was settled."""
        options, timeout = (ask.options, ask.timeout) if ask else ((), 30.0)
        got = self._listen(prompt, QuestionType.TIME, options, timeout, check)
        if got is None:
            default = _default(ask) if ask else None
            return self._offer_time(default) if isinstance(default, ReturnTime) else None
        if isinstance(got[0], ReturnTime):
            return self._confirm_time(got[0], got[1], options, timeout, check)
        return None

    def _still_stirred(self) -> bool:
        """The last rating is 6 or more, or it rose: the body is not ready to go back yet."""
        ratings = self.outcome.ratings
        if not ratings:
            return False
        last = ratings[-1]
        return (
            last >= BODY_READY_BELOW
            or last > ratings[0]
            or (len(ratings) > 1 and last > ratings[-2])
        )

    def _settle_first(self, now: ReturnTime, heard: Heard) -> tuple[ReturnTime, Heard]:
        """A gentle note and twenty minutes offered instead of now; the person's choice stands."""
        self._say(self.script.message("body_not_ready"), Role.NOTE)
        wait = ReturnTime(minutes=SHORT_BREAK_MINUTES)
        prompt = self.script.message("settle_offer", time=time_words(wait))
        got = self._listen(prompt, QuestionType.YES_NO, timeout=30)
        if got is None or got[0] != YES:
            return now, heard
        wait = wait.agreed(self.clock.now())
        self._say(self._time_message("time_noted", wait), Role.NOTE)
        return wait, got[1]

    def _offer_time(self, offered: ReturnTime) -> tuple[ReturnTime, Heard] | None:
        """ "Shall I say twenty minutes?": the offered time, only when the person says yes."""
        prompt = self.script.message("time_offer", time=time_words(offered))
        got = self._listen(prompt, QuestionType.YES_NO, timeout=30)
        if got is None or got[0] != YES:
            return None
        offered = offered.agreed(self.clock.now())
        self._say(self._time_message("time_noted", offered), Role.NOTE)
        return offered, got[1]

    def _time_message(self, name: str, value: ReturnTime) -> str:
        words = describe_time(value, value.resolve(self.clock.now()))
        return self.script.message(name, time=words)

    def _confirm_time(
        self, value: ReturnTime, heard: Heard, options: tuple[Option, ...], timeout: float,
        check: Callable[[Value], str | None],
    ) -> tuple[ReturnTime, Heard] | None:  # fmt: skip
        """A heard time is read back before it goes into the words, and can be corrected:
        a no asks again, and a new time given instead is taken and read back in turn. A
        typed time is shown with its clock time. None: no time was settled."""
        for _ in range(MAX_TURNS):
            # The clock time named now is the one the words will name.
            value = value.agreed(self.clock.now())
            if heard.source != "voice":
                self._say(self._time_message("time_noted", value), Role.NOTE)
                return value, heard
            prompt = self._time_message("time_readback", value)
            got = self._listen(prompt, QuestionType.YES_NO, timeout=timeout, check=check,
                               also=QuestionType.TIME)  # fmt: skip
            if got is None:
                return value, heard  # read back, and nothing said against it
            answer, reply = got
            if isinstance(answer, ReturnTime):
                value, heard = answer, reply
                continue
            if answer == YES:
                return value, heard
            again = self._listen(self.script.message("time_again"), QuestionType.TIME,
                                 options, timeout, check)  # fmt: skip
            if again is None or not isinstance(again[0], ReturnTime):
                return None
            value, heard = again[0], again[1]
        return None

    def _check_time(self, value: Value) -> str | None:
        if isinstance(value, ReturnTime) and (value.minutes or 0) > MAX_MINUTES:
            return self.script.message("time_too_long")
        return None

    def _safety(self, safety: Safety) -> None:
        answer = self._safety_answer(safety)
        self.safe = answer == YES
        if not self.safe:
            self._not_safe()

    def _not_safe(self) -> None:
        """One gentle question tells the two dangers apart; the help that fits comes first,
        and going somewhere safe is said before anything else is asked."""
        got = self._listen(self.script.message("danger_ask"), QuestionType.CHOICE, DANGERS)
        self._answer("danger", got[0] if got else UNSURE, got[1] if got else None)
        self._resources()
        self._say(self.script.message("go_safe"), Role.RESOURCE)

    def _safety_answer(self, safety: Safety) -> Value:
        """yes only for an unqualified yes; no reply at all is "not sure"."""
        got = self._listen(safety.text, QuestionType.SAFETY, timeout=safety.timeout)
        value, heard = got if got is not None else (UNSURE, None)
        self._answer(safety.key, value, heard)
        return value

    def _resources(self) -> None:
        res = self.script.resources.first_for(str(self.values.get("danger", "")))
        self._say(res.intro, Role.RESOURCE)
        self.out.show(list(res.shown), "Help, right now")
        for line in res.lines:
            self._say(line, Role.RESOURCE)

    # --- breathing and guided exercises --------------------------------------------------

    def _breathe(self, breathe: Breathe) -> None:
        pattern = self.script.patterns[breathe.pattern]
        cycles = breathe.cycles or pattern.cycles_for(breathe.seconds or pattern.cycle_seconds)
        if breathe.intro:
            self._say(breathe.intro, Role.LINE)
            sleep(self.clock, 1.0)
        self._record(Breathing(pattern.name, cycles, cycles * pattern.cycle_seconds))
        starts = schedule(pattern, cycles)
        t0 = self.clock.monotonic() + BREATH_LEAD
        keys = self.inp if isinstance(self.inp, Keys) else None
        if keys is not None:
            keys.breathing(True)
        try:
            self.out.begin_breathing(pattern, starts, t0)
            for start in starts:
                at = t0 + start.at
                if self._breathing_until(at, keys):
                    return
                phase = start.phase
                self._record(Cue(pattern.name, start.cycle, start.index, phase.kind.value,
                                 phase.cue, phase.seconds))  # fmt: skip
                self.out.cue(start, pattern, at)
            # Every run ends at the end of an exhale (or of the pattern's last phase).
            self._breathing_until(t0 + cycles * pattern.cycle_seconds, keys)
        finally:
            if keys is not None:
                keys.breathing(False)

    def _breathing_until(self, t: float, keys: Keys | None) -> bool:
        """Wait for t; True if the person pressed q meanwhile (the breathing ends calmly)."""
        while keys is not None and self.clock.monotonic() < t:
            if keys.stop_pressed():
                if isinstance(self.out, EndsBreathingEarly):
                    self.out.end_breathing()
                self._say(self.script.message("breathing_stopped"), Role.NOTE)
                return True
            self.clock.sleep_until(min(t, self.clock.monotonic() + KEY_POLL))
        self.clock.sleep_until(t)
        return False

    def _guide(self, guide: Guide) -> None:
        self._say(guide.text, Role.LINE)
        for prompt in guide.prompts:
            self._prompt(prompt)
            for _ in range(MAX_TURNS):
                heard = self._hear(Listening(QuestionType.CONFIRM, timeout=guide.wait))
                if heard is None:
                    break  # moving on by itself is fine here
                reply = interpret(heard.text, QuestionType.CONFIRM)
                if isinstance(reply, Said) and self._command(
                    reply.command, prompt, QuestionType.CONFIRM
                ):
                    continue
                break

    def _handover(self, handover: Handover) -> None:
        """Go on with another script (its lines, closing and messages) after its safety."""
        self.script = handover.script
        self.out.prepare(script_texts(handover.script))
        self._steps(handover.steps)
        self.handed_over = True

    def _group(self, group: Group) -> None:
        if group.repeat is None:
            self._steps(group.steps)
            return
        for round_ in range(group.max):
            self.values[group.counter] = round_
            if not group.repeat.holds(self.values):
                return
            self._steps(group.steps)
        self.values[group.counter] = group.max

    # --- closing and the break -----------------------------------------------------------

    def _closing(self, closing: Closing) -> None:
        text = self.script.closing
        ret = self.values.get(text.return_key) if text else None
        if text is None or not isinstance(ret, ReturnTime):
            return
        now = self.clock.now()
        return_at = ret.resolve(now)
        clock_text = format_clock(return_at)
        self.values["return_clock"] = clock_text

        def compose(template: str) -> str:
            return colon_case(template.format(return_clock=clock_text, question=text.question))

        if ret.is_now:
            statement, on_return, intro = compose(text.now), None, closing.intro
        else:
            # Words for leaving (the break and its return time), and words for coming back.
            statement, intro = compose(text.later), self.script.message("words_leaving")
            on_return = compose(text.back) if text.back else None
        self.outcome.statement, self.outcome.on_return = statement, on_return
        self.outcome.return_at = None if ret.is_now else return_at
        self._record(Statement(statement, self.outcome.return_at, on_return))
        self._words(intro, statement, "Your words")
        if on_return is not None:
            self._words(self.script.message("words_back"), on_return,
                        "Your words when you come back")  # fmt: skip

    def _words(self, intro: str, words: str, title: str) -> None:
        """Introduce, show and say one set of closing words."""
        self._say(intro, Role.LINE)
        sleep(self.clock, 0.5)
        self.out.show([words], title)
        self._say(words, Role.STATEMENT)
        sleep(self.clock, 1.0)

    def _break(self, brk: BreakTimer) -> None:
        return_at = self.outcome.return_at
        if return_at is None or self.outcome.statement is None:
            return
        got = self._listen(brk.offer, QuestionType.YES_NO, timeout=30)
        stay = got is not None and got[0] == YES
        self._answer("stay", *(got or (NO, None)))
        if not stay:
            return
        # The timer starts at "yes", not after the first note has been said.
        total = (return_at - self.clock.now()).total_seconds()
        end = self.clock.monotonic() + total
        checkin = brk.checkin_minutes * 60
        next_checkin = self.clock.monotonic() + checkin if checkin else float("inf")
        self._say(self.script.message("break_start"), Role.NOTE)
        while (left := end - self.clock.monotonic()) > 0:
            self.out.countdown(left, total)
            if self.clock.monotonic() >= next_checkin and left > 60:
                minutes_left = round(left / 60)
                self._say(self.script.message("break_checkin", minutes_left=minutes_left),
                          Role.NOTE)  # fmt: skip
                next_checkin += checkin
            # Wake each second for the countdown, and exactly on time for a check-in.
            self.clock.sleep_until(min(end, next_checkin, self.clock.monotonic() + 1.0))
        self.out.countdown(0, total)
        self.out.chime()
        self._say(self.script.message("break_end"), Role.NOTE)
        # At the return time: the words for coming back, not the break announced again.
        words = self.outcome.on_return or self.outcome.statement
        self.out.show([words], "Your words")
        self._say(words, Role.STATEMENT)


def _doubted(reply: Answer, heard: Heard, qtype: QuestionType) -> bool:
    """A reply the recogniser doubts is asked again rather than taken, whatever the question;
    only at the safety question are a doubted no, or words of doubt or fear, taken at once:
    they lead to the resources, the safe side."""
    if heard.confident:
        return False
    if qtype is QuestionType.SAFETY:
        return reply.value == YES or (
            reply.value == UNSURE and not qualified(normalise(heard.text))
        )
    return True


def _default(ask: Ask) -> Value | None:
    """The safe value when no clear answer came: the script's, read as its question reads it."""
    if ask.default is None:
        return UNSURE if ask.type is QuestionType.YES_NO else None
    if ask.type is QuestionType.TIME:
        return parse_time(str(ask.default))
    reply = interpret(str(ask.default), ask.type, ask.options)
    return reply.value if isinstance(reply, Answer) else None


def colon_case(text: str) -> str:
    """Sentence case after a colon: "Can I ask you: how do you...", "I" left as it is."""
    return re.sub(r"(: )([A-Z])(?=[a-z])", lambda m: m.group(1) + m.group(2).lower(), text)


def _spoken(value: object) -> object:
    return value.canonical() if isinstance(value, ReturnTime) else value


def _stored(value: Value, now: datetime) -> str:
    if isinstance(value, ReturnTime):
        return value.resolve(now).isoformat(timespec="minutes")
    return str(value)


__all__ = ["NO", "UNSURE", "YES", "Interrupted", "Outcome", "Session"]
