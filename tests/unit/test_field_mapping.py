"""Field mapping config: validation, reads, write splitting."""

from __future__ import annotations

import pytest

from connector_front.errors import ConfigurationError
from connector_front.field_mapping import FieldMapping


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
def test_bad_config_is_a_clear_configuration_error(config: object) -> None:
    with pytest.raises(ConfigurationError) as caught:
        FieldMapping(config)  # type: ignore[arg-type]
    assert "genericContact" in caught.value.message
