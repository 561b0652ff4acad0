"""Which region's help is used, and where that came from: doctor says it, and a region in
config.toml that names no country is named once instead of silently ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.helplines import COUNTRIES, configured_region
from tests.running import run as companion

SHORT = Path(__file__).parent / "data" / "short.toml"


def config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def locale_in_britain(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")


def test_every_region_with_numbers_is_a_country() -> None:
    assert {"US", "CA", "GB", "IE", "AU", "NZ", "DE"} <= COUNTRIES and "XX" not in COUNTRIES


@pytest.mark.parametrize("written", ['"XX"', '"narnia"', "44", '""'])
def test_an_unknown_region_falls_back_to_the_locale_and_says_so(
    private_home: Path, written: str
) -> None:
    config(private_home, f"region = {written}\n")
    chosen = configured_region({"LANG": "en_GB.UTF-8"})
    assert chosen.code == "GB" and chosen.how == "your locale"
    assert chosen.mistake is not None
    assert "is not known; using GB from your locale." in chosen.mistake


def test_without_a_country_in_the_locale_the_fallback_is_named_as_the_default(
    private_home: Path,
) -> None:
    config(private_home, 'region = "XX"\n')
    chosen = configured_region({"LANG": "C.UTF-8"})
    assert chosen.code == "US"
    assert chosen.mistake is not None and "using US, the default." in chosen.mistake


def test_a_known_region_or_none_at_all_is_no_mistake(private_home: Path) -> None:
    assert configured_region({"LANG": "en_IE.UTF-8"}).mistake is None
    config(private_home, 'region = "nz"\n')
    assert configured_region({}) == configured_region({"LANG": "en_GB.UTF-8"})
    assert configured_region({}).code == "NZ" and configured_region({}).mistake is None


def test_doctor_shows_the_region_in_use_and_where_it_came_from(private_home: Path) -> None:
    assert "region:   GB, from your locale" in companion("doctor", home=private_home).stdout
    config(private_home, 'region = "IE"\n')
    shown = companion("doctor", home=private_home).stdout
    assert "region:   IE, from region in" in shown and "config.toml" in shown


def test_doctor_names_an_unknown_region(private_home: Path) -> None:
    config(private_home, 'region = "XX"\n')
    shown = companion("doctor", home=private_home).stdout
    assert "region:   GB, from your locale" in shown
    assert "region 'XX'" in shown and "is not known; using GB from your locale." in shown


def test_a_session_names_an_unknown_region_once_and_shows_the_locales_help(
    private_home: Path,
) -> None:
    config(private_home, 'region = "XX"\n')
    done = companion("ground", "--text", "--script", str(SHORT), "--speed", "1000",
                     home=private_home, stdin="no\nneither\n5\n")  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr
    said = done.stdout + done.stderr
    assert said.count("region 'XX'") == 1
    assert "is not known; using GB from your locale." in said
    assert "999" in done.stdout  # the help shown is Britain's


def test_resources_names_an_unknown_region_and_shows_the_locales_help(private_home: Path) -> None:
    config(private_home, 'region = "XX"\n')
    shown = companion("resources", home=private_home).stdout
    assert "region 'XX'" in shown and "999" in shown
