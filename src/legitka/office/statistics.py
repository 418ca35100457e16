"""Counts for the console's reports: active mobile IDs, orders per day, ended IDs by reason."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legitka.clock import WARSAW, Clock, local_today
from legitka.domain.mobile_ids import MobileIdStatus
from legitka.registry.models import MobileId, Order

DAYS = 30
ENDINGS = (MobileIdStatus.REVOKED, MobileIdStatus.CANCELLED, MobileIdStatus.SUSPENDED)


@dataclass(frozen=True)
class Report:
    active_mobile_ids: int
    orders_per_day: list[tuple[dt.date, int]]  # the last DAYS days, oldest first, today last
    revocations: list[tuple[str, str, int, int]]  # status, reason, in DAYS days, ever

    @property
    def orders_total(self) -> int:
        return sum(count for _day, count in self.orders_per_day)


def report(session: Session, clock: Clock, university_id: int) -> Report:
    today = local_today(clock)
    first = today - dt.timedelta(days=DAYS - 1)
    since = dt.datetime.combine(first, dt.time(0), WARSAW).astimezone(dt.UTC)
    active = session.scalar(
        select(func.count())
        .select_from(MobileId)
        .where(MobileId.university_id == university_id, MobileId.status == MobileIdStatus.ACTIVE)
    )
    days: Counter[dt.date] = Counter(
        moment.astimezone(WARSAW).date()
        for moment in session.scalars(
            select(Order.created_at).where(
                Order.university_id == university_id, Order.created_at >= since
            )
        )
    )
    per_day = [(first + dt.timedelta(days=n), 0) for n in range(DAYS)]
    per_day = [(day, days.get(day, 0)) for day, _ in per_day]
    ended = session.execute(
        select(MobileId.status, MobileId.reason, MobileId.status_changed_at).where(
            MobileId.university_id == university_id, MobileId.status.in_(ENDINGS)
        )
    ).all()
    ever: Counter[tuple[str, str]] = Counter()
    recent: Counter[tuple[str, str]] = Counter()
    for status, reason, changed_at in ended:
        key = (MobileIdStatus(status).value, reason or "")
        ever[key] += 1
        if changed_at >= since:
            recent[key] += 1
    revocations = [(s, r, recent[(s, r)], n) for (s, r), n in sorted(ever.items())]
    return Report(int(active or 0), per_day, revocations)
