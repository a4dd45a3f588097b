"""Front's OAuth endpoints: `GET /oauth/authorize` (auto-approves) and `POST /oauth/token`.

Authorization-code and refresh-token grants only, client authenticated with
HTTP Basic (or form fields). Answers `access_token`, `refresh_token`,
`token_type`, `expires_at` (as Front documents; float seconds here) and `expires_in`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

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


def oauth_routes(state: SandboxState) -> list[Route]:
    async def authorize(request: Request) -> Response:
        params = request.query_params
        if params.get("client_id") != state.config.client_id:
            raise OAuthError("invalid_client", "Unknown client_id")
        redirect_uri = params.get("redirect_uri")
        if not redirect_uri:
            raise OAuthError("invalid_request", "redirect_uri is required")
        if params.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "response_type must be code")
        with state.lock:
            code = state.tokens.issue_code(state.config.client_id, redirect_uri, state.now())
        answer = {"code": code}
        if params.get("state") is not None:
            answer["state"] = params["state"]
        joiner = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(redirect_uri + joiner + urlencode(answer), status_code=302)

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
                state.tokens.redeem_code(code, client_id, form.get("redirect_uri"), now)
                issued = state.tokens.issue(client_id, now, ttl)
            elif grant == "refresh_token":
                refresh = form.get("refresh_token")
                if not refresh:
                    raise OAuthError("invalid_request", "refresh_token is required")
                rotate = state.config.rotate_refresh_tokens
                issued = state.tokens.refresh(refresh, client_id, now, ttl, rotate)
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
        Route("/oauth/token", token, methods=["POST"]),
    ]
