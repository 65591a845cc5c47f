"""The bundled reference case: EO 14203, the designations under it, and what followed.

Written in our own words from the documents in `shared/seeds/`. Each record names its
sources: the seed documents, and for facts no seed states, an entry of a list file in
`shared/data/` (an SDN row, a row of the states table). A date no source states is marked
inferred, with a note on what it rests on; where the seeds disagree, `disputes` keeps the
values the record does not adopt. `tests/reference/` checks all of this.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def reference_files() -> list[Path]:
    folder = files("coercionwatch.reference")
    with as_file(folder) as path:
        return sorted(Path(path).glob("*.yaml"))
