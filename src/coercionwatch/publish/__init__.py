"""Publish: what leaves the system. Everything public passes through model.public_view,
by way of the snapshot in `public`."""

from .export import FORMATS, ExportRefused, export_all
from .public import PublicRecord, Snapshot, load_snapshot
from .seed import DEFAULT_SITE, dumps_envelope, seed_envelope

__all__ = [
    "DEFAULT_SITE",
    "FORMATS",
    "ExportRefused",
    "PublicRecord",
    "Snapshot",
    "dumps_envelope",
    "export_all",
    "load_snapshot",
    "seed_envelope",
]
