"""A record's HTML body may link anywhere but makes no reader's browser fetch anything."""

from html.parser import HTMLParser

import pytest

from coercionwatch.publish.render import safe_html

HOSTS = ["https://tracker.example/p.gif", "//tracker.example/p.gif", "data:image/gif;base64,R0lG"]

# Each way an HTML body can make a browser load something, with {url} where it goes.
EMBEDS = [
    '<img src="{url}" alt="a photo">',
    '<img srcset="{url} 1x, {url} 2x" alt="">',
    '<img src="local.png" srcset="{url} 2x">',
    '<picture><source srcset="{url}"><img src="{url}"></picture>',
    '<video src="{url}" poster="{url}"><source src="{url}"><track src="{url}"></video>',
    '<audio src="{url}"></audio>',
    '<iframe src="{url}"></iframe>',
    '<object data="{url}"></object>',
    '<embed src="{url}">',
    "<style>p {{ background: url({url}) }}</style>",
    '<p style="background-image: url({url})">text</p>',
    '<link rel="stylesheet" href="{url}">',
    '<svg><image href="{url}"></image></svg>',
    '<input type="image" src="{url}">',
    '<table background="{url}"><tr><td background="{url}">cell</td></tr></table>',
    '<a href="https://example.org/" ping="{url}">a link</a>',
    '<base href="{url}">',
    '<meta http-equiv="refresh" content="0; url={url}">',
]
FETCHING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "ping", "style"}
FETCHING_TAGS = {"img", "picture", "source", "video", "audio", "track", "iframe", "object"}
FETCHING_TAGS |= {"embed", "style", "link", "svg", "image", "input", "base", "meta"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("url", HOSTS)
@pytest.mark.parametrize("embed", EMBEDS)
def test_record_html_loads_nothing(embed, url):
    cleaned = str(safe_html(f"<p>Before</p>{embed.format(url=url)}<p>After</p>"))
    for tag, attributes in elements(cleaned):
        assert tag not in FETCHING_TAGS, cleaned
        assert not FETCHING_ATTRIBUTES & attributes.keys(), cleaned
    assert "url(" not in cleaned and "<p>Before</p>" in cleaned and "<p>After</p>" in cleaned


def test_links_stay_links():
    cleaned = str(safe_html('<p>See <a href="https://example.org/report">the report</a>.</p>'))
    assert elements(cleaned) == [
        ("p", {}),
        ("a", {"href": "https://example.org/report", "rel": "noopener noreferrer nofollow"}),
    ]
