"""Settings from file and environment; registry and mapping configuration errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from connector_front.connector import FrontConnector
from connector_front.errors import ConfigurationError, InvalidInputError
from connector_front.registry import ModelRegistry, load_mapper
from connector_front.settings import ENVIRONMENT, ConnectorSettings


def test_toml_file_then_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "front.toml"
    config.write_text(
        '[connector_front]\nclient_id = "from-file"\nclient_secret = "file-secret"\n'
        '[connector_front.field_mapping.genericContact]\ntier = "Loyalty tier"\n'
    )
    settings = ConnectorSettings.load(config, env={"FRONT_CLIENT_ID": "from-env"})
    assert settings.client_id == "from-env"
    assert settings.field_mapping == {"genericContact": {"tier": "Loyalty tier"}}
    assert settings.uses_oauth


def test_secrets_never_show_in_reprs() -> None:
    settings = ConnectorSettings(client_secret="s3cr3t-value", api_token="t0ken-value")
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert "s3cr3t-value" not in text and "t0ken-value" not in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"timeout": -1}', "timeout"),
        ('{"colour": "red"}', "colour"),
        ("[1, 2]", "must hold an object"),
        ("{not json", "not valid"),
    ],
)
def test_bad_config_file_names_the_problem(tmp_path: Path, content: str, expected: str) -> None:
    config = tmp_path / "front.json"
    config.write_text(content)
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(config, env={})
    assert expected in caught.value.message and str(config) in caught.value.message


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read config file"):
        ConnectorSettings.load(tmp_path / "absent.toml", env={})


def test_required_scopes_are_the_union_over_endpoints() -> None:
    registry = ModelRegistry()
    assert registry.required_scopes(["genericContact::list", "genericContact::delete"]) == [
        "contacts:delete",
        "contacts:read",
    ]
    assert registry.required_scopes(["genericUser::create"]) == []  # unsupported: none


def test_a_change_feed_without_an_events_operation_is_no_events() -> None:
    tags = type(load_mapper("examples.front_tag:TagMapper"))
    assert not tags().has_events and tags().event_feed is None  # no changes
    polled = type("PolledTags", (tags,), {"changes": "snapshot"})()
    assert not polled.has_events and polled.event_feed is None  # changes, no events operation
    granted = {**tags.endpoints, "events": ("GET /tags",)}
    watched = type("WatchedTags", (tags,), {"changes": "snapshot", "endpoints": granted})()
    assert watched.has_events and watched.event_feed == "snapshot"


@pytest.mark.parametrize("operation", ["genericContact", "genericContact::fly", "unicorn::list"])
def test_bad_operation_ids_are_400s(operation: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        ModelRegistry().parse_operation(operation)
    assert caught.value.fields == ["operations"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("no-colon", "package.module:MapperClass"),
        ("examples.front_tag:Nope", "cannot load"),
        ("connector_front.errors:ConnectorError", "not a Mapper"),
    ],
)
def test_custom_model_specs_fail_clearly(spec: str, expected: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_mapper(spec)
    assert expected in str(caught.value)


def test_mapping_may_not_shadow_a_field_front_fills(tmp_path: Path) -> None:
    settings = ConnectorSettings(
        api_token="x",
        database=str(tmp_path / "c.db"),
        field_mapping={"genericContact": {"email": "Work email"}},
    )
    with pytest.raises(ConfigurationError, match="already fills"):
        FrontConnector(settings)


def test_mapping_may_fill_a_field_front_lacks(tmp_path: Path) -> None:
    settings = ConnectorSettings(
        api_token="x",
        database=str(tmp_path / "c.db"),
        field_mapping={"ticketIssue": {"priority": "Priority"}},
    )
    (declared,) = FrontConnector(settings).field_mappings.declared
    assert (declared.model, declared.key) == ("ticketIssue", "priority")
    assert declared.default == "Priority"
    assert declared.type == "string"  # the type of ticketIssue's own priority field


def test_environment_reads_the_documented_variables(tmp_path: Path) -> None:
    assert set(ENVIRONMENT.values()) <= set(ConnectorSettings.model_fields)
    config = tmp_path / "front.toml"
    config.write_text('rule_secrets = { alerts = "file-a", billing = "file-b" }\ntimeout = 7\n')
    env = {
        "FRONT_WEBHOOK_SECRET": "old, new",
        "FRONT_RULE_SECRET_ALERTS": "env-a",
        "FRONT_CLIENT_ID": "",
        "CONNECTOR_FRONT_PROXY_ALLOW_UNKNOWN_PATHS": "true",
        "TIMEOUT": "1",
    }
    settings = ConnectorSettings.load(config, env=env)
    assert [s.get_secret_value() for s in settings.webhook_secrets] == ["old", "new"]
    assert {k: v.get_secret_value() for k, v in settings.rule_secrets.items()} == {
        "alerts": "env-a",
        "billing": "file-b",
    }
    assert settings.client_id is None  # an empty variable counts as unset
    assert settings.proxy_allow_unknown_paths is True
    assert settings.timeout == 7  # only the documented variables are read


def test_a_bad_environment_value_names_its_variable() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(env={"CONNECTOR_FRONT_BODY_TIMEOUT": "-1"})
    assert "body_timeout (from CONNECTOR_FRONT_BODY_TIMEOUT)" in caught.value.message


def test_built_directly_the_environment_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONT_CLIENT_ID", "from-env")
    assert ConnectorSettings(api_token="x").client_id is None
    assert ConnectorSettings.load(env=None).client_id == "from-env"


def test_given_values_win_over_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "front.json"
    config.write_text('{"api_base": "http://file.invalid"}')
    env = {"FRONT_API_BASE": "http://env.invalid", "FRONT_API_TOKEN": "env-token"}
    settings = ConnectorSettings.load(config, env=env, api_base="http://flag.invalid")
    assert settings.api_base == "http://flag.invalid"
    assert settings.api_token is not None and settings.api_token.get_secret_value() == "env-token"
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(env={"CONNECTOR_FRONT_BODY_TIMEOUT": "5"}, body_timeout=0)
    assert "body_timeout: " in caught.value.message and "(from" not in caught.value.message
