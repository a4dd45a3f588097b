"""A worker process that starts a refresh and is killed inside it (by the test that runs it).

It takes the owner's refresh lock, sends the token request through a client that never lets
it leave, prints ``holding`` and waits to be killed. With ``WORKER_SEND=1`` the request does
leave (the test holds Front's answer back and kills the worker once Front has granted it).
Settings come from the environment: ``WORKER_DATABASE``, ``WORKER_SANDBOX``,
``WORKER_CLIENT_ID``, ``WORKER_CLIENT_SECRET``, ``WORKER_KEY``, ``WORKER_STATES`` (a file for
OAuth states) and ``WORKER_OWNER``.
"""

from __future__ import annotations

import asyncio
import os

import httpx

from connector_front.auth import (
    DatabaseStateStore,
    DatabaseTokenStore,
    OAuthFlow,
    OAuthSettings,
    TokenCipher,
    TokenManager,
)
from connector_front.store import LazyDatabase, open_database


async def main() -> None:
    env = os.environ
    db = await open_database(env["WORKER_DATABASE"])

    sends = env.get("WORKER_SEND") == "1"

    async def hold(request: httpx.Request) -> None:
        print("holding", flush=True)
        if not sends:
            await asyncio.Event().wait()

    settings = OAuthSettings.for_base_url(
        env["WORKER_SANDBOX"],
        client_id=env["WORKER_CLIENT_ID"],
        client_secret=env["WORKER_CLIENT_SECRET"],
        redirect_uri="http://127.0.0.1:9/cb",
    )
    tokens = DatabaseTokenStore(db, cipher=TokenCipher([env["WORKER_KEY"]]))
    states = DatabaseStateStore(LazyDatabase(env["WORKER_STATES"]))
    async with httpx.AsyncClient(event_hooks={"request": [hold]}) as http:
        flow = OAuthFlow(settings, tokens, states, http=http)
        manager = TokenManager(env["WORKER_OWNER"], flow, tokens)
        stored = await tokens.get(env["WORKER_OWNER"])
        assert stored is not None
        await manager.refresh_after_401(stored.access_token)


if __name__ == "__main__":
    asyncio.run(main())
