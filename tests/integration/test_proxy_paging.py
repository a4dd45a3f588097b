"""A client pages through Front's listings via the host's /proxy, never leaving the host."""

from __future__ import annotations

from tests.conftest import Host


def test_proxy_rewrites_next_and_links_to_the_proxy(host: Host) -> None:
    seen: list[str] = []
    with host.client() as http:
        url: str | None = f"{host.url}/proxy/contacts?limit=5"
        pages = 0
        while url:
            assert url.startswith(f"{host.url}/proxy/"), url
            answer = http.get(url)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            for contact in body["_results"]:
                assert contact["_links"]["self"].startswith(f"{host.url}/proxy/contacts/")
                seen.append(contact["id"])
            assert body["_links"]["self"].startswith(f"{host.url}/proxy/contacts")
            assert host.sandbox_url not in answer.text
            url = body["_pagination"]["next"]
            pages += 1
        one = http.get(f"{host.url}/proxy/contacts/{seen[0]}").json()
        assert one["_links"]["self"] == f"{host.url}/proxy/contacts/{seen[0]}"
    assert pages > 1
    assert len(seen) == len(set(seen)) > 5
