"""What a page may load: files from its own site, nothing from any other host.

The server sends these policies as headers and the static site as <meta> tags; both take
them from here, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping

PAGE_DIRECTIVES: dict[str, str] = {
    "default-src": "'none'",  # whatever is not named below: fonts, media, frames, workers …
    "script-src": "'self'",  # the site's own files only: no inline script, no eval
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",  # the static search fetches its index
    "form-action": "'self'",
    "base-uri": "'none'",
}
"""Every page. Pagefind's worker falls back to script-src: a file of the site too."""

WIDGET_DIRECTIVES: dict[str, str] = {**PAGE_DIRECTIVES, "img-src": "'self' data:"}
"""Pages that run a bundled widget (Pagefind's search box, Swagger UI): their stylesheets
draw icons as data: images, which come from the page itself, not from another host."""

REFERRER_POLICY = "no-referrer"
"""Following a link out tells the other site nothing, not even that the reader came from
here: a record of coercion by states should not show whoever it links to who reads what."""


def policy(directives: Mapping[str, str]) -> str:
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


PAGE_POLICY = policy(PAGE_DIRECTIVES)
STATIC_SEARCH_POLICY = policy(
    {**WIDGET_DIRECTIVES, "script-src": "'self' 'wasm-unsafe-eval'"}  # Pagefind is WebAssembly
)
