"""Options every command group declares the same way, in one module that the command
modules import (they are imported by `app`, so they cannot import from it at load)."""

from __future__ import annotations

from typing import Annotated

import typer

JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
AuthorOption = Annotated[
    str | None,
    typer.Option(envvar="COERCIONWATCH_AUTHOR", help="Who is making the change (journal)."),
]
ReasonOption = Annotated[str | None, typer.Option(help="Why the change is made (journal).")]
