"""No SQL on the event loop: an async route that touches the database there stalls every
other request of its worker for as long as the query (or the lock it waits for) takes.

`watch(engine)` records each statement run in a thread whose asyncio loop is running, with
the service's frames that ran it; the `service` fixture fails a test that left any.
"""

from __future__ import annotations

import asyncio
import threading
import traceback

from sqlalchemy import event


class LoopGuard:
    def __init__(self, engine):
        self.found: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if threading.current_thread() is threading.main_thread():
            return  # the test itself (the app's loop runs in the test client's own thread; the
            # main thread may hold another loop: Playwright's, while the browser tests' session lasts)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # a worker thread of the pool: as it should be
        ours = [
            f"{f.filename.rsplit('/api/', 1)[-1]}:{f.lineno} {f.name}"
            for f in traceback.extract_stack()
            if "/api/" in f.filename
        ]
        self.found.append(" <- ".join(reversed(ours[-4:])) + f": {statement.split(chr(10))[0][:80]}")
