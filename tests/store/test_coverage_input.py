"""What coverage needs from an import: answers to measures that exist, members that are
actors, real country codes, and no answer before the measure it answers. Each refusal names
the file, the record and the field, and writes nothing; the CLI exits 2."""

import pytest
from typer.testing import CliRunner

from coercionwatch.cli.app import app
from coercionwatch.model import InvalidInput
from tests.helpers import actor, import_files, measure, write_lines


def _base():
    return [
        actor("usa", type="state", country="US"),
        actor("canada", type="state", country="CA"),
        actor("judge"),
        measure("m1", "judge", date="2025-09-01"),
    ]


def _response(rid, **fields):
    return {
        "kind": "response",
        "id": rid,
        "actor": "canada",
        "stance": "condemn",
        "forum": "national",
        "date": "2025-09-02",
        "answers": [{"measure": "m1"}],
        **fields,
    }


def _refused(store, path):
    with pytest.raises(InvalidInput) as caught:
        import_files(store, path)
    assert store.count() == {}
    return [str(p) for p in caught.value.problems]


def test_a_response_to_an_unknown_measure_is_refused(store, tmp_path):
    path = write_lines(
        tmp_path / "r.jsonl", [*_base(), _response("r", answers=[{"measure": "m9"}])]
    )
    assert _refused(store, path) == [
        f"{path}:5: response 'r': field 'answers.measure': refers to measure 'm9', "
        "which is not in the record"
    ]


def test_a_member_that_is_not_an_actor_is_refused(store, tmp_path):
    path = write_lines(tmp_path / "r.jsonl", [*_base(), _response("r", members=["ghost"])])
    assert _refused(store, path) == [
        f"{path}:5: response 'r': field 'members': refers to actor 'ghost', which is not in "
        "the record"
    ]


@pytest.mark.parametrize("field", ["country", "nationality"])
def test_a_country_code_not_in_iso_3166_is_refused(store, tmp_path, field):
    value = "ZZ" if field == "country" else ["CA", "XK"]
    path = write_lines(tmp_path / "r.jsonl", [*_base(), actor("x", **{field: value})])
    (problem,) = _refused(store, path)
    assert problem.startswith(f"{path}:5: actor 'x': field '{field}")
    assert "is not an ISO 3166-1 alpha-2 country code" in problem


def test_a_response_dated_before_its_measure_is_refused(store, tmp_path):
    path = write_lines(tmp_path / "r.jsonl", [*_base(), _response("r", date="2025-08-31")])
    assert _refused(store, path) == [
        f"{path}:5: response 'r': field 'date': dated 2025-08-31, before measure 'm1' "
        "(2025-09-01) that it answers"
    ]


def test_the_measure_may_already_be_in_the_store(store, tmp_path):
    import_files(store, write_lines(tmp_path / "a.jsonl", _base()))
    path = write_lines(tmp_path / "b.jsonl", [_response("r", date="2025-08")])
    with pytest.raises(InvalidInput) as caught:
        import_files(store, path)
    assert "before measure 'm1'" in str(caught.value.problems[0])
    # A month that includes the measure's day is not before it.
    assert import_files(store, write_lines(tmp_path / "c.jsonl", [_response("r", date="2025-09")]))


def test_a_qualified_date_before_its_measure_is_a_warning(store, tmp_path):
    late = _response("r", date="2025-08-30", dateCertainty="approximate")
    summary = import_files(store, write_lines(tmp_path / "r.jsonl", [*_base(), late]))
    assert summary.created == 5
    assert [p.field for p in summary.warnings if "before measure" in p.message] == ["date"]


def test_the_command_line_exits_2_and_writes_nothing(database, tmp_path):
    path = write_lines(tmp_path / "r.jsonl", [*_base(), _response("r", date="2025-01-01")])
    result = CliRunner().invoke(app, ["--db", database, "import", str(path)])
    assert result.exit_code == 2
    assert "response 'r': field 'date'" in result.stderr
    assert "Traceback" not in result.output
