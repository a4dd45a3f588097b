"""OAuth 2 with Front and token storage: who may call Front on an owner's behalf."""

from connector_front.auth.cipher import TokenCipher
from connector_front.auth.flow import OAuthFlow
from connector_front.auth.httpx_auth import BearerAuth, StaticTokenAuth
from connector_front.auth.manager import TokenManager
from connector_front.auth.settings import FRONT_AUTHORIZE_URL, FRONT_TOKEN_URL, OAuthSettings
from connector_front.auth.state import (
    DEFAULT_STATE_TTL,
    DatabaseStateStore,
    MemoryStateStore,
    PendingAuthorization,
    StateStore,
)
from connector_front.auth.token_store import DatabaseTokenStore, StoredTokens
from connector_front.auth.tokens import (
    MemoryTokenStore,
    StaleTokensError,
    TokenSet,
    TokenSlot,
    TokenStore,
)
from connector_front.errors import OAuthStateError

__all__ = [
    "DEFAULT_STATE_TTL",
    "FRONT_AUTHORIZE_URL",
    "FRONT_TOKEN_URL",
    "BearerAuth",
    "DatabaseStateStore",
    "DatabaseTokenStore",
    "MemoryStateStore",
    "MemoryTokenStore",
    "OAuthFlow",
    "OAuthSettings",
    "OAuthStateError",
    "PendingAuthorization",
    "StaleTokensError",
    "StateStore",
    "StaticTokenAuth",
    "StoredTokens",
    "TokenCipher",
    "TokenManager",
    "TokenSet",
    "TokenSlot",
    "TokenStore",
]
