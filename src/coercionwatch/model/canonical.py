"""Canonical bytes and hashes, so that anyone can recompute what the journal asserts.

Canonical JSON here: UTF-8, object keys sorted, no insignificant white space, numbers as
orjson writes them (integers exact, floats shortest round-trip form).
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson


def canonical_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def content_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()
