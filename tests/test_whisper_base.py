"""Whisper base, made once from its two packages' halves into the model cache: whole or not
at all, made again when the halves change, and a clear word when it cannot be had."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import BinaryIO

import pytest

from companion import whisper_base
from tests.ct2_models import ALIASES, MODEL, model_bytes


@pytest.fixture
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The two base packages, each holding its half of a small model, first on the path."""
    site = tmp_path / "site"
    data = model_bytes(MODEL, ALIASES)
    for n, (package, half) in enumerate(zip(whisper_base.PACKAGES, whisper_base.HALVES,
                                            strict=True)):  # fmt: skip
        folder = site / package / "data"
        folder.mkdir(parents=True)
        (site / package / "__init__.py").write_text("")
        (folder / half).write_bytes(data[:50] if n == 0 else data[50:])
    for name in whisper_base.BESIDE:
        (site / whisper_base.PACKAGES[1] / "data" / name).write_text("{}")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    monkeypatch.setenv("COMPANION_MODELS", str(tmp_path / "models"))
    return site


def test_the_copy_is_made_once_and_then_found_ready(packages: Path) -> None:
    assert whisper_base.ready() is None
    place = whisper_base.prepare()
    assert whisper_base.ready() == place
    assert {p.name for p in place.iterdir()} == {"model.bin", whisper_base.STAMP,
                                                 *whisper_base.BESIDE}  # fmt: skip
    made = (place / "model.bin").stat().st_mtime_ns
    assert whisper_base.prepare() == place
    assert (place / "model.bin").stat().st_mtime_ns == made
    assert [p.name for p in place.parent.iterdir()] == [place.name]  # no work left behind


def test_new_halves_make_a_new_copy(packages: Path) -> None:
    place = whisper_base.prepare()
    half = packages / whisper_base.PACKAGES[1] / "data" / whisper_base.HALVES[1]
    half.write_bytes(half.read_bytes() + b"\0")  # another version: it no longer parses
    assert whisper_base.ready() is None
    with pytest.raises(OSError):
        whisper_base.prepare()
    assert not place.exists() or whisper_base.ready() is None


@pytest.mark.parametrize("lost", ["model.bin", whisper_base.STAMP, "tokenizer.json"])
def test_a_copy_missing_a_part_is_not_loaded_and_is_made_again(packages: Path, lost: str) -> None:
    place = whisper_base.prepare()
    (place / lost).unlink()
    assert whisper_base.ready() is None
    assert whisper_base.prepare() == place
    assert whisper_base.ready() == place


def test_without_the_packages_it_says_how_to_add_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMPANION_FAULTS", "no-base-model")
    from companion import faults

    faults._active.cache_clear()
    try:
        with pytest.raises(ImportError):
            whisper_base.halves()
        assert whisper_base.ready() is None
        assert whisper_base.main() == 0
    finally:
        monkeypatch.delenv("COMPANION_FAULTS")
        faults._active.cache_clear()
    said = capsys.readouterr().out
    assert "tiny.en alone" in said and whisper_base.INSTALL in said


def test_a_cache_that_cannot_be_written_is_said_and_leaves_nothing(
    packages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("COMPANION_MODELS", str(blocker / "models"))
    assert whisper_base.main() == 1
    assert "could not be prepared" in capsys.readouterr().out
    assert whisper_base.ready() is None


def test_a_copy_cut_short_is_never_taken_for_whole(
    packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies(parts: object, out: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("companion.int8_model.write_int8", dies)
    with pytest.raises(OSError):
        whisper_base.prepare()
    assert whisper_base.ready() is None
    assert not list(whisper_base.folder().parent.iterdir())  # the unfinished copy is gone


def test_a_session_gets_the_second_opinion_once_base_is_prepared(packages: Path) -> None:
    from companion.second_opinion import SecondOpinion, attach

    class Tiny:
        second: SecondOpinion | None = None

    tiny = Tiny()
    preparing = attach(tiny)  # type: ignore[arg-type]
    assert preparing is not None  # not ready yet: prepared beside the session
    preparing.join(timeout=30)
    assert isinstance(tiny.second, SecondOpinion)
    again = Tiny()
    assert attach(again) is None and isinstance(again.second, SecondOpinion)  # ready at once


def test_doctor_says_whether_replies_get_a_second_opinion(
    packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion import faults
    from companion.doctor import _second_opinion

    assert "not prepared yet" in _second_opinion()
    place = whisper_base.prepare()
    assert _second_opinion().endswith(str(place))
    monkeypatch.setenv("COMPANION_FAULTS", "no-base-model")
    faults._active.cache_clear()
    try:
        said = _second_opinion()
    finally:
        monkeypatch.delenv("COMPANION_FAULTS")
        faults._active.cache_clear()
    assert "tiny.en alone" in said and whisper_base.INSTALL in said


def test_doctor_names_a_base_file_that_cannot_be_read(packages: Path) -> None:
    from companion.doctor import _second_opinion

    half = packages / whisper_base.PACKAGES[0] / "data" / whisper_base.HALVES[0]
    half.unlink()
    said = _second_opinion()
    assert "cannot be read" in said and str(half) in said and "tiny.en alone" in said


def test_a_copy_another_process_made_meanwhile_is_kept(
    packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion import int8_model

    write = int8_model.write_int8
    theirs: list[int] = []  # the other copy's model.bin, by inode

    def another_process_finishes_first(parts: list[Path], out: BinaryIO) -> None:
        monkeypatch.setattr("companion.int8_model.write_int8", write)
        theirs.append((whisper_base.prepare() / "model.bin").stat().st_ino)
        write(parts, out)

    monkeypatch.setattr("companion.int8_model.write_int8", another_process_finishes_first)
    place = whisper_base.prepare()
    assert whisper_base.ready() == place
    assert (place / "model.bin").stat().st_ino == theirs[0]  # kept, not replaced
    assert [p.name for p in place.parent.iterdir()] == [place.name]


def test_a_copy_put_in_place_just_before_this_one_is_taken(
    packages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename = Path.rename
    raced: list[Path] = []

    def another_copy_lands_first(self: Path, target: Path) -> Path:
        if not raced:  # the other process renames its whole copy into place first
            monkeypatch.setattr(Path, "rename", rename)
            raced.append(whisper_base.prepare())
            monkeypatch.setattr(Path, "rename", another_copy_lands_first)
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", another_copy_lands_first)
    place = whisper_base.prepare()
    assert raced == [place] and whisper_base.ready() == place
    assert [p.name for p in place.parent.iterdir()] == [place.name]
