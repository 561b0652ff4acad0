"""The int8 copy of a float16 CTranslate2 model: written as CTranslate2 quantises, from one
file or from halves, and never from a damaged file."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import pytest

from companion.int8_model import FLOAT16, FLOAT32, INT8, write_int8
from tests.ct2_models import ALIASES, BIAS, MODEL, WEIGHT, model_bytes, parse


def halves_of(data: bytes, cut: int, folder: Path) -> list[Path]:
    first, second = folder / "model.bin.part1", folder / "model.bin.part2"
    first.write_bytes(data[:cut])
    second.write_bytes(data[cut:])
    return [first, second]


def written(parts: list[Path]) -> bytes:
    out = io.BytesIO()
    write_int8(parts, out)
    return out.getvalue()


def test_each_weight_is_quantised_per_row_with_its_scale_beside_it(tmp_path: Path) -> None:
    variables, aliases = parse(written(halves_of(model_bytes(MODEL, ALIASES), 10**9, tmp_path)))
    found = {label: (shape, kind, raw) for label, shape, kind, raw in variables}
    assert [v[0] for v in variables] == [
        "encoder/layer_0/ffn/linear_0/weight", "encoder/layer_0/ffn/linear_0/weight_scale",
        "encoder/layer_0/ffn/linear_0/bias", "encoder/conv1/weight",
        "encoder/conv1/weight_scale", "decoder/scale_embeddings",
    ]  # fmt: skip
    shape, kind, raw = found["encoder/layer_0/ffn/linear_0/weight"]
    assert (shape, kind) == ([6, 4], INT8)
    q = np.frombuffer(raw, np.int8).reshape(6, 4)
    scale = np.frombuffer(found["encoder/layer_0/ffn/linear_0/weight_scale"][2], "<f4")
    assert found["encoder/layer_0/ffn/linear_0/weight_scale"][:2] == ([6], FLOAT32)
    rows = np.abs(WEIGHT.astype(np.float32)).max(axis=1)
    assert np.allclose(scale[rows > 0], 127 / rows[rows > 0])
    assert scale[2] == 1 and not q[2].any()
    assert np.abs(q).max(axis=1)[rows > 0].tolist() == [127] * 5  # each row spans the range
    back = q.astype(np.float32) / scale[:, None]
    assert np.allclose(back, WEIGHT.astype(np.float32), atol=rows.max() / 127)
    conv, kind, _ = found["encoder/conv1/weight"]
    assert (conv, kind) == ([3, 2, 5], INT8)
    assert found["encoder/layer_0/ffn/linear_0/bias"] == ([6], FLOAT16, BIAS.tobytes())
    assert aliases == ALIASES


@pytest.mark.parametrize("cut", [1, 37, 100, 200])
def test_a_model_split_anywhere_gives_the_same_copy_as_the_whole(tmp_path: Path, cut: int) -> None:
    data = model_bytes(MODEL, ALIASES)
    whole = tmp_path / "whole"
    whole.write_bytes(data)
    (tmp_path / "split").mkdir()
    assert written(halves_of(data, cut, tmp_path / "split")) == written([whole])


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-9],  # cut short
        lambda data: data + b"\0\0",  # something after its end
        lambda data: struct.pack("<I", 99) + data[4:],  # not a model of a known version
        lambda data: b"",  # empty
    ],
)
def test_a_damaged_model_is_refused(tmp_path: Path, damage: object) -> None:
    file = tmp_path / "model.bin"
    file.write_bytes(damage(model_bytes(MODEL, ALIASES)))  # type: ignore[operator]
    with pytest.raises(OSError):
        written([file])
