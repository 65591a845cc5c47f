"""The states table against totals known from its sources, and against the curated table
it is derived from."""

import datetime as dt
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from coercionwatch.model import states as st
from tests.conftest import SHARED

REFERENCE_ACTORS = Path(st.__file__).parents[1] / "reference" / "actors.yaml"


def test_193_un_members_and_the_non_member_parties():
    assert len(st.un_members()) == 193
    non_members = sorted(s.code for s in st.states().values() if not s.un_member)
    assert non_members == ["CK", "PS", "VA"]
    assert {s.code for s in st.parties_as_of("2025-01-01") if not s.un_member} == {"CK", "PS"}


@pytest.mark.parametrize(
    ("day", "count"),
    [("2002-07-01", 66), ("2002-06-30", 0), ("2024-12-01", 124), ("2025-01-01", 125)],
)
def test_states_parties_in_force_on_a_date(day, count):
    assert len(st.parties_as_of(day)) == count


def test_ukraine_counts_from_entry_into_force_not_deposit():
    ukraine = st.state("UA")
    assert ukraine.deposit == dt.date(2024, 10, 25)
    assert ukraine.in_force == dt.date(2025, 1, 1)
    assert not ukraine.party_on(dt.date(2024, 12, 31))
    assert ukraine.party_on(dt.date(2025, 1, 1))


def test_a_withdrawal_counts_from_the_day_it_takes_effect():
    burundi = {s.code for s in st.parties_as_of("2017-10-26")}
    assert "BI" in burundi
    assert "BI" not in {s.code for s in st.parties_as_of("2017-10-27")}
    assert "PH" not in {s.code for s in st.parties_as_of("2019-03-17")}
    # Notified and then revoked, or only announced: never in effect.
    later = {s.code for s in st.parties_as_of("2026-01-01")}
    assert {"GM", "ZA", "BF", "ML", "NE"} <= later


def test_parties_by_regional_group_on_1_january_2025():
    parties = [s.code for s in st.parties_as_of("2025-01-01")]
    assert st.by_region(parties) == {
        "african": 33,
        "asia-pacific": 19,
        "eastern-european": 20,
        "latin-american-caribbean": 28,
        "western-european-others": 25,
    }


def test_regional_group_exceptions_are_documented():
    assert st.regional_group("TR") == "western-european-others"
    assert st.regional_group("US") == "western-european-others"
    assert st.regional_group("VA") is None
    documented = {e["state"] for e in st.provenance()["regionalGroupExceptions"]}
    assert {"TR", "IL", "US", "KI", "PS", "CK"} <= documented
    assert all(st.state(code).region_note for code in ("TR", "US", "PS"))


def test_hungary_is_a_disputed_count_after_june_2026():
    assert st.membership_disputes("2026-06-01") == []
    (dispute,) = st.membership_disputes("2026-07-01")
    assert dispute.code == "HU" and dispute.other == "2026-06-02"
    assert "HU" in {s.code for s in st.parties_as_of("2026-07-01")}
    assert st.provenance()["retrieved"] == "2026-11-23" and st.provenance()["sources"]


def test_article_126_entry_into_force():
    assert st.entry_into_force("2002-04-11") == "2002-07-01"
    assert st.entry_into_force("2002-04-12") == "2002-07-01"  # +60 days: 11 June
    assert st.entry_into_force("2024-10-25") == "2025-01-01"  # +60 days: 24 December
    assert st.entry_into_force("2015-01-02") == "2015-04-01"  # Palestine


def test_actor_ids_are_the_reference_case_ids():
    """Every state the reference case records keeps its id, and every id is unique."""
    actors = yaml.safe_load(REFERENCE_ACTORS.read_text("utf-8"))
    by_code = {s.code: s.actor_id for s in st.states().values()}
    for actor in actors:
        if actor.get("type") == "state":
            assert by_code[actor["country"]] == actor["id"]
    ids = list(by_code.values())
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    assert by_code["CI"] == "cote-d-ivoire" and by_code["KR"] == "south-korea"


def test_names_in_english_and_french():
    assert st.state("DE").name == "Germany" and st.state("DE").name_fr == "Allemagne"
    assert st.state("PS").name == "State of Palestine"
    assert all(s.name and s.name_fr for s in st.states().values())


def test_the_package_table_is_derived_from_the_curated_one():
    curated = SHARED / "data" / "states"
    if not (curated / "states.csv").exists():
        pytest.skip(f"the curated table is not at {curated}")
    script = Path(__file__).resolve().parents[2] / "scripts" / "derive_states.py"
    spec = importlib.util.spec_from_file_location("derive_states", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table, notes = module.derive(curated)
    data = Path(st.__file__).parent / "data"
    assert (data / "states.csv").read_text("utf-8") == table
    assert (data / "states-notes.csv").read_text("utf-8") == notes
