"""The Merkle tree against RFC 6962's published vectors (the leaves and roots of the
certificate-transparency test suite), and every proof for every small tree."""

from __future__ import annotations

import pytest

from coercionwatch.model import merkle

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]
ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
INCLUSION_0_OF_8 = ["96a296d224f285c6", "5f083f0a1a33ca07", "6b47aaf29ee3c2af"]
CONSISTENCY = {
    (1, 8): ["96a296d224f285c6", "5f083f0a1a33ca07", "6b47aaf29ee3c2af"],
    (6, 8): ["0ebc5d3437fbe2db", "ca854ea128ed050b", "d37ee418976dd957"],
    (2, 5): ["5f083f0a1a33ca07", "bc1a0643b12e4d2d"],
}


def stored(hashes: list[bytes]) -> dict[tuple[int, int], bytes]:
    nodes: dict[tuple[int, int], bytes] = {}
    for index, leaf in enumerate(hashes):
        for level, position, value in merkle.completed_nodes(index, leaf, lambda *k: nodes[k]):
            nodes[level, position] = value
    return nodes


HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]
NODES = stored(HASHES)


def node(level: int, index: int) -> bytes:
    return NODES[level, index]


def test_roots_are_rfc_6962s():
    assert merkle.root_of([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    for size, root in ROOTS.items():
        assert merkle.root_of(HASHES[:size]).hex() == root


def test_stored_nodes_are_the_complete_subtrees():
    assert NODES[3, 0].hex() == ROOTS[8]
    assert NODES[2, 0].hex() == ROOTS[4]
    assert (3, 1) not in NODES and len(NODES) == 15


def test_proofs_are_the_published_ones():
    assert [h.hex()[:16] for h in merkle.inclusion_proof(0, 8, node)] == INCLUSION_0_OF_8
    for (old, new), expected in CONSISTENCY.items():
        assert [h.hex()[:16] for h in merkle.consistency_proof(old, new, node)] == expected


def test_every_proof_of_every_small_tree_checks():
    hashes = [merkle.leaf_hash(i.to_bytes(2, "big")) for i in range(70)]
    nodes = stored(hashes)

    def lookup(level: int, index: int) -> bytes:
        return nodes[level, index]

    for size in range(1, 71):
        root = merkle.root_of(hashes[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(index, size, lookup)
            merkle.check_inclusion(index, size, hashes[index], proof, root)
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(old, size, lookup)
            merkle.check_consistency(old, size, merkle.root_of(hashes[:old]), root, proof)


def test_a_wrong_leaf_or_root_fails():
    proof = merkle.inclusion_proof(3, 8, node)
    with pytest.raises(merkle.ProofFailed):
        merkle.check_inclusion(3, 8, HASHES[4], proof, bytes.fromhex(ROOTS[8]))
    with pytest.raises(merkle.ProofFailed):
        merkle.check_inclusion(3, 8, HASHES[3], proof[:-1], bytes.fromhex(ROOTS[8]))
    consistency = merkle.consistency_proof(6, 8, node)
    with pytest.raises(merkle.ProofFailed):
        merkle.check_consistency(
            6, 8, bytes.fromhex(ROOTS[5]), bytes.fromhex(ROOTS[8]), consistency
        )
    with pytest.raises(merkle.ProofFailed):
        merkle.check_consistency(8, 6, bytes.fromhex(ROOTS[8]), bytes.fromhex(ROOTS[6]), [])


def test_tile_paths_follow_tlog_tiles():
    assert merkle.tile_index_path(1234067) == "x001/x234/067"
    assert merkle.tile_index_path(5) == "005"
    assert merkle.tile_index_path(1000) == "x001/000"
    tiles = list(merkle.tiles_of_level(0, 70_000))
    assert len(tiles) == 274 and tiles[-1].path == "tile/0/273.p/112"
    assert tiles[-1].entries_path == "tile/entries/273.p/112"
    assert [t.path for t in merkle.tiles_of_level(1, 70_000)] == ["tile/1/000", "tile/1/001.p/17"]
    assert [t.path for t in merkle.tiles_of_level(2, 70_000)] == ["tile/2/000.p/1"]
    assert list(merkle.tile_levels(70_000)) == [0, 1, 2] and list(merkle.tile_levels(0)) == []


def test_bundles_round_trip_and_refuse_a_cut():
    entries = [b"", b"abc", bytes(300)]
    data = merkle.bundle(entries)
    assert data[:2] == b"\x00\x00" and merkle.split_bundle(data) == entries
    with pytest.raises(ValueError):
        merkle.split_bundle(data[:-1])
