import pytest

from coercionwatch.store.search import snippet
from tests.helpers import actor, import_files, measure, write_json


@pytest.fixture
def searchable(store, tmp_path):
    records = [
        actor("usa", type="state", name="United States"),
        actor("prost", name="Kimberly Prost", summary="Judge of Canadian nationality."),
        actor("guillou", name="Nicolas Guillou", visibility="restricted"),
        measure("m-prost", "prost", summary="Her credit cards stopped working."),
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    return store


def test_search_finds_words_and_prefixes(searchable):
    assert [h.id for h in searchable.search("credit cards")] == ["m-prost"]
    assert [h.id for h in searchable.search("canad")] == ["prost"]
    hit = searchable.search("kimberly")[0]
    assert hit.title == "Kimberly Prost"


def test_snippets_mark_the_match(searchable):
    (hit,) = searchable.search("nationality")
    assert "[nationality]" in hit.snippet


def test_snippets_give_vocabulary_terms_by_their_labels(store, tmp_path):
    records = [
        actor("usa", type="state"),
        actor("prost"),
        measure("m", "prost", breach="subversive-violation", summary="Cards stopped working."),
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    (hit,) = store.search("cards")
    assert "Subversive violation" in hit.snippet and "subversive-violation" not in hit.snippet


def test_ids_of_referenced_records_are_not_indexed(searchable):
    assert [h.id for h in searchable.search("usa")] == []


def test_public_search_leaves_out_restricted_records(searchable):
    assert [h.id for h in searchable.search("guillou")] == ["guillou"]
    assert searchable.search("guillou", public_only=True) == []


@pytest.mark.parametrize(
    "query",
    ['"', "credit AND", "NEAR(", "*", "'; DROP TABLE records; --", "a" * 5000, "()", "é:*|!&"],
)
def test_hostile_queries_are_harmless(searchable, query):
    hits = searchable.search(query)
    assert isinstance(hits, list)
    assert searchable.count()["actor"] == 3


def test_kind_filter(searchable):
    assert searchable.search("kimberly", kind="measure") == []
    assert [h.kind for h in searchable.search("prost", kind="actor")] == ["actor"]
    assert [h.kind for h in searchable.search("prost", kind="measure")] == ["measure"]


def test_snippets_keep_the_fields_apart(store, tmp_path):
    """Aliases, a name and a role are three fields, not one run of words."""
    records = [
        actor("usa", type="state"),
        actor(
            "bensouda",
            name="Fatou Bensouda",
            roles=[{"title": "Prosecutor"}],
            aliases=["F. Bensouda"],
        ),
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    (hit,) = store.search("prosecutor")
    assert hit.snippet == "F. Bensouda · Fatou Bensouda · [Prosecutor] · Person"
    # The index holds the words alone: the break is in no entry, so none is out of date.
    assert store.search("·") == [] and store.verify() == []


def test_a_snippet_neither_opens_nor_closes_on_a_field_break():
    words = " · ".join(f"field{n} words" for n in range(40))
    cut = snippet(f" · {words} · ·  · ", ["field30"], ("[", "]"))
    assert cut.startswith("…") and cut.endswith("…") and "[field30]" in cut
    assert not cut.startswith("…·") and not cut.endswith("·…") and "· ·" not in cut
    assert snippet("· one · · two ·", ["two"], ("[", "]")) == "one · [two]"
