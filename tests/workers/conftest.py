"""Fixtures of the many-workers proof: the database backends, and whether the connector can use
a shared PostgreSQL database yet."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import tempfile
from pathlib import Path

from connector_front.connector import FrontConnector
from connector_front.settings import ConnectorSettings
from tests.store.conftest import fresh_postgres, postgres_url

__all__ = ["fresh_postgres", "postgres_url", "stores_on_the_store_layer"]


@functools.cache
def stores_on_the_store_layer() -> bool:
    """Whether the connector keeps its data in the ``database`` setting's store layer: given a
    ``postgresql://`` URL of an unreachable server, it tries the server instead of creating a
    file or folder named after the URL (as the per-file SQLite stores did)."""
    url = "postgresql://probe@127.0.0.1:1/probe"
    settings = ConnectorSettings(
        database=url, client_id="probe", client_secret="probe", cursor_key="probe"
    )
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="connector-front-probe-") as folder:
        os.chdir(folder)
        try:

            async def touch() -> None:
                connector = FrontConnector(settings)
                try:
                    # an unreachable server: an error, or a wait for it (cut short)
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(connector.authorization_origin("probe"), 5)
                finally:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(connector.aclose(), 5)

            asyncio.run(touch())
            return not any(Path(folder).iterdir())
        finally:
            os.chdir(here)
