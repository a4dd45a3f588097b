"""Which owners a stored webhook delivery belongs to: the policy, apart from the batch worker.

A rule webhook goes to the owner configured for its rule, else to the only connection, else
(API-token mode) to the token's owner. An application webhook goes to every connection of the
Front company it names (``authorization.id``); in API-token mode, when no connection is of that
company, to the token's owner if its account is. An owner's company that its connection does not
keep is asked of Front, at most once a minute per owner.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from connector_front.settings import ConnectorSettings
from connector_front.store.connections import ConnectionInfo
from connector_front.webhooks.queue import Delivery

COMPANY_CACHE_TTL = 60.0
"""Seconds an owner's company learnt from Front is trusted before it is asked again."""

CompanyOf = Callable[[str], Awaitable[str | None]]
"""The Front company (``cmp_``) of an owner's account, asked of Front (None: unknown)."""


@dataclass(frozen=True)
class RoutingRules:
    """What the settings say about owners: each rule webhook's, and the API token's."""

    rule_owners: Mapping[str, str]
    token_owner: str | None
    """The owner an API token acts for; None with OAuth (each owner authorizes their own)."""

    @classmethod
    def of(cls, settings: ConnectorSettings) -> RoutingRules:
        token_owner = None if settings.uses_oauth else settings.token_owner
        return cls(dict(settings.rule_owners), token_owner)


def rule_owners(rule_name: str | None, rules: RoutingRules, connected: Sequence[str]) -> list[str]:
    """The owners of a rule webhook: its configured owner, the only connection, the token's."""
    configured = rules.rule_owners.get(rule_name or "")
    if configured:
        return [configured]
    if len(connected) == 1:
        return [connected[0]]
    return [] if rules.token_owner is None else [rules.token_owner]


class DeliveryRouter:
    """Routes deliveries to owners, keeping the companies it learnt from Front for a minute."""

    def __init__(
        self,
        rules: RoutingRules,
        company_of: CompanyOf,
        *,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = COMPANY_CACHE_TTL,
    ) -> None:
        self._rules = rules
        self._company_of = company_of
        self._clock = clock
        self._ttl = ttl
        self._companies: dict[str, tuple[str | None, float]] = {}

    async def owners(self, delivery: Delivery, connections: Sequence[ConnectionInfo]) -> list[str]:
        """The owners ``delivery`` belongs to among ``connections`` (none: unrouted)."""
        if delivery.kind == "rule":
            return rule_owners(delivery.rule_name, self._rules, [c.owner_id for c in connections])
        return await self._company_owners(delivery.company_id, connections)

    async def _company_owners(
        self, company_id: str | None, connections: Sequence[ConnectionInfo]
    ) -> list[str]:
        owners = [
            c.owner_id
            for c in connections
            if (c.company_id or await self.company(c.owner_id)) == company_id
        ]
        token_owner = self._rules.token_owner
        if not owners and token_owner is not None and await self.company(token_owner) == company_id:
            owners = [token_owner]
        return owners

    async def company(self, owner_id: str) -> str | None:
        """The owner's company, asking Front at most once per ``ttl`` seconds per owner."""
        cached = self._companies.get(owner_id)
        now = self._clock()
        if cached is not None and now - cached[1] < self._ttl:
            return cached[0]
        company = await self._company_of(owner_id)
        self._companies[owner_id] = (company, now)
        return company
