"""Tag names <-> Front tag ids (unified issues carry tag names; Front's writes take ids)."""

from __future__ import annotations

from collections.abc import Iterable

from connector_front.errors import InvalidInputError

from .base import FrontApi


async def tag_ids(api: FrontApi, names: Iterable[str], *, field: str) -> list[str]:
    """Resolve tag names (or ``tag_`` ids, passed as they are) to ids; unknown names are a 400."""
    wanted = list(dict.fromkeys(names))
    if all(name.startswith("tag_") for name in wanted):
        return wanted
    by_name: dict[str, str] = {}
    next_url: str | None = None
    while True:
        page = await api.list_page("/tags", params={"limit": 100}, next_url=next_url)
        by_name.update({str(t["name"]): str(t["id"]) for t in page.results if "name" in t})
        if page.next_url is None:
            break
        next_url = page.next_url
    missing = [n for n in wanted if not n.startswith("tag_") and n not in by_name]
    if missing:
        raise InvalidInputError(
            f"unknown tag(s) {', '.join(map(repr, missing))}; create them in Front first "
            "(or pass tag ids)",
            fields=[field],
        )
    return [name if name.startswith("tag_") else by_name[name] for name in wanted]
