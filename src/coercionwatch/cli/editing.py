"""`edit`: a record as YAML in the user's editor, validated before anything is saved."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from coercionwatch.ingest import Incoming, parse_item, yaml_items
from coercionwatch.model import InvalidInput, Location, Problem, Record, native_record
from coercionwatch.model.changes import field_changes

FALLBACK_EDITOR = ["vi"]
NOTE = "#! "
"""Starts the lines, YAML comments, that tell why a reopened record was not saved."""


def editor_command() -> list[str] | None:
    """$VISUAL or $EDITOR; vi only for someone at a terminal (without one, vi would wait for
    keys that never come); None when there is no editor to use."""
    named = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "")
    if named:
        return named
    return FALLBACK_EDITOR if sys.stdin.isatty() else None


def as_yaml(record: Record) -> str:
    return yaml.safe_dump(native_record(record), sort_keys=False, allow_unicode=True, width=100)


def edit_text(text: str, editor: list[str], suffix: str = ".yaml") -> str:
    """Open text in the editor and return what was saved."""
    with tempfile.TemporaryDirectory(prefix="coercionwatch-edit-") as folder:
        path = Path(folder) / f"record{suffix}"
        path.write_text(text, "utf-8")
        subprocess.run([*editor, str(path)], check=True)
        return path.read_text("utf-8")


def noted(text: str, problems: list[Problem]) -> str:
    """The text to reopen after a failed save: what was wrong, as comments above it."""
    lines = [
        f"{NOTE}Not saved. Fix what is listed here, then save and close; lines starting "
        f"with {NOTE.strip()} are ignored.",
        *(f"{NOTE}  {problem.message}" for problem in problems),
    ]
    return "\n".join(lines) + "\n" + without_notes(text)


def without_notes(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(NOTE))


def parse_edited(text: str, original: Record, name: str = "(edited record)") -> Record:
    """The edited record, or InvalidInput naming what is wrong with it."""
    items = list(yaml_items(text, name))
    location = Location(name)
    problems: list[Problem] = []
    records: list[Incoming] = []
    for item in items:
        if isinstance(item, Problem):
            problems.append(Problem(location, item.message))
            continue
        parsed = parse_item(item)
        if isinstance(parsed, Incoming):
            records.append(parsed)
        else:
            problems.extend(
                Problem(location, p.message, p.kind, p.record_id, p.field) for p in parsed
            )
    if not problems and len(records) != 1:
        problems.append(Problem(location, "expected exactly one record"))
    if not problems:
        edited = records[0].record
        if (edited.kind, edited.id) != (original.kind, original.id):
            problems.append(
                Problem(location, "kind and id cannot change in an edit", edited.kind, edited.id)
            )
    if problems:
        raise InvalidInput(problems)
    return records[0].record


def differences(before: Record, after: Record) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each top-level field whose value differs."""
    changes = field_changes(native_record(before), native_record(after))
    return [(name, change["before"], change["after"]) for name, change in changes.items()]


def keep(text: str, kind: str, record_id: str) -> Path:
    """Save edited text that could not be stored, so the work is not lost; it is a record file
    that `import` reads."""
    handle, name = tempfile.mkstemp(prefix=f"coercionwatch-{kind}-{record_id}-", suffix=".yaml")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(without_notes(text))
    return Path(name)
