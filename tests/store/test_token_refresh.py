"""One refresh across processes, against the sandbox's real token endpoint (which rotates
refresh tokens), on both backends. Two ``Database`` objects, each with its own flow and
in-process lock, stand for two worker processes."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from connector_front.auth import (
    DatabaseStateStore,
    DatabaseTokenStore,
    OAuthFlow,
    OAuthSettings,
    TokenCipher,
    TokenManager,
)
from connector_front.errors import AuthorizationRequiredError
from connector_front.health import token_health
from connector_front.sandbox import SandboxServer
from connector_front.store import Database, open_database
from tests.conftest import CALLBACK
from tests.integration.conftest import SandboxAdmin, play_customer

OWNER = "acme"
REPO = Path(__file__).resolve().parents[2]
KEY = "S0bGd3BK9yUqXMvRWc6o7JmZf1-VbqQ4N9p7x2a5Ttk="


@pytest.fixture
def admin(sandbox: SandboxServer) -> Iterator[SandboxAdmin]:
    client = SandboxAdmin(sandbox.url)
    yield client
    client.close()


@pytest.fixture
async def processes(database_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two databases on one setting: what two worker processes each open."""
    first, second = await open_database(database_url), await open_database(database_url)
    yield first, second
    await first.close()
    await second.close()


def make_flow(
    sandbox: SandboxServer, db: Database, http: httpx.AsyncClient | None = None
) -> OAuthFlow:
    settings = OAuthSettings.for_base_url(
        sandbox.url,
        client_id=sandbox.config.client_id,
        client_secret=sandbox.config.client_secret,
        redirect_uri=CALLBACK,
    )
    tokens = DatabaseTokenStore(db, cipher=TokenCipher([KEY]))
    return OAuthFlow(settings, tokens, DatabaseStateStore(db), http=http)


def manager(sandbox: SandboxServer, flow: OAuthFlow) -> TokenManager:
    return TokenManager(OWNER, flow, flow.tokens, clock=sandbox.state.clock)


async def authorize(flow: OAuthFlow) -> None:
    await flow.complete(*await play_customer(await flow.authorization_url(OWNER)))


async def works(sandbox: SandboxServer, token: str) -> bool:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        answer = await http.get("/me", headers={"authorization": f"Bearer {token}"})
    return answer.status_code == 200


async def start_worker(
    sandbox: SandboxServer, database_url: str, folder: Path, *, send: bool = False
) -> asyncio.subprocess.Process:
    """A ``tests.store.refresh_worker`` process refreshing :data:`OWNER`'s tokens (its token
    request held inside the worker, or sent to Front with ``send``)."""
    env = {
        **os.environ,
        "WORKER_DATABASE": database_url,
        "WORKER_SANDBOX": sandbox.url,
        "WORKER_CLIENT_ID": sandbox.config.client_id,
        "WORKER_CLIENT_SECRET": sandbox.config.client_secret,
        "WORKER_KEY": KEY,
        "WORKER_STATES": str(folder / "worker-states.sqlite3"),
        "WORKER_OWNER": OWNER,
        "WORKER_SEND": "1" if send else "0",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.store.refresh_worker",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def holding(worker: asyncio.subprocess.Process) -> None:
    """Until the worker holds the refresh lock and sends its token request."""
    assert worker.stdout is not None
    line = await asyncio.wait_for(worker.stdout.readline(), timeout=60)
    if line.strip() != b"holding":
        _, err = await asyncio.wait_for(worker.communicate(), timeout=30)
        pytest.fail(f"the worker never took the refresh lock: {err.decode()[-2000:]}")


async def test_two_processes_on_an_expired_token_refresh_it_once(
    sandbox: SandboxServer,
    admin: SandboxAdmin,
    processes: tuple[Database, Database],
) -> None:
    flows = [make_flow(sandbox, db) for db in processes]
    await authorize(flows[0])
    admin.advance_clock(3600 + 1)  # expired on both sides
    managers = [manager(sandbox, flow) for flow in flows for _ in range(3)]
    tokens = await asyncio.gather(*(m.access_token() for m in managers for _ in range(5)))
    assert len(set(tokens)) == 1  # every caller of both processes got the one new token
    assert admin.stats()["grants"]["refresh_token"] == 1  # and no invalid_grant was raised
    assert await works(sandbox, tokens[0])
    stored = await flows[1].tokens.get(OWNER)
    assert stored is not None and stored.access_token == tokens[0]


async def test_after_a_401_the_other_process_uses_the_token_refreshed_meanwhile(
    sandbox: SandboxServer,
    admin: SandboxAdmin,
    processes: tuple[Database, Database],
) -> None:
    flows = [make_flow(sandbox, db) for db in processes]
    await authorize(flows[0])
    first, second = (manager(sandbox, flow) for flow in flows)
    old = await second.access_token()  # the second process holds the old token in memory
    admin.expire_tokens()  # Front-side expiry: both learn of it from 401s
    renewed = await first.refresh_after_401(old)
    assert await second.refresh_after_401(old) == renewed  # read under the lock: no refresh
    assert admin.stats()["grants"]["refresh_token"] == 1


async def test_a_refresh_cancelled_inside_the_lock_leaves_the_old_tokens_usable(
    sandbox: SandboxServer,
    admin: SandboxAdmin,
    processes: tuple[Database, Database],
) -> None:
    reached = asyncio.Event()

    async def hold(request: httpx.Request) -> None:
        """The token request never leaves: the worker is stopped while it waits for Front."""
        if request.url.path == "/oauth/token":
            reached.set()
            await asyncio.Event().wait()

    async with httpx.AsyncClient(event_hooks={"request": [hold]}) as held:
        doomed = make_flow(sandbox, processes[0], http=held)
        survivor = make_flow(sandbox, processes[1])
        await authorize(survivor)
        before = await processes[1].fetch(
            "SELECT access_token, refresh_token, version FROM oauth_tokens"
        )
        admin.advance_clock(3600 + 1)
        task = asyncio.create_task(manager(sandbox, doomed).access_token())
        await asyncio.wait_for(reached.wait(), timeout=30)  # the refresh lock is held now
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    after = await processes[1].fetch(
        "SELECT access_token, refresh_token, version FROM oauth_tokens"
    )
    assert after == before  # the interrupted refresh changed nothing
    token = await manager(sandbox, survivor).access_token()  # the lock went with it
    assert await works(sandbox, token)
    assert admin.stats()["grants"]["refresh_token"] == 1


async def test_a_worker_killed_inside_a_refresh_releases_the_lock_and_leaves_the_tokens(
    sandbox: SandboxServer,
    admin: SandboxAdmin,
    database_url: str,
    processes: tuple[Database, Database],
    tmp_path: Path,
) -> None:
    flow = make_flow(sandbox, processes[0])
    await authorize(flow)
    old = await flow.tokens.get(OWNER)
    assert old is not None
    worker = await start_worker(sandbox, database_url, tmp_path)
    try:
        await holding(worker)
        survivor = asyncio.create_task(manager(sandbox, flow).refresh_after_401(old.access_token))
        await asyncio.sleep(0.5)
        assert not survivor.done()  # it waits for the lock the worker holds
        worker.kill()  # SIGKILL: no cleanup runs in the worker
        await worker.wait()
        token = await asyncio.wait_for(survivor, timeout=60)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    assert token != old.access_token and await works(sandbox, token)
    assert admin.stats()["grants"]["refresh_token"] == 1  # the killed worker's never left


async def test_a_worker_killed_after_front_rotated_the_token_leaves_a_dead_grant_said_once(
    sandbox: SandboxServer,
    admin: SandboxAdmin,
    database_url: str,
    processes: tuple[Database, Database],
    tmp_path: Path,
) -> None:
    # Front rotated the refresh token; the worker died before storing the new one. Nothing can
    # bring that grant back: every worker must say so (re-authorize), and only one token
    # request may be spent learning it.
    flows = [make_flow(sandbox, db) for db in processes]
    await authorize(flows[0])
    old = await flows[0].tokens.get(OWNER)
    assert old is not None
    admin.fault(method="POST", path="/oauth/token", kind="late", delay=60)
    worker = await start_worker(sandbox, database_url, tmp_path, send=True)
    try:
        await holding(worker)
        await granted(admin, 1)  # Front answered (rotated): the answer is on its way
        worker.kill()  # SIGKILL between Front's grant and the store
        await worker.wait()
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    admin.call("DELETE", "/faults")
    calls = [manager(sandbox, flow) for flow in flows for _ in range(3)]
    for caller in calls:
        with pytest.raises(AuthorizationRequiredError) as refused:
            await caller.refresh_after_401(old.access_token)
        assert refused.value.details == {"reason": "grant_refused"}
        assert f"Re-authorize the Front connection for owner {OWNER!r}" in refused.value.message
    assert admin.stats()["refused"] == {"refresh_token": {"invalid_grant": 1}}
    stored = await flows[1].tokens.get(OWNER)
    assert token_health(stored, OWNER)["status"] == "refused"
    await authorize(flows[1])  # a new authorization replaces the dead grant
    assert await works(sandbox, await manager(sandbox, flows[0]).refresh_after_401("stale"))


async def granted(admin: SandboxAdmin, refreshes: int) -> None:
    """Until Front's token endpoint has granted ``refreshes`` refreshes (bounded)."""
    for _ in range(600):
        if admin.stats()["grants"]["refresh_token"] >= refreshes:
            return
        await asyncio.sleep(0.1)
    pytest.fail(f"Front granted fewer than {refreshes} refreshes within 60 s")
