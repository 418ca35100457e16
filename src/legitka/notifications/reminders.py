"""Reminders found by scanning the register: an mLegitymacja about to lapse, a card fee due.

The worker scans at most once an hour. The time of the last scan is the newest
``notifications.reminders_scanned`` audit event, so every worker process on every machine sees
it; two workers scanning at the same moment are harmless, as every reminder's ``event_key`` is
told once. Each scan goes through the register in batches, one transaction per batch.

- ``validity_ending``: an *active* mLegitymacja whose validity date (a Warsaw date) is today or
  within the next 14 days; one e-mail per mLegitymacja and validity date, so an extended one is
  reminded again before its new date.
- ``fee_due``: an ELS card fee (or duplicate fee) still due whose deadline is within the next 7
  days or has passed; one e-mail per charge and deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock, local_today
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.mobile_ids import MobileIdStatus
from legitka.notifications.messages import Kind
from legitka.notifications.outbox import notify
from legitka.registry import audit
from legitka.registry.db import transaction
from legitka.registry.models import (
    AuditEvent,
    Charge,
    MobileId,
    Notification,
    Person,
    University,
)

SCAN_ACTION = "notifications.reminders_scanned"
SCAN_EVERY = dt.timedelta(hours=1)
VALIDITY_DAYS = 14
FEE_DAYS = 7
CARD_FEES = (ChargeKind.ELS, ChargeKind.ELS_DUPLICATE)
BATCH = 200

Row = TypeVar("Row", MobileId, Charge)


def last_scan(session: Session) -> dt.datetime | None:
    return session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.action == SCAN_ACTION)
        .order_by(AuditEvent.at.desc())
        .limit(1)
    )


def scan_due(session: Session, clock: Clock) -> bool:
    """Whether an hour has passed since the last scan (or there was none)."""
    last = last_scan(session)
    return last is None or last <= clock.now() - SCAN_EVERY


def validity_key(mobile_id: MobileId) -> str:
    return f"mobile_id:{mobile_id.id}:ends:{mobile_id.valid_until.isoformat()}"


def fee_key(charge: Charge) -> str:
    assert charge.due_date is not None
    return f"charge:{charge.id}:due:{charge.due_date.isoformat()}"


def _ending(today: dt.date) -> Select[Any]:
    return select(MobileId).where(
        MobileId.status == MobileIdStatus.ACTIVE,
        MobileId.valid_until >= today,
        MobileId.valid_until <= today + dt.timedelta(days=VALIDITY_DAYS),
    )


def _fees_due(today: dt.date) -> Select[Any]:
    return select(Charge).where(
        Charge.status == ChargeStatus.DUE,
        Charge.kind.in_(CARD_FEES),
        Charge.due_date.is_not(None),
        Charge.due_date <= today + dt.timedelta(days=FEE_DAYS),
    )


def _tell_validity(session: Session, clock: Clock, mobile_id: MobileId, today: dt.date) -> bool:
    university = session.get_one(University, mobile_id.university_id)
    told = notify(
        session, clock, person=session.get_one(Person, mobile_id.person_id),
        kind=Kind.VALIDITY_ENDING, event_key=validity_key(mobile_id),
        params={"valid_until": mobile_id.valid_until, "policy": university.policy.value},
    )  # fmt: skip
    return told is not None


def _tell_fee(session: Session, clock: Clock, charge: Charge, today: dt.date) -> bool:
    if charge.outstanding_grosze <= 0 or charge.due_date is None:
        return False
    told = notify(
        session, clock, person=session.get_one(Person, charge.person_id),
        kind=Kind.FEE_DUE, event_key=fee_key(charge),
        params={
            "amount": charge.outstanding_grosze, "due_date": charge.due_date,
            "account": charge.account_number, "charge_kind": charge.kind.value,
            "overdue": charge.due_date < today,
        },
    )  # fmt: skip
    return told is not None


def _scan(
    sessions: sessionmaker[Session],
    clock: Clock,
    query: Select[Any],
    model: Any,
    key: Callable[[Row], str],
    tell: Callable[[Session, Clock, Row, dt.date], bool],
) -> int:
    """Tell every row of ``query`` not told yet, ``BATCH`` rows per transaction."""
    today = local_today(clock)
    after = 0
    told = 0
    while True:
        with transaction(sessions) as session:
            rows: Sequence[Row] = session.scalars(
                query.where(model.id > after).order_by(model.id).limit(BATCH)
            ).all()
            if not rows:
                return told
            after = rows[-1].id
            keys = {row.id: key(row) for row in rows}
            known = set(
                session.scalars(
                    select(Notification.event_key).where(
                        Notification.event_key.in_(list(keys.values()))
                    )
                )
            )
            for row in rows:
                if keys[row.id] not in known and tell(session, clock, row, today):
                    told += 1


def scan(sessions: sessionmaker[Session], clock: Clock, *, actor: str) -> dict[str, int]:
    """Write every reminder that is due now; returns how many of each kind were written."""
    today = local_today(clock)
    counts = {
        Kind.VALIDITY_ENDING.value: _scan(
            sessions, clock, _ending(today), MobileId, validity_key, _tell_validity
        ),
        Kind.FEE_DUE.value: _scan(sessions, clock, _fees_due(today), Charge, fee_key, _tell_fee),
    }
    with transaction(sessions) as session:
        audit.record(
            session, clock, actor=actor, action=SCAN_ACTION, subject_type="notifications",
            subject_id=None, university_id=None, **counts,
        )  # fmt: skip
    return counts


def scan_if_due(
    sessions: sessionmaker[Session], clock: Clock, *, actor: str
) -> dict[str, int] | None:
    """Scan when the last scan is an hour old or more; ``None`` when it is not time yet."""
    with transaction(sessions) as session:
        if not scan_due(session, clock):
            return None
    return scan(sessions, clock, actor=actor)
