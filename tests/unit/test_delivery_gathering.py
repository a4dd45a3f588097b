"""When pending webhook deliveries are worth a read of the Events API: a page, or a window."""

from __future__ import annotations

import pytest

from connector_front.webhooks.queue import gather_wait


def test_nothing_pending_is_nothing_to_wait_for() -> None:
    assert gather_wait([], now=100.0, window=3.0, page=15) is None


@pytest.mark.parametrize(
    ("pending", "wait"),
    [
        ([(1, 99.0)], 2.0),  # one delivery, a second old: two more to gather
        ([(14, 99.0)], 2.0),  # one short of a page
        ([(15, 99.5)], 0.0),  # a full page of one company: read now
        ([(3, 97.0)], 0.0),  # the oldest has waited the window
        ([(2, 96.0), (1, 99.9)], 0.0),  # one company due is enough
        ([(2, 99.0), (1, 98.0)], 1.0),  # else the soonest due
    ],
)
def test_deliveries_wait_for_a_page_or_the_window(
    pending: list[tuple[int, float]], wait: float
) -> None:
    assert gather_wait(pending, now=100.0, window=3.0, page=15) == pytest.approx(wait)
