from __future__ import annotations

import pytest

from companion.conditions import ConditionError, parse_condition


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("distress >= 6", {"distress": 7}, True),
        ("distress >= 6", {"distress": 5}, False),
        ("distress >= 6 and rounds < 3", {"distress": 7, "rounds": 3}, False),
        ("distress >= 6 or rounds < 3", {"distress": 1, "rounds": 0}, True),
        ("technique == 'box'", {"technique": "box"}, True),
        ("not technique == 'enough'", {}, True),
        ("technique != 'enough'", {}, False),  # an unanswered question takes no branch
        ("safe", {"safe": "yes"}, True),
        ("safe", {"safe": "no"}, False),
        ("not (a > 1 and b > 1)", {"a": 2, "b": 2}, False),
        ("distress > 'x'", {"distress": 3}, False),
    ],
)
def test_conditions(source: str, values: dict[str, object], expected: bool) -> None:
    assert parse_condition(source).holds(values) is expected


def test_names_are_listed_for_checking() -> None:
    assert parse_condition("a > 1 and (b == 'x' or not c)").names() == {"a", "b", "c"}


@pytest.mark.parametrize("source", ["", "distress >=", "(a > 1", "a > 1 b", "7", "a = 1", "a > 1)"])
def test_malformed_conditions_are_refused(source: str) -> None:
    with pytest.raises(ConditionError):
        parse_condition(source)
