"""The host's routes, one entry each: handler, summary, parameters, request and answer models.

The Starlette routes and the OpenAPI document (``GET /openapi.json``) are both built from this
table, so a route added here is served and documented at once (and, unless listed in
``host.auth.OPEN_ROUTES``, protected by the host key).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connector_front.host import connect_routes, ops_routes, routes
from connector_front.host.connect_origin import MOVED
from connector_front.host.requests import FLAGS
from connector_front.host.schemas import (
    AnyJSON,
    CallbackAnswer,
    ConnectForm,
    ConnectionAnswer,
    ConnectionRequest,
    ConnectionStatus,
    CustomFieldList,
    DisconnectAnswer,
    FieldMappingAnswer,
    FieldMappingBody,
    FieldsBody,
    Liveness,
    Readiness,
    SessionAnswer,
    SessionRequest,
    WebhookAnswer,
    WebhookStats,
)
from connector_front.manifest import Manifest
from connector_front.models.event import EventPage
from connector_front.models.record import Record, RecordPage

Endpoint = Callable[[Request], Awaitable[Response]]

_BOOLEAN: Mapping[str, Any] = MappingProxyType({"type": "string", "enum": list(FLAGS)})
_STRING: Mapping[str, Any] = MappingProxyType({"type": "string"})


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str
    schema: Mapping[str, Any] = field(default_factory=lambda: _STRING)
    required: bool = False


@dataclass(frozen=True)
class HostRoute:
    """One route. ``answer`` None: the answer is not a host model (204, or Front's own body)."""

    methods: tuple[str, ...]
    path: str
    endpoint: Endpoint
    summary: str
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    status: int = 200
    query: tuple[QueryParam, ...] = ()
    owner: bool = False
    """The route acts for a connection chosen by the ``x-owner-id`` header."""
    serves: str | None = None
    """The operation a ``{model}`` route runs: the document lists the models that support it."""
    body_operations: bool = False
    """The body's ``operations`` are operation ids: the document lists the supported ones."""
    html: bool = False
    """A page for people: answers ``text/html`` (errors too), its body is a urlencoded form."""
    redirects: str | None = None
    """What a 303 answer of the route leads to, when it may answer one."""
    also: tuple[int, ...] = ()
    """Other statuses the route answers with its answer model (``/readyz``'s 503)."""
    media: str | None = None
    """The answer's media type when it is neither JSON nor a page (``/metrics``: text)."""

    @property
    def template(self) -> str:
        """The path as OpenAPI writes it: ``{path:path}`` becomes ``{path}``."""
        return re.sub(r"\{(\w+):\w+\}", r"{\1}", self.path)

    def route(self) -> Route:
        return Route(self.path, self.endpoint, methods=list(self.methods))


CUSTOM_FIELDS = "custom_fields"
"""``serves`` of the custom-fields route: the models that have Front custom fields."""
SESSION = QueryParam("session", "the connect session token (POST /connect/sessions)")
ELSEWHERE = (
    f"to the same page on the OAuth callback's origin, marked {MOVED}=1, when opened by another "
    "host name"
)
MARKER = QueryParam(
    MOVED, "set by the host's own move to the callback's origin: the page is not moved again"
)
RAW = QueryParam("raw", "include Front's own JSON as rawResource", _BOOLEAN)

ROUTE_TABLE: tuple[HostRoute, ...] = (
    HostRoute(("GET",), "/connectors/front", routes.manifest, "The connector manifest",
              answer=Manifest),
    HostRoute(("GET",), "/openapi.json", routes.openapi, "This surface as an OpenAPI document",
              answer=AnyJSON),
    HostRoute(("POST",), "/connections/{owner_id}", routes.create_connection,
              "Create or replace a connection with the operations it needs",
              body=ConnectionRequest, answer=ConnectionAnswer, body_operations=True),
    HostRoute(("GET",), "/oauth/callback", routes.oauth_callback,
              "Complete an authorization (Front redirects the customer here)",
              answer=CallbackAnswer,
              redirects="back to the connect page, for an authorization the page started",
              query=(QueryParam("code", "the authorization code"),
                     QueryParam("state", "the one-time state"),
                     QueryParam("error", "Front's refusal, when the customer declined"))),
    HostRoute(("GET",), "/connections/{owner_id}", routes.connection_status,
              "A connection: operations, scopes needed / missing / unverified, token health",
              answer=ConnectionStatus),
    HostRoute(("GET",), "/connections/{owner_id}/field-mapping", routes.field_mapping,
              "A connection's field mapping: declared keys, the owner's choices, its Front "
              "custom fields (read now) with their types, and problems",
              answer=FieldMappingAnswer),
    HostRoute(("PUT",), "/connections/{owner_id}/field-mapping", routes.set_field_mapping,
              "Replace a connection's field mapping choices (checked against Front's custom "
              "fields and the keys' types)",
              body=FieldMappingBody, answer=FieldMappingAnswer),
    HostRoute(("DELETE",), "/connections/{owner_id}", routes.disconnect,
              "Disconnect: revoke (where Front allows) and delete the stored tokens",
              answer=DisconnectAnswer),
    HostRoute(("POST",), "/connect/sessions", connect_routes.create_session,
              "A short-lived connect page session for an owner and the operations it offers",
              body=SessionRequest, answer=SessionAnswer, status=201, body_operations=True),
    HostRoute(("GET",), "/connect", connect_routes.show,
              "The connect page (opened with a session)", html=True, redirects=ELSEWHERE,
              query=(SESSION,
                     QueryParam("result", "what the page was sent back with"),
                     QueryParam("error", "why an authorization did not complete"), MARKER)),
    HostRoute(("POST",), "/connect", connect_routes.act,
              "The connect page's form: authorize (to Front's consent screen) or disconnect",
              body=ConnectForm, html=True,
              redirects="to Front's consent screen, or back to the page"),
    HostRoute(("GET",), "/connect/{owner_id}", connect_routes.show,
              "The connect page for one owner (the session must be that owner's)", html=True,
              redirects=ELSEWHERE, query=(SESSION, MARKER)),
    HostRoute(("GET",), "/resources/{model}", routes.list_records,
              "List records (other query parameters are the model's filters)",
              answer=RecordPage, owner=True, serves="list",
              query=(QueryParam("limit", "records per page",
                                {"type": "integer", "minimum": 1, "maximum": 100}),
                     QueryParam("cursor", "the 'next' value of the previous page"), RAW)),
    HostRoute(("POST",), "/resources/{model}", routes.create_record, "Create a record",
              body=FieldsBody, answer=Record, status=201, owner=True, query=(RAW,),
              serves="create"),
    HostRoute(("GET",), "/resources/{model}/custom-fields", routes.custom_fields,
              "The Front custom fields a model can map", answer=CustomFieldList, owner=True,
              serves=CUSTOM_FIELDS),
    HostRoute(("GET",), "/resources/{model}/{id}", routes.retrieve_record, "Retrieve a record",
              answer=Record, owner=True, query=(RAW,), serves="retrieve"),
    HostRoute(("PATCH",), "/resources/{model}/{id}", routes.update_record, "Update a record",
              body=FieldsBody, answer=Record, owner=True, query=(RAW,), serves="update"),
    HostRoute(("DELETE",), "/resources/{model}/{id}", routes.delete_record, "Delete a record",
              status=204, owner=True, serves="delete",
              query=(QueryParam("permanent", "delete for good (ticketIssue)", _BOOLEAN),)),
    HostRoute(("GET", "POST", "PATCH", "PUT", "DELETE"), "/proxy/{path:path}", routes.proxy,
              "Any Front endpoint the connection's operations cover, auth added", owner=True),
    HostRoute(("POST",), "/webhooks/front", routes.application_webhook,
              "Front application webhook intake (signed; the challenge is echoed)",
              body=AnyJSON, answer=WebhookAnswer),
    HostRoute(("POST",), "/webhooks/front/rules/{name}", routes.rule_webhook,
              "Front rule webhook intake, secret FRONT_RULE_SECRET_<NAME>",
              body=AnyJSON, answer=WebhookAnswer),
    HostRoute(("GET",), "/webhooks/stats", routes.webhook_stats,
              "Webhook deliveries by state, events recorded and pushed", answer=WebhookStats),
    HostRoute(("GET",), "/metrics", ops_routes.metrics,
              "Prometheus metrics (every worker's, added up, and the shared database's)",
              media="text/plain"),
    HostRoute(("GET",), "/healthz", ops_routes.healthz, "The process answers",
              answer=Liveness),
    HostRoute(("GET",), "/readyz", ops_routes.readyz,
              "Ready to serve: database reachable, migrations applied, background jobs running "
              "(503 and what is wrong otherwise)",
              answer=Readiness, also=(503,)),
    HostRoute(("GET",), "/events", routes.list_events,
              "Unified events, oldest first (owner: the owner parameter or x-owner-id)",
              answer=EventPage, owner=True,
              query=(QueryParam("after", "the 'next' value of a previous page"),
                     QueryParam("limit", "events per page",
                                {"type": "integer", "minimum": 1, "maximum": 500}),
                     QueryParam("model", "only this unified model's events"),
                     QueryParam("owner", "only this owner's events"))),
)  # fmt: skip
