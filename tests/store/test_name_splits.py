"""Kept name splits on both backends: found only while Front's name is the one written."""

from __future__ import annotations

from connector_front.mappers.names import NameSplit
from connector_front.store.name_splits import DatabaseNameSplits
from tests.store.processes import two_workers

MODEL = "genericContact"
MARY = NameSplit("Mary Ann Smith", "Mary Ann", "Smith")


async def test_a_split_is_found_by_any_worker_while_the_name_is_the_one_written(
    database_url: str,
) -> None:
    async with two_workers(database_url) as (one, two):
        await DatabaseNameSplits(one, "acme").keep(MODEL, "crd_1", MARY, current=None)
        book = DatabaseNameSplits(two, "acme")
        names = {"crd_1": "Mary Ann Smith", "crd_2": "Mary Ann Smith"}
        assert await book.find(MODEL, names) == {"crd_1": MARY}
        assert await book.find(MODEL, {"crd_1": "Mary Smith"}) == {}  # renamed in Front
        assert await book.find("genericUser", names) == {}
        assert await DatabaseNameSplits(two, "other").find(MODEL, names) == {}
        assert await book.find(MODEL, {}) == {}


async def test_a_write_keeps_the_split_of_the_name_front_has_until_it_lands(
    database_url: str,
) -> None:
    async with two_workers(database_url) as (one, _):
        book = DatabaseNameSplits(one, "acme")
        await book.keep(MODEL, "crd_1", MARY, current=None)
        jones = NameSplit("Mary Ann Jones", "Mary Ann", "Jones")
        await book.keep(MODEL, "crd_1", jones, current="Mary Ann Smith")
        assert await book.find(MODEL, {"crd_1": "Mary Ann Smith"}) == {"crd_1": MARY}
        assert await book.find(MODEL, {"crd_1": "Mary Ann Jones"}) == {"crd_1": jones}
        okafor = NameSplit("Okafor", None, "Okafor")
        await book.keep(MODEL, "crd_1", okafor, current="Mary Ann Jones")
        assert await book.find(MODEL, {"crd_1": "Mary Ann Smith"}) == {}  # two writes ago
        assert await book.find(MODEL, {"crd_1": "Okafor"}) == {"crd_1": okafor}
        await book.forget(MODEL, "crd_1")
        assert await book.find(MODEL, {"crd_1": "Okafor"}) == {}
