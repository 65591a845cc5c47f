"""The archive, timed beside its floor in one run: capturing local documents (read, hashed,
packaged as WACZ, kept on the archive folder, recorded with the source's new version and a
leaf) against `sha256sum` over the same files; `archive verify` over two mirrors against
`sha256sum` over both mirrors' copies; then the log (bench/log.py): appending leaves and
proving inclusion.

    .venv/bin/python bench/archive.py                          # 1 GiB, 1,000,000 leaves
    .venv/bin/python bench/archive.py --mebibytes 256 --leaves 100000
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).parent))

from coercionwatch.ingest import Incoming
from coercionwatch.ingest.capture import Limits, capture_file
from coercionwatch.model import Location, load_record
from coercionwatch.store import Store
from coercionwatch.store.archive import check_copies, fill, open_mirrors
from log import add_log_rows, figure_table, measure_log

FILE_MIB = 64


def make_documents(folder: Path, mebibytes: int) -> list[Path]:
    """Files of 64 MiB, text and binary in turn, of bytes that do not repeat."""
    folder.mkdir(parents=True)
    paths = []
    block = os.urandom(1 << 20)
    for number in range(max(1, mebibytes // FILE_MIB)):
        path = folder / (f"document-{number:03}." + ("txt" if number % 2 else "bin"))
        with path.open("wb") as out:
            for chunk in range(FILE_MIB):
                out.write(number.to_bytes(4, "big") + chunk.to_bytes(4, "big") + block[8:])
        paths.append(path)
    return paths


def sha256sum(paths: list[Path]) -> float:
    started = time.perf_counter()
    subprocess.run(["sha256sum", *map(str, paths)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def copy_twice(paths: list[Path], folder: Path) -> float:
    """The disk's share of a capture: every byte written twice (the document and its
    WACZ), by `cp`, with no hashing or packaging."""
    folder.mkdir()
    started = time.perf_counter()
    for copy in ("a", "b"):
        subprocess.run(["cp", *map(str, paths), str(folder)], check=True)
        for path in paths:
            (folder / path.name).rename(folder / f"{path.name}.{copy}")
    elapsed = time.perf_counter() - started
    shutil.rmtree(folder)
    return elapsed


def capture_all(store: Store, documents: list[Path], mirror_urls: list[str]) -> float:
    """Each document captured and kept, as `coercionwatch capture FILE --source ID` does."""
    mirrors = open_mirrors(mirror_urls)
    limits = Limits(max_bytes=1 << 30)
    started = time.perf_counter()
    for number, path in enumerate(documents):
        with capture_file(
            path,
            roots=[path.parent],
            limits=limits,
            captured_by="bench",
            scratch_in=mirrors[0].folder,
        ) as captured:
            store.keep_capture(
                f"doc-{number}", captured.archive, captured.files, mirrors, author="bench"
            )
    return time.perf_counter() - started


def add_sources(store: Store, count: int) -> None:
    store.import_records(
        [
            Incoming(
                load_record(
                    "source", {"id": f"doc-{n}", "title": f"Document {n}", "type": "legal-text"}
                ),
                Location("bench"),
            )
            for n in range(count)
        ],
        author="bench",
    )


def kept_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mebibytes", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=2_000)
    args = parser.parse_args()
    console = Console(stderr=True)
    captures: list[float] = []
    capture_floor: list[float] = []
    write_floor: list[float] = []
    verifies: list[float] = []
    verify_floor: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-archive-", dir=os.environ.get("TMPDIR")) as tmp:
        root = Path(tmp)
        documents = make_documents(root / "documents", args.mebibytes)
        total = sum(p.stat().st_size for p in documents)
        sha256sum(documents)  # the page cache holds the files for both sides
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("rounds", total=args.rounds)
            for round_number in range(args.rounds):
                work = root / f"round-{round_number}"
                urls = [(work / "local").as_uri(), (work / "second").as_uri()]
                work.mkdir()
                with Store.open(str(work / "record.db")) as store:
                    add_sources(store, len(documents))
                    capture_floor.append(sha256sum(documents))
                    write_floor.append(copy_twice(documents, work / "copies"))
                    captures.append(capture_all(store, documents, urls[:1]))
                    with store.reading() as connection:
                        list(fill(connection, open_mirrors(urls)))  # the second mirror, untimed
                    copies = kept_files(work / "local") + kept_files(work / "second")
                    sha256sum(copies)
                    verify_floor.append(sha256sum(copies))
                    with store.reading() as connection:
                        started = time.perf_counter()
                        states = list(check_copies(connection, open_mirrors(urls)))
                        verifies.append(time.perf_counter() - started)
                    assert all(s.state == "present" for s in states), "a copy failed to verify"
                    verified_bytes = sum(p.stat().st_size for p in copies)
                shutil.rmtree(work)
                progress.advance(task)
    archive_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log_figures = measure_log(args.leaves, args.proofs, None)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    table = figure_table(
        f"archive: {len(documents)} documents, {total / 2**20:,.0f} MiB, "
        f"median of {args.rounds} rounds"
    )
    capture_rate = total / statistics.median(captures) / 2**20
    floor_rate = total / statistics.median(capture_floor) / 2**20
    ratio = capture_rate / floor_rate
    table.add_row(
        "capture, kept on the archive folder: MiB/s",
        f"{capture_rate:,.0f}",
        f"{floor_rate:,.0f} (sha256sum)",
        f"{ratio:.2f}",
        "≥ 0.50: " + ("met" if ratio >= 0.5 else "not met"),
    )
    write_rate = total / statistics.median(write_floor) / 2**20
    table.add_row(
        "capture against writing its two files: MiB/s",
        f"{capture_rate:,.0f}",
        f"{write_rate:,.0f} (cp, twice)",
        f"{capture_rate / write_rate:.2f}",
        "",
    )
    verify_rate = verified_bytes / statistics.median(verifies) / 2**20
    verify_floor_rate = verified_bytes / statistics.median(verify_floor) / 2**20
    ratio = verify_rate / verify_floor_rate
    table.add_row(
        "archive verify, two mirrors: MiB/s",
        f"{verify_rate:,.0f}",
        f"{verify_floor_rate:,.0f} (sha256sum)",
        f"{ratio:.2f}",
        "≥ 0.80: " + ("met" if ratio >= 0.8 else "not met"),
    )
    table.add_row("peak memory, capture and verify", f"{archive_peak:,.0f} MiB", "", "", "")
    add_log_rows(table, log_figures)
    table.add_row("peak memory, with the log's floor in memory", f"{peak:,.0f} MiB", "", "", "")
    Console().print(table)


if __name__ == "__main__":
    main()
