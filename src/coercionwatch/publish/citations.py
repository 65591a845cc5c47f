"""How to cite an incident: the seed's citation string, BibTeX, RIS and CSL-JSON."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import orjson

FORMATS = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "csl.json": "application/vnd.citationstyles.csl+json",
}
"""File extension → media type of each downloadable citation."""

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def _date_parts(iso: str) -> list[int]:
    return [int(part) for part in iso.split("-")]


def _publisher(record: dict[str, Any]) -> str:
    return urlsplit(record["url"]).netloc or "Coercion Watch"


def _bibtex_text(text: str) -> str:
    """Escape what TeX reads as markup; drop backslashes, carets and tildes outright."""
    return _BIBTEX_SPECIAL.sub(
        lambda m: "\\" + m.group(1) if m.group(1) not in "\\^~" else "", text
    )


def bibtex(record: dict[str, Any]) -> str:
    parts = _date_parts(record["date"])
    fields = {
        "title": "{" + _bibtex_text(record["title"]) + "}",
        "howpublished": "\\url{" + record["url"] + "}",
        "url": record["url"],
        "year": str(parts[0]),
        "publisher": _bibtex_text(_publisher(record)),
        "note": _bibtex_text(f"Updated {record['displayLastUpdated']}"),
    }
    if len(parts) > 1:
        fields["month"] = str(parts[1])
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    key = re.sub(r"[^A-Za-z0-9-]", "", record["slug"])
    return f"@misc{{{key},\n{body}\n}}\n"


def ris(record: dict[str, Any]) -> str:
    date = record["date"].replace("-", "/")
    lines = [
        ("TY", "ELEC"),
        ("TI", record["title"]),
        ("UR", record["url"]),
        ("PY", record["date"][:4]),
        ("DA", date),
        ("PB", _publisher(record)),
        ("AB", record["summary"]),
        ("N1", f"Updated {record['displayLastUpdated']}"),
        *(("KW", tag) for tag in record.get("tags", [])),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {' '.join(str(value).split())}\n" for tag, value in lines)


def csl_json(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": record["slug"],
            "type": "webpage",
            "title": record["title"],
            "URL": record["url"],
            "abstract": record["summary"],
            "publisher": _publisher(record),
            "issued": {"date-parts": [_date_parts(record["date"])]},
            "keyword": ", ".join(record.get("tags", [])),
        }
    ]


def citation_file(record: dict[str, Any], fmt: str) -> bytes:
    if fmt == "bib":
        return bibtex(record).encode("utf-8")
    if fmt == "ris":
        return ris(record).encode("utf-8")
    if fmt == "csl.json":
        return orjson.dumps(csl_json(record), option=orjson.OPT_INDENT_2)
    raise KeyError(fmt)


def citations(record: dict[str, Any]) -> dict[str, Any]:
    return {"text": record["citation"], "formats": list(FORMATS)}
