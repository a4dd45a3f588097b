"""Reference fields that also take the short form a user types: ``"issue": "cnv_123"``.

A plain id string (or ``{"id": ...}``) becomes a full resourceRef to the field's model;
a full resourceRef is taken as it is (and checked against the model by the mapper).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator

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


UserRef = Annotated[ResourceRef, BeforeValidator(short_ref("genericUser"))]
WorkspaceRef = Annotated[ResourceRef, BeforeValidator(short_ref("genericWorkspace"))]
ProjectRef = Annotated[ResourceRef, BeforeValidator(short_ref("ticketProject"))]
IssueRef = Annotated[ResourceRef, BeforeValidator(short_ref("ticketIssue"))]
