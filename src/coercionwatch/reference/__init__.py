"""The bundled reference case: EO 14203, the designations under it, and what followed.

Written in our own words from the documents in `shared/seeds/`; each record names the seed
document it rests on as a source.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def reference_files() -> list[Path]:
    folder = files("coercionwatch.reference")
    with as_file(folder) as path:
        return sorted(Path(path).glob("*.yaml"))
