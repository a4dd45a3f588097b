"""Full listings of every model through injected faults: every record exactly once, or a typed
error after which the same cursor resumes the listing."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from connector_front.connector import FrontConnector
from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.errors import ConnectorError, RateLimitedError
from connector_front.sandbox import SandboxServer
from tests.clock import SandboxTime

from .faults import KINDS, TIMEOUT, FaultDealer, lend_time

OWNER = "acme"
PAGE = 5
MODELS = [
    "genericContact",
    "genericCompany",
    "genericUser",
    "genericWorkspace",
    "ticketProject",
    "ticketIssue",
]


@pytest.fixture
async def connector(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[FrontConnector]:
    sandbox.state.seed_contacts(40)
    settings = sandbox_settings(sandbox, sandbox.config, tmp_path / "c.sqlite3")
    plugin = FrontConnector(settings.model_copy(update={"timeout": TIMEOUT}))
    await connect_owner(plugin, OWNER)
    yield plugin
    await plugin.aclose()


async def list_all(
    connector: FrontConnector,
    model: str,
    filters: dict[str, str] | None = None,
    *,
    time: SandboxTime | None = None,
) -> list[str]:
    """Every id of a listing, page by page, as a careful caller reads it: a rate-limit error
    says when to come back, and the same cursor resumes the listing then."""
    resources = connector.connection(OWNER).resources(model)
    ids: list[str] = []
    cursor: str | None = None
    while True:
        try:
            page = await resources.list(limit=PAGE, cursor=cursor, filters=filters)
        except RateLimitedError as exc:
            assert time is not None, exc.message
            assert exc.retry_after is not None, f"no time to come back: {exc.message}"
            assert "GET /" in exc.message, exc.message
            await time.sleep(exc.retry_after)
            continue
        ids += [record.id for record in page.data]
        if page.next is None:
            return ids
        cursor = page.next


async def every_listing(
    connector: FrontConnector, time: SandboxTime | None = None
) -> dict[str, list[str]]:
    found = {model: await list_all(connector, model, time=time) for model in MODELS}
    for issue in found["ticketIssue"]:
        found[f"ticketComment of {issue}"] = await list_all(
            connector, "ticketComment", {"issue": issue}, time=time
        )
    return found


FAST_KINDS = [name for name in KINDS if name != "slow"]


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_listing_through_faults_gives_every_record_once(
    connector: FrontConnector, sandbox: SandboxServer, seed: int
) -> None:
    expected = await every_listing(connector)
    assert all(len(ids) == len(set(ids)) for ids in expected.values())
    assert len(expected["genericContact"]) > 5 * PAGE

    time = await lend_time(connector, sandbox, OWNER)
    dealer = FaultDealer(sandbox, FAST_KINDS, seed=seed)
    connector.clients.get(OWNER).on_request = dealer.hook()
    assert await every_listing(connector, time) == expected
    assert set(dealer.dealt) == set(FAST_KINDS)  # every kind was met at least once
    assert time.slept  # retries waited, on the sandbox's clock
    assert connector.clients.get(OWNER).stats.retries >= len(dealer.dealt)


async def test_slow_answers_time_out_and_the_listing_completes(
    connector: FrontConnector, sandbox: SandboxServer
) -> None:
    expected = await list_all(connector, "genericContact")
    await lend_time(connector, sandbox, OWNER)
    dealer = FaultDealer(sandbox, ["slow"], seed=3, share=0.3, burst=1)
    connector.clients.get(OWNER).on_request = dealer.hook()
    assert await list_all(connector, "genericContact") == expected
    assert dealer.dealt


@pytest.mark.parametrize("kind", FAST_KINDS)
async def test_a_fault_outlasting_the_attempts_is_a_typed_error_and_the_cursor_resumes(
    connector: FrontConnector, sandbox: SandboxServer, kind: str
) -> None:
    expected = await list_all(connector, "genericContact")
    await lend_time(connector, sandbox, OWNER)
    resources = connector.connection(OWNER).resources("genericContact")
    first = await resources.list(limit=PAGE)
    attempts = connector.settings.max_attempts
    sandbox.state.add_fault({**KINDS[kind], "method": "GET", "path": "/*", "count": attempts})
    with pytest.raises(ConnectorError) as caught:
        await resources.list(limit=PAGE, cursor=first.next)
    sandbox.state.clear_faults()
    message = caught.value.message
    assert "GET /contacts" in message, message
    assert caught.value.status in (429, 502), message
    if isinstance(caught.value, RateLimitedError):  # when to come back, with or without retry-after
        assert caught.value.retry_after is not None, message
    rest = await list_all_from(connector, first.next)
    assert [r.id for r in first.data] + rest == expected
    counts = Counter([r.id for r in first.data] + rest)
    assert max(counts.values()) == 1


async def list_all_from(connector: FrontConnector, cursor: str | None) -> list[str]:
    resources = connector.connection(OWNER).resources("genericContact")
    ids: list[str] = []
    while cursor is not None:
        page = await resources.list(limit=PAGE, cursor=cursor)
        ids += [record.id for record in page.data]
        cursor = page.next
    return ids
