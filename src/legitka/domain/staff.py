"""The dean's office staff's roles and what each may do (pure rules, no I/O).

``office`` staff work on their own university's students; a ``university_admin`` also looks after
the university's settings and staff; a ``system_admin`` serves every university of the deployment
and belongs to none.
"""

from __future__ import annotations

from enum import StrEnum

from legitka.domain.text import N_


class StaffRole(StrEnum):
    OFFICE = "office"
    UNIVERSITY_ADMIN = "university_admin"
    SYSTEM_ADMIN = "system_admin"


ROLE_LABELS: dict[StaffRole, str] = {
    StaffRole.OFFICE: N_("Dean's office"),
    StaffRole.UNIVERSITY_ADMIN: N_("University administrator"),
    StaffRole.SYSTEM_ADMIN: N_("System administrator"),
}

EVERY_ROLE: frozenset[StaffRole] = frozenset(StaffRole)


def needs_university(role: StaffRole) -> bool:
    """Every role but the system administrator's belongs to one university."""
    return role is not StaffRole.SYSTEM_ADMIN


def may_serve(role: StaffRole, own_university_id: int | None, university_id: int) -> bool:
    """Whether staff of ``role`` at ``own_university_id`` may see ``university_id``'s data."""
    return role is StaffRole.SYSTEM_ADMIN or own_university_id == university_id
