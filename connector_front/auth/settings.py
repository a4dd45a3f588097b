"""The OAuth app's settings; the client secret stays hidden in reprs and logs."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, SecretStr, StringConstraints

FRONT_AUTHORIZE_URL = "https://app.frontapp.com/oauth/authorize"
FRONT_TOKEN_URL = "https://app.frontapp.com/oauth/token"  # noqa: S105 (a URL)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class OAuthSettings(BaseModel):
    """Client credentials and endpoints of one Front OAuth app."""

    model_config = ConfigDict(frozen=True)

    client_id: Text
    client_secret: SecretStr
    authorize_url: Text = FRONT_AUTHORIZE_URL
    token_url: Text = FRONT_TOKEN_URL
    redirect_uri: Text

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
