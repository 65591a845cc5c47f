"""`capture` and `archive status / verify / mirror` as a researcher and an operator use
them: a page from a real server on 127.0.0.1 and a local file kept on the default folder
and a second mirror, copies damaged and restored, and every refusal a clear line with
status 2 and nothing kept."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from coercionwatch.store.archive import blob_path
from tests.helpers import write_lines

PAGE = b"<html><body><article><p>The Assembly's presidency spoke for the Court.</p></article>"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "statement.html").write_bytes(PAGE)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def recorded(cli, tmp_path: Path, monkeypatch) -> dict[str, Path]:
    local = tmp_path / "local-archive"
    second = tmp_path / "second"
    monkeypatch.setenv("COERCIONWATCH_ARCHIVE", str(local))
    monkeypatch.setenv("COERCIONWATCH_MIRRORS", second.as_uri())
    sources = [
        {"kind": "source", "id": "presidency", "title": "Statement", "type": "statement"},
        {"kind": "source", "id": "order", "title": "The order", "type": "legal-text"},
    ]
    result = cli("import", str(write_lines(tmp_path / "sources.jsonl", sources)))
    assert result.exit_code == 0, result.output
    return {"local": local, "second": second}


def test_capture_a_page_and_a_file_then_verify_and_repair(
    cli, cli_json, web: str, recorded: dict[str, Path], tmp_path: Path, monkeypatch
):
    page = cli_json("capture", f"{web}/statement.html", "--source", "presidency", "--allow-private")
    assert page["sha256"] == hashlib.sha256(PAGE).hexdigest()
    assert page["version"] == 2 and page["status"] == 200 and page["text"] is True
    assert {c["state"] for c in page["copies"]} == {"present"}
    assert {c["mirror"] for c in page["copies"]} == {
        recorded["local"].as_uri(),
        recorded["second"].as_uri(),
    }
    monkeypatch.chdir(tmp_path)
    (tmp_path / "order.txt").write_text("The order blocks the property of named persons.")
    shown = cli("capture", "order.txt", "--source", "order")
    assert shown.exit_code == 0, shown.output
    assert "Captured file:order.txt for source order" in shown.stdout
    status = cli_json("archive", "status")
    assert status["blobs"] == 4
    assert [(m["present"], m["missing"]) for m in status["mirrors"]] == [(4, 0), (4, 0)]
    assert cli("archive", "verify").exit_code == 0

    (recorded["second"] / blob_path(page["sha256"])).write_bytes(b"not the page")
    (recorded["local"] / blob_path(page["wacz"])).unlink()
    checked = cli("archive", "verify", "--json")
    assert checked.exit_code == 1
    faults = json.loads(checked.stdout)["faults"]
    assert {(f["mirror"], f["sha256"], f["state"]) for f in faults} == {
        (recorded["second"].as_uri(), page["sha256"], "bad"),
        (recorded["local"].as_uri(), page["wacz"], "missing"),
    }
    after = cli_json("archive", "status")
    assert [(m["present"], m["missing"], m["bad"]) for m in after["mirrors"]] == [
        (3, 1, 0),
        (3, 0, 1),
    ]
    repaired = cli("archive", "verify", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "2 restored, 0 still bad or missing" in repaired.stdout
    assert (recorded["second"] / blob_path(page["sha256"])).read_bytes() == PAGE
    assert cli("verify").exit_code == 0


def test_a_new_mirror_is_filled(cli, cli_json, recorded: dict[str, Path], tmp_path: Path):
    document = tmp_path / "order.txt"
    document.write_text("Text of the order.")
    kept = cli_json("capture", str(document), "--source", "order", "--root", str(tmp_path))
    third = (tmp_path / "third").as_uri()
    status = cli_json("archive", "status", "--mirror", third)
    assert status["mirrors"][2]["unchecked"] == 2
    filled = cli_json("archive", "mirror", "--mirror", third)
    assert filled["repaired"] == 2 and filled["ok"] is True
    assert (tmp_path / "third" / blob_path(kept["sha256"])).read_text() == "Text of the order."
    status = cli_json("archive", "status", "--mirror", third)
    assert status["mirrors"][2]["present"] == 2


def test_refusals_are_one_line_and_keep_nothing(
    cli, web: str, recorded: dict[str, Path], tmp_path: Path
):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("elsewhere")
    cases = [
        (["capture", f"{web}/statement.html", "--source", "presidency"], "private or reserved"),
        (
            ["capture", f"{web}/statement.html", "--source", "absent", "--allow-private"],
            "no such source",
        ),
        (["capture", "ftp://example.org/file", "--source", "order"], "only http(s) URLs"),
        (
            ["capture", str(outside), "--source", "order", "--root", str(tmp_path / "site")],
            "outside the folders",
        ),
        (
            [
                "capture",
                f"{web}/statement.html",
                "--source",
                "order",
                "--allow-private",
                "--mirror",
                "gopher://x",
            ],
            "file:// folder or an s3:// bucket",
        ),
    ]
    for args, message in cases:
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output + result.stderr
    assert not any(p.is_file() for p in recorded["local"].rglob("*"))
    assert json.loads(cli("archive", "status", "--json").stdout)["blobs"] == 0
