"""``connector-front keys new|rotate``: make a token encryption key, re-encrypt stored tokens.

Rotation: put a new key first in ``CONNECTOR_FRONT_ENCRYPTION_KEY`` (keep the old ones after
it, comma-separated), run ``keys rotate``, then drop the old keys.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from connector_front.auth import DatabaseTokenStore, TokenCipher
from connector_front.auth.cipher import SETTING, new_key
from connector_front.commands.help import DefaultsHelp
from connector_front.commands.targets import settings_for
from connector_front.errors import ConfigurationError
from connector_front.store import LazyDatabase

DESCRIPTION = (
    "Make a token encryption key, or re-encrypt the stored tokens with the first key. To rotate: "
    "put a new key first in CONNECTOR_FRONT_ENCRYPTION_KEY (keep the old ones after it, "
    "comma-separated), run 'connector-front keys rotate', then drop the old keys."
)


def register(commands: Any) -> None:
    keys = commands.add_parser(
        "keys",
        help="make a token encryption key, or re-encrypt stored tokens with the first key",
        description=DESCRIPTION,
        formatter_class=DefaultsHelp,
    )
    actions = keys.add_subparsers(title="actions", metavar="ACTION", required=True)
    new = actions.add_parser(
        "new",
        help="print a new random key for CONNECTOR_FRONT_ENCRYPTION_KEY",
        formatter_class=DefaultsHelp,
    )
    new.set_defaults(handler=_new)
    rotate = actions.add_parser(
        "rotate",
        help="re-encrypt every stored token with the first key of the encryption_key setting",
        formatter_class=DefaultsHelp,
    )
    rotate.add_argument("--config", default=None, help="settings file (TOML or JSON)")
    rotate.set_defaults(handler=_rotate)


def _new(args: argparse.Namespace) -> int:
    print(new_key())
    return 0


def _rotate(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if not settings.encryption_keys:
        raise ConfigurationError(
            f"keys rotate re-encrypts tokens with the first key of {SETTING}, which is not "
            "set; make a key with `connector-front keys new` and set it"
        )
    print(json.dumps(asyncio.run(reencrypt(settings.database, settings.encryption_keys))))
    return 0


async def reencrypt(database: str, keys: tuple[str, ...]) -> dict[str, int]:
    """Rewrite every owner's tokens under ``keys[0]`` (each under its refresh lock)."""
    db = LazyDatabase(database)
    try:
        store = DatabaseTokenStore(db, cipher=TokenCipher(keys))
        owners = await store.owners()
        done = sum([await store.reseal(owner) for owner in owners])
        return {"owners": len(owners), "reencrypted": done}
    finally:
        await db.close()
