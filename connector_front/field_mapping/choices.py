"""An owner's new choices (``PUT /connections/{ownerId}/field-mapping``'s body), checked against
the host's declarations and Front's definitions before anything is stored.

Body: ``{"<model>": {"<key>": "<Front field name or id>" or null}}``; null maps the key to
nothing for this owner, even where the host has a default. Every refusal is a 400 naming the
model and key at fault and what would be accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector_front.errors import InvalidInputError
from connector_front.field_mapping.compat import suits
from connector_front.field_mapping.declared import Declarations, DeclaredKey
from connector_front.field_mapping.definitions import Definitions
from connector_front.field_mapping.resolve import Binding, Choice, OwnerMapping, key_type

SHAPE = '{"<model>": {"<key>": "<Front custom field name or id>" or null}}'

ModelChoices = dict[str, Choice | None]


def parse_choices(
    body: Any,
    declared: Declarations,
    definitions: Mapping[str, Definitions],
    front_objects: Mapping[str, str],
) -> dict[str, ModelChoices]:
    """model -> key -> the chosen Front field (by id) or None. ``definitions``: Front's, read
    now, for every model the body names that has declared keys."""
    if not isinstance(body, Mapping):
        raise InvalidInputError(f"the field mapping must be an object: {SHAPE}", fields=["body"])
    parsed: dict[str, ModelChoices] = {}
    for model, keys in body.items():
        table = declared.for_model(model)
        if not table:
            raise InvalidInputError(
                f"{model}: the host declares no keys for it, so there is nothing to map (keys "
                f"are declared for: {', '.join(declared.models()) or 'no model'})",
                fields=[str(model)],
            )
        if not isinstance(keys, Mapping):
            raise InvalidInputError(f"{model} must be an object: {SHAPE}", fields=[model])
        parsed[model] = {
            key: _choice(table, key, value, definitions[model], front_objects[model])
            for key, value in keys.items()
        }
    return parsed


def _choice(
    table: Mapping[str, DeclaredKey],
    key: str,
    value: Any,
    known: Definitions,
    front_object: str,
) -> Choice | None:
    declared = table.get(key)
    if declared is None:
        model = next(iter(table.values())).model
        raise InvalidInputError(
            f"{model}.{key} is not a declared key; {model}'s declared keys: {', '.join(table)}",
            fields=[f"{model}.{key}"],
        )
    where = f"{declared.model}.{key}"
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(
            f"{where} must be a Front custom field name or id, or null (not mapped), got "
            f"{value!r}",
            fields=[where],
        )
    field = known.find(value)
    if field is None:
        raise InvalidInputError(
            f"{where}: this Front account has no {front_object} custom field named {value!r} "
            f"(nor with that id); its {front_object} custom fields: {known.names()}",
            fields=[where],
        )
    why = suits(key_type(declared, known), declared.values, field)
    if why is not None:
        raise InvalidInputError(f"{where} cannot map onto {field.name!r}: {why}", fields=[where])
    return Choice(field.id, field.name)


def refuse_shared_fields(mapping: OwnerMapping) -> None:
    """Reads and writes map one to one: two keys on one Front field are a 400."""
    seen: dict[str, str] = {}
    for key, entry in mapping.entries.items():
        if not isinstance(entry.bound, Binding):
            continue
        name = entry.bound.name
        if name in seen:
            raise InvalidInputError(
                f"{mapping.model}.{seen[name]} and {mapping.model}.{key} would both map onto "
                f"the Front custom field {name!r}; give each field one key",
                fields=[f"{mapping.model}.{key}"],
            )
        seen[name] = key
