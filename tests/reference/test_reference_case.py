"""The bundled reference case: complete, sourced, honest about inference, in our own words."""

import csv
import hashlib
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from coercionwatch.ingest import Incoming, read_records
from coercionwatch.model import Incident, Measure, Problem, Response, Source, pointers, stored_body
from coercionwatch.reference import reference_files
from tests.conftest import SHARED

WINDOW = 7
"""Words in a row that our text may not share with a seed document."""

NAMES = {"title", "name", "quote", "instrument", "statute", "article", "aliases", "publisher"}
NAMES |= {"organization", "tags", "url", "list", "uid", "file"}
"""Fields holding names, titles and short quotes kept on purpose: exempt from the window."""


@pytest.fixture(scope="module")
def records():
    items = list(read_records(reference_files()))
    assert [i for i in items if isinstance(i, Problem)] == []
    return [i.record for i in items if isinstance(i, Incoming)]


@pytest.fixture(scope="module")
def sources(records) -> dict[str, Source]:
    return {r.id: r for r in records if isinstance(r, Source)}


def _of(records, cls):
    return [r for r in records if isinstance(r, cls)]


def test_every_eo_14203_designation_in_the_seeds_is_recorded(records):
    designated = {
        m.target: (m.date, m.date_certainty)
        for m in _of(records, Measure)
        if m.type == "designation" and any(b.text == "Executive Order 14203" for b in m.legal_basis)
    }
    assert designated == {
        "karim-khan": ("2025-02-06", None),
        "luz-del-carmen-ibanez-carranza": ("2025-06-05", "inferred"),
        "beti-hohler": ("2025-06-05", "inferred"),
        "icc-official-of-benin-nationality": ("2025-06-05", "inferred"),
        "icc-official-of-uganda-nationality": ("2025-06-05", "inferred"),
        "kimberly-prost": ("2025-08-20", None),
        "nicolas-guillou": ("2025-08-20", None),
        "nazhat-shameem-khan": ("2025-08-20", "inferred"),
        "mame-mandiaye-niang": ("2025-08-20", "inferred"),
        "gocha-lordkipanidze": ("2025-12-18", None),
        "erdenebalsuren-damdin": ("2025-12-18", None),
        "francesca-albanese": ("2025-08-20", "before"),
        "palestinian-rights-organisation-1": ("2025", "inferred"),
        "palestinian-rights-organisation-2": ("2025", "inferred"),
        "palestinian-rights-organisation-3": ("2025", "inferred"),
    }
    acts = {}
    for m in _of(records, Measure):
        if m.act:
            acts.setdefault(m.act, set()).add(m.target)
    assert {act: len(targets) for act, targets in acts.items()} == {
        "us-designations-2025-06-05": 4,
        "us-designations-2025-08-20": 4,
        "us-designations-2025-12-18": 2,
        "us-ultimatum-2025-12": 2,
    }


def test_a_designation_one_seed_alone_reports_is_kept_as_disputed(records):
    (akane,) = [m for m in _of(records, Measure) if m.target == "tomoko-akane"]
    assert akane.status == "disputed" and akane.date is None
    assert [(d.field, d.value, d.sources) for d in akane.disputes] == [
        ("status", "active", ["seed-slaw-attacks-against-the-icc"])
    ]


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


def test_the_contradictions_between_seeds_are_recorded(records):
    disputed: dict[tuple[str, str], list[Any]] = {}
    for record in records:
        for d in getattr(record, "disputes", []):
            assert d.sources and d.note, (record.id, d.field)
            disputed.setdefault((record.id, d.field), []).append(d.value)
    assert disputed[("icc-officials-designated-under-eo-14203", "members")] == [9, 10]
    assert disputed[("akane-at-asp-december-2025", "date")] == ["2025-12-20", "2025-12-02"]
    assert ("ultimatum-to-amend-rome-statute", "reason") in disputed
    assert ("threat-to-designate-the-icc", "reason") in disputed
    (two_thirds,) = disputed[("rome-statute-amendments", "summary")]
    assert "80" in two_thirds


def test_a_count_without_names_is_not_a_joint_statement(records):
    responses = {r.id: r for r in _of(records, Response)}
    seventy_nine = responses["states-parties-79-on-eo-14203"]
    assert (seventy_nine.member_count, seventy_nine.channel, seventy_nine.forum) == (
        79,
        "unknown",
        "unknown",
    )
    assert (seventy_nine.date, seventy_nine.date_certainty) == ("2025-02-06", "after")
    vow = responses["officials-vow-to-continue"]
    assert vow.member_count == 11 and len(vow.members) < 11


def test_every_record_cites_a_source(records):
    unsourced = [r.id for r in records if not isinstance(r, Source) and not r.sources]
    assert unsourced == []


def test_every_source_cited_exists(records, sources):
    missing = [
        (r.id, path, target)
        for r in records
        for path, kind, target in pointers(r)
        if kind == "source" and target not in sources
    ]
    assert missing == []
    by_title = {s.title: s for s in sources.values()}
    for incident in _of(records, Incident):
        for link in incident.sources:
            source = by_title.get(link.title)
            assert source is not None, (incident.id, link.title)
            assert link.url in (None, source.url), (incident.id, link.title)
            assert link.publisher in (None, source.publisher), (incident.id, link.title)


def test_the_seed_sources_are_the_seeds(sources, seeds):
    on_disk = {hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds.iterdir()}
    kept = {s.archive.sha256 for i, s in sources.items() if i.startswith("seed-")}
    assert kept == on_disk


def test_a_fact_from_outside_the_seeds_cites_a_document_or_a_list_entry(sources):
    others = [s for i, s in sources.items() if not i.startswith("seed-")]
    assert [s.id for s in others if not (s.url or s.list_entry)] == []
    for source in others:
        if source.list_entry:
            assert source.type in ("sanctions-list", "dataset"), source.id
            assert source.published, source.id
            assert _row(source.list_entry.file, source.list_entry.uid), source.id


def test_list_facts_on_actors_cite_their_list_entry(records, sources):
    for actor in records:
        ofac = getattr(getattr(actor, "external_ids", None), "ofac", None)
        if ofac is None:
            continue
        entries = [sources[s].list_entry for s in actor.sources if sources[s].list_entry]
        assert [e.uid for e in entries if e.list == "OFAC SDN"] == [ofac], actor.id
        (row,) = [_row(e.file, e.uid) for e in entries]
        assert f"DOB {_day_month_year(actor.birth_date)}" in row[-1], actor.id
        assert row[1].upper() in (a.upper() for a in actor.aliases), actor.id


def test_a_state_s_group_and_standing_agree_with_its_row_of_the_states_table(records, sources):
    for state in [r for r in records if getattr(r, "type", None) == "state"]:
        rows = [
            _row(e.file, e.uid, header=True)
            for e in (sources[s].list_entry for s in state.sources)
            if e and e.file == "states/states.csv"
        ]
        assert [row["iso2"] for row in rows] == [state.country], state.id
        (row,) = rows
        assert row["un_regional_group"] == state.region, state.id
        party = bool(row["rome_statute_deposit"]) and not row["rome_statute_withdrawal_effective"]
        assert (state.rome_statute == "party") == party, state.id


def test_every_qualified_date_says_what_it_rests_on(records):
    unexplained = [
        (record.id, key)
        for record in records
        for key, value, holder in _walk(stored_body(record))
        if key.endswith("Certainty")
        and value in ("inferred", "before", "after", "approximate")
        and not holder.get(key.removesuffix("Certainty") + "Note")
    ]
    assert unexplained == []


def test_no_url_is_invented(records, seeds):
    seed_text = "".join(p.read_text("utf-8") for p in seeds.iterdir())
    for record in records:
        for url in re.findall(r"https?://[^\s\"']+", str(stored_body(record))):
            assert url.rstrip(",)") in seed_text, (record.id, url)


def test_no_text_shares_seven_words_with_a_seed(records, seeds):
    seed_words = [_words(p.read_text("utf-8")) for p in seeds.iterdir()]
    seed_grams = {
        tuple(ws[i : i + WINDOW]) for ws in seed_words for i in range(len(ws) - WINDOW + 1)
    }
    copied = []
    for record in records:
        for key, text in _prose(stored_body(record)):
            words = _words(text)
            copied += [
                (record.id, key, " ".join(words[i : i + WINDOW]))
                for i in range(len(words) - WINDOW + 1)
                if tuple(words[i : i + WINDOW]) in seed_grams
            ]
    assert copied == [], sorted(set(copied))


def test_the_window_check_catches_a_copied_sentence(seeds):
    """The check above is only as good as its tokenising: a seed sentence must trip it."""
    sentence = "Judge Prost is one of eight ICC judges sanctioned by the US during 2025"
    assert len(_words(sentence)) > WINDOW
    text = "".join(p.read_text("utf-8") for p in seeds.iterdir())
    assert " ".join(_words(sentence)) in " ".join(_words(text))
    assert list(_prose({"summary": sentence, "quote": sentence})) == [("summary", sentence)]


def test_the_reference_case_loads_and_verifies(store, records):
    summary = store.import_records(read_records(reference_files()), author="t")
    assert summary.warnings == []
    expected: dict[str, int] = {}
    for record in records:
        expected[record.kind] = expected.get(record.kind, 0) + 1
    assert store.count() == expected
    assert store.verify() == []


def _row(file: str | None, uid: str, *, header: bool = False) -> Any:
    """The row of a list file under the shared data folder whose first column is `uid`:
    a list, or with `header` a mapping by the file's header row."""
    assert file, "a list entry names its file"
    with (SHARED / "data" / file).open(newline="", encoding="utf-8") as stream:
        rows = csv.DictReader(stream) if header else csv.reader(stream)
        first = next(iter(rows.fieldnames or [])) if header else 0
        return next((row for row in rows if row and row[first] == uid), None)


def _day_month_year(day: str | None) -> str:
    """A full date as the SDN file writes it in remarks (`30 Mar 1970`)."""
    return date.fromisoformat(day or "").strftime("%d %b %Y")


def _walk(value: Any) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Every (key, value, mapping holding it) in a stored body, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item, value
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", re.sub(r"<[^>]+>", " ", text.lower()))


def _prose(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Text we wrote, with the field it is in: everything but names, titles and quotes."""
    if isinstance(value, str):
        if key not in NAMES:
            yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _prose(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _prose(v, key)
