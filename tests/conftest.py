from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory; nothing touches the real one."""
    home = tmp_path / "home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    return home
