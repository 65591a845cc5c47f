import json

import pytest
from pydantic import ValidationError

from coercionwatch.model import Incident, UpdateNote
from coercionwatch.model.incident import DERIVED_KEYS, SEED_KEYS


def _seed(seed_incident):
    envelope = json.loads(seed_incident.read_text("utf-8"))
    record = {k: v for k, v in envelope["record"].items() if k not in DERIVED_KEYS}
    return envelope, Incident.model_validate({**record, "site": envelope["site"]})


def test_seed_record_is_reproduced_byte_for_byte(seed_incident):
    envelope, incident = _seed(seed_incident)
    rebuilt = {**envelope, "record": incident.seed_record(envelope["site"], [])}
    assert json.dumps(rebuilt, indent=2, ensure_ascii=False) == seed_incident.read_text("utf-8")
    assert list(rebuilt["record"]) == list(SEED_KEYS)


def test_derived_fields_follow_their_inputs(seed_incident):
    _, incident = _seed(seed_incident)
    changed = incident.model_copy(update={"severity": "critical", "title": "Another title"})
    note = UpdateNote(date="2026-05-01", summary="Added the ASP resolution.")
    record = changed.seed_record("https://example.org/", [note])
    assert record["severityLabel"] == "Systemic Threat"
    assert record["url"] == "https://example.org/incident/icc-immunity-demands-rome-statute"
    assert record["lastUpdated"] == "2026-05-01"
    assert record["displayLastUpdated"] == "May 1, 2026"
    assert record["updateCount"] == 1
    assert record["updateLog"] == [{"date": "2026-05-01", "summary": "Added the ASP resolution."}]
    assert record["citation"] == (
        "Another title. https://example.org/incident/icc-immunity-demands-rome-statute. "
        "Published February 6, 2025. Updated May 1, 2026."
    )
    assert record["sourceCount"] == len(incident.sources) == 15


def test_partial_dates_display_only_what_is_known():
    incident = Incident(
        slug="x",
        title="T",
        date="2025-12",
        summary="s",
        category="cyber",
        severity="limited",
        posture="alleged",
    )
    record = incident.seed_record("https://example.org", [])
    assert record["displayDate"] == "December 2025"
    assert record["citation"].endswith("Published December 2025. Updated December 2025.")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2025-02-30"}, "date"),
        ({"date": "6 February 2025"}, "date"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"slug": "Has Spaces"}, "slug"),
        ({"unknownField": 1}, "unknownField"),
    ],
)
def test_invalid_incidents_name_the_field(change, field):
    base = {
        "slug": "x",
        "title": "T",
        "date": "2025-01-01",
        "summary": "s",
        "category": "cyber",
        "severity": "limited",
        "posture": "alleged",
    }
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate({**base, **change})
    assert field in {str(part) for e in caught.value.errors() for part in e["loc"]}


def test_id_and_slug_must_agree():
    with pytest.raises(ValidationError, match="id and slug"):
        Incident.model_validate(
            {
                "id": "a",
                "slug": "b",
                "title": "T",
                "date": "2025",
                "summary": "s",
                "category": "cyber",
                "severity": "limited",
                "posture": "alleged",
            }
        )
