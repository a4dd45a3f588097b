"""Routing a webhook delivery to owners, alone: rules, companies, the token's owner, the cache."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from connector_front.events.routing import (
    COMPANY_CACHE_TTL,
    DeliveryRouter,
    RoutingRules,
    rule_owners,
)
from connector_front.settings import ConnectorSettings
from connector_front.store.connections import ConnectionInfo
from connector_front.webhooks.queue import Delivery
from tests.clock import FakeClock

OAUTH = RoutingRules(rule_owners={"triage": "ops"}, token_owner=None)
TOKEN = RoutingRules(rule_owners={}, token_owner="demo")


def application(company: str | None) -> Delivery:
    return Delivery(1, "application", None, "tag_added", company, {"id": "evt_1"}, 0)


def rule(name: str | None) -> Delivery:
    return Delivery(1, "rule", name, None, None, {"id": "evt_1"}, 0)


def connected(*owners: tuple[str, str | None]) -> list[ConnectionInfo]:
    return [
        ConnectionInfo(owner, ("ticketIssue::events",), 0.0, company) for owner, company in owners
    ]


class Front:
    """Each owner's company as Front's ``GET /me`` would say, counting the questions."""

    def __init__(self, companies: dict[str, str | None]) -> None:
        self.companies = companies
        self.asked: list[str] = []

    async def __call__(self, owner_id: str) -> str | None:
        self.asked.append(owner_id)
        return self.companies.get(owner_id)


@pytest.mark.parametrize(
    ("name", "rules", "connections", "expected"),
    [
        ("triage", OAUTH, ["a", "b"], ["ops"]),  # its configured owner, whoever is connected
        ("other", OAUTH, ["a"], ["a"]),  # else the only connection
        ("other", OAUTH, ["a", "b"], []),  # several: nobody's with OAuth
        (None, OAUTH, [], []),
        ("other", TOKEN, ["a", "b"], ["demo"]),  # the token's owner in API-token mode
        (None, TOKEN, [], ["demo"]),
    ],
)
def test_a_rule_webhook_goes_to_its_owner(
    name: str | None, rules: RoutingRules, connections: Sequence[str], expected: list[str]
) -> None:
    assert rule_owners(name, rules, connections) == expected


async def test_a_rule_delivery_asks_front_nothing(clock: FakeClock) -> None:
    front = Front({})
    router = DeliveryRouter(OAUTH, front, clock=clock)
    assert await router.owners(rule("triage"), connected(("a", None))) == ["ops"]
    assert front.asked == []


async def test_an_application_delivery_goes_to_every_connection_of_its_company(
    clock: FakeClock,
) -> None:
    front = Front({"c": "cmp_1"})
    router = DeliveryRouter(OAUTH, front, clock=clock)
    connections = connected(("a", "cmp_1"), ("b", "cmp_2"), ("c", None), ("d", "cmp_1"))
    assert await router.owners(application("cmp_1"), connections) == ["a", "c", "d"]
    assert front.asked == ["c"]  # only the connection that does not keep its company


async def test_with_oauth_a_company_nobody_is_connected_to_is_unrouted(clock: FakeClock) -> None:
    router = DeliveryRouter(OAUTH, Front({}), clock=clock)
    assert await router.owners(application("cmp_9"), connected(("a", "cmp_1"))) == []


@pytest.mark.parametrize(("token_company", "expected"), [("cmp_9", ["demo"]), ("cmp_1", [])])
async def test_in_token_mode_the_tokens_owner_takes_its_own_companys_deliveries(
    token_company: str, expected: list[str], clock: FakeClock
) -> None:
    router = DeliveryRouter(TOKEN, Front({"demo": token_company}), clock=clock)
    assert await router.owners(application("cmp_9"), connected(("a", "cmp_1"))) == expected


async def test_a_connected_owner_of_the_company_comes_before_the_tokens_owner(
    clock: FakeClock,
) -> None:
    front = Front({"demo": "cmp_1"})
    router = DeliveryRouter(TOKEN, front, clock=clock)
    assert await router.owners(application("cmp_1"), connected(("a", "cmp_1"))) == ["a"]
    assert front.asked == []


async def test_front_is_asked_an_owners_company_at_most_once_a_minute(clock: FakeClock) -> None:
    front = Front({"c": "cmp_1"})
    router = DeliveryRouter(OAUTH, front, clock=clock)
    for _ in range(3):
        assert await router.owners(application("cmp_1"), connected(("c", None))) == ["c"]
    assert front.asked == ["c"]
    clock.now += COMPANY_CACHE_TTL - 0.001
    await router.company("c")
    assert front.asked == ["c"]
    clock.now += 0.001
    await router.company("c")
    assert front.asked == ["c", "c"]


async def test_an_unknown_company_is_remembered_too(clock: FakeClock) -> None:
    front = Front({})
    router = DeliveryRouter(OAUTH, front, clock=clock)
    for _ in range(2):
        assert await router.owners(application("cmp_1"), connected(("c", None))) == []
    assert front.asked == ["c"]


def test_the_rules_come_from_the_settings() -> None:
    oauth = ConnectorSettings(client_id="id", client_secret="secret", rule_owners={"r": "o"})
    assert RoutingRules.of(oauth) == RoutingRules({"r": "o"}, None)
    token = ConnectorSettings(api_token="t", token_owner="me")
    assert RoutingRules.of(token) == RoutingRules({}, "me")
