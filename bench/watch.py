"""The list watch, timed: the full 2021 SDN CSV set against a modified copy, next to reading
the same files with Python's csv module alone (the floor); and streaming a generated
FollowTheMoney file of 1,000,000 entities filtered by program, with its peak memory.

    .venv/bin/python bench/watch.py
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from coercionwatch.analysis.watch import watch_list
from coercionwatch.ingest import read_records
from coercionwatch.reference import reference_files
from coercionwatch.store import Store

HERE = Path(__file__).parent
SDN_2021 = HERE.parents[1] / "shared" / "data" / "sanctions" / "watchman-bench"
KHAN = (
    '52965,"KHAN, Karim Asad Ahmad","individual","ICC-EO14203",-0- ,-0- ,-0- ,-0- ,-0- ,'
    '-0- ,-0- ,"DOB 30 Mar 1970; nationality United Kingdom."'
)
STREAM = """
import sys, time
from pathlib import Path
from coercionwatch.ingest.lists.ftm import read_entities
started = time.perf_counter()
found = sum(1 for _ in read_entities(Path(sys.argv[1]), programs=frozenset({"ICC-EO14203"})))
print(found, time.perf_counter() - started)
"""


def modified_copy(folder: Path) -> Path:
    """The 2021 set with ten entries removed, some re-tagged ICC-EO14203, one added."""
    shutil.copytree(SDN_2021, folder)
    rows = [
        r for r in (folder / "sdn.csv").read_bytes().decode().split("\r\n") if r and r != "\x1a"
    ]
    rows = [
        r.replace('"SDGT"', '"SDGT] [ICC-EO14203"') if i % 500 == 0 else r
        for i, r in enumerate(rows[10:])
    ]
    (folder / "sdn.csv").write_bytes(("\r\n".join([*rows, KHAN]) + "\r\n\x1a").encode())
    return folder


def floor(folder: Path) -> float:
    started = time.perf_counter()
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        with (folder / name).open(newline="", encoding="utf-8") as stream:
            for _ in csv.reader(stream):
                pass
    return time.perf_counter() - started


def generate_ftm(path: Path, count: int) -> None:
    rng = random.Random(14203)
    with path.open("wb") as stream:
        for n in range(count):
            programs = (
                ["ICC-EO14203"]
                if n % 10_000 == 0
                else [rng.choice(["SDGT", "RUSSIA-EO14024", "IRAN"])]
            )
            stream.write(
                orjson.dumps(
                    {
                        "id": f"NK-{n:08d}",
                        "schema": "Person" if n % 3 else "Organization",
                        "caption": f"Listed Party {n}",
                        "properties": {
                            "name": [f"Listed Party {n}"],
                            "programId": programs,
                            "country": [rng.choice(["ru", "ir", "sy", "kp"])],
                            "birthDate": [
                                f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                            ],
                        },
                        "datasets": ["us_ofac_sdn"],
                        "first_seen": "2024-01-01T00:00:00",
                        "last_seen": "2024-06-01T00:00:00",
                        "last_change": "2024-05-01T00:00:00",
                        "target": True,
                    }
                )
                + b"\n"
            )


def stream(path: Path) -> tuple[int, float, float]:
    process = subprocess.Popen([sys.executable, "-c", STREAM, str(path)], stdout=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit("the streaming run failed")
    found, seconds = process.stdout.read().split()
    return int(found), float(seconds), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "watch")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    baseline = args.out / "baseline.db"
    with Store.open(str(baseline)) as store:
        store.import_records(read_records(reference_files()), author="bench")
        watch_list(
            store,
            SDN_2021,
            list_name=None,
            programs=None,
            published="2021-07-01",
            dry_run=False,
            author="bench",
        )
    changed = modified_copy(args.out / "modified")

    times = []
    for run in range(5):
        db = args.out / f"run{run}.db"
        shutil.copy(baseline, db)
        with Store.open(str(db)) as store:
            started = time.perf_counter()
            report = watch_list(
                store,
                changed,
                list_name=None,
                programs=None,
                published="2021-07-08",
                dry_run=False,
                author="bench",
            )
            times.append(time.perf_counter() - started)
    floors = [floor(changed) for _ in range(5)]
    shutil.copy(baseline, args.out / "cli.db")
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "coercionwatch"),
            "--db",
            str(args.out / "cli.db"),
            "watch",
            str(changed),
            "--published",
            "2021-07-08",
            "--json",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    cli = time.perf_counter() - started

    big, small = args.out / "entities.ftm.json", args.out / "quarter.ftm.json"
    generate_ftm(big, args.entities)
    generate_ftm(small, args.entities // 4)
    found, seconds, peak = stream(big)
    _, _, small_peak = stream(small)

    console = Console()
    table = Table(title="watch: 2021 SDN CSV set (8,976 entries) against a modified copy")
    for column in ("what", "seconds", "note"):
        table.add_column(column, justify="right")
    watch_time, floor_time = statistics.median(times), statistics.median(floors)
    table.add_row(
        "watch (library call, writes snapshot and drafts)",
        f"{watch_time:.3f}",
        f"+{report.added} −{report.removed} ~{report.amended}, {len(report.relevant)} relevant",
    )
    table.add_row("floor: csv module reads the four files", f"{floor_time:.3f}", "")
    table.add_row("coercionwatch watch, whole command", f"{cli:.3f}", "includes Python start-up")
    console.print(table)
    console.print(
        f"watch {watch_time:.3f} s (target < 1 s), {watch_time / floor_time:.1f}× the floor "
        f"(target ≤ 10×)"
    )
    table = Table(title=f"FollowTheMoney: {args.entities:,} entities, filtered to ICC-EO14203")
    for column in ("entities", "found", "seconds", "entities/s", "peak MiB"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{args.entities:,}",
        f"{found:,}",
        f"{seconds:.2f}",
        f"{args.entities / seconds:,.0f}",
        f"{peak:.0f}",
    )
    table.add_row(f"{args.entities // 4:,}", "", "", "", f"{small_peak:.0f}")
    console.print(table)
    console.print(
        f"{args.entities / seconds:,.0f} entities/s (target ≥ 100,000); peak memory "
        f"{small_peak:.0f} MiB at a quarter of the size, {peak:.0f} MiB at full size"
    )


if __name__ == "__main__":
    main()
