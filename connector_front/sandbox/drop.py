"""Dropping a connection without any answer, for the "drop" fault.

ASGI has no way to say "hang up", so under uvicorn the sandbox reaches the
connection's asyncio transport (the owner of the `send` callable), sets
SO_LINGER to 0 and aborts it: the client sees a reset, not a 500. Elsewhere
(e.g. an in-process ASGI transport) it raises `ConnectionDropped` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Any


class ConnectionDropped(ConnectionResetError):
    """Raised when the server under the app gives no transport to abort."""


async def drop_connection(send: Any) -> None:
    owner = getattr(send, "__self__", None)
    transport = getattr(owner, "transport", None)
    if not isinstance(transport, asyncio.Transport):
        raise ConnectionDropped("sandbox fault: connection dropped")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # without linger the abort still closes the connection unanswered (FIN, not RST)
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    # let the server see the lost connection before the app returns, so it does
    # not try to answer "returned without starting response" with a 500
    await asyncio.sleep(0)
    await asyncio.sleep(0)
