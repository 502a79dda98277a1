"""The FastAPI application: routes, storage, problems and middleware wired together."""

from __future__ import annotations

import gc
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from . import examples, problems, ratelimit, ruleset_loader, scrape, web
from .batches import BatchRunner
from .db import make_engine, make_sessions, migrate
from .middleware import RequestContext, configure_logging
from .routes import audit, batches, governance, health, notices, points, rectification, rulesets, scores, stages
from .services.throttle import FailureThrottle
from .settings import Settings, get_settings

DESCRIPTION = """kaoping (考评) scores appraisal units against versioned rulesets and keeps every
score as an append-only, hash-chained record that an auditor can recompute.

Authenticate with `Authorization: Bearer <token>` (from `kaoping token create` or `POST /auth/tokens`).
A grant is a role on a unit's subtree: `admin`, `editor` (rulesets of its level), `submitter`
(scores), `reviewer` (reads), `auditor` (reads, verifies); whatever lies outside your subtrees
answers 404. See docs/governance.md.
Errors are RFC 9457 problem documents listing every problem."""


def _openapi(app: FastAPI) -> dict:
    """The generated schema, with errors documented as application/problem+json."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status.startswith(("4", "5")) and "application/json" in content:
                        content[problems.MEDIA_TYPE] = content.pop("application/json")
        examples.attach(schema)
        schema["components"]["schemas"].pop("HTTPValidationError", None)
        schema["components"]["schemas"].pop("ValidationError", None)
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.url)
    if settings.migrate_on_start:
        migrate(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # everything made while starting lives as long as the process: moved out of the
        # collector's reach, a full collection no longer walks it (75 ms, every ~1,000
        # scores, which every request in flight waited for)
        gc.freeze()
        ruleset_loader.loader.warm()
        yield
        app.state.batches.stop()
        ruleset_loader.loader.close()
        scrape.process_ended()

    app = FastAPI(
        title="kaoping", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_sessions(engine)
    app.state.batches = BatchRunner(
        app.state.sessions,
        settings.data_dir,
        settings.batch_workers,
        settings.batch_lease_seconds,
        database_url=settings.url,
        cluster=settings.batch_cluster,
    )
    app.state.batches.start()
    app.state.metrics = scrape.registry_for(app.state.sessions)
    app.state.auth_failures = FailureThrottle(settings.auth_failures, settings.auth_failure_window)
    problems.install(app)
    limited = ratelimit.RESPONSES if settings.rate_per_second else {}
    modules = (health, rulesets, scores, stages, notices, batches, points, audit, governance, rectification)
    for module in modules:
        app.include_router(module.router, responses={**(problems.PROBLEMS if module is not health else {}), **limited})
    app.include_router(scrape.router)
    app.openapi = lambda: _openapi(app)
    web.install(app)
    if settings.rate_per_second:
        app.add_middleware(ratelimit.RateLimit, settings=settings)
    app.add_middleware(RequestContext, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes)
    return app
