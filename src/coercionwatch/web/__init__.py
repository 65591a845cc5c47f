"""The web app: HTTP routes over the publish pages, nothing more."""

from .app import create_app

__all__ = ["create_app"]
