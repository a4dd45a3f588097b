"""Absolute URLs on the sandbox's own base URL, as Front writes them in `_links`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Links:
    """Absolute URLs on the sandbox's own base URL (`public_url` or the served one)."""

    base: str

    def url(self, path: str) -> str:
        return self.base + path
