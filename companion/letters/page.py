"""The terminal as a page: typed a part at a time, or written in $EDITOR when there is one."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import TextIO

from companion import paths

DRAFT = "letter-draft.txt"


class TerminalPage:
    """Typed parts end at an empty line; piped input is read the same way, a line at a time."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 editor: str | None = None) -> None:  # fmt: skip
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        try:
            self.tty = self.stdin.isatty()
        except (ValueError, OSError):
            self.tty = False
        self.editor = shlex.split(editor) if editor else None

    def show(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self._print(f"  {line}")

    def _print(self, text: str) -> None:
        try:
            print(text, file=self.stdout, flush=True)
        except (OSError, ValueError):
            pass

    def typed_line(self) -> str | None:
        try:
            line = self.stdin.readline()
        except (OSError, ValueError):
            line = ""
        if line == "":
            return None
        text = line.rstrip("\r\n")
        if not self.tty:
            self._print(f"  > {text}")
        return text

    def read_line(self, prompt: str) -> str | None:
        self.ask(prompt)
        return self.typed_line()

    def read_part(self, prompt: str) -> str | None:
        if self.editor:
            written = self._in_editor(prompt)
            if written is not None:
                self.ask(prompt)
                self.show(written or "(left empty)")
                return written
        self.ask(prompt)
        lines: list[str] = []
        while (line := self.typed_line()) is not None:
            if line.strip() == "":
                return "\n".join(lines)
            lines.append(line)
        return "\n".join(lines) if lines else None

    def ask(self, prompt: str) -> None:
        first, *rest = prompt.splitlines()
        self._print(f"? {first}")
        for line in rest:
            self._print(f"  {line}")

    def _in_editor(self, prompt: str) -> str | None:
        """The part written in $EDITOR; None (having said why) when the editor cannot run."""
        assert self.editor is not None
        draft = paths.data_dir() / DRAFT
        header = "".join(f"# {line}\n" for line in prompt.splitlines())
        try:
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(f"{header}# Lines starting with # are left out. Save and close to go on.\n")
            done = subprocess.run([*self.editor, str(draft)], check=False)
            if done.returncode != 0:
                self.show(f"(The editor {self.editor[0]} ended with an error; type it here.)")
                return None
            text = draft.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            self.show(f"(The editor {self.editor[0]} could not be used ({e}); type it here.)")
            return None
        finally:
            draft.unlink(missing_ok=True)  # the draft lives on in the history, not here
        return "\n".join(x for x in text.splitlines() if not x.startswith("#")).strip()
