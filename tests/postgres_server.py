"""A throwaway PostgreSQL server on loopback, started from the installed binaries.

Debian keeps them in /usr/lib/postgresql/<version>/bin, off PATH. PostgreSQL refuses to run as
root, so under root the server runs as the ``postgres`` user the Debian package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, newest version first; None if absent."""
    found = shutil.which("initdb")
    if found and Path(found).resolve().with_name("pg_ctl").exists():
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    return versions[0].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user() -> tuple[list[str], int | None]:
    """The command prefix and uid that run PostgreSQL (root may not)."""
    if os.geteuid() != 0:
        return [], None
    return ["runuser", "-u", "postgres", "--"], pwd.getpwnam("postgres").pw_uid


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a temporary folder; yields its URL; stops and removes it after."""
    bindir = binaries()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL's initdb / pg_ctl are not installed")
    prefix, uid = _as_server_user()
    folder = Path(tempfile.mkdtemp(prefix="connector-front-pg-"))
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir()
    if uid is not None:
        os.chown(folder, uid, -1)
        os.chown(sockets, uid, -1)
    port = _free_port()
    run = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    try:
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--no-sync", "-E", "UTF8"],
            **run,
        )
        options = f"-h 127.0.0.1 -p {port} -k {sockets} -F -c fsync=off"
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
             str(folder / "log"), "start"],
            **run,
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
