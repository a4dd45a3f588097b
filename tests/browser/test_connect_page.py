"""A customer on the connect page, in headless chromium, against ``serve --sandbox``: choose
the kinds of data to share, pass the sandbox's consent screen, come back connected, and the
host lists their contacts; a refused consent, a reused state and a missing session are shown
as such; axe-core finds no serious or critical violation, and a keyboard alone goes through.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from connector_front.manifest import build_manifest
from connector_front.registry import ModelRegistry
from tests.browser.conftest import Served, axe_violations

CHOSEN = ["genericContact::list", "genericContact::retrieve", "genericCompany::list"]
KINDS = ["genericContact", "genericCompany"]
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        context.close()


def _choose(page: Any, wanted: list[str]) -> None:
    """Tick the boxes of the kinds of data (models) in ``wanted``, untick the others."""
    for box in page.locator("input[name=model]").all():
        if (box.get_attribute("value") in wanted) != box.is_checked():
            box.click()


def _offered_on(models: list[str]) -> list[str]:
    """Every operation ``serve --sandbox``'s connect page offers on ``models``, in its order."""
    entries = {m.model: m for m in build_manifest(ModelRegistry()).models}
    return [op.id for model in models for op in entries[model].operations if op.supported]


def _connect(served: Served, page: Any, owner: str) -> None:
    """The customer connects ``owner`` with every operation offered: Authorize, then Allow."""
    page.goto(served.session(owner, CHOSEN))
    page.locator("#authorize-button").click()
    page.locator("button[value=allow]").click()
    page.wait_for_url(f"{served.url}/connect?*result=connected*")


def _contacts(served: Served, owner: str) -> httpx.Response:
    return httpx.get(
        f"{served.url}/resources/genericContact",
        params={"limit": 2},
        headers={"x-owner-id": owner},
        timeout=15,
    )


def test_the_full_flow_ends_connected_and_the_host_lists_contacts(
    served: Served, page: Any, shots: Any
) -> None:
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/oauth/callback" in r.url else None)
    page.goto(served.connect_url)
    assert page.locator("h1").inner_text() == "Connect Front"
    labels = page.locator(".kind label").all_inner_texts()
    assert len(labels) == 7  # one per kind of data, not one per operation
    assert any(
        text.startswith("Contacts\nRead, create, change and delete contacts") for text in labels
    )
    assert not any("::" in text or ":read" in text for text in labels)
    assert not page.locator("#access-details").get_attribute("open")  # ids and scopes: closed
    assert page.locator("#connection-state").count() == 0  # customer-1 is not connected yet
    shots(page, "1-kinds-of-data")

    _choose(page, KINDS)
    counted = page.locator("#selected-count").inner_text()
    assert counted == f"{len(KINDS)} of {len(labels)} kinds of data chosen"
    page.locator("#authorize-button").click()
    page.wait_for_url(f"{served.sandbox_url}/oauth/authorize*")
    assert "Authorize" in page.locator("h1").inner_text()  # the sandbox's consent screen
    shots(page, "2-consent")

    page.locator("button[value=allow]").click()
    page.wait_for_url(f"{served.url}/connect?*")
    assert page.locator("#connection-state").inner_text() == "Connected"
    assert "Connected:" in page.locator("#live").inner_text()
    assert page.locator("#company-name").inner_text() == "Larkspur Outfitters"
    status = page.locator("section[aria-labelledby=status-heading]").inner_text()
    assert "Read, create, change and delete contacts" in status
    assert "Read, create, change and delete companies" in status
    assert "genericContact::list" not in status  # behind the details disclosure, closed
    page.locator("#connection-details summary").click()
    status = page.locator("section[aria-labelledby=status-heading]").inner_text()
    for operation in CHOSEN:
        assert operation in status
    assert "contacts:read" in status and "valid" in status and "cmp_s001" in status
    assert page.locator("#missing-scopes").count() == 0
    shots(page, "3-connected")

    answer = _contacts(served, "customer-1")
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] and answer.json()["data"][0]["model"] == "genericContact"
    connection = httpx.get(f"{served.url}/connections/customer-1", timeout=10).json()
    assert connection["operations"] == _offered_on(KINDS)  # every operation of the kinds
    assert connection["missingScopes"] == [] and "contacts:read" in connection["verifiedScopes"]
    assert connection["token"]["status"] == "valid" and connection["company"]

    # the same callback again (a reused state): refused, and the page says so
    assert len(callbacks) == 1
    page.goto(callbacks[0])
    assert "already used" in page.locator("[role=alert]").first.inner_text()
    assert page.locator("#authorize").count() == 0  # no session is minted for a used state
    shots(page, "4-reused-state")

    # the page never shows a token or a secret
    html = page.content()
    for secret in ("sbx_at_", "sbx_rt_", "sbx_code_", "sandbox-client-secret"):
        assert secret not in html


def test_a_link_opened_on_localhost_connects_on_the_callbacks_origin(
    served: Served, page: Any, shots: Any
) -> None:
    """The README's host calls its callback 127.0.0.1: a customer who opens the link by
    ``localhost`` is moved there first, so the cookie the callback checks is the page's."""
    link = served.session("customer-12", CHOSEN)
    page.goto(link.replace("://127.0.0.1:", "://localhost:", 1))
    assert page.url == f"{link}&moved=1"  # before any cookie: on the callback's origin
    page.locator("#authorize-button").click()
    page.locator("button[value=allow]").click()
    page.wait_for_url(f"{served.url}/connect?*")
    shots(page, "connected-from-localhost")
    assert "another browser" not in page.locator("#live").inner_text()
    assert page.locator("#connection-state").inner_text() == "Connected"
    assert _contacts(served, "customer-12").status_code == 200


def test_an_already_connected_owner_sees_its_status_and_can_disconnect(
    served: Served, page: Any, shots: Any
) -> None:
    owner = "customer-3"
    _connect(served, page, owner)
    page.goto(served.session(owner, CHOSEN))  # a later visit, with a new session
    assert page.locator("#connection-state").inner_text() == "Connected"
    assert page.locator("#authorize-button").inner_text() == "Reconnect with Front"
    shots(page, "1-already-connected")

    page.locator("#disconnect-button").click()
    page.wait_for_url(f"{served.url}/connect?*result=*")
    assert "revoked" in page.locator("#live").inner_text()
    assert page.locator("#connection-state").count() == 0
    shots(page, "2-disconnected")
    refused = _contacts(served, owner)
    assert refused.status_code == 401, refused.text
    missing = httpx.get(f"{served.url}/connections/{owner}", timeout=10)
    assert missing.status_code == 404


def test_a_refused_consent_is_shown_with_its_reason(served: Served, page: Any, shots: Any) -> None:
    page.goto(served.session("customer-2", CHOSEN))
    page.locator("#authorize-button").click()
    page.locator("button[value=deny]").click()
    page.wait_for_url(f"{served.url}/connect?*")
    alert = page.locator("#live [role=alert]").inner_text()
    assert "You declined the authorization" in alert and "access_denied" in alert
    assert page.locator("#connection-state").count() == 0  # nothing was connected
    assert page.locator("#authorize-button").is_visible()  # the customer can try again
    shots(page, "refused-consent")
    assert _contacts(served, "customer-2").status_code == 401
    assert httpx.get(f"{served.url}/connections/customer-2", timeout=10).status_code == 404


def test_a_declined_reconnect_leaves_the_connection_as_it_was(
    served: Served, page: Any, shots: Any
) -> None:
    owner = "customer-6"
    _connect(served, page, owner)
    before = httpx.get(f"{served.url}/connections/{owner}", timeout=10).json()
    _choose(page, KINDS[:1])
    page.locator("#authorize-button").click()  # fewer kinds of data, then declined at Front
    page.locator("button[value=deny]").click()
    page.wait_for_url(f"{served.url}/connect?*error=access_denied*")
    assert "nothing was changed" in page.locator("#live [role=alert]").inner_text()
    assert page.locator("#connection-state").inner_text() == "Connected"
    shots(page, "declined-reconnect")
    after = httpx.get(f"{served.url}/connections/{owner}", timeout=10).json()
    assert after["operations"] == before["operations"] == CHOSEN
    assert _contacts(served, owner).status_code == 200


def test_the_page_posts_its_form_token_and_a_form_from_elsewhere_is_refused(
    served: Served, page: Any, shots: Any
) -> None:
    url = served.session("customer-7", CHOSEN)
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.post_data or "") if r.method == "POST" else None)
    page.goto(url)
    form_token = page.locator("#authorize input[name=form_token]").get_attribute("value")
    assert form_token and page.locator("#authorize input[name=session]").count() == 1
    page.locator("#authorize-button").click()
    page.wait_for_url(f"{served.sandbox_url}/oauth/authorize*")
    assert posted and f"form_token={form_token}" in posted[0]

    # other pages make the browser post the form: one on another origin of this machine (the
    # sandbox's), which cannot read the page's token; one on no origin of its own (a site
    # elsewhere), for which the browser sends none of the host's cookies. The host refuses
    # both by their Origin; a page of its own origin without the token, by the token.
    session = url.split("session=")[1]
    for where, token in (
        (served.sandbox_url, "A" * 43),
        ("about:blank", form_token),
        (f"{served.url}/connectors/front", "A" * 43),
    ):
        page.goto(where)
        page.set_content(
            f'<form method="post" action="{served.url}/connect">'
            f'<input name="session" value="{session}"><input name="form_token" value="{token}">'
            '<input name="action" value="disconnect"><button id="go">go</button></form>'
        )
        with page.expect_navigation() as navigation:
            page.locator("#go").click()
        assert navigation.value.status == 403
        if where.startswith(served.url):
            assert "form token is missing or wrong" in page.locator("[role=alert]").inner_text()
        else:
            assert "origin_not_allowed" in page.content()
        assert page.locator("form").count() == 0
    shots(page, "forged-form")


@pytest.mark.parametrize(
    ("query", "words"),
    [("", "needs a connect session"), ("?session=forged.AAAA", "not valid")],
    ids=["no-session", "forged-session"],
)
def test_the_page_refuses_without_a_valid_session(
    served: Served, page: Any, shots: Any, query: str, words: str
) -> None:
    answer = page.goto(f"{served.url}/connect{query}")
    assert answer.status == 401
    assert words in page.locator("[role=alert]").inner_text()
    assert page.locator("form").count() == 0
    shots(page, "refused")


def test_a_missing_scope_is_named_on_the_page(served: Served, page: Any, shots: Any) -> None:
    every = set(ModelRegistry().required_scopes(["genericCompany::list", "genericContact::list"]))
    config = f"{served.sandbox_url}/_sandbox/config"
    httpx.post(config, json={"granted_scopes": sorted(every - {"accounts:read"})}, timeout=10)
    try:
        page.goto(served.session("customer-4", CHOSEN))
        page.locator("#authorize-button").click()
        page.locator("button[value=allow]").click()
        page.wait_for_url(f"{served.url}/connect?*")
        assert "accounts:read" in page.locator("#missing-scopes").inner_text()
        shots(page, "missing-scope")
    finally:
        httpx.post(config, json={"granted_scopes": None}, timeout=10)
    status = httpx.get(f"{served.url}/connections/customer-4", timeout=10).json()
    assert status["missingScopes"] == ["accounts:read"]
    assert "contacts:read" in status["verifiedScopes"]


def test_the_page_fits_a_phone(served: Served, browser: Any, shots: Any) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(served.session("customer-5", [*CHOSEN, "ticketComment::list"]))
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"horizontal scroll: {width}px wide"
        assert phone.locator("#authorize-button").is_visible()
        shots(phone, "phone")
    finally:
        context.close()


def test_the_session_token_stays_out_of_the_log(served: Served) -> None:
    token = served.connect_url.split("session=")[1]
    served_lines = [line for line in served.output if "GET /connect" in line]
    assert served_lines, "the access log has the page's requests"
    assert all(token not in line for line in served_lines)
    assert any("session=[redacted]" in line for line in served_lines)


def test_axe_finds_no_serious_or_critical_violation_on_any_state_of_the_page(
    served: Served, page: Any, shots: Any
) -> None:
    every = [*CHOSEN, "ticketIssue::list", "ticketComment::events"]
    page.goto(served.session("customer-8", every))
    assert axe_violations(page) == [], "before connecting"
    page.locator("#authorize-button").click()
    page.locator("button[value=allow]").click()
    page.wait_for_url(f"{served.url}/connect?*result=connected*")
    page.locator("#connection-details summary").click()
    page.locator("#access-details summary").click()  # the disclosures open, too
    assert axe_violations(page) == [], "connected, details open"
    shots(page, "connected")
    page.goto(f"{served.url}/connect?session=forged.AAAA")
    assert axe_violations(page) == [], "a refused session"


def _tab_to(page: Any, element_id: str, presses: int = 40) -> list[str]:
    """Press Tab until the element with ``element_id`` has the focus; what got it on the way."""
    passed: list[str] = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.id || document.activeElement.getAttribute('value') "
            "|| document.activeElement.tagName"
        )
        passed.append(focused)
        if focused == element_id:
            return passed
    raise AssertionError(f"Tab never reached #{element_id}: {passed}")


def test_a_keyboard_alone_connects_with_the_kinds_of_data_it_chose(
    served: Served, page: Any, shots: Any
) -> None:
    owner = "customer-9"
    page.goto(served.session(owner, CHOSEN))
    passed = _tab_to(page, "kind-1")  # Companies
    assert passed[0] == "kind-0"  # the first stop is the first choice
    page.keyboard.press("Space")  # no companies, after all
    assert not page.locator("#kind-1").is_checked()
    _tab_to(page, "authorize-button")
    shots(page, "1-focus-on-authorize")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{served.sandbox_url}/oauth/authorize*")
    _tab_to(page, "allow")  # the sandbox's consent screen, by keyboard too
    page.keyboard.press("Enter")
    page.wait_for_url(f"{served.url}/connect?*result=connected*")
    assert page.locator("#connection-state").inner_text() == "Connected"
    shots(page, "2-connected")
    status = httpx.get(f"{served.url}/connections/{owner}", timeout=10).json()
    assert status["operations"] == ["genericContact::list", "genericContact::retrieve"]


def test_the_fields_step_maps_a_key_by_keyboard_and_the_next_read_shows_the_value(
    served: Served, page: Any, shots: Any
) -> None:
    owner = "customer-10"
    page.goto(served.session(owner, [*CHOSEN, "ticketIssue::list", "ticketIssue::retrieve"]))
    page.locator("#authorize-button").click()
    page.locator("button[value=allow]").click()
    page.wait_for_url(f"{served.url}/connect?*result=connected*")
    step = page.locator("#fields")
    assert "Match your fields" in step.inner_text()
    priority = page.locator("select[name='map.ticketIssue.priority']")
    assert priority.locator("option:checked").inner_text().startswith("Priority (a choice:")
    options = priority.locator("option").all_inner_texts()  # text and choice fields only
    assert options[0] == "Not used" and not any("yes or no" in o for o in options)
    since = page.locator("select[name='map.genericContact.since']")
    assert since.locator("option:checked").inner_text() == "Customer since (a date and time)"
    assert axe_violations(page) == []
    shots(page, "1-fields-step")

    _tab_to(page, priority.get_attribute("id") or "")
    page.keyboard.press("ArrowDown")  # Priority -> Order number, by keyboard alone
    assert priority.locator("option:checked").inner_text() == "Order number (text)"
    _tab_to(page, "map-button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{served.url}/connect?*result=fields_saved*")
    assert "Saved" in page.locator("#live").inner_text()
    saved = page.locator("select[name='map.ticketIssue.priority'] option:checked")
    assert saved.inner_text() == "Order number (text)"  # editable later, from the same page
    shots(page, "2-saved")

    record = httpx.get(
        f"{served.url}/resources/ticketIssue/cnv_s001", headers={"x-owner-id": owner}, timeout=15
    ).json()
    assert record["fields"]["priority"] == "LO-20931"  # cnv_s001's "Order number"
    mapping = httpx.get(f"{served.url}/connections/{owner}/field-mapping", timeout=15).json()
    assert mapping["mapping"]["ticketIssue"] == {"priority": "fld_s032"}


def test_the_fields_step_can_be_skipped_and_changes_nothing(
    served: Served, page: Any, shots: Any
) -> None:
    owner = "customer-11"
    page.goto(served.session(owner, [*CHOSEN, "ticketIssue::list"]))
    page.locator("#authorize-button").click()
    page.locator("button[value=allow]").click()
    page.wait_for_url(f"{served.url}/connect?*result=connected*")
    page.locator("#skip-fields").click()
    page.wait_for_url(f"{served.url}/connect?*result=fields_skipped*")
    assert "left as they were" in page.locator("#live").inner_text()
    shots(page, "skipped")
    mapping = httpx.get(f"{served.url}/connections/{owner}/field-mapping", timeout=15).json()
    assert mapping["mapping"] == {}  # the host's defaults apply
    issue = mapping["models"]["ticketIssue"]["keys"]["priority"]
    assert issue["source"] == "default" and issue["mappedTo"]["name"] == "Priority"
