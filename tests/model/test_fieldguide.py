"""The README's field reference is the model's own, complete and current."""

import re
from pathlib import Path

import yaml
from cogapp import Cog

from coercionwatch.model import KINDS, load_record, vocabularies
from coercionwatch.model.fieldguide import documented_fields, field_reference

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_holds_the_reference_as_the_model_writes_it(capsys):
    status = Cog().main(["cog", "--check", str(README)])
    assert status == 0, "README.md is out of date with the model: run `make docs`"


def test_every_field_says_what_it_holds():
    undocumented = [
        f"{kind}.{path}"
        for kind, cls in KINDS.items()
        for path, info in documented_fields(cls)
        if not (info.description or "").strip()
    ]
    assert undocumented == []


def test_every_term_says_what_it_means():
    undocumented = [
        f"{name}: {term.value}"
        for name, vocab in vocabularies().items()
        for term in vocab.terms.values()
        if not (term.description or "").strip()
    ]
    assert undocumented == []


def test_every_field_and_term_appears_in_the_reference():
    reference = field_reference()
    for kind, cls in KINDS.items():
        for path, _ in documented_fields(cls):
            assert f"| `{path}` |" in reference, (kind, path)
    for name, vocab in vocabularies().items():
        assert f"#### `{name}`" in reference
        for value in vocab.terms:
            assert f"| `{value}` |" in reference, (name, value)


def test_the_readme_example_is_valid_records():
    block = re.search(
        r"<!-- example: records -->\s*```yaml\n(.*?)```", README.read_text("utf-8"), re.S
    )
    assert block, "the README has lost its example"
    records = yaml.safe_load(block.group(1))
    loaded = [load_record(item.pop("kind"), item) for item in records]
    assert {r.kind for r in loaded} == {"response"}
    assert loaded[1].participants()[1:] == ["example-state", "example-other-state"]
