"""How `kaoping serve` runs uvicorn.

With several workers uvicorn shares a listening socket created without a protocol
number, and asyncio then leaves Nagle's algorithm on for accepted connections: a
keep-alive client waits for the 40 ms delayed ACK on every response. The protocol
below turns TCP_NODELAY on for each connection, as single-worker uvicorn already does.

It also answers a request that HTTP parsing refuses (most often a URL with unencoded
Chinese in it) with a problem document like every other error, instead of uvicorn's
plain-text "Invalid HTTP request received."
"""

from __future__ import annotations

import json
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from engine.messages import say


class NoDelayHTTPProtocol(AutoHTTPProtocol):
    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

    def send_400_response(self, msg: str) -> None:
        body = json.dumps(
            {
                "type": "/problems/unreadable-request",
                "title": "Bad Request",
                "status": 400,
                "detail": say("detail.unreadable_request"),
            },
            ensure_ascii=False,
        ).encode()
        head = (
            "HTTP/1.1 400 Bad Request\r\n"
            "content-type: application/problem+json\r\n"
            f"content-length: {len(body)}\r\n"
            "connection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        self.transport.close()
