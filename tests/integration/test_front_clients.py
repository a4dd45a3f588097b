"""The connector keeps a bounded number of Front clients: the least recently used is dropped,
and its connections are closed once none of its requests is in flight (over loopback HTTP to
the sandbox Front)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from connector_front.auth import DatabaseStateStore, DatabaseTokenStore
from connector_front.context import FrontClients, owner_key
from connector_front.sandbox import SandboxServer
from connector_front.settings import ConnectorSettings
from connector_front.store import LazyDatabase
from connector_front.store.pacing import MemoryPacingState


def _clients(
    tmp_path: Path, sandbox: SandboxServer, *, max_clients: int, token: bool = True
) -> FrontClients:
    settings = ConnectorSettings(
        api_base=sandbox.url,
        api_token=SecretStr("sandbox-api-token") if token else None,
        client_id=None if token else "sandbox-client-id",
        client_secret=None if token else SecretStr("sandbox-client-secret"),
        max_clients=max_clients,
        max_attempts=1,  # a connection closed under a request would fail it, not be retried
        database=str(tmp_path / "c.sqlite3"),
    )
    database = LazyDatabase(settings.database)
    return FrontClients(
        settings, DatabaseTokenStore(database), DatabaseStateStore(database),
        pacing=MemoryPacingState(),
    )  # fmt: skip


async def test_clients_beyond_the_bound_are_dropped_least_recently_used_first(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    clients = _clients(tmp_path, sandbox, max_clients=2)
    first, second = clients.get("first"), clients.get("second")
    for client in (first, second):
        await client.request("GET", "/me")  # each has an open connection now
    assert clients.get("first") is first  # used again: "second" is now the oldest
    third = clients.get("third")
    await clients.wait_closed()
    assert len(clients) == 2
    assert second.closed and not first.closed
    assert clients.get("first") is first and clients.get("third") is third
    assert clients.get("second") is not second  # a new client, made when asked for
    await clients.aclose()
    assert first.closed and third.closed


async def test_a_client_dropped_mid_request_is_closed_when_the_request_ends(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    clients = _clients(tmp_path, sandbox, max_clients=1)
    busy = clients.get("busy")
    me = await busy.request("GET", "/me")  # its connection is open
    in_flight: list[int] = []

    def drop_while_sending(method: str, path: str) -> None:
        clients.get("other")  # the bound is 1: "busy" is dropped while its request is out
        in_flight.append(busy.in_flight)

    busy.on_request = drop_while_sending
    assert await busy.request("GET", "/me") == me  # not closed under the request
    assert in_flight == [1]
    await clients.wait_closed()
    assert busy.closed and busy.in_flight == 0
    # a caller still holding the dropped client may use it again: it reopens, then closes
    busy.on_request = None
    assert await busy.request("GET", "/me") == me
    assert busy.closed
    await clients.aclose()


async def test_a_dropped_owners_own_pacing_budget_is_forgotten(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    clients = _clients(tmp_path, sandbox, max_clients=3, token=False)
    assert isinstance(clients.pacing, MemoryPacingState)
    for n in range(10):
        clients.get(f"owner-{n}")
    await clients.wait_closed()
    assert len(clients) == 3
    assert len(clients.pacing) == 3  # the budgets of the clients kept, not one per owner seen
    assert clients.pacing.local(owner_key("owner-9")) is clients.get("owner-9").pacer.view
    await clients.aclose()
