from __future__ import annotations

import pytest
from sqlalchemy import select

from legitka.registry import audit
from legitka.registry.db import transaction
from legitka.registry.models import AuditEvent, Person
from legitka.registry.services import people
from tests import builders


def test_audit_details_refuse_personal_data(sessions, clock):
    with transaction(sessions) as s, pytest.raises(ValueError, match="personal data"):
        audit.record(s, clock, actor="x", action="a", subject_type="person", subject_id=1,
                     university_id=None, pesel="02270803624")


def test_no_personal_data_in_any_audit_event(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        person = s.get(Person, study.person_id)
        people.change_personal_data(s, clock, person, actor="x", family_name="Kowalska")
        secrets = [person.pesel, "Anna", "Testowa", "Kowalska", person.account_number,
                   "anna@example.org"]
        for event in s.scalars(select(AuditEvent)):
            text = f"{event.action} {event.details}"
            assert not [v for v in secrets if v and v in text], text
