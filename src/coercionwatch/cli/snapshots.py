"""`snapshot`, `verify-snapshot` and `mirror pull`: the record as signed folders that mirrors
check, serve and vouch for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coercionwatch.model import note

from .archive import MirrorOption, configured_mirrors
from .keys import SigningKeyOption, read_signer, read_verifier_key
from .options import JsonOption
from .output import console, emit_json, rows_table
from .program import ProgramGroup

mirror_app = typer.Typer(
    cls=ProgramGroup,
    help="A mirror that verifies snapshots and cosigns them.",
    no_args_is_help=True,
)
KeyOption = Annotated[
    str,
    typer.Option(
        "--key",
        metavar="VKEY",
        help="The log's verifier key (name+hex8+base64), or a file holding it.",
    ),
]


def snapshot(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write (replaced).")],
    signing_key: SigningKeyOption = None,
    mirror: MirrorOption = None,
    json_out: JsonOption = False,
) -> None:
    """A signed, self-verifying copy of the public record for mirrors: the export, the
    archived files it cites, a manifest of every file and the log as tiles."""
    from coercionwatch.publish.snapshot import SnapshotRefused, write_snapshot

    from .app import fail, opened, site_url

    signer = read_signer(signing_key)
    mirrors = configured_mirrors(mirror)
    with opened() as store:
        try:
            summary = write_snapshot(
                store, directory, site=site_url(), signer=signer, mirrors=mirrors
            )
        except SnapshotRefused as exc:
            raise fail(f"no snapshot written: {exc}") from None
        except OSError as exc:
            raise fail(f"cannot write to {directory}: {exc.strerror or exc}") from None
    if json_out:
        emit_json(
            {
                "directory": str(summary.directory),
                "files": summary.files,
                "bytes": summary.bytes,
                "treeSize": summary.tree_size,
                "checkpoint": summary.checkpoint,
            }
        )
        return
    console.print(
        f"Wrote a snapshot of {summary.files:,} files ({summary.bytes:,} bytes) to "
        f"{summary.directory}, signed at tree size {summary.tree_size:,}."
    )


def verify_snapshot(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="The snapshot folder.")],
    key: KeyOption,
    since: Annotated[
        Path | None,
        typer.Option(metavar="CHECKPOINT", help="An earlier checkpoint the log must extend."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Check every file against the manifest, the manifest against the log, the log against
    its signature and, with --since, against an earlier checkpoint. Exit 1 on any fault."""
    from coercionwatch.publish.snapshot_check import check_snapshot

    from .app import fail

    if not directory.is_dir():
        raise fail(f"{directory}: not a folder")
    earlier = _read_bytes(since) if since else None
    try:
        checked, faults = check_snapshot(directory, read_verifier_key(key), since=earlier)
    except note.KeyRefused as exc:
        raise fail(str(exc)) from None
    if json_out:
        emit_json(
            {
                "ok": not faults,
                "treeSize": checked.checkpoint.size if checked else None,
                "files": checked.files if checked else None,
                "faults": [{"path": f.path, "message": f.message} for f in faults],
            }
        )
    elif faults:
        console.print(
            rows_table("Snapshot faults", ["file", "fault"], [(f.path, f.message) for f in faults])
        )
    elif checked is not None:
        console.print(
            f"Snapshot verified: {checked.files:,} files, tree size {checked.checkpoint.size:,}, "
            f"signed by {checked.checkpoint.origin}."
        )
    if faults:
        raise typer.Exit(1)


@mirror_app.command("pull")
def mirror_pull(
    source: Annotated[str, typer.Argument(metavar="SNAPSHOT", help="A snapshot folder or URL.")],
    destination: Annotated[Path, typer.Argument(metavar="DEST", help="The mirror's folder.")],
    key: KeyOption,
    mirror_key: Annotated[
        Path | None,
        typer.Option(
            "--mirror-key",
            envvar="COERCIONWATCH_MIRROR_KEY",
            metavar="FILE",
            help="This mirror's private key file, to cosign with.",
        ),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow a URL on a private address.")
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Copy a snapshot, verify it and its consistency with the last one this mirror took,
    cosign its checkpoint and serve it from DEST. Exit 1, DEST untouched, on any fault."""
    from coercionwatch.publish.mirror import PullRefused, pull

    from .app import fail

    cosigner = read_signer(mirror_key, what="--mirror-key")
    try:
        pulled = pull(
            source,
            destination,
            key=read_verifier_key(key),
            cosigner=cosigner,
            allow_private=allow_private,
        )
    except note.KeyRefused as exc:
        raise fail(str(exc)) from None
    except PullRefused as refused:
        if json_out:
            emit_json(
                {
                    "ok": False,
                    "faults": [{"path": f.path, "message": f.message} for f in refused.faults],
                }
            )
        else:
            rows = [(f.path, f.message) for f in refused.faults]
            console.print(rows_table("Snapshot refused", ["file", "fault"], rows))
        raise typer.Exit(1) from None
    except OSError as exc:
        raise fail(f"cannot write to {destination}: {exc.strerror or exc}") from None
    if json_out:
        emit_json(
            {
                "ok": True,
                "destination": str(pulled.destination),
                "treeSize": pulled.tree_size,
                "previousSize": pulled.previous_size,
                "checkpoint": pulled.checkpoint,
            }
        )
        return
    grew = (
        f" (grew from {pulled.previous_size:,})"
        if pulled.previous_size is not None
        else " (first pull)"
    )
    console.print(
        f"Mirrored {pulled.files:,} files to {pulled.destination}: tree size "
        f"{pulled.tree_size:,}{grew}, cosigned."
    )


def _read_bytes(path: Path) -> bytes:
    from .app import fail

    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"{path}: cannot be read: {exc}") from None
