"""Store and journal: records, every version of them, and the hash-chained journal."""

from .database import database_url
from .journal import ChainFault, JournalEntry
from .proposals import Proposal
from .reader import StoredRecord, Version
from .search import SearchHit
from .store import Store
from .writer import ImportSummary

__all__ = [
    "ChainFault",
    "ImportSummary",
    "JournalEntry",
    "Proposal",
    "SearchHit",
    "Store",
    "StoredRecord",
    "Version",
    "database_url",
]
