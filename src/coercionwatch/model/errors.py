"""Problems with input, located precisely enough for a researcher to fix them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a record came from: a file, and a line or position inside it."""

    file: str
    line: int | None = None
    index: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        if self.index is not None:
            return f"{self.file}: item {self.index}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record (or a warning about it)."""

    location: Location
    message: str
    kind: str | None = None
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [str(self.location)]
        if self.kind or self.record_id:
            parts.append(f"{self.kind or 'record'} {self.record_id or '(no id)'!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


@dataclass
class InvalidInput(Exception):
    """Input that cannot be accepted; nothing has been written."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
