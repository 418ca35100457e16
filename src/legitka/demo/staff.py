"""The demo's dean's office staff: one account per role, passwords printed for everyone."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.staff import StaffRole


@dataclass(frozen=True)
class DemoStaff:
    login: str
    display_name: str
    role: StaffRole
    university: str | None
    summary_en: str
    summary_pl: str

    @property
    def password(self) -> str:
        return f"demo-{self.login.split('.')[0]}-1"

    def summary(self, locale: str) -> str:
        return self.summary_pl if locale == "pl" else self.summary_en


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff(
        "dziekanat.pd", "Barbara Dziekańska", StaffRole.OFFICE, "pd",
        "Dean's office of pd: its students only.",
        "Dziekanat pd: tylko jej studenci.",
    ),
    DemoStaff(
        "dziekanat.uw", "Ryszard Biurowy", StaffRole.OFFICE, "uw",
        "Dean's office of uw: its students only.",
        "Dziekanat uw: tylko jej studenci.",
    ),
    DemoStaff(
        "admin.pd", "Irena Administracyjna", StaffRole.UNIVERSITY_ADMIN, "pd",
        "Administrator of pd.",
        "Administratorka pd.",
    ),
    DemoStaff(
        "admin", "Admin Systemowy", StaffRole.SYSTEM_ADMIN, None,
        "System administrator: every university.",
        "Administrator systemu: wszystkie uczelnie.",
    ),
)  # fmt: skip


def create_demo_staff(session: Session, clock: Clock, hasher: PasswordHasher) -> None:
    """Create the demo staff accounts (the universities exist already)."""
    from legitka.office.accounts import create_staff

    for staff in DEMO_STAFF:
        create_staff(
            session, clock, login=staff.login, password=staff.password,
            display_name=staff.display_name, role=staff.role, university_slug=staff.university,
            actor="demo", hasher=hasher,
        )  # fmt: skip
