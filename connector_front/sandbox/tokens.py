"""Authorization codes, access tokens and refresh tokens the sandbox has issued.

Only SHA-256 digests of token values are kept, so nothing here can leak a
token through a repr, a log line or the admin surface. `issued_by_a_sandbox` answers
whether a value is one of them (or an OAuth state a sandbox saw): tests look for leaked
secrets with it, without the sandbox ever listing a value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import weakref
from dataclasses import dataclass, field
from enum import Enum

from .errors import OAuthError

CODE_TTL = 600.0


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class AccessCheck(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def s256(verifier: str) -> str:
    """The S256 code challenge of a PKCE code verifier (RFC 7636 4.2)."""
    digest_bytes = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest_bytes).decode().rstrip("=")


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    expires_at: float
    challenge: str | None = None
    used: bool = False

    def check_verifier(self, verifier: str | None) -> None:
        """PKCE as OAuth 2.1 asks: the verifier of the code's challenge, and none without one
        (a verifier for a challenge-less code would let a downgrade pass)."""
        if self.challenge is None:
            if verifier is not None:
                raise OAuthError(
                    "invalid_grant", "code_verifier given for a code issued without code_challenge"
                )
            return
        if verifier is None:
            raise OAuthError(
                "invalid_grant", "code_verifier is required: the code was issued with a challenge"
            )
        if not hmac.compare_digest(s256(verifier), self.challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")


@dataclass
class _Refresh:
    client_id: str
    active: bool = True
    used: bool = False
    successor: str | None = None
    """The digest of the refresh token this one was rotated into."""


@dataclass
class IssuedTokens:
    """Values handed to the client once; the registry keeps only digests."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    expires_in: float


@dataclass
class TokenRegistry:
    """Issues and checks OAuth tokens; `expire_all` / `revoke_refresh` serve the admin surface."""

    _codes: dict[str, _Code] = field(default_factory=dict, repr=False)
    _access: dict[str, float] = field(default_factory=dict, repr=False)  # digest -> expires_at
    _refresh: dict[str, _Refresh] = field(default_factory=dict, repr=False)
    _states: set[str] = field(default_factory=set, repr=False)
    _reused: list[str] = field(default_factory=list, repr=False)  # rotated-away tokens presented

    def __post_init__(self) -> None:
        _LIVE.append(weakref.ref(self))

    def saw_state(self, state: str) -> None:
        """Note an OAuth ``state`` the client sent to be authorized (its digest)."""
        self._states.add(digest(state))

    def knows(self, value: str) -> bool:
        """Whether ``value`` is a code or token this registry issued, or a state it saw."""
        key = digest(value)
        return any(key in kept for kept in (self._codes, self._access, self._refresh, self._states))

    def issue_code(
        self, client_id: str, redirect_uri: str, now: float, *, challenge: str | None = None
    ) -> str:
        code = "sbx_code_" + secrets.token_urlsafe(24)
        self._codes[digest(code)] = _Code(client_id, redirect_uri, now + CODE_TTL, challenge)
        return code

    def redeem_code(
        self,
        code: str,
        client_id: str,
        redirect_uri: str | None,
        now: float,
        verifier: str | None = None,
    ) -> None:
        """Accept a code once, for the client and redirect URI it was issued to, with the PKCE
        verifier of its challenge (a failed check leaves the code unused)."""
        grant = self._codes.get(digest(code))
        if grant is None or grant.client_id != client_id:
            raise OAuthError("invalid_grant", "The authorization code is invalid")
        if grant.used:
            raise OAuthError("invalid_grant", "The authorization code has already been used")
        if now > grant.expires_at:
            raise OAuthError("invalid_grant", "The authorization code has expired")
        if redirect_uri != grant.redirect_uri:
            raise OAuthError(
                "invalid_grant", "redirect_uri does not match the authorization request"
            )
        grant.check_verifier(verifier)
        grant.used = True

    def issue(self, client_id: str, now: float, ttl: float) -> IssuedTokens:
        access = "sbx_at_" + secrets.token_urlsafe(32)
        refresh = "sbx_rt_" + secrets.token_urlsafe(32)
        self._access[digest(access)] = now + ttl
        self._refresh[digest(refresh)] = _Refresh(client_id)
        return IssuedTokens(access, refresh, round(now + ttl, 3), ttl)

    def refresh(
        self, refresh_token: str, client_id: str, now: float, ttl: float, rotate: bool
    ) -> IssuedTokens:
        """New access token for a live refresh token; with `rotate`, the old one dies."""
        key = digest(refresh_token)
        held = self._refresh.get(key)
        if held is None or held.client_id != client_id:
            raise OAuthError("invalid_grant", "The refresh token is invalid")
        if not held.active:
            if held.successor is not None:
                self._reused.append(key)
            raise OAuthError("invalid_grant", "The refresh token has been revoked or already used")
        held.used = True
        if rotate:
            issued = self.issue(client_id, now, ttl)
            held.active, held.successor = False, digest(issued.refresh_token)
            return issued
        access = "sbx_at_" + secrets.token_urlsafe(32)
        self._access[digest(access)] = now + ttl
        return IssuedTokens(access, refresh_token, round(now + ttl, 3), ttl)

    def revoke(self, token: str) -> bool:
        """Revoke one access or refresh token (a refresh token's access tokens live on until
        they expire, as RFC 7009 allows); answers whether it was a live token."""
        key = digest(token)
        if self._access.pop(key, None) is not None:
            return True
        held = self._refresh.get(key)
        if held is None or not held.active:
            return False
        held.active = False
        return True

    def reuses(self) -> dict[str, int]:
        """Rotated-away refresh tokens presented again, by whether the token each was rotated
        into was ever used: ``successor_used``, two holders of one token (a client's race);
        ``successor_unused``, the client lost the rotated token (it stopped between the
        answer and storing it) and came back with the old one."""
        counts = {"successor_used": 0, "successor_unused": 0}
        for key in self._reused:
            successor = self._refresh[self._refresh[key].successor or ""]
            counts["successor_used" if successor.used else "successor_unused"] += 1
        return counts

    def check_access(self, token: str, now: float) -> AccessCheck:
        expires_at = self._access.get(digest(token))
        if expires_at is None:
            return AccessCheck.UNKNOWN
        return AccessCheck.VALID if now < expires_at else AccessCheck.EXPIRED

    def expire_all(self, now: float) -> int:
        """Make every access token expired now; answers how many were still live."""
        live = [key for key, expires_at in self._access.items() if expires_at > now]
        for key in self._access:
            self._access[key] = min(self._access[key], now)
        return len(live)

    def revoke_refresh(self) -> int:
        """Refuse every refresh token issued so far; answers how many were live."""
        live = [held for held in self._refresh.values() if held.active]
        for held in live:
            held.active = False
        return len(live)


_LIVE: list[weakref.ref[TokenRegistry]] = []


def issued_by_a_sandbox(value: str) -> bool:
    """Whether a sandbox in this process issued ``value`` (a code, an access or a refresh
    token) or saw it as an OAuth state; read-only, for tests that look for leaked secrets."""
    _LIVE[:] = [ref for ref in _LIVE if ref() is not None]
    return any(registry.knows(value) for ref in list(_LIVE) if (registry := ref()) is not None)
