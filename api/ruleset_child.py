"""The loading child's side (see api.ruleset_loader): kept apart so that the child, a fresh
interpreter, imports the engine's loader and nothing of the service (its metrics, its
problems, its database code), and starts well inside its memory limit."""

from __future__ import annotations

import resource
from multiprocessing.connection import Connection

from engine import RulesetError
from engine.messages import speaking
from engine.points_loader import load_either


def serve_loads(connection: Connection, memory_bytes: int) -> None:
    """The child: load each text it is sent (a scoring or a member points ruleset),
    answer with the ruleset or its problems."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))
    connection.send("ready")
    while True:
        try:
            text, version, lang = connection.recv()
        except EOFError:  # the service went away
            return
        try:
            with speaking(lang):
                connection.send(("loaded", load_either(text, version=version)))
        except RulesetError as error:
            connection.send(("refused", error.problems))
