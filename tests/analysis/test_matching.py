from coercionwatch.analysis.matching import ActorIndex
from coercionwatch.model import Actor
from coercionwatch.model.lists import ListEntry

ACTORS = [
    Actor(
        id="karim-khan",
        name="Karim Khan",
        type="person",
        nationality=["GB"],
        aliases=["Karim Asad Ahmad Khan"],
    ),
    Actor(id="luz", name="Luz del Carmen Ibáñez Carranza", type="person", nationality=["PE"]),
    Actor(id="other-khan", name="Karim Khan", type="person", nationality=["PK"], birth_date="1950"),
    Actor(id="france", name="France", type="state", country="FR"),
]


def test_word_order_and_transliteration_are_tolerated():
    index = ActorIndex.of(ACTORS)
    (match,) = index.match(ListEntry("1", "IBANEZ CARRANZA, Luz del Carmen"))
    assert match.actor_id == "luz" and match.score >= 95


def test_birth_date_and_nationality_break_ties_with_reasons():
    index = ActorIndex.of(ACTORS)
    entry = ListEntry(
        "52965", "KHAN, Karim Asad Ahmad", nationalities=["GB"], birth_dates=["1970-03-30"]
    )
    matches = index.match(entry)
    assert [m.actor_id for m in matches] == ["karim-khan"]
    assert "nationality GB agrees" in matches[0].reasons


def test_states_and_unrelated_names_do_not_match():
    index = ActorIndex.of(ACTORS)
    assert index.match(ListEntry("9", "FRANCE")) == []
    assert index.match(ListEntry("10", "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY")) == []
