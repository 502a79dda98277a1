"""How `kaoping serve` runs uvicorn.

With several workers uvicorn shares a listening socket created without a protocol
number, and asyncio then leaves Nagle's algorithm on for accepted connections: a
keep-alive client waits for the 40 ms delayed ACK on every response. The protocol
below turns TCP_NODELAY on for each connection, as single-worker uvicorn already does.
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):
    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
