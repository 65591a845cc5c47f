"""A planted restricted marker must not surface anywhere the public can look."""

import gzip
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coercionwatch.cli.app import app
from coercionwatch.ingest import read_records
from coercionwatch.publish.site import build_site
from tests.helpers import write_json

from .conftest import SITE, serve_app

MARKER = "ZZRESTRICTEDZZ"
SECRET_IDS = [
    "witness-zz",
    "m-witness-zz",
    "lead-zz",
    "hidden-incident-zz",
    "r-hidden-zz",
    "informant-zz",
    "r-by-informant-zz",
]
"""Ids of records that are restricted, or withheld because of what they point at: not even
an id may appear in public, so the markers are in ids and slugs as well as in text."""


@pytest.fixture
def planted(demo_store, tmp_path):
    records = [
        {
            "kind": "actor",
            "id": "witness-zz",
            "name": f"Witness {MARKER}",
            "type": "person",
            "visibility": "restricted",
        },
        {
            "kind": "measure",
            "id": "m-witness-zz",
            "type": "threat",
            "imposer": "russia",
            "target": "witness-zz",
            "date": "2025-12-01",
            "summary": "Threat against a witness.",
        },
        {
            "kind": "measure",
            "id": "lead-zz",
            "type": "threat",
            "imposer": "united-states",
            "target": "icc",
            "date": "2026-01-01",
            "visibility": "restricted",
            "summary": f"Unpublished lead {MARKER}",
        },
        {
            "kind": "incident",
            "slug": "hidden-incident-zz",
            "title": f"Hidden {MARKER}",
            "date": "2026-01-02",
            "summary": f"Not yet public {MARKER}",
            "category": "cyber",
            "severity": "limited",
            "posture": "alleged",
            "visibility": "restricted",
        },
        {
            "kind": "response",
            "id": "r-hidden-zz",
            "actor": "france",
            "stance": "condemn",
            "forum": "national",
            "answers": ["lead-zz", "eo-14203-order"],
            "date": "2026-01-03",
            "visibility": "restricted",
            "summary": f"Private note {MARKER}",
        },
        {
            "kind": "incident",
            "slug": "public-incident-with-a-hidden-neighbour",
            "title": "A public incident",
            "date": "2026-01-05",
            "summary": "Its related incidents include one that is not public.",
            "category": "cyber",
            "severity": "limited",
            "posture": "alleged",
            "relatedIncidents": ["hidden-incident-zz", "eo-14203-designations-2025"],
        },
        {
            "kind": "response",
            "id": "r-answers-withheld",
            "actor": "france",
            "stance": "condemn",
            "forum": "national",
            "answers": ["m-witness-zz", "eo-14203-order"],
            "date": "2026-01-06",
            "summary": "A public answer to a measure that cannot be shown.",
        },
        {
            "kind": "countermeasure",
            "id": "cm-covers-withheld",
            "name": "A protection covering a withheld measure",
            "layer": "legal",
            "type": "litigation",
            "status": "pending",
            "covers": ["m-witness-zz", "eo-14203-order"],
            "date": "2026-01-07",
        },
        {
            "kind": "actor",
            "id": "informant-zz",
            "name": "Informant",
            "type": "person",
            "visibility": "restricted",
        },
        {
            "kind": "response",
            "id": "r-by-informant-zz",
            "actor": "informant-zz",
            "stance": "concern",
            "forum": "national",
            "answers": ["eo-14203-order"],
            "date": "2026-01-08",
            "summary": "Said by someone who must stay unnamed.",
        },
        {
            "kind": "response",
            "id": "r-public",
            "actor": "france",
            "stance": "condemn",
            "forum": "national",
            "answers": ["lead-zz", "eo-14203-order"],
            "date": "2026-01-04",
            "summary": "A public answer that also answers something secret.",
        },
    ]
    demo_store.import_records(read_records([write_json(tmp_path / "r.json", records)]), author="t")
    return demo_store


def _leaks(text: str) -> list[str]:
    return [s for s in [MARKER, *SECRET_IDS] if s in text]


def test_the_server_never_shows_restricted_material(planted):
    import httpx

    for base in serve_app(planted):
        with httpx.Client(base_url=base, timeout=20) as client:
            sitemap = client.get("/sitemap.xml").text
            locations = re.findall(r"<loc>(.*?)</loc>", sitemap)
            paths = [loc.removeprefix(SITE) or "/" for loc in locations]
            assert "/response/r-public" in paths
            searches = [f"/search?q={w}" for w in ("witness", "hidden", "unpublished", "private")]
            extra = [
                "/feed.atom",
                "/sitemap.xml",
                "/data/datapackage.json",
                "/api/openapi.json",
                "/incidents?q=hidden",
                "/timeline",
                "/measure/lead-zz",
                "/actor/witness-zz",
                "/incident/hidden-incident-zz.json",
                "/response/r-hidden-zz.json",
                *searches,
                *(
                    f"/data/{k}.{f}"
                    for k in ("incident", "actor", "measure", "response")
                    for f in ("json", "csv")
                ),
            ]
            checked = 0
            for path in [*paths, *extra]:
                for url in {path, "/api" + path if path != "/" else "/api"}:
                    response = client.get(url)
                    assert not _leaks(response.text), (url, _leaks(response.text))
                    checked += 1
            assert checked > 300
            assert client.get("/api/search", params={"q": MARKER}).json()["hits"] == []
            public = client.get("/api/response/r-public").json()
            answers = next(row["parts"] for row in public["fields"] if row["name"] == "answers")
            assert [cell["links"][0]["id"] for part in answers for cell in part] == [
                "eo-14203-order"
            ]


def test_the_static_site_never_shows_restricted_material(planted, tmp_path):
    folder = tmp_path / "site"
    build_site(planted, folder, site=SITE)
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) > 400
    assert any(p.parts[-2:] == ("r-public", "index.html") for p in files)
    for path in files:
        data = path.read_bytes()
        if path.parent.name in ("fragment", "index") or path.suffix.startswith(".pf_"):
            data = _inflate(data)
        text = data.decode("utf-8", "replace")
        assert not _leaks(text), (str(path.relative_to(folder)), _leaks(text))
    for secret in SECRET_IDS:
        assert not list(folder.rglob(f"*{secret}*"))


def test_exports_never_show_restricted_material(planted, database, tmp_path):
    runner = CliRunner()
    folder = tmp_path / "export"
    formats = "--format=json,csv,ftm,datapackage"
    result = runner.invoke(app, ["--db", database, "export", "all", str(folder), formats])
    assert result.exit_code == 0, result.output
    written = sorted(folder.iterdir())
    assert len(written) == 16
    for path in written:
        text = path.read_text("utf-8")
        assert not _leaks(text), (path.name, _leaks(text))
    assert "r-answers-withheld" in (folder / "response.json").read_text("utf-8")
    single = ["--db", database, "export", "incident", "public-incident-with-a-hidden-neighbour"]
    envelope = runner.invoke(app, single)
    assert envelope.exit_code == 0, envelope.output
    assert not _leaks(envelope.stdout)
    related = json.loads(envelope.stdout)["record"]["relatedIncidents"]
    assert related == ["eo-14203-designations-2025"]
    for hidden in ("hidden-incident-zz",):
        refused = runner.invoke(app, ["--db", database, "export", "incident", hidden])
        assert refused.exit_code == 2 and not _leaks(refused.stdout)


def test_public_search_skips_withheld_records(planted):
    for words in ("unnamed", "cannot be shown", "witness", "informant"):
        hits = planted.search(words, public_only=True)
        assert not any(_leaks(f"{h.kind} {h.id} {h.title} {h.snippet}") for h in hits), words
    hits = planted.search("unnamed")  # researchers, on the command line, see everything
    assert "r-by-informant-zz" in [h.id for h in hits]


def _inflate(data: bytes) -> bytes:
    """Pagefind's index files are gzip-compressed."""
    try:
        return gzip.decompress(data)
    except OSError:
        return data


def test_pagefind_index_is_readable_by_this_sweep(static_site: Path):
    fragments = list((static_site / "pagefind" / "fragment").iterdir())
    assert fragments
    assert any(b"Kimberly Prost" in _inflate(f.read_bytes()) for f in fragments)
