"""Front's links in proxied answers, pointed back at the proxy so a client can keep paging.

Front answers carry absolute URLs to itself in ``_pagination.next`` and ``_links``; a
client of the host's ``/proxy`` follows them through the host instead of leaving it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Relink = Callable[[str], str | None]
"""A Front URL -> the proxy URL for it, or None to leave the URL as it is."""


def rewrite_links(document: Any, relink: Relink) -> Any:
    """A copy of a Front JSON document with ``_pagination.next`` and ``_links`` URLs relinked."""
    if isinstance(document, list):
        return [rewrite_links(item, relink) for item in document]
    if not isinstance(document, dict):
        return document
    copy: dict[str, Any] = {}
    for key, value in document.items():
        if key == "_links":
            copy[key] = _relink_all(value, relink)
        elif key == "_pagination" and isinstance(value, dict):
            copy[key] = {k: _relink_all(v, relink) if k == "next" else v for k, v in value.items()}
        else:
            copy[key] = rewrite_links(value, relink)
    return copy


def _relink_all(value: Any, relink: Relink) -> Any:
    if isinstance(value, str):
        return relink(value) or value
    if isinstance(value, dict):
        return {k: _relink_all(v, relink) for k, v in value.items()}
    if isinstance(value, list):
        return [_relink_all(v, relink) for v in value]
    return value


def relinked_response(answer: httpx.Response, relink: Relink) -> httpx.Response:
    """``answer`` with its JSON body's links relinked (other bodies are returned unchanged)."""
    if "json" not in answer.headers.get("content-type", "") or not answer.content:
        return answer
    try:
        document = json.loads(answer.content)
    except (ValueError, UnicodeDecodeError):
        return answer
    body = json.dumps(rewrite_links(document, relink), ensure_ascii=False).encode()
    headers = [
        (k, v)
        for k, v in answer.headers.multi_items()
        if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")
    ]
    return httpx.Response(answer.status_code, headers=headers, content=body)
