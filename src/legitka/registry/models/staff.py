"""The dean's office console's accounts, sessions and sign-in attempts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from legitka.domain.staff import StaffRole
from legitka.registry.models.base import Base, UtcDateTime, enum_column


class StaffAccount(Base):
    """A member of staff: a login unique in the deployment, an argon2 password hash and a role.

    ``university_id`` is the university served; it is empty only for a system administrator.
    A disabled account (``active`` false) cannot sign in and its sessions stop working.
    """

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    university_id: Mapped[int | None] = mapped_column(ForeignKey("universities.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class StaffSession(Base):
    """A browser signed in to the console (the token's hash only), with its CSRF token."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class StaffLoginAttempt(Base):
    """One attempt to sign in to the console, for rate limiting (client address as a keyed
    hash)."""

    __tablename__ = "staff_login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), index=True)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)
