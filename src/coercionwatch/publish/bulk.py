"""Bulk exports of the public record: JSON (re-importable) and CSV, one file per kind."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from coercionwatch.model import KINDS, SEED_KEYS, Incident, native_record
from coercionwatch.model.types import utc_timestamp
from coercionwatch.store import Store

from .public import Snapshot, load_snapshot
from .seed import seed_envelope

FORMATS = ("json", "csv")


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
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return orjson.dumps(value).decode("utf-8")


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
    snapshot: Snapshot, directory: Path, *, site: str, formats: Iterable[str] = FORMATS
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


def export_all(
    store: Store, directory: Path, *, site: str, formats: Iterable[str] = FORMATS
) -> list[Path]:
    """Write `<kind>.json` and/or `<kind>.csv` for every kind; returns the files written."""
    return write_kind_files(load_snapshot(store), directory, site=site, formats=formats)
