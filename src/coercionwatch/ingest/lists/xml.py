"""Safe streaming XML: no DTDs, no entities, no network, one element at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .common import fail, tail

HEAD_BYTES = 64 * 1024


def refuse_declarations(path: Path) -> None:
    """A list file has no business declaring a DTD or entities: that is how XML bombs and
    external fetches get in, so such a file is refused before its entries are read.

    The head is scanned first (cheap, and no parsing at all for the usual bomb); then the
    prolog is parsed up to the root element, which finds a DOCTYPE however far a long
    comment pushes it, before any entity could be used in the document's content."""
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES).upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise fail(path, "XML with a DOCTYPE or entity declarations is refused")
    prolog = etree.iterparse(
        str(path), events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        for _, root in prolog:
            if root.getroottree().docinfo.doctype:
                raise fail(path, "XML with a DOCTYPE or entity declarations is refused")
            break
    except etree.XMLSyntaxError as exc:
        raise fail(path, f"malformed XML: {exc.msg}", exc.lineno) from None


def check_closed(path: Path, root: str) -> None:
    """Refuses a document that does not end by closing its root element: one cut short.
    Parsing would fail too, but only at the end of the file and with a parser's words."""
    closing = re.compile(rb"</(?:[\w.-]+:)?" + root.encode() + rb"\s*>$")
    if not closing.search(tail(path, 256).rstrip()):
        raise fail(path, f"the document does not end with </{root}>: the file looks cut short")


def elements(path: Path, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Each finished element with one of these local names; memory is released as we go."""
    refuse_declarations(path)
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=[f"{{*}}{t}" for t in tags],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _, element in context:
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise fail(path, f"malformed XML: {exc.msg}", exc.lineno) from None


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def text(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    found = element.find(f"{{*}}{name}")
    value = found.text.strip() if found is not None and found.text else None
    return value or None


def children(element: etree._Element, path: str) -> list[etree._Element]:
    return element.findall("/".join(f"{{*}}{part}" for part in path.split("/")))
