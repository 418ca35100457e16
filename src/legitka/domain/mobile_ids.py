"""A student's mLegitymacja on one phone: its life after activation (R15, R19, R21, R22).

An mLegitymacja is active, suspended (the student's rights are suspended, or the student is on
leave), or has ended for good: cancelled by the student, replaced by a newer one on another phone,
or revoked by the university. Each state maps to a Token Status List value that verifiers read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from legitka.domain.eligibility import Policy, StudentFacts
from legitka.domain.els import ElsCardStatus
from legitka.domain.orders import OrderReason
from legitka.domain.studies import ELIGIBLE_LEVELS, StudyStatus, has_student_rights


class MobileIdStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    REPLACED = "replaced"
    REVOKED = "revoked"


class ListValue(IntEnum):
    """The Token Status List values legitka publishes (2 bits per entry)."""

    VALID = 0
    INVALID = 1
    SUSPENDED = 2


ENDED = frozenset({MobileIdStatus.CANCELLED, MobileIdStatus.REPLACED, MobileIdStatus.REVOKED})


def list_value(status: MobileIdStatus) -> ListValue:
    if status is MobileIdStatus.ACTIVE:
        return ListValue.VALID
    if status is MobileIdStatus.SUSPENDED:
        return ListValue.SUSPENDED
    return ListValue.INVALID


@dataclass(frozen=True)
class Standing:
    """What the register says an mLegitymacja should be now, and why."""

    status: MobileIdStatus
    reason: OrderReason | None = None


ACTIVE = Standing(MobileIdStatus.ACTIVE)


def standing(
    facts: StudentFacts,
    *,
    card_at_issue: str | None,
    data_unchanged: bool,
    today: dt.date,
) -> Standing:
    """The university's rules (R22) applied to the register as it is today.

    ``card_at_issue`` is the plastic card's number (with edition) when the mLegitymacja was issued
    under the ELS-linked policy; ``data_unchanged`` tells whether the personal data still equals
    what the mLegitymacja carries. An expired card is not a revocation: the credential's own
    validity date ends it.
    """
    if facts.status in (StudyStatus.SUSPENDED, StudyStatus.ON_LEAVE):
        return Standing(MobileIdStatus.SUSPENDED, OrderReason.SUSPENDED)
    if not has_student_rights(facts.status, facts.level, facts.graduated_on, today):
        return Standing(MobileIdStatus.REVOKED, OrderReason.STATUS_LOST)
    if facts.level not in ELIGIBLE_LEVELS or not facts.has_pesel or not facts.album_number:
        return Standing(MobileIdStatus.REVOKED, OrderReason.NOT_ELIGIBLE)
    if facts.policy is Policy.ELS_LINKED:
        card = facts.card
        if card is None or card.status is not ElsCardStatus.ACTIVE or card.number != card_at_issue:
            return Standing(MobileIdStatus.REVOKED, OrderReason.CARD_INVALID)
        if not data_unchanged:
            return Standing(MobileIdStatus.REVOKED, OrderReason.DATA_CHANGED)
    return ACTIVE


def follow(current: MobileIdStatus, target: Standing) -> MobileIdStatus | None:
    """The status an mLegitymacja moves to under ``target``, or ``None`` when nothing changes.

    An ended mLegitymacja stays ended; a suspended one becomes active again when its student's
    rights are restored (R22: reinstatement).
    """
    if current in ENDED or current is target.status:
        return None
    return target.status
