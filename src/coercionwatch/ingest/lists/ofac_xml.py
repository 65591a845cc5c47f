"""OFAC's classic sdn.xml (and cons.xml): one sdnEntry element per listed party."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from coercionwatch.model.lists import ListEntry

from .common import country_code, iso_date, unique
from .xml import children, elements, local, text

ADDRESS_PARTS = (
    "address1",
    "address2",
    "address3",
    "city",
    "stateOrProvince",
    "postalCode",
    "country",
)
TYPES = {"individual": "individual", "entity": "entity", "vessel": "vessel", "aircraft": "aircraft"}


def _name(element: object) -> str:
    last, first = text(element, "lastName"), text(element, "firstName")  # type: ignore[arg-type]
    return f"{last}, {first}" if last and first else (last or first or "")


def publish_date(path: Path) -> str | None:
    for element in elements(path, ("Publish_Date", "sdnEntry")):
        if local(element) == "sdnEntry":
            return None
        value = (element.text or "").strip()
        try:
            return dt.datetime.strptime(value, "%m/%d/%Y").date().isoformat()
        except ValueError:
            return None
    return None


def read_ofac_xml(path: Path) -> Iterator[ListEntry]:
    for entry in elements(path, ("sdnEntry",)):
        addresses = []
        for address in children(entry, "addressList/address"):
            parts = [text(address, n) for n in ADDRESS_PARTS]
            addresses.append(", ".join(p for p in parts if p))
        identifiers = [
            " ".join(p for p in (text(i, "idType"), text(i, "idNumber")) if p)
            + (f" ({country})" if (country := text(i, "idCountry")) else "")
            for i in children(entry, "idList/id")
        ]
        countries = [text(n, "country") for n in children(entry, "nationalityList/nationality")]
        countries += [text(c, "country") for c in children(entry, "citizenshipList/citizenship")]
        births = [
            text(b, "dateOfBirth") for b in children(entry, "dateOfBirthList/dateOfBirthItem")
        ]
        yield ListEntry(
            entry_id=text(entry, "uid") or "",
            name=_name(entry),
            type=TYPES.get((text(entry, "sdnType") or "").lower(), "entity"),
            programs=unique(p.text for p in children(entry, "programList/program")),
            aliases=unique(_name(aka) for aka in children(entry, "akaList/aka")),
            addresses=unique(addresses),
            identifiers=unique(identifiers),
            birth_dates=unique(iso_date(b) for b in births if b),
            nationalities=unique(country_code(c) for c in countries if c),
            remarks=text(entry, "remarks"),
            title=text(entry, "title"),
        )
