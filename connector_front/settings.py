"""Connector settings: OAuth app, Front API base, storage, field mapping.

The model is the schema: ``load`` feeds it a TOML or JSON file and the environment (which
wins) through pydantic-settings sources; built directly, it takes exactly the given values.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from connector_front.auth.cipher import invalid_key_positions, split_keys
from connector_front.auth.settings import FRONT_AUTHORIZE_URL, FRONT_TOKEN_URL
from connector_front.errors import ConfigurationError
from connector_front.field_mapping.config import FieldKeySetting
from connector_front.models.messages import Problem, problems
from connector_front.store.database import parse_database
from connector_front.util.web_origin import parse_origin

FRONT_API_BASE = "https://api2.frontapp.com"

ENVIRONMENT: Mapping[str, str] = {
    "FRONT_CLIENT_ID": "client_id",
    "FRONT_CLIENT_SECRET": "client_secret",
    "FRONT_REDIRECT_URI": "redirect_uri",
    "FRONT_API_BASE": "api_base",
    "FRONT_AUTHORIZE_URL": "authorize_url",
    "FRONT_TOKEN_URL": "token_url",
    "FRONT_API_TOKEN": "api_token",
    "CONNECTOR_FRONT_DATABASE": "database",
    "FRONT_WEBHOOK_SECRET": "webhook_secrets",
    "CONNECTOR_FRONT_EVENTS_URL": "events_url",
    "CONNECTOR_FRONT_EVENTS_SECRET": "events_secret",
    "CONNECTOR_FRONT_CLAIM_LEASE": "claim_lease",
    "CONNECTOR_FRONT_HOST_KEY": "host_key",
    "CONNECTOR_FRONT_CURSOR_KEY": "cursor_key",
    "CONNECTOR_FRONT_MAX_BODY_BYTES": "max_body_bytes",
    "CONNECTOR_FRONT_WEBHOOK_MAX_BODY_BYTES": "webhook_max_body_bytes",
    "CONNECTOR_FRONT_BODY_TIMEOUT": "body_timeout",
    "CONNECTOR_FRONT_HEADER_TIMEOUT": "header_timeout",
    "CONNECTOR_FRONT_PROXY_ALLOW_UNKNOWN_PATHS": "proxy_allow_unknown_paths",
    "CONNECTOR_FRONT_CONNECT_SESSION_TTL": "connect_session_ttl",
    "CONNECTOR_FRONT_APP_NAME": "app_name",
    "FRONT_REVOKE_URL": "revoke_url",
    "CONNECTOR_FRONT_ENCRYPTION_KEY": "encryption_key",
    "CONNECTOR_FRONT_PACING": "pacing",
    "CONNECTOR_FRONT_MAX_CLIENTS": "max_clients",
    "CONNECTOR_FRONT_PUBLIC_ORIGINS": "public_origins",
    "CONNECTOR_FRONT_BACKGROUND_RESERVE": "background_reserve",
    "CONNECTOR_FRONT_WEBHOOK_READS": "webhook_reads",
    "CONNECTOR_FRONT_EVENTS_WINDOW": "events_window",
    "CONNECTOR_FRONT_LOG_FORMAT": "log_format",
    "CONNECTOR_FRONT_METRICS_PORT": "metrics_port",
    "CONNECTOR_FRONT_METRICS_COMPANIES": "metrics_companies",
}
"""Environment variable -> setting. One table, read by the environment source and the settings
reference page."""

VARIABLE = {setting: variable for variable, setting in ENVIRONMENT.items()}

RULE_SECRET_PREFIX = "FRONT_RULE_SECRET_"  # noqa: S105 (a variable name prefix)
"""``FRONT_RULE_SECRET_<NAME>``: the API secret of the rule webhook served at
``/webhooks/front/rules/<name>`` (name upper-cased, other characters than letters and digits
as ``_``)."""

Name = Annotated[str, StringConstraints(min_length=1)]


def rule_env_name(name: str) -> str:
    """The environment variable holding rule webhook ``name``'s secret."""
    return RULE_SECRET_PREFIX + "".join(c if c.isalnum() else "_" for c in name.upper())


class ConnectorSettings(BaseSettings):
    """Everything the connector needs to reach a customer's Front account."""

    model_config = SettingsConfigDict(
        extra="forbid", case_sensitive=True, hide_input_in_errors=True  # secrets among them
    )

    client_id: str | None = Field(default=None, description="OAuth app client id")
    client_secret: SecretStr | None = Field(default=None, description="OAuth app client secret")
    redirect_uri: str = Field(
        default="http://127.0.0.1:8000/oauth/callback",
        description="where Front sends the customer back after approving",
    )
    api_base: str = Field(default=FRONT_API_BASE, description="Front Core API base URL")
    authorize_url: str = Field(
        default=FRONT_AUTHORIZE_URL, description="Front's OAuth authorization page"
    )
    token_url: str = Field(default=FRONT_TOKEN_URL, description="Front's OAuth token endpoint")
    api_token: SecretStr | None = Field(
        default=None, description="a Front API token: used instead of OAuth when set"
    )
    database: str = Field(
        default="connector-front.sqlite3",
        description="where tokens, connections and events are kept: an SQLite file "
        "(a path or sqlite:///path) or a PostgreSQL server (postgresql://...) shared by workers",
    )
    field_mapping: dict[str, dict[Name, Name]] = Field(
        default_factory=dict,
        description="model -> {unified key: Front custom field name}: keys declared with the "
        "Front field they map to by default (the short form of field_keys)",
    )
    field_keys: dict[str, dict[Name, FieldKeySetting]] = Field(
        default_factory=dict,
        description="model -> {unified key: {type, values?, default?, label?}}: the keys the "
        "host wants beyond the standard fields; each owner maps them to its own Front custom "
        "fields (PUT /connections/{ownerId}/field-mapping, the connect page)",
    )
    custom_fields_ttl: float = Field(
        default=300.0,
        gt=0,
        description="seconds Front's custom field definitions are kept before they are read "
        "again (a field renamed or deleted in Front shows after at most this long)",
    )
    custom_models: list[str] = Field(
        default_factory=list,
        description="mappers of the host's own models, as 'package.module:MapperClass'",
    )
    timeout: float = Field(default=30.0, gt=0, description="seconds per Front request")
    max_attempts: int = Field(default=5, ge=1, le=20, description="tries per Front request")
    max_clients: int = Field(
        default=500,
        ge=1,
        description="Front clients (one per owner, each with its connection pool) kept at "
        "once; the least recently used is closed first",
    )
    pacing: Literal["auto", "shared", "process", "off"] = Field(
        default="auto",
        description="where the rate-limit budget of each Front company is kept: 'shared' in "
        "the database (every worker), 'process' in this process, 'off' (no pacing; 429s are "
        "still retried); 'auto' is 'shared' on PostgreSQL and in `serve --workers N` workers, "
        "else 'process'",
    )
    background_reserve: float = Field(
        default=0.2,
        ge=0,
        lt=1,
        description="share of each rate-limit window that background work (webhook follow-ups, "
        "sync, backfills) leaves to interactive calls (host resource calls, the proxy)",
    )
    webhook_reads: Literal["events_api", "per_delivery"] = Field(
        default="events_api",
        description="how webhook deliveries become events: 'events_api' reads Front's Events "
        "API (full events, 15 a request) from the connection's position; 'per_delivery' reads "
        "each changed record once per delivery (more requests: for comparison)",
    )
    events_window: float = Field(
        default=3.0,
        ge=0,
        le=60,
        description="seconds application webhook deliveries gather before the Events API is "
        "read for them (a full page of 15 is read at once): changes inside the window share "
        "one read",
    )
    webhook_secrets: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="the Front app's webhook secret(s); several during a rotation",
    )
    rule_secrets: dict[str, SecretStr] = Field(
        default_factory=dict, description="rule webhook name -> the rule's API secret"
    )
    rule_owners: dict[str, str] = Field(
        default_factory=dict, description="rule webhook name -> owner id its events belong to"
    )
    webhook_tolerance: float = Field(
        default=300.0, gt=0, description="seconds a webhook timestamp may be off our clock"
    )
    token_owner: str = Field(
        default="demo", description="owner id API-token mode acts for (webhooks go to it)"
    )
    events_url: str | None = Field(
        default=None, description="URL unified events are pushed to (Standard Webhooks)"
    )
    events_secret: SecretStr | None = Field(
        default=None, description="Standard Webhooks secret (whsec_...) signing pushed events"
    )

    claim_lease: float = Field(
        default=30.0,
        ge=1,
        description="seconds a webhook delivery a worker took stays its own without renewal "
        "(the worker renews it while working on it); after that another worker takes it (the "
        "first one died)",
    )
    sync_overlap: float = Field(
        default=120.0, ge=0, description="seconds event sync re-reads before its cursor"
    )
    sync_full_scan_interval: float = Field(
        default=600.0,
        gt=0,
        description="seconds between full id listings of a model with over 1,000 records",
    )
    sync_interval: float = Field(
        default=60.0, ge=0, description="seconds between background sync passes (0: off)"
    )

    @field_validator("webhook_secrets", mode="before")
    @classmethod
    def _split_secrets(cls, value: Any) -> Any:
        """``FRONT_WEBHOOK_SECRET`` may hold several secrets, comma-separated."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("public_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        """``CONNECTOR_FRONT_PUBLIC_ORIGINS`` lists origins comma-separated."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("public_origins")
    @classmethod
    def _serialized_origins(cls, value: list[str]) -> list[str]:
        """Each one an origin, kept in the one form requests' ``Origin`` headers compare to."""
        found = []
        for item in value:
            parsed = parse_origin(item)
            if parsed is None:
                raise PydanticCustomError(
                    "origin",
                    "{item!r} is not an origin: give scheme://name[:port], with http or https "
                    "and no path (e.g. https://connect.example.com)",
                    {"item": item[:80]},
                )
            found.append(parsed)
        return found

    @field_validator("database")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        """Checked at start: a setting the connector cannot use never becomes a file."""
        try:
            parse_database(value)
        except ConfigurationError as exc:
            raise PydanticCustomError("database", "{message}", {"message": str(exc)}) from None
        return value

    @field_validator("field_mapping")
    @classmethod
    def _one_key_per_custom_field(
        cls, value: dict[str, dict[str, str]]
    ) -> dict[str, dict[str, str]]:
        """Reads and writes map one to one: a custom field has a single unified key."""
        for model, table in value.items():
            if len(set(table.values())) != len(table):
                raise PydanticCustomError(
                    "mapping",
                    "{model} maps two unified keys to one Front custom field; give each "
                    "custom field one key",
                    {"model": model},
                )
        return value

    @model_validator(mode="after")
    def _each_key_declared_once(self) -> ConnectorSettings:
        """A key is declared in one form; a Front field is the default of one key."""
        for model, keys in self.field_keys.items():
            short = self.field_mapping.get(model, {})
            twice = sorted(set(keys) & set(short))
            if twice:
                raise ValueError(
                    f"field_keys.{model} and field_mapping.{model} both declare "
                    f"{', '.join(twice)}; declare each key once"
                )
            defaults = [*short.values(), *(k.default for k in keys.values() if k.default)]
            if len(set(defaults)) != len(defaults):
                raise ValueError(
                    f"{model} maps two unified keys to one Front custom field by default; "
                    "give each custom field one key"
                )
        return self

    _config_dir: Path | None = PrivateAttr(default=None)
    host_key: SecretStr | None = Field(
        default=None,
        description="the reference host's key(s) callers send as 'Authorization: Bearer'; "
        "comma-separated to accept several during a rotation",
    )
    cursor_key: SecretStr | None = Field(
        default=None,
        description="signs listing cursors; default: the first host key, else a key file "
        "kept beside the database",
    )
    public_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="origins (https://name[:port]) browsers reach the host at besides its own "
        "address, such as a reverse proxy's: their pages may send the host state-changing "
        "requests, and an open host answers requests addressed to their names",
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1, description="largest request body the host reads"
    )
    webhook_max_body_bytes: int = Field(
        default=5_000_000, ge=1, description="largest body of a Front webhook delivery"
    )
    body_timeout: float = Field(
        default=10.0, gt=0, description="seconds the host waits for a whole request body"
    )
    header_timeout: float = Field(
        default=10.0, gt=0, description="seconds the host waits for a request's headers"
    )
    proxy_allow_unknown_paths: bool = Field(
        default=False,
        description="let the proxy reach paths that are not in Front's API spec",
    )
    app_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="the name customers know the host's app by: the connect page says what "
        "it may do (default: 'This app')",
    )
    connect_session_ttl: float = Field(
        default=900.0, gt=0, le=86400, description="seconds a connect page session is valid"
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="how `serve` writes its log: 'text' lines, or 'json' (one object a line "
        "with time, level, logger, message, owner, model, operation, lane and request id)",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="a port of its own where `serve` answers GET /metrics without the host key "
        "(on serve's --host); /metrics stays on the host's port behind the key",
    )
    metrics_companies: int = Field(
        default=10,
        ge=0,
        description="Front companies whose rate-limit budget gets a label of its own in the "
        "metrics (the first ones seen); the others count as 'other'",
    )
    revoke_url: str | None = Field(
        default=None,
        description="an RFC 7009 token revocation endpoint disconnect calls (Front documents "
        "none: by default disconnect deletes the stored tokens only)",
    )

    encryption_key: SecretStr | None = Field(
        default=None,
        description="Fernet key(s) encrypting stored tokens, comma-separated: the first "
        "encrypts, every one decrypts (key rotation)",
    )

    @field_validator("encryption_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        """Each key must be a Fernet key; the message never repeats a key."""
        if value is None:
            return None
        keys = split_keys(value.get_secret_value())
        if not keys:
            return None
        bad = invalid_key_positions(keys)
        if bad:
            raise PydanticCustomError(
                "encryption_key",
                "key number {positions} is not a Fernet key (32 bytes, URL-safe base64); make "
                "one with `connector-front keys new`",
                {"positions": ", ".join(map(str, bad))},
            )
        return value

    @property
    def encryption_keys(self) -> tuple[str, ...]:
        """The token encryption keys, first one current (empty: tokens stored as they are)."""
        if self.encryption_key is None:
            return ()
        return split_keys(self.encryption_key.get_secret_value())

    @property
    def host_keys(self) -> tuple[str, ...]:
        """The accepted host keys, first one current (empty: the host runs open)."""
        if self.host_key is None:
            return ()
        parts = (k.strip() for k in self.host_key.get_secret_value().split(","))
        return tuple(k for k in parts if k)

    @property
    def uses_oauth(self) -> bool:
        return self.api_token is None

    def oauth_app(self) -> tuple[str, str]:
        """The OAuth app's client id and secret; a ConfigurationError naming what to set when
        either is missing."""
        client_id, secret = self.client_id, self.client_secret
        if not client_id or not secret:
            missing = [VARIABLE["client_id"]] if not client_id else []
            missing += [VARIABLE["client_secret"]] if not secret else []
            raise ConfigurationError(
                f"Front credentials are missing: set {' and '.join(missing)} (the OAuth app's "
                "client id and secret; client_id / client_secret in a config file), or "
                "FRONT_API_TOKEN to use an API token instead"
            )
        return client_id, secret.get_secret_value()

    def require_credentials(self) -> None:
        """Some way to reach Front is configured: an API token, or an OAuth app."""
        if self.api_token is None:
            self.oauth_app()

    def rule_secret(self, name: str) -> SecretStr | None:
        """The secret of rule webhook ``name`` (config key as given, or its environment form)."""
        wanted = rule_env_name(name)
        for key, secret in self.rule_secrets.items():
            if rule_env_name(key) == wanted:
                return secret
        return None

    @property
    def module_dirs(self) -> list[Path]:
        """Where ``custom_models`` modules are looked for beyond installed packages: the
        config file's folder (when loaded from one), then the current directory."""
        dirs = [self._config_dir] if self._config_dir is not None else []
        return [*dirs, Path.cwd()]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Built directly, settings are the given values (the environment is ``load``'s)."""
        return (init_settings,)

    @classmethod
    def load(
        cls, path: str | Path | None = None, env: Mapping[str, str] | None = None, **given: Any
    ) -> ConnectorSettings:
        """Settings from an optional TOML/JSON file, overridden by the environment, overridden
        by ``given`` values (a command's flags, say)."""
        environ = os.environ if env is None else env
        sources = [InitSettingsSource(cls, given), Environment(cls, environ)]
        if path:
            sources.append(InitSettingsSource(cls, _read_file(Path(path))))
        try:
            settings = cls(_build_sources=(tuple(sources), {}))
        except ValidationError as exc:
            where = f" in {path}" if path else ""
            from_env = {k: v for k, v in VARIABLE.items() if environ.get(v) and k not in given}
            found = "; ".join(_said(problem, from_env) for problem in problems(exc.errors(), cls))
            raise ConfigurationError(f"invalid connector settings{where}: {found}") from None
        if path:
            settings._config_dir = Path(path).resolve().parent
        return settings


class Environment(EnvSettingsSource):
    """The documented variables (``ENVIRONMENT``) and ``FRONT_RULE_SECRET_<NAME>``; empty ones
    count as unset."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls, case_sensitive=True)
        self.env_vars = {name: value for name, value in environ.items() if value}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        value = self.env_vars.get(VARIABLE.get(field_name, ""))
        return value, field_name, self.field_is_complex(field)

    def __call__(self) -> dict[str, Any]:
        data = super().__call__()
        rules = {
            name[len(RULE_SECRET_PREFIX) :].lower(): value
            for name, value in self.env_vars.items()
            if name.startswith(RULE_SECRET_PREFIX)
        }
        return {**data, "rule_secrets": rules} if rules else data


def _said(problem: Problem, from_env: Mapping[str, str]) -> str:
    """One problem with a setting, naming the environment variable when the value came from
    one."""
    variable = from_env.get(str(problem.path[0])) if problem.path else None
    source = f" (from {variable})" if variable else ""
    return f"{problem.where()}{source}: {problem.message}"


def _read_file(path: Path) -> dict[str, Any]:
    """The settings table of a TOML or JSON file: ``[connector_front]``, else the top level."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        loaded: Any = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"config file {path} is not valid: {exc}") from None
    if not isinstance(loaded, dict):
        raise ConfigurationError(f"config file {path} must hold an object of settings")
    section = loaded.get("connector_front", loaded)
    if not isinstance(section, dict):
        raise ConfigurationError(f"config file {path}: [connector_front] must be a table")
    return section
