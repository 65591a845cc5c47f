from coercionwatch.model import canonical_json, content_hash


def test_key_order_does_not_change_the_hash():
    assert content_hash({"b": 1, "a": [1, "é"]}) == content_hash({"a": [1, "é"], "b": 1})
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_any_change_changes_the_hash():
    assert content_hash({"a": 1}) != content_hash({"a": 2})
