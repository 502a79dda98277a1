"""The page routes, one module per job; each only turns a request into service calls and
their results into a rendered page."""

from . import batches, home, notices, rectification, ruleset_editor, ruleset_list, scores, signin, stages, submit

ROUTERS = [
    signin.router,
    home.router,
    submit.router,
    ruleset_list.router,
    ruleset_editor.router,
    scores.router,
    batches.router,
    rectification.router,
    stages.router,
    notices.router,
]
