"""Any command line, however wrong, gives a result or a clear error: never a traceback or a
hang. (Sessions are sped up so that a valid one finishes in a moment.)"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from companion.cli import app

COMMANDS = [["ground"], ["breathe"], ["hear"], ["forget"], ["replay"], ["history"],
            ["scripts", "list"], ["scripts", "show"], ["scripts", "check"], ["doctor"], []]  # fmt: skip
OPTIONS = ["--text", "--speed", "--pattern", "--minutes", "--script", "-s", "--question",
           "--json", "--all", "--full", "--voice", "--rate", "--soft", "--voice-off",
           "--keep-audio", "--no-listen", "--listen", "--help", "--version", "-p", "-m", "--"]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1e309", "nan", "inf", "-0", "99999999999999999999", "", "last",
                     "box", "ground", "yes-no", "time", "scale", "/", ".", "..", "/dev/null",
                     "nonexistent.toml", "café", "\u202e", "a\x00b", " ", "--"]),
    st.text(max_size=12),
)  # fmt: skip
ARGS = st.tuples(
    st.sampled_from(COMMANDS),
    st.lists(st.one_of(st.sampled_from(OPTIONS), VALUES), max_size=6),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(ARGS, st.text(max_size=20))
def test_any_command_line_ends_with_a_result_or_a_clear_error(
    private_home: Path, args: tuple[list[str], list[str]], typed: str
) -> None:
    command, rest = args
    argv = [*command, *rest]
    if command and command[0] in ("ground", "breathe", "replay"):
        argv += ["--text", "--speed", "10000"]  # a valid session ends in a moment
    result = CliRunner().invoke(app, argv, input=typed)
    # Exits (0, usage errors, failures said plainly) are fine; an exception is a bug.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv, result.output, result.exception,
    )  # fmt: skip
    assert "Traceback" not in result.output
