"""No secret in any captured log line or exception text, for every test of the suite.

An autouse fixture (imported by tests/conftest.py) collects, while a test runs:

- every log record of every logger (as a text line and as a JSON line), at INFO and above
  (DEBUG for ``connector_front``; DEBUG
  for every logger in a test marked ``debug_logs``, as a host run with root logging at DEBUG
  logs), formatted with its exception text;
- the text of every exception a ``pytest.raises`` caught, and of one raised to the test;

and fails the test when one holds a known secret: a value wrapped in pydantic's ``SecretStr``
anywhere in the process so far (client secrets, API tokens, webhook and rule secrets, host
keys, cursor and encryption keys), the sandbox's own client secret, API tokens and webhook
secret, the webhook secrets the tests sign with, or a code, token or OAuth state a sandbox
issued or saw (asked of the sandbox by digest: it never lists them).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from _pytest._code import ExceptionInfo
from pydantic import SecretStr

from connector_front.ops.logs import JsonFormatter
from connector_front.sandbox import SandboxConfig
from connector_front.sandbox.tokens import issued_by_a_sandbox
from connector_front.util.redaction import install_log_redaction

MIN_SECRET = 8
"""Shorter values are not looked for (a test's ``"k"`` would match everywhere)."""
CANDIDATE = re.compile(r"[A-Za-z0-9_\-.~+/=]{16,}")
"""Words that may be an issued code, token or state (checked by the sandbox's digests)."""


def _static_secrets() -> set[str]:
    config = SandboxConfig()
    found = {config.client_secret, config.webhook_secret, *config.api_tokens}
    from tests.integration import webhook_support

    found |= {webhook_support.APP_SECRET, webhook_support.OLD_SECRET, webhook_support.RULE_SECRET}
    return found


STATIC = _static_secrets()
WRAPPED: set[str] = set()
"""Every value wrapped in a ``SecretStr`` in this process so far (settings read at import too)."""
_original_secret_init: Callable[..., None] = SecretStr.__init__


def _remember_secret(self: SecretStr, secret_value: str) -> None:
    _original_secret_init(self, secret_value)
    if isinstance(secret_value, str):
        WRAPPED.add(secret_value)


SecretStr.__init__ = _remember_secret  # type: ignore[method-assign]
install_log_redaction()
"""As in any process that runs the connector (it installs it): the tests' own clients log URLs."""


class SecretLeak(AssertionError):
    """A secret was found in captured text (which text, and which secret by kind only)."""


def leaks(texts: list[str], secrets: set[str]) -> list[str]:
    """Where each leak is: ``"<text start>: <kind>"`` (the secret itself is never repeated)."""
    found: list[str] = []
    known = sorted((s for s in secrets if len(s) >= MIN_SECRET), key=len, reverse=True)
    for text in texts:
        for secret in known:
            if secret in text:
                where = _snippet(text.replace(secret, "[secret]"))
                found.append(f"{where!r}: a known secret ({len(secret)} characters)")
                break
        else:
            for word in CANDIDATE.findall(text):
                if issued_by_a_sandbox(word) or any(
                    issued_by_a_sandbox(part) for part in re.split(r"[=/.+]", word) if part
                ):
                    where = _snippet(text.replace(word, "[secret]"))
                    found.append(f"{where!r}: a code, token or state a sandbox issued")
                    break
    return found


def _snippet(text: str) -> str:
    """Where the leak is, for the failure message: the text around it, the secret blanked."""
    start = max(0, text.find("[secret]") - 40)
    return text[start : start + 60].replace("\n", " ")


class _Collector(logging.Handler):
    """Each record as a text log line and as a JSON log line (``serve --log-format json``):
    a secret in either format fails the test."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.texts: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.texts.append(self.format(record))
            self.texts.append(self.json.format(record))
        except Exception:  # a record that cannot be formatted is the test's own business
            self.texts.append(str(record.msg))


def exception_text(exc: BaseException) -> str:
    """The exception and its causes, as a traceback would print them (no frames)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += traceback.format_exception_only(type(current), current)
        parts.append(repr(current))
        current = current.__cause__ or current.__context__
    return "".join(parts)


@pytest.fixture(autouse=True)
def secret_guard(request: pytest.FixtureRequest) -> Iterator[set[str]]:
    """The test's known secrets (add to them); the test fails if one shows in a log or error."""
    secrets: set[str] = set(STATIC)
    collector = _Collector()
    caught: list[str] = []
    original_fill: Callable[..., Any] = ExceptionInfo.fill_unfilled

    def remember_exception(self: ExceptionInfo[Any], exc_info: Any) -> None:
        original_fill(self, exc_info)
        caught.append(exception_text(exc_info[1]))

    root, ours = logging.getLogger(), logging.getLogger("connector_front")
    levels = root.level, ours.level
    root.addHandler(collector)
    everything = request.node.get_closest_marker("debug_logs") is not None
    root.setLevel(logging.DEBUG if everything else min(root.level or logging.WARNING, logging.INFO))
    ours.setLevel(logging.DEBUG)
    ExceptionInfo.fill_unfilled = remember_exception  # type: ignore[method-assign]
    try:
        yield secrets
    finally:
        ExceptionInfo.fill_unfilled = original_fill  # type: ignore[method-assign]
        root.removeHandler(collector)
        root.setLevel(levels[0])
        ours.setLevel(levels[1])
    texts = collector.texts + caught + request.node.stash.get(_RAISED, [])
    found = leaks(texts, secrets | WRAPPED)
    if found:
        raise SecretLeak("a secret reached a log line or an exception text: " + "; ".join(found))


_RAISED = pytest.StashKey[list[str]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Keep the text of an exception the test itself raised, for the guard's teardown check."""
    try:
        return (yield)
    except BaseException as exc:
        item.stash[_RAISED] = [exception_text(exc)]
        raise
