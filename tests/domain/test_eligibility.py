"""Who may order an mLegitymacja, under both policies, item by item (R6–R8)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.eligibility import (
    CHECK_MESSAGES,
    CardFacts,
    Check,
    Eligibility,
    PhotoStatus,
    Policy,
    StudentFacts,
    evaluate,
)
from legitka.domain.els import ENDED, IN_PRODUCTION, ElsCardStatus
from legitka.domain.studies import StudyLevel, StudyStatus

TODAY = dt.date(2026, 11, 22)  # winter semester 2026/27: semester validity 31 March 2027
CARD_VALID = dt.date(2027, 3, 31)

COMMON_CODES = [
    "level_not_eligible",
    "inactive_status",
    "no_pesel",
    "no_album_number",
    "no_approved_photo",
]
CARD_CODES = ["no_els", "els_not_renewed", "data_changed_since_els"]


def card(**changes: object) -> CardFacts:
    base = CardFacts(
        number="ELS/2026/00042/A",
        status=ElsCardStatus.ACTIVE,
        valid_until=CARD_VALID,
        data_unchanged=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def student(policy: Policy = Policy.ELS_LINKED, **changes: object) -> StudentFacts:
    base = StudentFacts(
        policy=policy,
        status=StudyStatus.ACTIVE,
        level=StudyLevel.FIRST_CYCLE,
        graduated_on=None,
        has_pesel=True,
        album_number="123456",
        photo=PhotoStatus.APPROVED,
        photo_rejection_reason=None,
        card=card(),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def check(result: Eligibility, code: str) -> Check:
    [found] = [c for c in result.checks if c.code == code]
    return found


def only_unmet(result: Eligibility) -> list[tuple[str, str]]:
    return [(c.code, c.variant) for c in result.unmet]


both_policies = pytest.mark.parametrize("policy", list(Policy))


# Everything met


def test_a_student_meeting_every_els_linked_condition_is_eligible() -> None:
    result = evaluate(student(), TODAY)
    assert result.eligible
    assert result.policy is Policy.ELS_LINKED
    assert [c.code for c in result.checks] == COMMON_CODES + CARD_CODES
    assert all(c.ok and c.variant == "ok" for c in result.checks)
    assert result.unmet == ()
    assert result.valid_until == CARD_VALID


def test_a_student_meeting_every_pesel_condition_is_eligible() -> None:
    result = evaluate(student(Policy.PESEL), TODAY)
    assert result.eligible
    assert result.policy is Policy.PESEL
    assert [c.code for c in result.checks] == COMMON_CODES


def test_the_pesel_policy_has_no_card_checks() -> None:
    result = evaluate(student(Policy.PESEL, card=None), TODAY)
    assert result.eligible
    assert not {c.code for c in result.checks} & set(CARD_CODES)
    expired = card(status=ElsCardStatus.LOST, valid_until=None, data_unchanged=False)
    assert evaluate(student(Policy.PESEL, card=expired), TODAY).eligible


# level_not_eligible


@both_policies
@pytest.mark.parametrize(
    "level",
    [StudyLevel.FIRST_CYCLE, StudyLevel.SECOND_CYCLE, StudyLevel.LONG_CYCLE, StudyLevel.DOCTORAL],
)
def test_degree_and_doctoral_studies_are_eligible(policy: Policy, level: StudyLevel) -> None:
    assert check(evaluate(student(policy, level=level), TODAY), "level_not_eligible").ok


@both_policies
def test_postgraduate_studies_are_not_eligible(policy: Policy) -> None:
    result = evaluate(student(policy, level=StudyLevel.POSTGRADUATE), TODAY)
    assert not result.eligible
    assert only_unmet(result) == [("level_not_eligible", "postgraduate")]


# inactive_status


@both_policies
@pytest.mark.parametrize(
    "status",
    [StudyStatus.ON_LEAVE, StudyStatus.SUSPENDED, StudyStatus.GRADUATED, StudyStatus.REMOVED],
)
def test_each_inactive_status_has_its_reason(policy: Policy, status: StudyStatus) -> None:
    result = evaluate(student(policy, status=status), TODAY)
    assert not result.eligible
    assert only_unmet(result) == [("inactive_status", status.value)]


@both_policies
def test_first_cycle_graduates_keep_their_rights_during_the_grace(policy: Policy) -> None:
    facts = student(policy, status=StudyStatus.GRADUATED, graduated_on=dt.date(2026, 2, 20))
    result = evaluate(facts, dt.date(2026, 6, 1))
    status = check(result, "inactive_status")
    assert status.ok
    assert status.variant == "graduate-grace"
    assert status.params == {"until": "2026-10-31"}
    assert result.eligible
    assert result.valid_until == dt.date(2026, 10, 31)  # capped by the grace


@both_policies
def test_the_graduate_grace_ends_on_31_october(policy: Policy) -> None:
    facts = student(policy, status=StudyStatus.GRADUATED, graduated_on=dt.date(2026, 2, 20))
    assert evaluate(facts, dt.date(2026, 10, 31)).eligible
    after = evaluate(facts, dt.date(2026, 11, 1))
    assert only_unmet(after) == [("inactive_status", "graduated")]


@both_policies
def test_second_cycle_graduates_have_no_grace(policy: Policy) -> None:
    facts = student(
        policy,
        status=StudyStatus.GRADUATED,
        level=StudyLevel.SECOND_CYCLE,
        graduated_on=dt.date(2026, 2, 20),
    )
    assert only_unmet(evaluate(facts, dt.date(2026, 6, 1))) == [("inactive_status", "graduated")]


# no_pesel, no_album_number


@both_policies
def test_no_pesel(policy: Policy) -> None:
    result = evaluate(student(policy, has_pesel=False), TODAY)
    assert only_unmet(result) == [("no_pesel", "missing")]


@both_policies
@pytest.mark.parametrize("album", [None, ""])
def test_no_album_number(policy: Policy, album: str | None) -> None:
    result = evaluate(student(policy, album_number=album), TODAY)
    assert only_unmet(result) == [("no_album_number", "missing")]


# no_approved_photo


@both_policies
def test_no_photo(policy: Policy) -> None:
    result = evaluate(student(policy, photo=None), TODAY)
    assert only_unmet(result) == [("no_approved_photo", "missing")]


@both_policies
def test_a_pending_photo(policy: Policy) -> None:
    result = evaluate(student(policy, photo=PhotoStatus.PENDING), TODAY)
    assert only_unmet(result) == [("no_approved_photo", "pending")]


@both_policies
def test_a_rejected_photo_gives_the_reason(policy: Policy) -> None:
    facts = student(policy, photo=PhotoStatus.REJECTED, photo_rejection_reason="sunglasses")
    photo = check(evaluate(facts, TODAY), "no_approved_photo")
    assert (photo.ok, photo.variant, photo.params) == (False, "rejected", {"reason": "sunglasses"})
    assert photo.message.format(**photo.params) == (
        "Your photo was rejected (sunglasses): upload a new one."
    )


def test_a_rejected_photo_without_a_reason_still_formats() -> None:
    facts = student(photo=PhotoStatus.REJECTED, photo_rejection_reason=None)
    photo = check(evaluate(facts, TODAY), "no_approved_photo")
    assert photo.params == {"reason": "-"}


# no_els, els_not_renewed, data_changed_since_els (ELS-linked only)


def test_no_card_fails_all_three_card_checks() -> None:
    result = evaluate(student(card=None), TODAY)
    assert only_unmet(result) == [
        ("no_els", "missing"),
        ("els_not_renewed", "no-card"),
        ("data_changed_since_els", "no-card"),
    ]
    assert result.valid_until is None


@pytest.mark.parametrize("status", sorted(IN_PRODUCTION))
def test_a_card_in_production(status: ElsCardStatus) -> None:
    result = evaluate(student(card=card(status=status)), TODAY)
    els = check(result, "no_els")
    assert (els.ok, els.variant) == (False, status.value)
    assert els.params == {"number": "ELS/2026/00042/A", "status": status.value}
    assert only_unmet(result) == [("no_els", status.value)]


@pytest.mark.parametrize("status", sorted(ENDED))
def test_an_ended_card(status: ElsCardStatus) -> None:
    result = evaluate(student(card=card(status=status)), TODAY)
    assert only_unmet(result) == [("no_els", status.value)]
    assert check(result, "no_els").params["status"] == status.value


def test_an_active_card_names_its_number() -> None:
    els = check(evaluate(student(), TODAY), "no_els")
    assert els.ok
    assert els.message.format(**els.params) == (
        "You have a plastic student ID card (ELS) ELS/2026/00042/A."
    )


def test_a_card_never_renewed() -> None:
    result = evaluate(student(card=card(valid_until=None)), TODAY)
    assert only_unmet(result) == [("els_not_renewed", "never")]
    assert result.valid_until is None


def test_an_expired_card() -> None:
    expired = dt.date(2026, 10, 31)
    result = evaluate(student(card=card(valid_until=expired)), TODAY)
    renewed = check(result, "els_not_renewed")
    assert (renewed.ok, renewed.variant) == (False, "expired")
    assert renewed.params == {"valid_until": "2026-10-31"}
    assert only_unmet(result) == [("els_not_renewed", "expired")]


def test_a_card_valid_today_is_renewed() -> None:
    result = evaluate(student(card=card(valid_until=TODAY)), TODAY)
    renewed = check(result, "els_not_renewed")
    assert renewed.ok
    assert renewed.params == {"valid_until": "2026-11-22"}
    assert result.valid_until == TODAY


def test_changed_personal_data_needs_a_duplicate() -> None:
    result = evaluate(student(card=card(data_unchanged=False)), TODAY)
    assert only_unmet(result) == [("data_changed_since_els", "changed")]
    message = check(result, "data_changed_since_els").message
    assert "a duplicate card is needed" in message


# valid_until


def test_els_linked_validity_is_the_cards() -> None:
    extended = dt.date(2027, 5, 30)  # 31 March plus the 60-day emergency extension
    assert evaluate(student(card=card(valid_until=extended)), TODAY).valid_until == extended


@pytest.mark.parametrize(
    ("today", "until"),
    [
        (dt.date(2026, 11, 22), dt.date(2027, 3, 31)),
        (dt.date(2027, 2, 14), dt.date(2027, 3, 31)),
        (dt.date(2027, 2, 15), dt.date(2027, 10, 31)),
        (dt.date(2027, 9, 30), dt.date(2027, 10, 31)),
    ],
)
def test_pesel_validity_is_the_semesters(today: dt.date, until: dt.date) -> None:
    assert evaluate(student(Policy.PESEL, card=None), today).valid_until == until


def test_the_graduate_grace_caps_the_card_validity() -> None:
    facts = student(
        status=StudyStatus.GRADUATED,
        graduated_on=dt.date(2026, 7, 10),
        card=card(valid_until=dt.date(2026, 12, 30)),
    )
    assert evaluate(facts, dt.date(2026, 8, 1)).valid_until == dt.date(2026, 10, 31)


def test_a_card_validity_inside_the_grace_is_kept() -> None:
    facts = student(
        status=StudyStatus.GRADUATED,
        graduated_on=dt.date(2026, 2, 20),
        card=card(valid_until=dt.date(2026, 3, 31)),
    )
    assert evaluate(facts, dt.date(2026, 3, 1)).valid_until == dt.date(2026, 3, 31)


# Every outcome is explained (R8)

facts_strategy = st.builds(
    StudentFacts,
    policy=st.sampled_from(Policy),
    status=st.sampled_from(StudyStatus),
    level=st.sampled_from(StudyLevel),
    graduated_on=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    has_pesel=st.booleans(),
    album_number=st.none() | st.text(string.digits, max_size=6),
    photo=st.none() | st.sampled_from(PhotoStatus),
    photo_rejection_reason=st.none() | st.text(max_size=20),
    card=st.none()
    | st.builds(
        CardFacts,
        number=st.text(string.ascii_uppercase + string.digits + "/", min_size=1, max_size=16),
        status=st.sampled_from(ElsCardStatus),
        valid_until=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
        data_unchanged=st.booleans(),
    ),
)


@given(facts=facts_strategy, today=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
def test_every_check_has_a_message_with_its_parameters(facts: StudentFacts, today: dt.date) -> None:
    result = evaluate(facts, today)
    codes = [c.code for c in result.checks]
    assert codes == (
        COMMON_CODES + CARD_CODES if facts.policy is Policy.ELS_LINKED else COMMON_CODES
    )
    assert result.eligible == (not result.unmet)
    for item in result.checks:
        assert (item.code, item.variant) in CHECK_MESSAGES
        assert item.message.format(**item.params)
        assert item.ok == (item.variant in {"ok", "graduate-grace"})
    if result.eligible and result.valid_until is not None:
        assert result.valid_until >= today


def test_every_message_is_used_by_some_check() -> None:
    assert {code for code, _ in CHECK_MESSAGES} == set(COMMON_CODES + CARD_CODES)


# The seven criteria of seed 001 (and its Polish twin 003): each one alone makes the student
# ineligible under the ELS-linked policy, with its own reason.


def _only_criterion_unmet(facts: StudentFacts, code: str) -> Check:
    result = evaluate(facts, TODAY)
    assert not result.eligible
    assert [c.code for c in result.unmet] == [code]
    return result.unmet[0]


def test_seed_001_criterion_1_has_an_active_student_status() -> None:
    unmet = _only_criterion_unmet(student(status=StudyStatus.SUSPENDED), "inactive_status")
    assert "contact the dean's office" in unmet.message


def test_seed_001_criterion_2_has_a_pesel_number() -> None:
    unmet = _only_criterion_unmet(student(has_pesel=False), "no_pesel")
    assert "only the plastic card is available" in unmet.message


def test_seed_001_criterion_3_has_a_student_album_number() -> None:
    unmet = _only_criterion_unmet(student(album_number=None), "no_album_number")
    assert "album number" in unmet.message


def test_seed_001_criterion_4_has_a_photo_in_the_register() -> None:
    unmet = _only_criterion_unmet(student(photo=None), "no_approved_photo")
    assert "upload one" in unmet.message


def test_seed_001_criterion_5_has_a_plastic_els_card() -> None:
    result = evaluate(student(card=None), TODAY)
    assert not result.eligible
    assert check(result, "no_els").variant == "missing"
    assert "take the oath, pay the card fee" in check(result, "no_els").message


def test_seed_001_criterion_6_the_els_card_has_been_renewed() -> None:
    unmet = _only_criterion_unmet(
        student(card=card(valid_until=dt.date(2026, 10, 31))), "els_not_renewed"
    )
    assert unmet.message.format(**unmet.params) == (
        "Your plastic card expired on 2026-10-31: have it renewed (a new hologram sticker) "
        "at the dean's office."
    )


def test_seed_001_criterion_7_personal_data_unchanged_since_the_els_was_issued() -> None:
    unmet = _only_criterion_unmet(
        student(card=card(data_unchanged=False)), "data_changed_since_els"
    )
    assert unmet.message.startswith("Your personal data changed after your card was issued")


@pytest.mark.parametrize("policy", list(Policy))
def test_the_published_conditions_are_the_checks_made(policy: Policy) -> None:
    from legitka.domain.eligibility import CHECK_LABELS, POLICY_CHECKS

    result = evaluate(student(policy=policy), TODAY)
    assert tuple(c.code for c in result.checks) == POLICY_CHECKS[policy]
    assert set(POLICY_CHECKS[policy]) <= set(CHECK_LABELS)
