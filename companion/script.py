"""Session scripts: TOML data validated into typed steps, with errors that say where."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion import helplines, paths, tomlfile
from companion.conditions import Condition, ConditionError, parse_condition
from companion.patterns import Pattern, Phase, PhaseKind
from companion.replies import Answer, Option, QuestionType, interpret
from companion.timeparse import parse_time

MAX_SCRIPT_BYTES = 256 * 1024
MAX_DEPTH = 4
MAX_STEPS = 500
# The messages that are filled in with values, and a sample of each value.
MESSAGE_VALUES: dict[str, dict[str, object]] = {"break_checkin": {"minutes_left": 12}}


class ScriptError(Exception):
    """A script that cannot be used, with the file, the place and the problem."""

    def __init__(self, path: Path | str, where: str, problem: str) -> None:
        self.path, self.where, self.problem = str(path), where, problem
        place = f" {where}:" if where else ""
        super().__init__(f"{self.path}:{place} {problem}")


# --- steps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    text: str
    pause: float = 1.0


@dataclass(frozen=True)
class Ask:
    text: str
    type: QuestionType
    key: str
    options: tuple[Option, ...] = ()
    default: str | int | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Safety:
    text: str
    key: str = "safe"
    timeout: float = 30.0


@dataclass(frozen=True)
class Breathe:
    pattern: str
    cycles: int | None = None
    seconds: float | None = None
    intro: str | None = None


@dataclass(frozen=True)
class Guide:
    text: str
    prompts: tuple[str, ...]
    wait: float = 45.0  # the longest a prompt waits before moving on by itself


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Resources:
    pass


@dataclass(frozen=True)
class Closing:
    intro: str


@dataclass(frozen=True)
class BreakTimer:
    offer: str
    checkin_minutes: float = 5.0


@dataclass(frozen=True)
class Group:
    steps: tuple[Step, ...]
    repeat: Condition | None = None
    max: int = 1
    counter: str = "rounds"


@dataclass(frozen=True)
class Move:
    """One calm thing to say or send, offered with a yes-no question."""

    name: str
    ask: str
    text: str  # may name the return time with {return_clock}


@dataclass(frozen=True)
class Compose:
    """Offers each move in turn; the ones chosen become the closing words, said and saved."""

    intro: str
    moves: tuple[Move, ...]
    time: str | None = None  # asks the return time, for a move that names it
    none: str = "That's okay. You don't need words right now."
    fit: str = "Would these words fit?"  # asked after a move's words


@dataclass(frozen=True)
class Handover:
    """Goes on with another script from just after its safety question; this one ends."""

    name: str
    steps: tuple[Step, ...]
    script: Script


Action = (
    Say | Ask | Safety | Breathe | Guide | Pause | Resources | Closing | BreakTimer | Group
    | Compose | Handover
)  # fmt: skip


@dataclass(frozen=True)
class Step:
    action: Action
    where: str
    when: Condition | None = None
    reconnect: bool = False

    @property
    def is_reconnect(self) -> bool:
        """Steps about going back to the partner: never run for someone who is not safe."""
        action = self.action
        return (
            self.reconnect
            or isinstance(action, (Closing, BreakTimer, Compose, Handover))
            or (isinstance(action, Ask) and action.type is QuestionType.TIME)
        )


@dataclass(frozen=True)
class ResourceText:
    intro: str
    lines: tuple[str, ...]
    shown: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # each line's kind (emergency, crisis, abuse), when known

    def first_for(self, danger: str | None) -> ResourceText:
        """The same help, what fits the danger first ("someone", "myself", "both")."""
        if len(self.kinds) != len(self.lines) or len(self.shown) != len(self.lines):
            return self
        rank = {kind: i for i, kind in enumerate(helplines.order_for(danger))}
        order = sorted(range(len(self.lines)), key=lambda i: rank.get(self.kinds[i], len(rank)))
        return ResourceText(self.intro, tuple(self.lines[i] for i in order),
                            tuple(self.shown[i] for i in order),
                            tuple(self.kinds[i] for i in order))  # fmt: skip


@dataclass(frozen=True)
class ClosingText:
    later: str  # said when leaving for a break: the break and its return time
    now: str  # said when going back at once
    question: str
    return_key: str = "return"
    back: str = ""  # said on coming back from a break ("" : the `later` words again)


@dataclass(frozen=True)
class Script:
    name: str
    path: Path
    title: str
    summary: str
    rating: str
    steps: tuple[Step, ...]
    patterns: Mapping[str, Pattern]
    resources: ResourceText
    closing: ClosingText | None
    messages: Mapping[str, str] = field(default_factory=dict)

    def message(self, name: str, **values: object) -> str:
        return self.messages[name].format(**values) if values else self.messages[name]


# --- reading -----------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomlfile.read_toml(path, MAX_SCRIPT_BYTES)
    except (tomlfile.FileUnusable, tomlfile.NotToml) as e:
        raise ScriptError(path, "", e.problem) from None


def _user_toml(path: Path, warn: list[str] | None) -> dict[str, Any] | None:
    """The person's own settings file, if there is one. A file that cannot be read at all (a
    device, a pipe) stops with FileUnusable; a typo is a warning that names the file."""
    if not tomlfile.present(path):
        return None
    try:
        return tomlfile.read_toml(path)
    except tomlfile.NotToml as e:
        if warn is not None:
            warn.append(tomlfile.mistake(path, e.problem))
        return None


class _Fields:
    """Typed reads of one table, each error naming the place and the field."""

    def __init__(self, path: Path, where: str, table: Mapping[str, Any]) -> None:
        self.path, self.where, self.table = path, where, table
        self.used: set[str] = set()

    def fail(self, name: str, problem: str) -> ScriptError:
        return ScriptError(self.path, self.where, f"field '{name}': {problem}")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        self.used.add(name)
        if name not in self.table:
            return default
        value = self.table[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(name, f"expected {_kind_name(kind)}, got true/false")
        if not isinstance(value, kind):
            raise self.fail(name, f"expected {_kind_name(kind)}, got {_describe(value)}")
        return value

    def text(self, name: str, default: str | None = None) -> str:
        value = self.get(name, str, default)
        if value is None:
            raise self.fail(name, "is required")
        if not value.strip():
            raise self.fail(name, "is empty")
        return str(value)

    def number(self, name: str, default: float | None, low: float, high: float) -> float | None:
        value = self.get(name, (int, float), default)
        if value is not None and not low <= value <= high:
            raise self.fail(name, f"must be between {low:g} and {high:g}, got {value!r}")
        return None if value is None else float(value)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.get(name, list, [])
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(name, "expected a list of non-empty strings")
        return tuple(value)

    def check_unknown(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise ScriptError(self.path, self.where, f"unknown field '{unknown[0]}'")


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", list: "a list",
             dict: "a table", bool: "true or false"}  # fmt: skip
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)[:40]


_ACTIONS = ("say", "ask", "safety", "breathe", "guide", "pause", "resources", "closing",
            "break", "repeat", "steps", "compose", "switch")  # fmt: skip
_COMMON = {"when", "reconnect"}
_KEY_CHARS = set(string.ascii_letters + string.digits + "_")


def _key(fields: _Fields, name: str, default: str | None = None) -> str:
    key = fields.text(name, default)
    if not set(key) <= _KEY_CHARS or key[0].isdigit():
        raise fields.fail(name, f"{key!r} must be a name of letters, digits and _")
    return key


def _options(fields: _Fields) -> tuple[Option, ...]:
    raw = fields.get("options", list, [])
    options: list[Option] = []
    for i, item in enumerate(raw, 1):
        if isinstance(item, str) and item.strip():
            options.append(Option(item.strip(), item.strip()))
            continue
        if not isinstance(item, dict):
            raise fields.fail("options", f"option {i} must be text or a table")
        opt = _Fields(fields.path, f"{fields.where} option {i}", item)
        name = _key(opt, "name")
        options.append(Option(name, opt.text("label", name), opt.texts("words")))
        opt.check_unknown()
    return tuple(options)


def _step(path: Path, where: str, raw: object, depth: int, counter: list[int]) -> Step:
    if not isinstance(raw, dict):
        raise ScriptError(path, where, f"a step must be a table, got {_describe(raw)}")
    counter[0] += 1
    if counter[0] > MAX_STEPS:
        raise ScriptError(path, where, f"too many steps (at most {MAX_STEPS})")
    present = [a for a in _ACTIONS if a in raw]
    # `steps` belongs to a repeat, and `pause` after a line belongs to that line.
    for extra in ("steps", "pause"):
        if extra in present and len(present) > 1:
            present.remove(extra)
    if len(present) != 1:
        what = "none" if not present else ", ".join(present)
        raise ScriptError(
            path, where, f"a step needs exactly one of {', '.join(_ACTIONS)} (found {what})"
        )
    kind = present[0]
    where = f"{where} ({kind})"
    f = _Fields(path, where, raw)
    action: Action
    if kind == "say":
        action = Say(f.text("say"), f.number("pause", 1.0, 0, 600) or 0.0)
    elif kind == "ask":
        type_name = f.text("type")
        try:
            qtype = QuestionType(type_name)
        except ValueError:
            allowed = ", ".join(t.value for t in QuestionType)
            raise f.fail("type", f"must be one of {allowed}, got {type_name!r}") from None
        options = _options(f)
        if qtype is QuestionType.CHOICE and len(options) < 2:
            raise f.fail("options", "a choice needs at least two options")
        if qtype is not QuestionType.CHOICE and options:
            raise f.fail("options", "only a choice question has options")
        default = f.get("default", (str, int))
        if default is not None and not _can_answer(str(default), qtype, options):
            raise f.fail("default", f"{default!r} can never be an answer to this "
                                    f"{qtype.value} question")  # fmt: skip
        action = Ask(
            f.text("ask"), qtype, _key(f, "key"), options, default,
            f.number("timeout", 30.0, 1, 3600) or 30.0,
        )  # fmt: skip
    elif kind == "safety":
        action = Safety(f.text("safety"), _key(f, "key", "safe"),
                        f.number("timeout", 30.0, 1, 3600) or 30.0)  # fmt: skip
    elif kind == "breathe":
        cycles = f.get("cycles", int)
        minutes = f.number("minutes", None, 0.05, 120)
        seconds = f.number("seconds", None, 1, 7200)
        given = [x for x in (cycles, minutes, seconds) if x is not None]
        if len(given) != 1:
            raise ScriptError(path, where, "give exactly one of cycles, minutes or seconds")
        if cycles is not None and not 1 <= cycles <= 1000:
            raise f.fail("cycles", f"must be between 1 and 1000, got {cycles}")
        span = seconds if seconds is not None else (minutes * 60 if minutes else None)
        intro = f.get("intro", str)
        action = Breathe(f.text("breathe"), cycles, span, intro)
    elif kind == "guide":
        prompts = f.texts("prompts")
        if not prompts:
            raise f.fail("prompts", "a guide needs at least one prompt")
        action = Guide(f.text("guide"), prompts, f.number("wait", 45.0, 1, 3600) or 45.0)
    elif kind == "pause":
        action = Pause(f.number("pause", None, 0, 3600) or 0.0)
    elif kind == "resources":
        if f.get("resources", bool) is not True:
            raise f.fail("resources", "write resources = true")
        action = Resources()
    elif kind == "closing":
        action = Closing(f.text("closing"))
    elif kind == "break":
        action = BreakTimer(f.text("break"), f.number("checkin", 5.0, 0, 120) or 0.0)
    elif kind == "compose":
        action = _compose(f)
    elif kind == "switch":
        action = _handover(f)
    else:
        if depth >= MAX_DEPTH:
            raise ScriptError(path, where, f"steps are nested too deeply (at most {MAX_DEPTH})")
        raw_steps = f.get("steps", list)
        if not raw_steps:
            raise f.fail("steps", "needs at least one step")
        inner = tuple(
            _step(path, f"{where.split(' (')[0]}.{i}", s, depth + 1, counter)
            for i, s in enumerate(raw_steps, 1)
        )
        repeat = None
        if kind == "repeat":
            repeat = _condition(f, "repeat")
            limit = f.get("max", int, 3)
            if not 1 <= limit <= 20:
                raise f.fail("max", f"must be between 1 and 20, got {limit}")
            action = Group(inner, repeat, limit, _key(f, "counter", "rounds"))
        else:
            action = Group(inner)
    when = _condition(f, "when") if "when" in raw else None
    reconnect = bool(f.get("reconnect", bool, False))
    f.check_unknown()
    return Step(action, where, when, reconnect)


def _compose(f: _Fields) -> Compose:
    raw = f.get("moves", list, [])
    moves: list[Move] = []
    for i, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            raise f.fail("moves", f"move {i} must be a table with name, ask and text")
        m = _Fields(f.path, f"{f.where} move {i}", item)
        move = Move(_key(m, "name"), m.text("ask"), m.text("text"))
        m.check_unknown()
        try:
            unknown = _template_fields(move.text) - {"return_clock"}
        except ValueError as e:
            raise m.fail("text", str(e)) from None
        if unknown:
            raise m.fail("text", f"unknown placeholder {{{sorted(unknown)[0]}}}")
        moves.append(move)
    if not moves:
        raise f.fail("moves", "needs at least one move")
    time = f.get("time", str)
    if time is None and any("{return_clock}" in m.text for m in moves):
        raise f.fail("time", "a move names {return_clock}, so ask the time with 'time'")
    none = f.get("none", str) or Compose.none
    fit = f.get("fit", str) or Compose.fit
    return Compose(f.text("compose"), tuple(moves), time, none, fit)


_HANDING_OVER: set[Path] = set()  # scripts being read for a switch, so none loops for ever


def _handover(f: _Fields) -> Handover:
    name = f.text("switch")
    target = find_script(name).resolve()
    if target in _HANDING_OVER or target == f.path.resolve():
        raise f.fail("switch", f"{name!r} leads back to a script that switches to it")
    _HANDING_OVER.add(f.path.resolve())
    try:
        script = load_script(target)
    except ScriptError as e:
        raise f.fail("switch", f"{name!r} cannot be used ({e})") from None
    finally:
        _HANDING_OVER.discard(f.path.resolve())
    steps = list(script.steps)
    where = next((i for i, s in enumerate(steps) if isinstance(s.action, Safety)), None)
    if where is None:
        raise f.fail("switch", f"{name!r} has no safety question to go on from")
    return Handover(name, tuple(steps[where + 1 :]), script)


def _can_answer(text: str, qtype: QuestionType, options: tuple[Option, ...]) -> bool:
    """The default is read as the session reads it when it takes the default."""
    if qtype is QuestionType.TIME:
        return parse_time(text) is not None
    return isinstance(interpret(text, qtype, options), Answer)


def _condition(f: _Fields, name: str) -> Condition:
    try:
        return parse_condition(f.text(name))
    except ConditionError as e:
        raise f.fail(name, f"condition {e}") from None


# --- patterns, resources, messages -------------------------------------------------------


def _patterns(path: Path, table: object, where: str = "patterns") -> dict[str, Pattern]:
    if not isinstance(table, dict):
        raise ScriptError(path, where, "expected a table of patterns")
    out: dict[str, Pattern] = {}
    for name, raw in table.items():
        place = f"{where}.{name}" if where else f"pattern '{name}'"
        if not isinstance(raw, dict):
            raise ScriptError(path, place, "expected a table with title and phases")
        f = _Fields(path, place, raw)
        phases_raw = f.get("phases", list, [])
        if not phases_raw:
            raise f.fail("phases", "a pattern needs at least one phase")
        phases: list[Phase] = []
        for i, p in enumerate(phases_raw, 1):
            if not isinstance(p, dict):
                raise f.fail("phases", f"phase {i} must be a table")
            pf = _Fields(path, f"{place} phase {i}", p)
            kind_name = pf.text("kind")
            try:
                kind = PhaseKind(kind_name)
            except ValueError:
                raise pf.fail(
                    "kind", f"must be inhale, hold or exhale, got {kind_name!r}"
                ) from None
            seconds = pf.number("seconds", None, 0.5, 60)
            if seconds is None:
                raise pf.fail("seconds", "is required")
            phases.append(Phase(kind, seconds, pf.text("cue", kind.value)))
            pf.check_unknown()
        if not any(p.kind is PhaseKind.EXHALE for p in phases):
            raise f.fail("phases", "a pattern needs an exhale")
        out[name] = Pattern(name, f.text("title", name), tuple(phases))
        f.check_unknown()
    return out


def builtin_patterns(warn: list[str] | None = None) -> dict[str, Pattern]:
    path = paths.scripts_dir() / "lib" / "patterns.toml"
    found = _patterns(path, _read_toml(path), where="")
    user = paths.data_dir() / "patterns.toml"
    raw = _user_toml(user, warn)
    if raw is not None:
        try:
            found.update(_patterns(user, raw, where=""))
        except ScriptError as e:  # the person's own file: named, and the built-ins used
            if warn is not None:
                warn.append(tomlfile.mistake(user, f"{e.where}: {e.problem}".lstrip(": ")))
    return found


def _resources(path: Path, raw: object, base: ResourceText | None) -> ResourceText:
    if not isinstance(raw, dict):
        raise ScriptError(path, "resources", "expected a table with intro, lines and shown")
    f = _Fields(path, "resources", raw)
    intro = f.get("intro", str) or (base.intro if base else None)
    lines = f.texts("lines") or (base.lines if base else ())
    shown = f.texts("shown") or lines
    f.check_unknown()
    if not intro or not lines:
        raise ScriptError(path, "resources", "needs intro and at least one line")
    return ResourceText(intro, lines, shown)


def default_resources(warn: list[str] | None = None) -> ResourceText:
    """The help for the person's region (see companion.helplines), or config.toml's own."""
    path = paths.scripts_dir() / "lib" / "resources.toml"
    try:
        regions = helplines.load_regions(path)
    except (OSError, ValueError, KeyError) as e:  # a TOML or UTF-8 error is a ValueError
        raise ScriptError(path, "", f"the crisis resources cannot be read ({e})") from None
    chosen = helplines.configured_region()
    if chosen.mistake and warn is not None:
        warn.append(chosen.mistake)
    region = regions.get(chosen.code)
    found = ResourceText(regions.intro, tuple(h.say for h in region.help),
                         tuple(h.show for h in region.help),
                         tuple(h.kind for h in region.help))  # fmt: skip
    config = paths.data_dir() / "config.toml"
    table = (_user_toml(config, warn) or {}).get("resources")
    if table is not None:
        try:
            found = _resources(config, table, found)
        except ScriptError as e:
            if warn is not None:
                warn.append(tomlfile.mistake(config, f"{e.where}: {e.problem}"))
    return found


def default_messages() -> dict[str, str]:
    path = paths.scripts_dir() / "lib" / "messages.toml"
    raw = _read_toml(path)
    return {k: str(v) for k, v in raw.items()}


def _closing(path: Path, raw: object) -> ClosingText:
    if not isinstance(raw, dict):
        raise ScriptError(path, "closing", "expected a table with later, now and question")
    f = _Fields(path, "closing", raw)
    closing = ClosingText(f.text("later"), f.text("now"), f.text("question"),
                          _key(f, "return_key", "return"),
                          f.text("back") if "back" in raw else "")  # fmt: skip
    f.check_unknown()
    for name in ("later", "now", "back"):
        try:
            fields = _template_fields(getattr(closing, name))
        except ValueError as e:
            raise f.fail(name, str(e)) from None
        unknown = fields - {"return_clock", "question"}
        if unknown:
            raise f.fail(name, f"unknown placeholder {{{sorted(unknown)[0]}}}")
        samples = {"return_clock": "8:30 pm", "question": "Can we talk?"}
        problem = template_problem(getattr(closing, name), samples)
        if problem:
            raise f.fail(name, problem)
    if "return_clock" not in _template_fields(closing.later):
        raise f.fail("later", "must name the return time with {return_clock}")
    return closing


def template_problem(text: str, samples: Mapping[str, object]) -> str | None:
    """Why `text` cannot be filled in with values like `samples` (a format such as
    {return_clock:d} or a conversion such as {x!z}), or None when it can."""
    try:
        for _, name, _, conversion in string.Formatter().parse(text):
            if conversion not in (None, "r", "s", "a"):
                return f"placeholder {{{name}!{conversion}}}: no such conversion"
        text.format_map(samples)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
        return f"text cannot be filled in ({e})"
    return None


def _template_fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as e:
        raise ValueError(f"has a stray brace ({e})") from None


# --- whole scripts -----------------------------------------------------------------------


def _walk(steps: tuple[Step, ...]) -> list[Step]:
    out: list[Step] = []
    for step in steps:
        out.append(step)
        if isinstance(step.action, Group):
            out.extend(_walk(step.action.steps))
    return out


def _check_names(path: Path, script: Script) -> None:
    """Every name a condition or a line uses is one the script can know."""
    # Every name a line may use, with a value of the kind the session will fill in.
    samples: dict[str, object] = {script.rating + "_before": 5, script.rating + "_after": 4,
                                  "return_clock": "8:30 pm"}  # fmt: skip
    safety_seen = False
    for step in _walk(script.steps):
        action = step.action
        if isinstance(action, Safety):
            samples[action.key] = "yes"
        if isinstance(action, Ask):
            samples[action.key] = _sample_answer(action)
        if isinstance(action, Group) and action.repeat is not None:
            samples[action.counter] = 1
        if isinstance(action, Safety):
            safety_seen = True
        if step.is_reconnect and not safety_seen:
            raise ScriptError(
                path, step.where, "comes before the safety question: ask 'safety' first"
            )
        if isinstance(action, Breathe) and action.pattern not in script.patterns:
            names = ", ".join(sorted(script.patterns))
            raise ScriptError(
                path, step.where, f"field 'breathe': no pattern {action.pattern!r} (have {names})"
            )
        if isinstance(action, Closing) and script.closing is None:
            raise ScriptError(path, step.where, "a closing step needs a [closing] table")
    for step in _walk(script.steps):
        conditions = [step.when] if step.when else []
        if isinstance(step.action, Group) and step.action.repeat is not None:
            conditions.append(step.action.repeat)
        for cond in conditions:
            unknown = cond.names() - set(samples)
            if unknown:
                raise ScriptError(
                    path, step.where, f"condition {cond.source!r} uses unknown name "
                    f"'{sorted(unknown)[0]}'"
                )  # fmt: skip
        for text in _step_texts(step.action):
            try:
                placeholders = _template_fields(text)
            except ValueError as e:
                raise ScriptError(path, step.where, f"text {e}") from None
            unknown = placeholders - set(samples)
            if unknown:
                raise ScriptError(
                    path, step.where, f"text uses unknown placeholder {{{sorted(unknown)[0]}}}"
                )
            problem = template_problem(text, samples)
            if problem:
                raise ScriptError(path, step.where, problem)


def _sample_answer(ask: Ask) -> object:
    """A value of the kind this question stores, as a line would show it."""
    if ask.type is QuestionType.SCALE:
        return 5
    if ask.type is QuestionType.CHOICE and ask.options:
        return ask.options[0].name
    if ask.type is QuestionType.TIME:
        return "in twenty minutes"
    return "yes"


def _step_texts(action: Action) -> list[str]:
    if isinstance(action, (Say, Ask, Safety, Guide, Closing)):
        return [action.text if not isinstance(action, Closing) else action.intro] + (
            list(action.prompts) if isinstance(action, Guide) else []
        )
    if isinstance(action, BreakTimer):
        return [action.offer]
    if isinstance(action, Compose):
        return [
            action.intro,
            action.none,
            *(m.ask for m in action.moves),
            *(m.text for m in action.moves),
            *([action.time] if action.time else []),
        ]
    if isinstance(action, Breathe) and action.intro:
        return [action.intro]
    return []


def script_texts(script: Script) -> list[str]:
    """Every fixed line a session may say, in order: what a voice can render ahead."""
    texts: list[str] = []
    for step in _walk(script.steps):
        texts.extend(t for t in _step_texts(step.action) if "{" not in t)
    for pattern in script.patterns.values():
        texts.extend(p.cue for p in pattern.phases)
    texts.extend(script.resources.lines)
    texts.extend(m for m in script.messages.values() if "{" not in m)
    return list(dict.fromkeys(texts))


def parse_script(path: Path, raw: Mapping[str, Any], warn: list[str] | None = None) -> Script:
    """A script from its TOML table. Mistakes in the person's own config.toml or
    patterns.toml are added to `warn`: they never make the script unusable."""
    f = _Fields(path, "", raw)
    steps_raw = f.get("steps", list)
    if not steps_raw:
        raise ScriptError(path, "", "a script needs a [[steps]] list with at least one step")
    counter = [0]
    steps = tuple(_step(path, f"step {i}", s, 0, counter) for i, s in enumerate(steps_raw, 1))
    patterns = builtin_patterns(warn)
    if "patterns" in raw:
        patterns.update(_patterns(path, f.get("patterns", dict)))
    resources = default_resources(warn)
    if "resources" in raw:
        resources = _resources(path, f.get("resources", dict), resources)
    closing = _closing(path, f.get("closing", dict)) if "closing" in raw else None
    messages = default_messages()
    extra = f.get("messages", dict, {})
    for name, value in extra.items():
        if name not in messages:
            raise ScriptError(path, "messages", f"unknown message '{name}'")
        if not isinstance(value, str) or not value.strip():
            raise ScriptError(path, "messages", f"field '{name}': expected non-empty text")
        messages[name] = value
    for name, values in MESSAGE_VALUES.items():
        problem = template_problem(messages[name], values)
        if problem:
            raise ScriptError(path, "messages", f"field '{name}': {problem}")
    script = Script(
        name=path.stem,
        path=path,
        title=f.text("title", path.stem),
        summary=f.get("summary", str, ""),
        rating=_key(f, "rating", "distress"),
        steps=steps,
        patterns=patterns,
        resources=resources,
        closing=closing,
        messages=messages,
    )
    f.check_unknown()
    _check_names(path, script)
    return script


def load_script(path: Path | str, warn: list[str] | None = None) -> Script:
    path = Path(path)
    return parse_script(path, _read_toml(path), warn)


def find_script(name_or_path: str) -> Path:
    """A bundled script by name ('ground'), or a file the user names."""
    if "\0" in name_or_path:  # no file can have this name, and the OS refuses to look
        raise ScriptError(Path(name_or_path.replace("\0", "\\0")), "", "no such file")
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix == ".toml" or candidate.exists() or "/" in name_or_path:
        return candidate
    return paths.scripts_dir() / f"{name_or_path}.toml"


def bundled_scripts() -> list[Path]:
    return sorted(paths.scripts_dir().glob("*.toml"))
