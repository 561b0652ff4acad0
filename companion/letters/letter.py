"""A letter's parts, what the checker found in them, and the letter as text or Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

HANDOFF = ("We aren't getting anywhere talking. Read this when you're ready. "
           "I need you to understand my perspective.")  # fmt: skip
QUESTIONS = (
    "How do you think we should solve this problem?",
    "What was your intention when you said that?",
    "If the roles were reversed, how would you feel?",
)
PARTS = ("facts", "feelings", "wish", "question", "handoff")
EXPORTS = (".txt", ".md")


@dataclass(frozen=True)
class Checked:
    """One sentence the checker flagged, and what the writer chose."""

    part: str
    sentence: str
    kinds: tuple[str, ...]
    rewording: str
    taken: bool  # True: the rewording replaced the sentence


@dataclass(frozen=True)
class Letter:
    facts: str = ""
    feelings: str = ""
    wish: str = ""
    question: str = ""
    handoff: str = ""
    checks: tuple[Checked, ...] = field(default_factory=tuple)

    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PARTS}

    def text(self) -> str:
        """The letter as it will be read: one paragraph a part, empty parts left out."""
        return "\n\n".join(p.strip() for p in self.parts().values() if p.strip())

    def markdown(self, title: str) -> str:
        return f"# {title}\n\n{self.text()}\n"

    @property
    def words(self) -> int:
        return len(self.text().split())


class ExportError(Exception):
    """A file a letter cannot be exported to, with the reason."""


def check_export_path(path: Path) -> None:
    """Refuse early, before anything is written: the kind of file, and never overwrite."""
    if path.suffix.lower() not in EXPORTS:
        raise ExportError(f"{path}: export to a .txt or .md file")
    if path.exists():
        raise ExportError(f"{path} already exists; choose another name")
    if not path.parent.is_dir():
        raise ExportError(f"{path.parent} is not a folder")


def export(letter: Letter, path: Path, title: str) -> None:
    check_export_path(path)
    content = letter.markdown(title) if path.suffix.lower() == ".md" else letter.text() + "\n"
    try:
        # Private like the history: a letter is as personal as anything companion keeps.
        with open(path, "x", encoding="utf-8", opener=_private) as f:
            f.write(content)
    except OSError as e:
        raise ExportError(f"{path} could not be written ({e.strerror or e})") from None


def _private(path: str, flags: int) -> int:
    import os

    return os.open(path, flags, 0o600)
