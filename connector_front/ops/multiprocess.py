"""Where the workers' metrics meet: prometheus-client's multiprocess directory.

prometheus-client keeps the metrics of each process in files of one directory
(``PROMETHEUS_MULTIPROC_DIR``) and a scrape adds them up, so every worker answers ``/metrics``
for all of them. The directory must be chosen before prometheus-client is imported:

- ``serve --workers N`` sets it before starting the workers: the operator's
  ``PROMETHEUS_MULTIPROC_DIR`` (its old files removed), else a temporary one removed at exit;
- a worker of uvicorn's own ``--workers`` (``uvicorn --factory ...``) without the variable
  takes one named after its supervisor (process id and start time), which its sibling workers
  name alike; the last of them to stop removes it, and directories of supervisors that have
  ended otherwise (a worker killed) are removed when the next one starts;
- a single process without the variable keeps its metrics in memory.

Nothing here imports prometheus-client.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "connector-front-metrics-"


def directory() -> Path | None:
    """The multiprocess directory in use (None: metrics in this process's memory)."""
    value = os.environ.get(VARIABLE)
    return Path(value) if value else None


def prepare_for_workers() -> Path | None:
    """For ``serve --workers N``, before the workers start: the directory they share, set
    in the environment they inherit. Answers the temporary directory to remove at exit (None
    when the operator's own is used)."""
    given = directory()
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        for old in given.glob("*.db"):  # a previous run's: counters must start from zero
            old.unlink()
        return None
    made = Path(tempfile.mkdtemp(prefix=PREFIX))
    os.environ[VARIABLE] = str(made)
    return made


def join_supervisor() -> Path | None:
    """For a worker of uvicorn's own supervisor: the directory its sibling workers share
    (set in the environment; the worker calls :func:`leave` when it stops); None when this
    process has no parent process of that kind or the variable is already set."""
    if directory() is not None or multiprocessing.parent_process() is None:
        return None
    parent = os.getppid()
    shared = Path(tempfile.gettempdir()) / f"{PREFIX}{parent}-{_started(parent)}"
    _remove_ended(shared.parent)
    _enter(shared)
    os.environ[VARIABLE] = str(shared)
    return shared


MEMBER = ".worker-{pid}"
"""A worker's mark in the directory it shares, while it runs (not a ``*.db`` file)."""


def _enter(shared: Path) -> None:
    """Make the directory if need be and mark this worker in it, holding the directory's lock
    (a sibling that is leaving may be removing it meanwhile: then make it again)."""
    while True:
        shared.mkdir(mode=0o700, exist_ok=True)
        with _locked(shared) as held:
            if held:
                (shared / MEMBER.format(pid=os.getpid())).touch()
                return


def leave(shared: Path) -> None:
    """When a worker stops: remove its mark; the last worker to leave removes the directory."""
    with _locked(shared) as held:
        if not held:
            return
        (shared / MEMBER.format(pid=os.getpid())).unlink(missing_ok=True)
        if not any(shared.glob(MEMBER.format(pid="*"))):
            shutil.rmtree(shared, ignore_errors=True)


class _locked:
    """``with _locked(folder) as held``: an exclusive lock on the folder (``held`` False when
    the folder is gone, or was removed and made again, while waiting for the lock)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._fd = -1

    def __enter__(self) -> bool:
        try:
            self._fd = os.open(self._folder, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            return False
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            return os.path.samestat(os.fstat(self._fd), os.stat(self._folder))
        except FileNotFoundError:
            return False

    def __exit__(self, *_: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # and the lock with it


def _started(pid: int) -> str:
    """The process's start time in clock ticks (Linux), so a reused pid names another
    directory; empty where ``/proc`` is not there."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def _remove_ended(folder: Path) -> None:
    """Remove the directories of supervisors that have ended (their pid runs no more, or
    another process took it)."""
    for found in folder.glob(f"{PREFIX}*-*"):
        pid_text, _, started = found.name.removeprefix(PREFIX).partition("-")
        if not pid_text.isdigit() or not found.is_dir():
            continue
        pid = int(pid_text)
        if not Path(f"/proc/{pid}").exists() or _started(pid) != started:
            shutil.rmtree(found, ignore_errors=True)


def remove(made: Path | None) -> None:
    """Remove the temporary directory :func:`prepare_for_workers` made, if it made one."""
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)
        if os.environ.get(VARIABLE) == str(made):
            del os.environ[VARIABLE]
