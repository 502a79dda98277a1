"""The service's Prometheus metrics, and the one-line calls that record them.

The names and labels are listed in docs/operations.md. Every metric has labels, so a
process records nothing (writes no file in multiprocess mode) until it observes
something: the batch processes, which import the store, leave no trace. Labels take
only bounded values: route templates, never raw paths; known methods, else `other`.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

UNMATCHED = "unmatched"  # the route label of requests answered before or without routing
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "kaoping_http_requests", "Requests answered, by method, route template and status", ("method", "route", "status")
)
LATENCY = Histogram(
    "kaoping_http_request_duration_seconds",
    "Time from a request's arrival to its response's last byte, by method and route template",
    ("method", "route"),
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
IN_PROGRESS = Gauge(
    "kaoping_http_requests_in_progress", "Requests being answered now", ("method",), multiprocess_mode="livesum"
)
SCORES = Counter(
    "kaoping_scores",
    "Scores submitted one by one, by ruleset and outcome (scored, disqualified, refused)",
    ("ruleset", "outcome"),
)
REFUSED_INPUTS = Counter("kaoping_refused_inputs", "Problems in refused submissions, by problem code", ("code",))
ENGINE_FAILURES = Counter(
    "kaoping_engine_failures", "Requests failed by durable_rules (answered 500), by route template", ("route",)
)
DATABASE_BUSY = Counter(
    "kaoping_database_busy",
    "Requests answered 503 because the database was busy or away, by route template",
    ("route",),
)


def route_of(scope) -> str:
    """The matched route's template (`/scores/{score_id}`), or UNMATCHED."""
    return getattr(scope.get("route"), "path_format", None) or UNMATCHED


def _method(method: str) -> str:
    return method if method in METHODS else "other"


def request_started(scope) -> None:
    IN_PROGRESS.labels(_method(scope["method"])).inc()


def request_finished(scope, status: int, seconds: float) -> None:
    method, route = _method(scope["method"]), route_of(scope)
    IN_PROGRESS.labels(method).dec()
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def count_score(ruleset_id: str, outcome: str) -> None:
    SCORES.labels(ruleset_id, outcome).inc()


def count_refused(problems) -> None:
    """One per problem of a refused submission (InputProblem codes)."""
    for problem in problems:
        REFUSED_INPUTS.labels(problem.code).inc()


def count_engine_failure(request) -> None:
    ENGINE_FAILURES.labels(route_of(request.scope)).inc()


def count_database_busy(request) -> None:
    DATABASE_BUSY.labels(route_of(request.scope)).inc()
