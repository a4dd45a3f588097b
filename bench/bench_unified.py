"""Benchmark the unified layer: mapping throughput, and a full unified listing on the sandbox.

Prints measured figures only:
  - records/s for Front contact JSON -> unified record (mapper, validation, field mapping)
  - wall time, pages and records/s to walk N contacts through Connection.resources().list
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from sandbox_process import LOOSE_LIMIT

from connector_front.dev.embedded import EmbeddedSandbox, connect_owner
from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem
from connector_front.mappers.generic_contact import ContactMapper
from connector_front.records import build_record
from connector_front.sandbox import SandboxConfig

FRONT_CONTACT = {
    "id": "crd_1",
    "name": "Dana Whitfield",
    "description": "Head of gear",
    "handles": [
        {"handle": "dana@cedarridge.example", "source": "email"},
        {"handle": "+15035550101", "source": "phone"},
    ],
    "custom_fields": {"Loyalty tier": "Gold", "VIP": True},
    "created_at": 1700000000.0,
    "updated_at": 1700000100.0,
}
MAPPING = {"genericContact": {"tier": "Loyalty tier", "vip": "VIP"}}


def bench_mapping(n: int) -> dict[str, float]:
    mapper, mapping = ContactMapper(), FieldMapping(MAPPING)
    started = time.perf_counter()
    for _ in range(n):
        build_record(mapper, FrontItem(FRONT_CONTACT), mapping)
    elapsed = time.perf_counter() - started
    return {"records": n, "seconds": round(elapsed, 3), "records_per_s": round(n / elapsed)}


async def bench_listing(n: int, limit: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        # the unified layer's own speed: a limit above Front's, so the figure is not the limit's
        config = SandboxConfig(extra_contacts=n, rate_limit=LOOSE_LIMIT, burst_limit=None)
        async with EmbeddedSandbox(Path(tmp) / "b.sqlite3", config, field_mapping=MAPPING) as env:
            assert env.connector is not None
            await connect_owner(env.connector, "bench", ["genericContact::list"])
            contacts = env.connector.connection("bench").resources("genericContact")
            started = time.perf_counter()
            seen, pages, cursor = 0, 0, None
            while True:
                page = await contacts.list(limit=limit, cursor=cursor)
                seen, pages = seen + len(page.data), pages + 1
                if page.next is None:
                    break
                cursor = page.next
            elapsed = time.perf_counter() - started
    return {
        "records": seen,
        "pages": pages,
        "seconds": round(elapsed, 3),
        "records_per_s": round(seen / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mapped", type=int, default=20_000, help="records to map")
    parser.add_argument("--contacts", type=int, default=2_000, help="sandbox contacts to list")
    parser.add_argument("--limit", type=int, default=100, help="page size")
    args = parser.parse_args()
    result = {
        "mapping": bench_mapping(args.mapped),
        "unified_listing": asyncio.run(bench_listing(args.contacts, args.limit)),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
