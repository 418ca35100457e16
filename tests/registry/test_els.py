from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from legitka.domain.els import DuplicateReason, ElsCardStatus
from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.fees import ChargeKind
from legitka.domain.semesters import Semester
from legitka.domain.studies import StudyLevel, StudyStatus
from legitka.registry.db import transaction
from legitka.registry.models import Charge, ElsCard, Person
from legitka.registry.services import els, people
from tests import builders


def _active_card(s, clock, study):
    card = els.apply_for_card(s, clock, study, actor="x")
    els.set_status(s, clock, card, ElsCardStatus.PRINTING, actor="x")
    els.set_status(s, clock, card, ElsCardStatus.READY_TO_COLLECT, actor="x")
    els.hand_over(s, clock, card, chip_serial="04a1b2c3", issued_on=dt.date(2026, 10, 5),
                  actor="x")
    return card


def test_card_life_and_renewal(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        card = _active_card(s, clock, study)
        assert (card.edition, card.number, card.chip_serial) == ("A", "100001", "04A1B2C3")
        renewal = els.renew(s, clock, card, Semester.parse("2026Z"), hologram_number="12300001",
                            actor="x")
        assert renewal.valid_until == dt.date(2027, 3, 31)
        with pytest.raises(Conflict) as again:
            els.renew(s, clock, card, Semester.parse("2026Z"), hologram_number="12300002",
                      actor="x")
        assert again.value.code == "els_already_renewed"
        with pytest.raises(InvalidInput) as foreign:
            els.renew(s, clock, card, Semester.parse("2026L"), hologram_number="99900001",
                      actor="x")
        assert foreign.value.code == "hologram_wrong_university"
        with pytest.raises(Conflict) as used:
            els.renew(s, clock, card, Semester.parse("2026L"), hologram_number="12300001",
                      actor="x")
        assert used.value.code == "hologram_used"


def test_no_second_card_without_duplicate(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        els.apply_for_card(s, clock, study, actor="x")
        with pytest.raises(Conflict) as err:
            els.apply_for_card(s, clock, study, actor="x")
        assert err.value.code == "els_card_exists"
        with pytest.raises(Conflict):
            els.renew(s, clock, els.current_card(s, study), Semester.parse("2026Z"),
                      hologram_number="12300001", actor="x")


@pytest.mark.parametrize(("reason", "fee"), [(DuplicateReason.LOST, 3300),
                                             (DuplicateReason.UNIVERSITY_ERROR, 0)])
def test_duplicate_replaces_the_card_and_charges_the_fee(sessions, clock, reason, fee):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        first = _active_card(s, clock, study)
        if reason is DuplicateReason.LOST:
            els.set_status(s, clock, first, ElsCardStatus.LOST, actor="x")
        second = els.apply_for_card(s, clock, study, duplicate_reason=reason, actor="x")
        assert first.status is ElsCardStatus.REPLACED
        assert (second.edition, second.replaces_card_id) == ("B", first.id)
        assert els.current_card(s, study).id == second.id
        charges = s.scalars(select(Charge).where(Charge.kind == ChargeKind.ELS_DUPLICATE)).all()
        assert [c.amount_grosze for c in charges] == ([fee] if fee else [])


def test_printing_fixes_the_data_fingerprint(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        card = els.apply_for_card(s, clock, study, actor="x")
        person = s.get(Person, study.person_id)
        people.change_personal_data(s, clock, person, actor="x", family_name="Nowak")
        els.set_status(s, clock, card, ElsCardStatus.PRINTING, actor="x")
        assert card.data_fingerprint == person.personal_data.fingerprint()


def test_graduate_continues_with_the_card(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        bachelor = builders.student(s, clock, uni)
        card = _active_card(s, clock, bachelor)
        master = people.enrol_student(
            s, clock, uni, given_names="Anna", family_name="Testowa",
            birth_date=dt.date(2002, 7, 8), pesel="02270803624", email=None,
            album_number="200001", level=StudyLevel.SECOND_CYCLE, programme="Informatyka",
            started_on=dt.date(2026, 2, 20),
        )
        assert master.person_id == bachelor.person_id
        with pytest.raises(Conflict) as err:
            els.continue_card(s, clock, card, master, actor="x")
        assert err.value.code == "els_cannot_continue"
        people.change_study_status(s, clock, bachelor, StudyStatus.GRADUATED,
                                   since=dt.date(2026, 2, 10), actor="x")
        els.continue_card(s, clock, card, master, actor="x")
        assert els.current_card(s, master).id == card.id
        assert els.current_card(s, bachelor) is None
        assert s.scalar(select(ElsCard)).continued_from_study_id == bachelor.id
