"""With every logger at DEBUG and no encryption key, no token reaches a log line: the database
drivers' own records never carry a statement's parameters (aiosqlite's did; psycopg's never
held them). The secret guard collects every record of this module's tests at DEBUG."""

from __future__ import annotations

import logging

import pytest

from connector_front.dev.embedded import connect_owner, sandbox_settings
from connector_front.host import load_connector
from connector_front.sandbox import SandboxServer

pytestmark = pytest.mark.debug_logs


async def test_no_token_in_any_log_line_at_debug(
    database_url: str, sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    settings = sandbox_settings(sandbox, sandbox.config, database_url).model_copy(
        update={"encryption_key": None}  # tokens stored as they are
    )
    connector = load_connector("front", settings)
    try:
        await connect_owner(connector, "acme", ["genericContact::list"])
        stored = await connector.tokens.get("acme")
        assert stored is not None
        page = await connector.connection("acme").resources("genericContact").list(limit=1)
        assert page.data
    finally:
        await connector.aclose()
    # DEBUG records were collected (the guard checks each for the tokens issued above)
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    if database_url.startswith("sqlite"):
        statements = [r.getMessage() for r in caplog.records if r.name == "aiosqlite"]
        assert any("execute(...)" in line for line in statements), statements[:3]
    assert not any(stored.access_token in r.getMessage() for r in caplog.records)
