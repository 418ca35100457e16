"""The demo's outbox page: every e-mail legitka wrote to the students, newest first.

Served only with ``demo`` on (``/demo/outbox`` is a 404 otherwise): the demo has no real mail
server, and this is where a visitor sees what a student would have received.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_datetime
from fastapi import APIRouter
from sqlalchemy import select
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from legitka.clock import WARSAW
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.notifications.messages import fill_base_url
from legitka.registry.models import Notification
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.i18n import render

SHOWN = 200

STATE_SENT = N_("Sent by e-mail on {at}.")
STATE_KEPT = N_("Kept in the outbox only: no SMTP server is configured, so it was not e-mailed.")
STATE_WAITING = N_("Waiting to be sent.")
STATE_RETRYING = N_("Not sent yet: attempt {attempts} failed ({error}); next attempt on {at}.")
STATE_GIVEN_UP = N_("Not sent: given up ({error}); attempts made: {attempts}.")

router = APIRouter()


def _moment(value: dt.datetime, locale: str) -> str:
    return format_datetime(value, "d MMMM y, HH:mm:ss", tzinfo=WARSAW, locale=locale)


def state(notification: Notification, locale: str) -> tuple[str, str]:
    """A code (``sent``, ``kept``, ``waiting``, ``retrying``, ``given_up``) and its sentence."""
    error = notification.last_error or "?"
    if notification.sent_at is not None:
        if notification.attempts == 0:
            return "kept", translate(STATE_KEPT, locale)
        at = _moment(notification.sent_at, locale)
        return "sent", translate(STATE_SENT, locale, {"at": at})
    if notification.next_attempt_at is None:
        params = {"attempts": notification.attempts, "error": error}
        return "given_up", translate(STATE_GIVEN_UP, locale, params)
    if notification.last_error is None:
        return "waiting", translate(STATE_WAITING, locale)
    params = {
        "attempts": notification.attempts,
        "error": error,
        "at": _moment(notification.next_attempt_at, locale),
    }
    return "retrying", translate(STATE_RETRYING, locale, params)


@router.get("/demo/outbox", include_in_schema=False)
def outbox_page(
    request: Request, runtime: RuntimeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    if not runtime.settings.demo:
        raise HTTPException(404)
    base_url = runtime.settings.effective_base_url
    rows: list[dict[str, Any]] = []
    for notification in session.scalars(
        select(Notification)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(SHOWN)
    ):
        code, sentence = state(notification, locale)
        body = fill_base_url(notification.body, base_url)
        rows.append(
            {
                "id": notification.id,
                "written": _moment(notification.created_at, locale),
                "written_iso": notification.created_at.isoformat(),
                "recipient": notification.recipient,
                "language": notification.locale,
                "kind": notification.kind,
                "subject": notification.subject,
                "paragraphs": [p.splitlines() for p in body.strip().split("\n\n")],
                "state": code,
                "state_text": sentence,
            }
        )
    return render(request, "notifications/outbox.html", {"notifications": rows, "shown": SHOWN})
