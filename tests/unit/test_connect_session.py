"""Connect page session tokens: signed, bound to an owner and operations, short-lived."""

from __future__ import annotations

import pytest

from connector_front.connect_session import SessionCodec
from connector_front.cursor import CursorCodec
from connector_front.errors import InvalidSessionError
from tests.clock import FakeClock

KEY = b"session-test-key"


def test_a_token_carries_owner_operations_and_expiry(clock: FakeClock) -> None:
    codec = SessionCodec([KEY], ttl=900, clock=clock)
    token, issued = codec.issue("customer-1", ["genericContact::list"])
    session = codec.verify(token)
    assert session == issued
    assert session.owner_id == "customer-1"
    assert session.operations == ("genericContact::list",)
    assert session.expires_at == clock.now + 900
    assert codec.issue("customer-1", ["genericContact::list"])[0] != token  # a nonce each


def test_an_expired_token_is_refused_with_its_reason(clock: FakeClock) -> None:
    codec = SessionCodec([KEY], ttl=900, clock=clock)
    token, _ = codec.issue("customer-1", ["genericContact::list"])
    clock.now += 899
    codec.verify(token)
    clock.now += 1
    with pytest.raises(InvalidSessionError) as refused:
        codec.verify(token)
    assert refused.value.reason == "expired" and "expired" in refused.value.message
    assert refused.value.status == 401


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token_is_refused(token: str | None) -> None:
    with pytest.raises(InvalidSessionError) as refused:
        SessionCodec([KEY]).verify(token)
    assert refused.value.reason == "missing"


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]


def test_a_changed_or_foreign_token_is_refused_and_never_echoed() -> None:
    codec = SessionCodec([KEY])
    token, _ = codec.issue("customer-1", ["genericContact::list"])
    payload, signature = token.split(".")
    other_owner, _ = SessionCodec([b"another-key"]).issue("customer-1", ["genericContact::list"])
    cursor = CursorCodec([KEY]).encode("genericContact", "page-2")
    assert cursor is not None
    for bad in (_flip(token, 3), _flip(token, len(token) - 2), payload, f"{payload}.", other_owner,
                cursor, "%%%.%%%", "a.b.c"):  # fmt: skip
        with pytest.raises(InvalidSessionError) as refused:
            codec.verify(bad)
        assert refused.value.reason == "invalid", bad
        assert token not in str(refused.value) and signature not in refused.value.message


def test_rotated_keys_still_accept_older_tokens() -> None:
    old, _ = SessionCodec([b"old-key"]).issue("o", ["genericContact::list"])
    assert SessionCodec([b"new-key", b"old-key"]).verify(old).owner_id == "o"


def test_the_repr_shows_no_key() -> None:
    assert "session-test-key" not in repr(SessionCodec([KEY]))
