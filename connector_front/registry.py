"""The unified models a connector serves: built-in mappers plus the host's custom ones."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from connector_front.errors import ConfigurationError, InvalidInputError, NotFoundError
from connector_front.grants.scopes import scopes_for
from connector_front.mappers import BUILTIN_MAPPERS
from connector_front.mappers.base import GRANTABLE, Mapper


def load_mapper(spec: str, search: Sequence[Path] = ()) -> Mapper:
    """Import and instantiate a mapper named ``package.module:MapperClass``.

    A module that is not installed is looked for in the ``search`` folders, in order (the
    config file's folder, then the current directory, when the connector loads settings).
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ConfigurationError(
            f"custom model {spec!r} must be written 'package.module:MapperClass'"
        )
    try:
        factory = getattr(_import(module_name, search), attribute)
    except (ImportError, AttributeError) as exc:
        where = ", ".join(str(folder) for folder in search)
        hint = f" (looked in installed packages and {where})" if where else ""
        raise ConfigurationError(f"cannot load custom model {spec!r}: {exc}{hint}") from None
    if not (isinstance(factory, type) and issubclass(factory, Mapper)):
        raise ConfigurationError(
            f"custom model {spec!r} is not a Mapper subclass; point it at your mapper class"
        )
    return factory()


def _import(module_name: str, search: Sequence[Path]) -> object:
    """Import ``module_name``; if its top package is missing, from the first folder holding it."""
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        top = module_name.split(".", 1)[0]
        if exc.name != top:
            raise
        for folder in search:
            if (folder / top).is_dir() or (folder / f"{top}.py").is_file():
                if str(folder) not in sys.path:
                    sys.path.append(str(folder))
                importlib.invalidate_caches()
                return importlib.import_module(module_name)
        raise


class ModelRegistry:
    """model name -> mapper. Custom models register the same way built-in ones do."""

    def __init__(self, mappers: Iterable[Mapper] | None = None) -> None:
        self._mappers: dict[str, Mapper] = {}
        for mapper in mappers if mappers is not None else (cls() for cls in BUILTIN_MAPPERS):
            self.register(mapper)

    def register(self, mapper: Mapper) -> None:
        """Add a model; its endpoint table is checked against Front's scope table now."""
        name = getattr(mapper, "model", None)
        if not isinstance(name, str) or not name:
            raise ConfigurationError(f"{type(mapper).__name__} has no 'model' name")
        if name in self._mappers:
            raise ConfigurationError(f"model {name!r} is registered twice")
        for operation, endpoints in mapper.endpoints.items():
            if operation not in GRANTABLE:
                raise ConfigurationError(
                    f"{name}: unknown operation {operation!r}; use one of {', '.join(GRANTABLE)}"
                )
            try:
                scopes_for(endpoints)
            except KeyError as exc:
                raise ConfigurationError(f"{name}::{operation}: {exc.args[0]}") from None
        self._mappers[name] = mapper

    def get(self, model: str) -> Mapper:
        try:
            return self._mappers[model]
        except KeyError:
            raise NotFoundError(
                f"unknown model {model!r}; this connector serves: {', '.join(self._mappers)}"
            ) from None

    def __iter__(self) -> Iterator[Mapper]:
        return iter(self._mappers.values())

    def names(self) -> list[str]:
        return list(self._mappers)

    def field_annotations(self) -> dict[str, dict[str, Any]]:
        """model -> its unified fields' type annotations (declared keys read their types)."""
        return {
            mapper.model: {n: f.annotation for n, f in mapper.fields_model.model_fields.items()}
            for mapper in self
        }

    def parse_operation(self, operation_id: str) -> tuple[Mapper, str]:
        """``genericContact::list`` -> (mapper, "list"); a malformed or unknown id is a 400."""
        model, sep, operation = operation_id.partition("::")
        if not sep or operation not in GRANTABLE:
            raise InvalidInputError(
                f"{operation_id!r} is not an operation id; write model::op with op one of "
                f"{', '.join(GRANTABLE)} (e.g. genericContact::list)",
                fields=["operations"],
            )
        if model not in self._mappers:
            raise InvalidInputError(
                f"{operation_id!r}: unknown model {model!r}; known: {', '.join(self._mappers)}",
                fields=["operations"],
            )
        return self._mappers[model], operation

    def grantable(self, operation_ids: Sequence[str]) -> list[str]:
        """The ids, once each, if they are a non-empty list of well-formed, supported ones."""
        if isinstance(operation_ids, str) or not operation_ids:
            raise InvalidInputError(
                'operations must be a non-empty list such as ["genericContact::list"]',
                fields=["operations"],
            )
        for operation_id in operation_ids:
            mapper, operation = self.parse_operation(operation_id)
            if not mapper.supports(operation):
                raise mapper.unsupported_error(operation)
        return list(dict.fromkeys(operation_ids))

    def required_scopes(self, operation_ids: Iterable[str]) -> list[str]:
        """The union of Front scopes the given operations need (unsupported ones need none)."""
        endpoints: list[str] = []
        for operation_id in operation_ids:
            mapper, operation = self.parse_operation(operation_id)
            endpoints.extend(mapper.endpoints.get(operation, ()))
        return list(scopes_for(endpoints))
