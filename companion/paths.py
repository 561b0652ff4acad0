"""Where companion keeps its data, and where its bundled scripts and sounds live."""

from __future__ import annotations

import os
from pathlib import Path

APP = "companion"


def data_dir() -> Path:
    """The private data directory (history, log, config), created 0700 on first use."""
    override = os.environ.get("COMPANION_HOME")
    if override:
        path = Path(override).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def cache_dir() -> Path:
    """Rendered speech lives here; it can always be made again."""
    override = os.environ.get("COMPANION_HOME")
    if override:
        path = Path(override).expanduser() / "cache"
    else:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir(APP))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _bundled(name: str) -> Path:
    # Installed wheel: data sits inside the package. Source checkout or editable
    # install: it sits at the project's top level.
    here = Path(__file__).resolve().parent
    inside = here / "_data" / name
    return inside if inside.is_dir() else here.parent / name


def scripts_dir() -> Path:
    return _bundled("scripts")


def audio_dir() -> Path:
    return _bundled("audio")
