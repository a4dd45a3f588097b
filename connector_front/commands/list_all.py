"""``resources list --all``: every page of a listing as JSON lines; a progress line on a terminal.

Records go to stdout, one JSON object a line, whatever stdout is. The progress goes to stderr
when stderr is a terminal: one line, redrawn after each page, counting the records printed.
It is drawn here rather than by rich's live display, which re-prints every line written to
stdout meanwhile through its own console: wrapped at the terminal's width (no longer one
object a line) and several times slower than the write itself.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

_CLEAR = "\r\x1b[2K"
"""Back to the start of the line, and erase it."""


class StatusLine:
    """One line of text on a terminal, replaced in place; cleared before other output."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._shown = False

    def show(self, text: str) -> None:
        width = shutil.get_terminal_size().columns - 1  # a full line would wrap the cursor
        self._stream.write(f"{_CLEAR}{text[:width]}")
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write(_CLEAR)
            self._stream.flush()
            self._shown = False

    def close(self, text: str) -> None:
        """Leave ``text`` as the line's last word, on a line of its own."""
        self.show(text)
        self._stream.write("\n")
        self._stream.flush()
        self._shown = False


def progress_text(model: str, records: int, pages: int, *, stopped: bool = False) -> str:
    """What the progress line says after ``pages`` pages holding ``records`` records."""
    counted = f"{records} record{'s' * (records != 1)}, {pages} page{'s' * (pages != 1)}"
    return f"{model}: {counted}{' (stopped)' if stopped else ''}"


async def walk_all(
    resources: Any,
    *,
    limit: int | None,
    cursor: str | None,
    filters: Mapping[str, str],
    raw: bool,
    out: TextIO | None = None,
    status: TextIO | None = None,
    omit: Sequence[str] = (),
) -> int:
    """Print every record from ``cursor`` on to ``out`` (stdout), one JSON object a line, with
    a progress line on ``status`` (stderr) when it is a terminal; the number printed."""
    stream, errors = out or sys.stdout, status or sys.stderr
    line = StatusLine(errors) if errors.isatty() else None
    options = {"limit": limit, "filters": filters, "raw": raw, "omit": list(omit)}
    records = pages = 0
    stopped = True
    try:
        async for page in resources.pages(cursor=cursor, **options):
            text = "".join(_json_line(record) for record in page.data)
            if line is not None:
                line.clear()
            stream.write(text)
            stream.flush()
            records, pages = records + len(page.data), pages + 1
            if line is not None:
                line.show(progress_text(resources.model, records, pages))
        stopped = False
    finally:
        if line is not None:
            line.close(progress_text(resources.model, records, pages, stopped=stopped))
    return records


def _json_line(record: Any) -> str:
    return json.dumps(record.to_json(), ensure_ascii=False) + "\n"
