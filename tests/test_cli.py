"""The command line, through Typer's CliRunner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from companion import __version__
from companion.cli import app

runner = CliRunner()
SAFE = "yes\ni did\n8\n4\nno\nin twenty minutes\nno\n"


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ground", "replay", "history", "scripts"):
        assert re.search(rf"\b{command}\b", result.output)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_a_whole_session_typed_then_replayed_and_listed() -> None:
    result = runner.invoke(app, ["ground", "--text", "--speed", "1000"], input=SAFE)
    assert result.exit_code == 0, result.output
    match = re.search(r"I'll be back at (\d{1,2}:\d{2} [ap]m)", result.output)
    assert match, result.output

    replayed = runner.invoke(app, ["replay", "last", "--text"])
    assert replayed.exit_code == 0
    assert f"I'll be back at {match.group(1)}" in replayed.output

    listed = runner.invoke(app, ["history"])
    assert listed.exit_code == 0
    assert re.search(rf"#1 .* ground .* distress +8 -> 4 +back {match.group(1)} .*finished",
                     listed.output), listed.output  # fmt: skip


def test_replay_full_goes_through_every_line_and_answer() -> None:
    runner.invoke(app, ["ground", "--text", "--speed", "1000"], input=SAFE)
    result = runner.invoke(app, ["replay", "1", "--full", "--text", "--speed", "1000"])
    assert result.exit_code == 0
    assert "are you safe right now?" in result.output
    assert "> in twenty minutes" in result.output
    assert "out, slowly" in result.output


def test_history_is_empty_at_first() -> None:
    result = runner.invoke(app, ["history"])
    assert result.exit_code == 0 and "No sessions yet" in result.output


def test_replay_with_nothing_to_replay_says_so() -> None:
    result = runner.invoke(app, ["replay", "42", "--text"])
    assert result.exit_code == 1 and "No session '42'" in result.output


def test_scripts_list_show_and_check() -> None:
    listed = runner.invoke(app, ["scripts", "list"])
    assert listed.exit_code == 0 and listed.output.startswith("ground")
    shown = runner.invoke(app, ["scripts", "show", "ground"])
    assert shown.exit_code == 0 and "[[steps]]" in shown.output
    root = Path(__file__).resolve().parent.parent
    checked = runner.invoke(app, ["scripts", "check", str(root / "scripts" / "ground.toml")])
    assert checked.exit_code == 0 and "ok" in checked.output


def test_checking_a_broken_script_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[steps]]\nask = 'Safe?'\ntype = 'yesno'\nkey = 'safe'\n")
    result = runner.invoke(app, ["scripts", "check", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: step 1 (ask): field 'type': must be one of" in result.output


def test_grounding_with_a_broken_script_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[steps]\n")
    result = runner.invoke(app, ["ground", "--text", "--script", str(bad)])
    assert result.exit_code == 2 and "not valid TOML" in result.output


def test_an_unknown_script_name_is_named() -> None:
    result = runner.invoke(app, ["scripts", "show", "nosuch"])
    assert result.exit_code == 2 and "no script 'nosuch'" in result.output


def test_stop_ends_the_session_and_history_shows_it_cut_short() -> None:
    result = runner.invoke(app, ["ground", "--text", "--speed", "1000"], input="yes\ni did\n7\nq\n")
    assert result.exit_code == 0 and "We'll stop here" in result.output
    assert "cut short (stopped)" in runner.invoke(app, ["history"]).output


def test_breathe_runs_a_pattern_alone_and_records_it() -> None:
    result = runner.invoke(app, ["breathe", "--pattern", "box", "--minutes", "0.5", "--text",
                                 "--speed", "1000"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("hold") == 4  # two 16-second breaths: whole breaths only
    assert "Well done" in result.output
    assert "breathe" in runner.invoke(app, ["history"]).output


def test_breathe_with_an_unknown_pattern_names_the_ones_there_are() -> None:
    result = runner.invoke(app, ["breathe", "--pattern", "fast", "--text"])
    assert result.exit_code == 2
    assert "no pattern 'fast'" in result.output and "box" in result.output


def test_voice_settings_come_from_the_config_file_then_the_options(private_home: Path) -> None:
    from companion.config import VoiceChoice, voice_settings

    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "config.toml").write_text('[voice]\nvoice = "gmw/en-us"\nrate = 150\n')
    assert voice_settings(VoiceChoice()).voice == "gmw/en-us"
    assert voice_settings(VoiceChoice()).rate == 150
    assert voice_settings(VoiceChoice(rate=170)).rate == 170
    soft = voice_settings(VoiceChoice(soft=True))
    assert soft.rate < 150 and soft.volume < voice_settings(VoiceChoice()).volume


def test_a_broken_config_file_is_named_and_the_default_voice_used(private_home: Path) -> None:
    from companion.config import VoiceChoice, voice_settings
    from companion.voice.settings import VoiceSettings

    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "config.toml").write_text("[voice\n")
    warnings: list[str] = []
    assert voice_settings(VoiceChoice(), warnings) == VoiceSettings()
    assert "config.toml could not be read" in warnings[0]


def test_forget_deletes_one_session_and_says_which() -> None:
    runner.invoke(app, ["ground", "--text", "--speed", "1000"], input=SAFE)
    runner.invoke(app, ["ground", "--text", "--speed", "1000"], input=SAFE)
    result = runner.invoke(app, ["forget", "1"])
    assert result.exit_code == 0 and "Deleted session #1" in result.output
    listed = runner.invoke(app, ["history"]).output
    assert "#2" in listed and "#1 " not in listed
    assert "Deleted session #2" in runner.invoke(app, ["forget", "--all"]).output
    assert "No sessions yet" in runner.invoke(app, ["history"]).output


def test_forget_needs_a_session_or_all() -> None:
    assert runner.invoke(app, ["forget"]).exit_code == 2
    assert runner.invoke(app, ["forget", "9"]).exit_code == 1


def test_doctor_shows_where_data_lives_and_that_it_is_private(private_home: Path) -> None:
    result = runner.invoke(app, ["doctor"])
    assert f"data:     {private_home} (0o700)" in result.output
    assert "network:  never used" in result.output
    assert f"audio:    {private_home / 'audio'} (0 recordings" in result.output


@pytest.mark.parametrize("argv", [["scripts", "show", "a\x00b"], ["ground", "--script", "\x00"]])
def test_a_script_name_no_file_can_have_is_a_clear_error(argv: list[str]) -> None:
    result = runner.invoke(app, argv)  # found by the command-line fuzz test
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.exception
    assert "no such file" in result.output or "no script" in result.output
