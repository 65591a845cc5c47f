from coercionwatch.model import Actor, Measure, Response, project, public_view

RESTRICTED = {("actor", "witness-a"), ("measure", "m-secret")}


def test_restricted_records_are_never_shown():
    witness = Actor(
        id="witness-a", name="Protected witness", type="person", visibility="restricted"
    )
    assert project(witness, RESTRICTED) is None


def test_optional_pointers_to_restricted_records_are_removed():
    response = Response(
        id="r", actor="france", stance="condemn", forum="national", answers=["m-public", "m-secret"]
    )
    shown = project(response, RESTRICTED)
    assert shown is not None and shown.answered("measure") == ["m-public"]
    assert len(shown.answers) == 1  # the answer naming the withheld measure goes whole


def test_pointers_inside_parts_are_dropped_at_any_depth():
    measure = Measure(
        id="m",
        type="designation",
        imposer="usa",
        target="k",
        breaches=[
            {"provision": "art-70", "by": ["witness-a", "icc"], "source": "s"},
            {"provision": "p-secret"},
        ],
    )
    shown = project(measure, RESTRICTED | {("provision", "p-secret"), ("source", "s")})
    assert shown is not None
    # A breach cannot stand without its provision; `by` loses only the withheld actor.
    assert [(b.provision, b.by, b.source) for b in shown.breaches] == [("art-70", ["icc"], None)]
    response = Response(
        id="r",
        actor="france",
        stance="condemn",
        forum="national",
        speaker={"name": "A minister", "actor": "witness-a"},
        members=["witness-a", "spain"],
        disputes=[{"field": "date", "value": "2025-12", "sources": ["s", "t"]}],
    )
    shown = project(response, RESTRICTED | {("source", "s")})
    assert shown is not None and shown.speaker is not None
    assert (shown.speaker.name, shown.speaker.actor) == ("A minister", None)
    assert shown.members == ["spain"]
    assert shown.disputes[0].sources == ["t"]


def test_a_record_that_needs_a_restricted_one_is_withheld():
    measure = Measure(id="m", type="threat", imposer="usa", target="witness-a")
    assert project(measure, RESTRICTED) is None


def test_nested_pointers_are_cleared():
    judge = Actor(
        id="j", name="J", type="person", roles=[{"title": "Contact", "organisation": "witness-a"}]
    )
    shown = project(judge, RESTRICTED)
    assert shown is not None and shown.roles[0].organisation is None
    assert judge.roles[0].organisation == "witness-a"  # the stored record is untouched


def test_public_view_filters_a_stream():
    records = [
        Actor(id="a", name="A", type="person"),
        Actor(id="witness-a", name="W", type="person", visibility="restricted"),
    ]
    assert [r.id for r in public_view(records, RESTRICTED)] == ["a"]


def test_the_withheld_set_follows_required_pointers_to_a_fixed_point():
    from coercionwatch.model import withheld_set

    edges = [
        ("measure", "m1", "target", "actor", "witness"),  # required: withheld with it
        ("response", "r1", "actor", "actor", "witness"),  # required
        ("response", "r2", "answers.measure", "measure", "m1"),  # a list: only the pointer goes
        ("response", "r3", "members", "actor", "witness"),
        ("measure", "m2", "sources", "source", "s1"),
        ("measure", "m3", "imposer", "actor", "a-public"),
    ]
    assert withheld_set({("actor", "witness")}, edges) == {
        ("actor", "witness"),
        ("measure", "m1"),
        ("response", "r1"),
    }


def test_soft_pointers_to_withheld_records_are_dropped():
    from coercionwatch.model import Incident

    incident = Incident(
        slug="public-one",
        title="Public",
        date="2025",
        summary="s",
        category="cyber",
        severity="limited",
        posture="alleged",
        related_incidents=["secret-one", "other"],
    )
    shown = project(incident, {("incident", "secret-one")})
    assert shown is not None and shown.related_incidents == ["other"]


def test_a_withheld_public_record_is_not_shown():
    measure = Measure(id="m", type="threat", imposer="usa", target="a")
    assert project(measure, {("measure", "m")}) is None
