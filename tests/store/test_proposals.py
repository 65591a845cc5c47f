"""Proposals: stored and journaled, never current or public until a person accepts them."""

from __future__ import annotations

import pytest

from coercionwatch.ingest import Incoming
from coercionwatch.model import InvalidInput, Location, load_record
from coercionwatch.store import Store
from tests.helpers import actor, basic_records, measure


def _incoming(*records: dict) -> list[Incoming]:
    return [Incoming(load_record(r.pop("kind"), r), Location("t")) for r in records]


@pytest.fixture
def filled(store: Store) -> Store:
    store.import_records(_incoming(*basic_records()), author="alice")
    return store


def _propose(store: Store, *records: dict, author: str = "bot") -> list[int]:
    summary = store.import_records(
        _incoming(*records), author=author, reason="inferred", propose=True
    )
    return summary.proposed


def test_a_proposal_is_neither_current_nor_public(filled: Store):
    (seq,) = _propose(filled, actor("akane", nationality=["JP"], summary="Judge Akane"))
    assert filled.get("actor", "akane") is None
    assert filled.search("Akane") == [] and filled.search("Akane", public_only=True) == []
    assert "akane" not in [s.record.id for s in filled.records("actor", public_only=True)]
    (proposal,) = filled.proposals()
    assert (proposal.seq, proposal.action, proposal.author) == (seq, "create", "bot")
    assert proposal.changes()["name"] == {"before": None, "after": "Akane"}
    assert [v.entry.action for v in filled.history("actor", "akane")] == ["propose"]
    assert filled.verify() == []


def test_accepting_makes_it_current_and_journals_who(filled: Store):
    (seq,) = _propose(filled, actor("prost", nationality=["CA"], aliases=["K. Prost"]))
    assert filled.get("actor", "prost").record.aliases == []
    (proposal,) = filled.proposals()
    assert proposal.changes() == {"aliases": {"before": [], "after": ["K. Prost"]}}
    summary = filled.accept([seq], author="carol", reason="checked the list")
    assert (summary.created, summary.updated) == (0, 1)
    current = filled.get("actor", "prost")
    assert current.record.aliases == ["K. Prost"] and current.version == 2
    entries = [
        (v.entry.action, v.entry.author, v.entry.reason) for v in filled.history("actor", "prost")
    ]
    assert entries[1:] == [
        ("propose", "bot", "inferred"),
        ("accept", "carol", "checked the list"),
        ("update", "carol", "inferred"),
    ]
    assert filled.proposals() == []
    (done,) = filled.proposals("accepted")
    assert (done.decision.author, done.decision.reason) == ("carol", "checked the list")
    assert done.changes() == {"aliases": {"before": [], "after": ["K. Prost"]}}
    assert filled.verify() == []


def test_four_eyes_refuses_the_proposer(filled: Store):
    (seq,) = _propose(filled, actor("akane"), author="dana")
    with pytest.raises(InvalidInput, match="four eyes"):
        filled.accept([seq], author="dana", reason=None, four_eyes=True)
    assert filled.get("actor", "akane") is None
    filled.accept([seq], author="dana", reason=None)  # without the rule, one may accept one's own
    assert filled.get("actor", "akane") is not None


def test_a_stale_proposal_cannot_undo_a_later_change(filled: Store):
    (seq,) = _propose(filled, actor("prost", nationality=["CA"], aliases=["old"]))
    filled.import_records(_incoming(actor("prost", nationality=["FR"])), author="alice")
    (proposal,) = filled.proposals()
    assert proposal.stale
    with pytest.raises(InvalidInput, match="changed since it was proposed"):
        filled.accept([seq], author="carol", reason=None)
    assert filled.get("actor", "prost").record.nationality == ["FR"]


def test_rejecting_needs_a_reason_and_closes_it(filled: Store):
    (seq,) = _propose(filled, actor("akane"))
    with pytest.raises(InvalidInput, match="reason is required"):
        filled.reject([seq], author="carol", reason=" ")
    assert filled.reject([seq], author="carol", reason="not a judge") == 1
    with pytest.raises(InvalidInput, match="already rejected"):
        filled.accept([seq], author="carol", reason=None)
    assert [v.entry.action for v in filled.history("actor", "akane")] == ["propose", "reject"]
    assert filled.get("actor", "akane") is None and filled.verify() == []


def test_a_proposal_may_build_on_another_but_is_accepted_with_it(filled: Store):
    first = _propose(filled, actor("akane"))
    second = _propose(filled, measure("m-akane", "akane"))
    with pytest.raises(InvalidInput, match="actor 'akane'"):
        filled.accept(second, author="carol", reason=None)
    filled.accept([*second, *first], author="carol", reason=None)
    assert filled.get("measure", "m-akane").record.target == "akane"
    assert filled.verify() == []


def test_the_same_proposal_twice_is_stored_once(filled: Store):
    assert len(_propose(filled, actor("akane"))) == 1
    assert _propose(filled, actor("akane")) == []
    assert _propose(filled, *basic_records()) == []  # unchanged records propose nothing
    assert len(filled.proposals()) == 1


def test_numbers_are_not_reused_after_a_rejection(filled: Store):
    (seq,) = _propose(filled, actor("akane"))
    filled.reject([seq], author="carol", reason="duplicate")
    filled.import_records(_incoming(actor("akane")), author="alice")
    assert filled.get("actor", "akane").version == 2  # version 1 is the rejected proposal
    assert filled.verify() == []


def test_a_delete_after_a_proposal_takes_a_version_of_its_own(filled: Store):
    assert len(_propose(filled, actor("prost", nationality=["FR"]))) == 1
    filled.delete("measure", "m-prost", author="alice")
    filled.delete("actor", "prost", author="alice")
    versions = [v.entry.version for v in filled.history("actor", "prost")]
    assert versions == [1, 2, 3] and len(set(versions)) == 3
    (proposal,) = filled.proposals()
    assert proposal.stale
    assert filled.verify() == []


def test_four_eyes_is_not_fooled_by_case_or_spacing(filled: Store):
    (seq,) = _propose(filled, actor("akane"), author="bob")
    for alias in ("bob ", "BOB", "  Bob  "):
        with pytest.raises(InvalidInput, match="four eyes"):
            filled.accept([seq], author=alias, reason=None, four_eyes=True)
