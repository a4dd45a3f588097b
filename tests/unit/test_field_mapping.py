"""Field mapping config: both forms of declaration, validation (by the settings), the
mapping by name: reads and write splitting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest

from connector_front.connector import FrontConnector
from connector_front.errors import ConfigurationError
from connector_front.field_mapping import FieldMapping
from connector_front.field_mapping.declared import annotation_type, declarations
from connector_front.registry import ModelRegistry
from connector_front.settings import ConnectorSettings


def test_reads_map_front_names_to_unified_keys() -> None:
    mapping = FieldMapping({"genericContact": {"tier": "Tier"}})
    assert mapping.read("genericContact", {"Tier": "gold", "Other": 1}) == {"tier": "gold"}
    assert mapping.read("genericCompany", {"Tier": "gold"}) == {}


@pytest.mark.parametrize(
    "config",
    [
        {"genericContact": "Tier"},
        {"genericContact": {"tier": ""}},
        {"genericContact": {"": "Tier"}},
        {"genericContact": {"a": "Tier", "b": "Tier"}},
    ],
)
def test_bad_config_is_a_clear_configuration_error(config: object, tmp_path: Path) -> None:
    path = tmp_path / "front.json"
    path.write_text(json.dumps({"field_mapping": config}))
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(path, env={})
    assert "field_mapping" in caught.value.message and "genericContact" in caught.value.message
    assert str(path) in caught.value.message


def test_a_mapping_for_an_unknown_model_is_a_configuration_error(tmp_path: Path) -> None:
    settings = ConnectorSettings(
        database=str(tmp_path / "front.sqlite3"),
        api_token="t",
        field_mapping={"genericContacts": {"tier": "Tier"}},
    )
    with pytest.raises(ConfigurationError) as caught:
        FrontConnector(settings)
    message = caught.value.message
    assert "field mapping for genericContacts: no such model" in message
    assert "genericContact," in message  # the models it could have meant


TYPED = """
[connector_front.field_mapping.ticketIssue]
priority = "Priority"
orderNumber = "Order number"

[connector_front.field_keys.ticketIssue]
escalated = { type = "boolean", default = "Escalated", label = "Escalated to a lead" }
tier = { type = "enum", values = ["Low", "High"] }

[connector_front.field_keys.genericContact.since]
type = "datetime"
"""


def test_keys_are_declared_in_both_forms_with_their_types(tmp_path: Path) -> None:
    path = tmp_path / "host.toml"
    path.write_text(TYPED)
    settings = ConnectorSettings.load(path, env={})
    declared = {
        (k.model, k.key): k
        for k in declarations(
            settings.field_mapping, settings.field_keys, ModelRegistry().field_annotations()
        )
    }
    assert declared[("ticketIssue", "priority")].type == "string"  # the model's own field
    assert declared[("ticketIssue", "orderNumber")].type is None  # learnt per owner
    escalated = declared[("ticketIssue", "escalated")]
    assert (escalated.type, escalated.default, escalated.title) == (
        "boolean", "Escalated", "Escalated to a lead"
    )
    assert declared[("ticketIssue", "tier")].values == ("Low", "High")
    assert declared[("genericContact", "since")].title == "Since"
    assert declared[("ticketIssue", "orderNumber")].title == "Order number"


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ({"field_keys": {"ticketIssue": {"tier": {"type": "enum"}}}}, "needs its values"),
        ({"field_keys": {"ticketIssue": {"x": {"type": "number", "values": ["1"]}}}},
         "values are for enum keys only"),
        ({"field_keys": {"ticketIssue": {"x": {"type": "colour"}}}}, "type"),
        ({"field_keys": {"ticketIssue": {"x": {"type": "string", "extra": 1}}}}, "extra"),
        ({"field_keys": {"ticketIssue": {"priority": {"type": "string"}}},
          "field_mapping": {"ticketIssue": {"priority": "Priority"}}}, "both declare priority"),
        ({"field_keys": {"ticketIssue": {"x": {"type": "string", "default": "Priority"}}},
          "field_mapping": {"ticketIssue": {"priority": "Priority"}}}, "one Front custom field"),
    ],
)  # fmt: skip
def test_bad_declarations_are_configuration_errors(
    config: dict[str, object], said: str, tmp_path: Path
) -> None:
    path = tmp_path / "front.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ConfigurationError) as caught:
        ConnectorSettings.load(path, env={})
    assert said in caught.value.message and "ticketIssue" in caught.value.message


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (str | None, ("string", None)),
        (bool | None, ("boolean", None)),
        (float, ("number", None)),
        (Literal["open", "closed"] | None, ("enum", ("open", "closed"))),
        (list[str] | None, (None, None)),
        (None, (None, None)),
    ],
)
def test_a_unified_field_type_reads_as_a_key_type(annotation: object, expected: object) -> None:
    assert annotation_type(annotation) == expected
