"""The connect page against forgery, over real HTTP on a sandbox Front: a form needs the page's
form token for this browser; operations change only when the customer consents; an OAuth
state works only in the browser that started it, and only a valid code mints a session.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import OWNER, Host
from tests.integration.connect_support import (
    OFFERED,
    Browser,
    consent,
    foreign_callback,
    page_client,
    session_for,
)

EVERY = ["genericContact::list", "genericContact::retrieve", "genericCompany::list"]


def _connection(host: Host, owner: str = OWNER) -> httpx.Response:
    with host.client() as http:
        return http.get(f"/connections/{owner}")


def _still_works(host: Host, owner: str = OWNER) -> bool:
    with host.client(owner) as http:
        return http.get("/resources/genericContact", params={"limit": 1}).status_code == 200


def _code_grants(host: Host) -> int:
    stats = httpx.get(f"{host.sandbox_url}/_sandbox/stats", timeout=10).json()
    grants: int = stats["grants"].get("authorization_code", 0)
    return grants


# -- the form token --------------------------------------------------------------------


def _cross_site(host: Host, form: list[tuple[str, str]]) -> httpx.Response:
    """A form another site's page makes the browser post: no cookie of this host's."""
    with page_client(host) as other:
        return other.post("/connect", data=dict(form))


@pytest.mark.parametrize(
    "forge",
    ["no-token", "wrong-token", "another-browsers-token", "cross-site"],
)
@pytest.mark.parametrize("action", ["disconnect", "authorize"])
def test_a_form_without_this_browsers_form_token_is_refused_and_changes_nothing(
    secured: Host, browser: Browser, forge: str, action: str
) -> None:
    token = session_for(secured, OWNER, EVERY)["token"]
    before = _connection(secured).json()
    browser.open("/connect", session=token)
    form = [("session", token), ("action", action), ("operation", "genericContact::list")]
    if forge == "cross-site":
        answer = _cross_site(secured, [("form_token", browser.form_token), *form])
    else:
        if forge == "another-browsers-token":
            other = Browser(secured)
            other.open("/connect", session=token)
            browser.form_token = other.form_token
            other.close()
        else:
            browser.form_token = "" if forge == "no-token" else "A" * 43
        answer = browser.post(form)
    assert answer.status_code == 403, answer.text
    assert "form token is missing or wrong, so nothing was done" in answer.text
    assert 'role="alert"' in answer.text and "<form" not in answer.text
    assert _connection(secured).json() == before and _still_works(secured)


def test_the_page_gives_each_browser_its_own_form_token(secured: Host) -> None:
    token = session_for(secured, "customer-20")["token"]
    first, second = Browser(secured), Browser(secured)
    try:
        first.open("/connect", session=token)
        second.open("/connect", session=token)
        cookie = first.http.cookies.jar
        assert first.form_token and first.form_token != second.form_token
        assert all(c.name == "connector_front_browser" for c in cookie)
        assert token not in first.form_token
    finally:
        first.close()
        second.close()


# -- operations wait for the consent -----------------------------------------------------


def test_an_abandoned_consent_leaves_the_operations_and_the_token_as_they_were(
    secured: Host, browser: Browser, sandbox_consent: None
) -> None:
    before, grants = _connection(secured).json(), _code_grants(secured)
    token = session_for(secured, OWNER, EVERY)["token"]
    started = browser.authorize(token, ["genericContact::list"])
    assert started.status_code == 303  # on Front's consent screen, which the customer closes
    assert _connection(secured).json() == before and _still_works(secured)
    assert _code_grants(secured) == grants


def test_a_declined_consent_leaves_the_operations_and_the_token_as_they_were(
    secured: Host, browser: Browser, sandbox_consent: None
) -> None:
    before, grants = _connection(secured).json(), _code_grants(secured)
    token = session_for(secured, OWNER, EVERY)["token"]
    started = browser.authorize(token, ["genericContact::list"])
    back = browser.callback(consent(started.headers["location"], "deny"))
    assert httpx.URL(back.headers["location"]).params["error"] == "access_denied"
    assert _connection(secured).json() == before and _still_works(secured)
    assert _code_grants(secured) == grants


def test_the_chosen_operations_apply_when_the_customer_consents(
    secured: Host, browser: Browser, sandbox_consent: None
) -> None:
    token = session_for(secured, OWNER, EVERY)["token"]
    started = browser.authorize(token, ["genericContact::list", "genericCompany::list"])
    back = browser.callback(consent(started.headers["location"], "allow"))
    assert httpx.URL(back.headers["location"]).params["result"] == "connected"
    status = _connection(secured).json()
    assert status["operations"] == ["genericContact::list", "genericCompany::list"]


def test_a_kind_of_data_chosen_on_the_page_applies_every_operation_offered_on_it(
    secured: Host, browser: Browser, sandbox_consent: None
) -> None:
    token = session_for(secured, OWNER, EVERY)["token"]
    browser.open("/connect", session=token)
    started = browser.post(
        [("session", token), ("action", "authorize"), ("model", "genericContact")]
    )
    back = browser.callback(consent(started.headers["location"], "allow"))
    assert httpx.URL(back.headers["location"]).params["result"] == "connected"
    status = _connection(secured).json()
    assert status["operations"] == ["genericContact::list", "genericContact::retrieve"]


# -- the state is bound to its browser; only a valid code mints a session ----------------


def _started(host: Host, browser: Browser, owner: str) -> tuple[str, httpx.URL]:
    """``owner``'s session, and Front's redirect back after approving (not yet followed)."""
    token = session_for(host, owner, OFFERED)["token"]
    return token, consent(browser.authorize(token, OFFERED).headers["location"])


def _leaked(redirect: httpx.URL, **query: str) -> httpx.URL:
    return redirect.copy_with(params={"state": redirect.params["state"], **query})


@pytest.mark.parametrize(
    "query",
    [{"error": "access_denied"}, {"code": "sbx_code_junk"}, {}],
    ids=["refusal", "junk-code", "no-code"],
)
def test_a_leaked_state_mints_no_session_in_another_browser(
    secured: Host, browser: Browser, query: dict[str, str]
) -> None:
    _, redirect = _started(secured, browser, "customer-9")
    for _ in range(2):  # refused each time: the other browser cannot spend the state either
        answer = foreign_callback(secured, _leaked(redirect, **query))
        location = httpx.URL(answer.headers["location"])
        assert answer.status_code == 303 and location.path == "/connect"
        assert location.params["error"] == "state_browser" and "session" not in location.params
    with page_client(secured) as page:
        shown = page.get(str(location))
    assert "started in another browser" in shown.text and "<form" not in shown.text
    done = browser.callback(redirect)  # the customer's own browser still finishes
    assert httpx.URL(done.headers["location"]).params["result"] == "connected"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"error": "access_denied"}, "access_denied"),
        ({"code": "sbx_code_junk"}, "authorization_failed"),
        ({}, "authorization_failed"),
    ],
    ids=["refusal", "junk-code", "no-code"],
)
def test_without_a_valid_code_the_browser_goes_back_to_its_own_session(
    secured: Host, browser: Browser, query: dict[str, str], error: str
) -> None:
    token, redirect = _started(secured, browser, "customer-10")
    answer = browser.callback(_leaked(redirect, **query))
    location = httpx.URL(answer.headers["location"])
    assert location.params["error"] == error
    assert location.params["session"] == token  # its own session, not a new one
    assert _connection(secured, "customer-10").status_code == 404
    again = httpx.URL(browser.callback(redirect).headers["location"])
    assert again.params["error"] == "state_reused" and "session" not in again.params


def test_a_code_for_one_owners_authorization_is_refused_with_another_owners_state(
    secured: Host, browser: Browser
) -> None:
    _, mine = _started(secured, browser, "customer-11")
    theirs_token, theirs = _started(secured, browser, "customer-12")
    swapped = _leaked(theirs, code=mine.params["code"])
    location = httpx.URL(browser.callback(swapped).headers["location"])
    assert location.params["error"] == "authorization_failed"
    assert location.params["session"] == theirs_token  # its own session, never a fresh one
    for owner in ("customer-11", "customer-12"):
        assert _connection(secured, owner).status_code == 404
    done = browser.callback(mine)  # the code still works with its own state
    assert httpx.URL(done.headers["location"]).params["result"] == "connected"
    assert _connection(secured, "customer-11").status_code == 200
