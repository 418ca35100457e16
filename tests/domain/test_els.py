"""The plastic card (ELS): states, editions, duplicates, validity and conditions."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.els import (
    ELS_FEE_NO_DEADLINE,
    ELS_MESSAGES,
    ENDED,
    IN_PRODUCTION,
    DuplicateReason,
    ElsCardStatus,
    FeeState,
    Requirement,
    card_valid_until,
    duplicate_fee,
    els_conditions,
    ensure_transition,
    next_edition,
)
from legitka.domain.errors import Conflict
from legitka.domain.semesters import EMERGENCY_EXTENSION_DAYS

S = ElsCardStatus
ALLOWED = {
    (S.APPLIED, S.PRINTING),
    (S.APPLIED, S.CANCELLED),
    (S.PRINTING, S.READY_TO_COLLECT),
    (S.PRINTING, S.CANCELLED),
    (S.READY_TO_COLLECT, S.ACTIVE),
    (S.READY_TO_COLLECT, S.CANCELLED),
    (S.ACTIVE, S.CANCELLED),
    (S.ACTIVE, S.LOST),
    (S.ACTIVE, S.REPLACED),
    (S.LOST, S.REPLACED),
}
ALL_PAIRS = [(a, b) for a in S for b in S]


def test_states_are_grouped() -> None:
    assert {S.APPLIED, S.PRINTING, S.READY_TO_COLLECT} == IN_PRODUCTION
    assert {S.CANCELLED, S.LOST, S.REPLACED} == ENDED
    assert set(S) == IN_PRODUCTION | ENDED | {S.ACTIVE}


@pytest.mark.parametrize(("current", "new"), sorted(ALLOWED))
def test_allowed_transitions(current: ElsCardStatus, new: ElsCardStatus) -> None:
    ensure_transition(current, new)


@pytest.mark.parametrize(("current", "new"), [p for p in ALL_PAIRS if p not in ALLOWED])
def test_forbidden_transitions_are_conflicts(current: ElsCardStatus, new: ElsCardStatus) -> None:
    with pytest.raises(Conflict) as caught:
        ensure_transition(current, new)
    error = caught.value
    assert error.code == "els_invalid_transition"
    assert error.field == "status"
    assert error.status == 409
    assert f"is {current.value} cannot become {new.value}" in error.message


def test_the_conflict_names_the_allowed_next_states() -> None:
    with pytest.raises(Conflict) as caught:
        ensure_transition(S.APPLIED, S.ACTIVE)
    assert "allowed next states: cancelled, printing." in caught.value.message
    with pytest.raises(Conflict) as caught:
        ensure_transition(S.REPLACED, S.ACTIVE)
    assert "the card's story has ended" in caught.value.message


@pytest.mark.parametrize("status", [S.CANCELLED, S.REPLACED])
def test_final_states_allow_nothing(status: ElsCardStatus) -> None:
    for new in S:
        with pytest.raises(Conflict):
            ensure_transition(status, new)


# Editions


def test_the_first_card_is_edition_a() -> None:
    assert next_edition([]) == "A"


@pytest.mark.parametrize(
    ("previous", "edition"),
    [(["A"], "B"), (["A", "B"], "C"), (["b", "a"], "C"), (["A", "C"], "D"), (["Y"], "Z")],
)
def test_duplicates_take_the_next_letter(previous: list[str], edition: str) -> None:
    assert next_edition(previous) == edition


@given(count=st.integers(min_value=0, max_value=25))
def test_editions_run_from_a_to_z(count: int) -> None:
    letters = list(string.ascii_uppercase[:count])
    assert next_edition(letters) == string.ascii_uppercase[count]


def test_editions_are_exhausted_after_z() -> None:
    with pytest.raises(Conflict) as caught:
        next_edition(string.ascii_uppercase)
    assert caught.value.code == "els_editions_exhausted"
    assert caught.value.status == 409


def test_editions_accept_any_iterable() -> None:
    assert next_edition(iter(["A", "B"])) == "C"


# Duplicates


@pytest.mark.parametrize(
    "reason", [DuplicateReason.LOST, DuplicateReason.DAMAGED, DuplicateReason.DATA_CHANGED]
)
def test_a_duplicate_costs_33_zloty(reason: DuplicateReason) -> None:
    assert duplicate_fee(reason, 3300) == 3300


def test_a_duplicate_is_free_when_the_university_erred() -> None:
    assert duplicate_fee(DuplicateReason.UNIVERSITY_ERROR, 3300) == 0


# Validity


def test_a_card_never_renewed_has_no_validity() -> None:
    assert card_valid_until([]) is None
    assert card_valid_until([], EMERGENCY_EXTENSION_DAYS) is None


def test_the_latest_renewal_counts() -> None:
    renewals = [dt.date(2026, 10, 31), dt.date(2027, 3, 31), dt.date(2026, 3, 31)]
    assert card_valid_until(renewals) == dt.date(2027, 3, 31)
    assert card_valid_until(iter(renewals)) == dt.date(2027, 3, 31)


def test_the_emergency_extension_adds_60_days() -> None:
    assert card_valid_until([dt.date(2027, 3, 31)], EMERGENCY_EXTENSION_DAYS) == dt.date(
        2027, 5, 30
    )
    assert card_valid_until([dt.date(2026, 10, 31)], 60) == dt.date(2026, 12, 30)


@given(
    renewals=st.lists(st.dates(max_value=dt.date(9000, 12, 31)), min_size=1),
    extension=st.integers(0, 365),
)
def test_validity_is_never_before_a_renewal(renewals: list[dt.date], extension: int) -> None:
    until = card_valid_until(renewals, extension)
    assert until == max(renewals) + dt.timedelta(days=extension)


# Conditions for receiving the card (R2)

DEADLINE = dt.date(2024, 3, 20)


def fee(settled: bool, deadline: dt.date | None = DEADLINE) -> FeeState:
    return FeeState(
        amount="22,00 zł",
        account="61 1090 1014 0000 0712 1981 2874",
        deadline=deadline,
        settled=settled,
    )


def test_the_oath_is_a_condition() -> None:
    assert els_conditions(False, None, DEADLINE) == [Requirement("oath_not_taken", False, {})]
    assert els_conditions(True, None, DEADLINE) == [Requirement("oath_not_taken", True, {})]


def test_a_paid_fee_meets_the_condition() -> None:
    oath, paid = els_conditions(True, fee(settled=True), dt.date(2024, 4, 1))
    assert oath.ok
    assert paid.code == "els_fee_not_paid"
    assert paid.ok


def test_an_unpaid_fee_before_the_deadline_says_how_to_pay() -> None:
    _, unpaid = els_conditions(True, fee(settled=False), DEADLINE)
    assert unpaid == Requirement(
        "els_fee_not_paid",
        False,
        {
            "amount": "22,00 zł",
            "account": "61 1090 1014 0000 0712 1981 2874",
            "deadline": "2024-03-20",
        },
    )


def test_an_unpaid_fee_after_the_deadline_is_overdue() -> None:
    _, overdue = els_conditions(True, fee(settled=False), DEADLINE + dt.timedelta(days=1))
    assert overdue.code == "els_fee_overdue"
    assert not overdue.ok
    assert overdue.params["deadline"] == "2024-03-20"


def test_a_fee_without_a_deadline_is_never_overdue() -> None:
    _, unpaid = els_conditions(False, fee(settled=False, deadline=None), dt.date(2030, 1, 1))
    assert unpaid.code == "els_fee_not_paid"
    assert unpaid.variant == "no-deadline"
    assert "{deadline}" not in unpaid.message
    assert unpaid.message.format(**unpaid.params)


@pytest.mark.parametrize("oath", [True, False])
@pytest.mark.parametrize("settled", [True, False])
@pytest.mark.parametrize("today", [DEADLINE, DEADLINE + dt.timedelta(days=1)])
def test_every_condition_has_both_messages_and_their_parameters(
    oath: bool, settled: bool, today: dt.date
) -> None:
    for requirement in els_conditions(oath, fee(settled), today):
        assert requirement.message in (*ELS_MESSAGES[requirement.code], ELS_FEE_NO_DEADLINE)
        assert requirement.message.format(**requirement.params)
