"""`capture` and `archive status / verify / mirror`: sources kept as files on every mirror,
read back and repaired."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from .options import AuthorOption, JsonOption
from .output import console, emit_json, rows_table
from .program import ProgramGroup, chosen

if TYPE_CHECKING:
    from coercionwatch.store import Store
    from coercionwatch.store.archive import CopyState, Mirror

archive_app = typer.Typer(
    cls=ProgramGroup,
    help="The source archive: which copies exist, reading them back, filling mirrors.",
    no_args_is_help=True,
)
MirrorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--mirror",
        metavar="URL",
        help="A further mirror (file:///folder or s3://bucket/prefix?endpoint=…); repeat "
        "for more. Added to COERCIONWATCH_MIRRORS (comma-separated) and the local folder.",
    ),
]


def configured_mirrors(extra: list[str] | None) -> list[Mirror]:
    """The local folder first, then COERCIONWATCH_MIRRORS, then each --mirror."""
    from coercionwatch.store.archive import MirrorRefused, local_folder, open_mirrors

    from .app import fail

    urls = [local_folder(chosen.location)]
    urls += [u for u in os.environ.get("COERCIONWATCH_MIRRORS", "").split(",") if u.strip()]
    urls += extra or []
    try:
        return open_mirrors(urls)
    except MirrorRefused as exc:
        raise fail(str(exc)) from None


def capture(
    target: Annotated[str, typer.Argument(metavar="URL-OR-PATH", help="A web address or a file.")],
    source: Annotated[
        str, typer.Option("--source", metavar="ID", help="The source it is a copy of.")
    ],
    mirror: MirrorOption = None,
    root: Annotated[
        list[Path] | None,
        typer.Option(
            "--root",
            metavar="FOLDER",
            help="A folder local files may be captured from (repeat; default: the working folder).",
        ),
    ] = None,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow a URL on a private address.")
    ] = False,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", metavar="BYTES", help="The largest document kept.")
    ] = 256 << 20,
    author: AuthorOption = None,
    json_out: JsonOption = False,
) -> None:
    """Keep a copy of a source: the page or document as a WACZ package and as itself, on
    every mirror, with its text for search; the source gains a version that describes the
    capture, and the capture's digest joins the log. A failed capture keeps nothing."""
    from coercionwatch.ingest.capture import CaptureRefused, Limits, capture_file, capture_url
    from coercionwatch.model import InvalidInput

    from .app import author_name, fail, opened
    from .output import report_problems

    who = author_name(author)
    mirrors = configured_mirrors(mirror)
    limits = Limits(max_bytes=max_bytes)
    scratch_in = mirrors[0].folder  # the archive folder: the capture moves in, uncopied
    try:
        if target.startswith(("http://", "https://")):
            captured = capture_url(
                target,
                allow_private=allow_private,
                limits=limits,
                captured_by=who,
                scratch_in=scratch_in,
            )
        elif "://" in target:
            raise CaptureRefused(f"{target}: only http(s) URLs and local files are captured")
        else:
            captured = capture_file(
                Path(target),
                roots=root or [Path.cwd()],
                limits=limits,
                captured_by=who,
                scratch_in=scratch_in,
            )
    except CaptureRefused as exc:
        raise fail(f"nothing captured: {exc}") from None
    with captured, opened(create=True) as store:
        try:
            summary, copies = store.keep_capture(
                source, captured.archive, captured.files, mirrors, author=who
            )
        except InvalidInput as exc:
            report_problems(exc.problems, heading="nothing captured:")
            raise typer.Exit(2) from None
    kept = captured.archive
    missing = [c for c in copies if c.state != "present"]
    if json_out:
        emit_json(
            {
                "source": source,
                "version": summary.versions.get(("source", source)),
                "sha256": kept.sha256,
                "wacz": kept.wacz,
                "size": kept.size,
                "mediaType": kept.media_type,
                "finalUrl": kept.final_url,
                "status": kept.status,
                "text": bool(kept.extracted_text),
                "copies": [_copy_json(c) for c in copies],
            }
        )
        return
    console.print(
        f"Captured {kept.requested} for source {source}: {kept.size:,} bytes "
        f"({kept.media_type}), sha256 {kept.sha256}, WACZ {kept.wacz}."
    )
    for copy in missing:
        console.print(f"  not on {copy.mirror}: {copy.detail} (run `archive mirror` later)")


def _copy_json(copy: CopyState) -> dict[str, object]:
    return {
        "sha256": copy.sha256,
        "mirror": copy.mirror,
        "state": copy.state,
        "detail": copy.detail,
        "repaired": copy.repaired,
    }


@archive_app.command("status")
def archive_status(mirror: MirrorOption = None, json_out: JsonOption = False) -> None:
    """Which copies each mirror is recorded to hold, as last written or checked (no mirror
    is read: `archive verify` reads them)."""
    from coercionwatch.store import archive

    from .app import opened

    mirrors = configured_mirrors(mirror)
    with opened() as store, store.reading() as connection:
        total, size, report = archive.status(connection, mirrors)
    if json_out:
        emit_json(
            {
                "blobs": total,
                "bytes": size,
                "mirrors": [
                    {
                        "mirror": m.mirror,
                        "present": m.present,
                        "missing": m.missing,
                        "bad": m.bad,
                        "unchecked": m.unchecked,
                        "presentBytes": m.present_bytes,
                    }
                    for m in report
                ],
            }
        )
        return
    console.print(
        rows_table(
            f"Archive: {total:,} files, {size:,} bytes",
            ["mirror", "present", "missing", "bad", "never written", "bytes present"],
            [
                (m.mirror, m.present, m.missing, m.bad, m.unchecked, f"{m.present_bytes:,}")
                for m in report
            ],
        )
    )


def _progress(label: str, total: int) -> tuple[Progress, object]:
    from .app import errors

    progress = Progress(
        TextColumn(label),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=errors,
        disable=not errors.is_terminal,
        transient=True,
    )
    return progress, progress.add_task(label, total=total)


@archive_app.command("verify")
def archive_verify(
    mirror: MirrorOption = None,
    repair: Annotated[
        bool,
        typer.Option("--repair", help="Restore bad and missing copies from a copy that matches."),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Read every copy on every mirror back and re-hash it; report bad and missing copies
    and, with --repair, rewrite them from a copy whose hash matches. Exit 1 if any copy is
    still bad or missing."""
    from coercionwatch.store import archive

    from .app import opened

    mirrors = configured_mirrors(mirror)
    with opened() as store, store.reading() as connection:
        total, size, _ = archive.status(connection, mirrors)
        progress, task = _progress("reading copies", size * len(mirrors))
        with progress:
            seen = _recorded(
                store,
                archive.check_copies(
                    connection,
                    mirrors,
                    repair_broken=repair,
                    on_blob=lambda n: progress.advance(task, n * len(mirrors)),  # type: ignore[arg-type]
                ),
            )
    _report(seen, total, json_out=json_out, verb="verified")


@archive_app.command("mirror")
def archive_mirror(mirror: MirrorOption = None, json_out: JsonOption = False) -> None:
    """Copy to every mirror the files it is not recorded to hold (a mirror that was down
    when they were captured, or one just added), each from a copy that matches its hash."""
    from coercionwatch.store import archive

    from .app import opened

    mirrors = configured_mirrors(mirror)
    with opened() as store, store.reading() as connection:
        total, size, _ = archive.status(connection, mirrors)
        progress, task = _progress("filling mirrors", size)
        with progress:
            seen = _recorded(
                store,
                archive.fill(
                    connection,
                    mirrors,
                    on_blob=lambda n: progress.advance(task, n),  # type: ignore[arg-type]
                ),
            )
    _report(seen, total, json_out=json_out, verb="filled")


@dataclass
class _Seen:
    """What a pass over the copies reports: how many, and only the faults and the restored
    (an archive's every state is recorded as it comes, not held)."""

    copies: int = 0
    broken: list[CopyState] = field(default_factory=list)
    repaired: list[CopyState] = field(default_factory=list)


RECORDED_AT_ONCE = 1000


def _recorded(store: Store, states: Iterator[CopyState]) -> _Seen:
    """Record the copies' states in the store as they come, a batch to a transaction."""
    from coercionwatch.model.types import utc_timestamp

    seen = _Seen()
    batch: list[CopyState] = []
    for state in states:
        seen.copies += 1
        if state.state != "present":
            seen.broken.append(state)
        if state.repaired:
            seen.repaired.append(state)
        batch.append(state)
        if len(batch) >= RECORDED_AT_ONCE:
            store.record_copies(batch, at=utc_timestamp())
            batch = []
    if batch:
        store.record_copies(batch, at=utc_timestamp())
    return seen


def _report(seen: _Seen, total: int, *, json_out: bool, verb: str) -> None:
    broken, repaired = seen.broken, seen.repaired
    if json_out:
        emit_json(
            {
                "blobs": total,
                "copies": seen.copies,
                "repaired": len(repaired),
                "faults": [_copy_json(s) for s in broken],
                "restored": [_copy_json(s) for s in repaired],
                "ok": not broken,
            }
        )
    else:
        if repaired:
            console.print(
                rows_table(
                    "Copies restored",
                    ["mirror", "sha256"],
                    [(s.mirror, s.sha256) for s in repaired],
                )
            )
        if broken:
            console.print(
                rows_table(
                    "Copies bad or missing",
                    ["mirror", "sha256", "state", "why"],
                    [(s.mirror, s.sha256, s.state, s.detail or "") for s in broken],
                )
            )
        console.print(
            f"{verb.capitalize()}: {seen.copies:,} copies of {total:,} files; "
            f"{len(repaired):,} restored, {len(broken):,} still bad or missing."
        )
    if broken:
        raise typer.Exit(1)
