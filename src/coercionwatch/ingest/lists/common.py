"""What every list reader shares: located errors, country names, dates in remarks."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import stat
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pycountry

from coercionwatch.model import InvalidInput, Location, Problem

MAX_LIST_BYTES = 2 * 1024**3
"""Lists are large (OpenSanctions runs to gigabytes) but read as streams; this is a sanity cap."""
BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte-order mark that editors and spreadsheets put before a file they re-save."""

_MONTHS = {
    month: number
    for number, month in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY_MONTH_YEAR = re.compile(r"^(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]* )?(\d{4})$")


def fail(
    path: Path | str,
    message: str,
    line: int | None = None,
    *,
    entry: str | None = None,
    field: str | None = None,
) -> InvalidInput:
    """A located refusal: the file, and where known the line, the entry and the field."""
    kind = "entry" if entry is not None else None
    problem = Problem(Location(str(path), line=line), message, kind, entry, field)
    return InvalidInput([problem])


def check_regular(path: Path) -> None:
    """Only regular files are read: a FIFO would block the watch and a device never ends."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise fail(path, "not a regular file (a FIFO, device or the like); save the list to a file")


def tail(path: Path, size: int) -> bytes:
    """The last `size` bytes of a file, without reading the rest."""
    with path.open("rb") as stream:
        stream.seek(max(0, path.stat().st_size - size))
        return stream.read()


def file_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def iso_date(text: str) -> str | None:
    """'30 Mar 1970' → '1970-03-30'; 'Mar 1970' → '1970-03'; '1970' → '1970'."""
    match = _DAY_MONTH_YEAR.match(text.strip())
    if not match:
        return None
    day, month, year = match.groups()
    if month is None:
        return year if day is None else None
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    if day is None:
        return f"{year}-{number:02d}"
    try:
        return dt.date(int(year), number, int(day)).isoformat()
    except ValueError:
        return None


LIST_COUNTRY_NAMES = {
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "burma": "MM",
    "north korea": "KP",
    "korea, north": "KP",
    "south korea": "KR",
    "korea, south": "KR",
    "venezuela": "VE",
    "bolivia": "BO",
    "tanzania": "TZ",
    "vietnam": "VN",
    "laos": "LA",
    "moldova": "MD",
    "palestinian": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "turkey": "TR",
    "kosovo": "XK",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
}
"""Names the lists use that the ISO tables spell otherwise."""


@cache
def _country_index() -> dict[str, str]:
    index = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            if value := getattr(country, attribute, None):
                index[value.casefold()] = country.alpha_2
    return {**index, **LIST_COUNTRY_NAMES}


def country_code(name: str) -> str | None:
    """An ISO 3166-1 alpha-2 code for a country as lists name it, if one is known."""
    name = name.strip()
    if len(name) == 2 and name.isalpha():
        return name.upper()
    return _country_index().get(name.casefold())


def unique(values: Iterable[str | None]) -> list[str]:
    """Stripped, non-empty, first occurrence kept, order kept."""
    return list(dict.fromkeys(stripped for v in values if v and (stripped := v.strip())))
