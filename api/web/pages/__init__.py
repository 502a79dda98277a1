"""The page routes, one module per job; each only turns a request into service calls and
their results into a rendered page."""

from . import home, signin

ROUTERS = [signin.router, home.router]
