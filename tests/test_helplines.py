"""Crisis resources by region, and the help that fits the danger offered first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from companion.clock import FakeClock
from companion.events import Answered, Role
from companion.helplines import configured_region, load_regions, region_from_locale
from companion.script import load_script
from companion.session import Session
from tests.fakes import FakeIn, FakeOut, MemoryRecorder
from tests.running import run as companion

ROOT = Path(__file__).resolve().parent.parent
GROUND = ROOT / "scripts" / "ground.toml"
REGIONS = ("US", "CA", "GB", "IE", "AU", "NZ")
PHONE = re.compile(r"\d[\d ]{1,12}\d|\d{3}")


@pytest.fixture(autouse=True)
def locale_without_a_country(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions here use the default region, whatever the machine's locale."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.mark.parametrize("code", REGIONS)
def test_every_region_has_an_emergency_number_and_a_crisis_line_each_with_its_source(
    code: str,
) -> None:
    region = load_regions().get(code)
    assert region.known
    kinds = {h.kind for h in region.help}
    assert {"emergency", "crisis", "abuse", "everywhere"} <= kinds
    for h in region.help:
        assert h.source.startswith("https://"), h
        if h.kind in ("emergency", "crisis"):
            assert PHONE.search(h.show), h
    assert any("findahelpline.com" in h.show for h in region.help)


@pytest.mark.parametrize(
    ("code", "numbers"),
    [("US", ["911", "988", "1-800-799-7233"]), ("CA", ["911", "988"]),
     ("GB", ["999", "116 123", "0808 2000 247"]), ("IE", ["112 or 999", "116 123", "1800 341 900"]),
     ("AU", ["000", "13 11 14", "1800 737 732"]), ("NZ", ["111", "1737", "0800 733 843"])],
)  # fmt: skip
def test_the_well_known_numbers_are_there(code: str, numbers: list[str]) -> None:
    shown = " ".join(h.show for h in load_regions().get(code).help)
    for number in numbers:
        assert number in shown


@pytest.mark.parametrize(
    ("env", "code"),
    [({"LANG": "en_GB.UTF-8"}, "GB"), ({"LANG": "en_AU"}, "AU"), ({"LC_ALL": "en_IE.utf8",
      "LANG": "en_US.UTF-8"}, "IE"), ({"LANG": "C.UTF-8"}, None), ({}, None), ({"LANG": "fr_CA"}, "CA")],
)  # fmt: skip
def test_the_region_comes_from_the_locale(env: dict[str, str], code: str | None) -> None:
    assert region_from_locale(env) == code


def test_config_region_wins_over_the_locale_and_uk_means_gb(private_home: Path) -> None:
    assert configured_region({"LANG": "en_NZ.UTF-8"}).code == "NZ"
    assert configured_region({}).code == "US"
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "config.toml").write_text('region = "uk"\n', encoding="utf-8")
    assert configured_region({"LANG": "en_NZ.UTF-8"}).code == "GB"


@pytest.mark.parametrize(
    "content",
    ["region = " + "[" * 5000 + "]" * 5000 + "\n",  # nested past the parser's depth
     "# " + "x" * 300_000 + "\nregion = \"gb\"\n"],  # too large to be a settings file
)  # fmt: skip
def test_a_settings_file_that_cannot_be_used_leaves_the_region_to_the_locale(
    private_home: Path, content: str
) -> None:
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "config.toml").write_text(content, encoding="utf-8")
    assert configured_region({"LANG": "en_NZ.UTF-8"}).code == "NZ"


def test_a_region_without_numbers_still_gets_an_emergency_line_and_findahelpline() -> None:
    region = load_regions().get("DE")
    assert not region.known
    text = " ".join(h.show for h in region.help)
    assert "emergency number" in text and "findahelpline.com" in text


def test_resources_command_prints_the_regions_numbers_and_sources(private_home: Path) -> None:
    result = companion("resources", "--region", "IE", home=private_home)
    assert result.returncode == 0, result.stderr
    assert "Ireland" in result.stdout and "1800 341 900" in result.stdout
    assert "https://www.womensaid.ie/" in result.stdout
    assert "findahelpline.com" in result.stdout


def test_resources_command_follows_config_and_refuses_a_nonsense_region(
    private_home: Path,
) -> None:
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "config.toml").write_text('region = "AU"\n', encoding="utf-8")
    assert "13 11 14" in companion("resources", home=private_home).stdout
    bad = companion("resources", "--region", "narnia", home=private_home)
    assert bad.returncode == 2 and "two-letter country code" in bad.stderr
    assert "Traceback" not in bad.stderr


def run_session(replies: list[str | None]):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    out, inp, rec = FakeOut(clock), FakeIn(clock, replies), MemoryRecorder()
    outcome = Session(load_script(GROUND), out, inp, clock, rec).run()
    return outcome, out, inp, rec


def first_resources(out: FakeOut) -> list[str]:
    return next(lines for title, lines in out.shown if title == "Help, right now")


def test_afraid_of_someone_at_home_puts_the_abuse_line_right_after_the_emergency_number() -> None:
    _, out, _, rec = run_session(["no", "someone", "8"])
    shown = first_resources(out)
    assert shown[0].startswith("In danger")
    assert "Domestic Violence Hotline" in shown[1]
    assert [a.value for a in rec.of(Answered) if a.key == "danger"] == ["someone"]


def test_thinking_of_hurting_yourself_puts_the_crisis_line_first_after_the_emergency() -> None:
    _, out, _, _ = run_session(["not sure", "myself", "8"])
    shown = first_resources(out)
    assert shown[0].startswith("In danger") and "988" in shown[1]


def test_the_follow_up_is_asked_once_and_go_somewhere_safe_comes_before_any_rating() -> None:
    _, out, inp, _ = run_session(["no", "neither", "8"])
    said = out.lines()
    follow_up = [s for s in said if "afraid of someone at home" in s]
    assert len(follow_up) == 1
    go_safe = next(i for i, s in enumerate(said) if s.startswith("If you can, go somewhere safe"))
    rating = next(i for i, s in enumerate(said) if "from zero to ten" in s)
    assert go_safe < rating
    assert out.lines(Role.RESOURCE)
    # The follow-up comes straight after the safety question, before any rating.
    assert [q.qtype.value for q in inp.asked[:3]] == ["safety", "choice", "scale"]


def test_silence_at_the_follow_up_still_shows_every_resource_and_goes_on_gently() -> None:
    outcome, out, _, rec = run_session(["no", None, None, None, "6"])
    assert [a.value for a in rec.of(Answered) if a.key == "danger"] == ["unsure"]
    assert len(first_resources(out)) == 4
    assert outcome.statement is None


def test_a_safe_person_is_never_asked_the_follow_up() -> None:
    _, out, _, _ = run_session(["yes", "i did", "8", "4", "no", "now"])
    assert not any("afraid of someone at home" in s for s in out.lines())
