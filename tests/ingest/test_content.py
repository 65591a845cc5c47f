import math

import pytest

from coercionwatch.ingest.content import (
    MAX_DEPTH,
    Refused,
    check_item,
    identify,
    keys_within_limits,
)
from coercionwatch.model import Location

HERE = Location("records.json", line=7)


def nested(levels: int) -> dict:
    """A record whose deepest object or list is the `levels`-th, the record counted first."""
    value: list = []
    for _ in range(levels - 2):
        value = [value]
    return {"kind": "incident", "slug": "deep", "documents": value}


def test_nesting_is_allowed_to_the_limit_and_no_further():
    assert check_item(HERE, nested(MAX_DEPTH)) is None
    assert keys_within_limits(nested(MAX_DEPTH)) == 3
    problem = check_item(HERE, nested(MAX_DEPTH + 1))
    assert (problem.kind, problem.record_id) == ("incident", "deep")
    assert problem.field == "documents" + ".0" * (MAX_DEPTH - 1)
    assert problem.message == f"nested more than {MAX_DEPTH} objects or lists deep"
    assert keys_within_limits(nested(MAX_DEPTH + 1)) is None


def test_a_thousand_levels_are_refused_without_recursing_into_them():
    assert check_item(HERE, nested(1_000)).message.startswith("nested more than")
    assert keys_within_limits(nested(100_000)) is None


@pytest.mark.parametrize("number", [2**63 - 1, -(2**63), 0, 1.5, -1e18])
def test_numbers_within_64_bits_pass(number):
    assert check_item(HERE, {"kind": "actor", "n": number}) is None


@pytest.mark.parametrize(
    ("number", "says"),
    [
        (2**63, "beyond the signed 64-bit integer range"),
        (-(2**63) - 1, "beyond the signed 64-bit integer range"),
        (2**200, "beyond the signed 64-bit integer range"),
        (1.2e29, "beyond the signed 64-bit integer range"),  # what JSON readers make of 30 digits
        (math.nan, "NaN and infinity are not allowed"),
        (-math.inf, "NaN and infinity are not allowed"),
    ],
)
def test_numbers_beyond_64_bits_nan_and_infinity_are_refused(number, says):
    value = {"kind": "actor", "id": "a", "externalIds": {"counts": [1, number]}}
    problem = check_item(HERE, value)
    assert (problem.field, problem.record_id) == ("externalIds.counts.1", "a")
    assert says in problem.message
    assert keys_within_limits(value) is None


def test_nul_is_refused_in_text_and_in_keys():
    text = check_item(HERE, {"kind": "actor", "id": "a", "aliases": ["ok", "b\x00d"]})
    assert (text.field, text.message) == (
        "aliases.1",
        "contains a NUL character (U+0000), which the store cannot keep",
    )
    key = check_item(HERE, {"kind": "incident", "slug": "s", "documents": [{"k\x00": 1}]})
    assert key.field == "documents.0"
    assert key.message.startswith(r"key 'k\x00' contains a NUL character")


def test_keys_must_be_text():
    problem = check_item(HERE, {"kind": "actor", "id": "a", "roles": [{1: "x"}]})
    assert (problem.field, problem.message) == ("roles.0", "key 1 is not text")


def test_a_value_a_reader_refused_is_reported_where_it_sits_with_its_line():
    value = {"kind": "actor", "id": "a", "name": Refused("duplicate key 'name'", line=12)}
    problem = check_item(HERE, value)
    assert str(problem) == "records.json:12: actor 'a': field 'name': duplicate key 'name'"
    assert keys_within_limits(value) is None


def test_keys_are_counted_in_every_object():
    assert keys_within_limits({"a": {"b": 1, "c": [{"d": None}, "e:f"]}}) == 4
    assert keys_within_limits("a top-level string") == 0


def test_items_name_the_record_they_claim_to_be():
    assert identify({"kind": "measure", "id": "m"}) == ("measure", "m")
    assert identify({"site": "x", "record": {"slug": "s"}}) == ("incident", "s")
    assert identify({"kind": ["actor"], "slug": 3}) == (None, None)
    assert identify(["not", "an", "object"]) == (None, None)
