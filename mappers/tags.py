"""Tag names <-> Front tag ids (unified issues carry tag names; Front's writes take ids)."""

from __future__ import annotations

from collections.abc import Iterable

from connector_front.errors import InvalidInputError
from connector_front.paging import all_results

from .base import FrontApi


async def tag_ids(api: FrontApi, names: Iterable[str], *, field: str) -> list[str]:
    """Resolve tag names (or ``tag_`` ids, passed as they are) to ids; unknown names are a 400."""
    wanted = list(dict.fromkeys(names))
    if all(name.startswith("tag_") for name in wanted):
        return wanted
    tags = await all_results(api, "/tags", params={"limit": 100})
    by_name = {str(t["name"]): str(t["id"]) for t in tags if "name" in t}
    missing = [n for n in wanted if not n.startswith("tag_") and n not in by_name]
    if missing:
        raise InvalidInputError(
            f"unknown tag(s) {', '.join(map(repr, missing))}; create them in Front first "
            "(or pass tag ids)",
            fields=[field],
        )
    return [name if name.startswith("tag_") else by_name[name] for name in wanted]
