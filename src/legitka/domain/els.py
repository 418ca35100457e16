"""The plastic student ID card (ELS): states, editions, duplicates and the conditions to get one."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from legitka.domain.errors import Conflict
from legitka.domain.text import N_


class ElsCardStatus(StrEnum):
    APPLIED = "applied"
    PRINTING = "printing"
    READY_TO_COLLECT = "ready-to-collect"
    ACTIVE = "active"
    CANCELLED = "cancelled"
    LOST = "lost"
    REPLACED = "replaced"


CARD_STATUS_LABELS: dict[ElsCardStatus, str] = {
    ElsCardStatus.APPLIED: N_("Applied for"),
    ElsCardStatus.PRINTING: N_("Being printed"),
    ElsCardStatus.READY_TO_COLLECT: N_("Ready to collect at the dean's office"),
    ElsCardStatus.ACTIVE: N_("Active"),
    ElsCardStatus.CANCELLED: N_("Cancelled"),
    ElsCardStatus.LOST: N_("Reported lost"),
    ElsCardStatus.REPLACED: N_("Replaced by a duplicate"),
}

IN_PRODUCTION = frozenset(
    {ElsCardStatus.APPLIED, ElsCardStatus.PRINTING, ElsCardStatus.READY_TO_COLLECT}
)
ENDED = frozenset({ElsCardStatus.CANCELLED, ElsCardStatus.LOST, ElsCardStatus.REPLACED})

_TRANSITIONS: dict[ElsCardStatus, frozenset[ElsCardStatus]] = {
    ElsCardStatus.APPLIED: frozenset({ElsCardStatus.PRINTING, ElsCardStatus.CANCELLED}),
    ElsCardStatus.PRINTING: frozenset({ElsCardStatus.READY_TO_COLLECT, ElsCardStatus.CANCELLED}),
    ElsCardStatus.READY_TO_COLLECT: frozenset({ElsCardStatus.ACTIVE, ElsCardStatus.CANCELLED}),
    ElsCardStatus.ACTIVE: frozenset(
        {ElsCardStatus.CANCELLED, ElsCardStatus.LOST, ElsCardStatus.REPLACED}
    ),
    ElsCardStatus.CANCELLED: frozenset(),
    ElsCardStatus.LOST: frozenset({ElsCardStatus.REPLACED}),
    ElsCardStatus.REPLACED: frozenset(),
}


def ensure_transition(current: ElsCardStatus, new: ElsCardStatus) -> None:
    """Raise :class:`Conflict` unless a card may go from ``current`` to ``new``."""
    if new not in _TRANSITIONS[current]:
        allowed = ", ".join(sorted(_TRANSITIONS[current])) or "none (the card's story has ended)"
        raise Conflict(
            "els_invalid_transition",
            f"An ELS card that is {current} cannot become {new}; allowed next states: {allowed}.",
            field="status",
        )


def next_edition(previous: Iterable[str]) -> str:
    """The edition letter of a new card: A for the first, then B, C, … for duplicates."""
    used = {letter.upper() for letter in previous}
    if not used:
        return "A"
    last = max(used)
    index = string.ascii_uppercase.index(last)
    if index + 1 >= len(string.ascii_uppercase):
        raise Conflict(
            "els_editions_exhausted",
            "This student already had 26 card editions (A to Z); the dean's office must "
            "start a new card number.",
        )
    return string.ascii_uppercase[index + 1]


class DuplicateReason(StrEnum):
    LOST = "lost"
    DAMAGED = "damaged"
    DATA_CHANGED = "data-changed"
    UNIVERSITY_ERROR = "university-error"


def duplicate_fee(reason: DuplicateReason, duplicate_fee_grosze: int) -> int:
    """A duplicate costs the university's duplicate fee, nothing when the university erred (R4)."""
    return 0 if reason is DuplicateReason.UNIVERSITY_ERROR else duplicate_fee_grosze


def card_valid_until(
    renewals: Iterable[dt.date], emergency_extension_days: int = 0
) -> dt.date | None:
    """The card's validity: the latest renewal date plus any emergency extension."""
    dates = list(renewals)
    if not dates:
        return None
    return max(dates) + dt.timedelta(days=emergency_extension_days)


@dataclass(frozen=True)
class Requirement:
    """One condition, whether it holds, and the parameters its message needs."""

    code: str
    ok: bool
    params: dict[str, str]
    variant: str = ""

    @property
    def message(self) -> str:
        """The English message (a msgid of the catalogs), not yet formatted."""
        if self.variant == "no-deadline":
            return ELS_FEE_NO_DEADLINE
        met, unmet = ELS_MESSAGES[self.code]
        return met if self.ok else unmet


# (message when the condition holds, message when it does not)
ELS_MESSAGES: dict[str, tuple[str, str]] = {
    "oath_not_taken": (
        N_("You have taken the oath and accepted the declarations."),
        N_("Take the oath and accept the declarations in the portal."),
    ),
    "els_fee_not_paid": (
        N_("The card fee is paid."),
        N_("Pay the card fee of {amount} to your individual account {account} by {deadline}."),
    ),
    "els_fee_overdue": (
        N_("The card fee was paid on time."),
        N_(
            "The deadline for the card fee passed on {deadline}: pay {amount} to your "
            "individual account {account} and contact the dean's office."
        ),
    ),
}


ELS_FEE_NO_DEADLINE = N_("Pay the card fee of {amount} to your individual account {account}.")


@dataclass(frozen=True)
class FeeState:
    amount: str
    account: str
    deadline: dt.date | None
    settled: bool


def els_conditions(oath_taken: bool, fee: FeeState | None, today: dt.date) -> list[Requirement]:
    """R2: the card is issued after the oath and declarations and the settled fee."""
    result = [Requirement("oath_not_taken", oath_taken, {})]
    if fee is None:
        return result
    params = {
        "amount": fee.amount,
        "account": fee.account,
        "deadline": fee.deadline.isoformat() if fee.deadline else "-",
    }
    overdue = not fee.settled and fee.deadline is not None and today > fee.deadline
    code = "els_fee_overdue" if overdue else "els_fee_not_paid"
    variant = "no-deadline" if fee.deadline is None and not fee.settled else ""
    result.append(Requirement(code, fee.settled, params, variant))
    return result
