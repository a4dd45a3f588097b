"""Recording what happens to conversations in Front's activity log (`GET /events`).

Routes call `emit` after each change, with the acting teammate when there is
one; otherwise the API token or OAuth client is the event's source. Recording
an event also queues the webhooks it fires (see `webhooks`).
"""

from __future__ import annotations

from .endpoint import API_PRINCIPAL, Ctx
from .errors import Moved
from .records import Conversation, Event, Teammate


def emit(
    ctx: Ctx,
    kind: str,
    conv: Conversation,
    *,
    target_kind: str | None = None,
    target_id: str | None = None,
    teammate_id: str | None = None,
) -> Event:
    source = "teammate" if teammate_id else ctx.principal.kind
    event = Event(
        id=ctx.db.new_id("evt"),
        type=kind,
        emitted_at=ctx.db.now(),
        conversation_id=conv.id,
        source_kind=source,
        source_teammate_id=teammate_id,
        target_kind=target_kind,
        target_id=target_id,
    )
    return ctx.state.record_event(event, ctx.links)


def principal_author(ctx: Ctx) -> Teammate:
    """The pseudo-teammate that writes as the API token or the OAuth client."""
    kind = ctx.principal.kind
    author_id = ctx.db.api_author_ids.get(kind)
    if author_id is None or author_id not in ctx.db.teammates:
        is_api = kind == API_PRINCIPAL
        author = Teammate(
            id=ctx.db.new_id("tea"),
            email=f"{kind}@sandbox.example",
            username=kind,
            first_name="API" if is_api else "OAuth",
            last_name="Token" if is_api else "App",
            type="api" if is_api else "application",
            license_type="free",
        )
        ctx.db.teammates[author.id] = author
        ctx.db.api_author_ids[kind] = author.id
        return author
    return ctx.db.teammates[author_id]


def author_for(ctx: Ctx, author_id: str | None) -> Teammate:
    """The teammate named by `author_id` (id or alias), else the caller's pseudo-teammate."""
    return ctx.db.teammate(author_id) if author_id else principal_author(ctx)


def live_conversation(ctx: Ctx, ident: str) -> Conversation:
    """A conversation by id; a merged one answers 301 to the one it was merged into."""
    conv = ctx.db.conversation(ident)
    seen = {conv.id}
    target = conv
    while target.merged_into is not None and target.merged_into not in seen:
        seen.add(target.merged_into)
        target = ctx.db.conversation(target.merged_into)
    if target is not conv:
        path = ctx.request.url.path.replace(
            f"/conversations/{conv.id}", f"/conversations/{target.id}", 1
        )
        query = ctx.request.url.query
        raise Moved(ctx.links.url(path) + (f"?{query}" if query else ""))
    return conv
