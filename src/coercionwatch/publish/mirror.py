"""`mirror pull SNAPSHOT DEST --key VKEY`: a mirror that checks before it serves, and vouches.

The mirror copies a snapshot (a folder, or a URL where one is served) into a folder beside
DEST, checks it with `check_snapshot` — against the last checkpoint this mirror accepted,
so a log that was truncated or rewritten is refused — then adds its own cosignature to the
checkpoint (`tlog-cosignature`) and only then puts the copy in DEST's place. A reader who
trusts the signatures of two mirrors in two jurisdictions needs to trust no one else.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

import httpx
import orjson

from coercionwatch.model import merkle, note
from coercionwatch.model.addresses import AddressRefused, check_url

from .bulk import replace_folder
from .snapshot import LOG, MANIFEST, MIRROR_STATE
from .snapshot_check import SnapshotFault, check_snapshot

MAX_FILE_BYTES = 2 * 2**30
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class PullRefused(Exception):
    """The snapshot was not taken: DEST is as it was. Carries the faults found."""

    def __init__(self, faults: list[SnapshotFault]) -> None:
        super().__init__("; ".join(map(str, faults)))
        self.faults = faults


@dataclass(frozen=True)
class Pulled:
    destination: Path
    files: int
    tree_size: int
    previous_size: int | None
    checkpoint: str
    """The checkpoint as this mirror now serves it: the log's signature and its own."""


def pull(
    source: str,
    destination: Path,
    *,
    key: str,
    cosigner: note.Signer,
    allow_private: bool = False,
) -> Pulled:
    destination = destination.resolve()
    foreign = destination.is_dir() and not (destination / MIRROR_STATE).is_dir()
    if foreign and any(destination.iterdir()):
        raise PullRefused(
            [SnapshotFault(str(destination), "holds files no mirror pull left there")]
        )
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        if source.startswith(("http://", "https://")):
            _download(source, staging, allow_private=allow_private)
        else:
            _copy(Path(source), staging)
        seen = destination / MIRROR_STATE / "checkpoint"
        since = seen.read_bytes() if seen.is_file() else None
        checked, faults = check_snapshot(staging, key, since=since)
        if faults or checked is None:
            raise PullRefused(faults)
        signed = (staging / LOG / "checkpoint").read_bytes()
        cosigned = note.cosign(signed, cosigner, timestamp=int(time.time()))
        (staging / LOG / "checkpoint").write_bytes(cosigned)
        state = staging / MIRROR_STATE
        state.mkdir()
        (state / "checkpoint").write_bytes(signed)
        replace_folder(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    earlier = note.open_checkpoint(since, note.Verifier.from_key(key)) if since else None
    return Pulled(
        destination=destination,
        files=checked.files,
        tree_size=checked.checkpoint.size,
        previous_size=earlier.size if earlier else None,
        checkpoint=cosigned.decode("utf-8"),
    )


def _copy(source: Path, staging: Path) -> None:
    if not (source / MANIFEST).is_file():
        raise PullRefused([SnapshotFault(str(source), "not a snapshot (no manifest.json)")])
    for path in source.rglob("*"):
        if path.is_symlink():
            raise PullRefused([SnapshotFault(str(path), "a link; a snapshot holds only files")])
    shutil.copytree(
        source, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns(MIRROR_STATE)
    )


def _download(base: str, staging: Path, *, allow_private: bool) -> None:
    """Fetch what the manifest and the checkpoint name: every file, every tile."""
    base = base if base.endswith("/") else base + "/"
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:

        def fetch(name: str) -> bytes:
            url = urljoin(base, name)
            try:
                check_url(url, allow_private=allow_private)
            except AddressRefused as exc:
                raise PullRefused([SnapshotFault(name, str(exc))]) from None
            try:
                answer = client.get(url)
            except httpx.HTTPError as exc:
                raise PullRefused([SnapshotFault(name, f"cannot be fetched: {exc}")]) from None
            if answer.status_code != 200:
                raise PullRefused([SnapshotFault(name, f"answered {answer.status_code}")])
            if len(answer.content) > MAX_FILE_BYTES:
                raise PullRefused([SnapshotFault(name, "too large")])
            return answer.content

        def keep(name: str, data: bytes) -> None:
            target = staging / _safe(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

        checkpoint = fetch(f"{LOG}/checkpoint")
        keep(f"{LOG}/checkpoint", checkpoint)
        size = note.checkpoint_size(checkpoint)
        for name in _tile_names(size):
            keep(name, fetch(name))
        manifest = fetch(MANIFEST)
        keep(MANIFEST, manifest)
        try:
            files = orjson.loads(manifest)["files"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise PullRefused([SnapshotFault(MANIFEST, "not a snapshot manifest")]) from None
        for item in files:
            keep(str(item["path"]), fetch(str(item["path"])))


def _tile_names(size: int) -> Iterator[str]:
    for level in merkle.tile_levels(size):
        for tile in merkle.tiles_of_level(level, size):
            yield f"{LOG}/{tile.path}"
            if level == 0:
                yield f"{LOG}/{tile.entries_path}"


def _safe(name: str) -> str:
    """A served name as a path inside the copy: none may climb out or start at the root."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise PullRefused([SnapshotFault(MANIFEST, f"names a file outside the snapshot: {name!r}")])
    return path.as_posix()
