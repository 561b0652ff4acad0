"""Small CTranslate2 model files made in the test, and read back."""

from __future__ import annotations

import struct

import numpy as np

from companion.int8_model import FLOAT16

Variable = tuple[str, list[int], int, bytes]


def name(text: str) -> bytes:
    raw = text.encode() + b"\0"
    return struct.pack("<H", len(raw)) + raw


def model_bytes(variables: list[Variable], aliases: list[tuple[str, str]],
                version: int = 6) -> bytes:  # fmt: skip
    out = struct.pack("<I", version) + name("WhisperSpec") + struct.pack("<II", 3, len(variables))
    for label, shape, kind, raw in variables:
        out += (
            name(label)
            + struct.pack("<B", len(shape))
            + b"".join(struct.pack("<I", d) for d in shape)
        )
        out += struct.pack("<BI", kind, len(raw)) + raw
    out += struct.pack("<I", len(aliases))
    for alias, target in aliases:
        out += name(alias) + name(target)
    return out


def parse(data: bytes) -> tuple[list[Variable], list[tuple[str, str]]]:
    at = 0

    def take(fmt: str) -> int:
        nonlocal at
        (value,) = struct.unpack_from("<" + fmt, data, at)
        at += struct.calcsize(fmt)
        return int(value)

    def text() -> str:
        nonlocal at
        size = take("H")
        at += size
        return data[at - size : at - 1].decode()

    take("I"), text(), take("I")
    variables = []
    for _ in range(take("I")):
        label = text()
        shape = [take("I") for _ in range(take("B"))]
        kind, size = take("B"), take("I")
        variables.append((label, shape, kind, data[at : at + size]))
        at += size
    aliases = [(text(), text()) for _ in range(take("I"))]
    assert at == len(data)
    return variables, aliases


rng = np.random.default_rng(7)
WEIGHT = rng.normal(0, 0.2, (6, 4)).astype(np.float16)
WEIGHT[2] = 0  # a row of zeros keeps a scale of one
CONV = rng.normal(0, 1, (3, 2, 5)).astype(np.float16)  # a Conv1D weight: rank 3
BIAS = rng.normal(0, 1, 6).astype(np.float16)
MODEL: list[Variable] = [
    ("encoder/layer_0/ffn/linear_0/weight", [6, 4], FLOAT16, WEIGHT.tobytes()),
    ("encoder/layer_0/ffn/linear_0/bias", [6], FLOAT16, BIAS.tobytes()),
    ("encoder/conv1/weight", [3, 2, 5], FLOAT16, CONV.tobytes()),
    ("decoder/scale_embeddings", [], 3, struct.pack("<i", 1)),
]
ALIASES = [("decoder/projection/weight", "decoder/embeddings/weight")]
