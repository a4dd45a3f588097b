"""The transport imports nothing per request: a failed import is retried (and costs a scan of
``sys.path``) on every call, so a missing optional module shows up as CPU on every page."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

import pytest

from connector_front.auth import StaticTokenAuth
from connector_front.paging import all_results
from connector_front.sandbox import SandboxServer
from connector_front.transport import FrontClient
from tests.limits import loose


class ImportWatch(MetaPathFinder):
    """Notes every module looked up by the import system (a lookup means it was not loaded)."""

    def __init__(self) -> None:
        self.looked_up: list[str] = []

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        self.looked_up.append(fullname)
        return None  # the other finders do the real work


@pytest.fixture
def import_watch() -> Iterator[ImportWatch]:
    watch = ImportWatch()
    sys.meta_path.insert(0, watch)
    yield watch
    sys.meta_path.remove(watch)


@pytest.mark.parametrize(
    "sandbox_config", [loose(seed=False, extra_contacts=60)], indirect=True
)
async def test_pages_after_the_first_import_nothing(
    sandbox: SandboxServer, import_watch: ImportWatch
) -> None:
    async with FrontClient(sandbox.url, StaticTokenAuth("sandbox-api-token")) as client:
        await all_results(client, "/contacts", params={"limit": 50})  # lazy imports happen here
        import_watch.looked_up.clear()
        listed = await all_results(client, "/contacts", params={"limit": 10})
    assert len(listed) == 60 and client.stats.requests == 2 + 6
    assert import_watch.looked_up == [], (
        f"modules looked up on every request: {sorted(set(import_watch.looked_up))} "
        "(a missing module is searched for again on each call; install it)"
    )
