"""Mixing and scheduling on a fake stream: blocks pulled as a device callback would."""

from __future__ import annotations

import numpy as np

from companion.mixer import Mixer


def pull(mixer: Mixer, frames: int, block: int = 256) -> np.ndarray:
    out = [mixer.render(block) for _ in range(frames // block)]
    return np.concatenate(out)


def test_a_sound_starts_on_exactly_its_frame_whatever_the_block_size() -> None:
    for block in (64, 256, 1000):
        mixer = Mixer(22050)
        mixer.add(np.ones(10, dtype=np.float32) * 0.5, start=777)
        out = pull(mixer, 4000, block)
        assert np.flatnonzero(out)[0] == 777
        assert np.count_nonzero(out) == 10


def test_sounds_overlap_by_adding_and_never_clip() -> None:
    mixer = Mixer(22050)
    mixer.add(np.full(100, 0.7, dtype=np.float32), start=0)
    mixer.add(np.full(100, 0.7, dtype=np.float32), start=50)
    out = pull(mixer, 256)
    assert out[10] == np.float32(0.7)
    assert out[60] == np.float32(0.98)  # limited, not wrapped


def test_done_is_set_once_the_last_sample_is_mixed() -> None:
    mixer = Mixer(22050)
    playing = mixer.add(np.ones(300, dtype=np.float32) * 0.1, start=100)
    mixer.render(256)
    assert not playing.done.is_set()
    mixer.render(256)
    assert playing.done.is_set()


def test_a_start_in_the_past_plays_at_once_rather_than_never() -> None:
    mixer = Mixer(22050)
    mixer.render(1000)
    playing = mixer.add(np.ones(5, dtype=np.float32) * 0.1, start=10)
    assert playing.start == 1000


def test_cancelling_fades_out_instead_of_clicking() -> None:
    mixer = Mixer(22050)
    mixer.add(np.full(10_000, 0.5, dtype=np.float32))
    mixer.render(1000)
    mixer.cancel_all()
    tail = mixer.render(1000)
    assert tail[0] > 0.4 and np.all(np.diff(tail[:64]) <= 0) and np.all(tail[64:] == 0)


def test_a_long_schedule_does_not_drift() -> None:
    """A 10-minute box pattern placed from one anchor: every onset on its exact frame."""
    rate = 22050
    mixer = Mixer(rate)
    onsets = [round(i * 4.0 * rate) for i in range(150)]
    tick = np.ones(1, dtype=np.float32) * 0.5
    for frame in onsets:
        mixer.add(tick, start=frame)
    heard = np.flatnonzero(pull(mixer, 150 * 4 * rate + 512, block=512))
    assert heard.tolist() == onsets
    assert heard[-1] == 149 * 4 * rate  # the last cue ends the pattern exactly on time


def test_speech_is_faded_in_and_out() -> None:
    from companion.mixer import faded

    loud = np.full(1000, 0.5, dtype=np.float32)
    out = faded(loud)
    assert out[0] == 0 and out[-1] == 0 and out[500] == np.float32(0.5)
    assert loud[0] == np.float32(0.5)  # the cached original is untouched
