"""The order state machine, as the student portal shows it."""

from __future__ import annotations

import itertools

import pytest

from legitka.domain.errors import Conflict
from legitka.domain.orders import (
    FINAL,
    OPEN,
    REASON_MESSAGES,
    STATUS_LABELS,
    TRANSITIONS,
    OrderReason,
    OrderStatus,
    check_transition,
)


def test_the_happy_path() -> None:
    path = [OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.READY, OrderStatus.PICKED_UP]
    for current, new in itertools.pairwise(path):
        check_transition(current, new)


@pytest.mark.parametrize("final", sorted(FINAL))
def test_final_states_go_nowhere(final: OrderStatus) -> None:
    assert TRANSITIONS[final] == frozenset()
    for new in OrderStatus:
        with pytest.raises(Conflict) as refused:
            check_transition(final, new)
        assert refused.value.code == "order_transition"


def test_a_crashed_worker_hands_the_order_back() -> None:
    check_transition(OrderStatus.PROCESSING, OrderStatus.PENDING)


def test_picked_up_ends_only_by_cancellation_or_invalidation() -> None:
    assert TRANSITIONS[OrderStatus.PICKED_UP] == {OrderStatus.CANCELLED, OrderStatus.INVALIDATED}
    with pytest.raises(Conflict):
        check_transition(OrderStatus.PICKED_UP, OrderStatus.EXPIRED)


def test_every_open_order_can_be_cancelled_and_invalidated() -> None:
    for status in OPEN:
        check_transition(status, OrderStatus.CANCELLED)
        check_transition(status, OrderStatus.INVALIDATED)


def test_only_a_ready_order_expires() -> None:
    assert [s for s in OrderStatus if OrderStatus.EXPIRED in TRANSITIONS[s]] == [OrderStatus.READY]


def test_every_status_and_reason_has_words() -> None:
    assert set(STATUS_LABELS) == set(OrderStatus)
    assert set(REASON_MESSAGES) == set(OrderReason)
