"""The `coercionwatch` program: a thin shell over the model, ingest, store and publish APIs."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from coercionwatch.ingest import DEFAULT_MAX_FILE_BYTES, Incoming, Rules, read_records
from coercionwatch.model import KINDS, Incident, InvalidInput, Problem, native_record, project
from coercionwatch.publish import (
    DEFAULT_SITE,
    FORMATS,
    ExportRefused,
    dumps_envelope,
    export_all,
    seed_envelope,
)
from coercionwatch.publish.pages.search import MARK
from coercionwatch.reference import reference_files
from coercionwatch.store import (
    ImportSummary,
    MissingDatabase,
    Store,
    StoredRecord,
    VersionConflict,
    database_place,
    is_lock_timeout,
)
from coercionwatch.store.search import query_words

from . import editing
from .archive import archive_app, capture
from .keys import keys_app
from .log import log_app
from .options import AuthorOption, JsonOption, ReasonOption
from .output import (
    alert,
    camel_fields,
    console,
    emit_json,
    errors,
    fields_table,
    named_hits,
    print_history,
    record_table,
    report_problems,
    report_warnings,
    rows_table,
    search_table,
)
from .program import ProgramGroup, chosen, given_before
from .reporting import report_app
from .snapshots import mirror_app, snapshot, verify_snapshot
from .states import load_states, states_app

app = typer.Typer(
    cls=ProgramGroup,
    help="A public, verifiable record of coercion against international justice.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
export_app = typer.Typer(
    cls=ProgramGroup, help="Write records out: one incident, or everything.", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(report_app, name="report")
app.add_typer(states_app, name="states")
app.add_typer(keys_app, name="keys")
app.add_typer(log_app, name="log")
app.add_typer(mirror_app, name="mirror")
app.add_typer(archive_app, name="archive")
app.command("capture")(capture)
app.command("snapshot")(snapshot)
app.command("verify-snapshot")(verify_snapshot)

KindArgument = Annotated[
    str, typer.Argument(metavar="KIND", help=f"The kind of record: {', '.join(KINDS)}.")
]
KindOption = Annotated[str | None, typer.Option(help=f"Only this kind: {', '.join(KINDS)}.")]
IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Record id (incident: its slug).")]


@app.callback()
def main_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="COERCIONWATCH_DB",
            metavar="PATH-OR-URL",
            help="Database: a path (SQLite) or a URL such as postgresql://user@host/db. "
            "Default ./coercionwatch.db.",
        ),
    ] = None,
) -> None:
    given_before(db)


LOCKED = "the database is locked by another writer; try again"
LOCKED_STATUS = 1
"""A lock timeout is not the user's mistake: the same command may well succeed when run
again, which status 2 (change the input) would wrongly suggest."""


@contextmanager
def opened(*, create: bool = False) -> Iterator[Store]:
    """The store for one command. Every command opens it here, so this is the one place where
    a database that cannot be used, or a writer that waited out the lock timeout
    (COERCIONWATCH_LOCK_TIMEOUT), gets one line instead of a traceback.

    Only commands that write pass `create`: one that reads refuses a database that does
    not exist rather than create an empty one behind a mistyped path.
    """
    with usable_database():
        store = Store.open(chosen.location, create=create)
    try:
        with store:
            yield store
    except OperationalError as exc:
        raise database_failure(exc) from None


@contextmanager
def usable_database() -> Iterator[None]:
    """Around opening a database: whatever is wrong with it is one line, exit 2."""
    try:
        yield
    except MissingDatabase as exc:
        raise fail(str(exc)) from None
    except (ArgumentError, ValueError) as exc:
        raise fail(f"cannot use the database {database_place(chosen.location)}: {exc}") from None
    except DBAPIError as exc:
        raise database_failure(exc) from None


def database_failure(error: DBAPIError) -> typer.Exit:
    if is_lock_timeout(error):
        errors.print(alert("error:", f" {LOCKED}"), highlight=False)
        return typer.Exit(LOCKED_STATUS)
    return fail(
        f"cannot use the database {database_place(chosen.location)}: {one_line(error.orig)}"
    )


def one_line(error: BaseException | None) -> str:
    """A driver's message, which may run over several lines, on one."""
    return " ".join(str(error).split())


def fail(message: str) -> typer.Exit:
    errors.print(alert("error:", f" {message}"), highlight=False)
    return typer.Exit(2)


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")
    return kind


def author_name(author: str | None) -> str:
    """Who the journal names: white space around the name, or inside it, is not part of it."""
    name = " ".join((author or "").split())
    return name or getpass.getuser()


def site_url() -> str:
    return os.environ.get("COERCIONWATCH_SITE", DEFAULT_SITE)


def run_import(
    store: Store,
    paths: list[Path],
    *,
    author: str,
    reason: str | None,
    max_bytes: int,
    propose: bool = False,
    if_version: int | None = None,
    add_only: bool = False,
    require_sources: bool = False,
) -> ImportSummary:
    """Import with a progress bar per file; on any problem, report all and exit 2.

    With `if_version`, the files must hold exactly one record, written only if it is still
    at that version (0: only if it does not exist yet). With `add_only`, records that
    exist are kept as they are.
    """
    show = errors.is_terminal
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=errors, disable=not show, transient=True) as progress:

        def told(path: Path) -> Callable[[int], None]:
            size = path.stat().st_size if path.is_file() else 0
            task = progress.add_task(path.name, total=size)
            return lambda done: progress.update(task, completed=done)

        rules = Rules(site=site_url(), require_sources=require_sources)
        items = read_records(paths, max_bytes=max_bytes, progress=told, rules=rules)
        expected = None
        if if_version is not None:
            items, key = single_record(items)
            expected = {key: if_version} if key else None
        try:
            summary = store.import_records(
                items,
                author=author,
                reason=reason,
                expected_versions=expected,
                propose=propose,
                add_only=add_only,
            )
        except InvalidInput as exc:
            report_problems(
                exc.problems,
                heading=f"import refused, nothing written ({len(exc.problems)} problem(s)):",
            )
            raise typer.Exit(2) from None
        except VersionConflict as exc:
            raise fail(f"import refused, nothing written: {exc}") from None
    report_warnings(summary.warnings)
    return summary


def single_record(
    items: Iterable[Incoming | Problem],
) -> tuple[list[Incoming | Problem], tuple[str, str] | None]:
    """The items of an import that must hold one record, and that record's (kind, id); the
    key is None when the record is invalid, which the import then reports."""
    taken: list[Incoming | Problem] = []
    keys = []
    for item in items:
        taken.append(item)
        if isinstance(item, Incoming):
            keys.append((item.record.kind, item.record.id))
            if len(keys) > 1:
                raise fail("--if-version needs exactly one record to import; found more")
    if not keys and not taken:
        raise fail("--if-version needs exactly one record to import; found none")
    return taken, keys[0] if keys else None


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="JSON, JSON Lines or YAML record files.")],
    author: AuthorOption = None,
    reason: ReasonOption = None,
    max_file_size: Annotated[
        int, typer.Option(help="Largest file accepted, in MiB.", min=1)
    ] = DEFAULT_MAX_FILE_BYTES // 2**20,
    propose: Annotated[
        bool,
        typer.Option(
            "--propose", help="Store the changes as proposals, for someone to accept or reject."
        ),
    ] = False,
    if_version: Annotated[
        int | None,
        typer.Option(
            help="Import one record only if it is still at this version (0: only if new).",
            min=0,
        ),
    ] = None,
    require_sources: Annotated[
        bool,
        typer.Option("--require-sources", help="Refuse the import if an entry names no source."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Import record files, all or nothing: one bad record and nothing is written."""
    with opened(create=True) as store:
        summary = run_import(
            store,
            files,
            author=author_name(author),
            reason=reason,
            max_bytes=max_file_size * 2**20,
            propose=propose,
            if_version=if_version,
            require_sources=require_sources,
        )
    counts: dict[str, object] = {
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "warnings": len(summary.warnings),
    }
    if if_version is not None:
        (counts["version"],) = summary.versions.values()
    if propose:
        counts = {
            "proposed": len(summary.proposed),
            "unchanged": summary.unchanged,
            "proposalIds": summary.proposed,
        }
    if as_json:
        emit_json(counts)
    else:
        console.print(rows_table("import", list(counts), [list(counts.values())]))


@app.command()
def demo(author: AuthorOption = None) -> None:
    """Load the bundled reference case: EO 14203, the designations and what followed.

    Adds only what is missing: a record already here, corrected since or not, is kept."""
    with opened(create=True) as store:
        summary = run_import(
            store,
            reference_files(),
            author=author or "coercionwatch demo",
            reason="Bundled reference case",
            max_bytes=DEFAULT_MAX_FILE_BYTES,
            add_only=True,
        )
        states = load_states(store)
        counts = store.count()
    console.print(_loaded("Reference case", summary.created, summary.kept))
    console.print(_loaded("States of the world", states.created, states.kept))
    if summary.kept or states.kept:
        console.print("The demo never overwrites a record, even one corrected or deleted since.")
    console.print(rows_table("records", ["kind", "count"], sorted(counts.items())))


def _loaded(what: str, added: int, kept: int) -> str:
    """What `demo` did with a set of records: those it wrote, and those it found already
    there and left alone (the states the reference case names, the first time)."""

    def records(n: int) -> str:
        return f"{n} record" if n == 1 else f"{n} records"

    if not kept:
        return f"{what}: {records(added)} added."
    if not added:
        return f"{what}: nothing added; all {records(kept)} were in the database already."
    return f"{what}: {records(added)} added; {kept} were in the database already."


@export_app.command("incident")
def export_incident(slug: str) -> None:
    """One incident as a seed envelope on stdout."""
    with opened() as store:
        found = store.get("incident", slug)
        if found is None or not isinstance(found.record, Incident):
            raise fail(f"no incident {slug!r}")
        shown = project(found.record, store.withheld_keys())
        if shown is None:
            raise fail(f"incident {slug!r} is restricted and is not exported")
        envelope = seed_envelope(shown, store.update_log(slug), site=site_url())
    sys.stdout.write(dumps_envelope(envelope) + "\n")


@export_app.command("all")
def export_everything(
    directory: Path,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="Comma-separated: json and csv (a file per kind), ftm (FollowTheMoney "
            "entities.ftm.json), datapackage (describes the CSV files).",
        ),
    ] = ",".join(FORMATS),
) -> None:
    """Every public record, in each format asked for."""
    formats = [f.strip() for f in format.split(",") if f.strip()]
    if not formats:
        raise fail(f"no format given; choose from {', '.join(FORMATS)}")
    with opened() as store:
        try:
            written = export_all(store, directory, site=site_url(), formats=formats)
        except ExportRefused as exc:
            raise fail(f"nothing exported: {exc}") from None
        except OSError as exc:
            raise fail(f"cannot write to {directory}: {exc.strerror or exc}") from None
    console.print(f"Wrote {len(written)} files to {directory}")


@app.command("list")
def list_command(
    kind: KindArgument,
    limit: Annotated[int | None, typer.Option(min=1)] = None,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: JsonOption = False,
) -> None:
    """Records of one kind, newest first."""
    check_kind(kind)
    with opened() as store:
        found = [s.record for s in store.records(kind, limit=limit, offset=offset)]
        if as_json:
            emit_json([native_record(r) for r in found])
        else:
            console.print(record_table(kind, found, store))


@app.command()
def show(kind: KindArgument, record_id: IdArgument, as_json: JsonOption = False) -> None:
    """One record: its fields, its version, and what refers to it."""
    check_kind(kind)
    with opened() as store:
        found = store.get(kind, record_id)
        if found is None:
            raise fail(f"no {kind} {record_id!r}")
        record = found.record
        if isinstance(record, Incident):
            body = record.seed_record(record.site or site_url(), store.update_log(record_id))
        else:
            body = native_record(record)
        referrers = store.referrers(kind, record_id)
    if as_json:
        emit_json(body)
        return
    title = f"{kind} {record_id} (version {found.version}, {record.visibility})"
    console.print(fields_table(title, body))
    if referrers:
        console.print(rows_table("referred to by", ["kind", "id", "field"], referrers))


@app.command()
def search(
    text: Annotated[str, typer.Argument(metavar="WORDS", help="Words to find (prefixes match).")],
    kind: KindOption = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over every record."""
    if not query_words(text):
        raise fail("nothing to search for: give one or more words")
    if kind:
        check_kind(kind)
    marks = ("[", "]") if as_json else (MARK, MARK)  # in a table, matches are styled instead
    with opened() as store:
        hits = named_hits(store, store.search(text, kind=kind, limit=limit, marks=marks))
    if as_json:
        emit_json([hit.__dict__ for hit in hits])
    else:
        console.print(search_table(text, hits))


@app.command()
def edit(
    kind: KindArgument,
    record_id: IdArgument,
    author: AuthorOption = None,
    reason: ReasonOption = None,
) -> None:
    """Edit a record as YAML in $EDITOR; it is validated and journaled when saved.

    The edit is saved only if no one changed the record while the editor was open.
    """
    check_kind(kind)
    editor = editing.editor_command()
    if editor is None:
        raise fail("no editor: set $EDITOR or $VISUAL (vi is used only at a terminal)")
    with opened() as store:
        found = store.get(kind, record_id)
        if found is None:
            raise fail(f"no {kind} {record_id!r}")
        text = original = editing.as_yaml(found.record)
        while True:
            try:
                text = editing.edit_text(text, editor)
            except (OSError, subprocess.CalledProcessError) as exc:
                message = f"the editor ({' '.join(editor)}) failed: {exc}"
                if text != original:  # an earlier round's text, not yet saved
                    message += (
                        f"; your edited text is kept in {editing.keep(text, kind, record_id)}"
                    )
                raise fail(message) from None
            try:
                # Saving checks what validation cannot: that every id it points at exists.
                edited = editing.parse_edited(text, found.record)
                summary = store.save(
                    edited,
                    author=author_name(author),
                    reason=reason,
                    expected_version=found.version,
                )
                break
            except InvalidInput as exc:
                report_problems(exc.problems, heading="the edited record is not valid:")
                if sys.stdin.isatty() and typer.confirm("Edit again?", default=True):
                    text = editing.noted(text, exc.problems)
                    continue
                kept = editing.keep(text, kind, record_id)
                errors.print(f"Nothing was saved; your edited text is kept in {kept}")
                raise typer.Exit(2) from None
            except VersionConflict:
                report_edit_conflict(store, found, text)
                raise typer.Exit(2) from None
            except Exception:
                # A lock timeout, say: reported by opened(), but the user's work is not lost.
                errors.print(f"Your edited text is kept in {editing.keep(text, kind, record_id)}")
                raise
    if summary.updated:
        console.print(f"Saved {kind} {record_id}, version {summary.versions[(kind, record_id)]}.")
    else:
        console.print("No changes.")


def report_edit_conflict(store: Store, opened_as: StoredRecord, text: str) -> None:
    """Someone changed the record while it was being edited: show what, keep the edit."""
    record = opened_as.record
    now = store.get(record.kind, record.id)
    errors.print(
        alert(
            "error:",
            f" {record.kind} {record.id!r} changed while you were editing it "
            f"(you opened version {opened_as.version}); nothing was saved.",
        ),
        highlight=False,
    )
    if now is None:
        errors.print("It has since been deleted.", highlight=False)
    else:
        changes = editing.differences(record, now.record)
        headings = ["field", f"version {opened_as.version}", f"version {now.version} (now)"]
        errors.print(rows_table("changed by someone else", headings, changes))
    kept = editing.keep(text, record.kind, record.id)
    errors.print(f"Your edited text is kept in {kept}", highlight=False)
    if now is not None:
        errors.print(
            "To apply it over the current version, bring it up to date and run: "
            f"coercionwatch import {kept} --if-version {now.version}",
            highlight=False,
        )


@app.command()
def delete(
    kind: KindArgument,
    record_id: IdArgument,
    author: AuthorOption = None,
    reason: ReasonOption = None,
) -> None:
    """Delete a record; its versions stay in the history and the journal says who and why."""
    check_kind(kind)
    with opened() as store:
        try:
            store.delete(kind, record_id, author=author_name(author), reason=reason)
        except InvalidInput as exc:
            report_problems(exc.problems, heading="not deleted:")
            raise typer.Exit(2) from None
    console.print(f"Deleted {kind} {record_id}.")


@app.command()
def history(
    kind: KindArgument,
    record_id: IdArgument,
    version: Annotated[int | None, typer.Option(help="Print this version's body.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every version of a record: who changed it, when and why, and what changed, field by
    field."""
    check_kind(kind)
    with opened() as store:
        versions = store.history(kind, record_id)
    if not versions:
        raise fail(f"no history for {kind} {record_id!r}")
    if version is not None:
        wanted = [v for v in versions if v.entry.version == version and v.body is not None]
        if not wanted:
            raise fail(f"{kind} {record_id!r} has no version {version}")
        emit_json(wanted[0].body)
        return
    if as_json:
        emit_json(
            [{**camel_fields(v.entry), "body": v.body, "changes": v.changes} for v in versions]
        )
        return
    print_history(f"history of {kind} {record_id}", versions)


@app.command()
def verify(as_json: JsonOption = False) -> None:
    """Re-hash the journal and every version, recompute every derived table; exit 1 at the
    first fault."""
    from coercionwatch.analysis.coverage import check_counted_waves

    with opened() as store:
        faults = store.verify(check_counted_waves)
        counts = store.count()
        seq, tip = store.journal_tip()
    if as_json:
        emit_json(
            {
                "ok": not faults,
                "faults": [str(f) for f in faults],
                "records": counts,
                "journalHead": {"seq": seq, "hash": tip},
            }
        )
    elif faults:
        errors.print(alert(f"verify failed at {faults[0]}"), highlight=False)
        for fault in faults[1:20]:
            errors.print(f"  also: {fault}", highlight=False)
    else:
        console.print(
            f"Journal, versions and derived tables verified: {sum(counts.values())} current "
            "records."
        )
    if not as_json:
        # Noted down and compared later, the head shows whether the journal was rolled back.
        console.print(f"Journal head: entry {seq}, {tip}", highlight=False, soft_wrap=True)
    if faults:
        raise typer.Exit(1)


def four_eyes_required() -> bool:
    """The deployment's rule, not the acceptor's choice: set COERCIONWATCH_FOUR_EYES=1."""
    return os.environ.get("COERCIONWATCH_FOUR_EYES", "").strip().lower() in ("1", "true", "yes")


@app.command()
def proposals(
    status: Annotated[str, typer.Option(help="open, accepted, rejected, or all.")] = "open",
    kind: KindOption = None,
    as_json: JsonOption = False,
) -> None:
    """Changes waiting for review, each with what it would change, field by field."""
    from .reviewing import print_proposals, proposal_json

    if status not in ("open", "accepted", "rejected", "all"):
        raise fail(f"unknown status {status!r}; one of: open, accepted, rejected, all")
    if kind:
        check_kind(kind)
    with opened() as store:
        found = store.proposals(None if status == "all" else status, kind)
    if as_json:
        emit_json([proposal_json(p) for p in found])
    else:
        print_proposals(console, found)


ProposalIds = Annotated[list[int], typer.Argument(metavar="ID", help="Proposal numbers.")]


@app.command()
def accept(
    ids: ProposalIds,
    author: AuthorOption = None,
    reason: ReasonOption = None,
) -> None:
    """Accept proposals, all or nothing: they become current (and public, if they are)."""
    with opened() as store:
        try:
            summary = store.accept(
                ids, author=author_name(author), reason=reason, four_eyes=four_eyes_required()
            )
        except InvalidInput as exc:
            report_problems(exc.problems, heading="nothing accepted:")
            raise typer.Exit(2) from None
    console.print(
        f"Accepted {len(set(ids))} proposal(s): {summary.created} created, "
        f"{summary.updated} updated."
    )


@app.command()
def reject(
    ids: ProposalIds,
    reason: Annotated[str, typer.Option(help="Why (required; journaled).")],
    author: AuthorOption = None,
) -> None:
    """Reject proposals; they stay in the history with the reason."""
    with opened() as store:
        try:
            count = store.reject(ids, author=author_name(author), reason=reason)
        except InvalidInput as exc:
            report_problems(exc.problems, heading="nothing rejected:")
            raise typer.Exit(2) from None
    console.print(f"Rejected {count} proposal(s).")


ListFileArgument = Annotated[
    Path,
    typer.Argument(
        metavar="LISTFILE",
        help="An OFAC CSV folder or sdn.csv, sdn.xml, sdn_advanced.xml, or FtM entities/delta.",
    ),
]


@app.command()
def watch(
    list_file: ListFileArgument,
    list_name: Annotated[str | None, typer.Option("--list", help="Which list this is.")] = None,
    program: Annotated[
        list[str] | None, typer.Option(help="Program to follow; repeatable.")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publish date if the file has none.")
    ] = None,
    max_removed_share: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Refuse a reading that removes more of the list."),
    ] = 0.10,
    accept_large_change: Annotated[
        bool, typer.Option("--accept-large-change", help="Record it however much it removes.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report; write nothing.")] = False,
    webhook: Annotated[str | None, typer.Option(help="POST the JSON report here.")] = None,
    allow_private_webhook: Annotated[bool, typer.Option(help="Allow a private address.")] = False,
    author: AuthorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare a sanctions list file with its last snapshot: changes, drafts, checklist."""
    from coercionwatch.analysis.listguard import ChangeLimits
    from coercionwatch.analysis.watch import watch_list
    from coercionwatch.model.addresses import AddressRefused, check_url
    from coercionwatch.publish.webhook import WebhookFailed, post_report

    from .watching import print_report

    if webhook:
        try:
            check_url(webhook, allow_private=allow_private_webhook)
        except AddressRefused as exc:
            raise fail(
                f"webhook refused: {exc} (pass --allow-private-webhook to send there anyway)"
            ) from None
    with opened(create=True) as store:
        try:
            report = watch_list(
                store,
                list_file,
                list_name=list_name,
                programs=program,
                published=published,
                dry_run=dry_run,
                author=author_name(author),
                limits=ChangeLimits(max_removed_share, accept_large_change),
            )
        except InvalidInput as exc:
            report_problems(exc.problems, heading="watch refused, nothing written:")
            raise typer.Exit(2) from None
    data = report.as_dict()
    if as_json:
        emit_json(data)
    else:
        print_report(console, report, dry_run=dry_run)
    if webhook:
        try:
            status = post_report(webhook, data, allow_private=allow_private_webhook)
        except (WebhookFailed, AddressRefused) as exc:
            kept = "nothing was written" if dry_run else "the snapshot and drafts are kept"
            errors.print(
                alert("webhook failed:", f" {exc} ({kept}; the report is above)"),
                highlight=False,
            )
            raise typer.Exit(1) from None
        errors.print(f"Report posted to the webhook ({status}).", highlight=False)


@app.command()
def site(
    directory: Path,
    url: Annotated[
        str | None,
        typer.Option(
            envvar="COERCIONWATCH_SITE",
            metavar="URL",
            help="The address the site will be published at, for citations, the feed, the "
            "sitemap and the data package.",
        ),
    ] = None,
    search_index: Annotated[
        bool, typer.Option("--search-index/--no-search-index", help="Build the Pagefind index.")
    ] = True,
) -> None:
    """Write the public site as static files: pages, JSON, downloads, feed, search."""
    from coercionwatch.publish.site import SiteRefused, build_site, site_address

    try:
        address = site_address(url or DEFAULT_SITE)
    except ValueError as exc:
        raise fail(f"--url: {exc}") from None
    with (
        opened() as store,
        Progress(console=errors, disable=not errors.is_terminal, transient=True) as progress,
    ):
        if url is None:
            errors.print(
                alert(
                    "warning:",
                    f" no --url or COERCIONWATCH_SITE; citations, the feed and "
                    f"the data package will point at {DEFAULT_SITE}",
                    style="yellow",
                ),
                highlight=False,
            )
        task = progress.add_task("pages", total=None)
        try:
            summary = build_site(
                store,
                directory,
                site=address,
                search_index=search_index,
                progress=lambda n: progress.update(task, completed=n),
            )
        except SiteRefused as exc:
            raise fail(f"site not written: {exc}") from None
        except OSError as exc:
            raise fail(f"cannot write the site to {directory}: {exc.strerror or exc}") from None
    console.print(
        f"Wrote {summary.pages} pages and {summary.files - summary.pages} other files to "
        f"{directory} ({summary.pages / max(summary.render_seconds, 1e-9):,.0f} pages/s)."
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="0: any free port.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load the reference case first.")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    url: Annotated[
        str | None,
        typer.Option(
            envvar="COERCIONWATCH_SITE",
            metavar="URL",
            help="The public address of the site, for citations and the feed "
            "(default: the address served).",
        ),
    ] = None,
) -> None:
    """The web app and JSON API (OpenAPI docs at /api/docs)."""
    from coercionwatch.publish.site import site_address
    from coercionwatch.store import database_url
    from coercionwatch.web.serving import address, listen, serve

    try:
        public = site_address(url) if url is not None else None
    except ValueError as exc:
        raise fail(f"--url: {exc}") from None
    try:
        bound = listen(host, port)  # first: a busy port is known before anything else is done
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    with bound:
        if demo:
            with opened(create=True) as store:
                run_import(
                    store,
                    reference_files(),
                    author="coercionwatch demo",
                    reason="Bundled reference case",
                    max_bytes=DEFAULT_MAX_FILE_BYTES,
                    add_only=True,
                )
                load_states(store)
        with usable_database():
            Store.check(chosen.location)  # the workers open it, each in its own process
        os.environ["COERCIONWATCH_DB"] = database_url(chosen.location)
        port = bound.getsockname()[1]
        served = address(host, port)
        os.environ["COERCIONWATCH_SITE"] = public or served.rstrip("/")
        console.print(f"Serving on {served} (API docs at /api/docs)")
        if public is None:
            console.print(
                f"Citations and the feed point at {served}; give --url for the public address.",
                highlight=False,
            )
        serve(bound, workers=workers)


def main() -> None:
    app()


__all__ = ["Problem", "app", "main"]
