"""The suite-wide secret guard (tests/secret_guard.py) catches a leak, and what it caught."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from connector_front.dev.embedded import EmbeddedSandbox, connect_owner
from tests.conftest import REPO
from tests.secret_guard import exception_text, leaks

pytest_plugins = ["pytester"]


def test_the_guard_fails_a_test_that_logs_or_raises_a_secret(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makeconftest(
        "from tests.secret_guard import pytest_runtest_call, secret_guard\n"
        "__all__ = ['pytest_runtest_call', 'secret_guard']\n"
    )
    pytester.makepyfile(
        """
        import logging

        import pytest
        from pydantic import SecretStr

        from connector_front.errors import UpstreamError

        KEY = SecretStr("a-host-key-for-the-guard")

        def test_logs_a_settings_secret():
            logging.getLogger("connector_front.x").debug("key is %s", KEY.get_secret_value())

        def test_logs_the_sandbox_client_secret():
            logging.getLogger("somebody").warning("sandbox-client-secret")

        def test_raises_a_secret():
            raise UpstreamError("token sandbox-api-token refused")

        def test_catches_a_secret_in_raises():
            with pytest.raises(ValueError):
                raise ValueError("sandbox-webhook-secret")

        def test_a_secret_only_a_json_line_shows():
            from connector_front import observe

            with observe.working(observe.Work(), "sandbox-api-token"):  # its owner field
                logging.getLogger("connector_front.x").warning("nothing to hide here")

        def test_clean():
            logging.getLogger("connector_front.x").warning("nothing to hide")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    # the test raising a secret fails; the guard errors the five leaking ones at teardown
    # (one shows it only in the JSON log's owner field), and only those (a test whose call
    # passed and whose teardown errored counts as both)
    assert outcomes.get("failed") == 1 and outcomes.get("errors") == 5, result.stdout.str()
    assert "test_clean" not in result.stdout.str().split("short test summary")[-1]
    text = result.stdout.str()
    leak_lines = [line for line in text.splitlines() if "SecretLeak: a secret" in line]
    assert len(leak_lines) >= 4 and all("[secret]" in line for line in leak_lines), leak_lines
    for secret in ("a-host-key-for-the-guard", "sandbox-client-secret", "sandbox-webhook-secret"):
        assert not any(secret in line for line in leak_lines)  # the guard never repeats one


def test_leaks_names_a_sandbox_issued_value_without_repeating_it(
    embedded: EmbeddedSandbox,
) -> None:
    token = embedded.server.state.tokens.issue("sandbox-client-id", 0, 60).access_token
    found = leaks([f"Authorization: Bearer {token}"], set())
    assert found and "a sandbox issued" in found[0] and token not in found[0]
    assert leaks(["all clear"], {"sandbox-api-token"}) == []
    assert "cause" in exception_text(_chained())


def _chained() -> BaseException:
    try:
        try:
            raise KeyError("cause")
        except KeyError as inner:
            raise ValueError("outer") from inner
    except ValueError as exc:
        return exc


async def test_the_connector_redacts_urls_in_logs_without_a_host(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Without the reference host, the connector (here the embedded sandbox's approval, which
    follows the authorization URL) still never logs an OAuth state or code."""
    installed = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)  # as in a process where no host ever ran
    try:
        with caplog.at_level(logging.INFO):
            async with EmbeddedSandbox(tmp_path / "c.sqlite3") as env:
                assert env.connector is not None
                await connect_owner(env.connector, "acme")
    finally:
        logging.setLogRecordFactory(installed)
    lines = [r.getMessage() for r in caplog.records if "/oauth/authorize" in r.getMessage()]
    assert lines, "the approval's request was not logged at all"
    assert all("state=[redacted]" in line for line in lines), lines
