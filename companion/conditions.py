"""Branch conditions in scripts: `distress >= 6 and rounds < 3`, `technique == 'box'`.

A deliberately tiny language (names, numbers, quoted strings, comparisons, and/or/not,
parentheses) parsed once when a script loads. A name with no value yet makes its comparison
false, so an unanswered question never takes a branch by accident.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Scalar = int | float | str
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le,
    ">": operator.gt, "<": operator.lt,
}  # fmt: skip
_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d+)?)|('[^']*'|\"[^\"]*\")|(==|!=|>=|<=|>|<|\(|\))|([A-Za-z_][\w-]*))"
)


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Literal:
    value: Scalar


@dataclass(frozen=True)
class Compare:
    left: Name | Literal
    op: str
    right: Name | Literal


@dataclass(frozen=True)
class Truthy:
    """A bare name: true when it has a value that is not no/zero/empty."""

    name: Name


@dataclass(frozen=True)
class Not:
    inner: Expr


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    parts: tuple[Expr, ...]


Expr = Compare | Truthy | Not | BoolOp


@dataclass(frozen=True)
class Condition:
    source: str
    expr: Expr

    def names(self) -> set[str]:
        return _names(self.expr)

    def holds(self, values: Mapping[str, object]) -> bool:
        return _eval(self.expr, values)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"cannot read {text[pos:].strip()!r}")
        number, string, op, word = m.groups()
        if number is not None:
            tokens.append(("num", number))
        elif string is not None:
            tokens.append(("str", string[1:-1]))
        elif op is not None:
            tokens.append(("op", op))
        elif word in ("and", "or", "not"):
            tokens.append(("kw", word))
        else:
            tokens.append(("name", word))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ConditionError("ends too soon")
        self.i += 1
        return tok

    def parse(self) -> Expr:
        expr = self.either()
        if self.peek() is not None:
            raise ConditionError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return expr

    def either(self) -> Expr:
        parts = [self.both()]
        while self.peek() == ("kw", "or"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def both(self) -> Expr:
        parts = [self.negated()]
        while self.peek() == ("kw", "and"):
            self.take()
            parts.append(self.negated())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def negated(self) -> Expr:
        if self.peek() == ("kw", "not"):
            self.take()
            return Not(self.negated())
        if self.peek() == ("op", "("):
            self.take()
            inner = self.either()
            if self.take() != ("op", ")"):
                raise ConditionError("missing ')'")
            return inner
        left = self.operand()
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in _OPS:
            self.take()
            return Compare(left, tok[1], self.operand())
        if isinstance(left, Name):
            return Truthy(left)
        raise ConditionError(f"{left.value!r} alone is not a condition")

    def operand(self) -> Name | Literal:
        kind, text = self.take()
        if kind == "num":
            return Literal(float(text) if "." in text else int(text))
        if kind == "str":
            return Literal(text)
        if kind == "name":
            return Name(text)
        raise ConditionError(f"expected a name, number or 'text', found {text!r}")


def parse_condition(text: str) -> Condition:
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("is empty")
    if len(text) > 500:
        raise ConditionError("is too long")
    return Condition(text, _Parser(_tokenize(text)).parse())


def _names(expr: Expr) -> set[str]:
    if isinstance(expr, Compare):
        return {side.name for side in (expr.left, expr.right) if isinstance(side, Name)}
    if isinstance(expr, Truthy):
        return {expr.name.name}
    if isinstance(expr, Not):
        return _names(expr.inner)
    return set().union(*(_names(p) for p in expr.parts))


_MISSING = object()


def _value(side: Name | Literal, values: Mapping[str, object]) -> object:
    return values.get(side.name, _MISSING) if isinstance(side, Name) else side.value


def _eval(expr: Expr, values: Mapping[str, object]) -> bool:
    if isinstance(expr, Compare):
        left, right = _value(expr.left, values), _value(expr.right, values)
        if left is _MISSING or right is _MISSING:
            return False
        if isinstance(left, (int, float)) != isinstance(right, (int, float)):
            left, right = str(left), str(right)
        try:
            return bool(_OPS[expr.op](left, right))
        except TypeError:
            return False
    if isinstance(expr, Truthy):
        value = values.get(expr.name.name, _MISSING)
        return value not in (_MISSING, None, 0, "", "no", False)
    if isinstance(expr, Not):
        return not _eval(expr.inner, values)
    results = (_eval(p, values) for p in expr.parts)
    return all(results) if expr.op == "and" else any(results)
