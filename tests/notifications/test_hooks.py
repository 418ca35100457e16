"""The issuer's events tell the student, over real HTTP with the demo register and real SMTP.

Orders are placed with the issuer's service and processed by the worker (``drain``); activation
goes through the Python holder against a served issuer, as a phone would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.domain.orders import REASON_MESSAGES, OrderReason
from legitka.domain.studies import StudyStatus
from legitka.i18n import translate
from legitka.issuer import mobile_ids, orders, processing
from legitka.registry.db import transaction
from legitka.registry.models import MobileId, Notification
from legitka.registry.services import people
from legitka.registry.services.students import find_study
from legitka.worker import drain
from tests.issuer.conftest import Issuer
from tests.live import issuer_runtime, serving
from tests.notifications.conftest import SmtpServer, with_smtp

ANNA = "anna.nowak@pd.example.org"  # the demo's eligible student at pd, album 100001
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def issuer(
    db_url: str, clock: FixedClock, tmp_path: Path, smtp_server: SmtpServer
) -> Iterator[Issuer]:
    runtime = with_smtp(issuer_runtime(db_url, clock, tmp_path / "data"), smtp_server)
    with serving(runtime) as base, httpx.Client(timeout=10) as http:
        yield Issuer(runtime, base, http, clock)
    runtime.close()


def told(issuer: Issuer, album: str = "100001") -> list[Notification]:
    """The notifications about orders and mLegitymacja of the student (not fee reminders)."""
    with issuer.runtime.sessions() as session:
        study = find_study(session, "pd", album)
        return list(
            session.scalars(
                select(Notification)
                .where(Notification.person_id == study.person_id, Notification.kind != "fee_due")
                .order_by(Notification.id)
            )
        )


def change_status(issuer: Issuer, status: StudyStatus) -> None:
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(
            session, issuer.clock, study, status, since=TODAY, actor="office"
        )


def test_a_ready_order_is_told_by_email_without_its_codes(
    issuer: Issuer, smtp_server: SmtpServer
) -> None:
    view = issuer.order()
    assert view["status"] == "ready"
    [note] = told(issuer)
    assert note.kind == "order_ready" and note.event_key == f"order:{view['id']}:ready"
    assert note.recipient == ANNA and note.locale == "pl"
    assert "są ważne do 22 grudnia 2026, 11:00" in note.body
    [mail] = smtp_server.mailbox.to(ANNA)
    assert mail["Subject"] == "Twoja mLegitymacja czeka na aktywację"
    body = mail.get_content()
    assert f"{issuer.base}/u/pd/student/" in body
    offer = view["offer"]
    for secret in (offer["activation_code"], offer["credential_offer_uri"], offer["qr_uri"]):
        assert secret not in body and secret not in note.body
    assert offer["credential_offer_uri"].rsplit("/", 1)[-1] not in body
    drain(issuer.runtime)
    assert len(told(issuer)) == 1 and len(smtp_server.mailbox.to(ANNA)) == 1


def test_the_students_own_cancellations_and_a_new_phone_tell_nothing(issuer: Issuer) -> None:
    first = issuer.order()
    with transaction(issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, issuer.clock, orders.get(session, first["id"]), actor="student")
    second = issuer.order()
    issuer.holder().activate(second["offer"]["qr_uri"], second["offer"]["activation_code"])
    third = issuer.order()
    issuer.holder().activate(third["offer"]["qr_uri"], third["offer"]["activation_code"])
    assert issuer.view(second["id"])["reason"] == "replaced"
    with transaction(issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, issuer.clock, orders.get(session, third["id"]), actor="student")
    drain(issuer.runtime)
    assert [n.kind for n in told(issuer)] == ["order_ready"] * 3


def test_suspension_and_removal_tell_the_reason_once_each(
    issuer: Issuer, smtp_server: SmtpServer
) -> None:
    view = issuer.order()
    issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    change_status(issuer, StudyStatus.SUSPENDED)
    change_status(issuer, StudyStatus.ACTIVE)  # reinstated: the mLegitymacja works again
    issuer.clock.advance(dt.timedelta(days=1))
    change_status(issuer, StudyStatus.SUSPENDED)  # a second suspension is a second event
    change_status(issuer, StudyStatus.REMOVED)
    drain(issuer.runtime)
    notes = told(issuer)
    assert [n.kind for n in notes] == ["order_ready", *["mobile_id_invalidated"] * 3]
    with issuer.runtime.sessions() as session:
        mobile_id = session.scalars(select(MobileId)).one()
    keys = [n.event_key for n in notes[1:]]
    assert keys[0].startswith(f"mobile_id:{mobile_id.id}:suspended:")
    assert keys[1].startswith(f"mobile_id:{mobile_id.id}:suspended:") and keys[1] != keys[0]
    assert keys[2] == f"mobile_id:{mobile_id.id}:revoked"
    suspended, _again, revoked = notes[1:]
    assert suspended.subject == "Twoja mLegitymacja została zawieszona"
    assert translate(REASON_MESSAGES[OrderReason.SUSPENDED], "pl") in suspended.body
    assert "gdy tylko zostaną przywrócone Twoje prawa studenta" in suspended.body
    assert revoked.subject == "Twoja mLegitymacja została unieważniona"
    assert translate(REASON_MESSAGES[OrderReason.STATUS_LOST], "pl") in revoked.body
    # The order's invalidation that follows the revocation is not told a second time.
    assert issuer.view(view["id"])["status"] == "invalidated"
    subjects = [m["Subject"] for m in smtp_server.mailbox.to(ANNA)]
    assert subjects.count("Twoja mLegitymacja została zawieszona") == 2
    assert subjects.count("Twoja mLegitymacja została unieważniona") == 1


def test_an_order_invalidated_before_activation_tells_why(issuer: Issuer) -> None:
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        order, _ = orders.place(session, issuer.clock, study, channel="portal", actor="student")
        order_id = order.id
    change_status(issuer, StudyStatus.SUSPENDED)
    [note] = told(issuer)
    assert note.kind == "order_invalidated" and note.event_key == f"order:{order_id}:invalidated"
    assert note.subject == "Uczelnia unieważniła Twoje zamówienie mLegitymacji"
    assert translate(REASON_MESSAGES[OrderReason.SUSPENDED], "pl") in note.body


def test_an_order_in_error_tells_why(issuer: Issuer, smtp_server: SmtpServer) -> None:
    rt = issuer.runtime
    with transaction(rt.sessions) as session:
        study = find_study(session, "pd", "100001")
        order, _ = orders.place(session, issuer.clock, study, channel="portal", actor="student")
        order_id = order.id
    for attempt in range(processing.MAX_ATTEMPTS):  # workers that die mid-job, again and again
        assert processing.claim(rt.sessions, issuer.clock, f"dead-{attempt}") == [order_id]
        issuer.clock.advance(dt.timedelta(seconds=processing.LEASE_SECONDS + 1))
    drain(rt)
    assert issuer.view(order_id)["status"] == "error"
    [note] = told(issuer)
    assert note.kind == "order_failed" and note.event_key == f"order:{order_id}:error"
    assert translate(REASON_MESSAGES[OrderReason.PROCESSING_FAILED], "pl") in note.body
    [mail] = smtp_server.mailbox.to(ANNA)
    assert mail["Subject"] == "Nie udało się zrealizować zamówienia mLegitymacji"


def test_a_student_without_an_email_address_is_not_told_and_nothing_fails(
    issuer: Issuer,
) -> None:
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_personal_data(session, issuer.clock, study.person, email=None, actor="office")
    view = issuer.order()
    assert view["status"] == "ready"
    issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    change_status(issuer, StudyStatus.SUSPENDED)
    assert told(issuer) == []


def test_the_end_of_validity_is_told_14_days_before(
    issuer: Issuer, smtp_server: SmtpServer
) -> None:
    view = issuer.order()
    issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    with issuer.runtime.sessions() as session:
        mobile_id = session.scalars(select(MobileId)).one()
    assert mobile_id.valid_until == dt.date(2027, 3, 31)
    # 16 March 2027, 11:00 in Warsaw: 15 days left.
    issuer.clock.advance(dt.datetime(2027, 3, 16, 10, tzinfo=dt.UTC) - issuer.clock.now())
    drain(issuer.runtime)
    assert [n.kind for n in told(issuer)] == ["order_ready"]
    issuer.clock.advance(dt.timedelta(days=1))  # 14 days left
    drain(issuer.runtime)
    issuer.clock.advance(dt.timedelta(hours=2))
    drain(issuer.runtime)
    notes = told(issuer)
    assert [n.kind for n in notes] == ["order_ready", "validity_ending"]
    assert notes[1].event_key == f"mobile_id:{mobile_id.id}:ends:2027-03-31"
    subjects = [m["Subject"] for m in smtp_server.mailbox.to(ANNA)]
    assert "Twoja mLegitymacja jest ważna do 31 marca 2027" in subjects
    assert "w dziekanacie" in notes[1].body  # pd follows the plastic card: renew it first
