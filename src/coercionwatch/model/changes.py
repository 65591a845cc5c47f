"""What differs between two versions of a record, field by field, for a reviewer to read."""

from __future__ import annotations

from typing import Any


def field_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """{field: {"before": …, "after": …}} for every top-level field that differs; a field
    that is absent on one side is None there, and an empty value is no change from none."""
    before = before or {}
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(before.keys() | after.keys())
        if (before.get(key) or None) != (after.get(key) or None)
    }
