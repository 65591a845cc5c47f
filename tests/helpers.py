"""Small builders shared by tests: records as plain dicts, files written from them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coercionwatch.ingest import read_records
from coercionwatch.store import ImportSummary, Store


def actor(record_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "actor", "id": record_id, "name": record_id.title(), "type": "person", **fields}


def measure(record_id: str, target: str, imposer: str = "usa", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "measure",
        "id": record_id,
        "type": "designation",
        "imposer": imposer,
        "target": target,
        "date": "2025-08-20",
        **fields,
    }


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    return path


def write_lines(path: Path, values: list[Any]) -> Path:
    path.write_text("".join(json.dumps(v) + "\n" for v in values), "utf-8")
    return path


def import_files(store: Store, *paths: Path, reason: str | None = None) -> ImportSummary:
    return store.import_records(read_records(list(paths)), author="tester", reason=reason)


def basic_records() -> list[dict[str, Any]]:
    return [
        actor("usa", type="state", name="United States", country="US"),
        actor("prost", nationality=["CA"]),
        measure("m-prost", "prost"),
    ]
