"""The listening socket of a command's server, bound before anything is printed or written.

Every command that serves (``sandbox``, ``serve``, ``connect``'s redirect listener) binds here,
so a port in use or an address this machine does not have is one line naming the flag or
setting and what to do, the same for each, before a banner or a database file.
"""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass

from connector_front.errors import ConfigurationError

BACKLOG = 128
CHOOSE_ANOTHER = "stop that process, or choose another port (--port 0 picks a free one)"


@dataclass(frozen=True)
class Named:
    """How the command's user gave the address: the flag or setting to name in a message."""

    host: str = "--host"
    port: str = "--port"
    busy: str = CHOOSE_ANOTHER
    """What to do when the port is taken."""


FLAGS = Named()


def listen(host: str, port: int, named: Named = FLAGS) -> socket.socket:
    """A TCP socket listening on ``host:port`` (port 0: a free one); a ConfigurationError
    naming ``named``'s flag when it cannot be bound. Accepted connections get TCP_NODELAY
    (asyncio sets it only on sockets made with IPPROTO_TCP)."""
    if not 0 <= port <= 65535:
        raise ConfigurationError(f"{named.port} {port}: a port is a number from 0 to 65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # a name: its IPv4 address
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise ConfigurationError(_refusal(exc, host, port, named)) from None
    sock.setblocking(False)
    return sock


def bound_port(sock: socket.socket) -> int:
    """The port a socket listens on (the free one picked for port 0)."""
    return int(sock.getsockname()[1])


def _refusal(exc: OSError, host: str, port: int, named: Named) -> str:
    """One line: which flag, what went wrong, what to do."""
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"{named.port} {port}: {where} is already in use by another process; {named.busy}"
    if exc.errno == errno.EACCES:
        return (
            f"{named.port} {port}: this user may not listen on {where} (ports below 1024 need "
            "administrator rights); choose a port from 1024 up"
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return (
            f"{named.host} {host}: not an address of this machine; give one of its addresses "
            "(127.0.0.1 serves this machine only)"
        )
    return f"{named.host} {host} {named.port} {port}: cannot listen on {where} ({exc.strerror})"
