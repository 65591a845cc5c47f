"""`verify-snapshot DIR --key VKEY`: check a snapshot with nothing but its files and a key.

The chain checked, each link naming the file that breaks it: the checkpoint's signature
(the key), the tiles against the checkpoint's root, the entries against the tiles, the
manifest against its leaf (the last of the tree), every file against the manifest, every
journal line against its leaf, and, given an earlier checkpoint, that the new tree starts
with the old one (the log only grew).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from coercionwatch.model import merkle, note
from coercionwatch.store.journal import entry_hash

from .snapshot import JOURNAL, LOG, MANIFEST, MIRROR_STATE, file_digest

MAX_MANIFEST_BYTES = 64 * 2**20


@dataclass(frozen=True)
class SnapshotFault:
    """One thing wrong with a snapshot: the file it is in, and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Unverifiable(Exception):
    """A fault after which nothing further can be checked."""

    def __init__(self, fault: SnapshotFault) -> None:
        super().__init__(str(fault))
        self.fault = fault


@dataclass(frozen=True)
class CheckedSnapshot:
    checkpoint: note.Checkpoint
    leaf_hashes: list[bytes]
    files: int


def check_snapshot(
    directory: Path, key: str, *, since: bytes | None = None
) -> tuple[CheckedSnapshot | None, list[SnapshotFault]]:
    """Every fault found, and what was checked when none stops the check early."""
    faults: list[SnapshotFault] = []
    try:
        verifier = note.Verifier.from_key(key)
    except ValueError as exc:
        raise note.KeyRefused(f"the verifier key: {exc}") from None
    try:
        checkpoint = _checkpoint(directory, verifier)
        leaves = _leaf_hashes(directory, checkpoint)
        entries = _entries(directory, checkpoint, leaves)
    except Unverifiable as stop:
        return None, [stop.fault]
    files = _manifest(directory, entries, faults)
    faults.extend(_files(directory, files))
    faults.extend(_journal(directory, entries))
    if since is not None:
        faults.extend(_extends(since, verifier, leaves))
    checked = CheckedSnapshot(checkpoint, leaves, len(files))
    return checked, faults


def _read(directory: Path, name: str, limit: int = MAX_MANIFEST_BYTES) -> bytes:
    path = directory / name
    try:
        if path.stat().st_size > limit:
            raise Unverifiable(SnapshotFault(name, f"larger than {limit:,} bytes"))
        return path.read_bytes()
    except FileNotFoundError:
        raise Unverifiable(SnapshotFault(name, "missing")) from None


def _checkpoint(directory: Path, verifier: note.Verifier) -> note.Checkpoint:
    name = f"{LOG}/checkpoint"
    text = _read(directory, name, 1 << 20)
    try:
        return note.open_checkpoint(text, verifier)
    except ValueError as exc:
        raise Unverifiable(SnapshotFault(name, str(exc))) from None


def _leaf_hashes(directory: Path, checkpoint: note.Checkpoint) -> list[bytes]:
    """The tree's leaf hashes, from its level-0 tiles; every higher tile must hold the
    hashes of the 256 below each of its nodes, and the leaves must hash to the root."""
    size = checkpoint.size
    below: list[bytes] = []
    leaves: list[bytes] = []
    for level in merkle.tile_levels(size):
        hashes: list[bytes] = []
        for tile in merkle.tiles_of_level(level, size):
            name = f"{LOG}/{tile.path}"
            data = _read(directory, name, merkle.TILE_WIDTH * merkle.HASH_SIZE)
            if len(data) != tile.width * merkle.HASH_SIZE:
                raise Unverifiable(
                    SnapshotFault(name, f"holds {len(data)} bytes, not {tile.width * 32}")
                )
            held = [data[i : i + 32] for i in range(0, len(data), 32)]
            if level > 0:
                computed = [
                    merkle.root_of(below[k * merkle.TILE_WIDTH : (k + 1) * merkle.TILE_WIDTH])
                    for k in tile.nodes()
                ]
                if held != computed:
                    raise Unverifiable(
                        SnapshotFault(name, "its hashes disagree with the tiles below")
                    )
            hashes.extend(held)
        if level == 0:
            leaves = hashes
        below = hashes
    if merkle.root_of(leaves) != checkpoint.root:
        raise Unverifiable(
            SnapshotFault(f"{LOG}/tile/0", "the leaves do not hash to the checkpoint's root")
        )
    return leaves


def _entries(directory: Path, checkpoint: note.Checkpoint, leaves: list[bytes]) -> list[bytes]:
    """Every leaf's data, from the entries tiles, each hashing to its leaf."""
    found: list[bytes] = []
    for tile in merkle.tiles_of_level(0, checkpoint.size):
        name = f"{LOG}/{tile.entries_path}"
        data = _read(directory, name, merkle.TILE_WIDTH * (2 + 0xFFFF))
        try:
            bundle = merkle.split_bundle(data)
        except ValueError as exc:
            raise Unverifiable(SnapshotFault(name, str(exc))) from None
        if len(bundle) != tile.width:
            raise Unverifiable(
                SnapshotFault(name, f"holds {len(bundle)} entries, not {tile.width}")
            )
        for index, entry in zip(tile.nodes(), bundle, strict=True):
            if merkle.leaf_hash(entry) != leaves[index]:
                raise Unverifiable(SnapshotFault(name, f"entry {index} does not hash to its leaf"))
        found.extend(bundle)
    return found


def _manifest(
    directory: Path, entries: list[bytes], faults: list[SnapshotFault]
) -> list[dict[str, object]]:
    try:
        data = _read(directory, MANIFEST)
    except Unverifiable as stop:
        faults.append(stop.fault)
        return []
    if not entries or hashlib.sha256(data).digest() != entries[-1]:
        faults.append(SnapshotFault(MANIFEST, "its digest is not the log's last leaf"))
    try:
        files = orjson.loads(data)["files"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        faults.append(SnapshotFault(MANIFEST, "not a snapshot manifest"))
        return []
    return files


def _files(directory: Path, files: list[dict[str, object]]) -> Iterator[SnapshotFault]:
    listed: set[str] = set()
    root = directory.resolve()
    for item in files:
        name = str(item.get("path", ""))
        listed.add(name)
        path = (directory / name).resolve()
        if not path.is_relative_to(root) or name.startswith("/"):
            yield SnapshotFault(MANIFEST, f"names a file outside the snapshot: {name!r}")
            continue
        if not path.is_file():
            yield SnapshotFault(name, "missing")
        elif file_digest(path) != item.get("sha256"):
            yield SnapshotFault(name, "its SHA-256 is not the manifest's")
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        name = path.relative_to(directory).as_posix()
        own = name == MANIFEST or name.startswith((LOG + "/", MIRROR_STATE + "/"))
        if name not in listed and not own:
            yield SnapshotFault(name, "not in the manifest")


def _journal(directory: Path, entries: list[bytes]) -> Iterator[SnapshotFault]:
    path = directory / JOURNAL
    if not path.is_file():
        return  # already named as missing, through the manifest
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            where = f"{JOURNAL} line {number}"
            try:
                entry = orjson.loads(line)
                fields = {
                    "seq": entry["seq"],
                    "at": entry["at"],
                    "author": entry["author"],
                    "action": entry["action"],
                    "kind": entry["kind"],
                    "record_id": entry["id"],
                    "version": entry["version"],
                    "version_hash": entry["versionHash"],
                    "reason": entry["reason"],
                    "prev_hash": entry["prev"],
                }
                leaf = int(entry["leaf"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                yield SnapshotFault(where, "not a journal entry")
                continue
            computed = entry_hash(**fields)
            if computed != entry.get("hash"):
                yield SnapshotFault(where, "its fields do not match its hash")
            elif not 0 <= leaf < len(entries) or entries[leaf] != bytes.fromhex(computed):
                yield SnapshotFault(where, f"its hash is not leaf {leaf} of the log")


def _extends(since: bytes, verifier: note.Verifier, leaves: list[bytes]) -> Iterator[SnapshotFault]:
    try:
        earlier = note.open_checkpoint(since, verifier)
    except ValueError as exc:
        yield SnapshotFault("--since", f"the earlier checkpoint: {exc}")
        return
    if earlier.size > len(leaves):
        yield SnapshotFault(
            f"{LOG}/checkpoint",
            f"the tree has {len(leaves):,} leaves, fewer than the earlier checkpoint's "
            f"{earlier.size:,}: the log was truncated",
        )
    elif merkle.root_of(leaves[: earlier.size]) != earlier.root:
        yield SnapshotFault(
            f"{LOG}/checkpoint",
            f"does not extend the earlier checkpoint of {earlier.size:,} leaves: "
            "the log was rewritten",
        )
