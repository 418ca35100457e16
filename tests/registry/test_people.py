from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from legitka.domain.accounts import validate_account
from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.studies import StudyStatus
from legitka.registry.db import transaction
from legitka.registry.models import AuditEvent, Person, PersonDataChange
from legitka.registry.services import people
from tests import builders


def test_enrolment_gives_an_individual_account_and_audits(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        person = s.get(Person, study.person_id)
        assert person.account_number is not None
        assert validate_account(person.account_number) == person.account_number
        assert person.account_number[2:14] == builders.ACCOUNT_PREFIX
        actions = set(s.scalars(select(AuditEvent.action)))
    assert {"university.created", "person.created", "study.created"} <= actions


def test_album_number_is_unique_per_university(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        other = builders.university(s, clock, slug="uw")
        builders.student(s, clock, uni, album="1")
        builders.student(s, clock, other, album="1", pesel=None)
        with pytest.raises(Conflict) as err:
            builders.student(s, clock, uni, album="1", pesel=None)
    assert err.value.code == "album_number_taken"
    assert err.value.field == "album_number"


def test_pesel_must_match_birth_date(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        with pytest.raises(InvalidInput) as err:
            builders.student(s, clock, uni, birth_date=dt.date(2002, 7, 9))
    assert err.value.code == "pesel_birth_date_mismatch"


def test_personal_data_changes_are_recorded_with_time(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        person = s.get(Person, builders.student(s, clock, uni).person_id)
        before = person.data_changed_at
        clock.advance(dt.timedelta(days=3))
        changed = people.change_personal_data(
            s, clock, person, actor="staff:1", family_name="Nowak", email="a@b.pl"
        )
        assert changed == ["family_name", "email"]
        assert person.data_changed_at == clock.now() > before
        history = s.scalars(select(PersonDataChange).order_by(PersonDataChange.id)).all()
        assert [(h.field, h.old_value, h.new_value) for h in history] == [
            ("family_name", "Testowa", "Nowak"),
            ("email", "anna@example.org", "a@b.pl"),
        ]
        assert all(h.changed_at == clock.now() for h in history)
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "person.data_changed"))
        assert event.details == {"fields": ["family_name", "email"]}
        assert "Nowak" not in str(event.details)


def test_only_email_change_keeps_card_data_time(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        person = s.get(Person, builders.student(s, clock, uni).person_id)
        before = person.data_changed_at
        clock.advance(dt.timedelta(days=1))
        people.change_personal_data(s, clock, person, actor="x", email="new@example.org")
        assert person.data_changed_at == before


def test_unchanged_data_records_nothing(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        person = s.get(Person, builders.student(s, clock, uni).person_id)
        assert people.change_personal_data(s, clock, person, actor="x", family_name="Testowa") == []
        assert s.scalars(select(PersonDataChange)).all() == []


def test_bad_change_is_refused_and_changes_nothing(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        builders.student(s, clock, uni)
    with pytest.raises(InvalidInput) as err, transaction(sessions) as s:  # noqa: PT012
        person = s.scalar(select(Person))
        people.change_personal_data(s, clock, person, actor="x", family_name="Kowal",
                                    pesel="02270803625")
    assert err.value.code == "invalid_pesel_checksum"
    with transaction(sessions) as s:
        assert s.scalar(select(Person)).family_name == "Testowa"
        assert s.scalars(select(PersonDataChange)).all() == []


def test_status_changes_keep_history_and_resumption(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        people.change_study_status(
            s, clock, study, StudyStatus.REMOVED, since=dt.date(2025, 3, 1), actor="x"
        )
        people.change_study_status(
            s, clock, study, StudyStatus.ACTIVE, since=dt.date(2026, 10, 1), actor="x",
            reason="resumption",
        )
        assert study.resumed_on == dt.date(2026, 10, 1)
        assert [h.status for h in study.status_history] == [
            StudyStatus.ACTIVE, StudyStatus.REMOVED, StudyStatus.ACTIVE,
        ]
        with pytest.raises(Conflict):
            people.change_study_status(
                s, clock, study, StudyStatus.ACTIVE, since=dt.date(2026, 10, 2), actor="x"
            )


def test_portal_password_is_hashed(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        person = s.get(Person, builders.student(s, clock, uni).person_id)
        account = people.set_portal_password(
            s, clock, person, login="anna", password="correct horse", actor="x"
        )
        assert account.password_hash.startswith("$argon2")
        assert "correct horse" not in account.password_hash
        with pytest.raises(InvalidInput):
            people.set_portal_password(s, clock, person, login="anna", password="short", actor="x")
