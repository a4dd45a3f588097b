"""A web page on another origin, in headless chromium, cannot act through the open
``serve --sandbox`` host: its text/plain ``fetch`` and its form reach nothing; and a request
addressed to a domain name re-pointed at 127.0.0.1 (DNS rebinding) is not answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.browser.conftest import Served

REBOUND = "rebound.evil.test"


@pytest.fixture
def foreign_page(browser: Any, served: Served) -> Iterator[Any]:
    """A page of another origin than the host's (the sandbox Front's, another port)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{served.sandbox_url}/_sandbox/stats")
    try:
        yield page
    finally:
        context.close()


def _comment_posts(served: Served) -> int:
    journal = httpx.get(f"{served.sandbox_url}/_sandbox/requests", timeout=10).json()
    return sum(1 for r in journal if r["method"] == "POST" and "/comments" in r["path"])


def test_a_foreign_pages_text_plain_fetch_posts_no_reply(
    served: Served, foreign_page: Any
) -> None:
    before = _comment_posts(served)
    body = json.dumps({"fields": {"body": "posted by a web page", "issue": "cnv_s001"}})
    status = foreign_page.evaluate(
        """async ([url, body]) => {
            const answer = await fetch(url, {method: "POST", body, mode: "no-cors",
                                             headers: {"content-type": "text/plain"}});
            return answer.type;
        }""",
        [f"{served.url}/resources/ticketComment", body],
    )
    assert status == "opaque"  # the browser sent it; the page may not read the answer
    assert served.log_shows("POST '/resources/ticketComment' refused (origin_not_allowed)")
    assert _comment_posts(served) == before


def test_a_foreign_pages_form_cannot_post_to_the_connect_page(
    served: Served, foreign_page: Any
) -> None:
    with foreign_page.expect_navigation():
        foreign_page.evaluate(
            """(url) => {
                const form = document.createElement("form");
                form.method = "POST";
                form.action = url;
                for (const [name, value] of [["session", "x"], ["action", "disconnect"]]) {
                    const field = document.createElement("input");
                    field.name = name;
                    field.value = value;
                    form.appendChild(field);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            f"{served.url}/connect",
        )
    assert "origin_not_allowed" in foreign_page.content()


def test_a_name_rebound_to_loopback_is_not_answered(served: Served) -> None:
    port = served.url.rsplit(":", 1)[1]
    answer = httpx.get(
        f"{served.url}/resources/genericContact", headers={"host": f"{REBOUND}:{port}"}
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "host_not_allowed"
