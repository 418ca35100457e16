"""Study levels, statuses and the first-cycle graduate grace."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.domain.studies import (
    ELIGIBLE_LEVELS,
    StudyLevel,
    StudyStatus,
    graduate_grace_end,
    has_student_rights,
)

GRADUATED = dt.date(2026, 2, 20)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))


def test_postgraduate_studies_give_no_student_id() -> None:
    assert StudyLevel.POSTGRADUATE not in ELIGIBLE_LEVELS
    assert set(StudyLevel) - ELIGIBLE_LEVELS == {StudyLevel.POSTGRADUATE}


@pytest.mark.parametrize("graduated_on", [dt.date(2026, 1, 31), dt.date(2026, 2, 20)])
def test_the_grace_ends_on_31_october_of_the_graduation_year(graduated_on: dt.date) -> None:
    assert graduate_grace_end(graduated_on) == dt.date(2026, 10, 31)


@pytest.mark.parametrize("level", list(StudyLevel))
@given(today=days)
def test_active_students_have_rights_at_every_level(level: StudyLevel, today: dt.date) -> None:
    assert has_student_rights(StudyStatus.ACTIVE, level, None, today)


@pytest.mark.parametrize(
    ("today", "rights"),
    [
        (dt.date(2026, 2, 20), True),
        (dt.date(2026, 7, 1), True),
        (dt.date(2026, 10, 31), True),
        (dt.date(2026, 11, 1), False),
        (dt.date(2027, 3, 1), False),
    ],
)
def test_first_cycle_graduates_keep_their_rights_until_31_october(
    today: dt.date, rights: bool
) -> None:
    assert has_student_rights(StudyStatus.GRADUATED, StudyLevel.FIRST_CYCLE, GRADUATED, today) is (
        rights
    )


@pytest.mark.parametrize(
    "level",
    [StudyLevel.SECOND_CYCLE, StudyLevel.LONG_CYCLE, StudyLevel.DOCTORAL, StudyLevel.POSTGRADUATE],
)
def test_other_graduates_have_no_grace(level: StudyLevel) -> None:
    assert not has_student_rights(StudyStatus.GRADUATED, level, GRADUATED, dt.date(2026, 2, 21))


def test_a_graduation_without_a_date_has_no_grace() -> None:
    assert not has_student_rights(
        StudyStatus.GRADUATED, StudyLevel.FIRST_CYCLE, None, dt.date(2026, 2, 21)
    )


def test_a_december_graduate_has_no_grace_left() -> None:
    graduated = dt.date(2026, 12, 15)
    assert graduate_grace_end(graduated) < graduated
    assert not has_student_rights(
        StudyStatus.GRADUATED, StudyLevel.FIRST_CYCLE, graduated, dt.date(2026, 12, 16)
    )


@pytest.mark.parametrize(
    "status", [StudyStatus.ON_LEAVE, StudyStatus.SUSPENDED, StudyStatus.REMOVED]
)
@pytest.mark.parametrize("level", list(StudyLevel))
def test_students_on_leave_suspended_or_removed_have_no_rights(
    status: StudyStatus, level: StudyLevel
) -> None:
    assert not has_student_rights(status, level, GRADUATED, dt.date(2026, 3, 1))
