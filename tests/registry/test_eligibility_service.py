"""Eligibility computed from the real register, under both policies."""

from __future__ import annotations

import datetime as dt

from legitka.domain.eligibility import Policy
from legitka.domain.els import ElsCardStatus
from legitka.domain.semesters import Semester
from legitka.registry.db import transaction
from legitka.registry.models import DeclarationKind, Person
from legitka.registry.services import (
    declarations,
    els,
    fees,
    people,
    photos,
    students,
    universities,
)
from tests import builders


def _unmet(s, study, clock):
    return [c.code for c in students.eligibility(s, study, clock).unmet]


def _complete_student(s, clock, uni):
    study = builders.student(s, clock, uni)
    person = s.get(Person, study.person_id)
    photo = photos.submit_photo(s, clock, person, builders.photo_bytes(), actor="student")
    photos.decide_photo(s, clock, photo, approve=True, actor="staff")
    card = els.apply_for_card(s, clock, study, actor="x")
    for status in (ElsCardStatus.PRINTING, ElsCardStatus.READY_TO_COLLECT):
        els.set_status(s, clock, card, status, actor="x")
    els.hand_over(s, clock, card, chip_serial="A1", issued_on=dt.date(2026, 10, 5), actor="x")
    els.renew(s, clock, card, Semester.parse("2026Z"), hologram_number="12300001", actor="x")
    return study, person, card


def test_els_linked_student_becomes_eligible_step_by_step(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        assert _unmet(s, study, clock) == [
            "no_approved_photo", "no_els", "els_not_renewed", "data_changed_since_els",
        ]
    with transaction(sessions) as s:
        uni = builders.university(s, clock, slug="p2")
        study, person, _card = _complete_student(s, clock, uni)
        result = students.eligibility(s, study, clock)
        assert result.eligible
        assert result.valid_until == dt.date(2027, 3, 31)
        people.change_personal_data(s, clock, person, actor="x", family_name="Nowak")
        assert _unmet(s, study, clock) == ["data_changed_since_els"]


def test_emergency_extension_counts(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study, _person, card = _complete_student(s, clock, uni)
        card.renewals[0].valid_until = dt.date(2026, 10, 31)
        assert _unmet(s, study, clock) == ["els_not_renewed"]
        uni.emergency_extension_days = 60
        assert students.eligibility(s, study, clock).valid_until == dt.date(2026, 12, 30)
        assert _unmet(s, study, clock) == []


def test_pesel_policy_needs_no_card(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock, policy=Policy.PESEL)
        study = builders.student(s, clock, uni)
        assert _unmet(s, study, clock) == ["no_approved_photo"]
        person = s.get(Person, study.person_id)
        photo = photos.submit_photo(s, clock, person, builders.photo_bytes(), actor="student")
        photos.decide_photo(s, clock, photo, approve=True, actor="staff")
        result = students.eligibility(s, study, clock)
        assert result.eligible
        assert result.valid_until == dt.date(2027, 3, 31)
        foreigner = builders.student(s, clock, uni, album="100002", pesel=None)
        assert "no_pesel" in _unmet(s, foreigner, clock)


def test_card_conditions_oath_and_fee(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        intake = universities.add_intake(
            s, clock, uni, code="2026Z", starts_on=dt.date(2026, 10, 1),
            payment_deadline=dt.date(2026, 11, 20),
        )
        study = builders.student(s, clock, uni)
        study.intake_id = intake.id
        els.charge_card_fee(s, clock, study, actor="x")
        reqs = students.card_requirements(s, study, clock)
        assert [(r.code, r.ok) for r in reqs] == [
            ("oath_not_taken", False), ("els_fee_overdue", False),
        ]
        person = s.get(Person, study.person_id)
        for kind in DeclarationKind:
            declarations.accept(s, clock, person, declarations.current(s, uni, kind), actor="s")
        fees.record_manual_payment(s, clock, person, amount_grosze=2200,
                                   booked_on=dt.date(2026, 11, 21), note=None, actor="x")
        assert all(r.ok for r in students.card_requirements(s, study, clock))
        report = students.student_report(s, study, clock, "pl")
        assert report["oath_taken"] is True
        assert report["eligibility"]["checks"][0]["code"] == "level_not_eligible"
