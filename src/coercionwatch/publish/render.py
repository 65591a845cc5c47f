"""The one renderer: the server and the static site turn Pages into HTML here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from coercionwatch.model import vocabulary

from . import fragments
from .fragments import field_label, nice_date
from .links import SECTIONS, Links
from .pages import Page
from .policy import PAGE_POLICY, REFERRER_POLICY, STATIC_SEARCH_POLICY

NAV = (
    ("incidents", "Incidents"),
    ("actors", "Actors"),
    ("measures", "Measures"),
    ("responses", "Responses"),
    ("countermeasures", "Countermeasures"),
    ("timeline", "Timeline"),
    ("coverage", "Coverage"),
    ("provisions", "Provisions"),
    ("sources", "Sources"),
    ("data", "Data"),
    ("search", "Search"),
)


BODY_TAGS = nh3.ALLOWED_TAGS - {"img"}
"""nh3's safe tags less images: the site hosts none, so any image in a record's body would
load from another host (and tell it who reads what). Of nh3's defaults only <img> loads
anything; media, frames, objects, styles and <link> are never allowed."""


def safe_html(html: str | None) -> Markup:
    """Record HTML with anything active or fetched removed: no scripts, handlers, styles,
    frames or images; links stay links."""
    return Markup(nh3.clean(html or "", tags=BODY_TAGS, link_rel="noopener noreferrer nofollow"))


SITE_NAME = "Coercion Watch"


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every page has around its content: the links in its head, the site's header
    with the main navigation, and the footer."""

    head: Markup
    header: Markup
    footer: Markup


@lru_cache(maxsize=256)
def page_chrome(links: Links, section: str) -> Chrome:
    """The chrome for pages this deep in this section, written once: it was a quarter of
    the time a record page took to render, the same few dozen links on every page."""
    feed = escape(links.file("feed.atom"))
    head = (
        f'<link rel="icon" href="{escape(links.asset("favicon.svg"))}" type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{escape(links.asset("style.css"))}">\n'
        '<link rel="alternate" type="application/atom+xml" title="New measures and responses"'
        f' href="{feed}">'
    )
    current = ' aria-current="page"'
    items = "".join(
        f'      <li><a href="{escape(links.section(path))}"'
        f"{current if path == section else ''}>{escape(name)}</a></li>\n"
        for path, name in NAV
    )
    header = (
        '<header class="site-header">\n'
        f'  <a class="brand" href="{escape(links.home())}">{SITE_NAME}</a>\n'
        '  <nav aria-label="Main">\n'
        f"    <ul>\n{items}    </ul>\n"
        "  </nav>\n"
        "</header>"
    )
    footer = (
        '<footer class="site-footer">\n'
        "  <p>A public, verifiable record of coercion against international justice and of"
        " the answers it drew.\n"
        f'  <a href="{escape(links.section("data"))}">Download the data</a> ·\n'
        f'  <a href="{feed}">Atom feed</a></p>\n'
        "</footer>"
    )
    return Chrome(Markup(head), Markup(header), Markup(footer))


def term_label(vocab: str, value: str) -> str:
    terms = vocabulary(vocab)
    return terms.label(value) if value in terms else value


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Templates read page data, dicts nearly all of it, as `data.record`; Jinja tries the
    attribute first, and each failed lookup raises and catches an exception."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@cache
def environment() -> Environment:
    env = _Environment(
        loader=PackageLoader("coercionwatch.publish", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship inside the package: no need to stat them on every render.
        auto_reload=False,
    )
    env.filters.update(safe_html=safe_html, nice_date=nice_date, field_label=field_label)
    env.globals.update(
        site_name=SITE_NAME,
        page_chrome=page_chrome,
        sections=SECTIONS,
        term_label=term_label,
        page_policy=PAGE_POLICY,
        search_policy=STATIC_SEARCH_POLICY,
        referrer_policy=REFERRER_POLICY,
        record_link=fragments.record_link,
        linked=fragments.linked,
        linked_all=fragments.linked_all,
        state_name=fragments.state_name,
        state_names=fragments.state_names,
        card_list=fragments.card_list,
        field_table=fragments.field_table,
        wave_states=fragments.wave_states,
        state_waves=fragments.state_waves,
    )
    return env


def render(page: Page, links: Links) -> str:
    template = environment().get_template(page.template)
    return template.render(page=page, data=page.data, links=links)
