"""The ``company`` label of the budget metrics is bounded: the first companies seen by id,
the rest as ``other``; never an owner id."""

from __future__ import annotations

from connector_front.context import company_key, owner_key
from connector_front.ops.metrics import CompanyLabels


def test_the_first_companies_are_named_and_the_rest_are_other() -> None:
    labels = CompanyLabels(2)
    assert [labels.label(company_key(f"cmp_{n}")) for n in (1, 2, 3, 1, 4, 2)] == [
        "cmp_1", "cmp_2", "other", "cmp_1", "other", "cmp_2",
    ]  # fmt: skip


def test_a_budget_that_is_no_known_company_never_names_its_owner() -> None:
    labels = CompanyLabels(10)
    assert labels.label(owner_key("acme-customer-42")) == "unknown"
    assert labels.label("api-token") == "api-token"
    assert labels.label("company:") == "other"
    assert labels.label("something:else") == "other"


def test_a_cap_of_zero_names_no_company() -> None:
    assert CompanyLabels(0).label(company_key("cmp_1")) == "other"
