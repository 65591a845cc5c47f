"""Full-text search: SQLite FTS5 or PostgreSQL tsvector behind one pair of functions.

The SQLite index is contentless (the text is already stored once, in `versions`), so
removing an entry needs the text it was indexed with; snippets are cut in Python from the
stored record, the same way on both databases.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Integer, column, literal_column, select, text
from sqlalchemy.engine import Connection

from coercionwatch.model import Record, load_record, pointer_fields, stored_body
from coercionwatch.model.labels import labelled

MAX_INDEXED_CHARS = 400_000
MAX_QUERY_CHARS = 500
SNIPPET_WORDS = 24
_SKIPPED_KEYS = frozenset({"id", "slug", "url", "site", "visibility", "sha256"})
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+", re.UNICODE)
FIELD_BREAK = "·"
"""Between the fields of a snippet, so that the words of two fields do not read as one
sentence. Not a word character: the index never sees it, on either database."""

IndexEntry = tuple[int, str, str]
"""(record pk, title, searchable text)"""


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: str
    title: str
    snippet: str


def searchable_text(
    body: dict[str, Any], skipped: frozenset[str] = frozenset(), *, between: str = " "
) -> str:
    """Every human-readable string in a record body, markup removed, joined by `between`;
    the values at the `skipped` field paths (`answers.measure`) and ids are left out."""
    # Keys in sorted order: the same body gives the same text whatever order its keys came
    # in, as SQLite's contentless index needs to remove an entry it holds. Paths are only
    # followed under parts that hold a skipped field: most of a body needs no path at all.
    within = frozenset(path.rsplit(".", 1)[0] for path in skipped if "." in path)
    parts: list[str] = []
    pending: list[tuple[str | None, Any]] = [("", body)]
    while pending:
        path, value = pending.pop()
        kind = type(value)
        if kind is str:
            parts.append(html.unescape(_TAG.sub(" ", value)) if "<" in value else value)
        elif kind is dict:
            for key in sorted(value, reverse=True):
                if key in _SKIPPED_KEYS:
                    continue
                if path is None:
                    pending.append((None, value[key]))
                    continue
                inner = f"{path}.{key}" if path else key
                if inner not in skipped:
                    pending.append((inner if inner in within else None, value[key]))
        elif kind is list:
            pending.extend((path, item) for item in reversed(value))
    return between.join(parts)[:MAX_INDEXED_CHARS]


def record_text(record: Record, body: dict[str, Any] | None = None, *, between: str = " ") -> str:
    """The text a record is indexed with, from the record as the model states it (so a
    version written under an older model indexes as it reads); `body` is that statement
    when the caller has it already. Ids of the records it points at are left out, soft
    pointers too, so no search snippet can name a withheld record. A snippet's text puts
    a `FIELD_BREAK` `between` fields; the index's, a space."""
    stated = stored_body(record) if body is None else body
    return searchable_text(stated, _pointer_paths(type(record)), between=between)


@cache
def _pointer_paths(cls: type[Record]) -> frozenset[str]:
    return frozenset(pointer_fields(cls))


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def index_rows(
    connection: Connection, rows: list[IndexEntry], *, replaced: list[IndexEntry]
) -> None:
    """Index new entries; `replaced` are the entries, as indexed, that they supersede."""
    unindex(connection, replaced)
    if not rows:
        return
    if _postgres(connection):
        sql = "INSERT INTO search_index (record_pk, title, body) VALUES (%s, %s, %s)"
    else:
        sql = "INSERT INTO search_index (rowid, title, body) VALUES (?, ?, ?)"
    connection.exec_driver_sql(sql, rows)


def rebuild_index(connection: Connection, rows: list[IndexEntry]) -> None:
    """Empty the index and fill it with `rows`: for when the way text is indexed changes,
    and the text an entry was indexed with can no longer be recomputed to remove it."""
    if _postgres(connection):
        connection.exec_driver_sql("DELETE FROM search_index")
    else:
        connection.exec_driver_sql("INSERT INTO search_index (search_index) VALUES ('delete-all')")
    index_rows(connection, rows, replaced=[])


def unindex(connection: Connection, entries: list[IndexEntry]) -> None:
    if not entries:
        return
    if _postgres(connection):
        connection.exec_driver_sql(
            "DELETE FROM search_index WHERE record_pk = %s", [(pk,) for pk, _, _ in entries]
        )
    else:
        connection.exec_driver_sql(
            "INSERT INTO search_index (search_index, rowid, title, body)"
            " VALUES ('delete', ?, ?, ?)",
            entries,
        )


def query_words(query: str) -> list[str]:
    """The words of a user's query; operators and punctuation are never passed through."""
    return _WORD.findall(query[:MAX_QUERY_CHARS])[:32]


def snippet(body: str, words: list[str], marks: tuple[str, str]) -> str:
    """A window of the text around the first matching word, matches marked; a field break
    neither opens nor closes it, nor comes twice in a row (a field of spaces only)."""
    tokens: list[str] = []
    for token in body.split():
        if token != FIELD_BREAK or (tokens and tokens[-1] != FIELD_BREAK):
            tokens.append(token)
    prefixes = tuple(w.casefold() for w in words)

    def matches(token: str) -> bool:
        return any(part.casefold().startswith(prefixes) for part in _WORD.findall(token))

    def mark(word: re.Match[str]) -> str:
        found = word.group()
        return f"{marks[0]}{found}{marks[1]}" if found.casefold().startswith(prefixes) else found

    first = next((i for i, token in enumerate(tokens) if matches(token)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    window = tokens[start : start + SNIPPET_WORDS]
    while window and window[0] == FIELD_BREAK:
        window = window[1:]
    while window and window[-1] == FIELD_BREAK:
        window = window[:-1]
    marked = [_WORD.sub(mark, token) for token in window]
    head = "…" if start else ""
    tail = "…" if start + SNIPPET_WORDS < len(tokens) else ""
    return head + " ".join(marked) + tail


def _fts_query(connection: Connection, words: list[str]) -> str:
    """The words as the database's own full-text query: every word, as a prefix."""
    if _postgres(connection):
        return " & ".join(f"{w.lower()}:*" for w in words)
    return " ".join('"' + w.replace('"', "") + '"*' for w in words)


def _matches(connection: Connection) -> tuple[str, str, str, str]:
    """(FROM clause, match condition, score, order of the best first) of a search over the
    index as `s`, joined to records as `r`, on this database."""
    if _postgres(connection):
        return (
            " to_tsquery('simple', :q) AS q, search_index s JOIN records r ON r.pk = s.record_pk",
            "s.document @@ q",
            "ts_rank(s.document, q)",
            "DESC",
        )
    return (
        " search_index s JOIN records r ON r.pk = s.rowid",
        "search_index MATCH :q",
        "s.rank",
        "ASC",
    )


def matching_pks(connection: Connection, query: str) -> Any:
    """The keys of the records whose text matches, as a subquery (none for no words)."""
    words = query_words(query)
    if not words:
        return select(literal_column("0")).where(literal_column("1") == 0)
    if _postgres(connection):
        sql = "SELECT record_pk FROM search_index WHERE document @@ to_tsquery('simple', :q)"
    else:
        sql = "SELECT rowid FROM search_index WHERE search_index MATCH :q"
    return text(sql).bindparams(q=_fts_query(connection, words)).columns(column("pk", Integer))


def _filters(kind: str | None, public_only: bool, params: dict[str, Any]) -> str:
    params["false"] = False
    filters = " AND r.deleted = :false"
    if kind:
        filters += " AND r.kind = :kind"
        params["kind"] = kind
    if public_only:
        filters += " AND r.visibility = 'public' AND r.withheld = :false"
    return filters


def search(
    connection: Connection,
    query: str,
    *,
    kind: str | None = None,
    public_only: bool = False,
    limit: int = 20,
    offset: int = 0,
    marks: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Best matches first, from the `offset`-th."""
    words = query_words(query)
    if not words:
        return []
    params: dict[str, Any] = {"limit": limit, "offset": offset, "q": _fts_query(connection, words)}
    source, condition, score, direction = _matches(connection)
    # The page of matches is chosen on keys and scores alone; only its rows' bodies are
    # read, so a word found in most of the record costs no more memory than a rare one.
    chosen = (
        f"SELECT r.pk AS pk, {score} AS score FROM{source} WHERE {condition}"
        + _filters(kind, public_only, params)
        + f" ORDER BY score {direction}, r.kind, r.id LIMIT :limit OFFSET :offset"
    )
    sql = (
        f"SELECT r.kind, r.id, r.title, v.body FROM ({chosen}) hits"
        " JOIN records r ON r.pk = hits.pk"
        " JOIN versions v ON v.kind = r.kind AND v.id = r.id AND v.version = r.version"
        f" ORDER BY hits.score {direction}, r.kind, r.id"
    )
    hits = []
    for row in connection.execute(text(sql), params):
        # The snippet is for people: vocabulary terms read as their labels, not as codes.
        record = load_record(row.kind, orjson.loads(row.body))
        body = record_text(
            record, labelled(row.kind, stored_body(record)), between=f" {FIELD_BREAK} "
        )
        hits.append(SearchHit(row.kind, row.id, row.title, snippet(body, words, marks)))
    return hits


def count_by_kind(
    connection: Connection, query: str, *, public_only: bool = False
) -> dict[str, int]:
    """How many records of each kind match: a search's facet."""
    words = query_words(query)
    if not words:
        return {}
    params: dict[str, Any] = {"q": _fts_query(connection, words)}
    source, condition, _, _ = _matches(connection)
    sql = (
        f"SELECT r.kind, count(*) AS n FROM{source} WHERE {condition}"
        + _filters(None, public_only, params)
        + " GROUP BY r.kind ORDER BY n DESC, r.kind"
    )
    return {row.kind: row.n for row in connection.execute(text(sql), params)}
