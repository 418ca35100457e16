"""Charges and how payments settle them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ChargeKind(StrEnum):
    ELS = "els"
    ELS_DUPLICATE = "els-duplicate"


class ChargeStatus(StrEnum):
    DUE = "due"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class PaymentSource(StrEnum):
    MT940 = "mt940"
    CSV = "csv"
    MANUAL = "manual"


@dataclass(frozen=True)
class OpenCharge:
    """A charge with what is still owed on it."""

    id: int
    due_date: dt.date | None
    outstanding: int


@dataclass(frozen=True)
class Allocation:
    charge_id: int
    amount: int


@dataclass(frozen=True)
class Settlement:
    allocations: tuple[Allocation, ...]
    overpaid: int

    @property
    def allocated(self) -> int:
        return sum(a.amount for a in self.allocations)


def allocate(amount: int, charges: Sequence[OpenCharge]) -> Settlement:
    """Spread a payment over open charges, the earliest due first; the rest is an overpayment.

    A payment smaller than a charge pays it partly; the charge stays due until it is paid in full.
    """
    if amount < 0:
        raise ValueError("a payment amount is never negative")
    remaining = amount
    allocations: list[Allocation] = []
    ordered = sorted(charges, key=lambda c: (c.due_date or dt.date.max, c.id))
    for charge in ordered:
        if remaining == 0:
            break
        if charge.outstanding <= 0:
            continue
        part = min(remaining, charge.outstanding)
        allocations.append(Allocation(charge.id, part))
        remaining -= part
    return Settlement(tuple(allocations), remaining)


def charge_status(amount: int, paid: int, current: ChargeStatus) -> ChargeStatus:
    """Due until paid in full; cancelled and refunded charges keep their status."""
    if current in (ChargeStatus.CANCELLED, ChargeStatus.REFUNDED):
        return current
    return ChargeStatus.PAID if paid >= amount else ChargeStatus.DUE
