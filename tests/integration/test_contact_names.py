"""A contact's firstName / lastName read back as written, through a real host on the sandbox
Front: Front keeps one ``name``, and the connector keeps the split it wrote."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connector_front.dev.embedded import EmbeddedSandbox
from connector_front.sandbox import SandboxServer
from tests.conftest import OWNER, Host

MODEL = "/resources/genericContact"
JO_ANN_LI = {"firstName": "Jo Ann", "lastName": "Li"}
_emails = itertools.count(1)

halves = st.none() | st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t\n\u00a0\u3000"),
    max_size=40,
)
"""A written half: nothing, or any text (several words, runs of spaces, Unicode spaces)."""


def normal(half: str | None) -> str | None:
    """A half with its whitespace normalised: words separated by one space, None when empty."""
    return " ".join(half.split()) or None if half is not None else None


def created(http: httpx.Client, fields: dict[str, Any]) -> dict[str, Any]:
    email = f"name-{next(_emails)}@names.example"
    answer = http.post(MODEL, json={"fields": {"email": email, **fields}})
    assert answer.status_code == 201, answer.text
    record: dict[str, Any] = answer.json()
    return record


def halves_of(record: dict[str, Any]) -> tuple[str | None, str | None]:
    return record["fields"]["firstName"], record["fields"]["lastName"]


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=halves,
    last=halves,
    half=st.sampled_from(["firstName", "lastName"]),
    new=halves,
)
def test_a_written_pair_reads_back_and_updating_one_half_keeps_the_other(
    host: Host, first: str | None, last: str | None, half: str, new: str | None
) -> None:
    with host.client() as http:
        record = created(http, {"firstName": first, "lastName": last})
        assert halves_of(record) == (normal(first), normal(last))
        read = http.get(f"{MODEL}/{record['id']}").json()
        assert halves_of(read) == (normal(first), normal(last))
        updated = http.patch(f"{MODEL}/{record['id']}", json={"fields": {half: new}})
        assert updated.status_code == 200, updated.text
        expected = {"firstName": normal(first), "lastName": normal(last), half: normal(new)}
        for answer in (updated.json(), http.get(f"{MODEL}/{record['id']}").json()):
            assert answer["fields"]["firstName"] == expected["firstName"]
            assert answer["fields"]["lastName"] == expected["lastName"]


def test_the_words_of_each_half_survive_a_partial_update(host: Host) -> None:
    with host.client() as http:
        mary = created(http, {"firstName": "Mary Ann", "lastName": "Smith"})
        assert halves_of(mary) == ("Mary Ann", "Smith")
        jones = http.patch(f"{MODEL}/{mary['id']}", json={"fields": {"lastName": "Jones"}})
        assert halves_of(jones.json()) == ("Mary Ann", "Jones")
        okafor = created(http, {"lastName": "Okafor"})
        assert halves_of(okafor) == (None, "Okafor")
        listed = http.get(MODEL, params={"limit": 100}).json()["data"]
        by_id = {record["id"]: halves_of(record) for record in listed}
        assert by_id[mary["id"]] == ("Mary Ann", "Jones")
        assert by_id[okafor["id"]] == (None, "Okafor")


def test_a_name_changed_in_front_reads_by_the_rule(host: Host, sandbox: SandboxServer) -> None:
    with host.client() as http:
        mary = created(http, {"firstName": "Mary Ann", "lastName": "Smith"})
        sandbox.state.db.contacts[mary["id"]].name = "Mary Ann Jones-Smith"  # renamed in Front
        assert halves_of(http.get(f"{MODEL}/{mary['id']}").json()) == ("Mary", "Ann Jones-Smith")
        sandbox.state.db.contacts[mary["id"]].name = "Mary Ann Smith"  # back as written
        assert halves_of(http.get(f"{MODEL}/{mary['id']}").json()) == ("Mary Ann", "Smith")


async def test_a_page_of_contacts_costs_one_store_query_and_no_extra_front_request(
    embedded: EmbeddedSandbox, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert embedded.connector is not None
    contacts = embedded.connector.connection(OWNER).resources("genericContact")
    sandbox.state.seed("contacts", 120)
    for n in range(3):
        await contacts.create({"email": f"p{n}@names.example", **JO_ANN_LI})
    database = embedded.connector.database
    queries: list[str] = []
    fetch = database.fetch

    async def counted(sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        queries.append(sql)
        return await fetch(sql, args)

    monkeypatch.setattr(database, "fetch", counted)
    sandbox.state.clear_requests()
    page = await contacts.list(limit=100)
    assert len(page.data) == 100
    assert len([q for q in queries if "name_splits" in q]) == 1
    assert [r["path"] for r in sandbox.state.requests()] == ["/contacts"]
    ours = [r for r in page.data if (r.fields["email"] or "").endswith("@names.example")]
    assert len(ours) == 3
    assert all({k: r.fields[k] for k in JO_ANN_LI} == JO_ANN_LI for r in ours)


def test_a_teammates_halves_are_fronts_own_fields(host: Host) -> None:
    """genericUser needs no kept split: Front keeps first_name and last_name apart."""
    with host.client() as http:
        path = "/resources/genericUser/tea_s001"
        both = {"firstName": "Mary Ann", "lastName": "van der Berg"}
        assert halves_of(http.patch(path, json={"fields": both}).json()) == tuple(both.values())
        one = http.patch(path, json={"fields": {"lastName": "Jones"}})
        assert halves_of(one.json()) == ("Mary Ann", "Jones")
