"""Reading a chart back as a person's tools would: the SVG as XML, the CSV as rows."""

import csv
import io

from lxml import etree

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Co'


def parse(svg: str) -> etree._Element:
    """The markup as a standalone XML document (lxml refuses anything not well-formed)."""
    assert not svg.startswith("<?xml")
    root = etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    assert root.tag == f"{SVG}svg"
    return root


def rows(table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(table)))


def no_markup_got_through(root: etree._Element) -> None:
    names = {etree.QName(element).localname for element in root.iter(etree.Element)}
    assert names <= {
        "svg",
        "title",
        "desc",
        "defs",
        "pattern",
        "g",
        "path",
        "rect",
        "circle",
        "text",
        "tspan",
    }, names
    for element in root.iter(etree.Element):
        assert not any(a.startswith("on") or a.endswith("href") for a in element.attrib)


def all_text(root: etree._Element) -> str:
    return " ".join(root.itertext())
