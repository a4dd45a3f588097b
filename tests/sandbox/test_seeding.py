"""Seeding N generated records of every kind: admin route, in-process, CLI flag."""

from __future__ import annotations

import httpx
import pytest

from connector_front.cli import main
from connector_front.commands.sandbox import seed_plan
from connector_front.errors import InvalidInputError
from connector_front.sandbox import SandboxConfig, SandboxServer
from connector_front.sandbox.errors import FrontError
from connector_front.sandbox.generators import GENERATORS, MAX_SEED
from connector_front.sandbox.state import SandboxState

# kind -> the Front path that reads one record back
READ_BACK = {
    "contacts": "/contacts/{}",
    "accounts": "/accounts/{}",
    "teammates": "/teammates/{}",
    "teams": "/teams/{}",
    "inboxes": "/inboxes/{}",
    "conversations": "/conversations/{}",
    "comments": "/comments/{}",
    "messages": "/messages/{}",
}


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_every_kind_is_seeded_and_served_as_front_does(
    kind: str, client: httpx.Client, admin: httpx.Client
) -> None:
    answer = admin.post(f"/seed/{kind}", json={"count": 3})
    assert answer.status_code == 201
    body = answer.json()
    assert body["created"] == body["count"] == 3
    ids = body["ids"]
    assert len(set(ids)) == 3
    assert all("_g" in record_id for record_id in ids)
    for record_id in ids:  # the client checks each answer against Front's spec
        assert client.get(READ_BACK[kind].format(record_id)).status_code == 200


def test_seeding_is_deterministic_and_continues_the_sequence() -> None:
    one, two = SandboxState(SandboxConfig()), SandboxState(SandboxConfig())
    for state in (one, two):
        state.seed("inboxes", 2)
        state.seed("conversations", 5)
    first = one.seed("conversations", 2)
    assert first == two.seed("conversations", 2)
    assert one.db.conversations[first[0]] == two.db.conversations[first[0]]
    assert first[0] not in one.seed("conversations", 1)


def test_conversations_spread_over_inboxes_some_in_two_each_with_a_message() -> None:
    state = SandboxState(SandboxConfig())
    ids = state.seed("conversations", 40)
    db = state.db
    inboxes = {inbox for cid in ids for inbox in db.conversations[cid].inbox_ids}
    assert inboxes == set(db.inboxes)
    shared = [cid for cid in ids if len(db.conversations[cid].inbox_ids) == 2]
    assert len(shared) == 4
    with_message = {m.conversation_id for m in db.messages.values()}
    assert set(ids) <= with_message


def test_comments_and_messages_spread_over_conversations() -> None:
    state = SandboxState(SandboxConfig())
    comments = state.seed("comments", 30)
    messages = state.seed("messages", 30)
    db = state.db
    assert len({db.comments[c].conversation_id for c in comments}) == len(db.conversations)
    assert len({db.messages[m].conversation_id for m in messages}) == len(db.conversations)


def test_large_seeds_answer_first_and_last(admin: httpx.Client, server: SandboxServer) -> None:
    body = admin.post("/seed/contacts", json={"count": 2500}).json()
    assert body == {"created": 2500, "count": 2500, "first": "crd_g00001", "last": "crd_g001xg"}
    assert body["last"] in server.state.db.contacts


def test_many_records_are_seeded_without_per_record_work() -> None:
    """100,000 contacts and 20,000 conversations: built directly (a count, not a timing)."""
    state = SandboxState(SandboxConfig())
    assert len(state.seed("contacts", 100_000)) == 100_000
    assert len(state.seed("conversations", 20_000)) == 20_000
    assert state.journal.stats()["requests"] == 0


def test_bad_seeds_are_refused(admin: httpx.Client) -> None:
    state = SandboxState(SandboxConfig(seed=False))
    with pytest.raises(FrontError, match="seed inboxes first"):
        state.seed("conversations", 1)
    with pytest.raises(FrontError, match="seed one of contacts"):
        state.seed("tickets", 1)
    with pytest.raises(FrontError, match="non-negative"):
        state.seed("contacts", -1)
    assert admin.post("/seed/accounts", json={"count": "many"}).status_code == 400
    assert admin.post("/seed/tickets", json={"count": 1}).status_code == 404


def test_a_seed_too_large_to_finish_is_refused_at_once(admin: httpx.Client) -> None:
    """A billion records would hold the sandbox (and its memory) for good: a 400, not a hang."""
    state = SandboxState(SandboxConfig(seed=False))
    with pytest.raises(FrontError, match="at most 1,000,000"):
        state.seed("contacts", MAX_SEED + 1)
    assert state.db.contacts == {}
    answer = admin.post("/seed/contacts", json={"count": 10**11})
    assert answer.status_code == 400 and "at most 1,000,000" in answer.text
    with pytest.raises(InvalidInputError, match="up to 1,000,000"):
        seed_plan(["contacts=100000000000"])


def test_cli_seed_flags() -> None:
    assert seed_plan(["contacts=20000", "conversations=5"]) == [
        ("contacts", 20000),
        ("conversations", 5),
    ]
    for wrong in ("contacts", "tickets=3", "contacts=-1", "contacts=x"):
        with pytest.raises(InvalidInputError, match="--seed"):
            seed_plan([wrong])
    assert main(["sandbox", "--port", "0", "--seed", "contacts=many"]) == 1
