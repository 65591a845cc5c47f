"""`coercionwatch states load`: every state of the reference table as an actor."""

from __future__ import annotations

import typer

from coercionwatch.ingest.states import state_records
from coercionwatch.store import ImportSummary, Store

from .output import console
from .program import ProgramGroup

states_app = typer.Typer(
    cls=ProgramGroup,
    help="States as reference data (UN members, States Parties).",
    no_args_is_help=True,
)
AUTHOR = "coercionwatch"
REASON = "States from the reference table (model/data/states.csv)"


def load_states(store: Store) -> ImportSummary:
    """Add the state actors the record lacks; an actor already here is kept as it is."""
    return store.import_records(state_records(), author=AUTHOR, reason=REASON, add_only=True)


@states_app.command("load")
def load() -> None:
    """Add an actor for every state of the table that the record lacks (never overwrites
    one already here, edited or not), each citing the table as its source."""
    from .app import opened

    with opened(create=True) as store:
        summary = load_states(store)
    console.print(f"States: {summary.created} added, {summary.kept} kept.")
