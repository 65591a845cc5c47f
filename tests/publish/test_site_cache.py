"""A site build keeps more validated records than the server does, for the build alone: it
meets each record many times over (its page, the lists, the pages around it)."""

from collections import Counter

from coercionwatch.ingest import read_records
from coercionwatch.publish import site
from coercionwatch.reference import reference_files
from coercionwatch.store import reader


def _validations(store, folder, monkeypatch) -> Counter:
    """How often the build validated each record, by kind and id."""
    seen: Counter = Counter()
    real = reader.load_record

    def counting(kind, body):
        seen[(kind, body["id"])] += 1
        return real(kind, body)

    monkeypatch.setattr(reader, "load_record", counting)
    site.build_site(store, folder, site="https://example.org", search_index=False, workers=1)
    monkeypatch.setattr(reader, "load_record", real)
    return seen


def test_a_site_build_validates_each_record_once_then_gives_the_memory_back(
    store, tmp_path, monkeypatch
):
    store.import_records(read_records(reference_files()), author="test")
    seen = _validations(store, tmp_path / "site", monkeypatch)
    assert len(seen) > 50
    assert max(seen.values()) == 1
    assert reader._loaded.maxsize == reader.LOADED_BYTES
    assert len(reader._loaded) == 0

    # Where the build's cache holds only a few records, it validates them again and again:
    # the cache is what spares it that.
    monkeypatch.setattr(site, "LOADED_BYTES", 8 << 10)
    again = _validations(store, tmp_path / "small", monkeypatch)
    assert again.keys() == seen.keys()
    assert sum(again.values()) > 2 * sum(seen.values())
