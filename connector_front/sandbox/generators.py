"""Deterministic records of every kind, for benchmarks and scale tests (`SandboxState.seed`).

Record number n of a kind always gets the same id (`<prefix>_g<n in base 36>`, so it never
collides with seeded `_s` or API-created `_n` ids), names and timestamps. Records that belong
somewhere are spread over what exists: inboxes over teams, conversations over inboxes (every
tenth one in two inboxes, as Front allows), comments and messages over conversations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import cycle, islice

from .database import Database, base36
from .errors import FrontError
from .generate import GENERATED_EPOCH, add_generated_contacts, gen_id, numbers, person_name
from .records import (
    Account,
    Comment,
    Conversation,
    Inbox,
    Message,
    Recipient,
    Status,
    Team,
    Teammate,
)

MAX_SEED = 1_000_000
"""Most records one seeding call adds (a bigger one would hold the sandbox for minutes)."""
SHARED_EVERY = 10
"""Every tenth generated conversation is in two inboxes (when there are two)."""


def _some(ids: list[str], n: int, how_many: int) -> list[str]:
    """`how_many` of `ids` from position n on (wrapping), none when there are none."""
    if not ids:
        return []
    start = n % len(ids)
    return list(islice(cycle(ids), start, start + min(how_many, len(ids))))


def _existing(table: Mapping[str, object], what: str, seed_first: str) -> list[str]:
    if not table:
        raise FrontError(400, f"No {what} to spread them over; seed {seed_first} first")
    return list(table)


def accounts(db: Database, count: int) -> list[str]:
    ids = []
    for n in numbers(db, "accounts", count):
        created = GENERATED_EPOCH + n * 60.0
        account = Account(
            id=gen_id("acc", n),
            name=f"Generated Account {n}",
            created_at=created,
            updated_at=created + (n % 7) * 3600.0,
            description=f"Generated account #{n}",
            domains=[f"account{n}.generated.example"],
            external_id=f"GEN-{n}",
        )
        db.accounts[account.id] = account
        ids.append(account.id)
    return ids


def teammates(db: Database, count: int) -> list[str]:
    ids = []
    for n in numbers(db, "teammates", count):
        first, last = person_name(n)
        teammate = Teammate(
            id=gen_id("tea", n),
            email=f"{first.lower()}.{last.lower()}.{n}@team.generated.example",
            username=f"gen{n}",
            first_name=first,
            last_name=last,
            is_available=n % 4 != 0,
        )
        db.teammates[teammate.id] = teammate
        ids.append(teammate.id)
    return ids


def teams(db: Database, count: int) -> list[str]:
    people = list(db.teammates)
    ids = []
    for n in numbers(db, "teams", count):
        members = _some(people, n, 2)
        team = Team(id=gen_id("tim", n), name=f"Generated team {n}", member_ids=members)
        db.teams[team.id] = team
        ids.append(team.id)
    return ids


def inboxes(db: Database, count: int) -> list[str]:
    owners = _existing(db.teams, "teams", "teams")
    people = list(db.teammates)
    ids = []
    for n in numbers(db, "inboxes", count):
        members = _some(people, n, 3)
        inbox = Inbox(
            id=gen_id("inb", n),
            name=f"Generated inbox {n}",
            team_id=owners[n % len(owners)],
            address=f"inbox{n}@generated.example",
            teammate_ids=members,
        )
        db.inboxes[inbox.id] = inbox
        ids.append(inbox.id)
    return ids


def _open_status(db: Database) -> str:
    """The first status in the open category, made when the company has none."""
    for status in db.statuses.values():
        if status.category == "open":
            return status.id
    status = Status(gen_id("sts", 1), "Open", "open", GENERATED_EPOCH, GENERATED_EPOCH)
    db.statuses[status.id] = status
    return status.id


def _message(db: Database, conversation: Conversation, n: int, at: float) -> Message:
    handle = f"customer{n}@generated.example"
    return Message(
        id=gen_id("msg", n),
        conversation_id=conversation.id,
        message_uid=f"gen{base36(n)}uid",
        type="email",
        is_inbound=True,
        created_at=at,
        subject=conversation.subject,
        body=f"<p>Generated message #{n}</p>",
        text=f"Generated message #{n}",
        recipients=[Recipient(handle, "from", f"Customer {n}")],
    )


def conversations(db: Database, count: int) -> list[str]:
    """Conversations over the inboxes (every tenth in two), each opened by an inbound message."""
    boxes = _existing(db.inboxes, "inboxes", "inboxes")
    status = _open_status(db)
    ids = []
    for n in numbers(db, "conversations", count):
        created = GENERATED_EPOCH + n * 60.0
        inbox_ids = [boxes[n % len(boxes)]]
        if n % SHARED_EVERY == 0 and len(boxes) > 1:
            inbox_ids.append(boxes[(n + 1) % len(boxes)])
        subject = f"Generated conversation {n}"
        conversation = Conversation(
            id=gen_id("cnv", n),
            type="conversation",
            subject=subject,
            status_id=status,
            created_at=created,
            updated_at=created + (n % 5) * 600.0,
            inbox_ids=inbox_ids,
            recipient=Recipient(f"customer{n}@generated.example", "from", f"Customer {n}"),
        )
        db.conversations[conversation.id] = conversation
        (m,) = numbers(db, "messages", 1)
        message = _message(db, conversation, m, created)
        db.messages[message.id] = message
        ids.append(conversation.id)
    return ids


def comments(db: Database, count: int) -> list[str]:
    targets = _existing(db.conversations, "conversations", "conversations")
    authors = _existing(db.teammates, "teammates", "teammates")
    ids = []
    for n in numbers(db, "comments", count):
        comment = Comment(
            id=gen_id("com", n),
            conversation_id=targets[n % len(targets)],
            author_id=authors[n % len(authors)],
            body=f"Generated comment #{n}",
            posted_at=GENERATED_EPOCH + n * 60.0,
        )
        db.comments[comment.id] = comment
        ids.append(comment.id)
    return ids


def messages(db: Database, count: int) -> list[str]:
    targets = _existing(db.conversations, "conversations", "conversations")
    ids = []
    for n in numbers(db, "messages", count):
        conversation = db.conversations[targets[n % len(targets)]]
        message = _message(db, conversation, n, GENERATED_EPOCH + n * 60.0)
        db.messages[message.id] = message
        ids.append(message.id)
    return ids


GENERATORS: dict[str, Callable[[Database, int], list[str]]] = {
    "contacts": add_generated_contacts,
    "accounts": accounts,
    "teammates": teammates,
    "teams": teams,
    "inboxes": inboxes,
    "conversations": conversations,
    "comments": comments,
    "messages": messages,
}
"""Front collection name -> the generator that adds that many records and answers their ids."""
