import csv
import os
import shutil
from pathlib import Path

import pytest

from coercionwatch.ingest.lists import detect_format, read_list
from coercionwatch.model import InvalidInput
from tests.conftest import SHARED
from tests.helpers import never_blocking, write_lines

LISTS = SHARED / "data" / "sanctions"
FIXTURES = Path(__file__).parent / "fixtures"


def _entries(path, **kwargs):
    return {e.entry_id: e for e in read_list(path, **kwargs).entries()}


def test_the_full_2021_sdn_csv_set():
    read = read_list(LISTS / "watchman-bench")
    assert (read.format, read.list_name, read.published) == ("ofac-csv", "ofac-sdn", None)
    assert [f.name for f in read.files] == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    entries = _entries(LISTS / "watchman-bench")
    assert len(entries) == 8976  # every row, the trailing Ctrl-Z ignored
    assert not any("ICC-EO14203" in e.programs for e in entries.values())


def test_csv_quirks_nulls_programs_aliases_addresses_remarks():
    entries = _entries(LISTS / "watchman-ofactest" / "sdn.csv")
    iran = entries["11195"]
    assert iran.programs == ["NPWMD", "IFSR", "IRAN-CON-ARMS-EO"]
    assert iran.type == "entity" and iran.title is None
    assert "HESA TRADE CENTER" in iran.aliases
    assert any("Tehran" in a for a in iran.addresses)
    person = entries["10278"]
    assert person.type == "individual" and person.birth_dates == ["1963-07-28"]
    assert "Passport P0017003 (Belize)" in person.identifiers
    continued = entries["33151"]  # its remarks run on in sdn_comments.csv
    assert continued.remarks and "Digital Currency Address - USDT" in continued.remarks


def test_the_icc_rows():
    entries = _entries(LISTS / "tradeguard-ai-excerpt" / "sdn.csv")
    khan, hohler = entries["52965"], entries["54434"]
    assert (khan.name, khan.programs) == ("KHAN, Karim Asad Ahmad", ["ICC-EO14203"])
    assert (khan.birth_dates, khan.nationalities) == (["1970-03-30"], ["GB"])
    assert (hohler.nationalities, hohler.birth_dates) == (["SI"], ["1981-06-25"])


def test_the_consolidated_list_in_the_same_layout():
    read = read_list(LISTS / "watchman-consolidated")
    assert (read.format, read.list_name) == ("ofac-csv", "ofac-consolidated")
    assert len(list(read.entries())) == 442


@pytest.mark.parametrize("name", ["sdn.xml", "sdn_advanced.xml"])
def test_both_xml_formats_give_the_same_entries(name):
    read = read_list(FIXTURES / name)
    assert read.published == "2026-01-15"
    entries = _entries(FIXTURES / name)
    assert entries["52965"].name in ("KHAN, Karim Asad Ahmad", "Karim Asad Ahmad KHAN")
    assert entries["52965"].programs == ["ICC-EO14203"]
    assert entries["52965"].birth_dates == ["1970-03-30"]
    assert entries["11195"].programs == ["NPWMD", "IFSR"]
    assert entries["11195"].aliases == ["HESA TRADE CENTER"]
    assert entries["54434"].type == "individual" and entries["11195"].type == "entity"


def test_followthemoney_entities_and_deltas():
    read = read_list(LISTS / "yente-fixtures" / "t1" / "entities.ftm.json")
    assert read.format == "ftm" and read.published == "2024-03-28"
    entries = list(read.entries())
    assert len(entries) == 6  # the Address entity describes, it is not listed
    delta = read_list(
        LISTS / "yente-fixtures" / "t2" / "20240527194702-wnk" / "entities.delta.json"
    )
    assert (delta.format, delta.published) == ("ftm-delta", "2024-05-27")
    assert [c.op for c in delta.changes()] == ["ADD", "ADD"]


def test_formats_are_detected_from_content_not_names(tmp_path):
    disguised = tmp_path / "list.txt"
    shutil.copy(FIXTURES / "sdn_advanced.xml", disguised)
    assert detect_format(disguised) == "ofac-advanced-xml"


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"", "the file is empty", None),
        (b"hello, world\n", "not a sanctions list format", 1),
        (b'{"id": "x"}\n', "not FollowTheMoney", 1),
        (b'10278,"A","individual","SDNT",-0- ,-0- \r\n', "expected 12 fields, found 6", 1),
        (b'<?xml version="1.0"?>\n<sdnList><sdnEntry><uid>1</uid>', "malformed XML", 2),
        (b"<html><body>not a list</body></html>", "neither an OFAC sdnList", None),
    ],
)
def test_bad_files_are_refused_with_file_and_line(tmp_path, content, message, line):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as caught:
        list(read_list(path).entries())
    (problem,) = caught.value.problems
    assert message in problem.message and problem.location.file == str(path)
    assert problem.location.line == line


def test_a_truncated_csv_names_the_last_line(tmp_path):
    folder = tmp_path / "cut"
    shutil.copytree(LISTS / "watchman-ofactest", folder)
    data = (folder / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInput) as caught:
        list(read_list(folder).entries())
    problem = caught.value.problems[0]
    assert problem.location.line is not None and problem.location.line > 1


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<sdnList><sdnEntry><uid>&lol2;</uid></sdnEntry></sdnList>",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        "<sdnList><sdnEntry><uid>&ext;</uid></sdnEntry></sdnList>",
        # The root named in a comment passes detection; the DOCTYPE hides past the head.
        '<?xml version="1.0"?><!-- <sdnList> --><!--' + "x" * 100_000 + "-->"
        '<!DOCTYPE sdnList [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<sdnList><sdnEntry><uid>&b;</uid></sdnEntry></sdnList>",
    ],
    ids=["billion-laughs", "external-entity", "doctype-past-the-head"],
)
def test_xml_bombs_and_external_entities_are_refused(tmp_path, document):
    path = tmp_path / "bomb.xml"
    path.write_text(document)
    with pytest.raises(InvalidInput, match="DOCTYPE or entity declarations"):
        list(read_list(path).entries())


def _resave(source, target, *, quoting, bom):
    """A CSV set as a spreadsheet or Python's csv module writes it back: same fields, its
    own quoting, maybe a byte-order mark."""
    target.mkdir()
    for original in source.iterdir():
        with original.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
        with (target / original.name).open("w", newline="", encoding="utf-8") as stream:
            if bom:
                stream.write("\ufeff")
            csv.writer(stream, quoting=quoting).writerows(rows)
    return target


@pytest.mark.parametrize(
    ("quoting", "bom"),
    [(csv.QUOTE_MINIMAL, False), (csv.QUOTE_MINIMAL, True), (csv.QUOTE_ALL, True)],
    ids=["minimal-quoting", "minimal-quoting-and-bom", "all-quoted-and-bom"],
)
def test_a_resaved_csv_set_reads_as_the_same_list(tmp_path, quoting, bom):
    resaved = _resave(LISTS / "watchman-bench", tmp_path / "resaved", quoting=quoting, bom=bom)
    read = read_list(resaved)
    assert read.format == "ofac-csv"
    read.check_complete()  # the Ctrl-Z survives as a row of its own
    original = {row.entry_id: row.digest for row in read_list(LISTS / "watchman-bench").rows()}
    assert {row.entry_id: row.digest for row in read.rows()} == original


def test_followthemoney_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "entities.ftm.json"
    source = LISTS / "yente-fixtures" / "t1" / "entities.ftm.json"
    path.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    read = read_list(path)
    assert read.format == "ftm"
    assert len(list(read.entries())) == 6


@pytest.mark.parametrize(
    "path",
    [
        LISTS / "watchman-bench",  # its sdn_comments.csv has no Ctrl-Z, as OFAC published it
        LISTS / "watchman-consolidated",
        FIXTURES / "sdn.xml",
        FIXTURES / "sdn_advanced.xml",
    ],
)
def test_whole_real_list_files_pass_the_end_checks(path):
    read_list(path).check_complete()


def _cut_csv(tmp_path, name):
    """The 2021 set with one file cut at a line boundary: every row still parses."""
    folder = tmp_path / "cut"
    shutil.copytree(LISTS / "watchman-bench", folder)
    lines = (folder / name).read_bytes().split(b"\r\n")
    (folder / name).write_bytes(b"\r\n".join(lines[: len(lines) // 2]) + b"\r\n")
    return folder


@pytest.mark.parametrize("name", ["sdn.csv", "alt.csv"])
def test_a_csv_set_cut_at_a_line_boundary_is_found_out(tmp_path, name):
    read = read_list(_cut_csv(tmp_path, name))
    with pytest.raises(InvalidInput) as caught:
        read.check_complete()
    (problem,) = caught.value.problems
    assert problem.location.file == str(tmp_path / "cut" / name)
    assert "no end-of-file marker" in problem.message and "cut short" in problem.message


@pytest.mark.parametrize(
    ("source", "cut"),
    [
        (FIXTURES / "sdn.xml", lambda data: data[: data.rindex(b"</sdnEntry>") + 11]),
        (FIXTURES / "sdn_advanced.xml", lambda data: data[: len(data) // 2]),
        (LISTS / "yente-fixtures" / "t1" / "entities.ftm.json", lambda data: data[:-40]),
    ],
    ids=["xml-after-an-entry", "advanced-xml-anywhere", "ftm-mid-line"],
)
def test_xml_and_followthemoney_cut_short_are_found_out(tmp_path, source, cut):
    path = tmp_path / source.name
    path.write_bytes(cut(source.read_bytes()))
    with pytest.raises(InvalidInput, match="cut short") as caught:
        read = read_list(path)
        read.check_complete()
        list(read.rows())
    assert caught.value.problems[0].location.file == str(path)


def _entity(**fields):
    return {"id": "NK-test", "schema": "Person", **fields}


def test_a_followthemoney_name_given_as_a_string_is_one_name(tmp_path):
    path = write_lines(
        tmp_path / "entities.ftm.json",
        [_entity(properties={"name": "Jane Example", "alias": ["J. Example"], "notes": "n"})],
    )
    (entry,) = read_list(path).entries()
    assert (entry.name, entry.aliases, entry.remarks) == ("Jane Example", ["J. Example"], "n")


@pytest.mark.parametrize(
    ("entity", "field"),
    [
        (_entity(properties=["name", "Jane"]), "properties"),
        (_entity(properties={"birthDate": [1970]}), "properties.birthDate"),
        (_entity(properties={"name": {"en": "Jane"}}), "properties.name"),
        (_entity(caption=["Jane"]), "caption"),
        (_entity(schema=["Person"]), "schema"),
    ],
)
def test_followthemoney_values_of_the_wrong_shape_are_located(tmp_path, entity, field):
    good = _entity(id="NK-good", properties={"name": ["Good"]})
    path = write_lines(tmp_path / "entities.ftm.json", [good, entity])
    with pytest.raises(InvalidInput) as caught:
        list(read_list(path).entries())
    (problem,) = caught.value.problems
    assert (problem.location.file, problem.location.line) == (str(path), 2)
    assert (problem.record_id, problem.field) == ("NK-test", field)


def test_a_followthemoney_delta_with_a_bad_entity_is_located(tmp_path):
    path = write_lines(
        tmp_path / "entities.delta.json",
        [{"op": "ADD", "entity": _entity(properties="Jane")}],
    )
    with pytest.raises(InvalidInput) as caught:
        list(read_list(path).changes())
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.field) == (1, "properties")


def test_a_fifo_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "sdn.csv"
    os.mkfifo(fifo)
    with never_blocking(fifo), pytest.raises(InvalidInput, match="not a regular file"):
        read_list(fifo)


def test_a_fifo_among_the_csv_files_is_refused(tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(LISTS / "watchman-ofactest", folder)
    (folder / "alt.csv").unlink()
    os.mkfifo(folder / "alt.csv")
    with never_blocking(folder / "alt.csv"), pytest.raises(InvalidInput) as caught:
        read_list(folder)
    (problem,) = caught.value.problems
    assert problem.location.file == str(folder / "alt.csv")
    assert "not a regular file" in problem.message


def test_a_device_is_refused():
    with pytest.raises(InvalidInput, match="not a regular file"):
        read_list(Path("/dev/zero"))
