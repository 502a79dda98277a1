"""The page routes, one module per job; each only turns a request into service calls and
their results into a rendered page."""

from . import home, scores, signin

ROUTERS = [signin.router, home.router, scores.router]
