"""Arbitrary create and update bodies through a real host on the sandbox Front: a record or a
typed 4xx, never a 5xx. The fields are each model's own names with arbitrary JSON values."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connector_front.registry import ModelRegistry
from tests.conftest import FIELD_MAPPING, Host

from .conftest import RELIABLE

MAPPERS = {mapper.model: mapper for mapper in ModelRegistry()}
TARGETS = {
    "genericContact": "crd_s001",
    "genericCompany": None,
    "genericUser": "tea_s001",
    "ticketProject": None,
    "ticketIssue": "cnv_s001",
    "ticketComment": "com_s001",
}
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=15)
    | st.sampled_from(["cnv_s001", "inb_s001", "tea_s002", "open", "closed", "a@b.example"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "model", "object", "add", "remove"]), inner)
    ),
    max_leaves=6,
)


def bodies(model: str) -> st.SearchStrategy[Any]:
    names = [*MAPPERS[model].fields_model.model_fields, *FIELD_MAPPING.get(model, {})]
    fields = st.dictionaries(st.sampled_from(names), values, max_size=4)
    return st.fixed_dictionaries({"fields": fields}) | values


def _typed(answer: Any) -> None:
    if answer.status_code == 405:  # Front has no such endpoint: said before any request
        assert answer.json()["error"]["code"] == "not_supported"
        return
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        error = answer.json()["error"]
        assert error["code"] and error["message"]


@pytest.mark.parametrize("model", list(TARGETS))
def test_arbitrary_writes_get_a_record_or_a_typed_4xx(host: Host, model: str) -> None:
    target = TARGETS[model]
    with host.client() as http:

        @RELIABLE
        @given(body=bodies(model), update=st.booleans() if target else st.just(False))
        def check(body: Any, update: bool) -> None:
            if update:
                _typed(http.patch(f"/resources/{model}/{target}", json=body))
            else:
                _typed(http.post(f"/resources/{model}", json=body))

        check()
