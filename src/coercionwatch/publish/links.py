"""Where pages live: absolute paths on the server, relative paths in the static site.

The static site links relative to each page, so it works from any folder or host, and
names `index.html` explicitly, so it works even where folders are not served as pages.
"""

from __future__ import annotations

from dataclasses import dataclass

SECTIONS: dict[str, str] = {
    "incident": "incidents",
    "actor": "actors",
    "measure": "measures",
    "response": "responses",
    "countermeasure": "countermeasures",
    "provision": "provisions",
    "source": "sources",
}
"""The list page of each record kind."""


@dataclass(frozen=True)
class Links:
    static: bool = False
    depth: int = 0

    @property
    def root(self) -> str:
        return "../" * self.depth if self.static else "/"

    def _page(self, path: str) -> str:
        if not self.static:
            return "/" + path
        return f"{self.root}{path}/index.html" if path else f"{self.root}index.html"

    def home(self) -> str:
        return self._page("")

    def section(self, name: str) -> str:
        return self._page(name)

    def record(self, kind: str, record_id: str) -> str:
        return self._page(f"{kind}/{record_id}")

    def file(self, path: str) -> str:
        """A file that exists under the same name on the server and in the static site."""
        return f"{self.root}{path}"

    def record_json(self, kind: str, record_id: str) -> str:
        return self.file(f"{kind}/{record_id}.json")

    def citation(self, slug: str, fmt: str) -> str:
        return self.file(f"incident/{slug}/citation.{fmt}")

    def asset(self, name: str) -> str:
        return self.file(f"static/{name}")


def page_depth(path: str) -> int:
    """How many folders deep a static page's `index.html` sits (`incident/x` is 2)."""
    return len([part for part in path.split("/") if part])
