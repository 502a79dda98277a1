"""/docs (Swagger UI) and /redoc from the npm packages served by this app: FastAPI's own
pages load them from a CDN and stay blank on an intranet."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

from engine.messages import say

from .vendor import PREFIX


def install(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def swagger():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=say("page.api_docs"),
            swagger_js_url=f"{PREFIX}/swagger-ui-dist/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui-dist/swagger-ui.css",
            swagger_favicon_url="/ui/static/favicon.svg",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc():
        return get_redoc_html(
            openapi_url=app.openapi_url,
            title=say("page.api_docs"),
            redoc_js_url=f"{PREFIX}/redoc/bundles/redoc.standalone.js",
            redoc_favicon_url="/ui/static/favicon.svg",
            with_google_fonts=False,
        )
