"""What an app may do, said the way a customer reads it: operations grouped by kind of data
("Read and change contacts"), each kind with its operations and Front scopes kept for the
page's developer details. Read off the manifest; nothing here is typed per model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from connector_front.manifest import Manifest

ABILITIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("read", frozenset({"list", "retrieve"})),
    ("create", frozenset({"create"})),
    ("change", frozenset({"update"})),
    ("delete", frozenset({"delete"})),
)
"""Verb a customer reads -> the operations that give it, in the order they are said."""
TOLD = "events"
"""The operation that lets the app be told of changes."""


@dataclass(frozen=True)
class OperationView:
    id: str
    operation: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class KindView:
    """One kind of data (a unified model) and the offered operations on it."""

    model: str
    label: str
    operations: tuple[OperationView, ...]

    @property
    def title(self) -> str:
        return self.label[:1].upper() + self.label[1:]

    @property
    def abilities(self) -> str:
        """What the operations let the app do, as a sentence: "Read and change contacts; be
        told when they change"."""
        return ability_sentence(self.label, {op.operation for op in self.operations})

    @property
    def operation_ids(self) -> tuple[str, ...]:
        return tuple(op.id for op in self.operations)


def ability_sentence(label: str, operations: Iterable[str]) -> str:
    """The sentence for ``operations`` on data called ``label`` (plural)."""
    given = set(operations)
    verbs = [verb for verb, gives in ABILITIES if given & gives]
    parts = [f"{said_together(verbs)} {label}"] if verbs else []
    if TOLD in given:
        parts.append("be told when they change" if verbs else f"be told when {label} change")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:]


def said_together(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def kind_views(manifest: Manifest, operation_ids: Iterable[str]) -> list[KindView]:
    """The kinds of data ``operation_ids`` touch, in the manifest's order, each with its
    operations in the manifest's order (ids the manifest does not offer are left out)."""
    wanted = set(operation_ids)
    kinds = []
    for model in manifest.models:
        entries = [(op.id, op.operation, op.scopes) for op in model.operations if op.supported]
        if model.events.supported:
            entries.append((model.events.id, TOLD, model.events.scopes))
        chosen = tuple(
            OperationView(op_id, operation, tuple(scopes))
            for op_id, operation, scopes in entries
            if op_id in wanted
        )
        if chosen:
            kinds.append(KindView(model.model, model.label, chosen))
    return kinds


def kinds_missing(kinds: Sequence[KindView], scopes: Iterable[str]) -> list[KindView]:
    """The kinds with an operation that needs one of ``scopes`` (those Front refused)."""
    refused = set(scopes)
    return [k for k in kinds if any(refused & set(op.scopes) for op in k.operations)]
