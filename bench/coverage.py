"""`report coverage`, timed on a record the size the issue names: 200 states, 1,000 measures
in waves, 100,000 responses (joint ones of up to 80 members), the full report for every wave.

The states are the reference table's (`states load`, as a real record gets them) and a few
more with ISO codes outside it, to make 200; everything else is generated (bench/records.py's
words and writer) and loaded by `coercionwatch import`, the normal path. Then the report is
timed twice over: the library call the CLI makes (`analysis.coverage.coverage`, public
record, every wave) and the whole command, `coercionwatch report coverage --json`, in a
process of its own, start-up and JSON included. Target: under 1 second.

The library call is timed three ways, each on a copy of the database: cold (the table of
counted waves emptied before each run), warm (read from it), and after a one-response write
(each run writes one response, then reports), each run in a connection of its own: a
SQLite reader sees the table as its transaction began, so one that reports again and again
counts again and again. With `--vs SRC`, the same three are timed with
the code at SRC (another checkout's `src`, in a process of its own, on a copy set back to
migration 0011, which the table came after), and the ratios given.

    .venv/bin/python bench/coverage.py
    .venv/bin/python bench/coverage.py --keep bench/out/coverage.db --vs /tmp/basecode/src
    .venv/bin/python bench/coverage.py --responses 10000 --json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, inspect, select

from coercionwatch.analysis.coverage import coverage
from coercionwatch.cli.states import load_states
from coercionwatch.ingest import DEFAULT_MAX_FILE_BYTES, Incoming
from coercionwatch.model import Location, load_record, stored_body, vocabulary
from coercionwatch.model import states as reference
from coercionwatch.store import Store
from coercionwatch.store.schema import records
from incidents import sentence
from records import FAMILY, GIVEN, Files

BIN = Path(sys.executable).parent
EXTRA_STATES = (("TW", "Taiwan"), ("HK", "Hong Kong"), ("PR", "Puerto Rico"), ("GL", "Greenland"))
"""ISO codes the states table does not hold (never States Parties): with its 196, 200."""
IMPOSERS = ("united-states", "russia", "israel", "china", "hungary")
FIRST_DAY = datetime.date(2002, 7, 1)
LAST_DAY = datetime.date(2026, 10, 31)
JOINT_SHARE = 0.05
"""Responses that are joint statements, of 2 to 80 states; the rest are one state's."""


def terms(name: str) -> tuple[str, ...]:
    return tuple(vocabulary(name).terms)


def extra_states() -> Iterator[dict]:
    for code, name in EXTRA_STATES:
        yield {
            "kind": "actor",
            "id": f"state-{code.lower()}",
            "type": "state",
            "name": name,
            "country": code,
            "sources": ["bench-source-0"],
        }


def sources(count: int) -> Iterator[dict]:
    for n in range(count):
        yield {
            "kind": "source",
            "id": f"bench-source-{n}",
            "type": "article",
            "title": f"Report {n}",
            "url": f"https://news.example.org/coverage/{n}",
            "published": "2026-01-01",
        }


def targets(rng: random.Random, count: int, codes: list[str]) -> Iterator[dict]:
    for n in range(count):
        yield {
            "kind": "actor",
            "id": f"target-{n:04d}",
            "type": "person",
            "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
            "nationality": [rng.choice(codes)],
            "sources": [f"bench-source-{n % 100}"],
        }


def measures(
    rng: random.Random, count: int, target_count: int
) -> Iterator[tuple[dict, datetime.date]]:
    """Waves of one to twelve measures: one imposer, one day, one order."""
    n = 0
    span = (LAST_DAY - FIRST_DAY).days
    while n < count:
        taken = FIRST_DAY + datetime.timedelta(days=rng.randrange(span))
        imposer, order = rng.choice(IMPOSERS), f"Executive Order {rng.randint(10000, 99999)}"
        for _ in range(min(rng.randint(1, 12), count - n)):
            record = {
                "kind": "measure",
                "id": f"measure-{n:05d}",
                "type": "designation",
                "imposer": imposer,
                "target": f"target-{rng.randrange(target_count):04d}",
                "date": taken.isoformat(),
                "status": "active",
                "legalBasis": [{"text": order}],
                "sources": [f"bench-source-{n % 100}"],
            }
            n += 1
            yield record, taken


def countermeasures(
    rng: random.Random, count: int, states: list[str], codes: dict[str, str], measure_count: int
) -> Iterator[dict]:
    layers, kinds, statuses = (
        terms("layers"),
        terms("countermeasure-types"),
        terms("countermeasure-statuses"),
    )
    for n in range(count):
        decider = rng.choice(states)
        yield {
            "kind": "countermeasure",
            "id": f"countermeasure-{n:04d}",
            "name": sentence(rng, 5)[:-1],
            "layer": rng.choice(layers),
            "type": rng.choice(kinds),
            "jurisdiction": codes[decider],
            "actors": [{"actor": decider, "role": "decider"}],
            "status": rng.choice(statuses),
            "date": "2025-06-01",
            "covers": [f"measure-{rng.randrange(measure_count):05d}"],
            "sources": [f"bench-source-{n % 100}"],
        }


def responses(
    rng: random.Random, count: int, states: list[str], dates: list[datetime.date]
) -> Iterator[dict]:
    """Each answers one measure, on its day or up to a year later; one in twenty is a joint
    statement naming 2 to 80 states, some with a reported count above the named."""
    stances, forums, channels = terms("stances"), terms("forums"), terms("channels")
    for n in range(count):
        answered = rng.randrange(len(dates))
        said = min(dates[answered] + datetime.timedelta(days=rng.randint(0, 365)), LAST_DAY)
        record = {
            "kind": "response",
            "id": f"response-{n:06d}",
            "actor": rng.choice(states),
            "date": said.isoformat(),
            "stance": rng.choice(stances),
            "forum": rng.choice(forums),
            "channel": rng.choice(channels),
            "answers": [{"measure": f"measure-{answered:05d}"}],
            "sources": [f"bench-source-{n % 100}"],
        }
        if rng.random() < JOINT_SHARE:
            members = rng.sample(states, rng.randint(2, 80))
            record["actor"] = members[0]
            record["members"] = members[1:]
            if rng.random() < 0.3:
                record["memberCount"] = len(members) + rng.randint(1, 20)
        yield record


def generate(folder: Path, measure_count: int, response_count: int) -> list[Path]:
    """The generated part of the record, as JSON Lines in import order."""
    rng = random.Random(14203)
    table = reference.states()
    codes = {s.actor_id: code for code, s in table.items()}
    codes.update({f"state-{code.lower()}": code for code, _ in EXTRA_STATES})
    states = sorted(codes)
    target_count = max(1, measure_count // 2)
    dates: list[datetime.date] = []

    def measured() -> Iterator[dict]:
        for record, taken in measures(rng, measure_count, target_count):
            dates.append(taken)
            yield record

    folder.mkdir(parents=True, exist_ok=True)
    out = Files(folder, "source", DEFAULT_MAX_FILE_BYTES)
    for record in sources(100):
        out.write(record)
    for record in extra_states():
        out.write(record)
    for record in targets(rng, target_count, sorted(table)):
        out.write(record)
    for record in measured():
        out.write(record)
    for record in countermeasures(rng, measure_count // 2, states, codes, measure_count):
        out.write(record)
    for record in responses(rng, response_count, states, dates):
        out.write(record)
    out.close()
    return out.paths


def timed(runs: int, work: Callable[[], object]) -> list[float]:
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        found.append(time.perf_counter() - started)
    return found


def build(db: Path, folder: Path, measure_count: int, response_count: int) -> float:
    """The record, loaded as a real one is: `states load`, then one `coercionwatch import`
    of the generated files. Returns the import's seconds."""
    with Store.open(str(db)) as store:
        load_states(store)
    paths = generate(folder, measure_count, response_count)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "coercionwatch"), "--db", str(db), "import", *map(str, paths)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


EDITED = "response-000042"
"""The response each run of the write phase edits: its channel, to another."""
WAYS = ("cold", "warm", "write")


def _empty_counts(store: Store) -> None:
    """Empty the table of counted waves, where the code has one."""
    with store.engine.begin() as connection:
        if inspect(connection).has_table("coverage_counts"):
            connection.exec_driver_sql("DELETE FROM coverage_counts")


def _edit_one_response(store: Store) -> None:
    found = store.get("response", EDITED)
    assert found is not None, f"the record holds no {EDITED}"
    body = stored_body(found.record)
    body["channel"] = next(c for c in terms("channels") if c != body["channel"])
    record = load_record("response", body)
    store.import_records([Incoming(record, Location("bench"))], author="bench", reason="bench")


def time_ways(db: Path, runs: int) -> dict[str, list[float]]:
    """`coverage()` for every wave, cold, warm and after a one-response write, `runs` each,
    with whatever code this process imports (the phases change the database: give a copy)."""

    def report() -> None:
        with store.reading() as connection:
            coverage(connection, public_only=True)

    found: dict[str, list[float]] = {}
    with Store.open(str(db), create=False) as store:
        report()  # the schema brought up to date and the files read, untimed
        cold: list[float] = []
        for _ in range(runs):
            _empty_counts(store)
            cold += timed(1, report)
        found["cold"] = cold
        found["warm"] = timed(runs, report)
        written: list[float] = []
        for _ in range(runs):
            _edit_one_response(store)
            written += timed(1, report)
        found["write"] = written
    return found


def _copy(db: Path, name: str) -> Path:
    copy = db.with_name(f"{db.stem}-{name}.db")
    shutil.copyfile(db, copy)
    return copy


def _set_back_to_0011(db: Path) -> None:
    """The copy as migration 0011 left it: without the table of counted waves."""
    with Store.open(str(db), create=False) as store, store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS coverage_counts")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0011'")


def time_baseline(db: Path, source: Path, runs: int) -> dict[str, list[float]]:
    """The three ways timed with the code at `source`, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, __file__, "--time-ways", str(db), "--runs", str(runs)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def compare(db: Path, runs: int, source: Path | None) -> dict[str, dict[str, float]]:
    """Median seconds of each way, this code's and (with `source`) the baseline's."""
    figures: dict[str, dict[str, float]] = {}
    mine = _copy(db, "timed")
    try:
        figures["this code"] = {w: statistics.median(t) for w, t in time_ways(mine, runs).items()}
    finally:
        mine.unlink()
    if source is not None:
        theirs = _copy(db, "baseline")
        try:
            _set_back_to_0011(theirs)
            timed_there = time_baseline(theirs, source, runs)
            figures["baseline"] = {w: statistics.median(t) for w, t in timed_there.items()}
        finally:
            theirs.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=1_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each")
    parser.add_argument(
        "--keep", type=Path, help="keep the database here, and time it again if it is there"
    )
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    parser.add_argument(
        "--vs", type=Path, help="a baseline's src folder: time it too, on the same database"
    )
    parser.add_argument("--time-ways", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.time_ways is not None:  # the baseline's process (`time_baseline`)
        print(json.dumps(time_ways(args.time_ways, args.runs)))
        return
    console = Console(stderr=args.json)
    with tempfile.TemporaryDirectory() as folder:
        db = args.keep or Path(folder) / "coverage.db"
        loading = None
        if not db.exists():
            db.parent.mkdir(parents=True, exist_ok=True)
            loading = build(db, Path(folder) / "data", args.measures, args.responses)
        with Store.open(str(db), create=False) as store, store.reading() as connection:
            responses_held = connection.execute(
                select(func.count()).where(records.c.kind == "response")
            ).scalar_one()
            report = coverage(connection, public_only=True)
        ways = compare(db, args.runs, args.vs)
        command = [str(BIN / "coercionwatch"), "--db", str(db), "report", "coverage", "--json"]
        printed: list[bytes] = []
        whole = timed(
            args.runs,
            lambda: printed.append(subprocess.run(command, check=True, capture_output=True).stdout),
        )
        shown = json.loads(printed[-1])
    figures = {
        "states": len(report.state_ids),
        "measures": sum(len(w.wave.measures) for w in report.waves),
        "responses": responses_held,
        "waves": len(report.waves),
        "importSeconds": None if loading is None else round(loading, 1),
        "librarySeconds": round(ways["this code"]["warm"], 3),
        "commandSeconds": round(statistics.median(whole), 3),
        "jsonWaves": len(shown["waves"]),
        "ways": {code: {w: round(t, 3) for w, t in found.items()} for code, found in ways.items()},
    }
    table = Table(
        title=(
            f"report coverage: {figures['states']} states, {figures['measures']:,} measures in "
            f"{figures['waves']:,} waves, {figures['responses']:,} responses"
        )
    )
    for column in ("step", f"median of {args.runs} s", "target"):
        table.add_column(column, justify="right" if column != "step" else "left")
    for step, seconds in (
        ("coverage() for every wave (warm)", figures["librarySeconds"]),
        ("coercionwatch report coverage --json", figures["commandSeconds"]),
    ):
        table.add_row(step, f"{seconds:.3f}", "< 1: " + ("met" if seconds < 1 else "not met"))
    if loading is not None:
        table.add_row("import (once)", f"{loading:.1f}", "")
    console.print(table)
    console.print(ways_table(ways, args.runs))
    if args.json:
        print(json.dumps(figures))


def ways_table(ways: dict[str, dict[str, float]], runs: int) -> Table:
    table = Table(title=f"coverage() for every wave, median of {runs} s, each on a copy")
    table.add_column("way")
    for code in ways:
        table.add_column(code, justify="right")
    if "baseline" in ways:
        table.add_column("ratio", justify="right")
    labels = {"cold": "cold (table empty)", "warm": "warm", "write": "after a one-response write"}
    for way in WAYS:
        cells = [f"{found[way]:.3f}" for found in ways.values()]
        if "baseline" in ways:
            cells.append(f"{ways['this code'][way] / ways['baseline'][way]:.2f}")
        table.add_row(labels[way], *cells)
    return table


if __name__ == "__main__":
    main()
