"""Sending the outbox after the commit: claim, send over SMTP, mark, retry with backoff.

A notification's delivery state lives in its own columns, so that any number of workers can share
the outbox:

============================  =====================================================================
state                         columns
============================  =====================================================================
waiting                       ``sent_at`` empty, ``next_attempt_at`` set (due when it has passed)
being sent (leased)           as waiting, ``next_attempt_at`` = claim time + lease, ``attempts`` + 1
sent by e-mail                ``sent_at`` set, ``attempts`` ≥ 1
kept in the outbox only       ``sent_at`` set, ``attempts`` = 0 (no ``smtp_host`` configured)
given up                      ``sent_at`` empty, ``next_attempt_at`` empty, ``last_error`` says why
============================  =====================================================================

A claim is a conditional update on the attempt count the worker read (on PostgreSQL the rows are
first locked with ``FOR UPDATE SKIP LOCKED``), so two workers never claim the same notification;
the lease (``next_attempt_at`` in the future) keeps others away while it is being sent, and lets
another worker take it up if this one dies. The lease outlasts a whole batch of SMTP timeouts.
A failure waits 1, 5, 30 minutes, then 2, 6, 12 and 24 hours; after 8 attempts (about two days)
the notification is given up, and at once when the server refuses the recipient for good.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock
from legitka.config import Settings
from legitka.notifications.messages import fill_base_url
from legitka.notifications.smtp import (
    Connection,
    DeliveryError,
    SmtpConfig,
    build_message,
    message_id,
)
from legitka.registry.db import transaction
from legitka.registry.models import Notification

logger = logging.getLogger("legitka.notifications")

BATCH = 20
LEASE = dt.timedelta(minutes=15)
# The last message of a batch is not started when less than this is left of the lease.
LEASE_MARGIN = dt.timedelta(minutes=2)
BACKOFF = tuple(dt.timedelta(minutes=m) for m in (1, 5, 30, 2 * 60, 6 * 60, 12 * 60, 24 * 60))
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Claimed:
    """A notification this worker holds: ``attempt`` is its attempt count after the claim."""

    id: int
    attempt: int
    lease_until: dt.datetime
    event_key: str
    recipient: str
    subject: str
    body: str
    locale: str
    created_at: dt.datetime


def backoff(attempt: int) -> dt.timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, …)."""
    return BACKOFF[min(attempt, len(BACKOFF)) - 1]


def _due(now: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        Notification.sent_at.is_(None),
        Notification.next_attempt_at.is_not(None),
        Notification.next_attempt_at <= now,
    )


def waiting(session: Session, clock: Clock) -> bool:
    """Whether any notification is due for delivery now."""
    found = session.scalar(select(Notification.id).where(*_due(clock.now())).limit(1))
    return found is not None


def claim(sessions: sessionmaker[Session], clock: Clock, *, limit: int = BATCH) -> list[Claimed]:
    """Take up to ``limit`` notifications that are due, each with a lease in this worker's hands."""
    claimed: list[Claimed] = []
    with transaction(sessions) as session:
        now = clock.now()
        lease_until = now + LEASE
        query = (
            select(Notification.id, Notification.attempts)
            .where(*_due(now), Notification.attempts < MAX_ATTEMPTS)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for notification_id, attempts in session.execute(query).all():
            result = session.execute(
                update(Notification)
                .where(
                    Notification.id == notification_id,
                    Notification.attempts == attempts,
                    *_due(now),
                )
                .values(attempts=attempts + 1, next_attempt_at=lease_until)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                continue  # another worker was quicker
            row = session.get_one(Notification, notification_id)
            claimed.append(
                Claimed(
                    id=row.id, attempt=attempts + 1, lease_until=lease_until,
                    event_key=row.event_key, recipient=row.recipient, subject=row.subject,
                    body=row.body, locale=row.locale, created_at=row.created_at,
                )
            )  # fmt: skip
    return claimed


def mark_sent(sessions: sessionmaker[Session], clock: Clock, item: Claimed) -> None:
    with transaction(sessions) as session:
        session.execute(
            update(Notification)
            .where(Notification.id == item.id, Notification.sent_at.is_(None))
            .values(sent_at=clock.now(), next_attempt_at=None, last_error=None)
        )


def mark_failed(
    sessions: sessionmaker[Session], clock: Clock, item: Claimed, error: DeliveryError
) -> None:
    """Record why ``item`` was not sent, and when to try again (or that it is given up)."""
    give_up = error.permanent or item.attempt >= MAX_ATTEMPTS
    retry_at = None if give_up else clock.now() + backoff(item.attempt)
    with transaction(sessions) as session:
        session.execute(
            update(Notification)
            .where(
                Notification.id == item.id,
                Notification.attempts == item.attempt,
                Notification.sent_at.is_(None),
            )
            .values(last_error=error.summary, next_attempt_at=retry_at)
        )
    logger.warning(
        "notification %s not sent (attempt %s): %s; %s",
        item.id, item.attempt, error.summary,
        "given up" if give_up else f"next attempt at {retry_at:%Y-%m-%d %H:%M}Z",
    )  # fmt: skip


def release(sessions: sessionmaker[Session], clock: Clock, items: list[Claimed]) -> None:
    """Give back notifications claimed but not tried, without counting an attempt."""
    with transaction(sessions) as session:
        for item in items:
            session.execute(
                update(Notification)
                .where(
                    Notification.id == item.id,
                    Notification.attempts == item.attempt,
                    Notification.sent_at.is_(None),
                )
                .values(attempts=item.attempt - 1, next_attempt_at=clock.now())
            )


def keep_in_outbox(sessions: sessionmaker[Session], clock: Clock) -> int:
    """Without an SMTP server, every due notification is marked as kept in the outbox only."""
    with transaction(sessions) as session:
        now = clock.now()
        result = session.execute(
            update(Notification)
            .where(*_due(now))
            .values(sent_at=now, next_attempt_at=None, attempts=0)
        )
        count: int = result.rowcount  # type: ignore[attr-defined]
    if count:
        logger.info("%s e-mails kept in the outbox: no smtp_host is configured", count)
    return count


def send_batch(
    sessions: sessionmaker[Session],
    clock: Clock,
    config: SmtpConfig,
    mail_from: str,
    base_url: str,
    batch: list[Claimed],
) -> int:
    """Send the claimed ``batch`` over one SMTP connection; returns how many were sent."""
    sent = 0
    try:
        with Connection(config) as smtp:
            for index, item in enumerate(batch):
                if clock.now() >= item.lease_until - LEASE_MARGIN:
                    release(sessions, clock, batch[index:])
                    break
                message = build_message(
                    mail_from=mail_from, recipient=item.recipient, subject=item.subject,
                    body=fill_base_url(item.body, base_url), locale=item.locale,
                    written_at=item.created_at,
                    message_id=message_id(item.id, item.event_key, mail_from),
                )  # fmt: skip
                try:
                    smtp.send(message)
                except DeliveryError as exc:
                    mark_failed(sessions, clock, item, exc)
                else:
                    mark_sent(sessions, clock, item)
                    sent += 1
    except DeliveryError as exc:  # opening: the server could not be reached or refused us
        for item in batch:
            mark_failed(sessions, clock, item, exc)
    return sent


def deliver(sessions: sessionmaker[Session], clock: Clock, settings: Settings) -> int:
    """Send (or, without SMTP, keep) what is due; returns how many notifications were handled."""
    config = SmtpConfig.from_settings(settings)
    if config is None:
        return keep_in_outbox(sessions, clock)
    batch = claim(sessions, clock)
    if not batch:
        return 0
    return send_batch(
        sessions, clock, config, settings.mail_from, settings.effective_base_url, batch
    )
