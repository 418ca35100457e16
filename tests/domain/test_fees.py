"""How payments settle charges."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.fees import (
    Allocation,
    ChargeStatus,
    OpenCharge,
    Settlement,
    allocate,
    charge_status,
)

EARLY = dt.date(2024, 3, 20)
LATE = dt.date(2024, 10, 20)


def _charges(draws: list[tuple[dt.date | None, int]]) -> list[OpenCharge]:
    return [
        OpenCharge(id=index + 1, due_date=due, outstanding=outstanding)
        for index, (due, outstanding) in enumerate(draws)
    ]


charges_strategy = st.lists(
    st.tuples(
        st.none() | st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
        st.integers(min_value=-500, max_value=10_000),
    ),
    max_size=8,
).map(_charges)


def _order(charge: OpenCharge) -> tuple[dt.date, int]:
    return (charge.due_date or dt.date.max, charge.id)


@given(amount=st.integers(min_value=0, max_value=50_000), charges=charges_strategy)
def test_allocations_add_up_and_never_overpay_a_charge(
    amount: int, charges: list[OpenCharge]
) -> None:
    settlement = allocate(amount, charges)
    by_id = {c.id: c for c in charges}
    assert settlement.allocated + settlement.overpaid == amount
    assert settlement.allocated <= amount
    assert settlement.overpaid >= 0
    assert len({a.charge_id for a in settlement.allocations}) == len(settlement.allocations)
    for allocation in settlement.allocations:
        assert 0 < allocation.amount <= by_id[allocation.charge_id].outstanding


@given(amount=st.integers(min_value=0, max_value=50_000), charges=charges_strategy)
def test_the_earliest_due_charge_is_paid_first(amount: int, charges: list[OpenCharge]) -> None:
    settlement = allocate(amount, charges)
    open_charges = sorted((c for c in charges if c.outstanding > 0), key=_order)
    paid = {a.charge_id: a.amount for a in settlement.allocations}
    # The allocations follow the due dates, and a charge gets money only when every earlier
    # charge is paid in full.
    assert [a.charge_id for a in settlement.allocations] == [
        c.id for c in open_charges[: len(settlement.allocations)]
    ]
    for earlier, later in itertools.pairwise(open_charges):
        if paid.get(later.id):
            assert paid.get(earlier.id) == earlier.outstanding
    # Money is left over only when every open charge is paid in full.
    if settlement.overpaid:
        assert all(paid.get(c.id) == c.outstanding for c in open_charges)


def test_a_partial_payment_pays_the_earliest_charge_partly() -> None:
    charges = [
        OpenCharge(id=1, due_date=LATE, outstanding=3300),
        OpenCharge(id=2, due_date=EARLY, outstanding=2200),
    ]
    assert allocate(1000, charges) == Settlement((Allocation(2, 1000),), 0)
    assert allocate(3000, charges) == Settlement((Allocation(2, 2200), Allocation(1, 800)), 0)


def test_an_overpayment_is_kept() -> None:
    charges = [OpenCharge(id=1, due_date=EARLY, outstanding=2200)]
    settlement = allocate(5000, charges)
    assert settlement == Settlement((Allocation(1, 2200),), 2800)
    assert settlement.allocated == 2200


def test_charges_without_a_due_date_come_last_and_ties_go_by_id() -> None:
    charges = [
        OpenCharge(id=3, due_date=None, outstanding=100),
        OpenCharge(id=2, due_date=EARLY, outstanding=100),
        OpenCharge(id=1, due_date=EARLY, outstanding=100),
    ]
    settlement = allocate(300, charges)
    assert [a.charge_id for a in settlement.allocations] == [1, 2, 3]


def test_settled_charges_are_skipped() -> None:
    charges = [
        OpenCharge(id=1, due_date=EARLY, outstanding=0),
        OpenCharge(id=2, due_date=LATE, outstanding=2200),
    ]
    assert allocate(2200, charges).allocations == (Allocation(2, 2200),)


def test_no_charges_means_everything_is_overpaid() -> None:
    assert allocate(2200, []) == Settlement((), 2200)
    assert allocate(0, []) == Settlement((), 0)


def test_a_negative_payment_is_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        allocate(-1, [])


@pytest.mark.parametrize(
    ("amount", "paid", "status"),
    [
        (2200, 0, ChargeStatus.DUE),
        (2200, 2199, ChargeStatus.DUE),
        (2200, 2200, ChargeStatus.PAID),
        (2200, 2500, ChargeStatus.PAID),
        (0, 0, ChargeStatus.PAID),  # a free duplicate
    ],
)
def test_charge_status_follows_the_payments(amount: int, paid: int, status: ChargeStatus) -> None:
    assert charge_status(amount, paid, ChargeStatus.DUE) is status
    assert charge_status(amount, paid, ChargeStatus.PAID) is status


@pytest.mark.parametrize("final", [ChargeStatus.CANCELLED, ChargeStatus.REFUNDED])
@pytest.mark.parametrize("paid", [0, 2200])
def test_cancelled_and_refunded_charges_keep_their_status(final: ChargeStatus, paid: int) -> None:
    assert charge_status(2200, paid, final) is final
