"""Signing students in: password check, rate limits, sessions and CSRF tokens.

Sessions live in the database (hash of the token only), so any process can serve any request;
a browser gets the token in an HttpOnly cookie, the mobile app as a bearer token. Every sign-in
starts a new session (no session fixation). Failed attempts are counted in the database per
login and per client address (kept as a keyed hash), so the limit holds across processes.

Local passwords are one :class:`Authenticator`; single sign-on (OpenID Connect) is another
implementation of the same small interface.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.issuer import secrets
from legitka.registry import audit
from legitka.registry.models import (
    LoginAttempt,
    Person,
    PortalAccount,
    Study,
    University,
    WebSession,
)

BROWSER = "browser"
API = "api"
STUDENT = "student"
SESSION_LIFETIME = {BROWSER: dt.timedelta(hours=12), API: dt.timedelta(days=30)}
IDLE_LIMIT = {BROWSER: dt.timedelta(hours=2), API: dt.timedelta(days=30)}
TOUCH_EVERY = dt.timedelta(minutes=1)
WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_CLIENT = 30

_hasher = PasswordHasher()
# Checked against when the login is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("legitka: no such account")


class SignInError(LegitkaError):
    """Signing in failed (401), or was refused for too many failures (429)."""

    status = 401


class Authenticator(Protocol):
    """Who the student is, from what they typed (passwords) or brought (SSO)."""

    def authenticate(
        self, session: Session, university: University, login: str, password: str
    ) -> PortalAccount | None: ...


class LocalPasswords:
    """Passwords kept by legitka as argon2 hashes (``PortalAccount.password_hash``)."""

    def authenticate(
        self, session: Session, university: University, login: str, password: str
    ) -> PortalAccount | None:
        account = session.scalar(
            select(PortalAccount).where(
                PortalAccount.university_id == university.id,
                PortalAccount.login == login.strip().lower(),
            )
        )
        try:
            _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return account


def client_hash(secret_key: str, address: str) -> str:
    return hmac.new(secret_key.encode(), address.encode(), hashlib.sha256).hexdigest()


def _failures(session: Session, since: dt.datetime, **where: object) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    )
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    return int(session.scalar(query) or 0)


def sign_in(
    session: Session,
    clock: Clock,
    university: University,
    login: str,
    password: str,
    *,
    client: str,
    authenticator: Authenticator | None = None,
) -> PortalAccount:
    """The account for ``login``/``password``, after the rate limits; records the attempt.

    The caller commits also when this raises: failed attempts must stay counted.
    """
    login = login.strip().lower()
    now = clock.now()
    since = now - WINDOW
    if (
        _failures(session, since, login=login, university_id=university.id)
        >= MAX_FAILURES_PER_LOGIN
        or _failures(session, since, client_hash=client) >= MAX_FAILURES_PER_CLIENT
    ):
        raise SignInError(
            "too_many_attempts",
            N_("Too many failed sign-ins: wait {minutes} minutes and try again."),
            status=429,
            minutes=int(WINDOW.total_seconds() // 60),
        )
    account = (authenticator or LocalPasswords()).authenticate(session, university, login, password)
    session.add(
        LoginAttempt(
            university_id=university.id, login=login[:80], client_hash=client,
            succeeded=account is not None, at=now,
        )
    )  # fmt: skip
    if account is None:
        raise SignInError(
            "sign_in_failed",
            N_("The login or the password is wrong. Check both and try again."),
            field="password",
        )
    return account


@dataclass(frozen=True)
class NewSession:
    token: str
    record: WebSession


def start_session(
    session: Session, clock: Clock, account: PortalAccount, *, kind: str, actor: str = STUDENT
) -> NewSession:
    """A new session for ``account`` (a fresh token: never one the client brought)."""
    now = clock.now()
    token = secrets.random_token()
    record = WebSession(
        token_hash=secrets.token_hash(token),
        kind=kind,
        principal=STUDENT,
        principal_id=account.id,
        university_id=account.university_id,
        csrf_token=secrets.random_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_LIFETIME[kind],
    )
    session.add(record)
    session.flush()
    audit.record(
        session, clock, actor=f"{actor}:{account.id}", action="session.started",
        subject_type="portal_account", subject_id=account.id,
        university_id=account.university_id, kind=kind,
    )  # fmt: skip
    return NewSession(token, record)


def end_session(session: Session, clock: Clock, record: WebSession) -> None:
    record.ended_at = clock.now()
    audit.record(
        session, clock, actor=f"{record.principal}:{record.principal_id}",
        action="session.ended", subject_type="portal_account", subject_id=record.principal_id,
        university_id=record.university_id, kind=record.kind,
    )  # fmt: skip


def end_sessions(session: Session, clock: Clock, tokens: list[str], *, kind: str) -> int:
    """End every live student session of ``kind`` among ``tokens``; how many were ended.

    Sign-out ends all the sessions a browser sent: beside its own cookie it may carry one of the
    same name planted for a parent domain or path, and the page was shown with either of them.
    """
    hashes = {secrets.token_hash(token) for token in tokens if token}
    if not hashes:
        return 0
    records = session.scalars(
        select(WebSession).where(
            WebSession.token_hash.in_(hashes),
            WebSession.kind == kind,
            WebSession.principal == STUDENT,
            WebSession.ended_at.is_(None),
        )
    ).all()
    for record in records:
        end_session(session, clock, record)
    return len(records)


def csrf_matches(record: WebSession, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(record.csrf_token, given or "")


@dataclass(frozen=True)
class Student:
    """Who is signed in: the account, the person and the study the portal shows."""

    account: PortalAccount
    person: Person
    study: Study
    university: University
    session: WebSession

    @property
    def actor(self) -> str:
        """Who did it, as the audit log names a student."""
        return f"student:{self.account.id}"


def current_study(session: Session, person: Person) -> Study | None:
    """The study the portal shows: the newest one with an album number, else the newest."""
    studies = session.scalars(
        select(Study)
        .where(Study.person_id == person.id)
        .order_by(Study.album_number.is_(None), Study.started_on.desc(), Study.id.desc())
    ).all()
    return studies[0] if studies else None


def signed_in(session: Session, clock: Clock, token: str | None, *, kind: str) -> Student | None:
    """The student of a live session ``token`` (touched), read in two queries; ``None`` when
    the token is unknown, ended, expired or idle."""
    if not token:
        return None
    row = session.execute(
        select(WebSession, PortalAccount, Person, University)
        .join(PortalAccount, PortalAccount.id == WebSession.principal_id)
        .join(Person, Person.id == PortalAccount.person_id)
        .join(University, University.id == PortalAccount.university_id)
        .where(
            WebSession.token_hash == secrets.token_hash(token),
            WebSession.kind == kind,
            WebSession.principal == STUDENT,
        )
    ).first()
    if row is None:
        return None
    record, account, person, university = row
    now = clock.now()
    if (
        record.ended_at is not None
        or record.expires_at <= now
        or record.last_seen_at + IDLE_LIMIT[kind] <= now
    ):
        return None
    if now - record.last_seen_at >= TOUCH_EVERY:
        session.execute(
            update(WebSession).where(WebSession.id == record.id).values(last_seen_at=now)
        )
    study = current_study(session, person)
    return Student(account, person, study, university, record) if study else None
