"""One record's page, for the kinds without a page of their own: measures, responses,
countermeasures, provisions and sources; and the field table every record page shows."""

from __future__ import annotations

from functools import cache
from typing import Any

from coercionwatch.model import KINDS, Record, pointers, stored_body
from coercionwatch.model.kinds import part_class
from coercionwatch.model.labels import term_label
from coercionwatch.model.visibility import pointer_fields
from coercionwatch.publish.view import PublicView, Read, Reads, title_of
from coercionwatch.store.listing import Listing

from ..proofs import proof_path
from .common import Page, cards

SHOWN_REFERRERS = 12
"""How many records pointing at one a page lists; the rest are counted, and filtered lists
link to all of them."""


LEFT_OFF_PAGES = frozenset({"archive.extractedText", "archive.headers"})
"""Fields too long to read on a page: a capture's text (which search finds) and its HTTP
headers stay in the JSON and the exports."""


def field_rows(
    record: Record, view: PublicView, leave_out: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Each field as a row: its text, the records it names as links, or its parts (a
    breach, an answer, a dispute) each as cells of the same kinds."""
    view.learn_titles((kind, target) for _, kind, target in pointers(record))
    body = {k: v for k, v in stored_body(record).items() if k not in leave_out}
    return _cells(type(record), body, type(record).references, "", view)


def _cells(
    cls: type, body: dict[str, Any], references: dict[str, str], prefix: str, view: PublicView
) -> list[dict[str, Any]]:
    rows = []
    for name, value in body.items():
        if name in ("id", "visibility") or value in (None, [], {}):
            continue
        if prefix + name in LEFT_OFF_PAGES:
            continue
        row: dict[str, Any] = {"name": name}
        target = references.get(prefix + name)
        part = part_class(cls, name)
        if target:
            ids = [value] if isinstance(value, str) else value
            row["links"] = [_link(target, i, view) for i in ids]
        elif part is not None:
            items = value if isinstance(value, list) else [value]
            row["parts"] = [
                _cells(part, item, references, f"{prefix}{name}.", view) for item in items
            ]
        else:
            row["value"] = term_label(cls, name, value)
        rows.append(row)
    return rows


def _link(kind: str, record_id: str, view: PublicView) -> dict[str, Any]:
    exists = view.exists(kind, record_id)
    return {
        "kind": kind,
        "id": record_id,
        "title": view.title(kind, record_id) if exists else record_id,
        "exists": exists,
    }


@cache
def pointing_fields(kind: str) -> dict[str, tuple[str, ...]]:
    """The fields of each kind that point at records of `kind`."""
    found: dict[str, list[str]] = {}
    for from_kind, cls in KINDS.items():
        for path, target in pointer_fields(cls).items():
            if target == kind:
                found.setdefault(from_kind, []).append(path)
    return {k: tuple(paths) for k, paths in found.items()}


def referrer_reads(kind: str) -> Reads:
    """What a record's page lists of those pointing at it, for `PublicView.read_ahead`."""
    return tuple(Read(k, paths, SHOWN_REFERRERS) for k, paths in pointing_fields(kind).items())


def referrers(view: PublicView, kind: str, record_id: str) -> tuple[list[dict[str, Any]], int]:
    """Cards of what points at a record (a page's worth per kind), and how many in all."""
    shown: list[dict[str, Any]] = []
    total = 0
    for read in referrer_reads(kind):
        found, count = view.pointing_at(kind, record_id, read)
        total += count
        shown.extend(cards(found, view))
    return shown, total


def record_page(view: PublicView, kind: str, record_id: str) -> Page | None:
    record = view.get(kind, record_id)
    if record is None:
        return None
    act = getattr(record, "act", None)
    same_act = []
    if act:
        alike = view.records(Listing("measure", (("act", act),), size=SHOWN_REFERRERS))
        same_act = cards((m for m in alike if m.id != record_id), view)
    referred, count = referrers(view, kind, record_id)
    data = {
        "kind": kind,
        "record": stored_body(record),
        "fields": field_rows(record, view),
        "sameAct": same_act,
        "referredToBy": referred,
        "referredToByCount": count,
        "proof": proof_path(view, kind, record_id),
    }
    return Page("record.html", title_of(record, view), f"{kind}/{record_id}", data)
