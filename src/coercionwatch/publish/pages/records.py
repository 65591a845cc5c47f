"""Lists and pages for the kinds without a page of their own: measures, responses,
countermeasures, provisions and sources."""

from __future__ import annotations

from typing import Any

from coercionwatch.model import Record, stored_body
from coercionwatch.model.kinds import part_class
from coercionwatch.model.labels import term_label
from coercionwatch.publish.public import Snapshot

from .common import Page, card, section_of, title_of

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
    """Each field as a row: its text, the records it names as links, or its parts (a
    breach, an answer, a dispute) each as cells of the same kinds."""
    return _cells(type(record), stored_body(record), type(record).references, "", snapshot)


def _cells(
    cls: type, body: dict[str, Any], references: dict[str, str], prefix: str, snapshot: Snapshot
) -> list[dict[str, Any]]:
    rows = []
    for name, value in body.items():
        if name in ("id", "visibility") or value in (None, [], {}):
            continue
        row: dict[str, Any] = {"name": name}
        target = references.get(prefix + name)
        part = part_class(cls, name)
        if target:
            ids = [value] if isinstance(value, str) else value
            row["links"] = [_link(target, i, snapshot) for i in ids]
        elif part is not None:
            items = value if isinstance(value, list) else [value]
            row["parts"] = [
                _cells(part, item, references, f"{prefix}{name}.", snapshot) for item in items
            ]
        else:
            row["value"] = term_label(cls, name, value)
        rows.append(row)
    return rows


def _link(kind: str, record_id: str, snapshot: Snapshot) -> dict[str, Any]:
    shown = snapshot.get(kind, record_id)
    return {
        "kind": kind,
        "id": record_id,
        "title": title_of(shown, snapshot) if shown is not None else record_id,
        "exists": shown is not None,
    }


def list_page(snapshot: Snapshot, kind: str) -> Page:
    records = snapshot.of(kind)
    data = {"kind": kind, "records": [card(r, snapshot) for r in records]}
    return Page("list.html", KIND_TITLES[kind], section_of(kind), data)


def record_page(snapshot: Snapshot, kind: str, record_id: str) -> Page | None:
    record = snapshot.get(kind, record_id)
    if record is None:
        return None
    referrers = snapshot.referrers.get((kind, record_id), [])
    act = getattr(record, "act", None)
    same_act = [
        card(m, snapshot)
        for m in snapshot.of("measure")
        if act and m.id != record_id and getattr(m, "act", None) == act
    ]
    data = {
        "kind": kind,
        "record": stored_body(record),
        "fields": field_rows(record, snapshot),
        "sameAct": same_act,
        "referredToBy": [
            {**card(r, snapshot), "field": path}
            for k, i, path in referrers
            if (r := snapshot.get(k, i)) is not None
        ],
    }
    return Page("record.html", title_of(record, snapshot), f"{kind}/{record_id}", data)
