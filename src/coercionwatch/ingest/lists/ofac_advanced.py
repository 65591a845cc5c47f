"""OFAC's advanced XML (sdn_advanced.xml): parties, with their programs in the separate
SanctionsEntries section (as SanctionsMeasure comments).

Read in two streaming passes so memory holds only the profile → programs map: the first
collects reference values and programs, the second builds each party's entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from coercionwatch.model.lists import ListEntry

from .common import unique
from .xml import children, elements, local, text

TYPES = {"individual": "individual", "entity": "entity", "vessel": "vessel", "aircraft": "aircraft"}


@dataclass
class _References:
    published: str | None = None
    party_types: dict[str, str] = field(default_factory=dict)
    subtypes: dict[str, str] = field(default_factory=dict)
    features: dict[str, str] = field(default_factory=dict)
    programs: dict[str, list[str]] = field(default_factory=dict)


def _date(element: object) -> str | None:
    year, month, day = (text(element, n) for n in ("Year", "Month", "Day"))  # type: ignore[arg-type]
    if not year:
        return None
    if not month:
        return year.zfill(4)
    if not day:
        return f"{year.zfill(4)}-{month.zfill(2)}"
    return f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"


def _first_pass(path: Path) -> _References:
    refs = _References()
    tags = ("DateOfIssue", "PartyType", "PartySubType", "FeatureType", "SanctionsEntry")
    for element in elements(path, tags):
        name = local(element)
        if name == "DateOfIssue":
            refs.published = _date(element)
        elif name == "PartyType":
            refs.party_types[element.get("ID", "")] = (element.text or "").strip()
        elif name == "PartySubType":
            refs.subtypes[element.get("ID", "")] = element.get("PartyTypeID", "")
        elif name == "FeatureType":
            refs.features[element.get("ID", "")] = (element.text or "").strip().lower()
        else:
            comments = [text(m, "Comment") for m in children(element, "SanctionsMeasure")]
            profile = element.get("ProfileID", "")
            refs.programs[profile] = unique([*refs.programs.get(profile, []), *comments])
    return refs


def _alias_name(alias: object) -> str:
    values = children(alias, "DocumentedName/DocumentedNamePart/NamePartValue")  # type: ignore[arg-type]
    return " ".join(p.text.strip() for p in values if p.text)


def publish_date(path: Path) -> str | None:
    for element in elements(path, ("DateOfIssue", "DistinctParty")):
        return _date(element) if local(element) == "DateOfIssue" else None
    return None


def read_ofac_advanced(path: Path) -> Iterator[ListEntry]:
    refs = _first_pass(path)
    for party in elements(path, ("DistinctParty",)):
        profile = next(iter(children(party, "Profile")), None)
        if profile is None:
            continue
        names, aliases = [], []
        for alias in children(profile, "Identity/Alias"):
            (names if alias.get("Primary") == "true" else aliases).append(_alias_name(alias))
        births = []
        for feature in children(profile, "Feature"):
            if "birth" in refs.features.get(feature.get("FeatureTypeID", ""), ""):
                for start in children(feature, "FeatureVersion/DatePeriod/Start/From"):
                    births.append(_date(start))
        party_type = refs.party_types.get(refs.subtypes.get(profile.get("PartySubTypeID", ""), ""))
        profile_id = profile.get("ID", party.get("FixedRef", ""))
        yield ListEntry(
            entry_id=party.get("FixedRef", profile_id),
            name=next(iter(names), ""),
            type=TYPES.get((party_type or "").lower(), "entity"),
            programs=refs.programs.get(profile_id, []),
            aliases=unique(aliases),
            birth_dates=unique(births),
            remarks=text(party, "Comment"),
        )
