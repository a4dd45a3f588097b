"""Custom field definitions per kind of object (`GET /contacts/custom_fields`, ...)."""

from __future__ import annotations

from starlette.responses import Response

from ..endpoint import Ctx, Handler, Row, json_response
from ..pagination import list_body
from ..shapes.contacts import custom_field_json


def _lister(target: str) -> Handler:
    def handler(ctx: Ctx) -> Response:
        fields = [custom_field_json(ctx.links, f) for f in ctx.db.fields_for(target)]
        return json_response(list_body(ctx, fields, paginated=False))

    return handler


# path -> kind of object whose fields it lists; `/custom_fields` is Front's deprecated
# alias of the contact list
TARGETS: dict[str, str] = {
    "/contacts/custom_fields": "contact",
    "/custom_fields": "contact",
    "/accounts/custom_fields": "account",
    "/teammates/custom_fields": "teammate",
    "/conversations/custom_fields": "conversation",
    "/inboxes/custom_fields": "inbox",
}

ROUTES: list[Row] = [("GET", path, _lister(target)) for path, target in TARGETS.items()]
