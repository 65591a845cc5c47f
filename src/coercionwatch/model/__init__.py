"""The model: record kinds, vocabularies, canonical hashing. Every stage may import it."""

from .canonical import canonical_json, content_hash
from .errors import InvalidInput, Location, Problem
from .incident import SEED_KEYS, Incident, UpdateNote
from .kinds import (
    KINDS,
    load_record,
    native_record,
    pointers,
    record_class,
    stored_body,
)
from .records import (
    IN_FORCE,
    Actor,
    Countermeasure,
    Measure,
    Provision,
    Record,
    Response,
    Source,
)
from .visibility import (
    Edge,
    Key,
    is_public,
    pointer_fields,
    project,
    public_view,
    required_references,
    withheld_set,
)
from .vocabulary import Vocabulary, vocabularies, vocabulary

__all__ = [
    "IN_FORCE",
    "KINDS",
    "SEED_KEYS",
    "Actor",
    "Countermeasure",
    "Edge",
    "Incident",
    "InvalidInput",
    "Key",
    "Location",
    "Measure",
    "Problem",
    "Provision",
    "Record",
    "Response",
    "Source",
    "UpdateNote",
    "Vocabulary",
    "canonical_json",
    "content_hash",
    "is_public",
    "load_record",
    "native_record",
    "pointer_fields",
    "pointers",
    "project",
    "public_view",
    "record_class",
    "required_references",
    "stored_body",
    "vocabularies",
    "vocabulary",
    "withheld_set",
]
