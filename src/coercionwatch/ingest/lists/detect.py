"""Which list format a file is, from its content; and reading it whatever it is."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from coercionwatch.model.lists import ListEntry, ListRow

from . import ftm, ofac_advanced, ofac_csv, ofac_xml, xml
from .common import BOM, MAX_LIST_BYTES, check_regular, fail, file_digest

FORMATS = ("ofac-csv", "ofac-xml", "ofac-advanced-xml", "ftm", "ftm-delta")
_ROOT = re.compile(rb"<(?:\w+:)?(sdnList|Sanctions)\b")


@dataclass
class ListRead:
    """A list file opened for reading: what it is, and its entries (or delta operations)."""

    path: Path
    format: str
    list_name: str
    files: list[Path]
    published: str | None
    sha256: str = field(default="")

    def entries(self) -> Iterator[ListEntry]:
        if self.format == "ofac-csv":
            return ofac_csv.read_ofac_csv(self.path)
        if self.format == "ofac-xml":
            return ofac_xml.read_ofac_xml(self.path)
        if self.format == "ofac-advanced-xml":
            return ofac_advanced.read_ofac_advanced(self.path)
        if self.format == "ftm":
            return ftm.read_entities(self.path)
        raise ValueError(f"{self.format} holds changes, not entries")

    def rows(self) -> Iterator[ListRow]:
        """Entries as lazily parsed rows; the CSV set digests raw rows without parsing."""
        if self.format == "ofac-csv":
            return ofac_csv.read_ofac_csv_rows(self.path)
        return (ListRow.of(entry) for entry in self.entries())

    def changes(self) -> Iterator[ftm.DeltaOp]:
        return ftm.read_delta(self.path)

    def check_complete(self) -> None:
        """Refuses files that were cut short, each by its format's own sign of an ending.
        A FollowTheMoney file has none: cut mid-line, its last line fails to parse as it is
        read; cut at a line boundary, it looks whole (the watch's limit on removals is what
        stops that)."""
        if self.format == "ofac-csv":
            ofac_csv.check_complete(self.path)
        elif self.format == "ofac-xml":
            xml.check_closed(self.path, "sdnList")
        elif self.format == "ofac-advanced-xml":
            xml.check_closed(self.path, "Sanctions")


def _main_file(path: Path) -> Path:
    if path.is_dir():
        for name in ofac_csv.COMPANIONS:
            if (path / name).exists():
                return path / name
        raise fail(path, "no sdn.csv or cons_prim.csv in this folder")
    return path


def detect_format(path: Path) -> str:
    with path.open("rb") as stream:
        head = stream.read(4096)
        stream.seek(0)
        first_line = stream.readline(16 * 2**20).removeprefix(BOM)
    stripped = head.removeprefix(BOM).lstrip(b" \t\r\n")
    if not stripped:
        raise fail(path, "the file is empty")
    if stripped.startswith(b"<"):
        root = _ROOT.search(head)
        if root is None:
            raise fail(path, "XML, but neither an OFAC sdnList nor an advanced Sanctions file")
        return "ofac-xml" if root.group(1) == b"sdnList" else "ofac-advanced-xml"
    if stripped.startswith(b"{"):
        try:
            value = orjson.loads(first_line)
        except orjson.JSONDecodeError:
            raise fail(path, "JSON, but not one entity a line", 1) from None
        if isinstance(value, dict) and "op" in value and "entity" in value:
            return "ftm-delta"
        if isinstance(value, dict) and "schema" in value and "id" in value:
            return "ftm"
        raise fail(path, "JSON, but not FollowTheMoney entities or deltas", 1)
    if _starts_with_entry_number(stripped):
        return "ofac-csv"
    raise fail(
        path,
        "not a sanctions list format this reads (OFAC CSV or XML, "
        "FollowTheMoney entities or deltas)",
        1,
    )


def _starts_with_entry_number(head: bytes) -> bool:
    """An OFAC CSV row begins with the entry number, however the writer quoted its fields
    (OFAC quotes text, a spreadsheet or Python's csv module only what needs it, or all)."""
    try:
        row = next(csv.reader(io.StringIO(head.decode("utf-8", errors="replace"))), [])
    except csv.Error:
        return False
    return len(row) > 1 and row[0].strip().isdigit()


def read_list(path: Path, *, list_name: str | None = None) -> ListRead:
    """Open a list for reading: a file, or a folder holding the OFAC CSV set."""
    if not path.exists():
        raise fail(path, "no such file or folder")
    main = _main_file(path)
    check_regular(main)
    if main.stat().st_size > MAX_LIST_BYTES:
        raise fail(main, "the file is larger than any sanctions list should be")
    fmt = detect_format(main)
    files = [main]
    published = None
    if fmt == "ofac-csv":
        files += ofac_csv.companion_files(main)
        for companion in files[1:]:
            check_regular(companion)
        default = "ofac-consolidated" if main.name.lower().startswith("cons") else "ofac-sdn"
    elif fmt == "ofac-xml":
        published = ofac_xml.publish_date(main)
        default = "ofac-sdn"
    elif fmt == "ofac-advanced-xml":
        published = ofac_advanced.publish_date(main)
        default = "ofac-sdn"
    else:
        published = ftm.publish_date(main)
        default = "opensanctions"
    read = ListRead(main, fmt, list_name or default, files, published)
    read.sha256 = file_digest(files)
    return read
