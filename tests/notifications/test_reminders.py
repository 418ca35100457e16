"""The hourly scan for card fees due: a reminder a week before the deadline, once per deadline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.domain.accounts import format_nrb
from legitka.domain.fees import ChargeKind
from legitka.notifications import reminders
from legitka.registry.db import transaction
from legitka.registry.models import AuditEvent, Charge
from legitka.registry.services import fees
from legitka.runtime import Runtime
from tests.notifications.conftest import Register, notifications, person

TODAY = dt.date(2026, 11, 22)  # the clock's date in Warsaw


def charge(
    runtime: Runtime,
    clock: FixedClock,
    register: Register,
    due: dt.date,
    kind: ChargeKind = ChargeKind.ELS,
    amount: int = 2200,
) -> int:
    with transaction(runtime.sessions) as session:
        row = fees.add_charge(
            session, clock, person(session, register), kind=kind, amount_grosze=amount,
            due_date=due, actor="office",
        )  # fmt: skip
        return row.id


def scan(runtime: Runtime) -> dict[str, int] | None:
    return reminders.scan_if_due(runtime.sessions, runtime.clock, actor="worker:test")


def test_a_fee_is_reminded_seven_days_before_its_deadline_once(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    charge_id = charge(runtime, clock, register, TODAY + dt.timedelta(days=10))
    assert scan(runtime) == {"validity_ending": 0, "fee_due": 0}
    clock.advance(dt.timedelta(days=2, hours=12, minutes=30))  # 24 November, 23:30 in Warsaw
    assert scan(runtime) == {"validity_ending": 0, "fee_due": 0}  # 8 days left
    clock.advance(dt.timedelta(hours=1))  # 25 November in Warsaw (still the 24th in UTC)
    assert clock.now().date() == dt.date(2026, 11, 24)
    result = scan(runtime)
    assert result == {"validity_ending": 0, "fee_due": 1}
    [row] = notifications(runtime)
    assert row.kind == "fee_due"
    assert row.event_key == f"charge:{charge_id}:due:2026-12-02"
    with runtime.sessions() as session:
        account = session.get_one(Charge, charge_id).account_number
    assert row.subject == "Opłata za legitymację studencką: wpłać 22,00 zł do 2 grudnia 2026"
    assert format_nrb(account) in row.body
    # Every hour the scan runs again; the reminder is not repeated, not even after the deadline.
    for _ in range(3):
        clock.advance(dt.timedelta(days=5))
        assert scan(runtime) == {"validity_ending": 0, "fee_due": 0}
    assert len(notifications(runtime)) == 1


def test_an_overdue_fee_is_reminded_and_a_paid_one_is_not(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    overdue = charge(
        runtime, clock, register, TODAY - dt.timedelta(days=30), ChargeKind.ELS_DUPLICATE, 3300
    )
    paid = charge(runtime, clock, register, TODAY + dt.timedelta(days=3))
    with transaction(runtime.sessions) as session:
        fees.record_manual_payment(
            session, clock, person(session, register), amount_grosze=3300 + 2200,
            booked_on=TODAY, note=None, actor="office",
        )  # fmt: skip
    with runtime.sessions() as session:
        assert session.get_one(Charge, overdue).outstanding_grosze == 0
        assert session.get_one(Charge, paid).outstanding_grosze == 0
    assert scan(runtime) == {"validity_ending": 0, "fee_due": 0}
    third = charge(
        runtime, clock, register, TODAY - dt.timedelta(days=1), ChargeKind.ELS_DUPLICATE, 3300
    )
    clock.advance(reminders.SCAN_EVERY)
    assert scan(runtime) == {"validity_ending": 0, "fee_due": 1}
    [row] = notifications(runtime)
    assert row.event_key == f"charge:{third}:due:2026-11-21"
    assert row.subject == "Opłata za legitymację studencką: termin 21 listopada 2026 minął"
    assert "za duplikat plastikowej legitymacji studenckiej (ELS)" in row.body
    assert "33,00 zł" in row.body


def test_the_scan_runs_at_most_once_an_hour_and_remembers_it_in_the_audit_log(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    assert scan(runtime) is not None
    clock.advance(reminders.SCAN_EVERY - dt.timedelta(seconds=1))
    assert scan(runtime) is None
    clock.advance(dt.timedelta(seconds=1))
    assert scan(runtime) is not None
    with runtime.sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == reminders.SCAN_ACTION)
        ).all()
    assert [e.actor for e in events] == ["worker:test", "worker:test"]
    assert events[-1].details == {"validity_ending": 0, "fee_due": 0}
    assert events[-1].at == clock.now()


def test_many_fees_are_scanned_in_batches(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    for _ in range(reminders.BATCH + 5):
        charge(runtime, clock, register, TODAY + dt.timedelta(days=1), amount=100)
    assert scan(runtime) == {"validity_ending": 0, "fee_due": reminders.BATCH + 5}
    assert len({n.event_key for n in notifications(runtime)}) == reminders.BATCH + 5
