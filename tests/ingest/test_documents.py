import json

import pytest

from coercionwatch.ingest import RawItem, read_items
from coercionwatch.model import Problem


def _items(path, **kwargs):
    return list(read_items(path, **kwargs))


def test_json_lines_are_located_by_line(tmp_path):
    path = tmp_path / "records.json"
    path.write_text('{"kind": "actor"}\n\n{"kind": "measure"}\n', "utf-8")
    items = _items(path)
    assert [item.location.line for item in items] == [1, 3]
    assert all(isinstance(item, RawItem) for item in items)


def test_a_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text('{"kind": "actor"}\n{"kind": \n', "utf-8")
    problem = _items(path)[-1]
    assert isinstance(problem, Problem)
    assert str(problem).startswith(f"{path}:2: malformed JSON")


def test_a_malformed_document_names_the_line(tmp_path):
    path = tmp_path / "records.json"
    path.write_text('[\n  {"kind": "actor"},\n  {"kind" "x"}\n]', "utf-8")
    (problem,) = _items(path)
    assert isinstance(problem, Problem) and problem.location.line == 3


def test_a_list_document_gives_each_item_its_position(tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"a": 1}, {"b": 2}], indent=2), "utf-8")
    assert [item.location.index for item in _items(path)] == [1, 2]


def test_oversized_files_are_refused_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:
        stream.truncate(300 * 2**20)  # sparse: several hundred MB without using the disk
    (problem,) = _items(path)
    assert isinstance(problem, Problem)
    assert "300 MiB, over the limit of 128 MiB" in problem.message


def test_empty_missing_and_directory_paths(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    assert "empty" in _items(empty)[0].message
    assert "cannot read" in _items(tmp_path / "absent.json")[0].message
    assert "not a regular file" in _items(tmp_path)[0].message


def test_a_yaml_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["x","x","x","x"]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\n', "utf-8")
    (problem,) = _items(bomb)
    assert isinstance(problem, Problem)
    assert (problem.location.line, problem.field) == (1, "a")
    assert problem.message == "YAML anchors are not allowed"


def test_yaml_keeps_dates_as_written_and_locates_items(tmp_path):
    path = tmp_path / "records.yaml"
    path.write_text("- kind: measure\n  date: 2025-08-20\n- kind: actor\n  id: x\n", "utf-8")
    first, second = _items(path)
    assert first.value["date"] == "2025-08-20"
    assert (first.location.line, second.location.line) == (1, 3)


def test_non_utf8_yaml_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: Ibáñez".encode("latin-1"))
    assert "not UTF-8" in _items(path)[0].message


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "records.yaml"
    path.write_text("- kind: actor\n  id: a\n  name: [unclosed\n- kind: actor\n", "utf-8")
    problems = [i for i in _items(path) if isinstance(i, Problem)]
    assert len(problems) == 1
    assert problems[0].message.startswith("malformed YAML")
    assert problems[0].location.line == 4


def _line(tmp_path, text: str):
    path = tmp_path / "records.jsonl"
    path.write_text(text + "\n", "utf-8")
    (item,) = _items(path)
    return item


@pytest.mark.parametrize(
    "text",
    [
        '{"kind": "actor", "id": "a", "name": "A", "name": "B"}',
        '{"kind": "actor", "id": "a", "name": "A\\u003aB", "name": "C"}',  # an escaped colon
        '{"kind": "actor", "id": "a", "note": "http://x", "name": "A", "name": "B"}',
        '{"kind": "actor", "id": "a", "name": "A", "na\\u006de": "B"}',  # an escaped key
    ],
)
def test_a_repeated_json_key_is_named(tmp_path, text):
    problem = _line(tmp_path, text)
    assert isinstance(problem, Problem)
    assert (problem.location.line, problem.record_id, problem.field) == (1, "a", "name")
    assert problem.message == "duplicate key 'name'"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"kind": "actor", "url": "https://a.example/b:c"}', "https://a.example/b:c"),
        ('{"kind": "actor", "url": "a\\u003ab"}', "a:b"),
        ('{"kind": "actor", "url": "a\\\\u003ab"}', "a\\u003ab"),  # a backslash, then text
        ('{"kind": "actor", "url": "a\\\\u0000b"}', "a\\u0000b"),
    ],
)
def test_colons_and_escapes_in_text_are_not_taken_for_keys_or_nul(tmp_path, text, value):
    item = _line(tmp_path, text)
    assert isinstance(item, RawItem) and item.value["url"] == value


def test_json_nan_infinity_and_huge_numbers_are_malformed(tmp_path):
    for number in ("NaN", "Infinity", "1e400"):
        problem = _line(tmp_path, f'{{"kind": "actor", "n": {number}}}')
        assert problem.message.startswith("malformed JSON")
