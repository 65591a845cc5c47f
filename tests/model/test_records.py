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
