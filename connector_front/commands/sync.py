"""``connector-front sync``: an event-sync pass (or one every ``--interval`` with ``--watch``).

On a terminal it shows progress and then the report; on a pipe it prints the report as JSON
(one line per pass with ``--watch``). ``serve --sync-interval`` runs the same passes in the
background of the reference host.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from connector_front.commands.targets import add_target_options
from connector_front.errors import InvalidInputError
from connector_front.sync import ProgressUpdate, SyncReport, background_sync

SUMMARY = "find created / updated / deleted records and add their events to the event log"


def register(commands: Any) -> None:
    """Add ``sync`` to the CLI's sub-commands."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "sync", help=SUMMARY, description=f"Event sync: {SUMMARY}."
    )
    parser.add_argument(
        "--model",
        action="append",
        default=None,
        metavar="MODEL",
        help="only this unified model (repeatable; default: every model with events)",
    )
    parser.add_argument("--watch", action="store_true", help="keep running, a pass per interval")
    parser.add_argument(
        "--interval",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds between passes with --watch (default: the sync_interval setting, 60)",
    )
    parser.add_argument(
        "--full", action="store_true", help="list every record now (check deletions this pass)"
    )
    add_target_options(parser)
    parser.set_defaults(handler=run)


def serve_jobs(
    interval: float | None, connector: Any
) -> list[Callable[[Any], Coroutine[Any, Any, None]]]:
    """The reference host's background sync job (none when the interval is 0)."""
    seconds = connector.settings.sync_interval if interval is None else interval
    if seconds < 0:
        raise InvalidInputError(
            f"--sync-interval must be 0 (off) or a positive number of seconds, got {seconds}",
            fields=["sync-interval"],
        )
    return [background_sync(seconds)] if seconds > 0 else []


def run(args: argparse.Namespace) -> int:
    if args.interval is not None and args.interval <= 0:
        raise InvalidInputError(
            f"--interval must be a positive number of seconds, got {args.interval}",
            fields=["interval"],
        )
    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    from connector_front.commands.targets import DEFAULT_OWNER, command_connector

    owner = args.owner or DEFAULT_OWNER
    async with command_connector(args, owner) as connector:
        # without --owner, OAuth connections are synced all together
        every = not args.sandbox and not args.owner and connector.settings.uses_oauth
        return await _passes(connector, None if every else owner, args)


async def _passes(connector: Any, owner: str | None, args: argparse.Namespace) -> int:
    interval = connector.settings.sync_interval if args.interval is None else args.interval
    if args.watch and interval <= 0:
        raise InvalidInputError(
            "--watch needs a positive --interval (or a positive sync_interval setting)",
            fields=["interval"],
        )
    terminal = sys.stdout.isatty()
    while True:
        with _progress(terminal) as progress:
            report: SyncReport = await connector.sync(
                owner_id=owner, models=args.model, progress=progress, full=args.full
            )
        _print(report, terminal=terminal, watch=args.watch)
        for skipped in (o for o in report.owners if o.skipped):
            print(f"sync: owner {skipped.owner_id} skipped: {skipped.skipped}", file=sys.stderr)
        idle = owner is None and not report.owners
        if idle:
            print(await _why_idle(connector), file=sys.stderr)
        if not args.watch:
            if idle:
                return 1
            if report.failed:
                print("sync: some models failed; see their error in the report", file=sys.stderr)
                return 1
            return 0
        await asyncio.sleep(interval)


async def _why_idle(connector: Any) -> str:
    """Why a pass over every connection synced none, and what to grant."""
    events = [mapper.model for mapper in connector.registry if mapper.has_events]
    connections = [(c.owner_id, c.operations) for c in await connector.connections.all()]
    return nothing_to_sync(connections, events)


def nothing_to_sync(connections: Sequence[tuple[str, Sequence[str]]], models: Sequence[str]) -> str:
    """The message of a pass that found no connection granted any model's events."""
    example = " ".join(f"{model}::events" for model in models[:2])
    grant = (
        f"event sync reads only connections created with a model's events ({', '.join(models)} "
        "take MODEL::events); create the connection with them and authorize it: "
        f"connector-front connect OWNER --operations {example} ..."
    )
    if not connections:
        return f"sync: nothing synced: there is no connection in this database; {grant}"
    held = "; ".join(f"{owner}: {', '.join(ops) or 'none'}" for owner, ops in connections)
    return f"sync: nothing synced: no connection has events ({held}); {grant}"


def _print(report: SyncReport, *, terminal: bool, watch: bool) -> None:
    body = report.to_json()
    if watch and not terminal:
        print(json.dumps(body, separators=(",", ":")), flush=True)
    else:
        print(json.dumps(body, indent=2), flush=True)


@contextmanager
def _progress(terminal: bool) -> Iterator[Callable[[ProgressUpdate], None] | None]:
    """A rich progress display on a terminal (one line per owner and model); nothing on a pipe."""
    if not terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.fields[at]}"))
    with Progress(*columns, transient=True) as bar:
        tasks: dict[tuple[str, str], Any] = {}

        def show(update: ProgressUpdate) -> None:
            key = (update.owner_id, update.model)
            if key not in tasks:
                tasks[key] = bar.add_task(f"{update.owner_id} {update.model}", total=None, at="")
            bar.update(
                tasks[key], at=f"{update.stage}: {update.pages} pages, {update.records} records"
            )

        yield show
