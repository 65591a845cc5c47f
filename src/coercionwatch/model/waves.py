"""Waves: the measures one imposer took on one day under one authority.

A wave is derived, never stored: its id comes from the measure alone (`us-eo14203-2025-08-20`),
so it stays the same however many measures join it, and any measure's wave can be named
without reading the others.

Only a measure whose day is given joins others on that day: exactly, or inferred from
context (the record says how). One dated to a month or a year, or whose date is a bound or
an estimate ("on or before 20 August" may be July), forms a wave only with the other
measures of its act, its id ending in the act's id or its own
(`us-eo14203-2025-08-20-designation-francesca-albanese`).
"""

from __future__ import annotations

import datetime as dt
import re

from anyascii import anyascii

from .records import Measure

_ORDER = re.compile(r"(?:executive[\s-]*order|(?<![a-z])eo)[\s-]*(\d+)", re.IGNORECASE)


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", anyascii(text).lower()))


def authority_of(measure: Measure) -> str:
    """The authority as one token: an executive order named anywhere in the program or the
    legal basis (`ICC-EO14203`, `Executive Order 14203` both give `eo14203`), else the
    program, else the first legal basis, else the measure's type."""
    named = [measure.program or ""]
    named += [b.text or b.provision or "" for b in measure.legal_basis]
    for text in named:
        if found := _ORDER.search(text):
            return f"eo{found.group(1)}"
    for text in named:
        if text and (token := _slug(text)):
            return token
    return measure.type


def imposer_token(measure: Measure, country: str | None) -> str:
    """The imposer as its ISO code where it is a state, else its id."""
    return country.lower() if country else measure.imposer


DAY_GIVEN = frozenset({None, "exact", "inferred"})
"""Date certainties that name the day itself, not a bound or an estimate of it."""


def day_known(measure: Measure) -> bool:
    """Whether the record gives the measure's day, so that others on it share its wave."""
    return (
        measure.date is not None
        and len(measure.date) == len("2025-08-20")
        and measure.date_certainty in DAY_GIVEN
    )


def wave_id(measure: Measure, imposer_country: str | None) -> str | None:
    """The wave a measure belongs to, or None for an undated measure."""
    if not measure.date:
        return None
    day = f"{imposer_token(measure, imposer_country)}-{authority_of(measure)}-{measure.date}"
    return day if day_known(measure) else f"{day}-{measure.act or measure.id}"


def first_day(date: str) -> dt.date:
    """The earliest day a partial date (`2025`, `2025-06`) can mean."""
    parts = [int(p) for p in date.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(date: str) -> dt.date:
    """The latest day a partial date can mean."""
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    following = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
    return following - dt.timedelta(days=1)
