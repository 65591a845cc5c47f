"""One record as JSON, under load: our API against Datasette serving the same SQLite file.

Both servers get one worker process; `wrk` (Debian's package) drives each from a second
process on 127.0.0.1, asking for random records among those loaded.

    .venv/bin/python bench/serve.py --records 10000
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from incidents import generate

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not come up: {url}")


LUA = """
math.randomseed(14203)
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def load(
    base: str, paths: list[str], folder: Path, seconds: int, connections: int
) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) from wrk."""
    listing = folder / f"paths-{abs(hash(base))}.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = folder / f"load-{abs(hash(base))}.lua"
    script.write_text(LUA % listing)
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if errors:
        raise SystemExit(f"{base}: {errors.group(1)} failed responses")
    return rate, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "serve")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    data = generate(args.out / "data", args.records, 20_000)
    db = args.out / "record.db"
    subprocess.run(
        [str(BIN / "coercionwatch"), "--db", str(db), "import", *map(str, data)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    rng = random.Random(7)
    slugs = [f"incident-{rng.randrange(args.records):07d}" for _ in range(2_000)]

    ours_port, peer_port = free_port(), free_port()
    servers = [
        subprocess.Popen(
            [
                str(BIN / "coercionwatch"),
                "--db",
                str(db),
                "serve",
                "--port",
                str(ours_port),
                "--workers",
                "1",
            ],
            stdout=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                str(BIN / "datasette"),
                "serve",
                str(db),
                "--port",
                str(peer_port),
                "--setting",
                "default_cache_ttl",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        ours = f"http://127.0.0.1:{ours_port}"
        peer = f"http://127.0.0.1:{peer_port}"
        wait_for(f"{ours}/incident/{slugs[0]}.json")
        wait_for(f"{peer}/record/versions/incident,{slugs[0]},1.json")
        results = {
            "coercionwatch /incident/SLUG.json": load(
                ours,
                [f"/incident/{s}.json" for s in slugs],
                args.out,
                args.seconds,
                args.connections,
            ),
            "datasette /db/versions/ROW.json": load(
                peer,
                [f"/record/versions/incident,{s},1.json" for s in slugs],
                args.out,
                args.seconds,
                args.connections,
            ),
        }
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    console = Console()
    table = Table(
        title=f"one record as JSON, {args.records:,} incidents, 1 worker each, "
        f"wrk -c{args.connections} for {args.seconds}s"
    )
    for column in ("server", "requests/s", "p99 ms"):
        table.add_column(column, justify="right")
    for name, (rate, p99) in results.items():
        table.add_row(name, f"{rate:,.0f}", f"{p99:.1f}")
    console.print(table)
    (ours_rate, ours_p99), (peer_rate, peer_p99) = results.values()
    console.print(
        f"throughput ratio ours/datasette: {ours_rate / peer_rate:.2f} (target ≥ 1.0); "
        f"p99 ratio: {ours_p99 / peer_p99:.2f}"
    )


if __name__ == "__main__":
    main()
