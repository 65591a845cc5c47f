from collections.abc import Callable, Iterator

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


@pytest.fixture
def override(tmp_path, monkeypatch) -> Iterator[Callable[[str], None]]:
    """Point COERCIONWATCH_VOCABULARIES at a file holding the given YAML; the bundled
    vocabularies are read afresh, and again after the test."""

    def given(text: str) -> None:
        extra = tmp_path / "vocab.yaml"
        extra.write_text(text, "utf-8")
        monkeypatch.setenv("COERCIONWATCH_VOCABULARIES", str(extra))
        vocabularies.cache_clear()

    yield given
    monkeypatch.delenv("COERCIONWATCH_VOCABULARIES", raising=False)
    vocabularies.cache_clear()


def test_an_override_file_extends_a_vocabulary(override):
    override("stances:\n  applauds: {label: Applauds, lean: for}\n")
    response = Response(id="r", actor="a", stance="applauds", forum="national")
    assert vocabulary("stances").label(response.stance) == "Applauds"
    assert "condemn" in vocabulary("stances")


def test_every_stance_leans_one_way_as_data():
    stances = vocabulary("stances")
    leans = {value: stances.lean(value) for value in stances.terms}
    assert set(leans.values()) == set(vocabulary("leans").terms)
    assert (leans["condemn"], leans["monitor"], leans["welcome"]) == ("against", "ambiguous", "for")


def test_a_stance_without_a_lean_is_refused(override):
    override("stances:\n  applauds: {label: Applauds}\n")
    with pytest.raises(ValueError, match="'applauds' needs a lean"):
        vocabularies()


def test_labels_with_commas_are_read_whole():
    # A flow mapping would have split these at the comma into a label and a stray key.
    assert vocabulary("rome-statute-status").label("signatory") == "Signatory, not ratified"
    assert vocabulary("stances").label("neutral") == "Neutral or ambiguous"


def test_a_term_with_an_unknown_key_is_refused(override):
    override("forums:\n  moon: {label: On the moon, colour: grey}\n")
    with pytest.raises(ValueError, match="'moon' of 'forums'"):
        vocabularies()
