"""Every mapper on arbitrary Front-shaped JSON, and written fields on arbitrary input.

Reading: a record, with a warning for a value it could not use, or a typed error
(``connector_front.errors``); writing: the validated fields or a typed 4xx. Never another
exception. The Front objects are real sandbox answers with keys dropped and values replaced.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_front.errors import ConnectorError
from connector_front.field_mapping import FieldMapping
from connector_front.mappers.base import FrontItem, Mapper
from connector_front.records import front_record, front_records, parse_write
from connector_front.registry import ModelRegistry
from connector_front.sandbox import SandboxServer
from tests.limits import loose

from .conftest import RELIABLE

MAPPING = FieldMapping(
    {"genericContact": {"tier": "Loyalty tier"}, "ticketIssue": {"priority": "Priority"}}
)
MAPPERS = {mapper.model: mapper for mapper in ModelRegistry()}
SOURCES = {
    "genericContact": "/contacts",
    "genericCompany": "/accounts",
    "genericUser": "/teammates",
    "genericWorkspace": "/teams",
    "ticketProject": "/inboxes",
    "ticketIssue": "/conversations",
    "ticketComment": "/conversations/cnv_s001/comments",
}
RELATED = {"ticketIssue": ("inboxes", "/inboxes"), "ticketProject": ("members", "/teammates")}


def _sandbox_answers() -> dict[str, list[dict[str, Any]]]:
    with (
        SandboxServer(loose()) as sandbox,
        httpx.Client(
            base_url=sandbox.url, headers={"authorization": "Bearer sandbox-api-token"}
        ) as front,
    ):
        paths = set(SOURCES.values()) | {"/conversations/cnv_s001/messages"}
        return {path: front.get(path).json()["_results"] for path in paths}


ANSWERS = _sandbox_answers()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def front_shaped(draw: st.DrawFn, samples: list[dict[str, Any]]) -> dict[str, Any]:
    """A real Front object with some keys dropped, some values replaced, some keys added."""
    base = dict(draw(st.sampled_from(samples)))
    for key in list(base):
        action = draw(st.sampled_from(["keep", "keep", "drop", "replace"]))
        if action == "drop":
            del base[key]
        elif action == "replace":
            base[key] = draw(json_values)
    extra = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2))
    return {**extra, **base}


def _check_read(mapper: Mapper, item: FrontItem) -> None:
    try:
        record = front_record(mapper, item, MAPPING, raw=True)
    except ConnectorError as exc:
        assert 400 <= exc.status < 600 and exc.message
        return
    assert record.model == mapper.model and isinstance(record.id, str)
    assert record.model_dump(mode="json")["id"] == record.id


@pytest.mark.parametrize("model", list(SOURCES))
def test_reading_arbitrary_front_json_gives_a_record_or_a_typed_error(model: str) -> None:
    mapper = MAPPERS[model]
    samples = ANSWERS[SOURCES[model]]
    if model == "ticketComment":
        samples = samples + ANSWERS["/conversations/cnv_s001/messages"]
    name, path = RELATED.get(model, ("", ""))
    related = (
        st.fixed_dictionaries({name: st.lists(front_shaped(ANSWERS[path]), max_size=2)})
        if name
        else st.just({})
    )

    @RELIABLE
    @given(front=front_shaped(samples), related=related)
    def check(front: dict[str, Any], related: dict[str, list[dict[str, Any]]]) -> None:
        _check_read(mapper, FrontItem(front, related))

    check()


def _one_by_one(mapper: Mapper, items: list[FrontItem]) -> list[Any] | str:
    """The records of ``items`` built one by one, or the message of the first error."""
    try:
        return [front_record(mapper, item, MAPPING, raw=True) for item in items]
    except ConnectorError as exc:
        return exc.message


@pytest.mark.parametrize("model", ["genericContact", "genericCompany", "genericUser"])
def test_a_page_of_arbitrary_front_json_reads_as_its_objects_one_by_one(model: str) -> None:
    """A listing builds a page's records at once; with any value or object it cannot take
    that way, the page gives what one record at a time gives: the same warnings, the same
    error naming the same object."""
    mapper = MAPPERS[model]
    samples = ANSWERS[SOURCES[model]]

    @RELIABLE
    @given(
        fronts=st.lists(
            front_shaped(samples) | st.sampled_from(samples), min_size=1, max_size=4
        )
    )
    def check(fronts: list[dict[str, Any]]) -> None:
        items = [FrontItem(front) for front in fronts]
        try:
            page: list[Any] | str = front_records(mapper, items, MAPPING, raw=True)
        except ConnectorError as exc:
            page = exc.message
        assert page == _one_by_one(mapper, items)

    check()


def _fields_for(mapper: Mapper) -> st.SearchStrategy[Any]:
    names = [*mapper.fields_model.model_fields, *MAPPING.for_model(mapper.model), "unknown"]
    return st.dictionaries(st.sampled_from(names), json_values, max_size=5) | json_values


@pytest.mark.parametrize("model", list(SOURCES))
@pytest.mark.parametrize("operation", ["create", "update"])
def test_arbitrary_written_fields_give_fields_or_a_typed_4xx(model: str, operation: str) -> None:
    mapper = MAPPERS[model]

    @RELIABLE
    @given(fields=_fields_for(mapper))
    def check(fields: Any) -> None:
        try:
            validated, custom = parse_write(mapper, fields, MAPPING, operation=operation)
        except ConnectorError as exc:
            assert 400 <= exc.status < 500 and exc.message
            return
        assert isinstance(custom, dict)
        validated.model_dump(mode="json")
        assert isinstance(mapper.front_body(validated), dict)  # the simple fields' Front body

    check()
