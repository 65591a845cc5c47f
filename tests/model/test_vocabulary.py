import pytest
from pydantic import ValidationError

from coercionwatch.model import Response, vocabularies, vocabulary


def test_breach_taxonomy_is_data_in_order():
    values = list(vocabulary("breach-types").terms)
    assert values == [
        "constructive-breach",
        "principled-resistance",
        "ordinary-violation",
        "disruptive-violation",
        "subversive-violation",
    ]


def test_unknown_value_is_refused_with_the_allowed_ones():
    with pytest.raises(ValidationError) as caught:
        Response(id="r", actor="a", stance="applauds", forum="national")
    message = caught.value.errors()[0]["msg"]
    assert "'applauds' is not in the vocabulary 'stances'" in message
    assert "condemn" in message


def test_an_override_file_extends_a_vocabulary(tmp_path, monkeypatch):
    extra = tmp_path / "vocab.yaml"
    extra.write_text("stances:\n  applauds: {label: Applauds}\n", "utf-8")
    monkeypatch.setenv("COERCIONWATCH_VOCABULARIES", str(extra))
    vocabularies.cache_clear()
    try:
        response = Response(id="r", actor="a", stance="applauds", forum="national")
        assert vocabulary("stances").label(response.stance) == "Applauds"
        assert "condemn" in vocabulary("stances")
    finally:
        monkeypatch.delenv("COERCIONWATCH_VOCABULARIES")
        vocabularies.cache_clear()
