"""The demo's outbox page: every e-mail, newest first, in Polish and English; a 404 elsewhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from fastapi.testclient import TestClient

from legitka.clock import FixedClock
from legitka.notifications import sender
from legitka.runtime import Runtime
from legitka.web import create_app
from tests.notifications.conftest import Register, SmtpServer, with_smtp, write


def demo(runtime: Runtime, **settings: object) -> Runtime:
    update = {"demo": True, "base_url": "https://demo.example.edu", **settings}
    return dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=update))


def page(runtime: Runtime, query: str = "") -> tuple[int, str]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        response = client.get(f"/demo/outbox{query}", headers={"Accept": "text/html"})
        return response.status_code, response.text


def test_outside_the_demo_there_is_no_outbox_page(runtime: Runtime, register: Register) -> None:
    status, _html = page(runtime)
    assert status == 404


def test_the_outbox_lists_messages_newest_first_with_their_state(
    runtime: Runtime, clock: FixedClock, register: Register, smtp_server: SmtpServer
) -> None:
    write(runtime, clock, register, "charge:1:due:a")
    sender.deliver(runtime.sessions, clock, runtime.settings)  # no SMTP: kept in the outbox
    clock.advance(dt.timedelta(minutes=5))
    write(runtime, clock, register, "charge:2:due:a", amount=3300)
    smtp_server.stop()
    mailing = with_smtp(runtime, smtp_server)
    sender.deliver(mailing.sessions, clock, mailing.settings)  # fails: retried in a minute
    clock.advance(dt.timedelta(minutes=1))
    write(runtime, clock, register, "charge:3:due:a", amount=4400)

    status, html = page(demo(runtime))
    assert status == 200
    assert '<html lang="pl">' in html
    assert "<h1>Skrzynka nadawcza: e-maile do studentów</h1>" in html
    subjects = re.findall(r'<h2 id="mail-\d+">([^<]+)</h2>', html)
    assert subjects == [
        "Opłata za legitymację studencką: wpłać 44,00 zł do 29 listopada 2026",
        "Opłata za legitymację studencką: wpłać 33,00 zł do 29 listopada 2026",
        "Opłata za legitymację studencką: wpłać 22,00 zł do 29 listopada 2026",
    ]
    assert html.count("anna@example.org") == 3
    assert "Czeka na wysłanie." in html
    assert "próba nr 1 nie powiodła się (ConnectionRefusedError)" in html
    assert "Tylko w skrzynce nadawczej: nie skonfigurowano serwera SMTP" in html
    # The body as the student reads it, with the portal's real address.
    assert "Portal studenta: https://demo.example.edu/u/pd/student/" in html
    assert "{base_url}" not in html
    # Labelled facts, not colour, tell the state; times are in Warsaw.
    assert "<dt>Doręczenie</dt>" in html and "<dt>Odbiorca</dt>" in html
    assert '<time datetime="2026-11-22T10:06:00+00:00">22 listopada 2026, 11:06:00</time>' in html


def test_the_outbox_page_in_english(
    runtime: Runtime, clock: FixedClock, register: Register
) -> None:
    write(runtime, clock, register, "charge:1:due:a")
    status, html = page(demo(runtime), "?lang=en")
    assert status == 200
    assert '<html lang="en">' in html
    assert "<h1>Outbox: e-mails to students</h1>" in html
    assert "Waiting to be sent." in html
    assert "<dt>Recipient</dt>" in html
    # The message itself stays in the student's language.
    assert '<section lang="pl"' in html


def test_an_empty_outbox_says_how_to_fill_it(runtime: Runtime) -> None:
    status, html = page(demo(runtime), "?lang=en")
    assert status == 200
    assert "No e-mail has been written yet." in html
