"""`log checkpoint`, `log consistency` and `log proof`: the transparency log from the
command line."""

from __future__ import annotations

import base64
from typing import Annotated

import typer

from .keys import SigningKeyOption, read_signer
from .options import JsonOption
from .output import console, emit_json
from .program import ProgramGroup

log_app = typer.Typer(cls=ProgramGroup, help="The transparency log.", no_args_is_help=True)


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@log_app.command("checkpoint")
def checkpoint(
    signing_key: SigningKeyOption = None,
) -> None:
    """Sign the log as it stands and print the checkpoint (a signed note). The store keeps
    it: from now on `verify` fails if the log does not extend it."""
    from .app import fail, opened

    signer = read_signer(signing_key)
    with opened() as store:
        try:
            signed = store.sign_checkpoint(signer)
        except ValueError as exc:
            raise fail(str(exc)) from None
    typer.echo(signed.decode("utf-8"), nl=False)


@log_app.command("consistency")
def consistency(
    old: Annotated[
        int, typer.Option("--from", min=1, metavar="SIZE", help="The earlier tree size.")
    ],
    new: Annotated[
        int | None,
        typer.Option("--to", min=1, metavar="SIZE", help="The later size (default: now)."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """The RFC 9162 consistency proof that the tree of --to leaves extends the tree of
    --from leaves, with both roots."""
    from coercionwatch.store import log

    from .app import fail, opened

    with opened() as store, store.reading() as connection:
        size = log.tree_size(connection)
        new = size if new is None else new
        if not old <= new <= size:
            raise fail(
                f"--from {old} and --to {new} must satisfy from ≤ to ≤ {size} (the log's size)"
            )
        proof = log.consistency_proof(connection, old, new)
        roots = log.root(connection, old), log.root(connection, new)
    if json_out:
        emit_json(
            {
                "from": {"size": old, "root": _b64(roots[0])},
                "to": {"size": new, "root": _b64(roots[1])},
                "proof": [_b64(h) for h in proof],
            }
        )
        return
    console.print(f"{old} {_b64(roots[0])}\n{new} {_b64(roots[1])}", highlight=False)
    for value in proof:
        console.print(_b64(value), highlight=False)


@log_app.command("proof")
def proof(
    kind: Annotated[str, typer.Argument(metavar="KIND")],
    record_id: Annotated[str, typer.Argument(metavar="ID")],
) -> None:
    """The `tlog-proof` that a public record's current version is in the latest checkpoint."""
    from coercionwatch.publish.proofs import record_proof
    from coercionwatch.publish.view import PublicView

    from .app import check_kind, fail, opened

    check_kind(kind)
    with opened() as store, store.reading() as connection:
        found = record_proof(PublicView(connection), kind, record_id)
        if found is None and PublicView(connection).get(kind, record_id) is not None:
            raise fail(f"no checkpoint covers {kind} {record_id!r} yet: run `log checkpoint`")
    if found is None:
        raise fail(f"no public {kind} {record_id!r}")
    typer.echo(found.text(), nl=False)
