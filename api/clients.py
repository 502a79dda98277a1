"""Who is calling: the client's address as the server saw it, and whether it is this machine.

Behind a reverse proxy on this machine every client would look local, unless the proxy
sends X-Forwarded-For (uvicorn takes the client's address from it for connections from
127.0.0.1): see docs/operations.md.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache


def client_host(scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def is_local(scope) -> bool:
    """Whether the request comes from a loopback address (127.0.0.0/8, ::1)."""
    return _loopback(client_host(scope))


@lru_cache(maxsize=4096)
def _loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # no address, or a name (a Unix socket, a test client)
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return (mapped or address).is_loopback
