"""The OAuth app's settings; the client secret stays hidden in reprs and logs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr, field_validator

FRONT_AUTHORIZE_URL = "https://app.frontapp.com/oauth/authorize"
FRONT_TOKEN_URL = "https://app.frontapp.com/oauth/token"  # noqa: S105 (a URL)


class OAuthSettings(BaseModel):
    """Client credentials and endpoints of one Front OAuth app."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: SecretStr
    authorize_url: str = FRONT_AUTHORIZE_URL
    token_url: str = FRONT_TOKEN_URL
    redirect_uri: str

    @field_validator("client_id", "authorize_url", "token_url", "redirect_uri")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @classmethod
    def for_base_url(
        cls, base_url: str, *, client_id: str, client_secret: str, redirect_uri: str
    ) -> OAuthSettings:
        """Settings for a Front-compatible server (e.g. the sandbox) serving ``/oauth/*``."""
        base = base_url.rstrip("/")
        return cls(
            client_id=client_id,
            client_secret=SecretStr(client_secret),
            authorize_url=f"{base}/oauth/authorize",
            token_url=f"{base}/oauth/token",
            redirect_uri=redirect_uri,
        )
