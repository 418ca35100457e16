"""Real delivery to an SMTP server on loopback: once, intact, after the commit, retried."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import update

from legitka.clock import FixedClock
from legitka.notifications import Kind, notify, sender
from legitka.registry.db import transaction
from legitka.registry.models import Notification
from legitka.runtime import Runtime
from legitka.worker import drain
from tests.notifications.conftest import (
    FEE,
    FEE_SUBJECT,
    Register,
    SmtpServer,
    failing_event,
    notifications,
    person,
    with_smtp,
    write,
)


def deliver(runtime: Runtime) -> int:
    return sender.deliver(runtime.sessions, runtime.clock, runtime.settings)


def test_the_worker_sends_each_message_once_with_its_polish_subject_intact(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server, base_url="https://id.example.edu")
    write(runtime, clock, register, "charge:1:due:a", "charge:1:due:b")
    done = drain(mailing)
    assert done.mailed == 2
    assert drain(mailing).mailed == 0
    received = smtp_server.mailbox.received
    assert len(received) == 2
    envelope = received[0]
    assert envelope.mail_from == "no-reply@id.example.edu"
    assert envelope.rcpt_tos == ["anna@example.org"]
    message = envelope.message
    assert message["Subject"] == FEE_SUBJECT
    assert message["From"] == "Politechnika Testowa <no-reply@id.example.edu>"
    assert message["To"] == "anna@example.org"
    assert message["Content-Language"] == "pl"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Message-ID"].endswith("@id.example.edu>")
    assert message["Date"].datetime == clock.now()
    body = message.get_content()
    assert body.startswith("Dzień dobry,")
    assert "Portal studenta: https://id.example.edu/u/pd/student/" in body
    assert "{base_url}" not in body
    assert len({r.message["Message-ID"] for r in received}) == 2
    for row in notifications(runtime):
        assert row.sent_at == clock.now() and row.attempts == 1 and row.last_error is None


def test_a_failing_server_is_retried_later_and_nothing_is_sent_twice(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    write(runtime, clock, register, "charge:1:due:a")
    smtp_server.stop()
    assert deliver(mailing) == 0
    [row] = notifications(runtime)
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error == "ConnectionRefusedError"
    assert row.next_attempt_at == clock.now() + dt.timedelta(minutes=1)
    smtp_server.start()
    assert deliver(mailing) == 0  # not before its time
    clock.advance(dt.timedelta(seconds=59))
    assert deliver(mailing) == 0
    clock.advance(dt.timedelta(seconds=1))
    assert deliver(mailing) == 1
    assert deliver(mailing) == 0
    clock.advance(dt.timedelta(days=3))
    assert deliver(mailing) == 0
    assert len(smtp_server.mailbox.received) == 1
    [row] = notifications(runtime)
    assert row.sent_at == clock.now() - dt.timedelta(days=3) and row.attempts == 2
    assert row.last_error is None


def test_backoff_grows_and_delivery_is_given_up_after_eight_attempts(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    write(runtime, clock, register, "charge:1:due:a")
    smtp_server.stop()
    waits = []
    for attempt in range(1, sender.MAX_ATTEMPTS + 1):
        assert deliver(mailing) == 0
        [row] = notifications(runtime)
        assert row.attempts == attempt
        if row.next_attempt_at is None:
            break
        waits.append(row.next_attempt_at - clock.now())
        clock.advance(waits[-1])
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [1, 5, 30, 120, 360, 720, 1440]
    [row] = notifications(runtime)
    assert row.attempts == sender.MAX_ATTEMPTS and row.next_attempt_at is None
    assert row.sent_at is None and row.last_error == "ConnectionRefusedError"
    smtp_server.start()
    clock.advance(dt.timedelta(days=30))
    assert deliver(mailing) == 0
    assert smtp_server.mailbox.received == []


def test_a_recipient_refused_for_good_is_given_up_at_once_without_personal_data(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    smtp_server.mailbox.refused.add("anna@example.org")
    mailing = with_smtp(runtime, smtp_server, smtp_username=None)
    write(runtime, clock, register, "charge:1:due:a")
    assert deliver(mailing) == 0
    [row] = notifications(runtime)
    assert row.next_attempt_at is None and row.attempts == 1
    assert row.last_error == "SMTPRecipientsRefused 550"
    assert "anna" not in row.last_error


def test_a_login_failure_records_no_password(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    from pydantic import SecretStr

    mailing = with_smtp(
        runtime, smtp_server, smtp_username="legitka", smtp_password=SecretStr("hunter2-secret")
    )
    write(runtime, clock, register, "charge:1:due:a")
    assert deliver(mailing) == 0  # the test server offers no login over a plain connection
    [row] = notifications(runtime)
    assert row.last_error is not None and row.last_error.startswith("SMTP")
    assert "hunter2" not in row.last_error and "legitka" not in row.last_error
    assert row.next_attempt_at == clock.now() + dt.timedelta(minutes=1)


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    with pytest.raises(RuntimeError):
        failing_event(runtime, clock, register)
    assert deliver(mailing) == 0
    with transaction(runtime.sessions) as session:
        notify(
            session, clock, person=person(session, register), kind=Kind.FEE_DUE,
            event_key="charge:1:due:committed", params=FEE,
        )  # fmt: skip
        session.flush()
        if session.get_bind().dialect.name == "postgresql":
            # Another worker does not see the row until the event commits.
            assert deliver(mailing) == 0
    assert deliver(mailing) == 1
    assert len(smtp_server.mailbox.received) == 1


def test_a_claim_is_a_lease_no_second_worker_sends_it_and_a_dead_worker_is_replaced(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    write(runtime, clock, register, "charge:1:due:a")
    [held] = sender.claim(runtime.sessions, clock)  # this worker dies before sending
    assert sender.claim(runtime.sessions, clock) == []
    assert deliver(mailing) == 0
    clock.advance(sender.LEASE - dt.timedelta(seconds=1))
    assert deliver(mailing) == 0
    clock.advance(dt.timedelta(seconds=1))
    assert deliver(mailing) == 1
    # The dead worker wakes up: its claim is no longer its own, so it cannot undo the state.
    sender.mark_failed(runtime.sessions, clock, held, sender.DeliveryError("TimeoutError"))
    [row] = notifications(runtime)
    assert row.sent_at is not None and row.attempts == 2 and row.last_error is None
    assert len(smtp_server.mailbox.received) == 1


def test_two_workers_at_once_send_every_message_once(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    keys = [f"charge:{n}:due:a" for n in range(30)]
    write(runtime, clock, register, *keys)
    counts: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while (done := deliver(mailing)) > 0:
                counts.append(done)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(60)
    assert errors == []
    assert sum(counts) == 30
    received_ids = [r.message["Message-ID"] for r in smtp_server.mailbox.received]
    assert len(received_ids) == 30 and len(set(received_ids)) == 30
    assert all(row.sent_at is not None for row in notifications(runtime))


def test_without_smtp_host_messages_stay_in_the_outbox(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    assert runtime.settings.smtp_host is None
    write(runtime, clock, register, "charge:1:due:a")
    assert drain(runtime).mailed == 1
    [row] = notifications(runtime)
    assert row.sent_at == clock.now() and row.attempts == 0 and row.next_attempt_at is None
    assert drain(runtime).mailed == 0


def test_a_lease_running_out_mid_batch_gives_the_rest_back(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    write(runtime, clock, register, "charge:1:due:a", "charge:1:due:b")
    batch = sender.claim(runtime.sessions, clock)
    clock.advance(sender.LEASE - sender.LEASE_MARGIN)
    config = sender.SmtpConfig.from_settings(mailing.settings)
    assert config is not None
    sent = sender.send_batch(
        runtime.sessions, clock, config, mailing.settings.mail_from, "http://x", batch
    )
    assert sent == 0
    rows = notifications(runtime)
    assert [(r.attempts, r.next_attempt_at) for r in rows] == [(0, clock.now())] * 2
    assert deliver(mailing) == 2


def test_a_given_up_notification_is_never_claimed(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    mailing = with_smtp(runtime, smtp_server)
    write(runtime, clock, register, "charge:1:due:a")
    with transaction(runtime.sessions) as session:
        session.execute(update(Notification).values(next_attempt_at=None))
    assert deliver(mailing) == 0
