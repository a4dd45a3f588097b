"""Front's OAuth endpoints: `GET /oauth/authorize`, `POST /oauth/token`, `POST /oauth/revoke`.

`GET /oauth/authorize` approves at once, or (with `interactive_consent`) shows a consent
page whose Allow / Deny posts back to `POST /oauth/authorize`; Deny redirects with
`error=access_denied` (RFC 6749 4.1.2.1). A request naming an unknown client or a redirect
URI the app did not register (`SandboxConfig.redirect_uris`, compared exactly, as Front checks
the redirect URLs registered with an app) gets an error page and is never redirected; other
faults of the request are redirected back as `error=...`. PKCE (RFC 7636, S256 only) is
checked as OAuth 2.1 providers do: a code issued with a `code_challenge` is exchanged only
with its `code_verifier`, and a `code_verifier` for a code issued without one is refused.
Authorization-code and refresh-token grants only, client authenticated with HTTP Basic (or
form fields). Answers `access_token`,
`refresh_token`, `token_type`, `expires_at` (as Front documents; float seconds here) and
`expires_in`. Front documents no revocation endpoint; the sandbox offers RFC 7009's
(`POST /oauth/revoke`, form `token`) so a host configured with one can be tested.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .consent import consent_page, refusal_page
from .errors import OAuthError
from .state import SandboxState
from .tokens import IssuedTokens


def _seconds(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401)
    return unquote(client_id), unquote(secret)


def _authenticate_client(state: SandboxState, request: Request, form: dict[str, str]) -> str:
    credentials = _basic_credentials(request.headers.get("authorization"))
    if credentials is None and "client_id" in form:
        credentials = (form["client_id"], form.get("client_secret", ""))
    if credentials is None:
        raise OAuthError("invalid_client", "Client authentication is required", 401)
    client_id, secret = credentials
    config = state.config
    id_ok = hmac.compare_digest(client_id.encode(), config.client_id.encode())
    secret_ok = hmac.compare_digest(secret.encode(), config.client_secret.encode())
    if not (id_ok and secret_ok):
        raise OAuthError("invalid_client", "Unknown client or wrong client secret", 401)
    return client_id


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded form body (parsed here: the sandbox needs no multipart support)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/x-www-form-urlencoded", ""):
        raise OAuthError("invalid_request", "Send the token request as a urlencoded form")
    raw = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(raw, keep_blank_values=True))


def token_body(issued: IssuedTokens) -> dict[str, object]:
    return {
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "token_type": "Bearer",
        "expires_at": issued.expires_at,
        "expires_in": _seconds(issued.expires_in),
    }


def _redirect(redirect_uri: str, answer: dict[str, str]) -> Response:
    joiner = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(redirect_uri + joiner + urlencode(answer), status_code=302)


S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
"""An S256 code challenge: base64url of a SHA-256 digest, unpadded."""

NO_STORE = {"cache-control": "no-store"}


def _trusted_redirect(state: SandboxState, params: Mapping[str, str]) -> str:
    """The redirect URI of a request from the app to a URI it registered; else an OAuth
    error that is shown to the customer, never sent to the URI."""
    if params.get("client_id") != state.config.client_id:
        raise OAuthError("invalid_client", "Unknown client_id")
    redirect_uri = params.get("redirect_uri")
    if not redirect_uri:
        raise OAuthError("invalid_request", "redirect_uri is required")
    if redirect_uri not in state.config.redirect_uris:
        raise OAuthError(
            "invalid_request",
            "redirect_uri is not one of the redirect URIs registered for this app",
        )
    return redirect_uri


def _code_challenge(params: Mapping[str, str]) -> str | None:
    """The request's PKCE challenge (None: the request has none); an OAuth error if malformed."""
    challenge, method = params.get("code_challenge"), params.get("code_challenge_method")
    if challenge is None:
        if method is not None:
            raise OAuthError("invalid_request", "code_challenge_method needs a code_challenge")
        return None
    if method != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256")
    if not S256_CHALLENGE.fullmatch(challenge):
        raise OAuthError(
            "invalid_request", "code_challenge must be the unpadded base64url of a SHA-256 digest"
        )
    return challenge


def _check_request(params: Mapping[str, str]) -> str | None:
    """The PKCE challenge of a valid authorization request; else an OAuth error."""
    if params.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "response_type must be code")
    return _code_challenge(params)


def _refused_here(exc: OAuthError) -> Response:
    return HTMLResponse(refusal_page(exc.error, exc.description), 400, headers=NO_STORE)


def _refused_back(redirect_uri: str, params: Mapping[str, str], exc: OAuthError) -> Response:
    answer = {"error": exc.error, "error_description": exc.description}
    if params.get("state") is not None:
        answer["state"] = params["state"]
    return _redirect(redirect_uri, answer)


def _approve(
    state: SandboxState, params: Mapping[str, str], redirect_uri: str, challenge: str | None
) -> Response:
    with state.lock:
        code = state.tokens.issue_code(
            state.config.client_id, redirect_uri, state.now(), challenge=challenge
        )
        if params.get("state"):
            state.tokens.saw_state(params["state"])
    answer = {"code": code}
    if params.get("state") is not None:
        answer["state"] = params["state"]
    return _redirect(redirect_uri, answer)


def _answer(
    state: SandboxState,
    params: Mapping[str, str],
    respond: Callable[[str, str | None], Response],
) -> Response:
    """Vet an authorization request, then ``respond(redirect_uri, challenge)``. A request the
    sandbox cannot trust to redirect gets a page; its other faults go back to the URI."""
    try:
        redirect_uri = _trusted_redirect(state, params)
    except OAuthError as exc:
        return _refused_here(exc)
    try:
        challenge = _check_request(params)
    except OAuthError as exc:
        return _refused_back(redirect_uri, params, exc)
    return respond(redirect_uri, challenge)


def oauth_routes(state: SandboxState) -> list[Route]:
    async def authorize(request: Request) -> Response:
        params = dict(request.query_params)

        def respond(redirect_uri: str, challenge: str | None) -> Response:
            if state.config.interactive_consent:
                page = consent_page(state.config.app_name, params)
                return HTMLResponse(page, headers=NO_STORE)
            return _approve(state, params, redirect_uri, challenge)

        return _answer(state, params, respond)

    async def decide(request: Request) -> Response:
        """The consent page's answer: `decision=allow` issues a code, anything else refuses."""
        form = await _form(request)

        def respond(redirect_uri: str, challenge: str | None) -> Response:
            if form.get("decision") == "allow":
                return _approve(state, form, redirect_uri, challenge)
            denied = OAuthError("access_denied", "The user denied the authorization request")
            return _refused_back(redirect_uri, form, denied)

        return _answer(state, form, respond)

    async def revoke(request: Request) -> Response:
        """RFC 7009: the token (access or refresh) stops working; 200 even if it was unknown."""
        form = await _form(request)
        with state.lock:
            _authenticate_client(state, request, form)
            token = form.get("token")
            if not token:
                raise OAuthError("invalid_request", "token is required")
            state.tokens.revoke(token)
        return Response(status_code=200, headers={"cache-control": "no-store"})

    async def token(request: Request) -> Response:
        form = await _form(request)
        with state.lock:
            client_id = _authenticate_client(state, request, form)
            grant = form.get("grant_type")
            ttl, now = state.config.access_token_ttl, state.now()
            if grant == "authorization_code":
                code = form.get("code")
                if not code:
                    raise OAuthError("invalid_request", "code is required")
                state.tokens.redeem_code(
                    code, client_id, form.get("redirect_uri"), now, form.get("code_verifier")
                )
                issued = state.tokens.issue(client_id, now, ttl)
            elif grant == "refresh_token":
                refresh = form.get("refresh_token")
                if not refresh:
                    raise OAuthError("invalid_request", "refresh_token is required")
                rotate = state.config.rotate_refresh_tokens
                try:
                    issued = state.tokens.refresh(refresh, client_id, now, ttl, rotate)
                except OAuthError as exc:
                    state.journal.refuse(grant, exc.error)
                    raise
            else:
                raise OAuthError(
                    "unsupported_grant_type",
                    "grant_type must be authorization_code or refresh_token",
                )
            state.journal.grants[grant] += 1
        headers = {"cache-control": "no-store", "pragma": "no-cache"}
        return JSONResponse(token_body(issued), headers=headers)

    return [
        Route("/oauth/authorize", authorize, methods=["GET"]),
        Route("/oauth/authorize", decide, methods=["POST"]),
        Route("/oauth/token", token, methods=["POST"]),
        Route("/oauth/revoke", revoke, methods=["POST"]),
    ]
