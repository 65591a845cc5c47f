"""`export all`: the public record in each format asked for, all read in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import orjson

from coercionwatch.store import Store

from .bulk import KIND_FORMATS, write_atomically, write_kind_files
from .datapackage import datapackage
from .view import PublicView

FORMATS = (*KIND_FORMATS, "ftm", "datapackage")
FTM_FILE = "entities.ftm.json"
"""The name OpenSanctions gives its FollowTheMoney entity files."""
DATAPACKAGE_FILE = "datapackage.json"


class ExportRefused(ValueError):
    """The formats asked for cannot be written together: nothing was written."""


def export_all(
    store: Store, directory: Path, *, site: str, formats: Iterable[str] = FORMATS
) -> list[Path]:
    """Write every public record in each format: `<kind>.json` and `<kind>.csv` for every
    kind, `entities.ftm.json` (FollowTheMoney), `datapackage.json` (describing the CSV
    files). Returns the files written."""
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExportRefused(
            f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}"
        )
    if "datapackage" in formats and "csv" not in formats:
        raise ExportRefused("the datapackage describes the CSV files: ask for csv as well")
    per_kind = [f for f in formats if f in KIND_FORMATS]
    # One connection, one transaction: every file reads the same state of the record.
    with store.reading() as connection, connection.begin():
        view = PublicView(connection)
        written = write_kind_files(view, directory, site=site, formats=per_kind)
        if "ftm" in formats:
            from .ftm import ftm_file  # loading FtM's model takes a second: only when asked

            written.append(_write(directory / FTM_FILE, ftm_file(view)))
    if "datapackage" in formats:
        package = orjson.dumps(datapackage(site), option=orjson.OPT_INDENT_2)
        written.append(_write(directory / DATAPACKAGE_FILE, package))
    return written


def _write(path: Path, data: bytes) -> Path:
    write_atomically(path, [data])
    return path
