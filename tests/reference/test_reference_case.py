"""The bundled reference case: complete, sourced, and in our own words."""

import re

import pytest

from coercionwatch.ingest import Incoming, read_records
from coercionwatch.model import Incident, Measure, Problem, stored_body
from coercionwatch.reference import reference_files


@pytest.fixture(scope="module")
def records():
    items = list(read_records(reference_files()))
    assert not [i for i in items if isinstance(i, Problem)]
    return [i.record for i in items if isinstance(i, Incoming)]


def _of(records, cls):
    return [r for r in records if isinstance(r, cls)]


def test_every_eo_14203_designation_in_the_seeds_is_recorded(records):
    designated = {
        m.target: m.date
        for m in _of(records, Measure)
        if m.type == "designation" and any(b.text == "Executive Order 14203" for b in m.legal_basis)
    }
    assert designated == {
        "karim-khan": "2025-02-06",
        "luz-del-carmen-ibanez-carranza": "2025-06-05",
        "beti-hohler": "2025-06-05",
        "icc-judge-of-benin-nationality": "2025-06-05",
        "icc-judge-of-uganda-nationality": "2025-06-05",
        "kimberly-prost": "2025-08-20",
        "nicolas-guillou": "2025-08-20",
        "nazhat-shameem-khan": "2025-08-20",
        "mame-mandiaye-niang": "2025-08-20",
        "gocha-lordkipanidze": "2025-12-18",
        "erdenebalsuren-damdin": "2025-12-18",
        "francesca-albanese": "2025",
        "palestinian-rights-organisation-1": "2025",
        "palestinian-rights-organisation-2": "2025",
        "palestinian-rights-organisation-3": "2025",
        "tomoko-akane": None,
    }


def test_the_other_measure_types_are_all_present(records):
    types = {m.type for m in _of(records, Measure)}
    assert types >= {
        "executive-order",
        "designation",
        "threat",
        "visa-denial",
        "service-withdrawal",
        "in-absentia-sentence",
        "wanted-list-entry",
        "cyberattack",
    }
    lifted = [m for m in _of(records, Measure) if m.status == "lifted"]
    assert [(m.target, m.status_date) for m in lifted] == [("fatou-bensouda", "2021")]


def test_every_record_rests_on_a_seed_document(records):
    sourced = [r for r in records if r.kind not in ("source", "incident")]
    seed_ids = {r.id for r in records if r.kind == "source" and r.id.startswith("seed-")}
    for record in sourced:
        sources = set(getattr(record, "sources", []))
        assert sources & seed_ids or _rests_on_seed_through(record, records, seed_ids), record.id
    for incident in _of(records, Incident):
        assert incident.sources, incident.id


def _rests_on_seed_through(record, records, seed_ids):
    sources = {r.id: r for r in records if r.kind == "source"}
    return any(sources[s].archive for s in getattr(record, "sources", []))


def test_no_url_is_invented(records, seeds):
    seed_text = "".join(p.read_text("utf-8") for p in seeds.iterdir())
    for record in records:
        for url in re.findall(r"https?://[^\s\"']+", str(stored_body(record))):
            assert url.rstrip(",)") in seed_text, (record.id, url)


def _words(text):
    return re.findall(r"[a-z0-9]+", re.sub(r"<[^>]+>", " ", text.lower()))


def _prose(value, key=""):
    """Text we wrote: everything but names, titles and the short quotes kept on purpose."""
    if isinstance(value, str):
        if key not in {"title", "name", "quote", "instrument", "statute", "url", "publisher"}:
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _prose(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _prose(v, key)


def test_no_sentence_is_copied_from_the_seeds(records, seeds):
    window = 8
    seed_words = [_words(p.read_text("utf-8")) for p in seeds.iterdir()]
    seed_grams = {tuple(ws[i : i + window]) for ws in seed_words for i in range(len(ws) - window)}
    copied = []
    for record in records:
        for text in _prose(stored_body(record)):
            words = _words(text)
            copied += [
                (record.id, " ".join(words[i : i + window]))
                for i in range(len(words) - window + 1)
                if tuple(words[i : i + window]) in seed_grams
            ]
    assert copied == [], sorted(set(copied))


def test_the_reference_case_loads_and_verifies(store, records):
    summary = store.import_records(read_records(reference_files()), author="t")
    assert summary.warnings == []
    expected: dict[str, int] = {}
    for record in records:
        expected[record.kind] = expected.get(record.kind, 0) + 1
    assert store.count() == expected
    assert store.verify() == []
