"""Field mapping config: validation (by the settings), reads, write splitting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector_front.errors import ConfigurationError
from connector_front.field_mapping import FieldMapping
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
    from connector_front.connector import FrontConnector

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
