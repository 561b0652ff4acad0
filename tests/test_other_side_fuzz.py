"""letter, resources and ground --they-left: any command line, however wrong, gives a result
or a clear error, never a traceback or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from companion.cli import app

COMMANDS = [["letter"], ["resources"], ["ground", "--they-left"]]
OPTIONS = ["--show", "--export", "--region", "-r", "--they-left", "--script", "--help", "--"]
VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1", "last", "GB", "uk", "zz", "narnia", "a.md", "b.txt",
                     "c.pdf", "/", ".", "/dev/null", "café", "a\x00b", " ", "--", "ground"]),
    st.text(max_size=12),
)  # fmt: skip


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.sampled_from(COMMANDS), st.lists(st.one_of(st.sampled_from(OPTIONS), VALUES),
                                           max_size=5), st.text(max_size=60))  # fmt: skip
def test_any_command_line_ends_with_a_result_or_a_clear_error(
    private_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str],
    rest: list[str], typed: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # an export named here lands in a temporary folder
    argv = [*command, *rest]
    if command[0] == "ground":
        argv += ["--text", "--speed", "10000"]
    result = CliRunner().invoke(app, argv, input=typed)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        argv, result.output, result.exception,
    )  # fmt: skip
    assert "Traceback" not in result.output
