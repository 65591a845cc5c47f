"""States as reference data: UN membership, regional groups, Rome Statute membership.

Read from `data/states.csv` (derived by `scripts/derive_states.py` from the curated table
in `shared/data/states/`, whose sources, retrieval date and doubts `data/states.yaml`
carries). Membership is a dated interval, so "who was a State Party" is answered as of
any day: from entry into force (Article 126(2), not the deposit) until a withdrawal takes
effect (Article 127). A withdrawal announced but not deposited, or notified and then
revoked, never takes effect.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from anyascii import anyascii

from .vocabulary import SAFE_LOADER

COLUMNS = [
    "iso2",
    "iso3",
    "m49",
    "actor_id",
    "name",
    "name_en",
    "name_fr",
    "un_member",
    "un_admission_date",
    "un_regional_group",
    "un_regional_group_note",
    "rome_statute_signature",
    "rome_statute_deposit",
    "rome_statute_in_force",
    "rome_statute_withdrawal_notified",
    "rome_statute_withdrawal_effective",
    "apic_party",
]
"""The package table's columns: the curated table's, with the record's actor id and name."""

SHORT_NAMES = {
    "RU": "Russia",
    "PS": "Palestine",
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia",
    "VA": "Holy See",
}
"""Short names where neither the ISO name nor its common form is the one people use (the
reference case already calls these states `russia` and `palestine`)."""

NAMES = {"PS": "State of Palestine"}
"""Names shown for a state, where they differ from the short name its id is made from."""

SOURCE_ID = "states-table"
"""The source record that every state actor made from this table cites."""


def short_name_for(code: str, iso_name: str) -> str:
    """The English short name a state's actor id is made from: the ISO 3166 name, or its
    common form (`Bolivia`, `South Korea`) where pycountry gives one."""
    import pycountry

    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or iso_name


def actor_id_for(code: str, iso_name: str) -> str:
    """`united-states`, `south-africa`, `cote-d-ivoire`: lower-case words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", anyascii(short_name_for(code, iso_name)).lower())
    return "-".join(words)


def entry_into_force(deposit: str) -> str:
    """Article 126(2): 1 July 2002 for instruments deposited by 11 April 2002 (the 60th);
    after that, the first day of the month after the 60th day following deposit."""
    day = dt.date.fromisoformat(deposit)
    if day <= dt.date(2002, 4, 11):
        return "2002-07-01"
    later = day + dt.timedelta(days=60)
    return dt.date(later.year + (later.month == 12), later.month % 12 + 1, 1).isoformat()


@dataclass(frozen=True)
class State:
    code: str
    """ISO 3166-1 alpha-2."""
    iso3: str
    actor_id: str
    """The state's id as an actor of the record."""
    name: str
    iso_name: str
    """The ISO 3166 English short name (`Korea, Republic of`)."""
    name_fr: str
    un_member: bool
    region: str | None
    """UN regional group (a term of the `un-regions` vocabulary)."""
    region_note: str | None
    in_force: dt.date | None
    """When the Rome Statute entered into force for it."""
    deposit: dt.date | None
    signature: dt.date | None
    withdrawal_notified: dt.date | None
    withdrawal_effective: dt.date | None

    def party_on(self, day: dt.date) -> bool:
        """A State Party on that day: in force, and no withdrawal in effect yet."""
        if self.in_force is None or day < self.in_force:
            return False
        return self.withdrawal_effective is None or day < self.withdrawal_effective

    def rome_statute_status(self, day: dt.date) -> str:
        """The actor's `romeStatute` term on that day."""
        if self.party_on(day):
            return "party"
        return "signatory" if self.signature and not self.deposit else "non-party"


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@cache
def states() -> dict[str, State]:
    """Every state of the table by ISO code."""
    text = (files("coercionwatch.model") / "data" / "states.csv").read_text("utf-8")
    found = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["iso2"]
        found[code] = State(
            code=code,
            iso3=row["iso3"],
            actor_id=row["actor_id"],
            name=NAMES.get(code, row["name"]),
            iso_name=row["name_en"],
            name_fr=row["name_fr"],
            un_member=row["un_member"] == "yes",
            region=row["un_regional_group"] or None,
            region_note=row["un_regional_group_note"] or None,
            in_force=_date(row["rome_statute_in_force"]),
            deposit=_date(row["rome_statute_deposit"]),
            signature=_date(row["rome_statute_signature"]),
            withdrawal_notified=_date(row["rome_statute_withdrawal_notified"]),
            withdrawal_effective=_date(row["rome_statute_withdrawal_effective"]),
        )
    return found


@cache
def provenance() -> dict[str, Any]:
    """Where the table comes from, when it was read, and what is not settled."""
    text = (files("coercionwatch.model") / "data" / "states.yaml").read_text("utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)


def state(code: str) -> State | None:
    return states().get(code)


def is_state_code(code: str) -> bool:
    return code in states()


def un_members() -> list[State]:
    return [s for s in states().values() if s.un_member]


@cache
def _membership() -> tuple[list[dt.date], list[tuple[State, ...]]]:
    """The days on which the States Parties change (an entry into force, a withdrawal taking
    effect), each with the parties from that day on, by code: worked out once from the
    intervals, so that who was a party on a day is a look-up, however many days are asked."""
    table = states().values()
    days = sorted({d for s in table for d in (s.in_force, s.withdrawal_effective) if d})
    parties = [
        tuple(sorted((s for s in table if s.party_on(d)), key=lambda s: s.code)) for d in days
    ]
    return days, parties


def parties_as_of(day: dt.date | str) -> list[State]:
    """The States Parties on that day, by code."""
    when = dt.date.fromisoformat(day) if isinstance(day, str) else day
    days, parties = _membership()
    at = bisect_right(days, when) - 1
    return list(parties[at]) if at >= 0 else []


def regional_group(code: str) -> str | None:
    found = states().get(code)
    return found.region if found else None


def by_region(codes: Iterable[str]) -> dict[str, int]:
    """How many of these states each regional group has (none for a state in no group)."""
    counts: dict[str, int] = {}
    for code in codes:
        if group := regional_group(code):
            counts[group] = counts.get(group, 0) + 1
    return counts


@dataclass(frozen=True)
class MembershipDispute:
    """A membership fact the sources disagree on, and how it changes a count."""

    code: str
    field: str
    adopted: str | None
    other: str
    counted_from: dt.date
    """From this day, a count of States Parties depends on which value is right."""
    note: str
    sources: list[str]


def membership_disputes(day: dt.date | str) -> list[MembershipDispute]:
    """The disputed facts that a count of States Parties on that day depends on (Hungary's
    withdrawal after 2 June 2026): pages that give such a count say so."""
    when = dt.date.fromisoformat(day) if isinstance(day, str) else day
    found = []
    for entry in provenance().get("disputes", []):
        dispute = MembershipDispute(
            code=entry["state"],
            field=entry["field"],
            adopted=entry.get("adopted"),
            other=entry["other"],
            counted_from=dt.date.fromisoformat(entry["countsFrom"]),
            note=" ".join(entry["note"].split()),
            sources=list(entry.get("sources", [])),
        )
        if when >= dispute.counted_from:
            found.append(dispute)
    return found
