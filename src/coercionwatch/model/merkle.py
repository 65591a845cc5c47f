"""The transparency log's Merkle tree: RFC 6962 hashing, RFC 9162 proofs, tlog-tiles paths.

Nodes are named by (level, index): the node at level L, index k covers leaves
k·2^L … (k+1)·2^L − 1 and exists once all of them do. A log keeps exactly these complete
nodes as leaves arrive (`completed_nodes`), so any proof reads O(log n) stored hashes and
never rehashes the tree. Proof functions take `node(level, index)`, however it is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeLookup = Callable[[int, int], bytes]
"""The hash of the complete node at (level, index)."""


class ProofFailed(ValueError):
    """A proof that does not lead to the root it claims."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree head over these leaf hashes (RFC 6962 MTH), in one pass with a stack of
    complete subtrees."""
    if not leaf_hashes:
        return EMPTY_ROOT
    stack: list[tuple[int, bytes]] = []  # (level, hash), levels strictly decreasing
    for hashed in leaf_hashes:
        level, value = 0, hashed
        while stack and stack[-1][0] == level:
            value = node_hash(stack.pop()[1], value)
            level += 1
        stack.append((level, value))
    value = stack.pop()[1]
    while stack:
        value = node_hash(stack.pop()[1], value)
    return value


def completed_nodes(index: int, leaf: bytes, node: NodeLookup) -> Iterator[tuple[int, int, bytes]]:
    """The nodes that leaf `index` completes, itself first: (level, index, hash). `node`
    must answer for the left siblings, which all exist already."""
    level, position, value = 0, index, leaf
    yield level, position, value
    while position & 1:
        value = node_hash(node(level, position - 1), value)
        level, position = level + 1, position >> 1
        yield level, position, value


def _largest_power_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def subtree_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The complete nodes whose concatenation is the subtree over leaves [start, end) that
    RFC 6962 defines, left to right; `subtree_hash` folds them right to left."""
    found: list[tuple[int, int]] = []
    while start < end:
        size = end - start
        if size & (size - 1) == 0 and start % size == 0:
            found.append((size.bit_length() - 1, start // size))
            break
        k = _largest_power_below(size)
        found.append((k.bit_length() - 1, start // k))
        start += k
    return found


def subtree_hash(start: int, end: int, node: NodeLookup) -> bytes:
    """MTH of leaves [start, end), where `start` is a multiple of the split RFC 6962 makes
    (as every range in its proofs is)."""
    parts = [node(level, index) for level, index in subtree_nodes(start, end)]
    value = parts.pop()
    while parts:
        value = node_hash(parts.pop(), value)
    return value


def inclusion_nodes(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges of RFC 9162's PATH(index, D[size]), leaf side first, as (start, end)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _largest_power_below(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def inclusion_proof(index: int, size: int, node: NodeLookup) -> list[bytes]:
    return [subtree_hash(a, b, node) for a, b in inclusion_nodes(index, size)]


def consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges of RFC 9162's PROOF(old, D[new]), in the order the proof lists them."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    ranges: list[tuple[int, int]] = []

    def subproof(m: int, start: int, end: int, whole: bool) -> None:
        if m == end - start:
            if not whole:
                ranges.append((start, end))
            return
        k = _largest_power_below(end - start)
        if m <= k:
            subproof(m, start, start + k, whole)
            ranges.append((start + k, end))
        else:
            subproof(m - k, start + k, end, False)
            ranges.append((start, start + k))

    subproof(old, 0, new, True)
    return ranges


def consistency_proof(old: int, new: int, node: NodeLookup) -> list[bytes]:
    return [subtree_hash(a, b, node) for a, b in consistency_ranges(old, new)]


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root a leaf and its proof lead to; ProofFailed if they lead
    nowhere."""
    if not 0 <= index < size:
        raise ProofFailed(f"leaf {index} is not in a tree of {size}")
    fn, sn, value = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ProofFailed("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            value = node_hash(value, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofFailed("the proof is shorter than the tree is deep")
    return value


def check_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofFailed(f"leaf {index} is not in the tree of {size} with that root")


def check_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: the tree of `new` leaves starts with the tree of `old`."""
    if old > new:
        raise ProofFailed(f"a tree of {new} cannot extend one of {old}")
    if old == new:
        if proof or old_root != new_root:
            raise ProofFailed("two trees of one size with different roots")
        return
    if old == 0:
        if proof:
            raise ProofFailed("the empty tree needs no proof")
        return
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    if not path:
        raise ProofFailed("the proof is empty")
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for value in path[1:]:
        if sn == 0:
            raise ProofFailed("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            first, second = node_hash(value, first), node_hash(value, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, value)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or first != old_root or second != new_root:
        raise ProofFailed(f"the tree of {new} does not extend the tree of {old}")


# --- tlog-tiles


@dataclass(frozen=True)
class Tile:
    """A tile of `width` hashes (or entries) at tile level `level`, number `index`."""

    level: int
    index: int
    width: int

    @property
    def path(self) -> str:
        return f"tile/{self.level}/{tile_index_path(self.index)}{self._partial()}"

    @property
    def entries_path(self) -> str:
        return f"tile/entries/{tile_index_path(self.index)}{self._partial()}"

    def _partial(self) -> str:
        return "" if self.width == TILE_WIDTH else f".p/{self.width}"

    def nodes(self) -> range:
        """The indexes, at tree level level·8, of the nodes this tile holds."""
        start = self.index * TILE_WIDTH
        return range(start, start + self.width)


def tile_index_path(index: int) -> str:
    """`1234067` → `x001/x234/067`: groups of three digits, all but the last marked `x`."""
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tiles_of_level(level: int, size: int) -> Iterator[Tile]:
    """The tiles of one tile level in a tree of `size` leaves: full ones, then the partial
    one if the level's node count is not a multiple of the width."""
    count = size >> (TILE_HEIGHT * level)
    full, rest = divmod(count, TILE_WIDTH)
    for index in range(full):
        yield Tile(level, index, TILE_WIDTH)
    if rest:
        yield Tile(level, full, rest)


def tile_levels(size: int) -> Iterator[int]:
    level = 0
    while size >> (TILE_HEIGHT * level):
        yield level
        level += 1


def bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian 16-bit length and its bytes."""
    out = bytearray()
    for entry in entries:
        if len(entry) > 0xFFFF:
            raise ValueError("an entry longer than 65,535 bytes")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def split_bundle(data: bytes) -> list[bytes]:
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise ValueError("the bundle ends inside an entry's length")
        length = int.from_bytes(data[at : at + 2], "big")
        at += 2
        if at + length > len(data):
            raise ValueError("the bundle ends inside an entry")
        entries.append(data[at : at + length])
        at += length
    return entries
