"""Front JSON -> unified record: mapper fields, validation into warnings, field mapping."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import TypeAdapter, ValidationError

from connector_front.errors import InvalidInputError, UpstreamError
from connector_front.field_mapping import RecordMapping
from connector_front.mappers.base import FrontItem, Mapper, Unified
from connector_front.models.base import UnifiedFields
from connector_front.models.json_fields import json_fields, json_fields_page
from connector_front.models.messages import problems
from connector_front.models.record import Record, RecordWarning, from_front_timestamp
from connector_front.util.gc_pause import gc_paused


def build_record(
    mapper: Mapper, item: FrontItem, mapping: RecordMapping, *, raw: bool = False
) -> Record:
    """One unified record. A value that fails validation is nulled and reported in ``warnings``.

    The fields are validated once, into their JSON form (a second pass only when a value was
    dropped); custom fields a mapping names are passed on as Front sent them.
    """
    unified = mapper.to_unified(item)
    standard, custom = _with_mapping(mapper, unified.fields, unified.custom_fields, mapping)
    fields, warnings = _validated(mapper.fields_model, standard)
    warnings.extend(mapping.warnings(mapper.model))
    # Record's own validator, as Record(**envelope) calls it, without BaseModel.__init__
    record: Record = _RECORD.validate_python(
        _envelope(mapper, item, unified, fields, custom, warnings, raw)
    )
    return record


def build_records(
    mapper: Mapper, items: list[FrontItem], mapping: RecordMapping, *, raw: bool = False
) -> list[Record]:
    """:func:`build_record` of each item of a page, with the fields of the whole page validated
    in one call and the envelopes in another. Raises ``ValidationError`` when any value fails
    (:func:`front_records` then builds the page record by record, warnings and all)."""
    page = json_fields_page(mapper.fields_model)
    if page is None:
        return [build_record(mapper, item, mapping, raw=raw) for item in items]
    unified = [mapper.to_unified(item) for item in items]
    standard: list[Mapping[str, Any]]
    custom: list[Mapping[str, Any]]
    if mapping.keys(mapper.model):
        split = [_with_mapping(mapper, u.fields, u.custom_fields, mapping) for u in unified]
        standard, custom = [s for s, _ in split], [c for _, c in split]
    else:  # asked once a page, not once a record
        standard, custom = [u.fields for u in unified], [_NO_CUSTOM] * len(unified)
    fields = page(standard)
    warned = mapping.warnings(mapper.model)  # the same for every record of the page
    envelopes = [
        _envelope(mapper, item, one, values, extra, list(warned), raw)
        for item, one, values, extra in zip(items, unified, fields, custom, strict=True)
    ]
    records: list[Record] = _RECORDS.validate_python(envelopes)
    return records


_NO_CUSTOM: Mapping[str, Any] = MappingProxyType({})
_RECORD = Record.__pydantic_validator__
_RECORDS: TypeAdapter[list[Record]] = TypeAdapter(list[Record])


def _envelope(
    mapper: Mapper,
    item: FrontItem,
    unified: Unified,
    fields: dict[str, Any],
    custom: Mapping[str, Any],
    warnings: list[RecordWarning],
    raw: bool,
) -> dict[str, Any]:
    """A record's envelope around its validated fields, for Record's validator."""
    if custom:
        fields.update(custom)
    created = from_front_timestamp(unified.created_at)
    if created is None and unified.created_at is not None:
        warnings.append(_not_a_time("createdAt", unified.created_at))
    updated = from_front_timestamp(unified.updated_at)
    if updated is None and unified.updated_at is not None:
        warnings.append(_not_a_time("updatedAt", unified.updated_at))
    envelope: dict[str, Any] = {
        "model": mapper.model,
        "id": unified.id,
        "fields": fields,  # dict[str, Any] in Record: taken as it is, not validated again
        "createdAt": created,
        "updatedAt": updated,
    }
    if raw:
        envelope["rawResource"] = dict(item.front)
    if warnings:
        envelope["warnings"] = warnings
    return envelope


def _not_a_time(name: str, value: Any) -> RecordWarning:
    """The warning for a Front time that is not one (the field is null)."""
    message = f"Front value dropped: {value!r} is not a time in seconds since the epoch"
    return RecordWarning(field=name, message=message)


def _with_mapping(
    mapper: Mapper,
    fields: dict[str, Any],
    custom_fields: Mapping[str, Any],
    mapping: RecordMapping,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the standard fields, mapped ones that fill a standard field included; the mapped
    custom keys the model does not have)."""
    if not mapping.keys(mapper.model):
        return fields, {}
    mapped = mapping.read(mapper.model, custom_fields)
    known = mapper.fields_model.model_fields
    standard = {**fields, **{k: v for k, v in mapped.items() if k in known}}
    return standard, {k: v for k, v in mapped.items() if k not in known}


def _validated(
    model: type[UnifiedFields], fields: dict[str, Any]
) -> tuple[dict[str, Any], list[RecordWarning]]:
    """The fields in JSON form, validated by ``model``; a failing value is nulled and a
    warning says why. A failure on a missing or null value is the mapper's bug: raised."""
    fast = json_fields(model)
    if fast is not None:
        try:
            return fast(fields), []
        except ValidationError:
            pass  # the model itself, below, says which values fail and why
    validator, serializer = model.__pydantic_validator__, model.__pydantic_serializer__
    warnings: list[RecordWarning] = []
    for _ in range(len(fields) + 1):
        try:
            validated = validator.validate_python(fields)
        except ValidationError as exc:
            failing = fields
            for problem in problems(exc.errors(), model):
                name = str(problem.path[0]) if problem.path else ""
                if failing.get(name) is None:
                    raise
                if fields[name] is not None:  # one warning per field
                    message = f"Front value dropped: {problem.where()} {problem.message}"
                    warnings.append(RecordWarning(field=name, message=message))
                    fields = {**fields, name: None}
            continue
        dumped: dict[str, Any] = serializer.to_python(validated, mode="json")
        return dumped, warnings
    raise AssertionError("unreachable: every failing field is nulled once")


def parse_write(
    mapper: Mapper, fields: object, mapping: RecordMapping, *, operation: str
) -> tuple[UnifiedFields, dict[str, Any]]:
    """Validate written fields: (the fields model, its ``model_fields_set`` the fields the
    caller wrote; custom fields to merge)."""
    if not isinstance(fields, Mapping):
        raise InvalidInputError(
            f"{mapper.model}::{operation}: 'fields' must be an object of unified field values",
            fields=["fields"],
        )
    standard, custom = mapping.split_write(mapper.model, fields)
    _refuse_unmapped(mapper, standard, operation)
    try:
        validated = mapper.fields_model.model_validate(standard)
    except ValidationError as exc:
        found = problems(exc.errors(), mapper.fields_model)
        detail = "; ".join(f"{p.where('fields')} {p.message}" for p in found)
        known = sorted(set(mapper.fields_model.model_fields) | set(mapping.keys(mapper.model)))
        raise InvalidInputError(
            f"{mapper.model}::{operation}: {detail} (known fields: {', '.join(known)})",
            fields=[p.where("fields") for p in found],
        ) from None
    return validated, custom


def _refuse_unmapped(mapper: Mapper, standard: Mapping[str, Any], operation: str) -> None:
    """A field Front lacks is written only through a field mapping; without one it is a 400.

    Null is let through: the field already reads null, so nothing is lost.
    """
    unmapped = sorted(k for k in set(standard) & mapper.mappable_fields if standard[k] is not None)
    if unmapped:
        first = unmapped[0]
        raise InvalidInputError(
            f"{mapper.model}::{operation}: Front has no {', '.join(unmapped)} of its own, and no "
            "field mapping carries it to a Front custom field, so it cannot be written. Declare "
            f"it in the settings ([connector_front.field_mapping.{mapper.model}] "
            f'{first} = "<Front custom field name>") and map it for the owner, or leave it out',
            fields=[f"fields.{name}" for name in unmapped],
        )


SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)
"""What reading a Front object of an unexpected shape raises (pydantic's errors are ValueErrors)."""


def front_records(
    mapper: Mapper, items: list[FrontItem], mapping: RecordMapping, *, raw: bool = False
) -> list[Record]:
    """:func:`front_record` of each item of a page: at once (:func:`build_records`), else, when
    some value fails or some object cannot be read, record by record, so that only that
    record gets a warning, or the error names that object."""
    with gc_paused():
        try:
            return build_records(mapper, items, mapping, raw=raw)
        except SHAPE_ERRORS:  # a pydantic ValidationError is a ValueError
            return [front_record(mapper, item, mapping, raw=raw) for item in items]


def front_record(
    mapper: Mapper, item: FrontItem, mapping: RecordMapping, *, raw: bool = False
) -> Record:
    """:func:`build_record`, with a Front object it cannot read as a typed error naming it."""
    try:
        return build_record(mapper, item, mapping, raw=raw)
    except SHAPE_ERRORS as exc:
        front_id = item.front.get("id") if isinstance(item.front, Mapping) else None
        which = f" {front_id!r}" if isinstance(front_id, str) else " (without an id)"
        what = f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else type(exc).__name__
        raise UpstreamError(
            f"Front sent a {mapper.front_object}{which} that cannot be read as a "
            f"{mapper.model} ({what}: not the shape Front documents). Try again later; if it "
            "persists, the record needs fixing in Front."
        ) from None
