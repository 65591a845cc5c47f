"""Inclusion proofs of public records, on the server and in the static site: each checks
against the signed checkpoint with the model's own verifier, the page links it once a
checkpoint covers the record, and a restricted record has none — its id is not found."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from coercionwatch.model import merkle, note
from coercionwatch.publish.site import build_site
from coercionwatch.store import Store
from tests.web.conftest import SITE, serve_app

SIGNER = note.Signer.generate("coercion.test")
VERIFIER = SIGNER.verifier()


def checks(text: str, kind: str, record_id: str) -> None:
    proof = note.InclusionProof.parse(text.encode())
    checkpoint = note.open_checkpoint(proof.checkpoint, VERIFIER)
    entry = json.loads(proof.extra)
    assert (entry["kind"], entry["id"]) == (kind, record_id)
    leaf = merkle.leaf_hash(bytes.fromhex(entry["hash"]))
    merkle.check_inclusion(proof.index, checkpoint.size, leaf, proof.hashes, checkpoint.root)


@pytest.fixture
def restricted_store(demo_store: Store) -> Store:
    from coercionwatch.ingest import Incoming
    from coercionwatch.model import Location, load_record

    hidden = load_record(
        "actor",
        {"id": "hidden-witness", "name": "Hidden", "type": "person", "visibility": "restricted"},
    )
    demo_store.import_records([Incoming(hidden, Location("t"))], author="test")
    return demo_store


def test_the_server_serves_proofs_once_a_checkpoint_covers_the_record(restricted_store: Store):
    for base in serve_app(restricted_store):
        with httpx.Client(base_url=base) as client:
            assert client.get("/actor/karim-khan.tlog-proof").status_code == 404
            assert "tlog-proof" not in client.get("/actor/karim-khan").text
            assert client.get("/log/checkpoint").status_code == 404
            restricted_store.sign_checkpoint(SIGNER)
            answer = client.get("/actor/karim-khan.tlog-proof")
            assert answer.status_code == 200
            checks(answer.text, "actor", "karim-khan")
            assert 'href="/actor/karim-khan.tlog-proof"' in client.get("/actor/karim-khan").text
            checks(
                client.get("/incident/eo-14203-designations-2025.tlog-proof").text,
                "incident",
                "eo-14203-designations-2025",
            )
            hidden = client.get("/actor/hidden-witness.tlog-proof")
            assert hidden.status_code == 404 and "hidden" not in hidden.text.lower()
            note.open_checkpoint(client.get("/log/checkpoint").content, VERIFIER)


def test_the_static_site_carries_tiles_and_proofs(restricted_store: Store, tmp_path: Path):
    restricted_store.sign_checkpoint(SIGNER)
    folder = tmp_path / "site"
    build_site(restricted_store, folder, site=SITE, search_index=False)
    checks((folder / "actor" / "karim-khan.tlog-proof").read_text(), "actor", "karim-khan")
    assert not (folder / "actor" / "hidden-witness.tlog-proof").exists()
    assert "karim-khan.tlog-proof" in (folder / "actor" / "karim-khan" / "index.html").read_text()
    # The tiles alone rebuild the signed root, as any tlog-tiles client would.
    size = note.open_checkpoint((folder / "log" / "checkpoint").read_bytes(), VERIFIER).size
    hashes = b"".join(
        (folder / "log" / tile.path).read_bytes() for tile in merkle.tiles_of_level(0, size)
    )
    leaves = [hashes[i : i + 32] for i in range(0, len(hashes), 32)]
    checkpoint = note.open_checkpoint((folder / "log" / "checkpoint").read_bytes(), VERIFIER)
    assert merkle.root_of(leaves) == checkpoint.root
