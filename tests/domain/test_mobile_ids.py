"""What the university's rules make of an mLegitymacja after a register change (R22)."""

from __future__ import annotations

import datetime as dt

import pytest

from legitka.domain.eligibility import CardFacts, PhotoStatus, Policy, StudentFacts
from legitka.domain.els import ElsCardStatus
from legitka.domain.mobile_ids import (
    ENDED,
    ListValue,
    MobileIdStatus,
    follow,
    list_value,
    standing,
)
from legitka.domain.orders import OrderReason
from legitka.domain.studies import StudyLevel, StudyStatus

TODAY = dt.date(2026, 11, 22)
CARD = CardFacts("12345A", ElsCardStatus.ACTIVE, dt.date(2027, 3, 31), True)


def facts(policy: Policy = Policy.ELS_LINKED, **changes: object) -> StudentFacts:
    values: dict[str, object] = {
        "policy": policy, "status": StudyStatus.ACTIVE, "level": StudyLevel.FIRST_CYCLE,
        "graduated_on": None, "has_pesel": True, "album_number": "100001",
        "photo": PhotoStatus.APPROVED, "photo_rejection_reason": None, "card": CARD,
    }  # fmt: skip
    values.update(changes)
    return StudentFacts(**values)  # type: ignore[arg-type]


def judge(student: StudentFacts, *, card: str | None = "12345A", unchanged: bool = True):
    return standing(student, card_at_issue=card, data_unchanged=unchanged, today=TODAY)


def test_a_student_in_good_standing_keeps_it() -> None:
    assert judge(facts()).status is MobileIdStatus.ACTIVE
    assert judge(facts(Policy.PESEL, card=None), card=None).status is MobileIdStatus.ACTIVE


@pytest.mark.parametrize("status", [StudyStatus.SUSPENDED, StudyStatus.ON_LEAVE])
def test_suspension_and_leave_suspend(status: StudyStatus) -> None:
    result = judge(facts(status=status))
    assert result.status is MobileIdStatus.SUSPENDED and result.reason is OrderReason.SUSPENDED


@pytest.mark.parametrize("status", [StudyStatus.REMOVED, StudyStatus.GRADUATED])
def test_losing_student_rights_revokes(status: StudyStatus) -> None:
    result = judge(facts(status=status, level=StudyLevel.SECOND_CYCLE, graduated_on=TODAY))
    assert result.status is MobileIdStatus.REVOKED and result.reason is OrderReason.STATUS_LOST


def test_first_cycle_graduates_keep_it_during_the_grace_period() -> None:
    graduated = facts(status=StudyStatus.GRADUATED, graduated_on=dt.date(2026, 7, 1))
    assert standing(
        graduated, card_at_issue="12345A", data_unchanged=True, today=dt.date(2026, 9, 1)
    ).status is MobileIdStatus.ACTIVE
    assert standing(
        graduated, card_at_issue="12345A", data_unchanged=True, today=dt.date(2026, 11, 1)
    ).status is MobileIdStatus.REVOKED


@pytest.mark.parametrize(
    "card_status", [ElsCardStatus.LOST, ElsCardStatus.CANCELLED, ElsCardStatus.REPLACED]
)
def test_a_card_no_longer_active_revokes_under_the_els_policy(card_status) -> None:
    student = facts(card=CardFacts("12345A", card_status, None, True))
    result = judge(student)
    assert result.status is MobileIdStatus.REVOKED and result.reason is OrderReason.CARD_INVALID
    # The PESEL policy does not follow the plastic card.
    assert judge(facts(Policy.PESEL, card=student.card)).status is MobileIdStatus.ACTIVE


def test_a_duplicate_card_is_another_card() -> None:
    result = judge(facts(card=CardFacts("12345B", ElsCardStatus.ACTIVE, None, True)))
    assert result.reason is OrderReason.CARD_INVALID


def test_changed_data_revokes_only_under_the_els_policy() -> None:
    assert judge(facts(), unchanged=False).reason is OrderReason.DATA_CHANGED
    assert judge(facts(Policy.PESEL), unchanged=False).status is MobileIdStatus.ACTIVE


def test_an_expired_card_is_not_a_revocation() -> None:
    old = CardFacts("12345A", ElsCardStatus.ACTIVE, dt.date(2026, 3, 31), True)
    assert judge(facts(card=old)).status is MobileIdStatus.ACTIVE


def test_follow_moves_between_active_and_suspended_but_never_out_of_an_end() -> None:
    suspended = judge(facts(status=StudyStatus.SUSPENDED))
    active = judge(facts())
    assert follow(MobileIdStatus.ACTIVE, suspended) is MobileIdStatus.SUSPENDED
    assert follow(MobileIdStatus.SUSPENDED, active) is MobileIdStatus.ACTIVE
    assert follow(MobileIdStatus.ACTIVE, active) is None
    for ended in ENDED:
        assert follow(ended, active) is None


def test_status_list_values() -> None:
    assert list_value(MobileIdStatus.ACTIVE) is ListValue.VALID
    assert list_value(MobileIdStatus.SUSPENDED) is ListValue.SUSPENDED
    assert {list_value(s) for s in ENDED} == {ListValue.INVALID}
