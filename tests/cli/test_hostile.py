"""Hostile record files, replayed through `coercionwatch import` on SQLite and PostgreSQL.

Each file holds a good record beside the hostile one. Every attack must be refused with
exit status 2, a message naming file, line or item, record and field, no traceback, and
nothing written: the journal's head and the record counts stay as they were.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from coercionwatch.store import Store
from tests.helpers import actor, basic_records, write_json


def incident(slug: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "incident",
        "slug": slug,
        "title": "A hostile file",
        "date": "2025-02-06",
        "summary": "Written to break the reader.",
        "category": "rule-of-law",
        "severity": "critical",
        "posture": "reported",
        **fields,
    }


def lines(*values: Any) -> str:
    return "".join(json.dumps(v) + "\n" for v in values)


GOOD = actor("newcomer")
"""A valid record in every hostile file: it must not be written either."""

GOOD_YAML = "kind: actor\nid: newcomer\nname: Newcomer\ntype: person\n---\n"
"""The same, as the first YAML document of a file (five lines)."""

DEEP_JSON = "[" * 500 + "]" * 500


class Attack(NamedTuple):
    name: str
    file: str
    text: str
    where: str
    """`{file}` then the line or item, record and field the message must name."""
    says: str


ATTACKS = [
    Attack(
        "json nested hundreds deep in documents",
        "deep.jsonl",
        lines(GOOD)
        + json.dumps(incident("deep"))[:-1]
        + f', "documents": [{{"a": {DEEP_JSON}}}]}}',
        "{file}:2: incident 'deep': field 'documents.0.a.0.0.0",
        "nested more than 32 objects or lists deep",
    ),
    Attack(
        "json nested hundreds deep in structuredVictims",
        "deep.json",
        f"[{json.dumps(GOOD)}, "
        + json.dumps(incident("deep"))[:-1]
        + f', "structuredVictims": [{{"group": {DEEP_JSON}}}]}}]',
        "{file}: item 2: incident 'deep': field 'structuredVictims.0.group.0.0",
        "nested more than 32 objects or lists deep",
    ),
    Attack(
        "yaml sequence thousands deep",
        "deep.yaml",
        "- kind: actor\n  id: newcomer\n  name: N\n  type: person\n"
        "- kind: incident\n  slug: deep\n  documents:\n    - a: " + "[" * 5000 + "]" * 5000 + "\n",
        "{file}:8: incident 'deep': field 'documents.0.a.0.0",
        "nested more than 32 objects or lists deep",
    ),
    Attack(
        "yaml mapping thousands deep",
        "deep-map.yaml",
        GOOD_YAML
        + "kind: incident\nslug: deep\nstructuredVictims:\n  - "
        + "{a: " * 3000
        + "1"
        + "}" * 3000,
        "{file}:6: incident 'deep': field 'structuredVictims.0.a.a.a",
        "nested more than 32 objects or lists deep",
    ),
    Attack(
        "json integer beyond 64 bits in a free-form field",
        "big.json",
        "["
        + json.dumps(GOOD)
        + ", "
        + json.dumps(incident("big"))[:-1]
        + ', "documents": [{"pages": 123456789012345678901234567890}]}]',
        "{file}: item 2: incident 'big': field 'documents.0.pages'",
        "a number beyond the signed 64-bit integer range",
    ),
    Attack(
        "yaml integer beyond 64 bits in a count",
        "big.yaml",
        GOOD_YAML
        + "kind: incident\nslug: big\ntitle: T\ndate: '2025'\nsummary: S\ncategory: rule-of-law\n"
        "severity: critical\nposture: reported\ncivilianCasualties: 123456789012345678901234567\n",
        "{file}:14: incident 'big': field 'civilianCasualties'",
        "a number beyond the signed 64-bit integer range",
    ),
    Attack(
        "kind that is a list",
        "kind.jsonl",
        lines(GOOD, {"kind": ["actor"], "id": "listed", "name": "L", "type": "person"}),
        "{file}:2: record 'listed': field 'kind'",
        "the kind must be text",
    ),
    Attack(
        "kind that is an object",
        "kind.jsonl",
        lines(GOOD, {"kind": {"actor": 1}, "id": "mapped", "name": "M", "type": "person"}),
        "{file}:2: record 'mapped': field 'kind'",
        "the kind must be text",
    ),
    Attack(
        "NUL in text",
        "nul.jsonl",
        lines(GOOD, actor("nul", name="Bad\u0000Name")),
        "{file}:2: actor 'nul': field 'name'",
        "contains a NUL character (U+0000)",
    ),
    Attack(
        "NUL in a key",
        "nul-key.json",
        json.dumps([GOOD, incident("nul", documents=[{"ti\u0000tle": "x"}])]),
        "{file}: item 2: incident 'nul': field 'documents.0'",
        r"key 'ti\x00tle' contains a NUL character",
    ),
    Attack(
        "repeated key in JSON",
        "twice.jsonl",
        lines(GOOD)
        + '{"kind": "actor", "id": "twice", "name": "A", "name": "B", "type": "person"}\n',
        "{file}:2: actor 'twice': field 'name'",
        "duplicate key 'name'",
    ),
    Attack(
        "repeated key nested in a JSON document",
        "twice.json",
        "["
        + json.dumps(GOOD)
        + ", "
        + json.dumps(incident("twice"))[:-1]
        + ', "documents": [{"url": "https://a.example/x", "url": "https://b.example/y"}]}]',
        "{file}: item 2: incident 'twice': field 'documents.0.url'",
        "duplicate key 'url'",
    ),
    Attack(
        "repeated key in YAML",
        "twice.yaml",
        GOOD_YAML + "kind: actor\nid: twice\nname: A\ntype: person\nname: B\n",
        "{file}:10: actor 'twice': field 'name'",
        "duplicate key 'name'",
    ),
    Attack(
        "yaml !!set",
        "set.yaml",
        GOOD_YAML + "kind: actor\nid: tagged\nname: T\ntype: person\naliases: !!set {a, b}\n",
        "{file}:10: actor 'tagged': field 'aliases'",
        "YAML tags are not allowed (found !!set)",
    ),
    Attack(
        "yaml !!binary",
        "binary.yaml",
        GOOD_YAML + "kind: actor\nid: tagged\nname: !!binary QmFk\ntype: person\n",
        "{file}:8: actor 'tagged': field 'name'",
        "YAML tags are not allowed (found !!binary)",
    ),
    Attack(
        "yaml timestamp tag",
        "timestamp.yaml",
        GOOD_YAML + "kind: incident\nslug: tagged\ndate: !!timestamp 2025-02-06\n",
        "{file}:8: incident 'tagged': field 'date'",
        "YAML tags are not allowed (found !!timestamp)",
    ),
    Attack(
        "yaml NaN",
        "nan.yaml",
        GOOD_YAML + "kind: incident\nslug: nan\ndocuments:\n  - score: .nan\n",
        "{file}:6: incident 'nan': field 'documents.0.score'",
        "NaN and infinity are not allowed",
    ),
    Attack(
        "yaml infinity",
        "inf.yaml",
        GOOD_YAML + "kind: incident\nslug: inf\nstructuredVictims:\n  - count: -.inf\n",
        "{file}:6: incident 'inf': field 'structuredVictims.0.count'",
        "NaN and infinity are not allowed",
    ),
    Attack(
        "text where a boolean belongs",
        "coerced.jsonl",
        lines(GOOD, incident("coerced", ongoing="yes")),
        "{file}:2: incident 'coerced': field 'ongoing'",
        "Input should be a valid boolean",
    ),
    Attack(
        "text where a number belongs",
        "coerced.jsonl",
        lines(GOOD, incident("coerced", civilianCasualties="12")),
        "{file}:2: incident 'coerced': field 'civilianCasualties'",
        "Input should be a valid integer",
    ),
    Attack(
        "negative count",
        "negative.jsonl",
        lines(GOOD, incident("negative", civilianCasualties=-3)),
        "{file}:2: incident 'negative': field 'civilianCasualties'",
        "greater than or equal to 0",
    ),
    Attack(
        "yaml anchor without an alias",
        "anchor.yaml",
        GOOD_YAML + "kind: actor\nid: anchored\nname: &who Someone\ntype: person\n",
        "{file}:8: actor 'anchored': field 'name'",
        "YAML anchors are not allowed",
    ),
    Attack(
        "a script in a title",
        "script.jsonl",
        lines(GOOD, incident("scripted", title="Order <script>alert(1)</script>")),
        "{file}:2: incident 'scripted': field 'title'",
        "holds a script or active markup",
    ),
    Attack(
        "an event handler in a summary",
        "handler.jsonl",
        lines(GOOD, incident("handler", summary='See <img src=x onerror="alert(1)">')),
        "{file}:2: incident 'handler': field 'summary'",
        "plain text only",
    ),
    Attack(
        "a script url in a note",
        "url.json",
        json.dumps([actor("x", name="javascript:alert(1)")]),
        "{file}: item 1: actor 'x': field 'name'",
        "holds a script or active markup",
    ),
    Attack(
        "ids that collide as files",
        "files.json",
        json.dumps([actor("x"), actor("x.json")]),
        "{file}: item 2: actor 'x.json': field 'id'",
        "an id may not end in '.json'",
    ),
]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_a_hostile_file_is_refused_by_name_and_nothing_is_written(
    attack: Attack, cli, database, tmp_path: Path
):
    assert cli("import", str(write_json(tmp_path / "before.json", basic_records()))).exit_code == 0
    with Store.open(database) as store:
        head, counts = store.journal_head(), store.count()
    path = tmp_path / attack.file
    path.write_text(attack.text, "utf-8")

    result = cli("import", str(path))

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "import refused, nothing written" in result.stderr
    named = [line for line in result.stderr.splitlines() if attack.where.format(file=path) in line]
    assert named, result.stderr
    assert attack.says in named[0]
    with Store.open(database) as store:
        assert (store.journal_head(), store.count()) == (head, counts)
