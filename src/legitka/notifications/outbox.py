"""Writing an e-mail into the outbox, in the transaction of the event it tells about.

A :class:`~legitka.registry.models.Notification` row is added to the caller's session: it exists
only if the event commits, and the worker sends it after the commit. Its ``event_key`` is unique,
so an event is told once: a second call with the same key does nothing, and two transactions
racing to tell the same event end with one row (the loser's insert fails inside a savepoint and
the rest of its transaction goes on).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.i18n import DEFAULT_LOCALE, normalize_locale
from legitka.notifications.messages import Kind, render
from legitka.registry.models import Notification, Person, PortalAccount, University


def locale_of(session: Session, person: Person) -> str:
    """The student's language: the one last used in the portal, else the university default."""
    chosen = session.scalar(
        select(PortalAccount.locale).where(PortalAccount.person_id == person.id)
    )
    return normalize_locale(chosen) if chosen else DEFAULT_LOCALE


def exists(session: Session, event_key: str) -> bool:
    found = session.scalar(select(Notification.id).where(Notification.event_key == event_key))
    return found is not None


def notify(
    session: Session,
    clock: Clock,
    *,
    person: Person,
    kind: Kind,
    event_key: str,
    params: Mapping[str, Any],
) -> Notification | None:
    """Put an e-mail about event ``event_key`` to ``person`` in the outbox.

    Returns the new row, or ``None`` when the person has no e-mail address or the event has been
    told already. Nothing is sent here: the worker sends after the commit.
    """
    if not person.email or exists(session, event_key):
        return None
    locale = locale_of(session, person)
    university = session.get_one(University, person.university_id)
    mail = render(kind, locale, params, university=university.name(locale), slug=university.slug)
    now = clock.now()
    notification = Notification(
        university_id=person.university_id,
        person_id=person.id,
        kind=Kind(kind).value,
        event_key=event_key,
        recipient=person.email,
        locale=locale,
        subject=mail.subject,
        body=mail.body,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    session.flush()  # the caller's own changes fail (or not) outside of our savepoint
    try:
        with session.begin_nested():
            session.add(notification)
            session.flush()
    except IntegrityError:
        # Another transaction told the same event between our check and our insert.
        return None
    return notification
