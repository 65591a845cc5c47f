"""Ingest: read record files into validated records. Writes nothing; the store does."""

from .documents import DEFAULT_MAX_FILE_BYTES, RawItem, read_items, yaml_items
from .records import Incoming, Rules, parse_item, read_records

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "Incoming",
    "RawItem",
    "Rules",
    "parse_item",
    "read_items",
    "read_records",
    "yaml_items",
]
