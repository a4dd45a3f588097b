"""What happens in Front outside its API, made to happen on demand (`/_sandbox/simulate/...`).

A customer's message arriving, a teammate's message sent from Front, a
snooze and its expiry, a message that could not be delivered. Each changes
the data as Front would, logs its activity event (a snooze has none in
Front's Events API) and fires the webhooks that event fires.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .body import as_object, opt_number, opt_str, req_str
from .database import Database
from .errors import FrontError
from .records import Contact, Conversation, Event, Handle, Inbox, Message, Recipient, Reminder
from .shapes.threads import blurb
from .tickets import category, first_status
from .webhook_types import SNOOZE_PREVIEW_TYPE

if TYPE_CHECKING:  # the state calls this module
    from .state import SandboxState

DEFAULT_SNOOZE = 3600.0  # seconds a snooze lasts unless `until` says otherwise


def _sender_contact(db: Database, handle: str, name: str | None) -> Contact:
    """The contact of an email address; Front creates one for a new sender."""
    found = db.contact_by_handle("email", handle)
    if found is not None:
        return found
    now = db.now()
    contact = Contact(db.new_id("crd"), name or "", [Handle("email", handle)], now, now)
    db.contacts[contact.id] = contact
    return contact


def _thread(db: Database, data: dict[str, Any], subject: str) -> tuple[Conversation, Inbox, bool]:
    """The conversation a message goes to (given, or new in the given inbox) and its inbox."""
    conv_id, inbox_id = opt_str(data, "conversation_id"), opt_str(data, "inbox_id")
    if (conv_id is None) == (inbox_id is None):
        raise FrontError(400, "Provide either conversation_id or inbox_id (not both)")
    if conv_id is not None:
        conv = db.conversation(conv_id)
        if conv.type != "conversation" or not conv.inbox_ids:
            raise FrontError(400, f"{conv.id} is a {conv.type}: it holds no messages")
        return conv, db.inbox(conv.inbox_ids[0]), False
    inbox = db.inbox(inbox_id or "")
    now = db.now()
    conv = Conversation(
        id=db.new_id("cnv"),
        type="conversation",
        subject=subject,
        status_id=first_status(db, "open"),
        created_at=now,
        updated_at=now,
        inbox_ids=[inbox.id],
    )
    db.conversations[conv.id] = conv
    return conv, inbox, True


def _message(
    db: Database,
    conv: Conversation,
    inbound: bool,
    subject: str,
    body: str,
    people: list[Recipient],
) -> Message:
    message = Message(
        id=db.new_id("msg"),
        conversation_id=conv.id,
        message_uid=secrets.token_hex(8),
        type="email",
        is_inbound=inbound,
        created_at=db.now(),
        subject=subject,
        body=body,
        recipients=people,
        text=blurb(body),
    )
    db.messages[message.id] = message
    conv.updated_at = message.created_at
    return message


def _event(state: SandboxState, kind: str, conv: Conversation, source: str, **extra: Any) -> Event:
    db = state.db
    return state.record_event(Event(db.new_id("evt"), kind, db.now(), conv.id, source, **extra))


def inbound(state: SandboxState, data: dict[str, Any]) -> dict[str, Any]:
    """A customer's message: into a conversation, or a new conversation in an inbox."""
    db = state.db
    sender, body = req_str(data, "from"), req_str(data, "body")
    subject = opt_str(data, "subject")
    conv, inbox, created = _thread(db, data, subject or "")
    contact = _sender_contact(db, sender, opt_str(data, "name"))
    person = Recipient(sender, "from", contact.name or None, contact.id)
    if created:
        conv.recipient = person
    elif category(db, conv) == "resolved":
        conv.status_id = first_status(db, "open")  # a new message brings it back to open
    people = [person, Recipient(inbox.address, "to", inbox.name)]
    message = _message(db, conv, True, subject or conv.subject, body, people)
    conv.waiting_since = conv.waiting_since or message.created_at
    event = _event(state, "inbound", conv, "inboxes", target_kind="message", target_id=message.id)
    return _answer(conv, message, event, created)


def outbound(state: SandboxState, data: dict[str, Any]) -> dict[str, Any]:
    """A teammate's new message sent from Front (not a reply through the API)."""
    db = state.db
    to, body = req_str(data, "to"), req_str(data, "body")
    subject = opt_str(data, "subject")
    author_id = opt_str(data, "author_id")
    author = db.teammate(author_id) if author_id else None
    conv, inbox, created = _thread(db, data, subject or "")
    contact = db.contact_by_handle("email", to)
    person = Recipient(to, "to", contact.name if contact else None, contact.id if contact else None)
    if created:
        conv.recipient = person
    people = [Recipient(inbox.address, "from", inbox.name), person]
    message = _message(db, conv, False, subject or conv.subject, body, people)
    message.author_id = author.id if author else None
    conv.waiting_since = None
    event = _event(state, "outbound", conv, "inboxes", target_kind="message", target_id=message.id)
    return _answer(conv, message, event, created)


def _answer(conv: Conversation, message: Message, event: Event, created: bool) -> dict[str, Any]:
    return {
        "conversation_id": conv.id,
        "message_id": message.id,
        "event_id": event.id,
        "created_conversation": created,
    }


def snooze(state: SandboxState, data: dict[str, Any]) -> dict[str, Any]:
    """Snooze a conversation: archived until a reminder brings it back.

    Front's Events API has no snooze event, so nothing is logged; the
    `conversation_snoozed` webhook carries a preview whose id `GET /events`
    does not know and whose type is "snooze".
    """
    db = state.db
    conv = db.conversation(req_str(data, "conversation_id"))
    if conv.trashed:
        raise FrontError(400, f"{conv.id} is in the trash: restore it before snoozing it")
    teammate_id = opt_str(data, "teammate_id")
    teammate = db.teammate(teammate_id) if teammate_id else None
    now = db.now()
    until = opt_number(data, "until")
    until = now + DEFAULT_SNOOZE if until is None else until
    if until <= now:
        raise FrontError(400, "until must be a time in the future (seconds since the epoch)")
    conv.status_id = first_status(db, "resolved")
    conv.reminders = [Reminder(teammate.id if teammate else None, now, until, now)]
    conv.updated_at = now
    source = "teammate" if teammate else "api"
    event = Event(
        db.new_id("evt"),
        SNOOZE_PREVIEW_TYPE,
        now,
        conv.id,
        source,
        teammate.id if teammate else None,
    )
    state.webhooks.publish(state.links(), db, event, hook_type="conversation_snoozed")
    return {"conversation_id": conv.id, "scheduled_at": until, "preview_id": event.id}


def snooze_expired(state: SandboxState, data: dict[str, Any]) -> dict[str, Any]:
    """A snooze's reminder fires: the conversation reopens (`reminder` event)."""
    db = state.db
    conv = db.conversation(req_str(data, "conversation_id"))
    if not conv.reminders:
        raise FrontError(400, f"{conv.id} is not snoozed: snooze it first")
    conv.reminders = []
    if category(db, conv) == "resolved":
        conv.status_id = first_status(db, "open")
    conv.updated_at = db.now()
    event = _event(state, "reminder", conv, "reminder")
    return {"conversation_id": conv.id, "event_id": event.id}


def delivery_failed(state: SandboxState, data: dict[str, Any]) -> dict[str, Any]:
    """An outbound message could not be sent (`sending_error`, targeting the message)."""
    db = state.db
    message = db.message(req_str(data, "message_id"))
    if message.is_inbound:
        raise FrontError(400, f"{message.id} is an inbound message: only sent messages can fail")
    conv = db.conversation(message.conversation_id)
    event = _event(
        state, "sending_error", conv, "recipient", target_kind="message", target_id=message.id
    )
    return {"conversation_id": conv.id, "message_id": message.id, "event_id": event.id}


# `/_sandbox/simulate/<what>` -> what happens
SIMULATIONS: dict[str, Callable[[SandboxState, dict[str, Any]], dict[str, Any]]] = {
    "inbound": inbound,
    "outbound": outbound,
    "snooze": snooze,
    "snooze_expired": snooze_expired,
    "delivery_failed": delivery_failed,
}


def simulate(state: SandboxState, what: str, body: Any) -> dict[str, Any]:
    """Run one simulation under the state lock."""
    run = SIMULATIONS.get(what)
    if run is None:
        raise FrontError(
            404, f"Nothing to simulate named {what!r}; known: {', '.join(SIMULATIONS)}"
        )
    with state.lock:
        return run(state, as_object(body))
