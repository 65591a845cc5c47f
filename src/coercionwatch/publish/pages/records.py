"""Lists and pages for the kinds without a page of their own: measures, responses,
countermeasures, provisions and sources."""

from __future__ import annotations

from typing import Any

from coercionwatch.model import Record, stored_body
from coercionwatch.publish.public import Snapshot

from .common import Page, card, label, section_of, title_of

KIND_TITLES = {
    "measure": "Measures",
    "response": "Responses",
    "countermeasure": "Countermeasures",
    "provision": "Provisions",
    "source": "Sources",
    "incident": "Incidents",
    "actor": "Actors",
}


def field_rows(record: Record, snapshot: Snapshot) -> list[dict[str, Any]]:
    """Each field as a row: its text, or links to the records it names."""
    references = {path.split(".")[0]: kind for path, kind in type(record).references.items()}
    rows = []
    for name, value in stored_body(record).items():
        if name in ("id", "visibility") or value in (None, [], {}):
            continue
        row: dict[str, Any] = {"name": name}
        target = references.get(name)
        ids = [value] if isinstance(value, str) else value
        if target and isinstance(ids, list) and all(isinstance(v, str) for v in ids):
            row["links"] = [
                {
                    "kind": target,
                    "id": i,
                    "title": snapshot.name(target, i),
                    "exists": snapshot.get(target, i) is not None,
                }
                for i in ids
            ]
        else:
            row["value"] = label(record.kind, name, value)
        rows.append(row)
    return rows


def list_page(snapshot: Snapshot, kind: str) -> Page:
    records = snapshot.of(kind)
    data = {"kind": kind, "records": [card(r, snapshot) for r in records]}
    return Page("list.html", KIND_TITLES[kind], section_of(kind), data)


def record_page(snapshot: Snapshot, kind: str, record_id: str) -> Page | None:
    record = snapshot.get(kind, record_id)
    if record is None:
        return None
    referrers = snapshot.referrers.get((kind, record_id), [])
    data = {
        "kind": kind,
        "record": stored_body(record),
        "fields": field_rows(record, snapshot),
        "referredToBy": [
            {**card(r, snapshot), "field": path}
            for k, i, path in referrers
            if (r := snapshot.get(k, i)) is not None
        ],
    }
    return Page("record.html", title_of(record, snapshot), f"{kind}/{record_id}", data)
