from __future__ import annotations

from companion.pacer import fullness, line
from companion.patterns import Pattern, Phase, PhaseKind, schedule

SIGH = Pattern("cyclic-sigh", "", (Phase(PhaseKind.INHALE, 2, "in"),
                                   Phase(PhaseKind.INHALE, 1, "more"),
                                   Phase(PhaseKind.EXHALE, 6, "out")))  # fmt: skip
BOX = Pattern("box", "", (Phase(PhaseKind.INHALE, 4, "in"), Phase(PhaseKind.HOLD, 4, "hold"),
                          Phase(PhaseKind.EXHALE, 4, "out"), Phase(PhaseKind.HOLD, 4, "hold")))  # fmt: skip


def test_the_bar_grows_on_the_inhale_and_shrinks_on_the_exhale() -> None:
    assert fullness(SIGH, 0, 0.0) == 0.0
    assert abs(fullness(SIGH, 0, 1.0) - 2 / 3) < 1e-9  # the first breath in
    assert fullness(SIGH, 1, 1.0) == 1.0  # the top-up fills it
    assert abs(fullness(SIGH, 2, 0.5) - 0.5) < 1e-9
    assert fullness(SIGH, 2, 1.0) == 0.0
    assert fullness(BOX, 1, 0.5) == 1.0  # holding full
    assert fullness(BOX, 3, 0.5) == 0.0  # holding empty


def test_the_line_names_the_phase_seconds_left_and_breaths() -> None:
    starts = schedule(BOX, 3)
    text = line(BOX, starts, 4 * 4 + 1.5)  # second breath, 1.5 s into the inhale
    assert "in" in text and "2.5s" in text and "breath 2 of 3" in text
