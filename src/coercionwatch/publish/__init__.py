"""Publish: what leaves the system. Everything public is read through `view.PublicView`,
which asks the store for shown records only and projects each one as it is read."""

from .export import FORMATS, ExportRefused, export_all
from .seed import DEFAULT_SITE, dumps_envelope, seed_envelope
from .view import PublicView

__all__ = [
    "DEFAULT_SITE",
    "FORMATS",
    "ExportRefused",
    "PublicView",
    "dumps_envelope",
    "export_all",
    "seed_envelope",
]
