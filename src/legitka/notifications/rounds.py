"""The worker's step for e-mail: write the reminders that are due, then send the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock
from legitka.config import Settings
from legitka.notifications import reminders, sender
from legitka.registry.db import transaction


def mail_round(
    sessions: sessionmaker[Session], clock: Clock, settings: Settings, *, worker: str
) -> int:
    """One round: the hourly reminder scan when it is due, then delivery of what is waiting.

    An idle round costs one short transaction. Returns how many notifications were sent (or
    kept in the outbox without SMTP).
    """
    with transaction(sessions) as session:
        scan = reminders.scan_due(session, clock)
        deliver = scan or sender.waiting(session, clock)
    if scan:
        reminders.scan(sessions, clock, actor=worker)
    return sender.deliver(sessions, clock, settings) if deliver else 0
