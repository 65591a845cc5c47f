"""The response checklist counts every member of a joint answer, and leans, not words."""

from coercionwatch.analysis.checklist import steps_for
from coercionwatch.model import Actor, Measure, Response

REGIONS = {
    "kenya": "african",
    "japan": "asia-pacific",
    "slovenia": "eastern-european",
    "chile": "latin-american-caribbean",
    "canada": "western-european-others",
}
GROUPS = [
    "African States",
    "Asia-Pacific States",
    "Eastern European States",
    "Latin American and Caribbean States",
    "Western European and other States",
]
"""The UN regional groups by their labels, in the vocabulary's order."""
ACTORS = {
    **{
        code: Actor(id=code, name=code.title(), type="state", region=region)
        for code, region in REGIONS.items()
    },
    "core-group": Actor(
        id="core-group", name="Core group", type="group", members=["kenya", "japan"]
    ),
    "netherlands": Actor(id="netherlands", name="Netherlands", type="state", country="NL"),
    "judge": Actor(id="judge", name="A judge", type="person", nationality=["SI"]),
}
ACTORS["slovenia"] = ACTORS["slovenia"].model_copy(update={"country": "SI"})
MEASURE = Measure(id="m", type="designation", imposer="us", target="judge")


def _response(rid: str, actor: str, stance: str = "condemn", **fields) -> Response:
    return Response.model_validate(
        {
            "id": rid,
            "actor": actor,
            "stance": stance,
            "forum": "unknown",
            "answers": ["m"],
            **fields,
        }
    )


def _steps(*responses: Response) -> dict[str, list[str]]:
    steps = steps_for(MEASURE, ACTORS["judge"], list(responses), [], ACTORS)
    return {step.id: step.by for step in steps}


def test_every_member_of_a_joint_answer_counts_for_its_region():
    joint = _response(
        "joint", "core-group", stance="support", members=["slovenia", "chile", "canada"]
    )
    steps = _steps(joint)
    assert steps["cross-regional"] == GROUPS  # kenya, japan via the group
    assert steps["nationality-state"] == ["joint"]  # Slovenia joined it


def test_a_stance_counts_by_its_lean():
    assert _steps(_response("r", "netherlands", stance="regret"))["host-state"] == ["r"]
    assert _steps(_response("r", "netherlands", stance="welcome"))["host-state"] == []
    assert _steps(_response("r", "netherlands", stance="monitor"))["host-state"] == []


def test_regional_groups_are_named_by_their_labels():
    (step,) = [
        s
        for s in steps_for(MEASURE, ACTORS["judge"], [_response("r", "kenya")], [], ACTORS)
        if s.id == "cross-regional"
    ]
    assert (step.done, step.by) == (False, [])
    assert step.missing == GROUPS[1:]
