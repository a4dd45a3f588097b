"""The scopes each served endpoint requires, written by hand for the sandbox.

Keyed by (method, path as written in Front's spec). A contract test checks
this table against the spec's `x-required-scopes`, so the sandbox stays an
independent witness rather than a copy of the spec.
"""

from __future__ import annotations

CONTACTS_READ = ("contacts:read",)
CONTACTS_WRITE = ("contacts:write",)
ACCOUNTS_READ = ("accounts:read",)
ACCOUNTS_WRITE = ("accounts:write",)
CUSTOM_FIELDS_READ = ("custom_fields:read",)
CONVERSATIONS_READ = ("conversations:read",)
CONVERSATIONS_WRITE = ("conversations:write",)
INBOXES_READ = ("inboxes:read",)
INBOXES_WRITE = ("inboxes:write",)
TEAMMATES_READ = ("teammates:read",)
TAGS_READ = ("tags:read",)
TAGS_WRITE = ("tags:write",)
COMMENTS_READ = ("comments:read",)
COMMENTS_WRITE = ("comments:write",)
MESSAGES_READ = ("messages:read",)
EVENTS_READ = ("events:*:read",)
STATUSES_READ = ("statuses:read",)

ENDPOINT_SCOPES: dict[tuple[str, str], tuple[str, ...]] = {
    # token identity: no scope, any valid token
    ("GET", "/me"): (),
    # contacts
    ("GET", "/contacts"): CONTACTS_READ,
    ("POST", "/contacts"): CONTACTS_WRITE,
    ("GET", "/contacts/custom_fields"): CUSTOM_FIELDS_READ,
    ("GET", "/contacts/{contact_id}"): CONTACTS_READ,
    ("PATCH", "/contacts/{contact_id}"): CONTACTS_WRITE,
    ("DELETE", "/contacts/{contact_id}"): ("contacts:delete",),
    ("POST", "/contacts/{contact_id}/handles"): CONTACTS_WRITE,
    ("DELETE", "/contacts/{contact_id}/handles"): CONTACTS_WRITE,
    ("GET", "/contacts/{contact_id}/conversations"): CONVERSATIONS_READ,
    ("GET", "/custom_fields"): CUSTOM_FIELDS_READ,
    # accounts
    ("GET", "/accounts"): ACCOUNTS_READ,
    ("POST", "/accounts"): ACCOUNTS_WRITE,
    ("GET", "/accounts/custom_fields"): CUSTOM_FIELDS_READ,
    ("GET", "/accounts/{account_id}"): ACCOUNTS_READ,
    ("PATCH", "/accounts/{account_id}"): ACCOUNTS_WRITE,
    ("DELETE", "/accounts/{account_id}"): ("accounts:delete",),
    ("GET", "/accounts/{account_id}/contacts"): CONTACTS_READ,
    # teammates and teams
    ("GET", "/teammates"): TEAMMATES_READ,
    ("GET", "/teammates/custom_fields"): CUSTOM_FIELDS_READ,
    ("GET", "/teammates/{teammate_id}"): TEAMMATES_READ,
    ("PATCH", "/teammates/{teammate_id}"): ("teammates:write",),
    ("GET", "/teams"): ("teams:read",),
    ("GET", "/teams/{team_id}"): ("teams:read",),
    ("GET", "/teams/{team_id}/inboxes"): INBOXES_READ,
    ("POST", "/teams/{team_id}/inboxes"): INBOXES_WRITE,
    # inboxes
    ("GET", "/inboxes"): INBOXES_READ,
    ("POST", "/inboxes"): INBOXES_WRITE,
    ("GET", "/inboxes/custom_fields"): CUSTOM_FIELDS_READ,
    ("GET", "/inboxes/{inbox_id}"): INBOXES_READ,
    ("GET", "/inboxes/{inbox_id}/teammates"): TEAMMATES_READ,
    ("GET", "/inboxes/{inbox_id}/conversations"): CONVERSATIONS_READ,
    # conversations
    ("GET", "/conversations"): CONVERSATIONS_READ,
    ("POST", "/conversations"): CONVERSATIONS_WRITE,
    ("GET", "/conversations/custom_fields"): CUSTOM_FIELDS_READ,
    ("GET", "/conversations/search/{query}"): CONVERSATIONS_READ,
    ("GET", "/conversations/{conversation_id}"): CONVERSATIONS_READ,
    ("PATCH", "/conversations/{conversation_id}"): CONVERSATIONS_WRITE,
    ("DELETE", "/conversations/{conversation_id}"): ("conversations:delete",),
    ("PUT", "/conversations/{conversation_id}/assignee"): CONVERSATIONS_WRITE,
    ("POST", "/conversations/{conversation_id}/tags"): CONVERSATIONS_WRITE,
    ("DELETE", "/conversations/{conversation_id}/tags"): CONVERSATIONS_WRITE,
    ("GET", "/conversations/{conversation_id}/comments"): COMMENTS_READ,
    ("POST", "/conversations/{conversation_id}/comments"): COMMENTS_WRITE,
    ("GET", "/conversations/{conversation_id}/messages"): MESSAGES_READ,
    ("POST", "/conversations/{conversation_id}/messages"): ("messages:send",),
    ("GET", "/conversations/{conversation_id}/inboxes"): INBOXES_READ,
    ("POST", "/conversations/{conversation_id}/links"): CONVERSATIONS_WRITE,
    ("DELETE", "/conversations/{conversation_id}/links"): CONVERSATIONS_WRITE,
    # links
    ("GET", "/links/{link_id}"): ("links:read",),
    # comments, messages
    ("GET", "/comments/{comment_id}"): COMMENTS_READ,
    ("PATCH", "/comments/{comment_id}/"): COMMENTS_WRITE,
    ("GET", "/messages/{message_id}"): MESSAGES_READ,
    # tags
    ("GET", "/tags"): TAGS_READ,
    ("POST", "/tags"): TAGS_WRITE,
    ("GET", "/tags/{tag_id}"): TAGS_READ,
    ("PATCH", "/tags/{tag_id}"): TAGS_WRITE,
    ("DELETE", "/tags/{tag_id}"): ("tags:delete",),
    ("GET", "/tags/{tag_id}/conversations"): CONVERSATIONS_READ,
    # ticket statuses
    ("GET", "/company/statuses"): STATUSES_READ,
    ("GET", "/company/statuses/{status_id}"): STATUSES_READ,
    # events
    ("GET", "/events"): EVENTS_READ,
    ("GET", "/events/{event_id}"): EVENTS_READ,
}


def required_scopes(method: str, spec_path: str) -> tuple[str, ...]:
    """Scopes for a served endpoint; an endpoint missing here is a programming error."""
    return ENDPOINT_SCOPES[(method, spec_path)]
