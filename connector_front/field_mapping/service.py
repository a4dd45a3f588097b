"""The host's declared keys and every owner's mapping of them, as connections use them.

Stateless beside its stores: an owner's choices live with its connection (``connections``
row), Front's definitions in a :class:`DefinitionStore`; the mapping of one call is
:func:`resolve`'d from both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector_front.field_mapping.compat import suits
from connector_front.field_mapping.declared import Declarations
from connector_front.field_mapping.definitions import Definitions
from connector_front.field_mapping.resolve import Binding, Choice, Choices, OwnerMapping, resolve
from connector_front.field_mapping.stored import DefinitionStore
from connector_front.field_mapping.table import FieldMapping
from connector_front.health import iso
from connector_front.models.record import RecordWarning

NONE = FieldMapping()
"""The mapping of a model with no declared key."""


def choices_of(stored: Mapping[str, Any] | None, model: str) -> Choices:
    """An owner's choices for ``model`` out of its connection's stored mapping."""
    table = (stored or {}).get(model) or {}
    return {
        key: Choice(str(value["id"]), str(value["name"])) if value else None
        for key, value in table.items()
    }


def stored_choices(choices: Mapping[str, Mapping[str, Choice | None]]) -> dict[str, Any]:
    """Choices in the form a connection keeps them."""
    return {
        model: {key: None if c is None else c.to_json() for key, c in keys.items()}
        for model, keys in choices.items()
    }


class FieldMappings:
    """Declared keys, Front's definitions per owner, and each owner's resolved mapping."""

    def __init__(
        self,
        declared: Declarations,
        definitions: DefinitionStore,
        front_objects: Mapping[str, str],
    ) -> None:
        self.declared = declared
        self.definitions = definitions
        self._front_objects = dict(front_objects)

    def declares(self, model: str) -> bool:
        return bool(self.declared.for_model(model))

    def front_object(self, model: str) -> str:
        return self._front_objects.get(model, model)

    def owner_mapping(
        self,
        model: str,
        owner_id: str,
        stored: Mapping[str, Any] | None,
        definitions: Definitions | None,
    ) -> OwnerMapping:
        """The owner's mapping of ``model`` from its stored choices and ``definitions``."""
        return resolve(
            model,
            owner_id,
            self.declared.for_model(model),
            choices_of(stored, model),
            definitions,
            self.front_object(model),
        )

    def problems(
        self,
        owner_id: str,
        stored: Mapping[str, Any] | None,
        definitions: Mapping[str, Definitions | None],
        missing: Mapping[str, str],
    ) -> list[RecordWarning]:
        """Every declared key the owner cannot read or write, and every model whose Front
        custom fields could not be read (``missing``: model -> why), as ``model.key`` warnings."""
        found: list[RecordWarning] = []
        for model in self.declared.models():
            known = definitions.get(model)
            found.extend(self.owner_mapping(model, owner_id, stored, known).problems())
            why = missing.get(model) or (known.error if known is not None else None)
            if why:
                found.append(RecordWarning(
                    field=model,
                    message=f"Front's {self.front_object(model)} custom fields could not be "
                    f"read ({why}), so its mapped keys are used by name, unchecked",
                ))  # fmt: skip
        return found

    def describe(
        self,
        owner_id: str,
        stored: Mapping[str, Any] | None,
        definitions: Mapping[str, Definitions | None],
        missing: Mapping[str, str],
    ) -> dict[str, Any]:
        """``GET /connections/{ownerId}/field-mapping``: per model with declared keys, each
        key (type, default, where it maps now, its problem), the owner's Front custom fields
        and when they were read; the owner's choices (in ``PUT``'s form); every problem."""
        models = {
            model: _model_answer(
                self.owner_mapping(model, owner_id, stored, definitions.get(model)),
                definitions.get(model),
            )
            for model in self.declared.models()
        }
        choices = {
            model: {k: None if c is None else c.id for k, c in chosen.items()}
            for model in self.declared.models()
            if (chosen := choices_of(stored, model))
        }
        return {
            "ownerId": owner_id,
            "models": models,
            "mapping": choices,
            "problems": [
                p.model_dump() for p in self.problems(owner_id, stored, definitions, missing)
            ],
        }


def _model_answer(mapping: OwnerMapping, known: Definitions | None) -> dict[str, Any]:
    keys = {}
    fields = known.fields if known is not None else ()
    for key, entry in mapping.entries.items():
        bound = entry.bound
        keys[key] = {
            **entry.declared.to_json(),
            "type": entry.type,
            "mappedTo": _mapped_to(bound) if isinstance(bound, Binding) else None,
            "source": bound.source,
            "problem": None if isinstance(bound, Binding) else bound.problem,
            "choices": [
                f.id for f in fields if suits(entry.type, entry.declared.values, f) is None
            ],
        }
    return {
        "keys": keys,
        "customFields": [f.to_json() for f in known.fields] if known is not None else [],
        "readAt": iso(known.read_at) if known is not None and known.known else None,
    }


def _mapped_to(bound: Binding) -> dict[str, Any]:
    if bound.field is None:  # Front's definitions unknown: by name only
        return {"id": None, "name": bound.name, "type": None}
    return {"id": bound.field.id, "name": bound.field.name, "type": bound.field.type}
