"""The archive: files kept by the SHA-256 of their bytes, a copy on every mirror, each copy
read back and re-hashed on demand and repaired only from a copy that matches.

A mirror is a folder (`file:///…`) or an S3-compatible bucket (`s3://bucket/prefix?
endpoint=…`), through obstore. The same bytes have one address everywhere
(`sha256/ab/abcdef…`), so a write is skipped where the copy exists, and two captures of the
same document keep it once. What each mirror was last seen to hold is in `blob_copies`: a
mirror that was down when a file was kept is recorded `missing` and filled by `fill`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import obstore
import orjson
from obstore.store import LocalStore, ObjectStore, S3Store
from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.engine import Connection

from coercionwatch.model.blobs import BlobFile
from coercionwatch.model.types import utc_timestamp

from .database import WRITE_LOCK, advisory_lock
from .journal import ChainFault
from .schema import blob_copies, blobs, records, versions

CHUNK = 4 << 20
"""Bytes read at a time when a copy is hashed or moved: large enough that hashing, which
releases the GIL, runs in parallel on every core."""
SINGLE_PUT = 16 << 20
"""Files up to this size are written with an atomic create-if-absent; larger ones in parts
(after a check that the copy is absent), since one request would hold them in memory."""
READERS = 4
"""Copies read back at once by `check_copies` and `fill`."""
STATES = ("present", "missing", "bad")


class MirrorRefused(ValueError):
    """A mirror URL that cannot be used: nothing was written to it."""


@dataclass(frozen=True)
class Mirror:
    """One place copies are kept; `name` is its URL as configured, which has no secrets
    (credentials come from the environment)."""

    name: str
    store: ObjectStore
    folder: Path | None = None
    """For a folder mirror, the folder: files are written to it directly (a kernel copy,
    several times faster than an object-store put), and read through `store`."""


@dataclass(frozen=True)
class CopyState:
    """What one mirror holds of one blob, as last seen."""

    sha256: str
    mirror: str
    state: str
    detail: str | None = None
    repaired: bool = False
    wrote: bool = False
    """Whether this copy was written by the call that reports it, rather than found there:
    only such a copy may be taken back when its capture is not saved."""


def blob_path(digest: str) -> str:
    """A blob's address in every mirror."""
    return f"sha256/{digest[:2]}/{digest}"


def open_mirror(url: str) -> Mirror:
    """A mirror from its URL: `file:///abs/folder`, a bare folder path, or
    `s3://bucket[/prefix][?endpoint=URL&region=R]` with credentials in AWS_* variables."""
    url = url.strip()
    if "://" not in url:
        url = Path(url).expanduser().resolve().as_uri()
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise MirrorRefused(f"{url}: credentials in a mirror URL are refused; use AWS_* variables")
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise MirrorRefused(f"{url}: a file URL names a local folder (file:///path)")
        folder = Path(parts.path)
        try:
            return Mirror(url, LocalStore(folder, mkdir=True), folder)
        except Exception as exc:  # obstore's errors carry no common base with OSError
            raise MirrorRefused(f"{url}: cannot use the folder: {exc}") from None
    if parts.scheme == "s3":
        if not parts.netloc:
            raise MirrorRefused(f"{url}: no bucket named")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint", "region"}
        if unknown:
            raise MirrorRefused(f"{url}: unknown setting {sorted(unknown)[0]!r}")
        config: dict[str, Any] = {"region": query.get("region", "us-east-1")}
        client: dict[str, Any] = {}
        if "endpoint" in query:
            config["endpoint"] = query["endpoint"]
            client["allow_http"] = query["endpoint"].startswith("http://")
        try:
            store = S3Store(
                parts.netloc,
                prefix=parts.path.strip("/") or None,
                config=config,
                client_options=client,
            )
        except Exception as exc:
            raise MirrorRefused(f"{url}: {exc}") from None
        return Mirror(url, store)
    raise MirrorRefused(f"{url}: a mirror is a file:// folder or an s3:// bucket")


def open_mirrors(urls: Iterable[str]) -> list[Mirror]:
    """Each mirror once, in the order given (the first is where reads are tried first): a
    folder named by path and by file URL is one mirror."""
    opened: dict[str, Mirror] = {}
    for url in urls:
        if url.strip():
            mirror = open_mirror(url)
            opened.setdefault(mirror.name, mirror)
    return list(opened.values())


def _exists(mirror: Mirror, digest: str, size: int) -> bool:
    try:
        meta = obstore.head(mirror.store, blob_path(digest))
    except FileNotFoundError:
        return False
    return meta["size"] == size


def write_copy(mirror: Mirror, blob: BlobFile, *, take: bool = False) -> CopyState:
    """Write one file to one mirror unless a copy is there; any failure is a `missing` copy,
    never an exception: the other mirrors still get theirs."""
    try:
        if _exists(mirror, blob.sha256, blob.size):
            return CopyState(blob.sha256, mirror.name, "present")
        if mirror.folder is not None:
            wrote = _copy_into(mirror.folder, blob, take=take)
        elif blob.size <= SINGLE_PUT:
            try:
                obstore.put(mirror.store, blob_path(blob.sha256), blob.path, mode="create")
                wrote = True
            except obstore.exceptions.AlreadyExistsError:
                wrote = False  # written meanwhile by another: same address, same bytes
        else:
            obstore.put(mirror.store, blob_path(blob.sha256), blob.path, chunk_size=CHUNK)
            wrote = True
    except Exception as exc:
        return CopyState(blob.sha256, mirror.name, "missing", _reason(exc))
    return CopyState(blob.sha256, mirror.name, "present", wrote=wrote)


def _copy_into(folder: Path, blob: BlobFile, *, take: bool = False) -> bool:
    """Copy under a temporary name, then link it into place: the link fails if a copy
    appeared meanwhile, so a copy is never overwritten, nor ever seen half-written. With
    `take`, a transient file on the same filesystem is linked, not copied. Returns whether
    this call put the copy there."""
    target = folder / blob_path(blob.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if take:
        try:
            os.link(blob.path, target)
            return True
        except FileExistsError:
            return False
        except OSError:
            pass  # another filesystem: copy
    part = target.with_name(f".{blob.sha256}.{uuid.uuid4().hex}.part")
    try:
        shutil.copyfile(blob.path, part)
        try:
            os.link(part, target)
            return True
        except FileExistsError:  # written meanwhile: same address, same bytes
            return False
    finally:
        part.unlink(missing_ok=True)


def write_copies(mirrors: Sequence[Mirror], files: Sequence[BlobFile]) -> list[CopyState]:
    """Every file to every mirror, the mirrors in parallel; a transient file goes by link
    to the first folder mirror."""
    first_folder = next((m for m in mirrors if m.folder is not None), None)
    jobs = [(mirror, blob) for blob in files for mirror in mirrors]

    def job(work: tuple[Mirror, BlobFile]) -> CopyState:
        mirror, blob = work
        return write_copy(mirror, blob, take=blob.transient and mirror is first_folder)

    with ThreadPoolExecutor(max_workers=max(1, min(READERS, len(jobs)))) as pool:
        return list(pool.map(job, jobs))


def remove_new_copies(
    connection: Connection, mirrors: Sequence[Mirror], written: Sequence[CopyState]
) -> None:
    """Undo `write_copies` for blobs the archive does not hold: a capture whose record could
    not be saved leaves behind no file it wrote. Run under the writer lock, so that a blob
    another capture of the same document recorded meanwhile is seen, and its copy kept. A
    copy this capture found already there (put by another, or by hand) is left alone."""
    advisory_lock(connection, WRITE_LOCK)
    known = known_blobs(connection, (c.sha256 for c in written))
    by_name = {m.name: m for m in mirrors}
    for copy in written:
        if copy.wrote and copy.sha256 not in known and copy.mirror in by_name:
            with suppress(Exception):  # best effort: an orphan copy is harmless
                obstore.delete(by_name[copy.mirror].store, blob_path(copy.sha256))


def still_present(
    mirrors: Sequence[Mirror], files: Sequence[BlobFile], copies: Sequence[CopyState]
) -> list[CopyState]:
    """The copies a capture is about to record, checked again under the writer lock: one it
    found on a mirror may since have been taken back by a failed capture of the same
    document, and is written again."""
    by_name = {m.name: m for m in mirrors}
    by_digest = {f.sha256: f for f in files}
    checked = []
    for copy in copies:
        mirror = by_name.get(copy.mirror)
        blob = by_digest.get(copy.sha256)
        if copy.state == "present" and mirror is not None and blob is not None:
            try:
                gone = not _exists(mirror, blob.sha256, blob.size)
            except Exception as exc:
                checked.append(CopyState(copy.sha256, copy.mirror, "missing", _reason(exc)))
                continue
            if gone:
                copy = write_copy(mirror, blob)
        checked.append(copy)
    return checked


def known_blobs(connection: Connection, digests: Iterable[str]) -> set[str]:
    wanted = list(set(digests))
    if not wanted:
        return set()
    rows = connection.execute(select(blobs.c.sha256).where(blobs.c.sha256.in_(wanted)))
    return set(rows.scalars())


def record_blobs(
    connection: Connection, files: Sequence[BlobFile], copies: Sequence[CopyState]
) -> None:
    """The blobs and the state of their copies, in the caller's transaction."""
    at = utc_timestamp()
    new = [f for f in files if f.sha256 not in known_blobs(connection, (f.sha256 for f in files))]
    unique = {f.sha256: f for f in new}
    if unique:
        connection.execute(
            blobs.insert(),
            [
                {"sha256": f.sha256, "size": f.size, "media_type": f.media_type, "added_at": at}
                for f in unique.values()
            ],
        )
    record_copies(connection, copies, at=at)


def record_copies(connection: Connection, copies: Sequence[CopyState], *, at: str) -> None:
    latest = {(c.sha256, c.mirror): c for c in copies}
    if not latest:
        return
    keys = list(latest)
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        connection.execute(
            delete(blob_copies).where(tuple_(blob_copies.c.sha256, blob_copies.c.mirror).in_(part))
        )
    connection.execute(
        blob_copies.insert(),
        [
            {
                "sha256": c.sha256,
                "mirror": c.mirror,
                "state": c.state,
                "checked_at": at,
                "detail": c.detail,
            }
            for c in latest.values()
        ],
    )


def hash_copy(mirror: Mirror, digest: str, sink: Callable[[memoryview], Any] | None = None) -> str:
    """The SHA-256 of a mirror's copy, read in chunks (and each chunk passed to `sink`)."""
    hasher = hashlib.sha256()
    result = obstore.get(mirror.store, blob_path(digest))
    for chunk in result.stream(min_chunk_size=CHUNK):
        view = memoryview(chunk)
        hasher.update(view)
        if sink is not None:
            sink(view)
    return hasher.hexdigest()


def check_copy(mirror: Mirror, digest: str) -> CopyState:
    """Read a copy back and re-hash it: `present` only if the bytes match the address."""
    try:
        found = hash_copy(mirror, digest)
    except FileNotFoundError:
        return CopyState(digest, mirror.name, "missing", "no copy")
    except Exception as exc:
        return CopyState(digest, mirror.name, "missing", _reason(exc))
    if found != digest:
        return CopyState(digest, mirror.name, "bad", f"its bytes hash to {found}")
    return CopyState(digest, mirror.name, "present")


def fetch_verified(mirrors: Sequence[Mirror], digest: str, into: Path) -> Mirror | None:
    """Copy a blob into a local file from the first mirror whose bytes match its hash; a
    mirror that serves other bytes is passed over, never trusted."""
    for mirror in mirrors:
        try:
            with into.open("wb") as out:
                found = hash_copy(mirror, digest, out.write)
        except Exception:  # an unreadable mirror: the next one's turn
            continue
        if found == digest:
            return mirror
    into.unlink(missing_ok=True)
    return None


def repair(
    mirrors: Sequence[Mirror], digest: str, size: int, broken: Sequence[CopyState]
) -> list[CopyState]:
    """Rewrite each bad or missing copy from a good one, then read it back to be sure."""
    by_name = {m.name: m for m in mirrors}
    good = [m for m in mirrors if m.name not in {b.mirror for b in broken}]
    fixed: list[CopyState] = []
    with tempfile.TemporaryDirectory(prefix="coercionwatch-repair-") as scratch:
        local = Path(scratch) / digest
        source = fetch_verified(good, digest, local)
        for copy in broken:
            if source is None:
                fixed.append(
                    CopyState(digest, copy.mirror, copy.state, "no good copy to repair from")
                )
                continue
            target = by_name[copy.mirror]
            with suppress(Exception):  # absent already
                obstore.delete(target.store, blob_path(digest))
            written = write_copy(target, BlobFile(local, digest, size, ""))
            checked = check_copy(target, digest) if written.state == "present" else written
            fixed.append(
                CopyState(
                    digest,
                    copy.mirror,
                    checked.state,
                    checked.detail,
                    repaired=checked.state == "present",
                )
            )
    return fixed


def each_blob(connection: Connection, batch: int = 1000) -> Iterator[tuple[str, int]]:
    """Every blob's (hash, size), in hash order, a batch per query."""
    after = ""
    while True:
        rows = connection.execute(
            select(blobs.c.sha256, blobs.c.size)
            .where(blobs.c.sha256 > after)
            .order_by(blobs.c.sha256)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from ((r.sha256, r.size) for r in rows)
        after = rows[-1].sha256


BLOBS_AT_ONCE = 1000
"""Blobs whose copies are read back before the next are asked for: an archive of any size
is checked in this much memory."""


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(items, size)):
        yield batch


def check_copies(
    connection: Connection,
    mirrors: Sequence[Mirror],
    *,
    repair_broken: bool = False,
    on_blob: Callable[[int], None] | None = None,
) -> Iterator[CopyState]:
    """Read back every copy on every mirror; with `repair_broken`, restore bad and missing
    ones from a matching copy. Yields the state of every copy checked, repaired ones
    marked, a batch of blobs at a time."""

    def check_blob(item: tuple[str, int]) -> list[CopyState]:
        digest, size = item
        seen = [check_copy(mirror, digest) for mirror in mirrors]
        broken = [s for s in seen if s.state != "present"]
        if repair_broken and broken:
            fixed = {f.mirror: f for f in repair(mirrors, digest, size, broken)}
            seen = [fixed.get(s.mirror, s) for s in seen]
        return seen

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        for batch in _batches(each_blob(connection), BLOBS_AT_ONCE):
            for (_digest, size), seen in zip(batch, pool.map(check_blob, batch), strict=True):
                yield from seen
                if on_blob is not None:
                    on_blob(size)


def fill(
    connection: Connection,
    mirrors: Sequence[Mirror],
    *,
    on_blob: Callable[[int], None] | None = None,
) -> Iterator[CopyState]:
    """Give every mirror the blobs it is not recorded to hold, from a copy that matches;
    yields the copies written or found wanting, a batch of blobs at a time."""

    def fill_blob(item: tuple[str, int, list[Mirror]]) -> list[CopyState]:
        digest, size, lacking = item
        broken = [CopyState(digest, m.name, "missing") for m in lacking]
        return repair(mirrors, digest, size, broken)

    with ThreadPoolExecutor(max_workers=READERS) as pool:
        for batch in _batches(each_blob(connection), BLOBS_AT_ONCE):
            held = {
                (row.sha256, row.mirror)
                for row in connection.execute(
                    select(blob_copies.c.sha256, blob_copies.c.mirror).where(
                        blob_copies.c.sha256.in_([digest for digest, _ in batch]),
                        blob_copies.c.state == "present",
                    )
                )
            }
            work = [
                (digest, size, lacking)
                for digest, size in batch
                if (lacking := [m for m in mirrors if (digest, m.name) not in held])
            ]
            for (_, size, _), done in zip(work, pool.map(fill_blob, work), strict=True):
                yield from done
                if on_blob is not None:
                    on_blob(size)


@dataclass(frozen=True)
class MirrorStatus:
    """How much of the archive one mirror is recorded to hold."""

    mirror: str
    present: int
    missing: int
    bad: int
    unchecked: int
    present_bytes: int


def status(
    connection: Connection, mirrors: Sequence[Mirror]
) -> tuple[int, int, list[MirrorStatus]]:
    """(blobs, bytes, per mirror) from the copy records: no mirror is read."""
    total, size = connection.execute(
        select(func.count(), func.coalesce(func.sum(blobs.c.size), 0))
    ).one()
    size = int(size)
    names = list(dict.fromkeys([m.name for m in mirrors]))
    recorded = connection.execute(select(blob_copies.c.mirror).distinct()).scalars()
    names.extend(n for n in recorded if n not in names)
    rows = connection.execute(
        select(
            blob_copies.c.mirror,
            blob_copies.c.state,
            func.count(),
            func.coalesce(func.sum(blobs.c.size), 0),
        )
        .join(blobs, blobs.c.sha256 == blob_copies.c.sha256)
        .group_by(blob_copies.c.mirror, blob_copies.c.state)
    ).all()
    counts: dict[str, dict[str, tuple[int, int]]] = {}
    for mirror, state, count, nbytes in rows:
        counts.setdefault(mirror, {})[state] = (count, int(nbytes))  # PostgreSQL: a Decimal
    report = []
    for name in names:
        seen = counts.get(name, {})
        present, present_bytes = seen.get("present", (0, 0))
        missing = seen.get("missing", (0, 0))[0]
        bad = seen.get("bad", (0, 0))[0]
        report.append(
            MirrorStatus(
                name, present, missing, bad, total - present - missing - bad, present_bytes
            )
        )
    return total, size, report


def check_archive(connection: Connection) -> Iterator[ChainFault]:
    """Every file a current source's capture names must be a blob the archive records."""
    cited: dict[str, str] = {}
    rows = connection.execute(
        select(records.c.id, versions.c.body)
        .join(
            versions,
            (versions.c.kind == records.c.kind)
            & (versions.c.id == records.c.id)
            & (versions.c.version == records.c.version),
        )
        .where(records.c.kind == "source")
    )
    for record_id, body in rows:
        for digest in cited_digests(body):
            cited.setdefault(digest, record_id)
    known = known_blobs(connection, cited)
    for digest, record_id in sorted(cited.items()):
        if digest not in known:
            yield ChainFault(
                None,
                "source",
                record_id,
                f"source {record_id} cites archive file {digest}, which the archive lacks",
            )


def cited_digests(body: Any) -> list[str]:
    """The blobs a stored source's capture names: its document and its WACZ. A digest
    given without a capture (a seed file's, say) names bytes kept elsewhere."""
    data = orjson.loads(body) if isinstance(body, (str, bytes)) else body
    archive = (data or {}).get("archive") or {}
    if not archive.get("wacz"):
        return []
    return [d for d in (archive.get("sha256"), archive.get("wacz")) if d]


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def local_folder(location: str | None) -> str:
    """The archive folder used when no mirror is configured: COERCIONWATCH_ARCHIVE, else
    `archive` beside the SQLite file (or in the working folder, for PostgreSQL)."""
    configured = os.environ.get("COERCIONWATCH_ARCHIVE")
    if configured:
        return configured
    if location and "://" not in location:
        database = Path(location).expanduser().resolve()
        return str(database.with_name(f"{database.stem}-archive"))
    if location and location.startswith("sqlite:///"):
        database = Path(location.removeprefix("sqlite:///"))
        return str(database.with_name(f"{database.stem}-archive"))
    return str(Path("coercionwatch-archive").resolve())
