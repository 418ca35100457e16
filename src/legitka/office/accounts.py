"""Staff accounts: create, list and disable them (the ``legitka staff`` commands and the demo)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import Conflict, InvalidInput, NotFound
from legitka.domain.staff import StaffRole, needs_university
from legitka.domain.text import N_
from legitka.office.auth import hash_password
from legitka.registry import audit
from legitka.registry.models import StaffAccount, StaffSession, University
from legitka.registry.services.universities import get_university

LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 10


def create_staff(
    session: Session,
    clock: Clock,
    *,
    login: str,
    password: str,
    display_name: str,
    role: StaffRole,
    university_slug: str | None,
    actor: str,
    hasher: PasswordHasher | None = None,
) -> StaffAccount:
    """A new staff account; a system administrator has no university, every other role one."""
    login = login.strip().lower()
    if not LOGIN.match(login):
        raise InvalidInput(
            "invalid_login",
            N_("A login is 2 to 80 small letters, digits, dots, hyphens or underscores."),
            field="login",
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            "password_too_short",
            N_("The password must have at least {length} characters."),
            field="password",
            length=MIN_PASSWORD,
        )
    university: University | None = None
    if needs_university(role):
        if not university_slug:
            raise InvalidInput(
                "university_required",
                N_("Staff of the role {role} belong to a university: give its short name."),
                field="university",
                role=role.value,
            )
        university = get_university(session, university_slug)
    elif university_slug:
        raise InvalidInput(
            "no_university_for_system_admin",
            N_("A system administrator serves every university: give no university."),
            field="university",
        )
    if session.scalar(select(StaffAccount.id).where(StaffAccount.login == login)) is not None:
        raise Conflict(
            "login_taken", N_("The login '{login}' is taken."), field="login", login=login
        )
    account = StaffAccount(
        login=login,
        password_hash=hash_password(password, hasher),
        display_name=display_name.strip() or login,
        role=role,
        university_id=university.id if university else None,
        active=True,
        created_at=clock.now(),
    )
    session.add(account)
    session.flush()
    audit.record(
        session, clock, actor=actor, action="staff.created", subject_type="staff_account",
        subject_id=account.id, university_id=account.university_id, role=role.value,
    )  # fmt: skip
    return account


def get_staff(session: Session, login: str) -> StaffAccount:
    account = session.scalar(
        select(StaffAccount).where(StaffAccount.login == login.strip().lower())
    )
    if account is None:
        raise NotFound(
            "unknown_staff", N_("No staff account '{login}'."), field="login", login=login
        )
    return account


def list_staff(session: Session, university_slug: str | None = None) -> Sequence[StaffAccount]:
    query = select(StaffAccount).order_by(StaffAccount.login)
    if university_slug:
        university = get_university(session, university_slug)
        query = query.where(StaffAccount.university_id == university.id)
    return session.scalars(query).all()


def disable_staff(session: Session, clock: Clock, login: str, *, actor: str) -> StaffAccount:
    """Disable an account: it cannot sign in, and its open sessions end now."""
    account = get_staff(session, login)
    account.active = False
    now = clock.now()
    for record in session.scalars(
        select(StaffSession).where(
            StaffSession.staff_id == account.id, StaffSession.ended_at.is_(None)
        )
    ):
        record.ended_at = now
    audit.record(
        session, clock, actor=actor, action="staff.disabled", subject_type="staff_account",
        subject_id=account.id, university_id=account.university_id,
    )  # fmt: skip
    return account
