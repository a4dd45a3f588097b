"""Reference fields that also take the short form a user types: ``"issue": "cnv_123"``.

A plain id string (or ``{"id": ...}``) becomes a full resourceRef to the field's model;
a full resourceRef is taken as it is (and checked against the model by the mapper).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator

from connector_front.models.messages import Described
from connector_front.models.record import ResourceRef


def short_ref(model: str) -> Callable[[Any], Any]:
    """A validator turning ``"id"`` or ``{"id": "id"}`` into a resourceRef to ``model``."""

    def expand(value: Any) -> Any:
        if isinstance(value, str):
            return {"object": "resourceRef", "model": model, "id": value}
        if isinstance(value, dict) and "id" in value and "model" not in value:
            return {"object": "resourceRef", **value, "model": model}
        return value

    return expand


def ref_text(model: str, example: str) -> Described:
    """How a message says what a reference to ``model`` looks like."""
    return Described(
        f'a {model} id such as "{example}", or a resourceRef {{"object": "resourceRef", '
        f'"model": "{model}", "id": "{example}"}}'
    )


UserRef = Annotated[
    ResourceRef, BeforeValidator(short_ref("genericUser")), ref_text("genericUser", "tea_123")
]
WorkspaceRef = Annotated[
    ResourceRef,
    BeforeValidator(short_ref("genericWorkspace")),
    ref_text("genericWorkspace", "tim_123"),
]
ProjectRef = Annotated[
    ResourceRef, BeforeValidator(short_ref("ticketProject")), ref_text("ticketProject", "inb_123")
]
IssueRef = Annotated[
    ResourceRef, BeforeValidator(short_ref("ticketIssue")), ref_text("ticketIssue", "cnv_123")
]
