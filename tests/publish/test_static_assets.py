"""The files under static/ that every page loads: each one a template names is shipped, and
none of them reaches for another host or runs script where the site's policy allows none."""

import re
import xml.etree.ElementTree as ET
from importlib.resources import files

STATIC = files("coercionwatch.publish") / "static"
TEMPLATES = files("coercionwatch.publish") / "templates"
RENDER = files("coercionwatch.publish") / "render.py"
"""Where the chrome every page shares (its icon, its stylesheet) is written."""
SVG = "{http://www.w3.org/2000/svg}"


def test_every_asset_a_template_names_is_shipped():
    sources = [t for t in TEMPLATES.iterdir() if t.name.endswith(".html")] + [RENDER]
    named = {
        name
        for source in sources
        for _, name in re.findall(
            r"""links\.asset\((['"])([^'"]+)\1\)""", source.read_text("utf-8")
        )
    }
    assert {"style.css", "favicon.svg"} <= named
    assert sorted(name for name in named if not (STATIC / name).is_file()) == []


def test_the_icon_is_a_square_svg_that_loads_nothing_and_runs_nothing():
    root = ET.fromstring((STATIC / "favicon.svg").read_text("utf-8"))
    assert root.tag == f"{SVG}svg"
    _, _, width, height = root.attrib["viewBox"].split()
    assert width == height
    for element in root.iter():
        assert element.tag not in (f"{SVG}script", f"{SVG}image", f"{SVG}use"), element.tag
        for name in element.attrib:
            assert not name.endswith("href") and not name.startswith("on"), name


def test_the_stylesheet_loads_nothing_from_elsewhere():
    css = (STATIC / "style.css").read_text("utf-8")
    assert "@import" not in css
    assert re.findall(r"url\(", css) == []  # no fonts or images: the page policy allows none
