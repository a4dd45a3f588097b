"""A command ended by a signal stops as Ctrl-C stops it: unwinding, so its servers close and
its temporary folders (``serve --sandbox``'s database, ``--sandbox`` commands') are removed.

Python turns SIGINT into KeyboardInterrupt; SIGTERM (what ``kill`` sends) and SIGHUP (the
terminal closed) would end the process on the spot. uvicorn catches SIGTERM to shut down
gracefully and then raises it again: the handler installed here is the one it raises it to.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Stopped(KeyboardInterrupt):
    """A stopping signal arrived; ``exit_status`` is the shell's 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_status = 128 + signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def _hang_up(signum: int, frame: FrameType | None) -> None:
    """SIGHUP as SIGTERM, so that a server in uvicorn (which handles SIGTERM, not SIGHUP) shuts
    down gracefully first."""
    signal.raise_signal(signal.SIGTERM)


HANDLERS = {signal.SIGTERM: _stop, signal.SIGHUP: _hang_up}


@contextmanager
def stopped_like_ctrl_c() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Stopped` (a KeyboardInterrupt) in the
    main thread; the previous handlers come back on exit. A signal the process was told to
    ignore (``nohup``) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        number: signal.signal(number, handler)
        for number, handler in HANDLERS.items()
        if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
