"""What an issue walk's notes trust: pages from the first on, with no gap."""

from __future__ import annotations

from connector_front.mappers.inbox_walk import WalkNotes


def test_notes_shared_by_other_workers_are_read_back_from_the_first_page_on() -> None:
    notes = WalkNotes.from_shared(
        [
            (0, {"inboxes": ["inb_1", "inb_2"], "listed": ["cnv_1", "cnv_2"]}),
            (1, {"listed": ["cnv_3"]}),
            (2, {"listed": ["cnv_1"]}),  # listed again later: the earliest step stays
        ]
    )
    assert notes is not None
    assert notes.inboxes == ["inb_1", "inb_2"]
    assert notes.knows_all_before(3) and not notes.knows_all_before(4)
    assert notes.listed == {"cnv_1": 0, "cnv_2": 0, "cnv_3": 1}
    assert notes.listed_before({"id": "cnv_3"}, 2) and not notes.listed_before({"id": "cnv_3"}, 1)
    assert notes.first_gap() == 3


def test_without_the_first_page_or_with_a_gap_the_notes_are_not_trusted() -> None:
    assert WalkNotes.from_shared([]) is None
    assert WalkNotes.from_shared([(1, {"listed": ["cnv_1"]})]) is None  # the first was pruned
    assert WalkNotes.from_shared([(0, {"listed": []})]) is None  # no inbox order
    gapped = WalkNotes.from_shared([(0, {"inboxes": [], "listed": []}), (2, {"listed": []})])
    assert gapped is not None
    assert gapped.first_gap() == 1
    assert gapped.knows_all_before(1) and not gapped.knows_all_before(3)


def test_a_page_of_another_shape_is_not_counted_as_served() -> None:
    notes = WalkNotes(["inb_1"])
    notes.merge([(0, {"listed": "cnv_1"}), (1, {}), (2, {"listed": ["cnv_2"]})])
    assert notes.served == {2}
    assert notes.listed == {"cnv_2": 2}


def test_what_a_page_shares_carries_the_inbox_order_on_the_first_page_only() -> None:
    notes = WalkNotes(["inb_1", "inb_2"])
    assert notes.shared(0, ["cnv_1"]) == {"listed": ["cnv_1"], "inboxes": ["inb_1", "inb_2"]}
    assert notes.shared(3, ["cnv_9"]) == {"listed": ["cnv_9"]}
