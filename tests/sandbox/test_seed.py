"""The seed company: shipped beside the package, coherent, and valid against its own fields."""

from __future__ import annotations

import os
from pathlib import Path

from connector_front.sandbox import SandboxConfig, SandboxState
from connector_front.sandbox.customfields import validate_custom_fields
from connector_front.sandbox.seed import SEED_PATH

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_package_seed_is_a_relative_link_to_the_fixture() -> None:
    assert SEED_PATH.is_symlink()
    assert os.readlink(SEED_PATH) == "../../fixtures/sandbox/seed.json"
    assert SEED_PATH.resolve() == (REPO_ROOT / "fixtures" / "sandbox" / "seed.json").resolve()


def test_seed_references_resolve_and_custom_fields_validate() -> None:
    db = SandboxState(SandboxConfig()).db
    for contact in db.contacts.values():
        assert contact.account_id is None or contact.account_id in db.accounts
        assert validate_custom_fields(db, "contact", contact.custom_fields) == contact.custom_fields
    for account in db.accounts.values():
        assert validate_custom_fields(db, "account", account.custom_fields) == account.custom_fields
    for teammate in db.teammates.values():
        assert (
            validate_custom_fields(db, "teammate", teammate.custom_fields) == teammate.custom_fields
        )
    for team in db.teams.values():
        assert set(team.member_ids) <= set(db.teammates)
    for inbox in db.inboxes.values():
        assert inbox.team_id in db.teams
        assert set(inbox.teammate_ids) <= set(db.teammates)
        validate_custom_fields(db, "inbox", inbox.custom_fields)
    for conv in db.conversations.values():
        assert set(conv.inbox_ids) <= set(db.inboxes)
        assert set(conv.tag_ids) <= set(db.tags)
        assert conv.status_id in db.statuses
        assert conv.assignee_id is None or conv.assignee_id in db.teammates
        validate_custom_fields(db, "conversation", conv.custom_fields)
    for message in db.messages.values():
        assert message.conversation_id in db.conversations
        assert message.author_id is None or message.author_id in db.teammates
    for comment in db.comments.values():
        assert comment.conversation_id in db.conversations
        assert comment.author_id in db.teammates
    assert set(db.api_author_ids.values()) <= set(db.teammates)
    stamps = [event.emitted_at for event in db.events.values()]
    assert stamps == sorted(stamps)


def test_unseeded_sandbox_is_empty() -> None:
    db = SandboxState(SandboxConfig(seed=False)).db
    assert not db.contacts
    assert not db.conversations
