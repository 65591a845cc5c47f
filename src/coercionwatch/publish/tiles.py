"""The log as static files, exactly as `tlog-tiles` lays them out: `checkpoint`,
`tile/<L>/<N>[.p/<W>]` (the stored nodes of tree level 8·L) and
`tile/entries/<N>[.p/<W>]` (the leaves' data as entry bundles). Any static host serves
them; any tlog-tiles client reads them. One tile is read from the store at a time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Connection

from coercionwatch.model import merkle, note
from coercionwatch.store import log

from .bulk import write_atomically


def write_tiles(connection: Connection, directory: Path, checkpoint: bytes) -> int:
    """Write the tiles of the tree the signed `checkpoint` covers; returns files written."""
    size = note.checkpoint_size(checkpoint)
    written = 0
    for level in merkle.tile_levels(size):
        for tile in merkle.tiles_of_level(level, size):
            nodes = tile.nodes()
            hashes = log.level_hashes(
                connection, merkle.TILE_HEIGHT * level, nodes.start, nodes.stop
            )
            write_atomically(directory / tile.path, [b"".join(hashes)])
            written += 1
            if level == 0:
                entries = log.leaf_data(connection, nodes.start, nodes.stop)
                write_atomically(directory / tile.entries_path, [merkle.bundle(entries)])
                written += 1
    write_atomically(directory / "checkpoint", [checkpoint])
    return written + 1
