"""Bulk exports of the public record: JSON (re-importable) and CSV, one file per kind."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from coercionwatch.model import KINDS, SEED_KEYS, Incident, native_record
from coercionwatch.model.types import utc_timestamp

from .public import Snapshot
from .seed import seed_envelope

KIND_FORMATS = ("json", "csv")
"""Formats written as one file per kind."""


def kind_rows(snapshot: Snapshot, kind: str, site: str, generated: str) -> list[dict[str, Any]]:
    """Incidents as seed envelopes, every other kind as native records."""
    records = snapshot.of(kind)
    if kind == "incident":
        return [
            seed_envelope(r, snapshot.incident_updates(r), site=site, generated=generated)
            for r in records
            if isinstance(r, Incident)
        ]
    return [native_record(r) for r in records]


def csv_columns(kind: str) -> list[str]:
    if kind == "incident":
        return list(SEED_KEYS)
    cls = KINDS[kind]
    return ["kind", *(info.alias or name for name, info in cls.model_fields.items())]


def kind_file(kind: str, rows: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "json":
        return orjson.dumps(rows, option=orjson.OPT_INDENT_2)
    columns = csv_columns(kind)
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    out.writeheader()
    for row in rows:
        flat = row["record"] if kind == "incident" else row
        out.writerow({key: _cell(flat.get(key)) for key in columns})
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    """One CSV cell. A number stays a number, a negative one too: a sign and digits are a
    value to a spreadsheet, never a formula. All else goes through `defuse_formula`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and math.isfinite(value):
        return str(value)
    if not isinstance(value, str | int | float):
        value = orjson.dumps(value).decode("utf-8")
    return defuse_formula(str(value))


CELL_STARTS = re.compile(r"""(?:^|(?<=[;\t\r\n]))(?=[\s"']*[=+\-@＝＋－＠])|^(?=[\t\r\n])""")
"""Where a spreadsheet could see a formula begin: `= + - @` (or their full-width forms, as a
precaution), perhaps after spaces or quote marks, at the start of the cell or after a
semicolon, tab or line break inside it; or a cell that starts with a tab or a line break."""


def defuse_formula(text: str) -> str:
    """Text with an apostrophe wherever a spreadsheet could read the start of a formula, as
    OWASP advises against CSV injection: the spreadsheet then shows text and runs nothing.

    Not only at the start: a spreadsheet that reads the file with another separator than
    its comma (many locales open a CSV with `;`) starts new cells, and new lines, inside
    this one, where the file's quoting no longer holds. A comma inside is safe: the cell
    is then quoted (RFC 4180). Only the CSV changes; the JSON keeps the exact text."""
    return CELL_STARTS.sub("'", text)


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # a public export is meant to be read by the web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_kind_files(
    snapshot: Snapshot, directory: Path, *, site: str, formats: Iterable[str] = KIND_FORMATS
) -> list[Path]:
    generated = utc_timestamp()
    written = []
    for kind in KINDS:
        rows = kind_rows(snapshot, kind, site, generated)
        for fmt in formats:
            path = directory / f"{kind}.{fmt}"
            write_atomically(path, kind_file(kind, rows, fmt))
            written.append(path)
    return written
