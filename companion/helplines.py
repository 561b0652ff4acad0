"""Crisis resources by region: which region this is, and the help that fits a danger first."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion import paths, tomlfile
from companion.replies import Option

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("emergency", "crisis", "abuse")
EVERYWHERE = "everywhere"  # the kind of the line that holds in every country
DEFAULT_REGION = "US"
_ALIASES = {"UK": "GB"}  # what people write, and what the standard calls it
# ISO 3166-1 alpha-2: a code not here is a typo, never a country without numbers.
_ISO_3166 = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
)
COUNTRIES = frozenset(_ISO_3166.split())

# The danger named at the follow-up question, and the order help is offered in for it.
FIRST_FOR: dict[str, tuple[str, ...]] = {
    "someone": ("emergency", "abuse", "crisis"),
    "myself": ("emergency", "crisis", "abuse"),
    "both": ("emergency", "abuse", "crisis"),
}


def order_for(danger: str | None) -> tuple[str, ...]:
    return FIRST_FOR.get(danger or "", KINDS)


# The one follow-up after "not safe": which danger it is, so the help that fits comes first.
DANGERS = (
    Option("someone", "afraid of someone", ("someone", "afraid", "afraid of someone", "scared",
           "someone at home", "my partner", "partner", "them", "him", "her", "at home")),
    Option("myself", "thinking of hurting myself", ("myself", "me", "hurting myself",
           "hurt myself", "hurting me", "self harm", "suicide", "suicidal", "kill myself")),
    Option("both", "both", ("both", "both of them", "both of those", "a bit of both")),
    Option("neither", "neither, or not sure", ("neither", "none", "no", "not sure", "unsure",
           "i don't know", "don't know", "skip", "pass", "rather not say", "something else")),
)  # fmt: skip


class RegionError(Exception):
    """A region that is not a two-letter country code."""


@dataclass(frozen=True)
class Help:
    kind: str  # emergency, crisis, abuse or everywhere
    say: str
    show: str
    source: str  # the official page the number was checked against


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    help: tuple[Help, ...]
    known: bool = True  # False: a region with no numbers here, given the general help


@dataclass(frozen=True)
class Regions:
    intro: str
    regions: Mapping[str, Region]
    everywhere: Help
    elsewhere: Help
    path: Path

    def get(self, code: str) -> Region:
        code = normal_code(code)
        found = self.regions.get(code)
        if found is not None:
            return Region(found.code, found.name, (*found.help, self.everywhere))
        return Region(code, code, (self.elsewhere, self.everywhere), known=False)


def normal_code(code: str) -> str:
    upper = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", upper):
        raise RegionError(f"{code!r} is not a region: use a two-letter country code like GB")
    return _ALIASES.get(upper, upper)


def _help(raw: object, where: str, path: Path) -> Help:
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: {where} must be a table")
    fields = {name: raw.get(name) for name in ("say", "show", "source")}
    kind = raw.get("kind", EVERYWHERE)
    for name, value in (*fields.items(), ("kind", kind)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{path}: {where} needs '{name}' as text")
    if kind not in (*KINDS, EVERYWHERE):
        raise ValueError(f"{path}: {where} has an unknown kind {kind!r}")
    return Help(str(kind), str(fields["say"]), str(fields["show"]), str(fields["source"]))


def load_regions(path: Path | None = None) -> Regions:
    path = path or paths.scripts_dir() / "lib" / "resources.toml"
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    regions: dict[str, Region] = {}
    for code, table in data.get("regions", {}).items():
        found = tuple(_help(h, f"regions.{code} help {i}", path)
                      for i, h in enumerate(table.get("help", []), 1))  # fmt: skip
        regions[code] = Region(code, str(table.get("name", code)), found)
    return Regions(str(data["intro"]), regions, _help(data["everywhere"], "everywhere", path),
                   _help(data["elsewhere"], "elsewhere", path), path)  # fmt: skip


def region_from_locale(env: Mapping[str, str]) -> str | None:
    """The country of the locale the person runs in (en_GB.UTF-8 -> GB), if it names one."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            match = re.match(r"^[a-zA-Z]{2,3}[_-]([a-zA-Z]{2})\b", value)
            return _ALIASES.get(match.group(1).upper(), match.group(1).upper()) if match else None
    return None


@dataclass(frozen=True)
class Chosen:
    code: str
    how: str  # where the region came from, said by `companion resources` and `doctor`
    mistake: str | None = None  # a region in config.toml that is not known, named once


def _named(value: str) -> str | None:
    """The country code a written region means, or None when it names no country."""
    try:
        code = normal_code(value)
    except RegionError:
        return None
    return code if code in COUNTRIES else None


def configured_region(env: Mapping[str, str] | None = None) -> Chosen:
    """`region` in config.toml, else the locale's country, else the United States."""
    config = paths.data_dir() / "config.toml"
    if config.is_file():
        try:
            value = tomlfile.read_toml(config).get("region")
        except (tomlfile.FileUnusable, tomlfile.NotToml):
            value = None  # the voice settings already say when the file cannot be read
        if value is not None:
            code = _named(value) if isinstance(value, str) else None
            if code is not None:
                return Chosen(code, f"region in {config}")
            fallback = _fallback(env)
            using = (
                f"{fallback.code} from your locale"
                if fallback.how == "your locale"
                else (f"{fallback.code}, the default")
            )
            mistake = f"region {value!r} in {config} is not known; using {using}."
            return Chosen(fallback.code, fallback.how, mistake)
    return _fallback(env)


def _fallback(env: Mapping[str, str] | None) -> Chosen:
    from_locale = region_from_locale(os.environ if env is None else env)
    if from_locale and from_locale in COUNTRIES:
        return Chosen(from_locale, "your locale")
    return Chosen(DEFAULT_REGION, "the default; set region in config.toml")


def report(region: str | None) -> tuple[int, list[str]]:
    """`companion resources`: the help for a region, each with its source; an exit code."""
    try:
        chosen = Chosen(normal_code(region), "--region") if region else configured_region()
    except RegionError as e:
        known = ", ".join(sorted(load_regions().regions))
        return 2, [f"companion: {e}. Regions with numbers here: {known}."]
    regions = load_regions()
    found = regions.get(chosen.code)
    name = found.name if found.name == found.code else f"{found.name} ({found.code})"
    lines = [f"({chosen.mistake})"] if chosen.mistake else []
    lines.append(f"Help, right now: {name}, from {chosen.how}")
    if not found.known:
        known = ", ".join(sorted(regions.regions))
        lines.append(f"  No numbers for {found.code} are kept here yet (there are for {known}).")
    for h in found.help:
        lines += [f"  {h.show}", f"      source: {h.source}"]
    return 0, lines
