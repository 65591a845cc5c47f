"""A file on its way into the archive, as capture hands it to the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BlobFile:
    """Where a file's bytes are now, and what they are: the store keeps them under their
    SHA-256 on every mirror."""

    path: Path
    sha256: str
    size: int
    media_type: str
    transient: bool = False
    """The file is a scratch copy, removed once kept: the first folder mirror may take it
    as a hard link rather than copy its bytes (later mirrors always get copies of their
    own, so that no two mirrors share one file)."""
