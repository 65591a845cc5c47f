"""Capture: a web page or a local document kept as evidence, in the web archivists' format.

A capture fetches (httpx) or reads the document into a scratch folder and packages the
exchange as WARC records (warcio) in a WACZ file: the WARC, a CDXJ index, a page list, a data
package naming every file's SHA-256, and that package's own digest. It also extracts the
text for search (trafilatura for HTML, pypdf for PDF) and describes all of it as the
source's `Archive` part. Nothing is written outside the scratch folder: the store keeps the
files and the record, or nothing.

The address guard runs before every request, redirects included, and the connection goes
to an address it approved (the name is not resolved a second time), so a name cannot
point at a private host between the check and the fetch.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import json
import mimetypes
import os
import ssl
import stat
import tempfile
import time
import uuid
import zipfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
import surt
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from coercionwatch.model.addresses import AddressRefused, check_url
from coercionwatch.model.blobs import BlobFile
from coercionwatch.model.records import Archive, Certificate

CHUNK = 1 << 20
TEXT_LIMIT = 100_000
"""Characters of extracted text kept: the model's limit for a text field."""
TEXT_SOURCE_LIMIT = 20 << 20
"""Documents larger than this are kept but not parsed for text: parsing costs memory."""
PDF_PAGES = 200
"""Pages of a PDF read for text."""
WACZ_VERSION = "1.1.1"
"""The newest WACZ version with a published validator (`wacz validate`); 1.2.0 is a draft
that reads 1.1.1 packages."""
REDIRECTS = (301, 302, 303, 307, 308)


class CaptureRefused(ValueError):
    """A capture that was not made: nothing was kept."""


@dataclass(frozen=True)
class Limits:
    """How far a capture may go before it is refused."""

    max_bytes: int = 256 << 20
    """The largest document kept."""
    timeout: float = 15.0
    """Seconds to connect, or to wait for the next bytes."""
    deadline: float = 120.0
    """Seconds for the whole capture, redirects and a slow drip included."""
    max_redirects: int = 5


@dataclass
class Capture:
    """A capture ready to keep: its files (in `scratch`, removed by `close`) and the
    source's archive part describing them."""

    archive: Archive
    files: list[BlobFile]
    scratch: tempfile.TemporaryDirectory[str] = field(repr=False)

    def close(self) -> None:
        self.scratch.cleanup()

    def __enter__(self) -> Capture:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class _Exchange:
    """One request and its answer, as they go into the WARC."""

    url: str
    request: StatusAndHeaders
    response: StatusAndHeaders
    body: Path
    size: int
    payload_sha256: str
    block_sha256: str
    address: str


def tool_name() -> str:
    return f"coercionwatch/{version('coercionwatch')}"


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _scratch(parent: Path | None) -> tempfile.TemporaryDirectory[str]:
    """Where a capture is built: by choice in the archive folder, whose filesystem can then
    take the finished files without copying them."""
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".capture-", dir=parent)


# fetching


def _ssl_context() -> ssl.SSLContext:
    """The system's trust store, or the bundle SSL_CERT_FILE names."""
    return ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE") or None)


def _pinned(url: str, address: str) -> tuple[str, str]:
    """The URL with its host replaced by the approved address, and the Host header."""
    parts = urlsplit(url)
    host = f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc)), parts.netloc


def _certificates(response: httpx.Response) -> list[Certificate]:
    """The chain the server presented, as verified, leaf first (the leaf alone where the
    interpreter does not expose the chain)."""
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return []
    chain = getattr(ssl_object, "get_verified_chain", None)
    if chain is not None:
        pems = [c.public_bytes() for c in chain()]  # PEM text, the default encoding
        ders = [ssl.PEM_cert_to_DER_cert(pem) for pem in pems]
    else:
        leaf = ssl_object.getpeercert(True)
        ders = [leaf] if leaf else []
    return [_described(x509.load_der_x509_certificate(der)) for der in ders]


def _described(cert: x509.Certificate) -> Certificate:
    return Certificate(
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
        subject=cert.subject.rfc4514_string()[:1000],
        issuer=cert.issuer.rfc4514_string()[:1000],
        not_before=cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        not_after=cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _fetch(
    client: httpx.Client,
    url: str,
    scratch: Path,
    number: int,
    *,
    allow_private: bool,
    limits: Limits,
    started: float,
) -> tuple[_Exchange, httpx.Response, list[Certificate]]:
    try:
        addresses = check_url(url, allow_private=allow_private)
    except AddressRefused as exc:
        raise CaptureRefused(str(exc)) from None
    target, host = _pinned(url, addresses[0])
    parts = urlsplit(url)
    headers = {
        "Host": host,
        "User-Agent": f"{tool_name()} (evidence capture)",
        "Accept": "*/*",
        "Accept-Encoding": "identity",
    }
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    request = client.build_request("GET", target, headers=headers, extensions=extensions)
    body = scratch / f"body-{number}"
    payload = hashlib.sha256()
    try:
        response = client.send(request, stream=True)
        try:
            certificates = _certificates(response)
            response_headers = StatusAndHeaders(
                f"{response.status_code} {response.reason_phrase}",
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
                protocol="HTTP/1.1",
            )
            block = hashlib.sha256(response_headers.to_bytes())
            size = _read_body(response, body, (payload, block), url, limits, started)
        finally:
            response.close()
    except httpx.TimeoutException:
        raise CaptureRefused(f"{url}: no answer within {limits.timeout:g} seconds") from None
    except httpx.HTTPError as exc:
        raise CaptureRefused(f"{url}: {exc}") from None
    except ssl.SSLError as exc:
        raise CaptureRefused(f"{url}: TLS failed: {exc.reason or exc}") from None
    request_headers = StatusAndHeaders(
        f"GET {urlunsplit(('', '', parts.path or '/', parts.query, ''))} HTTP/1.1",
        [(k, v) for k, v in headers.items()],
        protocol="HTTP/1.1",
    )
    exchange = _Exchange(
        url=url,
        request=request_headers,
        response=response_headers,
        body=body,
        size=size,
        payload_sha256=payload.hexdigest(),
        block_sha256=block.hexdigest(),
        address=addresses[0],
    )
    return exchange, response, certificates


def _read_body(
    response: httpx.Response,
    body: Path,
    hashers: tuple[Any, ...],
    url: str,
    limits: Limits,
    started: float,
) -> int:
    """The answer's bytes into `body`, refused past the size limit or the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise CaptureRefused(
            f"{url}: the answer is {int(declared):,} bytes, over the limit of {limits.max_bytes:,}"
        )
    size = 0
    with body.open("wb") as out:
        for chunk in response.iter_raw(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise CaptureRefused(
                    f"{url}: the answer goes past the limit of {limits.max_bytes:,} bytes"
                )
            if time.monotonic() - started > limits.deadline:
                raise CaptureRefused(
                    f"{url}: the capture took longer than {limits.deadline:g} seconds"
                )
            for hasher in hashers:
                hasher.update(chunk)
            out.write(chunk)
    return size


def capture_url(
    url: str,
    *,
    allow_private: bool = False,
    limits: Limits | None = None,
    captured_by: str,
    verify: ssl.SSLContext | None = None,
    scratch_in: Path | None = None,
) -> Capture:
    """Fetch a page or document, following redirects (each one checked by the guard)."""
    limits = limits or Limits()
    scratch = _scratch(scratch_in)
    try:
        folder = Path(scratch.name)
        started = time.monotonic()
        exchanges: list[_Exchange] = []
        retrieved_at = now_utc()
        timeout = httpx.Timeout(limits.timeout)
        with httpx.Client(
            verify=verify or _ssl_context(),
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
        ) as client:
            current = url
            while True:
                exchange, response, certificates = _fetch(
                    client,
                    current,
                    folder,
                    len(exchanges),
                    allow_private=allow_private,
                    limits=limits,
                    started=started,
                )
                exchanges.append(exchange)
                location = response.headers.get("location")
                if response.status_code not in REDIRECTS or not location:
                    break
                if len(exchanges) > limits.max_redirects:
                    raise CaptureRefused(f"{url}: more than {limits.max_redirects} redirects")
                current = urljoin(current, location)
        final = exchanges[-1]
        media_type = _media_type(response.headers.get("content-type"), final.url)
        archive = _package(
            folder,
            exchanges,
            requested=url,
            retrieved_at=retrieved_at,
            status_code=response.status_code,
            certificates=certificates,
            media_type=media_type,
            captured_by=captured_by,
        )
        return _finish(scratch, archive, final.body, final.payload_sha256, final.size)
    except BaseException:
        scratch.cleanup()
        raise


# local files


def _open_inside(path: Path, roots: Sequence[Path]) -> tuple[BinaryIO, os.stat_result, Path]:
    """Open a regular file that lies inside one of the roots, following no link out of it."""
    try:
        resolved = path.expanduser().resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise CaptureRefused(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    allowed = [root.expanduser().resolve() for root in roots]
    if not any(resolved.is_relative_to(root) for root in allowed):
        shown = ", ".join(str(r) for r in allowed)
        raise CaptureRefused(f"{path}: outside the folders files may be captured from ({shown})")
    try:
        descriptor = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise CaptureRefused(f"{path}: cannot be opened: {exc.strerror}") from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise CaptureRefused(f"{path}: not a regular file")
    return os.fdopen(descriptor, "rb"), info, resolved


def capture_file(
    path: Path,
    *,
    roots: Sequence[Path],
    limits: Limits | None = None,
    captured_by: str,
    scratch_in: Path | None = None,
) -> Capture:
    """Keep a local document: read once into the scratch folder (so that what is hashed is
    what is kept, whatever happens to the original), then packaged as a WARC resource."""
    limits = limits or Limits()
    scratch = _scratch(scratch_in)
    try:
        folder = Path(scratch.name)
        handle, info, resolved = _open_inside(path, roots)
        if info.st_size > limits.max_bytes:
            handle.close()
            raise CaptureRefused(
                f"{path}: {info.st_size:,} bytes, over the limit of {limits.max_bytes:,}"
            )
        retrieved_at = now_utc()
        body = folder / "body-0"
        digest = BackgroundSha256()
        size = 0
        with handle, body.open("wb") as out:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise CaptureRefused(f"{path}: grew past the limit of {limits.max_bytes:,}")
                digest.update(chunk)
                out.write(chunk)
        media_type = _media_type(None, resolved.name)
        uri = resolved.as_uri()
        exchange = _Exchange(
            url=uri,
            request=StatusAndHeaders("", []),
            response=StatusAndHeaders("", []),
            body=body,
            size=size,
            payload_sha256=(hashed := digest.hexdigest()),
            block_sha256=hashed,
            address="",
        )
        archive = _package(
            folder,
            [exchange],
            requested=f"file:{resolved.name}",
            retrieved_at=retrieved_at,
            status_code=None,
            certificates=[],
            media_type=media_type,
            captured_by=captured_by,
        )
        return _finish(scratch, archive, body, exchange.payload_sha256, size)
    except BaseException:
        scratch.cleanup()
        raise


# packaging


class BackgroundSha256:
    """SHA-256 on a thread of its own. hashlib lets go of the GIL while it hashes, so the
    bytes are hashed on another core while this one reads, copies and hashes them for
    something else: a capture hashes each byte three times (the document, the WARC, the
    WACZ). Chunks must not change once passed (bytes never do)."""

    def __init__(self) -> None:
        self._hasher = hashlib.sha256()
        self._thread = ThreadPoolExecutor(max_workers=1)
        self._pending: deque[Future[None]] = deque()

    def update(self, data: bytes | memoryview) -> None:
        self._pending.append(self._thread.submit(self._hasher.update, data))
        while len(self._pending) > 8:  # bound what waits in memory
            self._pending.popleft().result()

    def hexdigest(self) -> str:
        while self._pending:
            self._pending.popleft().result()
        self._thread.shutdown()
        return self._hasher.hexdigest()


class _LargeReads:
    """A file whose every read returns up to CHUNK bytes, whatever was asked: warcio copies
    a record's payload 16 KiB at a time, which costs more per byte than the hashing."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file

    def read(self, _size: int = -1) -> bytes:
        return self.file.read(CHUNK)


class _Counting(io.RawIOBase):
    """A write-only stream that hashes and counts what passes, for a zip entry written
    once, front to back (the zip then records sizes after the data, never seeking back)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.hasher = BackgroundSha256()
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.hasher.update(data)
        self.out.write(data)
        self.count += len(data)
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def _warc_digest(hex_digest: str) -> str:
    return f"sha256:{hex_digest}"


def _write_warc(out: _Counting, exchanges: list[_Exchange]) -> tuple[list[str], str]:
    """Every exchange's records; returns the CDXJ lines and the final record's id."""
    writer = WARCWriter(out, gzip=False, warc_version="1.1")
    lines: list[str] = []
    record_id = ""
    for exchange in exchanges:
        local = exchange.url.startswith("file:")
        with exchange.body.open("rb") as opened:
            body = _LargeReads(opened)
            warc_headers = {
                "WARC-Payload-Digest": _warc_digest(exchange.payload_sha256),
                "WARC-Block-Digest": _warc_digest(exchange.block_sha256),
            }
            if exchange.address:
                warc_headers["WARC-IP-Address"] = exchange.address
            if local:
                record = writer.create_warc_record(
                    exchange.url,
                    "resource",
                    payload=body,
                    length=exchange.size,
                    warc_content_type=_media_type(None, exchange.url),
                    warc_headers_dict=warc_headers,
                )
            else:
                record = writer.create_warc_record(
                    exchange.url,
                    "response",
                    payload=body,
                    length=exchange.size,
                    warc_headers_dict=warc_headers,
                    http_headers=exchange.response,
                )
            offset = out.count
            writer.write_record(record)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            date = record.rec_headers.get_header("WARC-Date")
            lines.append(_cdxj_line(exchange, offset, out.count - offset, date))
        if not local:
            request = writer.create_warc_record(
                exchange.url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=exchange.request,
                warc_headers_dict={"WARC-Concurrent-To": record_id},
            )
            writer.write_record(request)
    return sorted(lines), record_id


def _cdxj_line(exchange: _Exchange, offset: int, length: int, date: str) -> str:
    status = exchange.response.get_statuscode() if exchange.response.statusline else "200"
    fields = {
        "url": exchange.url,
        "mime": _media_type(exchange.response.get_header("Content-Type"), exchange.url),
        "status": str(status),
        "digest": _warc_digest(exchange.payload_sha256),
        "length": str(length),
        "offset": str(offset),
        "filename": "data.warc",
    }
    timestamp = "".join(ch for ch in date if ch.isdigit())[:14]
    try:
        key = surt.surt(exchange.url)
    except Exception:  # surt does not know every scheme (file:): the URL is its own key
        key = exchange.url
    return f"{key} {timestamp} {json.dumps(fields, separators=(',', ':'))}"


def _entry(archive: zipfile.ZipFile, name: str, data: bytes, when: datetime) -> dict[str, Any]:
    info = zipfile.ZipInfo(name, when.timetuple()[:6])
    archive.writestr(info, data, compress_type=zipfile.ZIP_STORED)
    return {
        "name": name.rsplit("/", 1)[-1].replace(".", "-"),
        "path": name,
        "hash": f"sha256:{hashlib.sha256(data).hexdigest()}",
        "bytes": len(data),
    }


def _package(
    folder: Path,
    exchanges: list[_Exchange],
    *,
    requested: str,
    retrieved_at: str,
    status_code: int | None,
    certificates: list[Certificate],
    media_type: str,
    captured_by: str,
) -> Archive:
    """The WACZ, written once front to back and hashed as it is written."""
    when = datetime.now(UTC)
    final = exchanges[-1]
    wacz_path = folder / "capture.wacz"
    with wacz_path.open("wb") as raw:
        whole = _Counting(raw)
        with zipfile.ZipFile(whole, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
            info = zipfile.ZipInfo("archive/data.warc", when.timetuple()[:6])
            with z.open(info, "w", force_zip64=True) as entry:
                warc = _Counting(entry)  # type: ignore[arg-type]
                cdxj, record_id = _write_warc(warc, exchanges)
            resources = [
                {
                    "name": "data-warc",
                    "path": "archive/data.warc",
                    "hash": f"sha256:{warc.hasher.hexdigest()}",
                    "bytes": warc.count,
                }
            ]
            resources.append(
                _entry(z, "indexes/index.cdx", ("\n".join(cdxj) + "\n").encode(), when)
            )
            pages = [
                {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"},
                {"id": uuid.uuid4().hex, "url": final.url, "ts": retrieved_at},
            ]
            page_lines = "".join(json.dumps(p) + "\n" for p in pages).encode()
            resources.append(_entry(z, "pages/pages.jsonl", page_lines, when))
            created = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            package = {
                "profile": "data-package",
                "resources": resources,
                "wacz_version": WACZ_VERSION,
                "software": tool_name(),
                "created": created,
                "title": f"Capture of {requested}"[:200],
                "mainPageUrl": final.url,
                "mainPageDate": retrieved_at,
            }
            package_bytes = json.dumps(package, indent=2).encode()
            z.writestr(zipfile.ZipInfo("datapackage.json", when.timetuple()[:6]), package_bytes)
            digest = {
                "path": "datapackage.json",
                "hash": f"sha256:{hashlib.sha256(package_bytes).hexdigest()}",
            }
            z.writestr(
                zipfile.ZipInfo("datapackage-digest.json", when.timetuple()[:6]),
                json.dumps(digest).encode(),
            )
    final_url = final.url if final.url.startswith(("http://", "https://")) else None
    return Archive(
        sha256=final.payload_sha256,
        warc_record=record_id,
        retrieved_at=retrieved_at,
        capture=uuid.uuid4().hex,
        wacz=whole.hasher.hexdigest(),
        requested=requested[:2000],
        final_url=final_url[:2000] if final_url else None,
        status=status_code,
        headers=[[k, v[:1000]] for k, v in final.response.headers][:200],
        certificates=certificates,
        media_type=media_type,
        size=final.size,
        extracted_text=None,
        tool=tool_name(),
        captured_by=captured_by,
    )


def _finish(
    scratch: tempfile.TemporaryDirectory[str], archive: Archive, body: Path, digest: str, size: int
) -> Capture:
    folder = Path(scratch.name)
    wacz = folder / "capture.wacz"
    text = extract_text(body, archive.media_type or "", size)
    files = [
        BlobFile(body, digest, size, archive.media_type or "application/octet-stream", True),
        BlobFile(wacz, archive.wacz or "", wacz.stat().st_size, "application/wacz", True),
    ]
    return Capture(archive.model_copy(update={"extracted_text": text}), files, scratch)


# text


def _media_type(header: str | None, name: str) -> str:
    if header:
        return header.split(";", 1)[0].strip().lower()[:200] or "application/octet-stream"
    guessed, _ = mimetypes.guess_type(urlsplit(name).path or name)
    return guessed or "application/octet-stream"


def extract_text(body: Path, media_type: str, size: int) -> str | None:
    """The document's words for search, or None where there are none to read (or the
    document is too large or malformed to parse safely)."""
    if size == 0 or size > TEXT_SOURCE_LIMIT:
        return None
    try:
        if media_type in ("text/html", "application/xhtml+xml"):
            text = _html_text(body.read_bytes())
        elif media_type == "application/pdf":
            text = _pdf_text(body)
        elif media_type.startswith("text/"):
            text = body.read_bytes()[: TEXT_LIMIT * 4].decode("utf-8", "replace")
        else:
            return None
    except Exception:  # a parser's failure on hostile input: keep the bytes, skip the text
        return None
    text = (text or "").strip()
    return text[:TEXT_LIMIT] or None


def _html_text(html: bytes) -> str | None:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=True)


def _pdf_text(body: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(body)
    parts: list[str] = []
    length = 0
    for page in _first(reader.pages, PDF_PAGES):
        words = page.extract_text() or ""
        parts.append(words)
        length += len(words)
        if length >= TEXT_LIMIT:
            break
    return "\n".join(parts)


def _first(pages: Any, count: int) -> Iterator[Any]:
    for index, page in enumerate(pages):
        if index >= count:
            return
        yield page
