"""Front's 16 application webhook types and the Events-API types that raise them.

One table, as Front documents it: `conversation_snoozed` has no Events-API
type (a snooze is not in `GET /events`); a reply (`out_reply`) is sent as
`outbound_sent` like any outbound message.
"""

from __future__ import annotations

# (application webhook type, Events-API types that fire it)
WEBHOOK_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("inbound_received", ("inbound",)),
    ("outbound_sent", ("outbound", "out_reply")),
    ("conversation_archived", ("archive",)),
    ("conversation_reopened", ("reopen",)),
    ("conversation_deleted", ("trash",)),
    ("conversation_restored", ("restore",)),
    ("conversation_snoozed", ()),
    ("conversation_snooze_expired", ("reminder",)),
    ("new_comment_added", ("comment",)),
    ("assignee_changed", ("assign", "unassign")),
    ("tag_added", ("tag",)),
    ("tag_removed", ("untag",)),
    ("link_added", ("link_added",)),
    ("link_removed", ("link_removed",)),
    ("message_delivery_failed", ("sending_error",)),
    ("conversation_moved", ("move",)),
)

# Events-API type -> application webhook type (types missing here fire no app webhook)
BY_EVENT_TYPE: dict[str, str] = {
    api_type: hook_type for hook_type, api_types in WEBHOOK_TYPES for api_type in api_types
}

# the preview `type` of a snooze, which has no Events-API type of its own
SNOOZE_PREVIEW_TYPE = "snooze"
