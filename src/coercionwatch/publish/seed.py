"""The seed envelope: one incident as the seed format publishes it."""

from __future__ import annotations

import json
from typing import Any

from coercionwatch.model import Incident, UpdateNote
from coercionwatch.model.types import utc_timestamp

DEFAULT_SITE = "http://127.0.0.1:8000"
"""Where our own incidents are published when no site is configured (COERCIONWATCH_SITE)."""


def seed_envelope(
    incident: Incident, updates: list[UpdateNote], *, site: str, generated: str | None = None
) -> dict[str, Any]:
    """An incident imported from another tracker keeps that tracker's site and url."""
    home = incident.site or site
    return {
        "site": home,
        "generatedAt": generated or utc_timestamp(),
        "record": incident.seed_record(home, updates),
    }


def dumps_envelope(envelope: dict[str, Any]) -> str:
    """Written exactly as the seed files are: two-space indent, UTF-8, no trailing newline."""
    return json.dumps(envelope, indent=2, ensure_ascii=False)
