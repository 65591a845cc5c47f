"""The archive on two folder mirrors and an S3-compatible endpoint (moto's server on
127.0.0.1), on both database backends: every copy written, read back, found bad or missing,
restored only from a copy that matches, and a capture that cannot be kept leaving nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import boto3
import obstore
import pytest
from moto.server import ThreadedMotoServer

from coercionwatch.ingest.capture import capture_file
from coercionwatch.model import InvalidInput
from coercionwatch.store import Store, log
from coercionwatch.store import archive as archive_module
from coercionwatch.store import store as store_module
from coercionwatch.store.archive import (
    MirrorRefused,
    blob_path,
    check_copies,
    fill,
    open_mirror,
    open_mirrors,
    status,
)
from tests.helpers import write_records

BUCKET = "evidence-mirror"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_credentials(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")


@pytest.fixture
def mirror_urls(tmp_path: Path, s3_endpoint: str, s3_credentials: None) -> list[str]:
    prefix = hashlib.sha256(str(tmp_path).encode()).hexdigest()[:12]
    return [
        (tmp_path / "local").as_uri(),
        (tmp_path / "second").as_uri(),
        f"s3://{BUCKET}/{prefix}?endpoint={s3_endpoint}",
    ]


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "order.txt").write_bytes(b"Executive Order 14203 blocks the property of " * 50)
    (folder / "statement.html").write_bytes(
        b"<html><body><p>Sixty-seven States Parties reaffirmed their support.</p></body></html>"
    )
    return folder


def add_source(store: Store, record_id: str, visibility: str = "public") -> None:
    write_records(
        store,
        {
            "kind": "source",
            "id": record_id,
            "title": f"Source {record_id}",
            "type": "statement",
            "visibility": visibility,
        },
    )


def keep(store: Store, mirrors, documents: Path, name: str, source: str = "s1"):
    with capture_file(documents / name, roots=[documents], captured_by="tester") as captured:
        summary, copies = store.keep_capture(
            source, captured.archive, captured.files, mirrors, author="tester"
        )
        return captured.archive, captured.files, copies, summary


def test_a_capture_is_kept_on_every_mirror_with_its_record_and_leaf(
    store: Store, mirror_urls: list[str], documents: Path
):
    mirrors = open_mirrors(mirror_urls)
    add_source(store, "s1")
    with store.reading() as connection:
        size_before = log.tree_size(connection)
    archive, files, copies, summary = keep(store, mirrors, documents, "order.txt")
    assert {(c.mirror, c.state) for c in copies} == {(m.name, "present") for m in mirrors}
    assert len(copies) == 2 * len(mirrors)
    for mirror in mirrors:
        for blob in files:
            data = bytes(obstore.get(mirror.store, blob_path(blob.sha256)).bytes())
            assert hashlib.sha256(data).hexdigest() == blob.sha256
    current = store.get("source", "s1")
    assert current.version == 2 and summary.versions[("source", "s1")] == 2
    assert current.record.archive.wacz == archive.wacz
    assert current.record.archive.mirrors == [m.name for m in mirrors]
    assert "Executive Order 14203" in current.record.archive.extracted_text
    with store.reading() as connection:
        assert log.tree_size(connection) == size_before + 2  # the journal entry and the capture
        kinds = connection.exec_driver_sql(
            "SELECT kind FROM log_leaves ORDER BY idx DESC LIMIT 1"
        ).scalar_one()
        assert kinds == "capture"
        total, size, report = status(connection, mirrors)
    assert total == 2 and size == sum(f.size for f in files)
    assert [(m.present, m.missing, m.bad, m.unchecked) for m in report] == [(2, 0, 0, 0)] * 3
    assert store.verify() == []


def test_the_same_document_twice_is_kept_once(store: Store, tmp_path: Path, documents: Path):
    mirrors = open_mirrors([(tmp_path / "local").as_uri()])
    add_source(store, "s1")
    add_source(store, "s2")
    first = keep(store, mirrors, documents, "order.txt", "s1")
    second = keep(store, mirrors, documents, "order.txt", "s2")
    assert first[0].sha256 == second[0].sha256 and first[0].wacz != second[0].wacz
    with store.reading() as connection:
        total, _size, _report = status(connection, mirrors)
    assert total == 3  # one document, two packages
    kept = list((tmp_path / "local" / "sha256").rglob("*"))
    assert len([p for p in kept if p.is_file()]) == 3


def test_verify_finds_bad_and_missing_copies_and_repairs_from_a_good_one(
    store: Store, mirror_urls: list[str], documents: Path
):
    mirrors = open_mirrors(mirror_urls)
    local, second, s3 = mirrors
    add_source(store, "s1")
    archive, files, _copies, _ = keep(store, mirrors, documents, "order.txt")
    document = archive.sha256
    # The second folder lies: it serves other bytes under the document's address.
    second_path = Path(mirror_urls[1].removeprefix("file://")) / blob_path(document)
    second_path.write_bytes(b"forged " + second_path.read_bytes()[7:])
    # The local copy is gone, and the package is gone from the bucket.
    (Path(mirror_urls[0].removeprefix("file://")) / blob_path(document)).unlink()
    obstore.delete(s3.store, blob_path(archive.wacz))
    with store.reading() as connection:
        found = list(check_copies(connection, mirrors))
    broken = {(c.mirror, c.sha256, c.state) for c in found if c.state != "present"}
    assert broken == {
        (local.name, document, "missing"),
        (second.name, document, "bad"),
        (s3.name, archive.wacz, "missing"),
    }
    with store.reading() as connection:
        fixed = list(check_copies(connection, mirrors, repair_broken=True))
    assert all(c.state == "present" for c in fixed)
    assert {(c.mirror, c.sha256) for c in fixed if c.repaired} == {
        (local.name, document),
        (second.name, document),
        (s3.name, archive.wacz),
    }
    for mirror in mirrors:
        for blob in files:
            data = bytes(obstore.get(mirror.store, blob_path(blob.sha256)).bytes())
            assert hashlib.sha256(data).hexdigest() == blob.sha256
    store.record_copies(fixed, at="2026-12-06T00:00:00Z")
    with store.reading() as connection:
        assert all(c.state == "present" for c in check_copies(connection, mirrors))


def test_a_lying_mirror_is_never_used_to_repair(store: Store, tmp_path: Path, documents: Path):
    urls = [(tmp_path / "a").as_uri(), (tmp_path / "b").as_uri()]
    mirrors = open_mirrors(urls)
    add_source(store, "s1")
    archive, *_ = keep(store, mirrors, documents, "statement.html")
    (tmp_path / "a" / blob_path(archive.sha256)).write_bytes(b"other bytes")
    (tmp_path / "b" / blob_path(archive.sha256)).unlink()
    with store.reading() as connection:
        states = list(check_copies(connection, mirrors, repair_broken=True))
    document = {c.mirror: c for c in states if c.sha256 == archive.sha256}
    assert document[mirrors[0].name].state == "bad"
    assert document[mirrors[1].name].state == "missing"
    assert document[mirrors[1].name].detail == "no good copy to repair from"
    assert not (tmp_path / "b" / blob_path(archive.sha256)).exists()


def test_a_mirror_that_is_down_loses_nothing_and_is_filled_later(
    store: Store, tmp_path: Path, s3_endpoint: str, s3_credentials: None, documents: Path
):
    prefix = hashlib.sha256(str(tmp_path).encode()).hexdigest()[:12]
    down = open_mirror(f"s3://{BUCKET}/{prefix}?endpoint=http://127.0.0.1:9")
    local = open_mirror((tmp_path / "local").as_uri())
    add_source(store, "s1")
    _, files, copies, _ = keep(store, [local, down], documents, "order.txt")
    assert {c.state for c in copies if c.mirror == down.name} == {"missing"}
    assert all(c.detail for c in copies if c.mirror == down.name)
    with store.reading() as connection:
        _total, _size, report = status(connection, [local, down])
    assert [(m.present, m.missing) for m in report] == [(2, 0), (0, 2)]
    # The endpoint is back (the same bucket, at its real address).
    up = open_mirror(f"s3://{BUCKET}/{prefix}?endpoint={s3_endpoint}")
    with store.reading() as connection:
        filled = list(fill(connection, [local, up]))
    assert {(c.mirror, c.state, c.repaired) for c in filled} == {(up.name, "present", True)}
    assert len(filled) == 2
    for blob in files:
        data = bytes(obstore.get(up.store, blob_path(blob.sha256)).bytes())
        assert hashlib.sha256(data).hexdigest() == blob.sha256


def test_a_capture_that_cannot_be_kept_writes_nothing(
    store: Store, tmp_path: Path, documents: Path
):
    local_folder = tmp_path / "local"
    mirrors = open_mirrors([local_folder.as_uri()])
    with pytest.raises(InvalidInput, match="no such source"):
        keep(store, mirrors, documents, "order.txt", "absent")
    assert not list(local_folder.rglob("*.*")) and not any(
        p.is_file() for p in local_folder.rglob("*")
    )
    down = open_mirror(f"s3://{BUCKET}/x?endpoint=http://127.0.0.1:9")
    add_source(store, "s1")
    with pytest.raises(InvalidInput, match="no mirror took"):
        keep(store, [down], documents, "order.txt")
    assert store.get("source", "s1").version == 1
    with store.reading() as connection:
        assert status(connection, [down])[0] == 0


def test_a_capture_that_cannot_be_kept_leaves_a_copy_it_found(
    store: Store, tmp_path: Path, documents: Path, monkeypatch
):
    """A copy already on a mirror (put there by hand, unknown to the archive) is not the
    failed capture's to take back; the files it wrote itself are. The transaction fails
    after the files are written, as a full disk would fail it."""
    local_folder = tmp_path / "local"
    body = (documents / "order.txt").read_bytes()
    found = local_folder / blob_path(hashlib.sha256(body).hexdigest())
    found.parent.mkdir(parents=True)
    found.write_bytes(body)
    mirrors = open_mirrors([local_folder.as_uri()])
    add_source(store, "s1")

    def full_disk(*_args, **_kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(log, "append_leaves", full_disk)
    with pytest.raises(OSError, match="no space"):
        keep(store, mirrors, documents, "order.txt")
    assert store.get("source", "s1").version == 1
    assert found.read_bytes() == body
    assert [p for p in local_folder.rglob("*") if p.is_file()] == [found]


def test_verify_names_a_source_whose_capture_the_archive_lacks(
    store: Store, tmp_path: Path, documents: Path
):
    mirrors = open_mirrors([(tmp_path / "local").as_uri()])
    add_source(store, "s1")
    archive, *_ = keep(store, mirrors, documents, "order.txt")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(f"DELETE FROM blobs WHERE sha256 = '{archive.wacz}'")
    faults = [str(f) for f in store.verify()]
    assert any(archive.wacz in f and "s1" in f for f in faults)


def test_mirror_urls_are_checked(tmp_path: Path):
    with pytest.raises(MirrorRefused, match="credentials"):
        open_mirror("s3://key:secret@bucket/prefix")
    with pytest.raises(MirrorRefused, match="file:// folder or an s3:// bucket"):
        open_mirror("ftp://example.org/x")
    with pytest.raises(MirrorRefused, match="unknown setting"):
        open_mirror("s3://bucket/p?endpoin=http://x")
    with pytest.raises(MirrorRefused, match="local folder"):
        open_mirror("file://otherhost/path")
    assert open_mirror(str(tmp_path / "plain")).name == (tmp_path / "plain").as_uri()
    assert len(open_mirrors([str(tmp_path), tmp_path.as_uri()])) == 1


def test_a_failed_capture_keeps_a_copy_that_another_capture_recorded_meanwhile(
    store: Store, tmp_path: Path, documents: Path, monkeypatch
):
    """Two captures of one document: the first writes the copy, the second finds it there
    and is kept, then the first fails. The copy is the second's now, and stays."""
    local_folder = tmp_path / "local"
    mirrors = open_mirrors([local_folder.as_uri()])
    add_source(store, "s1")
    add_source(store, "s2")
    real_load = store_module.load_record
    calls = []

    def second_capture_then_fail(kind, body):
        calls.append(kind)
        if len(calls) == 1:  # the first capture: the second runs whole, then this one fails
            keep(store, mirrors, documents, "order.txt", "s2")
            raise OSError("the first capture's record could not be saved")
        return real_load(kind, body)

    monkeypatch.setattr(store_module, "load_record", second_capture_then_fail)
    with pytest.raises(OSError, match="could not be saved"):
        keep(store, mirrors, documents, "order.txt", "s1")
    assert store.get("source", "s1").version == 1
    assert store.get("source", "s2").version == 2
    digest = hashlib.sha256((documents / "order.txt").read_bytes()).hexdigest()
    assert (local_folder / blob_path(digest)).is_file()
    with store.reading() as connection:
        assert {c.state for c in check_copies(connection, mirrors)} == {"present"}


def test_a_copy_taken_back_before_a_capture_is_saved_is_written_again(
    store: Store, tmp_path: Path, documents: Path, monkeypatch
):
    """The other order: this capture finds the copy another wrote, that other fails and
    takes it back, and only then is this capture saved. It writes the copy again."""
    local_folder = tmp_path / "local"
    mirrors = open_mirrors([local_folder.as_uri()])
    add_source(store, "s1")
    body = (documents / "order.txt").read_bytes()
    digest = hashlib.sha256(body).hexdigest()
    copy = local_folder / blob_path(digest)
    copy.parent.mkdir(parents=True)
    copy.write_bytes(body)  # the other capture's copy, not yet recorded
    real_load = store_module.load_record

    def other_capture_takes_it_back(kind, body):
        copy.unlink()
        return real_load(kind, body)

    monkeypatch.setattr(store_module, "load_record", other_capture_takes_it_back)
    _, _, copies, _ = keep(store, mirrors, documents, "order.txt")
    assert copy.read_bytes() == body
    assert [(c.state, c.wrote) for c in copies if c.sha256 == digest] == [("present", True)]
    with store.reading() as connection:
        assert {c.state for c in check_copies(connection, mirrors)} == {"present"}


def test_copies_are_read_back_a_batch_of_blobs_at_a_time(
    store: Store, tmp_path: Path, documents: Path, monkeypatch
):
    """An archive of any size is checked in bounded memory: the states of one batch of
    blobs come out before the next batch is read."""
    mirrors = open_mirrors([(tmp_path / "local").as_uri(), (tmp_path / "second").as_uri()])
    add_source(store, "s1")
    add_source(store, "s2")
    keep(store, mirrors, documents, "order.txt", "s1")
    keep(store, mirrors, documents, "statement.html", "s2")
    read_back: list[str] = []
    real_check = archive_module.check_copy

    def counted(mirror, digest):
        read_back.append(digest)
        return real_check(mirror, digest)

    monkeypatch.setattr(archive_module, "check_copy", counted)
    monkeypatch.setattr(archive_module, "BLOBS_AT_ONCE", 1)
    with store.reading() as connection:
        states = check_copies(connection, mirrors)
        first = next(states)
        assert len(read_back) == len(mirrors) and first.sha256 == read_back[0]
        rest = list(states)
    assert len(read_back) == 4 * len(mirrors) == 1 + len(rest)
    assert {s.state for s in [first, *rest]} == {"present"}
