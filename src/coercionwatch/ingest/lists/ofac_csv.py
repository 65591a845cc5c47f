"""The OFAC SDN CSV set (sdn.csv, add.csv, alt.csv, sdn_comments.csv) and the consolidated
list in the same layout (cons_prim.csv, cons_add.csv, cons_alt.csv, cons_comments.csv).

Quirks handled: no header row, `-0- ` for empty, CRLF line ends, a trailing Ctrl-Z,
several programs in one field (`NPWMD] [IFSR`), and remarks that run on in the comments
file. The main file streams; the small companion files are indexed by entry number. A set
re-saved by a spreadsheet or Python's csv module (a byte-order mark, other quoting, LF line
ends) reads the same.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from coercionwatch.model.lists import ListEntry, ListRow

from .common import BOM, country_code, fail, iso_date, tail, unique

COMPANIONS = {
    "sdn.csv": ("add.csv", "alt.csv", "sdn_comments.csv"),
    "cons_prim.csv": ("cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
}
WIDTHS = {"main": 12, "add": 6, "alt": 5, "comments": 2}
END_MARKERS = (b"\x1a", b'"\x1a"')
"""OFAC ends its main, address and alias files with a Ctrl-Z (the comments file, in the
2021 set, without one): a file that lacks it was cut short. A CSV writer that quotes every
field keeps it as a quoted field of its own."""
TYPES = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}
_DOB = re.compile(r"\bDOB ((?:\d{1,2} )?(?:[A-Z][a-z]{2} )?\d{4})")
_NATIONALITY = re.compile(r"\b(?:nationality|citizen) ([A-Z][A-Za-z .'-]+?)(?=;|\.(?:\s|$)|$)")
_IDENTIFIER_WORDS = ("Passport", "No.", "Registration Number", "SSN", "Identification Number")
_IDENTIFIER = re.compile(
    r"\b(Passport|National ID No\.|Tax ID No\.|Cedula No\.|Registration Number|SSN|"
    r"Identification Number|Driver's License No\.) ([^;()]+?)(?: \(([^)]+)\))?(?=;|\.|$| expires)"
)


def _value(field: str) -> str | None:
    field = field.strip()
    return None if field in ("-0-", "") else field


def _rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """Rows of one file with their line numbers; a wrong field count is an error."""
    with _text(path) as text:
        reader = csv.reader(text, strict=True)
        try:
            for row in reader:
                if len(row) == width:
                    yield reader.line_num, row
                elif row and "".join(row).strip("\x1a \r\n"):
                    raise fail(path, f"expected {width} fields, found {len(row)}", reader.line_num)
        except csv.Error as exc:
            raise fail(path, f"malformed CSV: {exc}", reader.line_num) from None


def _text(path: Path) -> io.TextIOBase:
    """The file as text: UTF-8, or Windows-1252 as older OFAC files were written. Files
    under 64 MiB are decoded whole (fast); larger ones are streamed."""
    if path.stat().st_size >= 64 * 2**20:
        return path.open("r", encoding="utf-8-sig", errors="replace", newline="")
    raw = path.read_bytes().removeprefix(BOM)
    try:
        return io.StringIO(raw.decode("utf-8"), newline="")
    except UnicodeDecodeError:
        return io.StringIO(raw.decode("cp1252", errors="replace"), newline="")


def _companion(main: Path, index: int) -> Path | None:
    name = COMPANIONS.get(main.name.lower(), COMPANIONS["sdn.csv"])[index]
    path = main.with_name(name)
    return path if path.exists() else None


def companion_files(main: Path) -> list[Path]:
    return [p for p in (_companion(main, i) for i in range(3)) if p is not None]


def check_complete(main: Path) -> None:
    """Refuses a set whose main, address or alias file lacks OFAC's closing Ctrl-Z: cut at a
    line boundary, such a file still parses, and its missing rows would read as removals."""
    for path in (main, _companion(main, 0), _companion(main, 1)):
        if path is not None and not tail(path, 64).rstrip(b" \t\r\n").endswith(END_MARKERS):
            raise fail(
                path,
                "no end-of-file marker (the Ctrl-Z OFAC ends the file with): the file looks "
                "cut short",
            )


def read_ofac_csv(main: Path) -> Iterator[ListEntry]:
    return (row.entry() for row in read_ofac_csv_rows(main))


def read_ofac_csv_rows(main: Path) -> Iterator[ListRow]:
    """Rows digested over their raw fields (main row and its address, alias and comment
    rows); an entry is parsed only when the watch asks for it."""
    related: list[dict[str, list[list[str]]]] = [{}, {}, {}]
    for index, width in enumerate((WIDTHS["add"], WIDTHS["alt"], WIDTHS["comments"])):
        if (path := _companion(main, index)) is not None:
            for _, row in _rows(path, width):
                related[index].setdefault(row[0], []).append(row)
    addresses, aliases, comments = related
    for line, row in _rows(main, WIDTHS["main"]):
        number = row[0].strip()
        if not number.isdigit():
            raise fail(main, f"entry number {number!r} is not a number", line)
        raw = (row, addresses.get(number, ()), aliases.get(number, ()), comments.get(number, ()))
        text = "\x1d".join(
            ["\x1f".join(row), *("\x1e".join("\x1f".join(r) for r in group) for group in raw[1:])]
        )
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        yield ListRow(number, digest, parse=partial(_entry, *raw))


def _entry(
    row: list[str],
    addresses: list[list[str]],
    aliases: list[list[str]],
    comments: list[list[str]],
) -> ListEntry:
    remarks = (_value(row[11]) or "") + "".join(c[1] for c in comments)
    places = (", ".join(p for p in map(_value, a[2:5]) if p) for a in addresses)
    return ListEntry(
        entry_id=row[0].strip(),
        name=_value(row[1]) or "",
        type=TYPES.get((_value(row[2]) or "").lower(), "entity"),
        programs=programs(row[3]),
        aliases=unique(_value(a[3]) for a in aliases),
        addresses=unique(places),
        remarks=remarks or None,
        title=_value(row[4]),
        **(_from_remarks(remarks) if remarks else {}),
    )


def _from_remarks(remarks: str) -> dict[str, list[str]]:
    """Birth dates, nationalities and identifiers stated in the remarks; each regex runs only
    where its keyword occurs, which keeps a 9,000-entry list fast."""
    found: dict[str, list[str]] = {}
    if "DOB" in remarks:
        found["birth_dates"] = unique(iso_date(m) for m in _DOB.findall(remarks))
    if "nationality" in remarks or "citizen" in remarks:
        found["nationalities"] = unique(country_code(m) for m in _NATIONALITY.findall(remarks))
    if any(word in remarks for word in _IDENTIFIER_WORDS):
        found["identifiers"] = unique(_identifier(*m) for m in _IDENTIFIER.findall(remarks))
    return found


def _identifier(kind: str, number: str, country: str) -> str:
    return f"{kind} {number.strip()}" + (f" ({country})" if country else "")


def programs(field: str) -> list[str]:
    """`NPWMD] [IFSR] [IRAN-CON-ARMS-EO` → ['NPWMD', 'IFSR', 'IRAN-CON-ARMS-EO']."""
    value = _value(field)
    if value is None:
        return []
    return unique(part.strip(" []") for part in value.split("] ["))
