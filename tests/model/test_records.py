import pytest
from pydantic import ValidationError

from coercionwatch.model import Incident

INCIDENT = {
    "slug": "s",
    "title": "T",
    "date": "2025",
    "summary": "S",
    "category": "rule-of-law",
    "severity": "critical",
    "posture": "reported",
}


@pytest.mark.parametrize(
    ("field", "given"),
    [
        ("ongoing", "yes"),
        ("ongoing", 1),
        ("iccRelevance", "true"),
        ("civilianCasualties", "12"),
        ("civilianCasualties", 12.0),
        ("civilianCasualties", True),
    ],
)
def test_values_are_not_coerced_from_another_type(field, given):
    with pytest.raises(ValidationError) as caught:
        Incident.model_validate({**INCIDENT, field: given})
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


def test_counts_are_not_negative():
    assert Incident.model_validate({**INCIDENT, "civilianCasualties": 0}).civilian_casualties == 0
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Incident.model_validate({**INCIDENT, "civilianCasualties": -3})


# --- model v2


def _response(**fields):
    from coercionwatch.model import Response

    return Response.model_validate(
        {"id": "r", "actor": "a", "stance": "condemn", "forum": "national", **fields}
    )


def test_a_date_may_say_how_sure_it_is_but_not_without_the_date():
    response = _response(date="2025-02", dateCertainty="approximate", dateNote="reported on")
    assert (response.date_certainty, response.date_note) == ("approximate", "reported on")
    with pytest.raises(ValidationError, match="dateCertainty is given without date"):
        _response(dateCertainty="approximate")
    with pytest.raises(ValidationError, match="dateNote is given without date"):
        _response(dateNote="reported on")


def test_an_inferred_date_says_what_it_rests_on():
    with pytest.raises(ValidationError, match="add dateNote to date"):
        _response(date="2025", dateCertainty="inferred")
    assert _response(date="2025", dateCertainty="inferred", dateNote="from the order").date


def test_every_date_field_of_a_measure_can_be_qualified():
    from coercionwatch.model import Measure

    measure = Measure.model_validate(
        {
            "id": "m",
            "type": "in-absentia-sentence",
            "imposer": "russia",
            "target": "khan",
            "act": "moscow-verdict",
            "announced": "2025-12",
            "announcedCertainty": "before",
            "effective": "2026-01-01",
            "statusDate": "2026",
            "statusDateCertainty": "inferred",
            "statusDateNote": "the year the appeal was reported",
        }
    )
    assert (measure.announced_certainty, measure.status_date_note) == (
        "before",
        "the year the appeal was reported",
    )
    with pytest.raises(ValidationError, match="effectiveCertainty is given without effective"):
        Measure.model_validate(
            {
                "id": "m",
                "type": "threat",
                "imposer": "a",
                "target": "b",
                "effectiveCertainty": "exact",
            }
        )


def test_a_dispute_names_a_field_the_kind_has():
    response = _response(
        date="2025-12-02", disputes=[{"field": "date", "value": "2025-12-20", "sources": ["s"]}]
    )
    assert response.disputes[0].value == "2025-12-20"
    with pytest.raises(ValidationError, match="names the field 'colour'"):
        _response(disputes=[{"field": "colour", "value": "red"}])


def test_an_answer_names_exactly_one_record():
    response = _response(answers=[{"countermeasure": "c"}, {"response": "r0"}, "m"])
    assert (response.answered("measure"), response.answered("response")) == (["m"], ["r0"])
    with pytest.raises(ValidationError, match="exactly one of measure, countermeasure"):
        _response(answers=[{"measure": "m", "response": "r0"}])
    with pytest.raises(ValidationError, match="exactly one"):
        _response(answers=[{}])


def test_a_joint_response_counts_its_members():
    response = _response(
        members=["canada", "slovenia"], memberCount=79, membersNote="79 States Parties"
    )
    assert response.participants() == ["a", "canada", "slovenia"]
    with pytest.raises(ValidationError, match="memberCount 1 is less than the 2 members"):
        _response(members=["canada", "slovenia"], memberCount=1)


def test_version_1_files_read_as_version_2():
    from coercionwatch.model import Countermeasure, Measure, stored_body

    joint = _response(forum="joint", answers=["eo"])
    assert (joint.forum, joint.channel, joint.answered("measure")) == (
        "unknown",
        "joint-statement",
        ["eo"],
    )
    assert _response(forum="un-body").forum == "other"
    measure = Measure.model_validate(
        {
            "id": "m",
            "type": "designation",
            "imposer": "us",
            "target": "k",
            "authority": "Executive Order 14203",
            "provisions": ["art-70"],
        }
    )
    body = stored_body(measure)
    assert body["legalBasis"] == [{"text": "Executive Order 14203"}]
    assert body["breaches"] == [{"provision": "art-70", "by": []}]
    assert "authority" not in body and "provisions" not in body
    cm = Countermeasure.model_validate(
        {
            "id": "c",
            "name": "N",
            "layer": "legal",
            "type": "litigation",
            "status": "pending",
            "actors": ["aclu", {"actor": "court-x", "role": "court"}],
        }
    )
    assert [(a.actor, a.role) for a in cm.actors] == [("aclu", None), ("court-x", "court")]


def test_a_legal_basis_names_a_provision_or_gives_text():
    from coercionwatch.model import LegalBasis

    assert LegalBasis(provision="ieepa").provision == "ieepa"
    with pytest.raises(ValidationError, match="names a provision or gives its text"):
        LegalBasis()


def test_jurisdictions_include_international_bodies():
    from coercionwatch.model import Provision

    for code in ("NL", "EU", "UN", "ICC", "COE", "INT"):
        assert Provision(id="p", instrument="I", jurisdiction=code).jurisdiction == code
    with pytest.raises(ValidationError):
        Provision(id="p", instrument="I", jurisdiction="Council of Europe")
