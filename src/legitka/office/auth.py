"""Signing staff in to the console: passwords, rate limits, sessions and CSRF tokens.

As in the student portal (:mod:`legitka.portal.auth`): sessions live in the database (the
token's hash only), every sign-in starts a new session with a fresh token (no session fixation),
failed attempts are counted in the database per login and per client address (a keyed hash), so
the limits hold across processes. A disabled account cannot sign in and its sessions end.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import LegitkaError
from legitka.domain.staff import StaffRole, may_serve
from legitka.domain.text import N_
from legitka.issuer import secrets
from legitka.registry import audit
from legitka.registry.models import StaffAccount, StaffLoginAttempt, StaffSession

SESSION_LIFETIME = dt.timedelta(hours=10)
IDLE_LIMIT = dt.timedelta(minutes=60)
TOUCH_EVERY = dt.timedelta(minutes=1)
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_CLIENT = 30

_hasher = PasswordHasher()
# Checked against when the login is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("legitka: no such staff account")


class StaffSignInError(LegitkaError):
    """Signing in failed (401), or was refused for too many failures (429)."""

    status = 401


@dataclass(frozen=True)
class Staff:
    """Who is signed in to the console: the account and its session."""

    account: StaffAccount
    session: StaffSession

    @property
    def login(self) -> str:
        return self.account.login

    @property
    def role(self) -> StaffRole:
        return self.account.role

    @property
    def actor(self) -> str:
        """Who did it, as the audit log names a member of staff."""
        return f"staff:{self.account.login}"

    @property
    def serves_every_university(self) -> bool:
        """A system administrator: no university of their own."""
        return self.account.university_id is None

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    def may_serve(self, university_id: int) -> bool:
        return may_serve(self.account.role, self.account.university_id, university_id)


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    return (hasher or _hasher).hash(password)


def _failures(session: Session, since: dt.datetime, **where: object) -> int:
    query = (
        select(func.count())
        .select_from(StaffLoginAttempt)
        .where(StaffLoginAttempt.at >= since, StaffLoginAttempt.succeeded.is_(False))
    )
    for column, value in where.items():
        query = query.where(getattr(StaffLoginAttempt, column) == value)
    return int(session.scalar(query) or 0)


def sign_in(
    session: Session, clock: Clock, login: str, password: str, *, client: str
) -> StaffAccount:
    """The active account for ``login``/``password``, after the rate limits; records the attempt.

    The caller commits also when this raises: failed attempts must stay counted.
    """
    login = login.strip().lower()
    now = clock.now()
    since = now - WINDOW
    if (
        _failures(session, since, login=login[:80]) >= MAX_FAILURES_PER_LOGIN
        or _failures(session, since, client_hash=client) >= MAX_FAILURES_PER_CLIENT
    ):
        raise StaffSignInError(
            "too_many_attempts",
            N_("Too many failed sign-ins: wait {minutes} minutes and try again."),
            status=429,
            minutes=int(WINDOW.total_seconds() // 60),
        )
    account = session.scalar(select(StaffAccount).where(StaffAccount.login == login))
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        ok = account is not None and account.active
    except (VerificationError, InvalidHashError):
        ok = False
    session.add(StaffLoginAttempt(login=login[:80], client_hash=client, succeeded=ok, at=now))
    if not ok or account is None:
        raise StaffSignInError(
            "sign_in_failed",
            N_("The login or the password is wrong. Check both and try again."),
            field="password",
        )
    return account


@dataclass(frozen=True)
class NewSession:
    token: str
    record: StaffSession


def start_session(session: Session, clock: Clock, account: StaffAccount) -> NewSession:
    """A new session for ``account`` (a fresh token: never one the browser brought)."""
    now = clock.now()
    token = secrets.random_token()
    record = StaffSession(
        token_hash=secrets.token_hash(token),
        staff_id=account.id,
        csrf_token=secrets.random_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    session.add(record)
    session.flush()
    audit.record(
        session, clock, actor=f"staff:{account.login}", action="staff.session_started",
        subject_type="staff_account", subject_id=account.id,
        university_id=account.university_id,
    )  # fmt: skip
    return NewSession(token, record)


def end_session(session: Session, clock: Clock, staff: Staff) -> None:
    record = session.merge(staff.session)
    record.ended_at = clock.now()
    audit.record(
        session, clock, actor=staff.actor, action="staff.session_ended",
        subject_type="staff_account", subject_id=staff.account.id,
        university_id=staff.account.university_id,
    )  # fmt: skip


def end_sessions(session: Session, clock: Clock, tokens: list[str]) -> int:
    """End every live staff session among ``tokens``; how many were ended.

    Sign-out ends all the sessions a browser sent: beside its own cookie it may carry one of the
    same name planted for a parent domain or path, and the page was shown with either of them.
    """
    hashes = {secrets.token_hash(token) for token in tokens if token}
    if not hashes:
        return 0
    rows = session.execute(
        select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.staff_id)
        .where(StaffSession.token_hash.in_(hashes), StaffSession.ended_at.is_(None))
    ).all()
    for record, account in rows:
        end_session(session, clock, Staff(account, record))
    return len(rows)


def csrf_matches(staff: Staff, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(staff.session.csrf_token, given or "")


def signed_in(session: Session, clock: Clock, token: str | None) -> Staff | None:
    """The staff member of a live session ``token`` (touched); ``None`` when the token is
    unknown, ended, expired or idle, or the account is disabled."""
    if not token:
        return None
    row = session.execute(
        select(StaffSession, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffSession.staff_id)
        .where(StaffSession.token_hash == secrets.token_hash(token))
    ).first()
    if row is None:
        return None
    record, account = row
    now = clock.now()
    if (
        not account.active
        or record.ended_at is not None
        or record.expires_at <= now
        or record.last_seen_at + IDLE_LIMIT <= now
    ):
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        session.execute(
            update(StaffSession).where(StaffSession.id == record.id).values(last_seen_at=now)
        )
    return Staff(account, record)
