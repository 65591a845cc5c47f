"""Capture against real servers on 127.0.0.1 (HTTP and HTTPS), and of local files: the WACZ
passes `wacz validate`, every digest is what the bytes hash to, and every refusal keeps
nothing."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import trustme
from warcio.archiveiterator import ArchiveIterator

from coercionwatch.ingest import capture as capture_module
from coercionwatch.ingest.capture import (
    Capture,
    CaptureRefused,
    Limits,
    capture_file,
    capture_url,
)
from coercionwatch.model.addresses import AddressRefused, check_url

PAGE = (
    b"<html><head><title>Support for the Court</title></head><body><article>"
    b"<h1>States answer the designations</h1><p>Foreign ministers of several States Parties "
    b"said together that the sanctions on the judges undermine the independence of the "
    b"Court, and asked every state to protect its staff.</p></article></body></html>"
)


def pdf_with(text: str) -> bytes:
    """A one-page PDF showing `text`, with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class Site(http.server.BaseHTTPRequestHandler):
    """The pages a capture meets: a page, a PDF, redirects, a drip and an endless answer."""

    def do_GET(self) -> None:
        routes = {
            "/page.html": (200, "text/html; charset=utf-8", PAGE),
            "/statement.pdf": (200, "application/pdf", pdf_with("Statement of support")),
        }
        if self.path in routes:
            status, media_type, body = routes[self.path]
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/hop/{left - 1}" if left > 1 else "/page.html")
            self.end_headers()
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"\0" * 65536)
            except OSError:
                pass
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10 << 30))
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, *_args: object) -> None:
        pass


@contextmanager
def site(tls: ssl.SSLContext | None = None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    with site() as address:
        yield address


def members(captured: Capture) -> dict[str, bytes]:
    with zipfile.ZipFile(captured.files[1].path) as package:
        assert {i.compress_type for i in package.infolist()} == {zipfile.ZIP_STORED}
        return {name: package.read(name) for name in package.namelist()}


def check_package(captured: Capture) -> list:
    """The WACZ as the validator and a WARC reader see it: returns the WARC's records."""
    wacz = captured.files[1].path
    validated = subprocess.run(
        [str(Path(sys.executable).with_name("wacz")), "validate", "-f", str(wacz)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Validation succeeded" in validated.stdout
    files = members(captured)
    package = json.loads(files["datapackage.json"])
    for resource in package["resources"]:
        data = files[resource["path"]]
        assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
        assert resource["bytes"] == len(data)
    digest = json.loads(files["datapackage-digest.json"])
    assert digest["hash"] == f"sha256:{hashlib.sha256(files['datapackage.json']).hexdigest()}"
    for blob in captured.files:
        assert hashlib.sha256(blob.path.read_bytes()).hexdigest() == blob.sha256
        assert blob.path.stat().st_size == blob.size
    assert captured.archive.wacz == captured.files[1].sha256
    records = []
    warc = io.BytesIO(files["archive/data.warc"])
    for record in ArchiveIterator(warc, check_digests="raise"):
        record.payload = record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        records.append(record)
    index = files["indexes/index.cdx"].decode().splitlines()
    assert len(index) == len([r for r in records if r.rec_type in ("response", "resource")])
    return records


def test_a_page_is_kept_as_wacz_with_its_text_and_headers(web: str):
    with capture_url(f"{web}/page.html", allow_private=True, captured_by="researcher") as got:
        records = check_package(got)
        body = got.files[0].path.read_bytes()
    assert body == PAGE
    archive = got.archive
    assert archive.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert (archive.status, archive.media_type, archive.size) == (200, "text/html", len(PAGE))
    assert archive.final_url == f"{web}/page.html"
    assert ["Content-Type", "text/html; charset=utf-8"] in archive.headers
    assert archive.captured_by == "researcher" and archive.tool.startswith("coercionwatch/")
    assert "undermine the independence" in archive.extracted_text
    assert "<p>" not in archive.extracted_text
    response = next(r for r in records if r.rec_type == "response")
    assert response.rec_headers.get_header("WARC-Record-ID") == archive.warc_record
    assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert response.payload == PAGE
    assert response.rec_headers.get_header("WARC-Payload-Digest") == f"sha256:{archive.sha256}"
    assert {r.rec_type for r in records} == {"request", "response"}
    assert not got.files[0].path.exists()  # the scratch folder is gone once closed


def test_a_pdf_gives_its_text(web: str):
    with capture_url(f"{web}/statement.pdf", allow_private=True, captured_by="x") as got:
        check_package(got)
    assert got.archive.media_type == "application/pdf"
    assert "Statement of support" in got.archive.extracted_text


def test_every_hop_of_a_redirect_chain_is_kept_and_checked(web: str, monkeypatch):
    checked: list[str] = []

    def guard(url: str, *, allow_private: bool = False) -> list[str]:
        checked.append(url)
        return check_url(url, allow_private=allow_private)

    monkeypatch.setattr(capture_module, "check_url", guard)
    with capture_url(f"{web}/hop/3", allow_private=True, captured_by="x") as got:
        records = check_package(got)
    assert checked == [f"{web}/hop/3", f"{web}/hop/2", f"{web}/hop/1", f"{web}/page.html"]
    assert got.archive.final_url == f"{web}/page.html"
    assert got.archive.requested == f"{web}/hop/3"
    responses = [r for r in records if r.rec_type == "response"]
    assert [r.http_headers.get_statuscode() for r in responses] == ["302", "302", "302", "200"]


def test_a_redirect_to_a_refused_address_keeps_nothing(web: str, monkeypatch, tmp_path: Path):
    def guard(url: str, *, allow_private: bool = False) -> list[str]:
        if "/page.html" in url:
            raise AddressRefused("metadata.internal resolves to 169.254.169.254")
        return check_url(url, allow_private=True)

    monkeypatch.setattr(capture_module, "check_url", guard)
    scratch = tmp_path / "archive"
    with pytest.raises(CaptureRefused, match=r"169\.254\.169\.254"):
        capture_url(f"{web}/hop/1", allow_private=True, captured_by="x", scratch_in=scratch)
    assert scratch.is_dir() and list(scratch.iterdir()) == []  # the first hop's body is gone


def test_private_addresses_are_refused_unless_allowed(web: str):
    with pytest.raises(CaptureRefused, match="private or reserved"):
        capture_url(f"{web}/page.html", captured_by="x")
    with pytest.raises(CaptureRefused, match="not an http"):
        capture_url("ftp://127.0.0.1/file", allow_private=True, captured_by="x")


def test_too_many_redirects_are_refused(web: str):
    with pytest.raises(CaptureRefused, match="more than 2 redirects"):
        capture_url(
            f"{web}/hop/5", allow_private=True, captured_by="x", limits=Limits(max_redirects=2)
        )


def test_oversized_endless_and_slow_answers_are_refused(web: str):
    with pytest.raises(CaptureRefused, match="over the limit"):
        capture_url(f"{web}/huge", allow_private=True, captured_by="x")
    with pytest.raises(CaptureRefused, match="past the limit of 1,048,576"):
        capture_url(
            f"{web}/endless", allow_private=True, captured_by="x", limits=Limits(max_bytes=1 << 20)
        )
    with pytest.raises(CaptureRefused, match="longer than 1 seconds"):
        capture_url(f"{web}/drip", allow_private=True, captured_by="x", limits=Limits(deadline=1))


def test_https_keeps_the_certificate_and_refuses_an_untrusted_one(tmp_path: Path):
    authority = trustme.CA()
    served = authority.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.configure_cert(context)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    with site(context) as address:
        with capture_url(
            f"{address}/page.html", allow_private=True, captured_by="x", verify=trusting
        ) as got:
            check_package(got)
        with pytest.raises(CaptureRefused, match=r"certificate|TLS"):
            capture_url(f"{address}/page.html", allow_private=True, captured_by="x")
    leaf, root = got.archive.certificates
    served_leaf = ssl.PEM_cert_to_DER_cert(served.cert_chain_pems[0].bytes().decode())
    authority_der = ssl.PEM_cert_to_DER_cert(authority.cert_pem.bytes().decode())
    assert leaf.sha256 == hashlib.sha256(served_leaf).hexdigest()
    assert root.sha256 == hashlib.sha256(authority_der).hexdigest()
    assert leaf.issuer == root.subject
    assert leaf.not_after > leaf.not_before


def test_a_local_file_is_a_warc_resource(tmp_path: Path):
    document = tmp_path / "order.pdf"
    document.write_bytes(pdf_with("Executive Order 14203"))
    with capture_file(document, roots=[tmp_path], captured_by="x") as got:
        records = check_package(got)
    assert [r.rec_type for r in records] == ["resource"]
    assert records[0].rec_headers.get_header("WARC-Target-URI") == document.resolve().as_uri()
    assert got.archive.requested == "file:order.pdf"
    assert got.archive.final_url is None and got.archive.status is None
    assert "Executive Order 14203" in got.archive.extracted_text


def test_the_same_bytes_have_the_same_address(tmp_path: Path):
    (tmp_path / "a.txt").write_bytes(b"the same words")
    (tmp_path / "b.txt").write_bytes(b"the same words")
    with (
        capture_file(tmp_path / "a.txt", roots=[tmp_path], captured_by="x") as first,
        capture_file(tmp_path / "b.txt", roots=[tmp_path], captured_by="x") as second,
    ):
        assert first.files[0].sha256 == second.files[0].sha256
        assert first.archive.capture != second.archive.capture


def test_paths_outside_the_roots_links_out_and_devices_are_refused(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("not for capture")
    (root / "link.txt").symlink_to(outside)
    with pytest.raises(CaptureRefused, match="outside the folders"):
        capture_file(root / ".." / "secret.txt", roots=[root], captured_by="x")
    with pytest.raises(CaptureRefused, match="outside the folders"):
        capture_file(root / "link.txt", roots=[root], captured_by="x")
    os.mkfifo(root / "pipe")
    with pytest.raises(CaptureRefused, match="not a regular file"):
        capture_file(root / "pipe", roots=[root], captured_by="x")
    with pytest.raises(CaptureRefused, match="not a regular file"):
        capture_file(root, roots=[root], captured_by="x")
    with pytest.raises(CaptureRefused, match="outside the folders"):
        capture_file(Path("/dev/zero"), roots=[root], captured_by="x")
    big = root / "big.bin"
    big.write_bytes(b"\0" * 2048)
    with pytest.raises(CaptureRefused, match="over the limit"):
        capture_file(big, roots=[root], captured_by="x", limits=Limits(max_bytes=1024))
    with pytest.raises(CaptureRefused, match="cannot be read"):
        capture_file(root / "absent.txt", roots=[root], captured_by="x")


def test_a_malformed_pdf_is_kept_without_text(tmp_path: Path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 500)
    with capture_file(broken, roots=[tmp_path], captured_by="x") as got:
        check_package(got)
    assert got.archive.extracted_text is None
    assert got.archive.sha256 == hashlib.sha256(broken.read_bytes()).hexdigest()
