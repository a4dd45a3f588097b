"""What the host enforces around its routes: caller keys, body limits, body read timeout."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connector_front.host.connect_origin import callback_origin

DEFAULT_HEADER_TIMEOUT = 10.0


@dataclass(frozen=True)
class HostConfig:
    """``keys`` empty means the host runs open (loopback only; ``serve`` enforces that)."""

    keys: tuple[str, ...] = field(default=(), repr=False)
    public_origins: tuple[str, ...] = ()
    """Origins browsers reach the host at besides its own address (serialized)."""
    callback_origin: str | None = None
    """The OAuth callback's origin (serialized), where the connect page is served; None with
    an API token (no consent to come back from)."""
    max_body_bytes: int = 1_000_000
    webhook_max_body_bytes: int = 5_000_000
    body_timeout: float = 10.0
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    metrics_companies: int = 10
    """Front companies whose budget gets a label of its own in the metrics."""

    @classmethod
    def from_settings(cls, settings: Any) -> HostConfig:
        """Read the host's settings off a connector's settings object, where it has them."""
        names = (
            "max_body_bytes",
            "webhook_max_body_bytes",
            "body_timeout",
            "header_timeout",
            "metrics_companies",
        )
        found = {name: getattr(settings, name) for name in names if hasattr(settings, name)}
        return cls(
            keys=tuple(getattr(settings, "host_keys", ())),
            public_origins=tuple(getattr(settings, "public_origins", ())),
            callback_origin=callback_origin(settings),
            **found,
        )

    def __repr__(self) -> str:
        return (
            f"HostConfig(keys={len(self.keys)}, public_origins={self.public_origins!r}, "
            f"callback_origin={self.callback_origin!r}, "
            f"max_body_bytes={self.max_body_bytes}, "
            f"webhook_max_body_bytes={self.webhook_max_body_bytes}, "
            f"body_timeout={self.body_timeout:g}, header_timeout={self.header_timeout:g}, "
            f"metrics_companies={self.metrics_companies})"
        )
