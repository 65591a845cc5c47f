"""`keys generate`, and reading keys: the log's signing key (COERCIONWATCH_SIGNING_KEY
names its file), a mirror's cosigning key, and verifier keys given inline or in a file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from coercionwatch.model import note

from .output import emit_json, errors
from .program import ProgramGroup

SigningKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--signing-key",
        envvar="COERCIONWATCH_SIGNING_KEY",
        metavar="FILE",
        help="The log's private key file (`keys generate`).",
    ),
]
keys_app = typer.Typer(cls=ProgramGroup, help="Signing keys for the log.", no_args_is_help=True)


@keys_app.command("generate")
def generate(
    name: Annotated[
        str,
        typer.Option("--name", metavar="ORIGIN", help="The log's origin, e.g. example.org/record."),
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write the private key.")
    ],
    json_out: Annotated[
        bool, typer.Option("--json", help="Machine-readable JSON on stdout.")
    ] = False,
) -> None:
    """Make an Ed25519 key pair: the private key goes to FILE (readable by its owner only,
    never overwritten); the verifier key, for readers and mirrors, is printed on stdout
    (`> log.pub` keeps it)."""
    from .app import fail

    try:
        signer = note.Signer.generate(name)
    except note.KeyRefused as exc:
        raise fail(str(exc)) from None
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise fail(f"{out} exists; a key is never overwritten (choose another file)") from None
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(f"{signer}\n")
    verifier = str(signer.verifier())
    if json_out:
        emit_json({"name": name, "keyFile": str(out), "verifierKey": verifier})
        return
    errors.print(f"Private key written to {out}: keep it secret. The verifier key follows.")
    typer.echo(verifier)


def read_signer(path: Path | None, *, what: str = "--signing-key") -> note.Signer:
    from .app import fail

    if path is None:
        raise fail(f"no key: give {what} FILE (made by `keys generate`)")
    try:
        return note.Signer.from_key(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot be read: {exc}") from None
    except note.KeyRefused as exc:
        raise fail(f"{path}: not a signing key: {exc}") from None


def read_verifier_key(given: str) -> str:
    """The key itself, or the first line of the file that holds it."""
    from .app import fail

    if "+" in given and not Path(given).is_file():
        key = given
    else:
        try:
            key = Path(given).read_text("utf-8").strip().splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError) as exc:
            raise fail(f"{given}: neither a verifier key nor a file holding one ({exc})") from None
    try:
        note.Verifier.from_key(key)
    except note.KeyRefused as exc:
        raise fail(f"{given}: not a verifier key: {exc}") from None
    return key
