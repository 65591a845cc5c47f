"""A Frictionless Data Package describing the CSV downloads."""

from __future__ import annotations

from typing import Any

from coercionwatch.model import KINDS

from .bulk import csv_columns

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def datapackage(site: str) -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "coercion-watch",
        "title": "Coercion Watch: coercion against international justice, and the answers",
        "homepage": site,
        "licenses": [LICENSE],
        "resources": [
            {
                "name": kind,
                "path": f"{kind}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": column, "type": "string"} for column in csv_columns(kind)],
                    "primaryKey": "slug" if kind == "incident" else "id",
                },
            }
            for kind in KINDS
        ],
    }
