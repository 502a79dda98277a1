"""Adds the pages to the app: their routes, their own static files, the npm packages,
offline OpenAPI pages, and HTML answers to problems met on a page."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from engine.messages import say

from ..problems import ApiProblem
from . import openapi_pages, vendor
from .errors import problem_page, sign_in_first, wants_page
from .pages import ROUTERS
from .session import SignInFirst
from .templating import HERE

CACHED = {"Cache-Control": "public, max-age=86400"}


def install(app: FastAPI) -> None:
    vendor.check_installed()
    app.state.problem_page = lambda request, problem, headers: (
        problem_page(request, problem, headers) if wants_page(request) else None
    )
    app.add_exception_handler(SignInFirst, sign_in_first)
    openapi_pages.install(app)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")

    @app.get(vendor.PREFIX + "/{path:path}", include_in_schema=False)
    def vendor_asset(path: str):
        content = vendor.localized(path)
        if content is not None:
            return Response(content, media_type="text/javascript", headers=CACHED)
        file = vendor.vendor_file(path)
        if file is None:
            raise ApiProblem(404, "Unknown asset", say("detail.unknown_asset", path=path))
        return FileResponse(file, headers=CACHED)

    @app.get("/", include_in_schema=False)
    def root(request: Request):
        return RedirectResponse("/ui/", status_code=303)

    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
