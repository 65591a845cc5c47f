import json

import pytest

from coercionwatch.ingest import Incoming, RawItem, Rules, parse_item, read_records
from coercionwatch.model import KINDS, Incident, Location, Problem, vocabulary
from coercionwatch.model.kinds import field_name, vocabulary_fields
from tests.helpers import write_json, write_lines


def _read(*paths):
    return list(read_records(paths))


def test_the_seed_envelope_reads_as_an_incident(seed_incident):
    (item,) = _read(seed_incident)
    assert isinstance(item, Incoming) and isinstance(item.record, Incident)
    assert item.record.site == "https://trumpswarcrimes.com"
    assert item.warnings == []


def test_a_derived_field_that_disagrees_is_a_warning(tmp_path, seed_incident):
    envelope = json.loads(seed_incident.read_text("utf-8"))
    envelope["record"]["sourceCount"] = 99
    envelope["record"]["severityLabel"] = "Minor"
    (item,) = _read(write_json(tmp_path / "seed.json", envelope))
    assert isinstance(item, Incoming)
    assert {w.field for w in item.warnings} == {"sourceCount", "severityLabel"}
    assert "given 99, computed 15" in str(item.warnings[0]) + str(item.warnings[1])


def test_envelope_with_missing_parts_names_them(tmp_path, seed_incident):
    envelope = json.loads(seed_incident.read_text("utf-8"))
    del envelope["site"]
    del envelope["record"]["title"]
    problems = _read(write_json(tmp_path / "a.json", envelope))
    assert [p.field for p in problems] == ["site"]
    envelope["site"] = "https://trumpswarcrimes.com"
    (problem,) = _read(write_json(tmp_path / "b.json", envelope))
    assert (problem.kind, problem.record_id, problem.field) == (
        "incident",
        "icc-immunity-demands-rome-statute",
        "title",
    )
    assert "Field required" in problem.message


def test_native_records_of_every_shape(tmp_path):
    single = write_json(
        tmp_path / "one.json", {"kind": "provision", "id": "p", "instrument": "I", "summary": "s"}
    )
    listed = write_json(
        tmp_path / "many.json", [{"kind": "actor", "id": "a", "name": "A", "type": "state"}]
    )
    lines = write_lines(
        tmp_path / "lines.jsonl", [{"kind": "actor", "id": "b", "name": "B", "type": "court"}]
    )
    items = _read(single, listed, lines)
    assert [(i.record.kind, i.record.id) for i in items] == [
        ("provision", "p"),
        ("actor", "a"),
        ("actor", "b"),
    ]


def test_bad_records_are_located_by_file_record_and_field(tmp_path):
    path = write_lines(
        tmp_path / "bad.jsonl",
        [
            {"kind": "measure", "id": "m1", "type": "designation", "imposer": "u", "target": 7},
            {"kind": "response", "id": "r1", "actor": "a", "stance": "shrug", "forum": "national"},
            {"kind": "planet", "id": "x"},
            {"id": "y"},
            ["not", "an", "object"],
        ],
    )
    problems = _read(path)
    assert all(isinstance(p, Problem) for p in problems)
    rendered = [str(p) for p in problems]
    assert rendered[0] == f"{path}:1: measure 'm1': field 'target': Input should be a valid string"
    assert rendered[1].startswith(f"{path}:2: response 'r1': field 'stance': 'shrug' is not in")
    assert "unknown kind 'planet'" in rendered[2]
    assert "neither a seed envelope" in rendered[3]
    assert rendered[4] == f"{path}:5: expected a JSON object, found list"


def test_a_kind_that_is_not_text_is_named_not_crashed_on(tmp_path):
    path = write_lines(
        tmp_path / "kinds.jsonl",
        [{"kind": ["actor"], "id": "a"}, {"kind": {"actor": 1}, "slug": "b"}],
    )
    problems = _read(path)
    assert [(p.location.line, p.record_id, p.field) for p in problems] == [
        (1, "a", "kind"),
        (2, "b", "kind"),
    ]
    assert all(p.message.startswith("the kind must be text (one of incident,") for p in problems)


def test_an_envelope_from_our_own_site_does_not_store_that_site(tmp_path, seed_incident):
    envelope = json.loads(seed_incident.read_text("utf-8"))
    ours = Rules(site="https://trumpswarcrimes.com/")
    (item,) = list(read_records([seed_incident], rules=ours))
    assert item.record.site is None  # our own export coming back
    assert item.warnings == []  # its url and citation were derived from our site
    (other,) = list(read_records([seed_incident], rules=Rules(site="https://example.org")))
    assert other.record.site == envelope["site"]


def test_an_entry_without_sources_is_a_warning_or_with_the_rule_refused(tmp_path):
    records = [
        {"kind": "source", "id": "s", "title": "A statement", "type": "statement"},
        {"kind": "actor", "id": "usa", "name": "US", "type": "state", "sources": ["s"]},
        {"kind": "measure", "id": "m", "type": "threat", "imposer": "usa", "target": "usa"},
    ]
    path = write_lines(tmp_path / "r.jsonl", records)
    source, sourced, unsourced = _read(path)
    assert source.warnings == [] and sourced.warnings == []
    (warning,) = unsourced.warnings
    assert str(warning) == (
        f"{path}:3: measure 'm': field 'sources': names no source; every entry should name "
        "the sources it rests on"
    )
    refused = list(read_records([path], rules=Rules(require_sources=True)))
    assert refused[2] == warning


VOCABULARY_FIELDS = [
    (kind, field, name)
    for kind, cls in KINDS.items()
    for field, name in vocabulary_fields(cls).items()
] + [
    ("countermeasure", "actors.0.role", "countermeasure-roles"),
    ("countermeasure", "milestones.0.stage", "milestone-stages"),
]
REQUIRED = {
    (kind, field)
    for kind, field, _ in VOCABULARY_FIELDS
    if "." not in field and KINDS[kind].model_fields[field_name(KINDS[kind], field)].is_required()
}


@pytest.mark.parametrize(
    ("kind", "path", "name", "bad"),
    [
        (kind, path, name, bad)
        for kind, path, name in VOCABULARY_FIELDS
        for bad in ["no-such-term", 7, *(["missing"] if (kind, path) in REQUIRED else [])]
    ],
)
def test_every_vocabulary_error_lists_the_terms(kind, path, name, bad):
    """Whether the value is wrong, not text, or missing, the problem names every term."""
    head, *rest = path.split(".")
    body = {"kind": kind, "id": "x"}
    if bad != "missing":
        body[head] = [{rest[-1]: bad}] if rest else bad
    problems = parse_item(RawItem(Location("f.json"), body))
    (problem,) = [p for p in problems if p.field == path]
    assert all(term in problem.message for term in vocabulary(name).terms), str(problem)
