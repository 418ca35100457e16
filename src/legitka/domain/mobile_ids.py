"""A student's mLegitymacja on one phone: its life after activation (R15, R19, R21, R22).

An mLegitymacja is active, suspended (the student's rights are suspended, or the student is on
leave), or has ended for good: cancelled by the student, replaced by a newer one on another phone,
or revoked by the university. Each state maps to a Token Status List value that verifiers read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum

from legitka.domain.eligibility import Policy, StudentFacts, evaluate
from legitka.domain.els import ElsCardStatus
from legitka.domain.identity import PersonalData
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


@dataclass(frozen=True)
class Held:
    """An mLegitymacja that still counts (active or suspended), as the rules see it."""

    id: int
    status: MobileIdStatus
    card_at_issue: str | None  # the plastic card's number with edition, ELS-linked policy
    data_fingerprint: str  # of the personal data it carries


@dataclass(frozen=True)
class RegisterState:
    """What the rules read of one student's register entry: the facts and the fingerprint of the
    personal data printed on the ID."""

    facts: StudentFacts
    data_fingerprint: str


@dataclass(frozen=True)
class OpenOrder:
    """The student's open order (pending, processing or ready), as the rules see it."""

    card_number: str | None  # the card it was placed with, ELS-linked policy


@dataclass(frozen=True)
class Move:
    mobile_id: int
    status: MobileIdStatus
    reason: OrderReason | None


@dataclass(frozen=True)
class Effect:
    """What a change of the register does to the student's mLegitymacja (R15, R20, R22).

    ``moves``: the mLegitymacja that change status; ``order_ended``: the reason the open order
    is invalidated, if it is; ``new_offer``: under the PESEL policy, changed personal data
    prepare a new mLegitymacja with the new data, offered to the student.
    """

    moves: tuple[Move, ...] = ()
    order_ended: OrderReason | None = None
    new_offer: bool = False

    def count(self, status: MobileIdStatus) -> int:
        return sum(1 for move in self.moves if move.status is status)

    @property
    def nothing(self) -> bool:
        return not self.moves and self.order_ended is None and not self.new_offer


def effect(
    before: RegisterState,
    after: RegisterState,
    held: Sequence[Held],
    *,
    open_order: OpenOrder | None,
    today: dt.date,
) -> Effect:
    """The one rule for what a change from ``before`` to ``after`` does to the mLegitymacja
    ``held`` and to the ``open_order``. The issuer's reconcile applies it after every change of
    the register; the console shows it before a change is saved. With ``before == after`` it
    brings the mLegitymacja in line with the register as it is.
    """
    moves = []
    staying_active = []
    for mobile_id in held:
        target = standing(
            after.facts,
            card_at_issue=mobile_id.card_at_issue,
            data_unchanged=mobile_id.data_fingerprint == after.data_fingerprint,
            today=today,
        )
        new = follow(mobile_id.status, target)
        if new is not None:
            moves.append(Move(mobile_id.id, new, target.reason))
        if (new or mobile_id.status) is MobileIdStatus.ACTIVE:
            staying_active.append(mobile_id)
    eligible = evaluate(after.facts, today).eligible
    order_ended = None
    if open_order is not None and not eligible:
        card = after.facts.card
        target = standing(
            after.facts,
            card_at_issue=open_order.card_number or (card.number if card else None),
            data_unchanged=True,
            today=today,
        )
        order_ended = target.reason or OrderReason.NOT_ELIGIBLE
    new_offer = (
        after.facts.policy is Policy.PESEL
        and before.data_fingerprint != after.data_fingerprint
        and open_order is None
        and eligible
        and any(m.data_fingerprint != after.data_fingerprint for m in staying_active)
    )
    return Effect(tuple(moves), order_ended, new_offer)


def with_status(state: RegisterState, status: StudyStatus, since: dt.date) -> RegisterState:
    """``state`` after the study's status became ``status`` on ``since`` (as the register
    records it: a graduation dates the graduation)."""
    graduated_on = since if status is StudyStatus.GRADUATED else state.facts.graduated_on
    facts = replace(state.facts, status=status, graduated_on=graduated_on)
    return RegisterState(facts, state.data_fingerprint)


def with_personal_data(
    state: RegisterState, data: PersonalData, *, card_fingerprint: str | None
) -> RegisterState:
    """``state`` after the personal data became ``data``; ``card_fingerprint`` is the newest
    plastic card's (the data printed on it), if there is one."""
    fingerprint = data.fingerprint()
    card = state.facts.card
    if card is not None:
        card = replace(card, data_unchanged=card_fingerprint == fingerprint)
    facts = replace(state.facts, has_pesel=bool(data.pesel), card=card)
    return RegisterState(facts, fingerprint)
