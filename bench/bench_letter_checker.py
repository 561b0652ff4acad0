"""The letter checker on hand-labelled sentences: how often it flags an accusation, and how
often it flags a fair sentence, beside two naive baselines.

Two sets: `letter_sentences.tsv` was written alongside the rules (so it measures what the
rules were shaped to catch), and `letter_sentences_unseen.tsv` was written after them and
never used to change them (a fairer guess at sentences people really write).
`letter_sentences_heldout.tsv` (88 sentences, half accusing) was written next and measured
before the rules' second pass, which generalised them by grammar class from its misses.
`letter_sentences_fresh.tsv` (40) was written after that pass and never used to tune it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT
from companion.letters.checker import check

DATA = ROOT / "bench" / "data"
SETS = {
    "written with the rules": DATA / "letter_sentences.tsv",
    "unseen": DATA / "letter_sentences_unseen.tsv",
    "held-out": DATA / "letter_sentences_heldout.tsv",
    "fresh": DATA / "letter_sentences_fresh.tsv",
}


def load(path: Path) -> list[tuple[bool, str]]:
    rows = [line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip
    return [(label == "accusing", text.strip()) for label, text in rows]


CHECKERS: dict[str, Callable[[str], bool]] = {
    "companion checker": lambda s: bool(check(s)),
    "baseline: any 'you'": lambda s: re.search(r"\byou", s, re.I) is not None,
    "baseline: never/always/whatever": lambda s: re.search(
        r"\b(never|always|whatever)\b", s, re.I) is not None,
}  # fmt: skip


def main() -> None:
    print(f"{'set':<24} {'checker':<34} {'flagged when accusing':>22} {'false flags':>12} "
          f"{'per sentence':>13}")  # fmt: skip
    for set_name, path in SETS.items():
        rows = load(path)
        accusing = [s for a, s in rows if a]
        fair = [s for a, s in rows if not a]
        for name, flags in CHECKERS.items():
            started = time.perf_counter()
            hits = sum(flags(s) for s in accusing)
            false = sum(flags(s) for s in fair)
            per = (time.perf_counter() - started) / len(rows) * 1e6
            caught = f"{hits / len(accusing):.2f} ({hits}/{len(accusing)})"
            wrong = f"{false / len(fair):.2f} ({false}/{len(fair)})"
            print(f"{set_name:<24} {name:<34} {caught:>22} {wrong:>12} {per:>10.0f} µs")
    print("target: flagged when accusing >= 0.90, false flags <= 0.10")


if __name__ == "__main__":
    main()
