"""The connect page as its customer's browser uses it, for the connect page's route tests."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import httpx

from tests.conftest import Host

KEY = "connect-test-key"
OFFERED = ["genericContact::list", "genericContact::create", "genericCompany::list"]


def session_for(host: Host, owner: str, operations: list[str] = OFFERED) -> dict[str, str]:
    with host.client() as http:
        answer = http.post("/connect/sessions", json={"ownerId": owner, "operations": operations})
    assert answer.status_code == 201, answer.text
    body: dict[str, str] = answer.json()
    return body


def page_client(host: Host) -> httpx.Client:
    """A browser-like client of the page: no host key, no redirects followed, its cookies
    kept from one request to the next."""
    return httpx.Client(base_url=host.url, timeout=30, follow_redirects=False)


FORM = {"content-type": "application/x-www-form-urlencoded"}
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


class Browser:
    """A customer's browser on the page: it opens the page (getting its cookie and form
    token) and posts the page's forms with their hidden fields."""

    def __init__(self, host: Host) -> None:
        self.http = page_client(host)
        self.form_token = ""

    def open(self, path: str, **params: str) -> httpx.Response:
        answer = self.http.get(path, params=params or None)
        found = FORM_TOKEN.search(answer.text)
        self.form_token = found.group(1) if found else ""
        return answer

    def post(self, form: list[tuple[str, str]]) -> httpx.Response:
        """The form as the page posts it (a field may repeat), with the page's form token."""
        fields = [("form_token", self.form_token), *form]
        return self.http.post("/connect", content=urlencode(fields), headers=FORM)

    def authorize(self, token: str, operations: list[str]) -> httpx.Response:
        self.open("/connect", session=token)
        fields = [("operation", o) for o in operations]
        return self.post([("session", token), ("action", "authorize"), *fields])

    def callback(self, redirect: httpx.URL) -> httpx.Response:
        return self.http.get("/oauth/callback", params=dict(redirect.params))

    def close(self) -> None:
        self.http.close()


def post_form(host: Host, form: list[tuple[str, str]]) -> httpx.Response:
    """The page's form posted by a browser that opened the page first."""
    token = next((value for name, value in form if name == "session"), "")
    opened = Browser(host)
    try:
        opened.open("/connect", session=token)
        return opened.post(form)
    finally:
        opened.close()


def authorize(host: Host, token: str, operations: list[str]) -> httpx.Response:
    form = [("session", token), ("action", "authorize")] + [("operation", o) for o in operations]
    return post_form(host, form)


def consent(authorize_url: str, decision: str | None = None) -> httpx.URL:
    """The sandbox's answer to the customer (auto-approval, or a consent decision)."""
    if decision is None:
        answer = httpx.get(authorize_url, timeout=10)
    else:
        url = httpx.URL(authorize_url)
        data = {**dict(url.params), "decision": decision}
        answer = httpx.post(url.copy_with(query=None), data=data)
    assert answer.status_code == 302, answer.text
    return httpx.URL(answer.headers["location"])


def foreign_callback(host: Host, redirect: httpx.URL) -> httpx.Response:
    """The callback as a browser other than the one that started the authorization."""
    with page_client(host) as page:
        return page.get("/oauth/callback", params=dict(redirect.params))
