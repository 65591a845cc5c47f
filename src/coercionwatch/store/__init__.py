"""Store and journal: records, every version of them, and the hash-chained journal."""

from .conflicts import Conflict, VersionConflict
from .database import MissingDatabase, database_place, database_url, is_lock_timeout
from .journal import ChainFault, JournalEntry
from .proposals import Proposal
from .reader import StoredRecord, Version
from .search import SearchHit
from .store import Store
from .writer import ImportSummary

__all__ = [
    "ChainFault",
    "Conflict",
    "ImportSummary",
    "JournalEntry",
    "MissingDatabase",
    "Proposal",
    "SearchHit",
    "Store",
    "StoredRecord",
    "Version",
    "VersionConflict",
    "database_place",
    "database_url",
    "is_lock_timeout",
]
