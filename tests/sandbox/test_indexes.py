"""Lists served from sorted indexes: one sort per change, not per page, with keyset pages.

Counts, not times: `db.indexes.builds` says how often each index was sorted,
`db.indexes.updates` how often it was brought up to date in place.
Changes between pages (a new record, a changed sort key, a deletion) are made
directly on `state.db`, as any code may, and each next page is compared with
the order worked out here from the records themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connector_front.sandbox import SandboxServer
from connector_front.sandbox.database import Database
from connector_front.sandbox.indexes import (
    CONTACTS,
    CONVERSATIONS,
    MESSAGES_BY_CONVERSATION,
)
from connector_front.sandbox.records import (
    Account,
    Contact,
    Conversation,
    Event,
    Handle,
    Message,
)
from connector_front.sandbox.sortindex import IndexSpec, Snapshot, build
from connector_front.sandbox.tickets import first_status
from connector_front.sandbox.tracking import MAX_LOG, Table, Tracked

Key = tuple[float, str]


def _pages(client: httpx.Client, url: str, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    answer = client.get(url, params=params)
    while True:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["_results"])
        if body["_pagination"]["next"] is None:
            return pages
        answer = client.get(body["_pagination"]["next"])


# tracking -------------------------------------------------------------------


def test_a_table_logs_every_kind_of_change() -> None:
    table: Table[str, int] = Table()
    changes: list[tuple[Callable[[], Any], list[str]]] = [
        (lambda: table.__setitem__("a", 1), ["a"]),
        (lambda: table.update({"b": 2, "c": 3}), ["b", "c"]),
        (lambda: table.setdefault("d", 4), ["d"]),
        (lambda: table.pop("a"), ["a"]),
        (lambda: table.__delitem__("b"), ["b"]),
        (lambda: table.popitem(), ["d"]),
        (lambda: table.__ior__({"e": 5}), ["e"]),
    ]
    for change, logged in changes:
        seen = table.changes.cursor()
        change()
        assert table.changes.since(seen) == logged
    seen = table.changes.cursor()
    table.clear()
    assert table.changes.since(seen) is None, "a cleared table makes every reader start over"
    assert table == {}


def test_stored_records_log_their_attribute_writes_per_kind() -> None:
    events = Event.changes.noted
    seen = Contact.changes.cursor()
    contact = Contact("crd_t1", "T", [Handle("email", "t@x.example")], 1.0, 1.0)
    contact.name = "Built, not stored yet"
    assert Contact.changes.since(seen) == [], "building a record costs no log entry"
    table: Table[str, Contact] = Table()
    table[contact.id] = contact
    contact.updated_at = 2.0
    assert Contact.changes.since(seen) == [contact]
    assert Event.changes.noted == events
    assert issubclass(Contact, Tracked)


def test_a_long_log_starts_afresh_and_readers_notice() -> None:
    table: Table[int, int] = Table()
    seen = table.changes.cursor()
    for n in range(MAX_LOG + 1):
        table[n] = n
    assert table.changes.since(seen) is None
    assert len(table.changes.entries) == 1


# indexes kept current ----------------------------------------------------------

Op = tuple[str, int, float, int]
OPS = st.tuples(
    st.sampled_from(["add", "move", "regroup", "delete", "read"]),
    st.integers(0, 30),  # which record
    st.floats(0, 50).map(lambda f: round(f, 1)),  # new sort value (ties happen)
    st.integers(0, 3),  # new group
)


def _fresh(spec: IndexSpec[Any], db: Database) -> Snapshot[Any]:
    table: Table[Any, Any] = getattr(db, spec.table)
    return build(spec, table, table.changes.cursor(), spec.kind.changes.cursor())


def _same(kept: Snapshot[Any], fresh: Snapshot[Any]) -> None:
    assert kept.whole.keys == fresh.whole.keys
    assert kept.whole.items == fresh.whole.items
    groups = {name for name, ordered in kept.groups.items() if ordered.keys}
    assert groups == set(fresh.groups)
    for name in groups:
        assert kept.group(name).keys == fresh.group(name).keys
        assert [m.id for m in kept.group(name).items] == [m.id for m in fresh.group(name).items]


@settings(max_examples=150, deadline=None)
@given(st.lists(OPS, max_size=60))
def test_an_index_kept_current_equals_one_sorted_afresh(ops: list[Op]) -> None:
    """Whatever happens to the records, updating in place gives what a new sort gives."""
    db = Database()
    spec = MESSAGES_BY_CONVERSATION
    for ident, at, group in ((n, float(n), n % 3) for n in range(0, 30, 2)):
        db.messages[f"msg_{ident}"] = _message(f"msg_{ident}", group, at)
    db.index(spec)
    for op, n, at, group in ops:
        ident = f"msg_{n}"
        found = db.messages.get(ident)
        if op == "add" and found is None:
            db.messages[ident] = _message(ident, group, at)
        elif op == "move" and found is not None:
            found.created_at = at
        elif op == "regroup" and found is not None:
            found.conversation_id = f"cnv_{group}"
        elif op == "delete" and found is not None:
            del db.messages[ident]
        elif op == "read":
            _same(db.index(spec), _fresh(spec, db))
    _same(db.index(spec), _fresh(spec, db))


def _message(ident: str, group: int, at: float) -> Message:
    return Message(ident, f"cnv_{group}", ident, "email", True, at, "subject", "body")


# one sort per listing --------------------------------------------------------


def test_listing_20000_contacts_sorts_once(client: httpx.Client, server: SandboxServer) -> None:
    state = server.state
    state.seed_contacts(20_000)
    spec = CONTACTS["updated_at"]
    params = {"limit": 100, "sort_by": "updated_at", "sort_order": "asc"}
    pages = _pages(client, "/contacts", params)
    assert state.db.indexes.builds[spec] == 1, "one sort for all 201 pages"
    ids = [c["id"] for page in pages for c in page]
    expected = sorted(state.db.contacts.values(), key=lambda c: (c.updated_at, c.id))
    assert ids == [c.id for c in expected]
    assert len(pages) == 201

    with state.lock:
        state.db.contacts["crd_g00001"].updated_at += 1e9  # moved to the end, not re-sorted
    pages = _pages(client, "/contacts", params)
    assert pages[-1][-1]["id"] == "crd_g00001"
    assert state.db.indexes.builds[spec] == 1
    assert state.db.indexes.updates[spec] == 1


def test_listing_conversations_sorts_once_and_never_scans_messages(
    client: httpx.Client, server: SandboxServer
) -> None:
    state = server.state
    with state.lock:
        _add_conversations(state.db, 2_000)
    pages = _pages(client, "/conversations", {"limit": 100})
    builds = state.db.indexes.builds
    assert builds[CONVERSATIONS] == 1
    assert builds[MESSAGES_BY_CONVERSATION] == 1  # last message of each: one grouping, no scan
    assert sum(len(page) for page in pages) >= 2_000


# keyset pages across changes ---------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How to list one kind of record and change it behind the lister's back."""

    path: str
    params: dict[str, Any]
    descending: bool
    table: Callable[[Database], dict[str, Any]]
    key: Callable[[Any], Key]
    listed: Callable[[Database, Any], bool]  # would the list show this record at all
    make: Callable[[Database, str, float], Any]  # a new record with this id and sort value
    move: Callable[[Any, float], None]  # change the sort value of a record


def _contact(db: Database, ident: str, at: float) -> Contact:
    return Contact(ident, "New", [Handle("email", f"{ident}@x.example")], at, at)


def _set_updated(record: Any, at: float) -> None:
    record.updated_at = at


def _conversation(db: Database, ident: str, at: float) -> Conversation:
    inbox = next(iter(db.inboxes))
    return Conversation(ident, "conversation", ident, first_status(db, "open"), at, at, [inbox])


def _add_conversations(db: Database, count: int) -> list[Conversation]:
    made = [_conversation(db, f"cnv_t{n:05d}", 1.6e9 + n) for n in range(count)]
    for conv in made:
        db.conversations[conv.id] = conv
    return made


def _event(db: Database, ident: str, at: float) -> Event:
    return Event(ident, "comment", at, next(iter(db.conversations)), "api")


def _set_emitted(record: Any, at: float) -> None:
    record.emitted_at = at


def _live_conversation(db: Database, conv: Any) -> bool:
    return bool(conv.merged_into is None and not conv.trashed)


KINDS: dict[str, Kind] = {
    "contacts": Kind(
        "/contacts",
        {"sort_by": "updated_at", "sort_order": "asc"},
        False,
        lambda db: db.contacts,
        lambda c: (c.updated_at, c.id),
        lambda db, c: True,
        _contact,
        _set_updated,
    ),
    "accounts": Kind(
        "/accounts",
        {"sort_by": "updated_at", "sort_order": "desc"},
        True,
        lambda db: db.accounts,
        lambda a: (a.updated_at, a.id),
        lambda db, a: True,
        lambda db, ident, at: Account(ident, ident, at, at),
        _set_updated,
    ),
    "conversations": Kind(
        "/conversations",
        {},
        True,
        lambda db: db.conversations,
        lambda c: (c.updated_at, c.id),
        _live_conversation,
        _conversation,
        _set_updated,
    ),
    "events": Kind(
        "/events",
        {"sort_order": "asc"},
        False,
        lambda db: db.events,
        lambda e: (e.emitted_at, e.id),
        lambda db, e: e.conversation_id in db.conversations,
        _event,
        _set_emitted,
    ),
}


def _expected_after(kind: Kind, db: Database, position: Key, limit: int) -> list[str]:
    """The next page by the definition of keyset paging, worked out from the records."""
    shown = [r for r in kind.table(db).values() if kind.listed(db, r)]
    ordered = sorted(shown, key=kind.key, reverse=kind.descending)
    if kind.descending:
        later = [r for r in ordered if kind.key(r) < position]
    else:
        later = [r for r in ordered if kind.key(r) > position]
    return [r.id for r in later[:limit]]


def _just_after(kind: Kind, position: Key) -> float:
    """A sort value that comes right after `position` in the listing's direction."""
    return position[0] - 0.001 if kind.descending else position[0] + 0.001


@pytest.mark.parametrize("name", list(KINDS))
def test_changes_between_pages_show_on_the_next_page(
    name: str, client: httpx.Client, server: SandboxServer
) -> None:
    kind = KINDS[name]
    state = server.state
    with state.lock:
        db = state.db
        base = 1.65e9
        for n in range(30):  # spread over a range the seed data does not use
            record = kind.make(db, f"{name[:3]}_k{n:03d}", base + n * 10.0)
            kind.table(db)[record.id] = record
    limit = 5
    params = {**kind.params, "limit": limit}
    answer = client.get(kind.path, params=params).json()
    listed = [item["id"] for item in answer["_results"]]

    def position() -> Key:
        last = kind.table(state.db)[listed[-1]]
        return kind.key(last)

    def next_page() -> list[str]:
        nonlocal answer
        answer = client.get(answer["_pagination"]["next"]).json()
        ids = [item["id"] for item in answer["_results"]]
        listed.extend(ids)
        return ids

    def check(change: Callable[[Database, Key], str]) -> tuple[str, list[str]]:
        with state.lock:
            at = position()
            changed = change(state.db, at)
            expected = _expected_after(kind, state.db, at, limit)
        page = next_page()
        assert page == expected
        return changed, page

    def add(db: Database, at: Key) -> str:
        record = kind.make(db, f"{name[:3]}_new", _just_after(kind, at))
        kind.table(db)[record.id] = record
        return str(record.id)

    def move(db: Database, at: Key) -> str:
        upcoming = _expected_after(kind, db, at, limit + 2)[-1]  # beyond the next page for now
        kind.move(kind.table(db)[upcoming], _just_after(kind, at))
        return upcoming

    def delete(db: Database, at: Key) -> str:
        upcoming = _expected_after(kind, db, at, 1)[0]
        del kind.table(db)[upcoming]
        return upcoming

    added, page = check(add)
    assert page[0] == added
    moved, page = check(move)
    assert page[0] == moved
    deleted, page = check(delete)
    assert deleted not in page
    while answer["_pagination"]["next"] is not None:
        next_page()
    assert len(listed) == len(set(listed)), "no record twice"


def test_changes_through_the_api_show_on_the_next_page(client: httpx.Client) -> None:
    """A PATCH moves a contact to the end of an updated_at listing; a DELETE drops one."""
    params = {"sort_by": "updated_at", "sort_order": "asc", "limit": 4}
    first = client.get("/contacts", params=params).json()
    seen = [c["id"] for c in first["_results"]]
    everyone = [c["id"] for page in _pages(client, "/contacts", params) for c in page]
    moved, dropped = everyone[4], everyone[5]
    assert client.patch(f"/contacts/{moved}", json={"description": "moved"}).status_code == 204
    assert client.delete(f"/contacts/{dropped}").status_code == 204
    answer = first
    while answer["_pagination"]["next"] is not None:
        answer = client.get(answer["_pagination"]["next"]).json()
        seen += [c["id"] for c in answer["_results"]]
    assert dropped not in seen
    assert seen[-1] == moved
    assert len(seen) == len(set(seen)) == len(everyone) - 1


def test_search_total_follows_changes(client: httpx.Client, server: SandboxServer) -> None:
    state = server.state
    first = client.get("/conversations/search/is:open", params={"limit": 2}).json()
    total = first["_total"]
    with state.lock:
        _add_conversations(state.db, 3)
    second = client.get(first["_pagination"]["next"]).json()
    assert second["_total"] == total + 3
    with state.lock:
        expected = sum(
            1
            for c in state.db.conversations.values()
            if not c.trashed and c.merged_into is None and c.status_id in _open_statuses(state.db)
        )
    assert second["_total"] == expected


def _open_statuses(db: Database) -> set[str]:
    return {s.id for s in db.statuses.values() if s.category != "resolved"}
