"""Import speed and memory: `coercionwatch import` against `sqlite-utils insert` + `enable-fts`.

Generates N realistic incident records (a few KB each) as JSON Lines, split into files
below the import size limit, and loads the same files with both tools in one run. The peer
validates nothing and keeps no journal; we validate, hash, version, journal and index.

    .venv/bin/python bench/import.py --records 100000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from incidents import TEXT_COLUMNS, generate

BIN = Path(sys.executable).parent


def run(commands: list[list[str]]) -> tuple[float, float]:
    """Wall seconds for the commands in turn, and the largest peak RSS among them (MiB)."""
    peak = 0.0
    started = time.perf_counter()
    for command in commands:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        if status != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return time.perf_counter() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "import")
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    files = generate(args.out / "data", args.records, args.per_file)
    size = sum(f.stat().st_size for f in files)
    console = Console()
    console.print(
        f"{args.records:,} incidents, {size / 2**20:.0f} MiB in {len(files)} files, "
        f"{size / args.records / 1024:.1f} KiB each"
    )

    ours_db, peer_db = args.out / "ours.db", args.out / "peer.db"
    ours = run(
        [
            [
                str(BIN / "coercionwatch"),
                "--db",
                str(ours_db),
                "import",
                *map(str, files),
                "--reason",
                "benchmark",
            ]
        ]
    )
    peer = run(
        [
            [
                str(BIN / "sqlite-utils"),
                "insert",
                str(peer_db),
                "incidents",
                str(f),
                "--nl",
                "--pk",
                "slug",
            ]
            for f in files
        ]
        + [[str(BIN / "sqlite-utils"), "enable-fts", str(peer_db), "incidents", *TEXT_COLUMNS]]
    )
    table = Table(title="import: 100k-style incident load")
    for column in ("tool", "seconds", "records/s", "peak MiB", "db MiB"):
        table.add_column(column, justify="right")
    for name, (seconds, peak), db in (
        ("coercionwatch import", ours, ours_db),
        ("sqlite-utils insert + enable-fts", peer, peer_db),
    ):
        table.add_row(
            name,
            f"{seconds:.1f}",
            f"{args.records / seconds:,.0f}",
            f"{peak:.0f}",
            f"{db.stat().st_size / 2**20:.0f}",
        )
    console.print(table)
    console.print(
        f"time ratio ours/peer: {ours[0] / peer[0]:.2f} (target ≤ 1.5); "
        f"our peak memory {ours[1]:.0f} MiB (target < 500)"
    )


if __name__ == "__main__":
    main()
