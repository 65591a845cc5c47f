"""Derive the package's states table from the curated one in `shared/data/states/`.

Usage: .venv/bin/python scripts/derive_states.py [SHARED/data/states]

Checks the curated table (entry into force by Article 126(2) from each deposit; the one
succession as its note says), adds the actor id and short name each state has in the
record, and writes `src/coercionwatch/model/data/states.csv` and `states-notes.csv`
beside `states.yaml`, which says where every column comes from. `tests/model/test_states.py`
runs this again and fails when the package file differs from what it derives.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from coercionwatch.model.states import COLUMNS, actor_id_for, entry_into_force, short_name_for

HERE = Path(__file__).resolve().parents[1]
PACKAGE = HERE / "src" / "coercionwatch" / "model" / "data"
SUCCESSIONS = {"MNE": "2006-06-03"}
"""Instruments of succession, in force from independence (see notes.csv, MNE)."""


def derive(folder: Path) -> tuple[str, str]:
    """(states.csv, states-notes.csv) as the package ships them."""
    with (folder / "states.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        deposit, in_force = row["rome_statute_deposit"], row["rome_statute_in_force"]
        expected = SUCCESSIONS.get(row["iso3"]) or (entry_into_force(deposit) if deposit else "")
        if in_force != expected:
            where = row["iso3"]
            raise SystemExit(f"{where}: in force {in_force!r}, Article 126 gives {expected!r}")
        writer.writerow(
            {
                **{k: row[k] for k in COLUMNS if k in row},
                "actor_id": actor_id_for(row["iso2"], row["name_en"]),
                "name": short_name_for(row["iso2"], row["name_en"]),
            }
        )
    notes = (folder / "notes.csv").read_text("utf-8")
    return out.getvalue(), notes


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "shared/data/states"
    table, notes = derive(folder)
    (PACKAGE / "states.csv").write_text(table, "utf-8")
    (PACKAGE / "states-notes.csv").write_text(notes, "utf-8")
    print(f"wrote {PACKAGE / 'states.csv'} and states-notes.csv")


if __name__ == "__main__":
    main()
