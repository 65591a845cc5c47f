"""The transparency log, timed: appending leaves to the store (each with the complete
nodes it finishes, in batches as an import writes them) next to the floor — the same
hashing in memory with no database — then inclusion and consistency proofs at that size,
each read from the stored nodes and checked.

    .venv/bin/python bench/log.py                  # 1,000,000 leaves, SQLite
    .venv/bin/python bench/log.py --leaves 100000 --db postgresql://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from coercionwatch.model import merkle
from coercionwatch.store import Store, log

BATCH = 10_000


def leaves(count: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(count)]


def floor(data: list[bytes]) -> float:
    """Hashing the leaves and every node they complete, kept in a dict: the work without
    the database."""
    nodes: dict[tuple[int, int], bytes] = {}
    started = time.perf_counter()
    for index, value in enumerate(data):
        for level, position, hashed in merkle.completed_nodes(
            index, merkle.leaf_hash(value), lambda lv, ix: nodes[lv, ix]
        ):
            nodes[level, position] = hashed
    return time.perf_counter() - started


@dataclass(frozen=True)
class LogFigures:
    leaves: int
    appended: float
    in_memory: float
    inclusion: list[float]
    consistency: list[float]
    backend: str


def measure_log(count: int, proofs: int, db: str | None) -> LogFigures:
    """Append `count` leaves in import-sized batches, then time proofs at that size, each
    checked against the root."""
    data = leaves(count)
    in_memory = floor(data)
    with tempfile.TemporaryDirectory() as folder:
        location = db or str(Path(folder) / "log.db")
        with Store.open(location) as store:
            started = time.perf_counter()
            for at in range(0, len(data), BATCH):
                with store.engine.begin() as connection:
                    log.append_leaves(connection, "capture", data[at : at + BATCH])
            appended = time.perf_counter() - started
            rng = random.Random(7)
            with store.reading() as connection:
                root = log.root(connection, count)
                inclusion = []
                for _ in range(proofs):
                    index = rng.randrange(count)
                    started = time.perf_counter()
                    proof = log.inclusion_proof(connection, index, count)
                    inclusion.append(time.perf_counter() - started)
                    merkle.check_inclusion(index, count, merkle.leaf_hash(data[index]), proof, root)
                consistency = []
                for _ in range(max(2, proofs // 10)):
                    old = rng.randrange(1, count)
                    started = time.perf_counter()
                    proof = log.consistency_proof(connection, old, count)
                    consistency.append(time.perf_counter() - started)
                    old_root = log.root(connection, old)
                    merkle.check_consistency(old, count, old_root, root, proof)
    return LogFigures(
        count, appended, in_memory, inclusion, consistency, "PostgreSQL" if db else "SQLite"
    )


def add_log_rows(table: Table, figures: LogFigures) -> None:
    """The log's rows, in a table of figure, ours, floor, ours/floor and target."""
    rate = figures.leaves / figures.appended
    table.add_row(
        f"append {figures.leaves:,} leaves ({figures.backend}): leaves/s",
        f"{rate:,.0f}",
        f"{figures.leaves / figures.in_memory:,.0f} (hashing in memory)",
        f"{figures.in_memory / figures.appended:.2f}",
        "≥ 100,000: " + ("met" if rate >= 100_000 else "not met"),
    )
    p50, p99 = (statistics.quantiles(figures.inclusion, n=100)[i] * 1e6 for i in (49, 98))
    table.add_row(
        "inclusion proof: p50 / p99 µs",
        f"{p50:,.0f} / {p99:,.0f}",
        "",
        "",
        "< 1,000 µs: " + ("met" if p99 < 1000 else "not met"),
    )
    c50 = statistics.median(figures.consistency) * 1e6
    table.add_row("consistency proof: p50 µs", f"{c50:,.0f}", "", "", "")


def figure_table(title: str) -> Table:
    table = Table(title=title)
    for column in ("figure", "ours", "floor", "ours/floor", "target"):
        table.add_column(column, justify="right" if column != "figure" else "left")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=2_000)
    parser.add_argument("--db", help="a database URL; default a new SQLite file")
    args = parser.parse_args()
    figures = measure_log(args.leaves, args.proofs, args.db)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = figure_table(f"transparency log, {args.leaves:,} leaves ({figures.backend})")
    add_log_rows(table, figures)
    table.add_row("peak memory", f"{peak:,.0f} MiB", "", "", "")
    Console().print(table)


if __name__ == "__main__":
    main()
