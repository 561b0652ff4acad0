from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.script import ScriptError, bundled_scripts, load_script

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(body, encoding="utf-8")
    return path


def error_of(tmp_path: Path, body: str) -> str:
    with pytest.raises(ScriptError) as caught:
        load_script(write(tmp_path, body))
    return str(caught.value)


def test_every_bundled_script_loads() -> None:
    names = [p.stem for p in bundled_scripts()]
    assert "ground" in names
    for path in bundled_scripts():
        assert load_script(path).steps


def test_patterns_are_data_with_their_phases() -> None:
    script = load_script(ROOT / "scripts" / "ground.toml")
    sigh = script.patterns["cyclic-sigh"]
    assert [p.seconds for p in sigh.phases] == [2, 1, 6]
    assert [p.seconds for p in script.patterns["paced"].phases] == [4, 6]
    assert [p.seconds for p in script.patterns["box"].phases] == [4, 4, 4, 4]
    assert [p.seconds for p in script.patterns["4-7-8"].phases] == [4, 7, 8]


def test_a_user_pattern_file_adds_patterns(private_home: Path, tmp_path: Path) -> None:
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "patterns.toml").write_text(
        '[mine]\nphases = [{ kind = "inhale", seconds = 3 }, { kind = "exhale", seconds = 5 }]\n'
    )
    script = load_script(write(tmp_path, '[[steps]]\nbreathe = "mine"\ncycles = 2\n'))
    assert script.patterns["mine"].cycle_seconds == 8


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("steps = [", "not valid TOML"),
        ("title = 'x'", "needs a [[steps]] list"),
        ("[[steps]]\nask = 'How?'\ntype = 'yesno'\nkey = 'x'", "step 1 (ask): field 'type': must be one of"),
        ("[[steps]]\nsay = 'hi'\ncolour = 'blue'", "step 1 (say): unknown field 'colour'"),
        ("[[steps]]\nsay = 42", "step 1 (say): field 'say': expected text, got 42"),
        ("[[steps]]\nsay = 'hi'\npause = -1", "field 'pause': must be between 0 and 600"),
        ("[[steps]]\nbreathe = 'nope'\ncycles = 2", "field 'breathe': no pattern 'nope'"),
        ("[[steps]]\nbreathe = 'box'", "give exactly one of cycles, minutes or seconds"),
        ("[[steps]]\nfly = true", "a step needs exactly one of"),
        ("[[steps]]\nsay = 'a'\nask = 'b'", "found say, ask"),
        ("[[steps]]\nsay = 'hi'\nwhen = 'distress >='", "field 'when': condition"),
        ("[[steps]]\nsay = 'hi'\nwhen = 'nobody > 3'", "uses unknown name 'nobody'"),
        ("[[steps]]\nsay = 'You are at {mood}'", "unknown placeholder {mood}"),
        ("[[steps]]\nsay = 'stray {'", "stray brace"),
        ("[[steps]]\nask = 'Pick'\ntype = 'choice'\nkey = 'c'\noptions = ['one']", "at least two options"),
        ("[[steps]]\nask = 'When?'\ntype = 'time'\nkey = 'return'", "comes before the safety question"),
        ("[[steps]]\nsafety = 'Safe?'\n[[steps]]\nclosing = 'Here.'", "needs a [closing] table"),
        ("[closing]\nlater = 'Back soon'\nnow = 'n'\nquestion = 'q'\n[[steps]]\nsay = 'x'", "must name the return time"),
        ("[[steps]]\nrepeat = 'rounds < 2'\nmax = 99\n[[steps.steps]]\nsay = 'x'", "field 'max': must be between 1 and 20"),
        ("[patterns.p]\nphases = [{ kind = 'inhale', seconds = 2 }]\n[[steps]]\nsay = 'x'", "needs an exhale"),
        ("[patterns.p]\nphases = [{ kind = 'sniff', seconds = 2 }]\n[[steps]]\nsay = 'x'", "must be inhale, hold or exhale"),
        ("[messages]\nhello = 'hi'\n[[steps]]\nsay = 'x'", "unknown message 'hello'"),
    ],
)  # fmt: skip
def test_broken_scripts_are_refused_naming_file_step_and_field(
    tmp_path: Path, body: str, expected: str
) -> None:
    message = error_of(tmp_path, body)
    assert str(tmp_path / "s.toml") in message
    assert expected in message


def test_nested_steps_are_named_by_their_place(tmp_path: Path) -> None:
    body = (
        "[[steps]]\nrepeat = 'rounds < 2'\n[[steps.steps]]\nsay = 'ok'\n[[steps.steps]]\nsay = 3\n"
    )
    assert "step 1.2 (say)" in error_of(tmp_path, body)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    assert "too large" in error_of(tmp_path, "# " + "x" * 300_000)


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(ScriptError, match="not UTF-8"):
        load_script(path)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="cannot read the file"):
        load_script(tmp_path / "absent.toml")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_loads_or_gives_a_script_error(tmp_path_factory: pytest.TempPathFactory,
                                                text: str) -> None:  # fmt: skip
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_script(path)
    except ScriptError:
        pass


toml_values = st.recursive(
    st.none().map(lambda _: "x") | st.booleans() | st.integers(-5, 100) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["say", "ask", "type", "key", "breathe", "cycles", "when", "steps",
                         "repeat", "options", "pause", "guide", "prompts", "safety"]),
        inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(
    ["say", "ask", "type", "key", "breathe", "cycles", "minutes", "when", "steps", "repeat",
     "options", "pause", "guide", "prompts", "safety", "closing", "break", "resources"]),
    toml_values, max_size=4), max_size=4))  # fmt: skip
def test_wrong_types_anywhere_give_a_script_error(steps: list[dict[str, object]]) -> None:
    from companion.script import parse_script

    try:
        parse_script(Path("fuzz.toml"), {"steps": steps})
    except ScriptError:
        pass
