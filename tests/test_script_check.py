"""`scripts check` catches what would crash later; scripts and settings are read only from
small regular files; a mistake in the person's own settings never blames the script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.running import run

SHORT = Path(__file__).parent / "data" / "short.toml"
ASK = '[[steps]]\nask = "How strong?"\ntype = "scale"\nkey = "distress"\n'


def check(tmp_path: Path, body: str, home: Path) -> tuple[int, str]:
    path = tmp_path / "mine.toml"
    path.write_text(body)
    done = run("scripts", "check", str(path), home=home)
    assert "Traceback" not in done.stdout + done.stderr
    return done.returncode, done.stdout + done.stderr


def with_closing(later: str) -> str:
    return (f'[closing]\nquestion = "Can we talk?"\nlater = "{later}"\nnow = "Now. {{question}}"\n'
            '[[steps]]\nsafety = "Safe?"\n[[steps]]\nask = "When?"\ntype = "time"\nkey = "return"\n'
            '[[steps]]\nclosing = "Your words."\n')  # fmt: skip


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (with_closing("Back at {return_clock:d}."), "later"),
        (with_closing("Back at {return_clock!z}."), "no such conversion"),
        (ASK + '[[steps]]\nsay = "You said {distress:%Y}."\n', "cannot be filled in"),
        (ASK + '[[steps]]\nsay = "You said {distress!x}."\n', "no such conversion"),
        (ASK + '[[steps]]\nsay = "In {minutes} minutes."\n', "unknown placeholder {minutes}"),
        (ASK + '[[steps]]\nsay = "You said {distress.real.nope}."\n', "unknown placeholder"),
        ('[messages]\nbreak_checkin = "About {minutes} to go."\n[[steps]]\nsay = "Hi."\n',
         "break_checkin"),
        ('[messages]\nbreak_checkin = "About {minutes_left:q} to go."\n[[steps]]\nsay = "Hi."\n',
         "break_checkin"),
        (ASK + "default = 99\n", "99 can never be an answer"),
        (ASK.replace("scale", "yes-no") + 'default = "banana"\n', "can never be an answer"),
        ('[[steps]]\nsafety = "Safe?"\n[[steps]]\nask = "When?"\ntype = "time"\nkey = "return"\n'
         'default = "whenever the moon is blue"\n', "can never be an answer"),
    ],
)  # fmt: skip
def test_scripts_check_catches_what_would_fail_during_a_session(
    tmp_path: Path, private_home: Path, body: str, named: str
) -> None:
    code, said = check(tmp_path, body, private_home)
    assert code == 2, said
    assert named in said, said


def test_scripts_check_passes_the_bundled_script_and_good_templates(
    tmp_path: Path, private_home: Path
) -> None:
    code, said = check(tmp_path, with_closing("Back at {return_clock}. {question}")
                       + ASK.replace("[[steps]]\nask", "[[steps]]\nask", 1)
                       + '[[steps]]\nsay = "You said {distress:>2}, {distress!r}."\n',
                       private_home)  # fmt: skip
    assert code == 0, said
    assert run("scripts", "check", "scripts/ground.toml", home=private_home).returncode == 0


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "folder"])
def test_a_script_that_is_not_a_regular_file_is_refused_at_once(
    tmp_path: Path, private_home: Path, kind: str
) -> None:
    path = Path(kind) if kind.startswith("/") else tmp_path / "script.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    for args in (["ground", "--text", "--script", str(path)], ["scripts", "check", str(path)],
                 ["scripts", "show", str(path)]):  # fmt: skip
        done = run(*args, home=private_home, timeout=30)
        assert done.returncode == 2, (args, done.stderr)
        assert "not a regular file" in done.stderr, done.stderr


def test_a_script_too_large_is_refused(tmp_path: Path, private_home: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * 400_000 + "\n[[steps]]\nsay = 'hi'\n")
    done = run("ground", "--text", "--script", str(path), home=private_home)
    assert done.returncode == 2 and "too large" in done.stderr


@pytest.mark.parametrize("name", ["config.toml", "patterns.toml"])
def test_a_typo_in_the_persons_settings_names_that_file_and_the_session_goes_on(
    private_home: Path, name: str
) -> None:
    private_home.mkdir(parents=True)
    (private_home / name).write_text("[voice\nrate = 120\n")
    done = run("ground", "--text", "--script", str(SHORT), "--speed", "1000", home=private_home,
               stdin="yes\n5\nin twenty minutes\nno\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{private_home / name} could not be read" in done.stderr
    assert done.stderr.count(name) == 1  # said once
    assert "script cannot be used" not in done.stderr and str(SHORT) not in done.stderr
    assert "I'll be back at" in done.stdout


def test_a_pattern_with_a_mistake_in_the_persons_patterns_file_is_named_and_skipped(
    private_home: Path,
) -> None:
    private_home.mkdir(parents=True)
    (private_home / "patterns.toml").write_text('[mine]\nphases = [{ kind = "in", seconds = 4 }]\n')
    done = run("ground", "--text", "--script", str(SHORT), "--speed", "1000", home=private_home,
               stdin="yes\n5\nin twenty minutes\nno\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "patterns.toml could not be read" in done.stderr and "kind" in done.stderr


@pytest.mark.parametrize("name", ["config.toml", "patterns.toml"])
def test_a_settings_file_that_is_a_pipe_is_a_clear_error(private_home: Path, name: str) -> None:
    private_home.mkdir(parents=True)
    os.mkfifo(private_home / name)
    done = run("ground", "--text", "--script", str(SHORT), home=private_home, timeout=30)
    assert done.returncode == 2
    assert f"{private_home / name} cannot be used: is a device or a pipe" in done.stderr
    assert "script cannot be used" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [["replay", "99999999999999999999999"], ["forget", "99999999999999999999999"],
     ["replay", "#9223372036854775808"], ["history", "-n", "99999999999999999999999"]],
)  # fmt: skip
def test_a_huge_number_on_the_command_line_is_a_clear_error(
    private_home: Path, args: list[str]
) -> None:
    done = run(*args, home=private_home)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Something went wrong" not in done.stderr and "Traceback" not in done.stderr
    assert "too large" in done.stderr or "less than or equal" in done.stderr
