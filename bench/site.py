"""Static site build: pages per second before indexing, and the build's peak memory, on a
generated record of mixed kinds (bench/records.py).

.venv/bin/python bench/site.py --records 10000
.venv/bin/python bench/site.py --records 100000 --no-index
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from coercionwatch.publish.site import build_site, index_for_search
from coercionwatch.store import Store
from records import generate

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent


def build(db: Path, out: Path, workers: int | None) -> None:
    """The build alone, in a process of its own, so that its peak memory and its workers'
    are not mixed with the import's."""
    with Store.open(str(db)) as store:
        started = time.perf_counter()
        summary = build_site(
            store, out, site="https://example.org", search_index=False, workers=workers
        )
        total = time.perf_counter() - started
    print(
        json.dumps(
            {
                "pages": summary.pages,
                "files": summary.files,
                "render": summary.render_seconds,
                "total": total,
                "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "workerPeak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "site")
    parser.add_argument("--no-index", action="store_true", help="skip Pagefind")
    parser.add_argument("--workers", type=int, help="processes writing record pages")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.out, args.workers)
        return
    shutil.rmtree(args.out, ignore_errors=True)
    files = generate(args.out / "data", args.records)
    data = [path for paths in files.values() for path in paths]
    db = args.out / "record.db"
    subprocess.run(
        [str(BIN / "coercionwatch"), "--db", str(db), "import", *map(str, data)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.sync()  # the import's writes reach the disk now, not while the build is timed
    command = [sys.executable, __file__, "--build", str(db), "--out", str(args.out / "site")]
    if args.workers:
        command += ["--workers", str(args.workers)]
    built = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    started = time.perf_counter()
    if not args.no_index:
        index_for_search(args.out / "site")
    indexing = time.perf_counter() - started

    rate = built["pages"] / built["render"]
    table = Table(title=f"static site, {args.records:,} records of mixed kinds")
    for column in ("step", "seconds", "rate"):
        table.add_column(column, justify="right")
    table.add_row("render pages", f"{built['render']:.1f}", f"{rate:,.0f} pages/s")
    table.add_row(
        "whole build without search index", f"{built['total']:.1f}", f"{built['files']:,} files"
    )
    table.add_row("Pagefind index", f"{indexing:.1f}" if not args.no_index else "skipped", "")
    Console().print(table)
    Console().print(
        f"{rate:,.0f} pages/s before search indexing (target ≥ 2,000); peak memory of the "
        f"build {built['peak']:,.0f} MiB (target < 300 at 100,000), of each other process "
        f"writing pages at most {built['workerPeak']:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
