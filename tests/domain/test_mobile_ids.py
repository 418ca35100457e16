"""What the university's rules make of an mLegitymacja after a register change (R22)."""

from __future__ import annotations

import datetime as dt

import pytest

from legitka.domain.eligibility import CardFacts, PhotoStatus, Policy, StudentFacts
from legitka.domain.els import ElsCardStatus
from legitka.domain.identity import PersonalData
from legitka.domain.mobile_ids import (
    ENDED,
    Held,
    ListValue,
    MobileIdStatus,
    OpenOrder,
    RegisterState,
    effect,
    follow,
    list_value,
    standing,
    with_personal_data,
    with_status,
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


# --- effect: the one rule for the console's preview and the issuer's reconcile ---

OLD = PersonalData("Anna", "Nowak", dt.date(2004, 5, 1), "04250112342")
NEW = PersonalData("Anna", "Nowak-Kowalska", dt.date(2004, 5, 1), "04250112342")


def state(policy: Policy, **changes: object) -> RegisterState:
    return RegisterState(facts(policy, **changes), OLD.fingerprint())


def held(status: MobileIdStatus = MobileIdStatus.ACTIVE) -> Held:
    return Held(7, status, "12345A", OLD.fingerprint())


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (StudyStatus.SUSPENDED, (MobileIdStatus.SUSPENDED, OrderReason.SUSPENDED)),
        (StudyStatus.ON_LEAVE, (MobileIdStatus.SUSPENDED, OrderReason.SUSPENDED)),
        (StudyStatus.REMOVED, (MobileIdStatus.REVOKED, OrderReason.STATUS_LOST)),
    ],
)
def test_a_status_change_moves_the_mobile_id(
    status: StudyStatus, expected: tuple[MobileIdStatus, OrderReason]
) -> None:
    before = state(Policy.ELS_LINKED)
    after = with_status(before, status, TODAY)
    result = effect(before, after, [held()], open_order=None, today=TODAY)
    assert [(m.mobile_id, m.status, m.reason) for m in result.moves] == [(7, *expected)]
    assert not result.new_offer and result.order_ended is None


def test_reinstatement_restores_and_the_open_order_ends_on_removal() -> None:
    suspended = state(Policy.PESEL, status=StudyStatus.SUSPENDED)
    result = effect(
        suspended, with_status(suspended, StudyStatus.ACTIVE, TODAY),
        [held(MobileIdStatus.SUSPENDED)], open_order=None, today=TODAY,
    )  # fmt: skip
    assert result.count(MobileIdStatus.ACTIVE) == 1
    active = state(Policy.PESEL)
    removed = effect(active, with_status(active, StudyStatus.REMOVED, TODAY), [],
                     open_order=OpenOrder(None), today=TODAY)  # fmt: skip
    assert removed.order_ended is OrderReason.STATUS_LOST and not removed.moves


def test_a_data_change_revokes_under_els_linked_and_offers_anew_under_pesel() -> None:
    els = state(Policy.ELS_LINKED)
    after = with_personal_data(els, NEW, card_fingerprint=OLD.fingerprint())
    assert not after.facts.card.data_unchanged  # type: ignore[union-attr]
    revoked = effect(els, after, [held()], open_order=None, today=TODAY)
    assert [(m.status, m.reason) for m in revoked.moves] == [
        (MobileIdStatus.REVOKED, OrderReason.DATA_CHANGED)
    ]
    pesel = state(Policy.PESEL, card=None)
    after = with_personal_data(pesel, NEW, card_fingerprint=None)
    offered = effect(pesel, after, [held()], open_order=None, today=TODAY)
    assert offered.new_offer and not offered.moves
    # no live mLegitymacja, an open order (re-prepared at activation) or the same data: no offer
    assert not effect(pesel, after, [], open_order=None, today=TODAY).new_offer
    assert not effect(pesel, after, [held()], open_order=OpenOrder(None), today=TODAY).new_offer
    assert effect(after, after, [held()], open_order=None, today=TODAY).nothing
