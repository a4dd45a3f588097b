"""``connector-front wait URL``: return once a server started in the background answers.

A shell block that starts ``serve`` or ``sandbox`` with ``&`` runs its next line at once;
``wait`` holds that line until the server answers HTTP at all (any status), so a following
``curl`` meets a server. With ``--pid $!`` it fails at once when that process has exited
(a port in use, a bad setting) instead of waiting out its timeout.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from connector_front.commands.help import DefaultsHelp
from connector_front.errors import ConnectorError, InvalidInputError

POLL_SECONDS = 0.1
ATTEMPT_TIMEOUT = 10.0
"""Seconds one attempt may take (a worker busy starting answers late, not never)."""


class NotReady(ConnectorError):
    """The server did not answer in time, or its process is gone."""

    code = "not_ready"
    status = 504


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "wait",
        help="wait until a server started in the background answers (for shell scripts)",
        description="Wait until URL answers HTTP (any status), e.g. after a server was "
        "started in the background (connector-front serve ... &): connector-front wait "
        "localhost:8000 --pid $!. Exits 0 once it answers, 1 when it did not within --timeout "
        "or process --pid exited.",
        formatter_class=DefaultsHelp,
    )
    parser.add_argument("url", help="the server's address: http://localhost:8000, localhost:8000")
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="how long to wait"
    )
    parser.add_argument(
        "--pid",
        type=int,
        default=None,
        help="the server's process id ($! after `... &`): stop waiting when it has exited",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    url = address(args.url)
    pid: int | None = args.pid
    if pid is None:
        seconds = wait_for(url, timeout=args.timeout, alive=lambda: True, answers=answers)
    else:
        port = httpx.URL(url).port or (443 if url.startswith("https") else 80)

        def served_by_pid(url: str) -> bool:  # not another process that holds the port
            return listening(pid, port) is not False and answers(url)

        seconds = wait_for(
            url, timeout=args.timeout, alive=lambda: process_alive(pid), answers=served_by_pid
        )
    print(f"{url} answers (after {seconds:.1f} s)", file=sys.stderr)
    return 0


def address(text: str) -> str:
    """``localhost:8000`` as ``http://localhost:8000``; a URL as it is."""
    url = text if "://" in text else f"http://{text}"
    parts = httpx.URL(url) if url.startswith(("http://", "https://")) else None
    if parts is None or not parts.host:
        raise InvalidInputError(
            f"{text!r} is not a server address; give http://HOST:PORT or HOST:PORT",
            fields=["url"],
        )
    return url


def wait_for(
    url: str,
    *,
    timeout: float,
    alive: Callable[[], bool],
    answers: Callable[[str], bool],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Seconds until ``answers(url)``; NotReady when ``alive()`` turns false first, or after
    ``timeout`` seconds."""
    start = clock()
    while True:
        if not alive():
            raise NotReady(
                f"the server's process exited before {url} answered; see what it printed"
            )
        if answers(url):
            return clock() - start
        if clock() - start >= timeout:
            raise NotReady(
                f"nothing answered at {url} within {timeout:g} s; is the server running, on "
                "that port?"
            )
        sleep(POLL_SECONDS)


def answers(url: str) -> bool:
    """Whether an HTTP server answers at ``url`` (any status)."""
    try:
        httpx.get(url, timeout=ATTEMPT_TIMEOUT)
    except httpx.TransportError:
        return False
    return True


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (an exited one its parent has not reaped yet does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc here: the signal said it exists
    return state not in ("Z", "X")


LISTEN = "0A"
"""The state of a listening socket in /proc/net/tcp."""


def listening(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` (or one it started) holds a socket listening on ``port``, so
    that an answer there is its own and not another process's that had the port first; None
    where /proc cannot tell (not Linux)."""
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        return None
    sockets = {f"socket:[{inode}]" for inode in _listening_inodes(tables, port)}
    for process in _with_children(pid):
        try:
            links = [os.readlink(fd) for fd in Path(f"/proc/{process}/fd").iterdir()]
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if sockets.intersection(links):
            return True
    return False


def _listening_inodes(tables: list[Path], port: int) -> list[str]:
    """Inodes of the sockets listening on ``port`` (``sl local rem st ... uid timeout inode``)."""
    found = []
    for table in tables:
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            columns = row.split()
            if len(columns) > 9 and columns[3] == LISTEN and columns[1].endswith(f":{port:04X}"):
                found.append(columns[9])
    return found


def _with_children(pid: int) -> list[int]:
    """``pid`` and every process it started, still running (a worker may hold the socket)."""
    family, queue = [], [pid]
    while queue:
        process = queue.pop()
        family.append(process)
        for task in Path(f"/proc/{process}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in task.read_text().split())
            except (OSError, ValueError):
                continue
    return family
