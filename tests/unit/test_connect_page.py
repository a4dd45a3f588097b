"""The connect page's words: what the app may do, by kind of data, in plain language; the
Front company by name; ids, scopes and probe results only behind a "details" disclosure."""

from __future__ import annotations

import re
from typing import Any

import pytest

from connector_front.host.connect_kinds import ability_sentence, kind_views
from connector_front.host.connect_page import render_page
from connector_front.manifest import Manifest, build_manifest
from connector_front.registry import ModelRegistry

MANIFEST = build_manifest(ModelRegistry())
EVERY = [op.id for m in MANIFEST.models for op in m.operations if op.supported] + [
    m.events.id for m in MANIFEST.models if m.events.supported
]
CONNECTED: dict[str, Any] = {
    "token": {"status": "valid"},
    "operations": ["genericContact::list", "genericCompany::list", "ticketComment::create"],
    "requiredScopes": ["contacts:read", "accounts:read", "comments:write"],
    "missingScopes": ["accounts:read"],
    "verifiedScopes": ["contacts:read"],
    "unverifiedScopes": ["comments:write"],
    "checkedAt": "2026-01-01T00:00:00Z",
    "problems": [],
    "company": "cmp_s001",
    "companyName": "Larkspur Outfitters",
}


def _page(manifest: Manifest = MANIFEST, **given: Any) -> str:
    return render_page(
        manifest,
        owner_id="customer-1",
        session="session-token",
        form_token="form-token",
        offered=EVERY,
        **given,
    )


def _outside_details(html: str) -> str:
    """The page as a customer reads it before opening any disclosure."""
    html = re.sub(r"<details.*?</details>", "", html, flags=re.S)
    html = re.sub(r"<(style|script)>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_offered_operations_are_one_choice_per_kind_of_data() -> None:
    html = _page()
    assert html.count('type="checkbox"') == len(MANIFEST.models) == 7
    assert 'name="operation"' not in html
    text = _outside_details(html)
    for said in (
        "Read, create, change and delete contacts; be told when they change",
        "Read, create, change and delete companies",
        "Read and create inboxes",
        "Read, create and change comments and messages",
    ):
        assert said in text


def test_ids_scopes_and_probes_are_only_behind_the_details_disclosure() -> None:
    html = _page(status=CONNECTED)
    text = _outside_details(html)
    assert "::" not in text and "contacts:read" not in text and "comments:write" not in text
    for developer_words in ("Scopes needed", "Not checked", "cmp_s001", "customer-1"):
        assert developer_words not in text
    details = "".join(re.findall(r"<details.*?</details>", html, flags=re.S))
    for fact in ("genericContact::list", "cmp_s001", "customer-1", "comments:write"):
        assert fact in details
    assert details.count("<details") == 2 and "<summary>" in details


def test_no_word_is_a_made_up_plural() -> None:
    text = _outside_details(_page(status=CONNECTED))
    assert not re.search(r"\b\w+(xs|ys)\b", text), re.findall(r"\b\w+(?:xs|ys)\b", text)
    assert "inboxes" in text


def test_a_connected_owner_sees_its_front_company_by_name() -> None:
    text = _outside_details(_page(status=CONNECTED))
    assert re.search(r"Connected\s+to\s+Larkspur Outfitters\s+on Front", text)
    assert "This app can:" in text and "Read contacts" in text


def test_a_refused_scope_says_which_data_will_not_work_and_what_to_do() -> None:
    html = _page(status=CONNECTED)
    alert = re.search(r'id="missing-scopes">(.*?)</div>', html, flags=re.S)
    assert alert is not None
    words = re.sub(r"<[^>]+>", "", alert.group(1))
    assert "cannot use companies" in words and "accounts:read" in words
    assert "Ask a Front admin" in words


def test_without_a_company_name_the_page_says_your_account() -> None:
    text = _outside_details(_page(status={**CONNECTED, "companyName": None}))
    assert re.search(r"Connected\s+to your Front account", text)


def test_the_app_is_named_when_the_host_names_it() -> None:
    html = _page(app_name="Acme <CRM>")
    assert "<h1>Connect Acme &lt;CRM&gt; to Front</h1>" in html
    assert "Acme &lt;CRM&gt; asks for access to your Front account" in html
    assert "<h1>Connect Front</h1>" in _page()


@pytest.mark.parametrize(
    ("operations", "sentence"),
    [
        (["list"], "Read teams"),
        (["retrieve", "list"], "Read teams"),
        (["create", "update"], "Create and change teams"),
        (["events"], "Be told when teams change"),
        (["delete", "list", "events"], "Read and delete teams; be told when they change"),
    ],
)
def test_abilities_are_said_as_one_sentence(operations: list[str], sentence: str) -> None:
    assert ability_sentence("teams", operations) == sentence


def test_kinds_keep_the_manifest_order_and_leave_out_what_is_not_offered() -> None:
    kinds = kind_views(MANIFEST, ["ticketIssue::list", "genericContact::create", "nope::list"])
    assert [k.model for k in kinds] == ["genericContact", "ticketIssue"]
    assert kinds[1].operation_ids == ("ticketIssue::list",)
