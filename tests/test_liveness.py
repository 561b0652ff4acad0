"""A sound device counts as gone only when it stays silent while it could have called back."""

from __future__ import annotations

from companion.liveness import RECHECK, STALL, still_calling_back


class Device:
    """A device's last callback on a fake clock; `wakes` says whether it calls back once this
    process lets it (it was only waiting for a busy interpreter)."""

    def __init__(self, silent_for: float, wakes: bool) -> None:
        self.now, self.last, self.wakes, self.slept = 100.0, 100.0 - silent_for, wakes, 0.0

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds
        if self.wakes:
            self.last = self.now - 0.02

    def alive(self, active: bool = True) -> bool:
        return still_calling_back(active, lambda: self.last, lambda: self.now, self.sleep)


def test_a_device_calling_back_is_alive_at_once() -> None:
    device = Device(silent_for=0.1, wakes=False)
    assert device.alive() and device.slept == 0


def test_a_closed_stream_is_gone_at_once() -> None:
    device = Device(silent_for=0.1, wakes=True)
    assert not device.alive(active=False) and device.slept == 0


def test_a_long_gap_while_the_process_was_busy_is_not_a_lost_device() -> None:
    device = Device(silent_for=STALL + 1.5, wakes=True)  # e.g. a model loading
    assert device.alive() and device.slept == RECHECK


def test_a_device_that_stays_silent_when_it_could_call_back_is_gone() -> None:
    device = Device(silent_for=STALL + 0.1, wakes=False)
    assert not device.alive() and device.slept == RECHECK
