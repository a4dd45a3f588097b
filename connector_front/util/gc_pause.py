"""Garbage collection held off while a page of records is built.

Building a page allocates about ten containers per record, all alive until the page is
returned. The collector runs every 700 allocations (Python's default), finds nothing to free,
and moves the page into older generations, whose full collections then walk the whole heap
again. Held off for the page (a millisecond or so, no ``await`` inside), it runs once
afterwards instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector for the block; leave it as it was found (a host
    that turned it off keeps it off). Nothing is lost: objects are counted as ever, and the
    next allocation after the block starts the collection that is due."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
