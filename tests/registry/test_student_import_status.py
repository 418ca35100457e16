"""Importing students whose status dates from after their start: graduates, leaves."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from legitka.domain.studies import StudyStatus
from legitka.registry.db import transaction
from legitka.registry.models import Study, StudyStatusChange
from legitka.registry.services import students
from tests.registry.test_student_import import csv_of, errors_of, register, row, run

__all__ = ["register"]


def test_a_graduate_is_imported_with_the_graduation_date(register, clock):
    run(register, clock, csv_of(
        row(album_number="700001", status="graduated", status_since="2026-02-10",
            started_on="2022-10-01", charge_els_fee="no"),
        row(album_number="700002", pesel="", given_names="Olena", status="on-leave",
            status_since="2026-11-01"),
    ))  # fmt: skip
    with transaction(register) as s:
        graduate = s.scalar(select(Study).where(Study.album_number == "700001"))
        assert (graduate.status, graduate.graduated_on, graduate.status_since) == (
            StudyStatus.GRADUATED,
            dt.date(2026, 2, 10),
            dt.date(2026, 2, 10),
        )
        history = s.scalars(
            select(StudyStatusChange).where(StudyStatusChange.study_id == graduate.id)
        ).all()
        assert [(h.status, h.since) for h in history] == [
            (StudyStatus.GRADUATED, dt.date(2026, 2, 10)),
        ]
        # A first-cycle graduate of February is past the grace period in November.
        codes = [c.code for c in students.eligibility(s, graduate, clock).unmet]
        assert "inactive_status" in codes
        on_leave = s.scalar(select(Study).where(Study.album_number == "700002"))
        assert (on_leave.status_since, on_leave.graduated_on) == (dt.date(2026, 11, 1), None)


def test_a_person_already_in_the_register_gets_the_date_too(register, clock):
    run(register, clock, csv_of(
        row(album_number="700010", given_names="Anna", family_name="Testowa",
            birth_date="2002-07-08", pesel="02270803624", status="graduated",
            status_since="2026-07-01", started_on="2023-10-01"),
    ))  # fmt: skip
    with transaction(register) as s:
        study = s.scalar(select(Study).where(Study.album_number == "700010"))
        assert study.graduated_on == dt.date(2026, 7, 1)


def test_a_status_before_the_start_is_refused(register, clock):
    errors = errors_of(register, clock, csv_of(row(status="on-leave", status_since="2026-09-30")))
    assert errors == [(2, "status_since", "status_before_start")]
