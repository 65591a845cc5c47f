"""A response cannot answer a measure taken after it: checked on import, across the batch
and what the store holds. Where either date is qualified (`dateCertainty`), the order is
only doubtful, so it is a warning; otherwise the import is refused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from sqlalchemy.engine import Connection

from coercionwatch.model import Location, Measure, Problem, Record, Response
from coercionwatch.model.waves import first_day, last_day

from .reader import current_rows
from .schema import records

CHUNK = 500
MeasureDate = tuple[str, bool]
"""(date, exact: no dateCertainty)."""


@dataclass(frozen=True)
class DatedAnswer:
    location: Location
    response: str
    date: str
    exact: bool
    measures: tuple[str, ...]


class Chronology:
    """What an import must check, gathered as records stream past (small: dates only)."""

    def __init__(self) -> None:
        self.answers: list[DatedAnswer] = []
        self.measures: dict[str, MeasureDate] = {}

    def note(self, record: Record, location: Location) -> None:
        if isinstance(record, Response) and record.date and record.answered("measure"):
            self.answers.append(
                DatedAnswer(
                    location,
                    record.id,
                    record.date,
                    record.date_certainty is None,
                    tuple(record.answered("measure")),
                )
            )
        elif isinstance(record, Measure) and record.date:
            self.measures[record.id] = (record.date, record.date_certainty is None)

    def problems(self, connection: Connection) -> tuple[list[Problem], list[Problem]]:
        """(refusals, warnings) for responses dated before a measure they answer."""
        wanted = {m for a in self.answers for m in a.measures} - set(self.measures)
        known = {**stored_dates(connection, wanted), **self.measures}
        refused: list[Problem] = []
        warned: list[Problem] = []
        for answer in self.answers:
            for measure in answer.measures:
                if measure not in known:
                    continue
                date, exact = known[measure]
                if last_day(answer.date) >= first_day(date):
                    continue
                message = (
                    f"dated {answer.date}, before measure {measure!r} ({date}) that it answers"
                )
                problem = Problem(answer.location, message, "response", answer.response, "date")
                if answer.exact and exact:
                    refused.append(problem)
                else:
                    warned.append(
                        Problem(
                            answer.location,
                            message + "; a date is qualified, so this is only a warning",
                            "response",
                            answer.response,
                            "date",
                        )
                    )
        return refused, warned


def stored_dates(connection: Connection, ids: Iterable[str]) -> dict[str, MeasureDate]:
    wanted = sorted(set(ids))
    found: dict[str, MeasureDate] = {}
    for start in range(0, len(wanted), CHUNK):
        query = current_rows().where(
            records.c.kind == "measure", records.c.id.in_(wanted[start : start + CHUNK])
        )
        for row in connection.execute(query):
            body = orjson.loads(row.body)
            if body.get("date"):
                found[row.id] = (body["date"], body.get("dateCertainty") is None)
    return found


__all__ = ["Chronology"]
