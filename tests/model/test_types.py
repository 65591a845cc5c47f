import pytest
from pydantic import TypeAdapter, ValidationError

from coercionwatch.model.types import FILE_SUFFIXES, RecordId

IDS = TypeAdapter(RecordId)


@pytest.mark.parametrize("suffix", FILE_SUFFIXES)
def test_an_id_may_not_end_like_a_file_the_site_writes(suffix):
    with pytest.raises(ValidationError, match=f"an id may not end in '\\{suffix}'"):
        IDS.validate_python(f"kimberly-prost{suffix}")


@pytest.mark.parametrize("record_id", ["x", "eo-14203", "art.8", "x.jsonl", "json", "x.json-2"])
def test_other_ids_with_dots_are_fine(record_id):
    assert IDS.validate_python(record_id) == record_id
