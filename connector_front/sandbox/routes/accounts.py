"""Accounts (companies): list/create/get/update/delete, `alt:domain:` / `alt:ext_id:` aliases.

Unlike contacts, Front answers PATCH on an account with 200 and the account.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..body import as_object, opt_object, opt_str, opt_str_list, req_str
from ..customfields import validate_custom_fields
from ..endpoint import Ctx, Row, json_response, no_content
from ..errors import FrontError
from ..indexes import ACCOUNTS, CONTACTS_BY_ACCOUNT
from ..pagination import index_page, list_body, parse_limit, parse_sort_by, parse_sort_order
from ..records import Account
from ..shapes.accounts import account_json
from ..shapes.contacts import contact_json

SORT_FIELDS = ("created_at", "updated_at")


def _check_unique(
    ctx: Ctx, domains: list[str], external_id: str | None, owner: Account | None
) -> None:
    """409 when another account already has one of these domains or this external id."""
    for other in ctx.db.accounts.values():
        if other is owner:
            continue
        clash = {d.lower() for d in domains} & {d.lower() for d in other.domains}
        if clash:
            raise FrontError(409, f"Domain {sorted(clash)[0]} belongs to account {other.id}")
        if external_id is not None and other.external_id == external_id:
            raise FrontError(409, f"External id {external_id} belongs to account {other.id}")


def list_accounts(ctx: Ctx) -> Response:
    limit = parse_limit(ctx)
    sort_by = parse_sort_by(ctx, SORT_FIELDS, "created_at")
    descending = parse_sort_order(ctx)
    page, token = index_page(
        ctx.db.index(ACCOUNTS[sort_by]).whole, limit, ctx.query.get("page_token"), descending
    )
    return json_response(list_body(ctx, [account_json(ctx.links, a) for a in page], token))


def create_account(ctx: Ctx) -> Response:
    data = as_object(ctx.body)
    domains = opt_str_list(data, "domains") or []
    external_id = opt_str(data, "external_id")
    _check_unique(ctx, domains, external_id, None)
    now = ctx.db.now()
    account = Account(
        id=ctx.db.new_id("acc"),
        name=req_str(data, "name"),
        created_at=now,
        updated_at=now,
        description=opt_str(data, "description") or "",
        domains=domains,
        external_id=external_id,
        custom_fields=validate_custom_fields(
            ctx.db, "account", opt_object(data, "custom_fields") or {}
        ),
    )
    ctx.db.accounts[account.id] = account
    return json_response(account_json(ctx.links, account), 201)


def get_account(ctx: Ctx) -> Response:
    return json_response(account_json(ctx.links, ctx.db.account(ctx.param("account_id"))))


def update_account(ctx: Ctx) -> Response:
    account = ctx.db.account(ctx.param("account_id"))
    data = as_object(ctx.body)
    domains = opt_str_list(data, "domains")
    _check_unique(ctx, domains or [], None, account)
    custom = opt_object(data, "custom_fields")
    changes: dict[str, Any] = {
        "name": opt_str(data, "name"),
        "description": opt_str(data, "description"),
        "domains": domains,
        "custom_fields": None
        if custom is None
        else validate_custom_fields(ctx.db, "account", custom),
    }
    for attribute, value in changes.items():
        if value is not None:
            setattr(account, attribute, value)
    account.updated_at = ctx.db.now()
    return json_response(account_json(ctx.links, account))


def delete_account(ctx: Ctx) -> Response:
    account = ctx.db.account(ctx.param("account_id"))
    del ctx.db.accounts[account.id]
    for contact in ctx.db.contacts.values():
        if contact.account_id == account.id:
            contact.account_id = None
    return no_content()


def account_contacts(ctx: Ctx) -> Response:
    account = ctx.db.account(ctx.param("account_id"))
    limit = parse_limit(ctx)
    members = ctx.db.index(CONTACTS_BY_ACCOUNT).group(account.id)
    page, token = index_page(members, limit, ctx.query.get("page_token"), True)
    return json_response(list_body(ctx, [contact_json(ctx.links, ctx.db, c) for c in page], token))


ROUTES: list[Row] = [
    ("GET", "/accounts", list_accounts),
    ("POST", "/accounts", create_account),
    ("GET", "/accounts/{account_id}", get_account),
    ("PATCH", "/accounts/{account_id}", update_account),
    ("DELETE", "/accounts/{account_id}", delete_account),
    ("GET", "/accounts/{account_id}/contacts", account_contacts),
]
