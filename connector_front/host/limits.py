"""Request body limits: a size cap per route family and a deadline to receive the body.

Without them a 100 MB body sat in memory and a body that never came held a connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connector_front.errors import ConnectorError


class BodyTooLargeError(ConnectorError):
    code = "body_too_large"
    status = 413


class BodyTimeoutError(ConnectorError):
    code = "body_timeout"
    status = 408


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimits:
    """ASGI middleware: 413 over the size limit (``limits``: path prefix -> bytes, first match,
    else ``default``), 408 when the whole body has not arrived within ``timeout`` seconds.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        limits: Sequence[tuple[str, int]] = (),
        timeout: float,
    ) -> None:
        self.app = app
        self.default = default
        self.limits = tuple(limits)
        self.timeout = timeout

    def limit_for(self, path: str) -> int:
        return next((size for prefix, size in self.limits if path.startswith(prefix)), self.default)

    def too_large(self, limit: int) -> BodyTooLargeError:
        return BodyTooLargeError(
            f"request body is larger than this host accepts ({limit} bytes); send less, or "
            "raise the limit in the host's settings"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            error = self.too_large(limit)
            answer = JSONResponse(error.to_dict(), status_code=error.status)
            await answer(scope, receive, send)
            return
        received = 0
        complete = False
        deadline = time.monotonic() + self.timeout

        async def limited() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise BodyTimeoutError(
                    f"the request body did not arrive within {self.timeout:g} s; send the "
                    "whole body promptly (and a content-length that matches it)"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > limit:
                    raise self.too_large(limit)
            else:
                complete = True
            return message

        await self.app(scope, limited, send)
