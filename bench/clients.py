"""The clients bench_clients compares, each walking one full Front listing.

Run as a child process so its CPU time and peak memory are its own:

    BENCH_FRONT_TOKEN=sandbox-api-token python bench/clients.py CLIENT COLLECTION URL

CLIENT is `connector`, `dlt`, `httpx` or `httpx-async`; COLLECTION is `contacts` or
`conversations`. Prints one JSON object: records, the 429s the client saw (bare httpx only;
null where a library retries inside), wall and CPU seconds of the walk, and its peak resident
set (VmHWM) before and after it. Every client drops each record once counted, as a streaming
consumer would.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MODELS = {"contacts": "genericContact", "conversations": "ticketIssue"}
"""Front collection -> the unified model the connector lists it as."""
PAGE = 100
"""Records per page, Front's maximum, for every client."""


def walk_connector(url: str, token: str, collection: str) -> tuple[int, int | None]:
    """The connector's public listing API (`Resources.pages`, one operation for the whole
    walk): every page of the unified model, records dropped."""
    from connector_front.connector import FrontConnector
    from connector_front.settings import ConnectorSettings

    async def walk(folder: str) -> tuple[int, int | None]:
        settings = ConnectorSettings(
            api_base=url, api_token=token, database=str(Path(folder) / "bench.sqlite3")
        )
        connector = FrontConnector(settings)
        resources = connector.connection("bench").resources(MODELS[collection])
        records = 0
        try:
            async for page in resources.pages(limit=PAGE):
                records += len(page.data)
        finally:
            await connector.aclose()
        return records, None  # the transport retries 429s inside; the sandbox counts them

    with tempfile.TemporaryDirectory(prefix="bench-connector-") as folder:
        return asyncio.run(walk(folder))


def walk_dlt(url: str, token: str, collection: str) -> tuple[int, int | None]:
    """dlt's `rest_api` source, its resource iterated directly: no pipeline, no destination."""
    from dlt.sources.rest_api import rest_api_source

    source = rest_api_source(
        {
            "client": {
                "base_url": url,
                "auth": {"type": "bearer", "token": token},
                "paginator": {"type": "json_link", "next_url_path": "_pagination.next"},
            },
            "resources": [
                {
                    "name": collection,
                    "endpoint": {
                        "path": collection,
                        "params": {"limit": PAGE},
                        "data_selector": "_results",
                    },
                }
            ],
        }
    )
    records = 0
    for item in source.resources[collection]:
        records += len(item) if isinstance(item, list) else 1
    return records, None  # dlt's session retries 429s inside; the sandbox counts them


def bare_step(answer: Any) -> tuple[int, str | None] | float:
    """What a bare loop makes of one answer: (records on the page, the next link), or the
    seconds a 429 asks it to wait."""
    if answer.status_code == 429:
        return float(answer.headers.get("retry-after", "1"))
    answer.raise_for_status()
    page: dict[str, Any] = json.loads(answer.content)
    return len(page["_results"]), (page.get("_pagination") or {}).get("next")


def walk_httpx(url: str, token: str, collection: str) -> tuple[int, int | None]:
    """A bare loop: GET a page, json.loads it, follow `_pagination.next` (waits out a 429)."""
    import httpx

    headers = {"authorization": f"Bearer {token}"}
    records, limited = 0, 0
    next_url: str | None = f"{url}/{collection}?limit={PAGE}"
    with httpx.Client(headers=headers, timeout=60) as client:
        while next_url is not None:
            step = bare_step(client.get(next_url))
            if isinstance(step, float):
                limited += 1
                time.sleep(step)
                continue
            count, next_url = step
            records += count
    return records, limited


def walk_httpx_async(url: str, token: str, collection: str) -> tuple[int, int | None]:
    """The same bare loop on `httpx.AsyncClient` with httpx's own transport (httpcore)."""
    import httpx

    async def walk() -> tuple[int, int]:
        headers = {"authorization": f"Bearer {token}"}
        records, limited = 0, 0
        next_url: str | None = f"{url}/{collection}?limit={PAGE}"
        async with httpx.AsyncClient(headers=headers, timeout=60) as client:
            while next_url is not None:
                step = bare_step(await client.get(next_url))
                if isinstance(step, float):
                    limited += 1
                    await asyncio.sleep(step)
                    continue
                count, next_url = step
                records += count
        return records, limited

    return asyncio.run(walk())


CLIENTS: dict[str, Callable[[str, str, str], tuple[int, int | None]]] = {
    "connector": walk_connector,
    "dlt": walk_dlt,
    "httpx": walk_httpx,
    "httpx-async": walk_httpx_async,
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def maxrss_mib() -> float:
    """This process's peak resident set so far, in MiB.

    Linux's ``VmHWM`` (/proc/self/status) belongs to this program alone; ``ru_maxrss`` is kept
    across fork and exec, so a child would report its parent's peak. Elsewhere: ru_maxrss."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(client: str, collection: str, url: str, token: str) -> dict[str, Any]:
    """One full walk by `client`, with its wall time, CPU time and memory."""
    walk = CLIENTS[client]
    # import the client's libraries before measuring: the walk is what is compared
    if client == "dlt":
        import dlt.sources.rest_api  # noqa: F401
    elif client == "connector":  # and aiohttp, which the connector imports on first use
        import connector_front.connector
        import connector_front.transport.wire  # noqa: F401
    else:  # httpx and httpx-async; httpx imports httpcore only when a client is made
        import httpcore  # noqa: F401
        import httpx  # noqa: F401
    rss_before = maxrss_mib()
    cpu_started, started = cpu_seconds(), time.perf_counter()
    records, limited = walk(url, token, collection)
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    return {
        "client": client,
        "collection": collection,
        "records": records,
        "client_429s": limited,
        "wall_s": wall,
        "cpu_s": cpu,
        "rss_before_mib": rss_before,
        "rss_peak_mib": maxrss_mib(),
    }


def main() -> None:
    if len(sys.argv) != 4 or sys.argv[1] not in CLIENTS or sys.argv[2] not in MODELS:
        raise SystemExit(f"usage: clients.py {{{','.join(CLIENTS)}}} {{{','.join(MODELS)}}} URL")
    token = os.environ.get("BENCH_FRONT_TOKEN", "sandbox-api-token")
    print(json.dumps(measure(sys.argv[1], sys.argv[2], sys.argv[3], token)))


if __name__ == "__main__":
    main()
