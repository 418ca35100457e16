"""Writing to the outbox: in the event's transaction, in the student's language, once per event."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import event, select

from legitka.clock import FixedClock
from legitka.notifications import Kind, notify
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import Notification, PortalAccount
from legitka.registry.services import people
from legitka.runtime import Runtime
from tests.notifications.conftest import FEE, Register, failing_event, notifications, person


def tell(runtime: Runtime, clock: FixedClock, register: Register, key: str = "charge:1:due:x"):
    with transaction(runtime.sessions) as session:
        written = notify(
            session, clock, person=person(session, register), kind=Kind.FEE_DUE,
            event_key=key, params=FEE,
        )  # fmt: skip
        return written.id if written is not None else None


def test_a_notification_is_written_ready_to_send(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    assert tell(runtime, clock, register) is not None
    [row] = notifications(runtime)
    assert row.kind == "fee_due"
    assert row.event_key == "charge:1:due:x"
    assert row.recipient == "anna@example.org"
    assert row.locale == "pl"  # no language chosen in the portal yet: the university's default
    assert row.subject == "Opłata za legitymację studencką: wpłać 22,00 zł do 29 listopada 2026"
    assert "Politechnika Testowa" in row.body
    assert row.person_id == register.person_id and row.university_id == register.university_id
    assert row.created_at == clock.now() and row.next_attempt_at == clock.now()
    assert row.sent_at is None and row.attempts == 0 and row.last_error is None


def test_the_same_event_is_told_once(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    assert tell(runtime, clock, register) is not None
    clock.advance(dt.timedelta(days=1))
    assert tell(runtime, clock, register) is None
    with transaction(runtime.sessions) as session:
        # Twice in one transaction, too.
        first = notify(
            session, clock, person=person(session, register), kind=Kind.FEE_DUE,
            event_key="charge:1:due:y", params=FEE,
        )  # fmt: skip
        second = notify(
            session, clock, person=person(session, register), kind=Kind.FEE_DUE,
            event_key="charge:1:due:y", params=FEE,
        )  # fmt: skip
        assert first is not None and second is None
    assert [n.event_key for n in notifications(runtime)] == ["charge:1:due:x", "charge:1:due:y"]


def test_the_students_language_is_the_one_last_used_in_the_portal(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    with transaction(runtime.sessions) as session:
        account = people.set_portal_password(
            session, clock, person(session, register), login="anna", password="long-password",
            actor="test",
        )  # fmt: skip
        account.locale = "en"
    tell(runtime, clock, register)
    [row] = notifications(runtime)
    assert row.locale == "en"
    assert row.subject == "Student ID card fee: pay 22,00 zł by 29 November 2026"
    assert "Test University" in row.body


def test_no_email_address_no_notification(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    with transaction(runtime.sessions) as session:
        people.change_personal_data(
            session, clock, person(session, register), email=None, actor="office"
        )
    assert tell(runtime, clock, register) is None
    assert notifications(runtime) == []


def test_an_event_that_rolls_back_leaves_no_notification(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    with pytest.raises(RuntimeError):
        failing_event(runtime, clock, register)
    assert notifications(runtime) == []


def test_two_transactions_racing_to_tell_one_event_write_one_row(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    """On PostgreSQL the second writer checks before the first commits, so its insert meets the
    unique key: the savepoint takes the failed insert back and the rest of its transaction
    commits. SQLite takes the write lock at BEGIN: the second writer waits for the first to
    commit, and its check finds the row. Either way: one row, and no error for anybody."""
    other_engine = make_engine(runtime.settings.effective_database_url)
    inserting = threading.Event()

    @event.listens_for(other_engine, "before_cursor_execute")
    def _watch(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS"):
            inserting.set()

    outcome: dict[str, object] = {}

    def second_writer() -> None:
        try:
            with transaction(session_factory(other_engine)) as session:
                racing = notify(
                    session, clock, person=person(session, register), kind=Kind.FEE_DUE,
                    event_key="charge:1:due:x", params=FEE,
                )  # fmt: skip
                other = notify(
                    session, clock, person=person(session, register), kind=Kind.FEE_DUE,
                    event_key="charge:2:due:x", params=FEE,
                )  # fmt: skip
                outcome["racing"], outcome["other"] = racing, other
        except Exception as exc:  # pragma: no cover - reported below
            outcome["error"] = exc

    with transaction(runtime.sessions) as first:
        assert notify(
            first, clock, person=person(first, register), kind=Kind.FEE_DUE,
            event_key="charge:1:due:x", params=FEE,
        ) is not None  # fmt: skip
        thread = threading.Thread(target=second_writer)
        thread.start()
        if first.get_bind().dialect.name == "postgresql":
            assert inserting.wait(30), "the second writer never tried to insert"
    # The first transaction has committed; the second writer's insert now fails on the key.
    thread.join(60)
    other_engine.dispose()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["racing"] is None
    assert outcome["other"] is not None
    keys = [n.event_key for n in notifications(runtime)]
    assert keys == ["charge:1:due:x", "charge:2:due:x"]


def test_the_outbox_table_keeps_one_row_per_event_key(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    tell(runtime, clock, register, "order:1:ready")
    tell(runtime, clock, register, "order:1:ready")
    tell(runtime, clock, register, "order:1:error")
    with runtime.sessions() as session:
        keys = session.scalars(select(Notification.event_key).order_by(Notification.id)).all()
        assert keys == ["order:1:ready", "order:1:error"]
        assert session.scalar(select(PortalAccount)) is None
