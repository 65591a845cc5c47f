"""The OpenAPI docs at /api/docs: Swagger UI from files served here, not from a CDN.

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline script;
this one takes the files that fastapi-offline ships and starts them from a file of ours,
so the page keeps to a policy that allows no other host and no inline script.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .headers import DOCS_POLICY

FILES = "/api/docs/files"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API</title>
<link rel="stylesheet" href="{files}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{files}/swagger-ui-bundle.js"></script>
<script src="{files}/start.js"></script>
</body>
</html>
"""


def add_api_docs(app: FastAPI) -> None:
    """Serve the docs page at /api/docs and Swagger UI's files beside it; call this before
    adding the /api/{section} routes, which would otherwise take these paths."""
    files = StaticFiles(packages=[("fastapi_offline", "static"), ("coercionwatch.web", "docs")])
    app.mount(FILES, files, "api-docs-files")
    page = PAGE.format(title=app.title, files=FILES, openapi=app.openapi_url)

    @app.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_POLICY})
