"""CSV injection: no cell of a CSV download may run as a formula in a spreadsheet."""

import csv
import io
import json
import re

import pytest

from coercionwatch.publish import export_all
from coercionwatch.publish.bulk import defuse_formula
from tests.helpers import actor, basic_records, import_files, measure, write_json

# What people have planted in exported data to run in a spreadsheet, with the ways around a
# check of the first character only: spaces, quote marks, a separator or line inside.
PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1/?leak="&A2,"Open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    '"=1+1',
    "'=1+1",
    ' " =1+1',
    "\u00a0=1+1",
    "＝1+1",
    "Harmless start; =1+1",
    "Harmless start\n=1+1",
    "Harmless start\t@SUM(1)",
]


def runs_as_formula(segment: str) -> bool:
    """A spreadsheet's view of text that begins a cell: a leading apostrophe makes it text,
    a number is a number; otherwise `= + - @`, perhaps after spaces or quote marks, make
    it a formula."""
    start = segment.lstrip(' \t\r\n\u00a0"')
    if start.startswith("'") or re.fullmatch(r"[+-]?\d+(\.\d+)?", start):
        return False
    return start[:1] in set("=+-@＝＋－＠")


def formula_cells(data: str) -> list[str]:
    """Every cell that could run, whether the file is read as it says (comma, RFC 4180
    quoting) or split naively at semicolons, tabs or line breaks, as some locales do."""
    cells = [cell for row in csv.reader(io.StringIO(data)) for cell in row]
    cells += re.split(r"[;\t\r\n]", data)
    return [cell for cell in cells if runs_as_formula(cell)]


@pytest.mark.parametrize(
    ("text", "defused"),
    [
        ("=1+2", "'=1+2"),
        ("-5 votes", "'-5 votes"),
        ("\t1", "'\t1"),
        ("\r1", "'\r1"),
        (' "@x', "' \"@x"),
        ("a; =1", "a;' =1"),
        ("a\n+1", "a\n'+1"),
        ("Dash - in the middle, and = too", "Dash - in the middle, and = too"),
        ("a, -1", "a, -1"),  # a comma inside makes a quoted cell, which stays whole
        ("", ""),
    ],
)
def test_defuse_formula(text, defused):
    assert defuse_formula(text) == defused


def test_csv_export_runs_no_formula_and_keeps_numbers(store, tmp_path):
    records = [
        *basic_records(),
        actor("planted", name=PAYLOADS[0], aliases=PAYLOADS[1:5], summary=PAYLOADS[5]),
        *(measure(f"planted-{n}", "planted", summary=text) for n, text in enumerate(PAYLOADS)),
        {
            "kind": "incident",
            "slug": "planted-incident",
            "title": PAYLOADS[0],
            "date": "2025-01-01",
            "summary": PAYLOADS[-1],
            "category": "cyber",
            "severity": "limited",
            "posture": "alleged",
            "civilianCasualties": 12,
        },
    ]
    import_files(store, write_json(tmp_path / "r.json", records))
    out = tmp_path / "out"
    export_all(store, out, site="https://example.org", formats=["csv", "json"])

    for kind in ("actor", "measure", "incident"):
        assert formula_cells((out / f"{kind}.csv").read_text("utf-8")) == [], kind
    with (out / "measure.csv").open(newline="", encoding="utf-8") as stream:
        rows = {row["id"]: row for row in csv.DictReader(stream)}
    assert rows["planted-0"]["summary"] == "'" + PAYLOADS[0]
    with (out / "incident.csv").open(newline="", encoding="utf-8") as stream:
        (incident,) = csv.DictReader(stream)
    assert incident["civilianCasualties"] == "12"  # a number stays a number (counts are >= 0)
    exact = json.loads((out / "measure.json").read_text("utf-8"))
    assert sorted(m["summary"] for m in exact if m["id"].startswith("planted-")) == sorted(PAYLOADS)
