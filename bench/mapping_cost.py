"""The connector's time mapping Front JSON to unified records, against decoding that JSON.

Both are measured in this process on the same pages, fetched once beforehand, so the ratio
says what the mapping layer costs on top of what any client pays (json.loads).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem
from connector_front.records import front_records
from connector_front.registry import ModelRegistry

REPEATS = 3
"""Each timing is the best of this many rounds (less noise from a shared machine)."""


def fetch_pages(url: str, token: str, collection: str) -> list[bytes]:
    """Every page of a listing, as the bytes Front answered (the rate limit must be off)."""
    pages: list[bytes] = []
    next_url: str | None = f"{url}/{collection}?limit=100"
    with httpx.Client(headers={"authorization": f"Bearer {token}"}, timeout=60) as client:
        while next_url is not None:
            body = client.get(next_url).raise_for_status().content
            pages.append(body)
            next_url = (json.loads(body).get("_pagination") or {}).get("next")
    return pages


def _best(work: Any) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def mapping_cost(pages: list[bytes], model: str) -> dict[str, Any]:
    """Seconds to json.loads every page, and to map every decoded item to a `model` record
    (as listed, without related data fetched by other requests)."""
    mapper, mapping = ModelRegistry().get(model), FieldMapping({})
    decoded = [json.loads(page)["_results"] for page in pages]
    items = [[FrontItem(front) for front in page] for page in decoded]

    def load_all() -> None:
        for page in pages:
            json.loads(page)

    def map_all() -> None:
        for page_items in items:  # a page at a time, as a listing maps them
            front_records(mapper, page_items, mapping)

    loads_s, mapping_s = _best(load_all), _best(map_all)
    return {
        "model": model,
        "pages": len(pages),
        "records": sum(len(page_items) for page_items in items),
        "json_loads_s": loads_s,
        "mapping_s": mapping_s,
        "mapping_over_json_loads": mapping_s / loads_s if loads_s else None,
    }
