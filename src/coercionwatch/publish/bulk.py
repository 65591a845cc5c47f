"""Bulk exports of the public record: JSON (re-importable) and CSV, one file per kind."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from coercionwatch.model import KINDS, SEED_KEYS, Incident, native_record
from coercionwatch.model.types import utc_timestamp
from coercionwatch.store.listing import Listing

from .seed import seed_envelope
from .view import PublicView

KIND_FORMATS = ("json", "csv")
"""Formats written as one file per kind."""


def kind_rows(
    view: PublicView, listing: Listing, site: str, generated: str
) -> Iterator[dict[str, Any]]:
    """The records of a list, in its order: incidents as seed envelopes, every other kind
    as native records. Read a page at a time, so memory does not grow with the list."""
    for record in view.every(listing):
        if isinstance(record, Incident):
            updates = view.incident_updates(record)
            yield seed_envelope(record, updates, site=site, generated=generated)
        else:
            yield native_record(record)


def csv_columns(kind: str) -> list[str]:
    if kind == "incident":
        return list(SEED_KEYS)
    cls = KINDS[kind]
    return ["kind", *(info.alias or name for name, info in cls.model_fields.items())]


def kind_chunks(kind: str, rows: Iterable[dict[str, Any]], fmt: str) -> Iterator[bytes]:
    """A kind's file, written as its rows come: a JSON array, or CSV with a header."""
    if fmt == "json":
        first = True
        for row in rows:
            yield (b"[\n" if first else b",\n") + orjson.dumps(row)
            first = False
        yield b"[]\n" if first else b"\n]\n"
        return
    columns = csv_columns(kind)
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    out.writeheader()
    for n, row in enumerate(rows, start=1):
        flat = row["record"] if kind == "incident" else row
        out.writerow({key: _cell(flat.get(key)) for key in columns})
        if n % 200 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def everything_chunks(view: PublicView) -> Iterator[bytes]:
    """Every public record of every kind as JSON Lines: one file that re-imports as it is
    (incidents as their native records, which `import` reads like any other)."""
    for kind in KINDS:
        for record in view.every(Listing(kind)):
            yield orjson.dumps(native_record(record), option=orjson.OPT_APPEND_NEWLINE)


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

FORMULA_SIGNS = frozenset("=+-@＝＋－＠")
"""The signs a formula in `CELL_STARTS` begins with."""


def defuse_formula(text: str) -> str:
    """Text with an apostrophe wherever a spreadsheet could read the start of a formula, as
    OWASP advises against CSV injection: the spreadsheet then shows text and runs nothing.

    Not only at the start: a spreadsheet that reads the file with another separator than
    its comma (many locales open a CSV with `;`) starts new cells, and new lines, inside
    this one, where the file's quoting no longer holds. A comma inside is safe: the cell
    is then quoted (RFC 4180). Only the CSV changes; the JSON keeps the exact text."""
    if FORMULA_SIGNS.isdisjoint(text) and not text.startswith(("\t", "\r", "\n")):
        return text  # nothing `CELL_STARTS` could match, seen without running it
    return CELL_STARTS.sub("'", text)


def write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
        os.chmod(temporary, 0o644)  # a public export is meant to be read by the web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_kind_files(
    view: PublicView, directory: Path, *, site: str, formats: Iterable[str] = KIND_FORMATS
) -> list[Path]:
    generated = utc_timestamp()
    written = []
    for kind in KINDS:
        for fmt in formats:
            path = directory / f"{kind}.{fmt}"
            rows = kind_rows(view, Listing(kind), site, generated)
            write_atomically(path, kind_chunks(kind, rows, fmt))
            written.append(path)
    return written


def unreplaceable(directory: Path, mark: str, what: str) -> str | None:
    """Why `directory` may not be replaced by `what` (a site build, a snapshot), which
    leaves `mark` in every folder it writes: it is a file, or holds things not its own."""
    if not directory.exists():
        return None
    if not directory.is_dir():
        return f"{directory} is a file, not a folder"
    if any(directory.iterdir()) and not (directory / mark).is_file():
        return (
            f"{directory} holds files that no {what} left there; writing would replace them "
            "(choose a new or empty folder)"
        )
    return None


def replace_folder(staging: Path, directory: Path) -> None:
    """Put a folder built beside `directory` in its place: readers see the old one or the
    new one, never a mix (a rename each)."""
    staging.chmod(0o755)
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        directory.rename(old)
        staging.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(directory)
