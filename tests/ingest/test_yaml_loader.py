import pytest
import yaml

from coercionwatch.ingest import RawItem, yaml_items
from coercionwatch.model import Problem


def _value(text: str):
    (item,) = yaml_items(text, "r.yaml")
    assert isinstance(item, RawItem), item
    return item.value


def _problem(text: str) -> Problem:
    (problem,) = yaml_items(text, "r.yaml")
    assert isinstance(problem, Problem)
    return problem


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("1.5", 1.5),
        ("1.0e+17", 1e17),
        ("yes", "yes"),  # YAML 1.1 booleans are text
        ("NO", "NO"),
        ("12:30", "12:30"),  # not 750
        ("010", "010"),  # not 8
        ("0x1F", "0x1F"),
        ("0x_", "0x_"),  # PyYAML raises ValueError on these two
        ("0b_", "0b_"),
        ("1_000", "1_000"),
        ("1e5", "1e5"),
        ("=", "="),
        ("2025-02-06", "2025-02-06"),
    ],
)
def test_plain_scalars_read_as_json_would_have_them(written, read):
    assert _value(f"x: {written}\n") == {"x": read}


def test_what_safe_dump_writes_reads_back_the_same():
    record = {
        "texts": ["yes", "12:30", "010", "0x1F", "1e5", "1.5", "true", "null", "", "=", "<<"],
        "numbers": [0, -7, 2**62, 1.5, 1e17, 1e-7],
        "flags": [True, False, None],
        "date": "2025-02-06",
    }
    assert _value(yaml.safe_dump(record)) == record


@pytest.mark.parametrize(
    ("text", "line", "field", "says"),
    [
        ("a: 1\nb: &x 2\n", 2, "b", "YAML anchors are not allowed"),
        ("a: &x [1]\nb: *x\n", 1, "a", "YAML anchors are not allowed"),
        ("a: [1, *x]\n", 1, "a.1", "YAML aliases are not allowed"),
        ("a: !!set {x, y}\n", 1, "a", "YAML tags are not allowed (found !!set)"),
        ("a: !!binary aGk=\n", 1, "a", "YAML tags are not allowed (found !!binary)"),
        ("a: !!timestamp 2025-13-45\n", 1, "a", "YAML tags are not allowed (found !!timestamp)"),
        ("a: !!bool maybe\n", 1, "a", "YAML tags are not allowed (found !!bool)"),
        ("a: !local x\n", 1, "a", "YAML tags are not allowed (found !local)"),
        ("a: 1\n'a': 2\n", 2, "a", "duplicate key 'a'"),
        ("a:\n  - {b: 1, b: 2}\n", 2, "a.0.b", "duplicate key 'b'"),
        ('a: "x\\ud800"\n', 1, "a", "not Unicode text (it holds a lone surrogate escape)"),
        ("a: " + "9" * 5000 + "\n", 1, "a", "a number beyond the signed 64-bit integer range"),
        ("a: .nan\n", 1, "a", "NaN and infinity are not allowed (JSON has no such numbers)"),
        ('a: "N\\0L"\n', 1, "a", "contains a NUL character (U+0000), which the store cannot keep"),
    ],
)
def test_what_yaml_can_say_beyond_json_is_refused_where_it_is_said(text, line, field, says):
    problem = _problem(text)
    assert (problem.location.line, problem.field, problem.message) == (line, field, says)


def test_nesting_far_past_the_limit_is_refused_without_recursion_in_linear_time():
    deep = "a: " + "[" * 50_000 + "]" * 50_000 + "\n"  # took PyYAML's scanner many minutes
    problem = _problem(deep)
    assert problem.message == "nested more than 32 objects or lists deep"
    assert problem.field == "a" + ".0" * 31
