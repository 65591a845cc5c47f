"""Inclusion proofs of public records: that a record's current version is in the signed
log, in the `tlog-proof` format, with the journal entry as its extra data (a reader
recomputes the entry's hash, hence the leaf, from it). A record the public does not see
has no proof here: asking for one answers as for a record that does not exist."""

from __future__ import annotations

from coercionwatch.model import note
from coercionwatch.store import log

from .view import PublicView


def proof_path(view: PublicView, kind: str, record_id: str) -> str | None:
    """Where a shown record's proof is served, once a checkpoint covers its version."""
    signed = view.checkpoint
    found = None if signed is None else log.record_leaf(view.connection, kind, record_id)
    if found is not None and found[1] < signed.size:
        return f"{kind}/{record_id}.tlog-proof"
    return None


def record_proof(view: PublicView, kind: str, record_id: str) -> note.InclusionProof | None:
    """None when the record is not shown, or no checkpoint covers its version yet."""
    if view.checkpoint is None or view.get(kind, record_id) is None:
        return None
    found = log.record_leaf(view.connection, kind, record_id)
    return None if found is None else log.entry_proof(view.connection, *found, view.checkpoint)
