"""Studies: levels and statuses as the register keeps them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from legitka.domain.text import N_


class StudyLevel(StrEnum):
    FIRST_CYCLE = "first-cycle"
    SECOND_CYCLE = "second-cycle"
    LONG_CYCLE = "long-cycle"
    DOCTORAL = "doctoral"
    POSTGRADUATE = "postgraduate"


# Postgraduate (non-degree) participants are not students under the Polish law on higher
# education: they get no student ID card, plastic or mobile.
ELIGIBLE_LEVELS = frozenset(
    {StudyLevel.FIRST_CYCLE, StudyLevel.SECOND_CYCLE, StudyLevel.LONG_CYCLE, StudyLevel.DOCTORAL}
)


class StudyStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on-leave"
    SUSPENDED = "suspended"
    GRADUATED = "graduated"
    REMOVED = "removed"


STUDY_STATUS_LABELS: dict[StudyStatus, str] = {
    StudyStatus.ACTIVE: N_("Active student"),
    StudyStatus.ON_LEAVE: N_("On leave"),
    StudyStatus.SUSPENDED: N_("Student rights suspended"),
    StudyStatus.GRADUATED: N_("Graduated"),
    StudyStatus.REMOVED: N_("Removed from the list of students"),
}


def graduate_grace_end(graduated_on: dt.date) -> dt.date:
    """First-cycle graduates keep their student rights and card until 31 October of that year."""
    return dt.date(graduated_on.year, 10, 31)


def has_student_rights(
    status: StudyStatus,
    level: StudyLevel,
    graduated_on: dt.date | None,
    today: dt.date,
) -> bool:
    """Whether the study gives student rights today: active status, or the first-cycle grace."""
    if status is StudyStatus.ACTIVE:
        return True
    if (
        status is StudyStatus.GRADUATED
        and level is StudyLevel.FIRST_CYCLE
        and graduated_on is not None
    ):
        return today <= graduate_grace_end(graduated_on)
    return False
