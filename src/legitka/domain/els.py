"""The plastic student ID card (ELS): states, editions, duplicates and the conditions to get one."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from legitka.domain.errors import Conflict, InvalidInput
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


# ---- The dean's office's work with cards: printed card data, renewals in bulk ----

CARD_NUMBER = re.compile(r"[0-9A-Z][0-9A-Z/-]{3,19}")
CHIP_SERIAL = re.compile(r"(?:[0-9A-F]{2}){4,16}")


def validate_card_number(value: str, *, field: str = "number") -> str:
    """A card number as printed: 4 to 20 capital letters, digits, ``/`` or ``-``."""
    compact = value.strip().upper()
    if not CARD_NUMBER.fullmatch(compact):
        raise InvalidInput(
            "invalid_card_number",
            N_(
                "'{value}' is not a card number: write 4 to 20 letters or digits (and / or -), "
                "starting with a letter or a digit."
            ),
            field=field,
            value=value[:40],
        )
    return compact


def validate_chip_serial(value: str, *, field: str = "chip_serial") -> str:
    """The chip's serial (its UID) in hexadecimal: 4 to 16 bytes, spaces and colons ignored."""
    compact = value.replace(" ", "").replace(":", "").strip().upper()
    if not CHIP_SERIAL.fullmatch(compact):
        raise InvalidInput(
            "invalid_chip_serial",
            N_(
                "'{value}' is not a chip serial: write its 8 to 32 hexadecimal digits "
                "(0-9, A-F), an even number of them."
            ),
            field=field,
            value=value[:40],
        )
    return compact


def validate_edition(value: str, *, field: str = "edition") -> str:
    letter = value.strip().upper()
    if len(letter) != 1 or letter not in string.ascii_uppercase:
        raise InvalidInput(
            "invalid_edition",
            N_("The edition is one letter, A for the first card, B, C, … for duplicates."),
            field=field,
        )
    return letter


class RenewalSkip(StrEnum):
    """Why a student's card is not renewed in a semester's renewal."""

    LEVEL_NOT_ELIGIBLE = "level_not_eligible"
    INACTIVE_STATUS = "inactive_status"
    NO_CARD = "no_card"
    CARD_NOT_ACTIVE = "card_not_active"
    FEES_UNPAID = "fees_unpaid"
    ALREADY_RENEWED = "already_renewed"


RENEWAL_SKIP_LABELS: dict[RenewalSkip, str] = {
    RenewalSkip.LEVEL_NOT_ELIGIBLE: N_("postgraduate studies give no student ID"),
    RenewalSkip.INACTIVE_STATUS: N_("the student status is not active"),
    RenewalSkip.NO_CARD: N_("no plastic card"),
    RenewalSkip.CARD_NOT_ACTIVE: N_("the card is not active (being made, lost or cancelled)"),
    RenewalSkip.FEES_UNPAID: N_("an unpaid fee past its deadline"),
    RenewalSkip.ALREADY_RENEWED: N_("already renewed for this semester"),
}


@dataclass(frozen=True)
class RenewalFacts:
    """What a semester renewal needs to know of one student."""

    level_eligible: bool
    active: bool
    card_status: ElsCardStatus | None
    renewed_for: frozenset[str]  # semester codes the card already has stickers for
    overdue_grosze: int  # open charges past their deadline (or without one)


def renewal_skip(facts: RenewalFacts, semester_code: str) -> RenewalSkip | None:
    """``None`` when the card gets the semester's sticker; otherwise the first reason why not.

    The conditions (R5): studies that give a student ID, the status active (a graduate keeps a
    card only by continuing it in a new programme, R3), an active card, no fee left unpaid after
    its deadline, and no sticker for that semester yet.
    """
    if not facts.level_eligible:
        return RenewalSkip.LEVEL_NOT_ELIGIBLE
    if not facts.active:
        return RenewalSkip.INACTIVE_STATUS
    if facts.card_status is None:
        return RenewalSkip.NO_CARD
    if facts.card_status is not ElsCardStatus.ACTIVE:
        return RenewalSkip.CARD_NOT_ACTIVE
    if facts.overdue_grosze > 0:
        return RenewalSkip.FEES_UNPAID
    if semester_code in facts.renewed_for:
        return RenewalSkip.ALREADY_RENEWED
    return None


def hologram_serials(first: str, last: str, needed: int) -> list[str]:
    """The first ``needed`` numbers of the sticker roll ``first``–``last`` (both 8 digits, one
    university code), in order; refuses a roll too short for them before anything starts."""
    if first[:3] != last[:3]:
        raise InvalidInput(
            "hologram_range_mixed",
            N_("The first and the last hologram must carry the same university code."),
            field="last_hologram",
        )
    start, end = int(first[3:]), int(last[3:])
    if end < start:
        raise InvalidInput(
            "hologram_range_reversed",
            N_("The last hologram number ({last}) comes before the first ({first})."),
            field="last_hologram",
            first=first,
            last=last,
        )
    available = end - start + 1
    if available < needed:
        raise InvalidInput(
            "hologram_range_too_short",
            N_(
                "The holograms {first} to {last} are {available}, but {needed} cards are to be "
                "renewed: enter a longer range."
            ),
            field="last_hologram",
            first=first,
            last=last,
            available=available,
            needed=needed,
        )
    return [f"{first[:3]}{serial:05d}" for serial in range(start, start + needed)]


DUPLICATE_REASON_LABELS: dict[DuplicateReason, str] = {
    DuplicateReason.LOST: N_("lost"),
    DuplicateReason.DAMAGED: N_("damaged"),
    DuplicateReason.DATA_CHANGED: N_("change of personal data"),
    DuplicateReason.UNIVERSITY_ERROR: N_("the university printed wrong data (free)"),
}
