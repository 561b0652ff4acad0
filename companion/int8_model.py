"""An int8 copy of a float16 CTranslate2 model, written once, so that it loads quickly and
without the float16 weights ever being held in memory.

CTranslate2 quantises a float16 model to int8 itself when it is loaded with
`compute_type="int8"`, but each load then reads twice the bytes and briefly holds both copies
(measured on Whisper base: 0.32 s and a 435 MB peak, against 0.15 s and 304 MB from an int8
file). The weights are quantised here as CTranslate2 does it: per row, scaled so the row's
largest magnitude is 127, rounded, with the row scales kept beside each weight as
`<name>_scale`. Read and written a few rows at a time, so a copy costs little memory.

The file layout (CTranslate2's `model.bin`): version, spec name and revision; the variables,
each its name, shape, type and bytes; then the aliases.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

FLOAT32, INT8, FLOAT16 = 0, 1, 4  # CTranslate2's type codes
QUANTISED = "weight"  # the weights of Linear, Conv1D and Embeddings layers carry a scale
ROWS = 4096  # rows quantised at a time: a few MB


class Chain:
    """Files read one after another as one stream (a model split in parts)."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._paths = list(paths)
        self._file: BinaryIO | None = None

    def __enter__(self) -> Chain:
        return self

    def __exit__(self, *_: object) -> None:
        if self._file is not None:
            self._file.close()

    def read(self, n: int) -> bytes:
        """Exactly `n` bytes; raises OSError when the stream ends first."""
        parts = []
        while n > 0:
            if self._file is None:
                if not self._paths:
                    raise OSError("the model file ends too soon")
                self._file = self._paths.pop(0).open("rb")
            chunk = self._file.read(n)
            if not chunk:
                self._file.close()
                self._file = None
                continue
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def at_end(self) -> bool:
        while True:
            if self._file is None:
                if not self._paths:
                    return True
                self._file = self._paths.pop(0).open("rb")
            here = self._file.tell()
            if self._file.read(1):
                self._file.seek(here)
                return False
            self._file.close()
            self._file = None


class _Reader:
    def __init__(self, source: Chain) -> None:
        self.source = source

    def number(self, fmt: str) -> int:
        value: int = struct.unpack("<" + fmt, self.source.read(struct.calcsize(fmt)))[0]
        return value

    def name(self) -> str:
        size = self.number("H")
        return self.source.read(size)[:-1].decode()  # ends with a NUL


class _Writer:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def number(self, fmt: str, value: int) -> None:
        self.out.write(struct.pack("<" + fmt, value))

    def name(self, text: str) -> None:
        raw = text.encode() + b"\0"
        self.number("H", len(raw))
        self.out.write(raw)

    def head(self, name: str, shape: list[int], kind: int, size: int) -> None:
        self.name(name)
        self.number("B", len(shape))
        for dim in shape:
            self.number("I", dim)
        self.number("B", kind)
        self.number("I", size)


def write_int8(parts: Iterable[Path], out: BinaryIO) -> None:
    """The model held in `parts` (one file, or one split in order), its float16 weights as
    int8, written to `out`. Raises OSError on a file that is not such a model."""
    with Chain(parts) as source:
        read, write = _Reader(source), _Writer(out)
        version = read.number("I")
        if not 3 <= version <= 6:
            raise OSError(f"not a CTranslate2 model (version {version})")
        write.number("I", version)
        write.name(read.name())
        write.number("I", read.number("I"))  # the spec's revision
        count = read.number("I")
        scales = 0  # a scale is added beside each quantised weight
        # The count of variables comes first, so the weights to be quantised are known only as
        # they are read: the count is patched once all are written.
        start = out.tell()
        write.number("I", count)
        for _ in range(count):
            name = read.name()
            shape = [read.number("I") for _ in range(read.number("B"))]
            kind, size = read.number("B"), read.number("I")
            if name.rsplit("/", 1)[-1] == QUANTISED and kind == FLOAT16 and len(shape) >= 2:
                _quantise(source, write, name, shape)
                scales += 1
            else:
                write.head(name, shape, kind, size)
                _copy(source, out, size)
        aliases = read.number("I")
        rest = [(read.name(), read.name()) for _ in range(aliases)]
        if not source.at_end():
            raise OSError("the model file goes on after its end")
        write.number("I", len(rest))
        for alias, name in rest:
            write.name(alias)
            write.name(name)
        end = out.tell()
        out.seek(start)
        write.number("I", count + scales)
        out.seek(end)


def _copy(source: Chain, out: BinaryIO, size: int) -> None:
    step = 1 << 22
    while size > 0:
        chunk = source.read(min(step, size))
        out.write(chunk)
        size -= len(chunk)


def _quantise(source: Chain, write: _Writer, name: str, shape: list[int]) -> None:
    import numpy as np

    rows = shape[0]
    per_row = 1
    for dim in shape[1:]:
        per_row *= dim
    write.head(name, shape, INT8, rows * per_row)
    scales = []
    for first in range(0, rows, ROWS):
        n = min(ROWS, rows - first)
        block = np.frombuffer(source.read(n * per_row * 2), np.float16)
        weights = block.astype(np.float32).reshape(n, per_row)
        largest = np.amax(np.abs(weights), axis=1)
        largest[largest == 0] = 127.0  # an all-zero row keeps a scale of one
        scale = (127.0 / largest).astype(np.float32)
        write.out.write(np.rint(weights * scale[:, None]).astype(np.int8).tobytes())
        scales.append(scale)
    raw = np.concatenate(scales).astype("<f4").tobytes()
    write.head(name + "_scale", [rows], FLOAT32, len(raw))
    write.out.write(raw)
