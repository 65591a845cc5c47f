"""`snapshot DIR`: the public record as a folder a mirror can serve and anyone can check.

A snapshot holds the public export (`data/`), the public journal entries behind it
(`journal.jsonl`), the archived files its public sources' captures name (`archive/`, by
SHA-256, each read from a mirror whose copy matches), a manifest of every one of those
files with its SHA-256, and the transparency log as tiles (`log/`). The manifest's own
digest is appended to the log and a checkpoint is signed over it, so one signature covers
every byte: key → checkpoint → tiles → the manifest's leaf → each file.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
from sqlalchemy.engine import Connection

from coercionwatch.model.note import Signer, checkpoint_size
from coercionwatch.store import Store, log
from coercionwatch.store.archive import Mirror, blob_path, fetch_verified
from coercionwatch.store.listing import Listing

from .bulk import replace_folder, unreplaceable, write_atomically, write_kind_files
from .datapackage import datapackage
from .tiles import write_tiles
from .view import PublicView

FORMAT = "coercionwatch-snapshot/1"
MANIFEST = "manifest.json"
JOURNAL = "journal.jsonl"
LOG = "log"
ARCHIVE = "archive"
MARK = ".coercionwatch-snapshot"
"""Left in every snapshot, so that writing one never replaces a folder of other things."""
MIRROR_STATE = ".mirror"
"""In a mirror's copy: what the mirror accepted last; its own, not the snapshot's."""


class SnapshotRefused(ValueError):
    """The snapshot cannot be written there; nothing was changed."""


@dataclass(frozen=True)
class SnapshotSummary:
    directory: Path
    files: int
    bytes: int
    tree_size: int
    checkpoint: str


def write_snapshot(
    store: Store,
    directory: Path,
    *,
    site: str,
    signer: Signer,
    mirrors: Sequence[Mirror] = (),
) -> SnapshotSummary:
    """Write a signed snapshot to `directory`, replacing an earlier snapshot there. The
    folder appears whole or not at all: it is built beside the target and renamed. The
    archived files come from `mirrors`; one that no mirror holds intact refuses the
    snapshot."""
    directory = directory.resolve()
    reason = unreplaceable(directory, MARK, "snapshot")
    if reason is not None:
        raise SnapshotRefused(reason)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        # One transaction: the export and the journal entries are of one state.
        with store.reading() as connection, connection.begin():
            view = PublicView(connection)
            write_kind_files(view, staging / "data", site=site)
            package = orjson.dumps(datapackage(site), option=orjson.OPT_INDENT_2)
            write_atomically(staging / "data" / "datapackage.json", [package])
            write_atomically(staging / JOURNAL, _journal_lines(connection))
            _copy_cited(view, mirrors, staging / ARCHIVE)
        (staging / MARK).write_text(FORMAT + "\n", "utf-8")
        files = list(_listing(staging))
        manifest = orjson.dumps({"format": FORMAT, "files": files}, option=orjson.OPT_INDENT_2)
        (staging / MANIFEST).write_bytes(manifest)
        checkpoint = store.sign_checkpoint(
            signer, leaf=("snapshot", hashlib.sha256(manifest).digest())
        )
        with store.reading() as connection:
            write_tiles(connection, staging / LOG, checkpoint)
        replace_folder(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SnapshotSummary(
        directory=directory,
        files=len(files) + 1,
        bytes=sum(f["size"] for f in files) + len(manifest),
        tree_size=checkpoint_size(checkpoint),
        checkpoint=checkpoint,
    )


def _copy_cited(view: PublicView, mirrors: Sequence[Mirror], folder: Path) -> None:
    """The files the public sources' captures name, as the projection shows those sources:
    a restricted source's capture is neither listed nor copied."""
    for source in view.every(Listing("source", sort="name", descending=False)):
        kept = getattr(source, "archive", None)
        if kept is None or not kept.wacz:
            continue
        for digest in dict.fromkeys(d for d in (kept.sha256, kept.wacz) if d):
            target = folder / blob_path(digest)
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if fetch_verified(mirrors, digest, target) is None:
                raise SnapshotRefused(
                    f"source {source.id}: no mirror holds an intact copy of archive file "
                    f"{digest} (run `archive verify --repair`)"
                )


def _journal_lines(connection: Connection) -> Iterator[bytes]:
    """The changes to the records the public sees, each with its leaf in the log: what a
    reader needs to prove a record's version is in the signed log. Entries of records the
    public does not see are left out; the log still counts them."""
    for entry, leaf in log.shown_entries(connection):
        yield orjson.dumps({**log.entry_fields(entry), "leaf": leaf}) + b"\n"


def _listing(root: Path) -> Iterator[dict[str, object]]:
    """Every file under `root` but the manifest and the log (which proves itself), by path."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name == MANIFEST or name.startswith(LOG + "/"):
            continue
        yield {"path": name, "sha256": file_digest(path), "size": path.stat().st_size}


def file_digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
