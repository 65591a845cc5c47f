"""One module per page type. Each returns a Page whose `data` is plain JSON: the API answers
with it, and the template of the same name renders it, so pages and API cannot disagree."""

from .common import Page

__all__ = ["Page"]
