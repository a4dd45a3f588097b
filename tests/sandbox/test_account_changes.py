"""Accounts tell their changes as Front does: updated_at moves, sort_by=updated_at finds them."""

from __future__ import annotations

import httpx


def test_an_update_moves_updated_at_and_sorts_first(client: httpx.Client) -> None:
    before = client.get("/accounts/acc_s004").json()
    changed = client.patch("/accounts/acc_s004", json={"description": "Moved up"}).json()
    assert changed["updated_at"] > before["updated_at"]
    newest = client.get(
        "/accounts", params={"sort_by": "updated_at", "sort_order": "desc", "limit": 1}
    ).json()
    assert [a["id"] for a in newest["_results"]] == ["acc_s004"]
    assert newest["_results"][0]["updated_at"] == changed["updated_at"]


def test_a_created_account_is_the_newest(client: httpx.Client) -> None:
    created = client.post("/accounts", json={"name": "Fresh Goods"}).json()
    assert created["updated_at"] == created["created_at"]
    newest = client.get("/accounts", params={"sort_by": "updated_at", "sort_order": "desc"}).json()
    assert newest["_results"][0]["id"] == created["id"]
