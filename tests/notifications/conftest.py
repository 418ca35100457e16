"""What the notification tests share: a small register, a real SMTP server on loopback.

The SMTP server is aiosmtpd's, in a thread of the test process, on a free local port; its handler
keeps every envelope it accepted, and refuses the recipients it is told to refuse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.notifications import Kind, notify
from legitka.registry.db import transaction
from legitka.registry.models import Notification, Person
from legitka.runtime import Runtime
from tests import builders
from tests.live import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Mailbox:
    """An aiosmtpd handler: accepts everything except ``refused`` recipients (550)."""

    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refused:
            return f"550 5.1.1 <{address}>: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received if address in r.rcpt_tos]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped (a failing server) and restarted."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def with_smtp(runtime: Runtime, server: SmtpServer, **settings: Any) -> Runtime:
    """``runtime`` sending its e-mail to ``server`` (plain SMTP on loopback: no STARTTLS)."""
    update = {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "smtp_starttls": False,
        "mail_from": "Politechnika Testowa <no-reply@id.example.edu>",
        **settings,
    }
    return dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=update))


@dataclass(frozen=True)
class Register:
    person_id: int
    study_id: int
    university_id: int


@pytest.fixture
def register(runtime: Runtime, clock: FixedClock) -> Register:
    """One university and one student with an e-mail address (anna@example.org)."""
    with transaction(runtime.sessions) as session:
        university = builders.university(session, clock)
        study = builders.student(session, clock, university)
        return Register(study.person_id, study.id, university.id)


def notifications(runtime: Runtime) -> list[Notification]:
    with runtime.sessions() as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def person(session: Any, register: Register) -> Person:
    return session.get_one(Person, register.person_id)


# A card fee reminder: the notification the tests of writing and sending use.
FEE: dict[str, Any] = {
    "amount": 2200,
    "due_date": dt.date(2026, 11, 29),
    "account": "61109010140000071219812874",
    "charge_kind": "els",
    "overdue": False,
}
FEE_SUBJECT = "Opłata za legitymację studencką: wpłać 22,00 zł do 29 listopada 2026"


def write(
    runtime: Runtime, clock: FixedClock, register: Register, *keys: str, **params: Any
) -> list[int | None]:
    """Tell the student one fee reminder per key, in one transaction; the new rows' ids."""
    written: list[Notification | None] = []
    with transaction(runtime.sessions) as session:
        for key in keys:
            told = notify(
                session, clock, person=person(session, register), kind=Kind.FEE_DUE,
                event_key=key, params={**FEE, **params},
            )  # fmt: skip
            written.append(told)
    return [n.id if n is not None else None for n in written]


def failing_event(runtime: Runtime, clock: FixedClock, register: Register) -> None:
    """An event that writes its e-mail, then fails: its transaction rolls back."""
    with transaction(runtime.sessions) as session:
        notify(
            session, clock, person=person(session, register), kind=Kind.FEE_DUE,
            event_key="charge:1:due:rolled-back", params=FEE,
        )  # fmt: skip
        raise RuntimeError("the event fails after writing its e-mail")
