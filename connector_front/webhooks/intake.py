"""The host-facing intake: verify a delivery, store it, answer Front at once.

Nothing here calls Front: the answer comes as soon as the delivery is durable, whatever
Front's API is doing, well inside Front's 5 s. Processing runs after (``events.processor``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from connector_front import observe
from connector_front.observe.signals import WebhookReceived
from connector_front.settings import ConnectorSettings
from connector_front.webhooks.queue import DeliveryQueue
from connector_front.webhooks.verify import (
    Verified,
    WebhookRejected,
    verify_application,
    verify_rule,
)

logger = logging.getLogger("connector_front.webhooks")


@dataclass(frozen=True)
class IntakeAnswer:
    """What the host answers Front: 200 and a small JSON body."""

    body: dict[str, Any] = field(default_factory=dict)
    status: int = 200


class WebhookIntake:
    """Checks and stores Front webhook deliveries; ``stored`` is called after each one."""

    def __init__(
        self,
        settings: ConnectorSettings,
        queue: DeliveryQueue,
        *,
        clock: Callable[[], float] = time.time,
        stored: Callable[[], None] | None = None,
    ) -> None:
        self._settings = settings
        self._queue = queue
        self._clock = clock
        self._stored = stored

    async def application(self, body: bytes, headers: Mapping[str, str]) -> IntakeAnswer:
        """An application webhook (or its validation challenge)."""
        try:
            verified = check_delivery(self._settings, body, headers, now=self._clock())
        except WebhookRejected as exc:
            logger.warning("application webhook refused (%s): %s", exc.code, exc.message)
            observe.emit(WebhookReceived("application", "refused", exc.code))
            raise
        if verified.challenge is not None:
            logger.info("answered Front's webhook validation challenge")
            observe.emit(WebhookReceived("application", "challenge"))
            return IntakeAnswer({"challenge": verified.challenge})
        assert verified.event is not None
        delivery = await self._queue.add(
            kind="application",
            event=verified.event,
            webhook_type=verified.webhook_type,
            company_id=verified.company_id,
            raw=body,
            headers=front_headers(headers),
        )
        logger.info(
            "stored application webhook %s (%s, event %s) as delivery %d",
            verified.webhook_type,
            verified.company_id,
            verified.event_id,
            delivery,
        )
        observe.emit(WebhookReceived("application", "stored"))
        self._notify()
        return IntakeAnswer({"received": True, "delivery": delivery})

    async def rule(self, name: str, body: bytes, headers: Mapping[str, str]) -> IntakeAnswer:
        """A rule webhook named ``name`` (its secret is ``FRONT_RULE_SECRET_<NAME>``)."""
        try:
            verified = check_delivery(self._settings, body, headers, now=self._clock(), rule=name)
        except WebhookRejected as exc:
            logger.warning("rule webhook %r refused (%s): %s", name, exc.code, exc.message)
            observe.emit(WebhookReceived("rule", "refused", exc.code))
            raise
        assert verified.event is not None
        delivery = await self._queue.add(
            kind="rule",
            event=verified.event,
            rule_name=name,
            raw=body,
            headers=front_headers(headers),
        )
        logger.info(
            "stored rule webhook %r (event %s) as delivery %d", name, verified.event_id, delivery
        )
        observe.emit(WebhookReceived("rule", "stored"))
        self._notify()
        return IntakeAnswer({"received": True, "delivery": delivery})

    def _notify(self) -> None:
        if self._stored is not None:
            self._stored()


def check_delivery(
    settings: ConnectorSettings,
    body: bytes,
    headers: Mapping[str, str],
    *,
    now: float,
    rule: str | None = None,
    secrets: Sequence[str] = (),
) -> Verified:
    """A delivery checked with the settings' secrets (or ``secrets``, when given): an
    application webhook, or rule webhook ``rule``."""
    limit = settings.webhook_max_body_bytes
    if rule is not None:
        stored = settings.rule_secret(rule)
        secret = secrets[0] if secrets else (stored.get_secret_value() if stored else None)
        return verify_rule(body, headers, secret, name=rule, max_bytes=limit)
    accepted = list(secrets) or [s.get_secret_value() for s in settings.webhook_secrets]
    return verify_application(
        body, headers, accepted, now=now, tolerance=settings.webhook_tolerance, max_bytes=limit
    )


def front_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The ``x-front-*`` headers of a delivery (what replaying it needs), lower-cased."""
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-front-")}
