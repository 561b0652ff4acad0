from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pulse import PrivatePulse, PulseUnavailable


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory; nothing touches the real one."""
    home = tmp_path / "home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def pulse() -> Iterator[PrivatePulse]:
    """A private PulseAudio server for the whole run; its address is in the environment."""
    try:
        server = PrivatePulse()
    except PulseUnavailable as e:
        if os.environ.get("COMPANION_REQUIRE_AUDIO"):
            pytest.fail(f"audio tests are required here: {e}")
        pytest.skip(str(e))
    saved = {k: os.environ.get(k) for k in server.env}
    os.environ.update(server.env)
    yield server
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    server.stop()
