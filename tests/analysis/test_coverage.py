"""Coverage on a small case whose every figure is worked out by hand (see the comments)."""

import datetime as dt

import pytest

from coercionwatch.analysis.coverage import UnknownWave, coverage, report_json
from coercionwatch.ingest import read_records
from coercionwatch.reference import reference_files
from tests.helpers import import_files, write_lines

SRC = ["s"]


def _state(rid, code):
    return {
        "kind": "actor",
        "id": rid,
        "type": "state",
        "name": rid.title(),
        "country": code,
        "sources": SRC,
    }


def _response(rid, actor, date, measure, stance="condemn", **fields):
    return {
        "kind": "response",
        "id": rid,
        "actor": actor,
        "date": date,
        "stance": stance,
        "forum": fields.pop("forum", "national"),
        "answers": [{"measure": measure}],
        "sources": SRC,
        **fields,
    }


CASE = [
    {"kind": "source", "id": "s", "type": "article", "title": "A report"},
    _state("united-states", "US"),
    _state("canada", "CA"),
    _state("kenya", "KE"),
    _state("japan", "JP"),
    _state("ukraine", "UA"),
    _state("netherlands", "NL"),
    {
        "kind": "actor",
        "id": "core",
        "type": "group",
        "name": "Core group",
        "members": ["kenya"],
        "sources": SRC,
    },
    {
        "kind": "actor",
        "id": "judge-a",
        "type": "person",
        "name": "A",
        "nationality": ["KE"],
        "sources": SRC,
    },
    {"kind": "actor", "id": "judge-b", "type": "person", "name": "B", "sources": SRC},
    {
        "kind": "actor",
        "id": "judge-c",
        "type": "person",
        "name": "C",
        "nationality": ["JP"],
        "sources": SRC,
    },
    # Wave A: two designations on 20 December 2024 under the order.
    *[
        {
            "kind": "measure",
            "id": f"m-a{n}",
            "type": "designation",
            "imposer": "united-states",
            "target": t,
            "date": "2024-12-20",
            "legalBasis": [{"text": "Executive Order 14203"}],
            "sources": SRC,
        }
        for n, t in ((1, "judge-a"), (2, "judge-b"))
    ],
    # Wave B: one on 2 January 2025, named by its program only.
    {
        "kind": "measure",
        "id": "m-b",
        "type": "designation",
        "imposer": "united-states",
        "target": "judge-c",
        "date": "2025-01-02",
        "program": "ICC-EO14203",
        "sources": SRC,
    },
    _response("r1", "canada", "2024-12-22", "m-a1", channel="statement"),
    _response(
        "r2",
        "core",
        "2025-01-10",
        "m-a2",
        stance="support",
        members=["japan"],
        memberCount=40,
        forum="un-new-york",
        channel="joint-statement",
    ),
    _response("r3", "ukraine", "2024-12-21", "m-a1"),
    _response("r4", "netherlands", "2025-01", "m-b", stance="concern"),
    _response("r5", "kenya", "2025-01-03", "m-b", visibility="restricted"),
    {
        "kind": "countermeasure",
        "id": "c1",
        "name": "Host-state shield",
        "layer": "legal",
        "type": "blocking-statute",
        "status": "in-force",
        "actors": [{"actor": "netherlands"}],
        "covers": ["m-b"],
        "sources": SRC,
    },
    {
        "kind": "countermeasure",
        "id": "c2",
        "name": "A fund",
        "layer": "commercial",
        "type": "resilience-fund",
        "status": "proposed",
        "jurisdiction": "CA",
        "sources": SRC,
    },
]
A, B = "us-eo14203-2024-12-20", "us-eo14203-2025-01-02"


@pytest.fixture
def case(store, tmp_path):
    import_files(store, write_lines(tmp_path / "case.jsonl", CASE))
    return store


def _report(store, **options):
    with store.reading() as connection:
        return report_json(coverage(connection, **options))


def _waves(store, **options):
    return {w["id"]: w for w in _report(store, **options)["waves"]}


def test_waves_group_measures_by_imposer_day_and_authority(case):
    waves = _waves(case)
    assert list(waves) == [A, B]
    assert waves[A]["measures"] == ["m-a1", "m-a2"]
    assert (waves[A]["date"], waves[A]["imposer"]) == ("2024-12-20", "united-states")


def test_wave_a_by_hand(case):
    wave = _waves(case)[A]
    # 124 parties on 20 December 2024: Ukraine's ratification enters into force on 1 January.
    assert wave["statesParties"] == 124
    # Canada (r1), and through the joint r2: Kenya (a member of the group) and Japan.
    # Ukraine (r3) answered, but was not yet a party: neither answered nor silent.
    assert wave["answered"] == ["CA", "JP", "KE"]
    assert len(wave["silent"]) == 121 and "UA" not in wave["silent"] and "NL" in wave["silent"]
    assert wave["answeredWithin7"] == ["CA"]  # 2 days; r2 came after 21
    assert wave["answeredWithin30"] == ["CA", "JP", "KE"]
    assert (wave["firstAnswerDays"], wave["firstCrossRegionalDays"]) == (2, 21)
    assert wave["firstCrossRegionalResponse"] == "r2"
    assert wave["byRegion"] == {
        "african": {"parties": 33, "answered": 1},
        "asia-pacific": {"parties": 19, "answered": 1},
        "eastern-european": {"parties": 19, "answered": 0},  # without Ukraine
        "latin-american-caribbean": {"parties": 28, "answered": 0},
        "western-european-others": {"parties": 25, "answered": 1},
    }
    # 40 reported, two named: the other 38 are never spread over states.
    assert wave["reportedCounts"] == [
        {"response": "r2", "actor": "core", "memberCount": 40, "namedStatesParties": ["JP", "KE"]}
    ]
    assert wave["nationality"] == [{"target": "judge-a", "code": "KE", "answered": True}]
    assert wave["hostState"] == {"actor": "netherlands", "code": "NL", "answered": False}
    steps = {s["id"]: (s["done"], s["by"]) for s in wave["checklist"]}
    assert steps["un-new-york"] == (True, ["r2"])
    assert steps["nationality-state"] == (True, ["r2"])
    assert steps["cross-regional"] == (False, [])
    assert steps["host-state"] == (False, [])
    canada = next(a for a in wave["answers"] if a["code"] == "CA")
    assert canada == {
        "code": "CA",
        "region": "western-european-others",
        "firstDate": "2024-12-22",
        "days": 2,
        "leans": ["against"],
        "channels": ["statement"],
        "forums": ["national"],
        "responses": ["r1"],
    }


def test_wave_b_counts_only_the_public_record(case):
    wave = _waves(case)[B]
    assert wave["statesParties"] == 125  # Ukraine from 1 January 2025
    assert "UA" in wave["silent"]
    assert wave["answered"] == ["NL"]  # r5, Kenya's, is restricted
    # "2025-01" may be as late as the 31st: 29 days, within 30 but not within 7.
    assert (wave["answeredWithin7"], wave["answeredWithin30"]) == ([], ["NL"])
    assert wave["hostState"]["answered"] is True
    steps = {s["id"]: s["by"] for s in wave["checklist"]}
    assert steps["host-state"] == ["r4", "c1"]
    everything = _waves(case, public_only=False)[B]
    assert everything["answered"] == ["KE", "NL"]
    # r4 is dated to a month: its first answer is given as the month, with no day made up,
    # and its time counted from the wave's day (the month began before it).
    (netherlands,) = wave["answers"]
    assert (netherlands["firstDate"], netherlands["days"]) == ("2025-01", 0)


def test_a_measure_whose_day_is_not_given_is_a_wave_of_its_own(store, tmp_path):
    """Of four measures dated 2 January 2025 under the order, only those whose day the
    record gives share the day's wave: one "on or before" the day, and one dated only to
    January, may be other days."""
    (m_b,) = (r for r in CASE if r["id"] == "m-b")
    uncertain = [
        {**m_b, "id": "m-b2", "dateCertainty": "inferred", "dateNote": "from the order"},
        {**m_b, "id": "m-b3", "dateCertainty": "before"},
        {**m_b, "id": "m-b4", "date": "2025-01"},
        _response("r6", "canada", "2025-01-05", "m-b3"),
    ]
    import_files(store, write_lines(tmp_path / "case.jsonl", [*CASE, *uncertain]))
    waves = _waves(store)
    assert waves[B]["measures"] == ["m-b", "m-b2"]
    assert waves[B]["answered"] == ["NL"]
    assert waves[f"{B}-m-b3"]["measures"] == ["m-b3"]
    assert waves[f"{B}-m-b3"]["answered"] == ["CA"]
    assert waves["us-eo14203-2025-01-m-b4"]["measures"] == ["m-b4"]


def test_as_of_and_within(case):
    waves = _waves(case, as_of=dt.date(2024, 12, 31))
    assert list(waves) == [A]  # wave B had not happened yet
    assert waves[A]["answered"] == ["CA"]  # r2 came on 10 January
    assert _waves(case, within=7)[A]["answered"] == ["CA"]
    assert len(_waves(case, within=7)[A]["silent"]) == 123


def test_a_measure_as_a_wave_of_its_own(case):
    (wave,) = _report(case, measure="m-a1")["waves"]
    assert (wave["id"], wave["measures"], wave["answered"]) == ("m-a1", ["m-a1"], ["CA"])
    with pytest.raises(UnknownWave):
        _report(case, wave="us-eo14203-1999-01-01")


def test_layers_per_state(case):
    states = {s["code"]: s for s in _report(case, as_of=dt.date(2025, 6, 1))["states"]}
    nl = states["NL"]
    assert nl["layers"]["legal"] == {"status": "present", "by": ["c1"], "channels": []}
    assert nl["layers"]["reputational"]["status"] == "present"
    assert nl["gaps"] == ["commercial"]
    assert states["CA"]["layers"]["commercial"] == {
        "status": "proposed",
        "by": ["c2"],
        "channels": [],
    }
    assert states["DE"]["gaps"] == ["legal", "reputational", "commercial"]


def test_a_withdrawal_that_took_effect_is_not_counted_after_it(store, tmp_path):
    records = [
        CASE[0],
        _state("united-states", "US"),
        _state("burundi", "BI"),
        CASE[9],
        *[
            {
                "kind": "measure",
                "id": f"m{n}",
                "type": "threat",
                "imposer": "united-states",
                "target": "judge-b",
                "date": day,
                "sources": SRC,
            }
            for n, day in ((1, "2017-10-26"), (2, "2017-10-27"))
        ],
    ]
    import_files(store, write_lines(tmp_path / "b.jsonl", records))
    waves = _waves(store)
    assert "BI" in waves["us-threat-2017-10-26"]["silent"]
    assert "BI" not in waves["us-threat-2017-10-27"]["silent"]
    assert (
        waves["us-threat-2017-10-26"]["statesParties"] - 1
        == (waves["us-threat-2017-10-27"]["statesParties"])
    )


def test_the_reference_case(store):
    store.import_records(read_records(reference_files()), author="test")
    waves = _waves(store)
    order = waves["us-eo14203-2025-02-06"]
    assert order["measures"] == ["designation-karim-khan", "eo-14203-order"]
    # The 79 States Parties are a count without names: counted apart, no state answered.
    assert {
        "response": "states-parties-79-on-eo-14203",
        "actor": "states-parties-79",
        "memberCount": 79,
        "namedStatesParties": [],
    } in order["reportedCounts"]
    assert order["answered"] == ["CA", "FR", "GB", "SI"]
    june = waves["us-eo14203-2025-06-05"]
    assert len(june["measures"]) == 4
    assert june["answered"] == ["ES", "NL", "ZA"]
    august = waves["us-eo14203-2025-08-20"]
    # Albanese's designation came "on or before" that day: a wave of its own.
    assert "designation-francesca-albanese" not in august["measures"]
    assert waves["us-eo14203-2025-08-20-designation-francesca-albanese"]["measures"] == [
        "designation-francesca-albanese"
    ]
    assert august["answered"] == ["CA", "FR", "SN"]
    assert august["firstAnswerDays"] == 0  # France, "2025-08", counted from the wave's day
    nationality = {n["code"]: n["answered"] for n in august["nationality"]}
    assert nationality["CA"] is True and nationality["FR"] is True
    assert waves["us-eo14203-2025-12-18"]["answered"] == []


def test_only_a_protection_in_force_by_then_fulfils_a_step(store, tmp_path):
    """The host state's step for wave B: a case only proposed fulfils nothing, and one in
    force counts from its date on, not before."""
    later = [
        *CASE,
        {
            "kind": "countermeasure",
            "id": "c3",
            "name": "A case states could bring",
            "layer": "legal",
            "type": "litigation",
            "status": "proposed",
            "actors": [{"actor": "netherlands"}],
            "covers": ["m-b"],
            "sources": SRC,
        },
        {
            "kind": "countermeasure",
            "id": "c4",
            "name": "A later order",
            "layer": "legal",
            "type": "blocking-statute",
            "status": "in-force",
            "date": "2025-03",
            "actors": [{"actor": "netherlands"}],
            "covers": ["m-b"],
            "sources": SRC,
        },
    ]
    import_files(store, write_lines(tmp_path / "case.jsonl", later))

    def host_step(**options):
        wave = _waves(store, **options)[B]
        return next(s["by"] for s in wave["checklist"] if s["id"] == "host-state")

    assert host_step() == ["r4", "c1", "c4"]
    assert host_step(as_of=dt.date(2025, 2, 28)) == ["r4", "c1"]
    assert host_step(as_of=dt.date(2025, 3, 1)) == ["r4", "c1", "c4"]
