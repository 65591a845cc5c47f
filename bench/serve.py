"""Serving a record of mixed kinds: our server against Datasette on the same rows.

Generates N records of six kinds (`records.py`), imports them once into one SQLite file with
`coercionwatch import`, and loads the same rows into a second SQLite file for Datasette with
sqlite-utils: one table a kind, list fields as JSON text, a full-text index over each kind's
text, an index on every column the list page filters or facets by. Each server runs as one
process; `wrk` (Debian's package) drives it from a second process on 127.0.0.1.

Reported side by side, with ratios: resident memory after the first answer, after the load
runs and after the writes; the time from spawning the server to its first answer; p50, p99
and requests per second of one record as JSON, a list with two filters and five facets, and
a search (for a common word, in most records, and for a place, in about one in a hundred);
and the time of the request made right after a one-record write (ours: a
`coercionwatch import` of one changed measure; Datasette: an `sqlite-utils upsert` of it).

    .venv/bin/python bench/serve.py --records 10000 [--seconds 10] [--json]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import sqlite_utils
from rich.console import Console
from rich.table import Table

from incidents import WORDS
from records import PLACES, TABLES, TEXT_FIELDS, counts, generate, terms, zipf

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent
PEER = "peer"
"""The peer's database file is PEER.db, so its pages live under /PEER/."""

CLIENT = httpx.Client(timeout=3_600)
"""One client for every timed request: httpx builds an SSL context for each new client
(about 30 ms here), which `httpx.get` would add to every figure."""

FACETS = ("type", "status", "imposer", "target", "year")
INDEXED = {
    "measure": (*FACETS, ("type", "status")),
    "response": ("actor", "stance", "forum", "channel", "year"),
    "incident": ("category", "severity"),
    "countermeasure": ("layer", "type", "status"),
    "actor": ("type", "country"),
    "source": ("type",),
}
"""The peer's indexes: every column its list pages filter or facet by."""

BEST_OF_EACH = " union all ".join(
    f"select * from (select '{kind}' as kind,"
    f" (select {'slug' if kind == 'incident' else 'id'} from [{table}]"
    f" where rowid = [{table}_fts].rowid) as id,"
    f" snippet([{table}_fts], -1, '<mark>', '</mark>', '…', 16) as snippet, rank"
    f" from [{table}_fts] where [{table}_fts] match escape_fts(:q) || '*'"
    " order by rank limit 20)"
    for kind, table in TABLES.items()
)
SEARCH_SQL = f"select kind, id, snippet from ({BEST_OF_EACH}) order by rank limit 20"
"""The peer's search across all six kinds, as ours searches: each table's best 20 matches by
bm25 (prefix match, as ours), the best 20 of those, with snippets. Datasette has no search
across tables of its own; this is a canned query."""


def code_version() -> str:
    """The commit of the coercionwatch being measured (a `+` when its tree has changes): the
    figures belong to that code, whichever checkout the script itself comes from."""
    import coercionwatch

    tree = Path(coercionwatch.__file__).parent
    head = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "-C", str(tree), "status", "--porcelain", "--", "."], capture_output=True, text=True
    ).stdout.strip()
    return f"{head or 'unknown'}{'+' if changed else ''} ({tree})"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, since: float, seconds: float = 3_600) -> float:
    """Seconds from `since` to the first 200 from `url`: connection refusals are retried at
    once, and an answer being computed is waited for."""
    deadline = since + seconds
    while time.monotonic() < deadline:
        try:
            if CLIENT.get(url).status_code == 200:
                return time.monotonic() - since
        except httpx.HTTPError:
            pass
        time.sleep(0.005)
    raise SystemExit(f"server did not come up: {url}")


def resident(pid: int) -> tuple[float, float]:
    """Resident and peak resident MiB of a process and all its descendants (VmRSS, VmHWM)."""
    now = peak = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except FileNotFoundError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        now += int(fields["VmRSS"].split()[0]) / 1024
        peak += int(fields["VmHWM"].split()[0]) / 1024
    return now, peak


def cpu_ticks(pid: int) -> int:
    """CPU time (clock ticks) a process and its descendants have used so far."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def settle(pid: int, seconds: float = 1_800) -> float:
    """Wait until a server has finished the requests wrk left behind (it uses under a tenth
    of a core for half a second), so that they do not slow the next measurement; how long
    that took."""
    started = time.monotonic()
    deadline = started + seconds
    before = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_ticks(pid)
        if (now - before) / os.sysconf("SC_CLK_TCK") < 0.05:
            break
        before = now
    return time.monotonic() - started


LUA = """
math.randomseed(14203)
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


@dataclass
class Load:
    """What wrk measured for one page on one server."""

    requests: int
    rate: float
    p50: float | None
    p99: float | None
    failed: int
    timeouts: int


def milliseconds(text: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(name: str, base: str, paths: list[str], folder: Path, seconds: int) -> Load:
    """wrk -t2 -c32 for `seconds` over random paths; its --latency figures."""
    listing = folder / f"paths-{name}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = folder / f"load-{name}.lua"
    script.write_text(LUA % listing)
    result = subprocess.run(
        [
            *("wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "30s", "--latency"),
            *("-s", str(script), base),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))
    return Load(
        requests=done,
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50=milliseconds(out, "50%") if done else None,
        p99=milliseconds(out, "99%") if done else None,
        failed=int(failed.group(1)) if failed else 0,
        timeouts=int(timeouts.group(1)) if timeouts else 0,
    )


def flat(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a row of its kind's table: sqlite-utils stores lists and objects as JSON
    text; the list pages' `year` is a column of its own."""
    row = {key: value for key, value in record.items() if key != "kind"}
    if record["kind"] in ("measure", "response") and "date" in record:
        row["year"] = int(record["date"][:4])
    return row


def key_of(kind: str) -> str:
    return "slug" if kind == "incident" else "id"


def load_peer(files: dict[str, list[Path]], path: Path) -> None:
    """Every kind into its own table, with its search index and list-page indexes."""
    db = sqlite_utils.Database(path)
    for kind, paths in files.items():
        table = db[TABLES[kind]]
        rows = (flat(orjson.loads(line)) for file in paths for line in file.open("rb"))
        table.insert_all(rows, pk=key_of(kind), batch_size=2_000, alter=True)
        table.enable_fts(
            [c for c in TEXT_FIELDS[kind] if c in table.columns_dict], create_triggers=True
        )
        for columns in INDEXED[kind]:
            table.create_index([columns] if isinstance(columns, str) else list(columns))
    db.close()


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a command run to its end."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def timed_get(url: str) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    answer = CLIENT.get(url)
    return (time.perf_counter() - started) * 1000, answer


def warm(base: str, paths: list[str]) -> None:
    """Ask every path once, one after another, as a server in use has been asked before:
    both servers get the same warm-up (the page cache of SQLite for both; our answers
    kept under the journal head for ours)."""
    for path in dict.fromkeys(paths):
        CLIENT.get(base + path)


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen
    first_answer: float
    paths: dict[str, list[str]]
    rss: dict[str, float]


def start(
    name: str, command: list[str], port: int, paths: dict[str, list[str]], folder: Path
) -> Server:
    """Spawn a server and time it to its first answer on a record; its output goes to a log."""
    log = (folder / f"{name}.log").open("wb")
    spawned = time.monotonic()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    first = wait_for(base + paths["record"][0], spawned)
    server = Server(name, base, process, first, paths, {})
    server.rss["after first answer"], _ = resident(process.pid)
    return server


def list_shape(server: Server) -> dict[str, Any]:
    """What one list answer holds, asked alone: its time, size, the records it returns, and
    which of the five facets came with it (ours: under `facets`; Datasette: under
    `facet_results`, where a facet that timed out is left out)."""
    ms, answer = timed_get(server.base + server.paths["list"][0])
    body = answer.json() if answer.status_code == 200 else {}
    rows = body.get("records" if server.name == "ours" else "rows") or []
    given = body.get("facets" if server.name == "ours" else "facet_results")
    if not isinstance(given, dict):
        facets = "missing"
    else:
        lacking = [name for name in FACETS if name not in given]
        facets = f"lacking {', '.join(lacking)}" if lacking else "all five"
    return {
        "status": answer.status_code,
        "ms": ms,
        "bytes": len(answer.content),
        "rows": len(rows),
        "facets": facets,
    }


def after_writes(
    server: Server, write: list[str], changed: dict[str, Any], folder: Path, rounds: int
) -> dict[str, Any]:
    """Write one changed measure, then time the next request; again for each page, `rounds`
    times. A record answer that lacks the change counts as stale."""
    timings: dict[str, list[float]] = {"list": [], "record": []}
    stale = 0
    for n in range(rounds):
        for page in timings:
            marker = f"Revision {server.name} {n} {page}."
            record = dict(changed, summary=f"{changed['summary']} {marker}")
            file = folder / f"write-{server.name}.jsonl"
            row = record if server.name == "ours" else flat(record)
            file.write_bytes(orjson.dumps(row) + b"\n")
            subprocess.run([*write, str(file)], check=True, stdout=subprocess.DEVNULL)
            ms, answer = timed_get(server.base + server.paths[f"{page} after write"][0])
            if answer.status_code != 200:
                raise SystemExit(f"{server.name}: {answer.status_code} after a write")
            if page == "record" and marker not in answer.text:
                stale += 1
            timings[page].append(ms)
    return {
        f"{page} {what}": figure(ms)
        for page, ms in timings.items()
        for what, figure in (("median", statistics.median), ("max", max))
    } | {"stale": stale}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run")
    parser.add_argument("--writes", type=int, default=10, help="write rounds")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "serve")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up: wrk's first pass over each path is measured too",
    )
    parser.add_argument(
        "--no-answers",
        action="store_true",
        help="ours keeps no answers between requests (COERCIONWATCH_ANSWER_BYTES=0)",
    )
    args = parser.parse_args()
    if args.no_answers:
        os.environ["COERCIONWATCH_ANSWER_BYTES"] = "0"
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    console = Console(stderr=args.json, width=110)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)

    load_at_start, code_at_start = os.getloadavg()[0], code_version()
    started = time.perf_counter()
    files = generate(args.out / "data", args.records)
    share = counts(args.records)
    everything = [path for paths in files.values() for path in paths]
    size = sum(path.stat().st_size for path in everything)
    console.print(
        f"{args.records:,} records ({', '.join(f'{n:,} {k}' for k, n in share.items())}),"
        f" {size / 2**20:.0f} MiB in {len(everything)} files, {time.perf_counter() - started:.1f} s"
    )
    ours_db, peer_db = args.out / "record.db", args.out / f"{PEER}.db"
    coercionwatch = str(BIN / "coercionwatch")
    imported = run([coercionwatch, "--db", str(ours_db), "import", *map(str, everything)])
    console.print(f"coercionwatch import: {imported[0]:.1f} s, peak {imported[1]:.0f} MiB")
    started = time.perf_counter()
    load_peer(files, peer_db)
    peer_load = time.perf_counter() - started
    console.print(f"sqlite-utils load, indexes and FTS: {peer_load:.1f} s")
    metadata = args.out / "metadata.json"
    metadata.write_bytes(orjson.dumps({"databases": {PEER: {"queries": {"search": SEARCH_SQL}}}}))

    measures = counts(args.records)["measure"]
    rng = random.Random(7)
    ids = [f"measure-{rng.randrange(measures):07d}" for _ in range(2_000)]
    types, statuses = terms("measure-types"), terms("measure-statuses")
    filters = [
        (rng.choices(types, zipf(types))[0], rng.choices(statuses, zipf(statuses))[0])
        for _ in range(500)
    ]
    words = [rng.choice(WORDS) for _ in range(500)]
    places = [rng.choice(PLACES) for _ in range(500)]
    facets = "".join(f"&_facet={name}" for name in FACETS)
    with files["measure"][0].open("rb") as first:
        changed = orjson.loads(first.readline())
    ours_paths = {
        "record": [f"/measure/{i}.json" for i in ids],
        "list": [f"/api/measures?type={t}&status={s}" for t, s in filters],
        "search": [f"/api/search?q={w}" for w in words],
        "search, place": [f"/api/search?q={w}" for w in places],
        "record after write": [f"/measure/{changed['id']}.json"],
        "list after write": [f"/api/measures?type={changed['type']}&status={changed['status']}"],
    }
    table = f"/{PEER}/measures"
    peer_paths = {
        "record": [f"{table}/{i}.json" for i in ids],
        "list": [f"{table}.json?type={t}&status={s}{facets}" for t, s in filters],
        "search": [f"/{PEER}/search.json?q={w}" for w in words],
        "search, place": [f"/{PEER}/search.json?q={w}" for w in places],
        "record after write": [f"{table}/{changed['id']}.json"],
        "list after write": [
            f"{table}.json?type={changed['type']}&status={changed['status']}{facets}"
        ],
    }

    ours_port, peer_port = free_port(), free_port()
    commands = {
        "ours": [
            *(coercionwatch, "--db", str(ours_db), "serve"),
            *("--port", str(ours_port), "--workers", "1"),
        ],
        "datasette": [
            *(str(BIN / "datasette"), "serve", str(peer_db), "-m", str(metadata)),
            *("--port", str(peer_port), "--setting", "default_cache_ttl", "0"),
            *("--setting", "suggest_facets", "off"),
            *("--setting", "facet_time_limit_ms", "60000"),
            *("--setting", "sql_time_limit_ms", "60000"),
        ],
    }
    writes = {
        "ours": [coercionwatch, "--db", str(ours_db), "import"],
        "datasette": [
            *(str(BIN / "sqlite-utils"), "upsert", str(peer_db), "measures"),
            *("--nl", "--pk", "id", "--alter"),
        ],
    }
    servers: list[Server] = []
    try:
        # One at a time: the first answer is timed with the other server not yet running.
        servers.append(start("ours", commands["ours"], ours_port, ours_paths, args.out))
        servers.append(start("datasette", commands["datasette"], peer_port, peer_paths, args.out))
        shapes = {server.name: list_shape(server) for server in servers}
        loads: dict[str, dict[str, Load]] = {}
        for page in ("record", "list", "search", "search, place"):
            for server in servers:
                if not args.cold:
                    console.print(f"warm-up: every {page} path once on {server.name}")
                    warm(server.base, server.paths[page])
                console.print(f"wrk: {page} on {server.name}")
                loads.setdefault(page, {})[server.name] = load(
                    f"{server.name}-{page}", server.base, server.paths[page], args.out, args.seconds
                )
                console.print(f"  settled {settle(server.process.pid):.1f} s after wrk stopped")
        for server in servers:
            server.rss["after load"], _ = resident(server.process.pid)
        written = {
            server.name: after_writes(server, writes[server.name], changed, args.out, args.writes)
            for server in servers
        }
        for server in servers:
            server.rss["after writes"], server.rss["peak"] = resident(server.process.pid)
    finally:
        for server in servers:
            server.process.terminate()
            server.process.wait(30)

    figures = {
        "records": args.records,
        "code": {"at start": code_at_start, "at end": code_version()},
        "load average": {"at start": load_at_start, "at end": os.getloadavg()[0]},
        "kinds": counts(args.records),
        "seconds": args.seconds,
        "warmed": not args.cold,
        "answersKept": not args.no_answers,
        "import": {"ours seconds": imported[0], "ours peak MiB": imported[1]}
        | {"peer seconds": peer_load},
        "servers": {
            server.name: {"first answer s": server.first_answer}
            | {f"rss {when} MiB": value for when, value in server.rss.items()}
            | {"list answer": shapes[server.name]}
            for server in servers
        },
        "pages": {
            page: {name: asdict(measured) for name, measured in by.items()}
            for page, by in loads.items()
        },
        "after write ms": written,
    }
    report(console, figures)
    if args.json:
        sys.stdout.write(orjson.dumps(figures, option=orjson.OPT_INDENT_2).decode() + "\n")


def report(console: Console, figures: dict[str, Any]) -> None:
    """Two tables, ours beside Datasette, with the ratio and issue 9's target for each row."""
    ours, peer = figures["servers"]["ours"], figures["servers"]["datasette"]
    table = Table(
        title=f"serving {figures['records']:,} records of mixed kinds, one process each, "
        f"wrk -t2 -c32 for {figures['seconds']} s a page"
        f"{', after one warm-up pass' if figures['warmed'] else ', cold'}"
        f"{'' if figures['answersKept'] else ', ours keeping no answers'}"
    )
    for column in ("figure", "ours", "datasette", "ours/datasette", "target (issue 9)"):
        table.add_column(column, justify="right")

    def row(name: str, a: float | None, b: float | None, unit: str, target: str = "") -> None:
        ratio = f"{a / b:.2f}" if a is not None and b else "-"
        shown = [f"{v:,.1f} {unit}" if v is not None else "no answer" for v in (a, b)]
        table.add_row(name, *shown, ratio, target)

    row("first answer after spawn", ours["first answer s"], peer["first answer s"], "s", "< 1 s")
    for when in ("after first answer", "after load", "after writes", "peak"):
        target = "< 150 MiB, flat" if when != "peak" else ""
        row(f"RSS {when}", ours[f"rss {when} MiB"], peer[f"rss {when} MiB"], "MiB", target)
    targets = {
        "record": "≥ 2× req/s",
        "list": "≥ 5× req/s, p99 < 200 ms",
        "search": "≥ 5× req/s, p99 < 200 ms",
        "search, place": "≥ 5× req/s, p99 < 200 ms",
    }
    for page, by in figures["pages"].items():
        a, b = by["ours"], by["datasette"]
        row(f"{page}: req/s", a["rate"], b["rate"], "", targets[page])
        row(f"{page}: p50", a["p50"], b["p50"], "ms")
        row(f"{page}: p99", a["p99"], b["p99"], "ms")
        for name, load in by.items():
            if load["failed"] or load["timeouts"] or load["requests"] < 100:
                console.print(
                    f"[red]{page} on {name}: {load['requests']} answered, "
                    f"{load['failed']} failed, {load['timeouts']} timed out"
                )
    writes = figures["after write ms"]
    for page in ("list", "record"):
        for what in ("median", "max"):
            key = f"{page} {what}"
            row(
                f"{page} after a write, {what}",
                writes["ours"][key],
                writes["datasette"][key],
                "ms",
                "< 100 ms" if what == "max" else "",
            )
    console.print(table)
    for name, server in figures["servers"].items():
        shape = server["list answer"]
        console.print(
            f"{name} list page alone: {shape['status']} in {shape['ms']:,.0f} ms, "
            f"{shape['bytes']:,} bytes, "
            f"{shape['rows']:,} records, facets: {shape['facets']}; "
            f"stale record answers after a write: {writes[name]['stale']}"
        )
    imported = figures["import"]
    busy, code = figures["load average"], figures["code"]
    console.print(f"coercionwatch {code['at start']}, at the end {code['at end']}")
    console.print(
        f"load average (1 min) at start {busy['at start']:.1f}, at end {busy['at end']:.1f} "
        f"on {os.cpu_count()} cores: other work on the machine moves every figure"
    )
    console.print(
        f"import: ours {imported['ours seconds']:.1f} s "
        f"(peak {imported['ours peak MiB']:.0f} MiB), "
        f"peer load {imported['peer seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
