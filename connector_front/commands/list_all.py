"""``resources list --all``: every page of a listing as JSON lines; a progress bar on a terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


async def walk_all(
    resources: Any,
    *,
    limit: int | None,
    cursor: str | None,
    filters: Mapping[str, str],
    raw: bool,
    out: TextIO | None = None,
    omit: Sequence[str] = (),
) -> int:
    """Print every record from ``cursor`` on, one JSON object a line; the number printed."""
    stream = out or sys.stdout
    options = {"limit": limit, "filters": filters, "raw": raw, "omit": list(omit)}
    if not stream.isatty():
        return await _pages(resources, options, cursor, stream, None)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"{resources.model}: 0 records, 0 pages", total=None)

        def report(records: int, pages: int) -> None:
            text = f"{resources.model}: {records} records, {pages} pages"
            progress.update(task, description=text)

        # inside the bar, sys.stdout is rich's proxy: lines print above the bar, not through it
        above = out or sys.stdout
        return await _pages(resources, options, cursor, above, report)


async def _pages(
    resources: Any,
    options: Mapping[str, Any],
    cursor: str | None,
    stream: TextIO,
    report: Any,
) -> int:
    records = pages = 0
    async for page in resources.pages(cursor=cursor, **options):
        for record in page.data:
            stream.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
        stream.flush()
        records, pages = records + len(page.data), pages + 1
        if report is not None:
            report(records, pages)
    return records
