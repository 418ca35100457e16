"""What each e-mail says, in Polish and English: subject and body from marked message templates.

Rendering is pure: a kind, a locale and the event's facts (dates, reason codes, amounts in grosze)
make a subject and a plain-text body. Every sentence is an ``N_`` message with ``{placeholders}``
translated by :mod:`legitka.i18n`; dates are written the way people write them in the language.

The link to the student portal is written with :data:`BASE_URL` standing for the deployment's
public address: the sender and the outbox page fill it in from ``base_url``, so a message waiting
to be sent links to where the portal is when it goes out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from babel.dates import format_date, format_datetime

from legitka.clock import WARSAW
from legitka.domain.accounts import format_nrb
from legitka.domain.eligibility import Policy
from legitka.domain.fees import ChargeKind
from legitka.domain.money import format_pln
from legitka.domain.orders import REASON_MESSAGES, OrderReason
from legitka.domain.text import N_
from legitka.i18n import normalize_locale, translate

BASE_URL = "{base_url}"
DATE = "d MMMM y"  # 31 marca 2027, 31 March 2027: day first in both languages


class Kind(StrEnum):
    """The events a student is told about by e-mail."""

    ORDER_READY = "order_ready"
    ORDER_FAILED = "order_failed"
    ORDER_INVALIDATED = "order_invalidated"
    MOBILE_ID_INVALIDATED = "mobile_id_invalidated"
    VALIDITY_ENDING = "validity_ending"
    FEE_DUE = "fee_due"


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


GREETING = N_("Hello,")
PORTAL_LINK = N_("Student portal: {url}")
SIGN_OFF = N_("Best regards,")
AUTOMATIC = N_("This message was sent automatically; please do not reply to it.")

ORDER_READY_SUBJECT = N_("Your mLegitymacja is ready to activate")
ORDER_READY = N_(
    "Your mLegitymacja order is ready. The QR code and the activation code are waiting for you "
    "in the student portal; they are valid until {expires_at}."
)
ORDER_READY_DATA_CHANGED = N_(
    "Your personal data changed in the university's register, so the university prepared a new "
    "mLegitymacja with the new data. Activate it on your phone: it replaces the one you have. "
    "You do not need a new plastic card or a visit to the dean's office."
)
ORDER_READY_VALIDITY = N_("The mLegitymacja will be valid until {valid_until}.")
ORDER_READY_HOW = N_(
    "Sign in to the student portal, scan the QR code with the wallet on your phone and enter the "
    "activation code. For your safety this e-mail contains neither of the codes."
)

ORDER_FAILED_SUBJECT = N_("Your mLegitymacja order could not be completed")
ORDER_FAILED = N_("We could not prepare your mLegitymacja.")
ORDER_INVALIDATED_SUBJECT = N_("The university invalidated your mLegitymacja order")
ORDER_INVALIDATED = N_(
    "The university invalidated your mLegitymacja order before it was activated."
)
ORDER_DETAILS = N_(
    "You will find the details in the student portal, and order again there when you may."
)

REVOKED_SUBJECT = N_("Your mLegitymacja has been revoked")
REVOKED = N_(
    "The university revoked your mLegitymacja: it no longer works, and verifiers see it as invalid."
)
REVOKED_AGAIN = N_(
    "You can order a new mLegitymacja in the student portal once you meet the conditions."
)
SUSPENDED_SUBJECT = N_("Your mLegitymacja has been suspended")
SUSPENDED = N_(
    "The university suspended your mLegitymacja: until further notice verifiers see it as "
    "suspended."
)
SUSPENDED_BACK = N_(
    "It will work again by itself as soon as your student rights are restored; you do not need "
    "to order a new one."
)

VALIDITY_SUBJECT = N_("Your mLegitymacja is valid until {valid_until}")
VALIDITY = N_("Your mLegitymacja is valid until {valid_until}: 14 days or less are left.")
VALIDITY_ELS = N_(
    "To keep it valid, have your plastic student ID card (ELS) renewed at the dean's office for "
    "the next semester, then extend the mLegitymacja in the student portal. The wallet on your "
    "phone then fetches the new validity by itself."
)
VALIDITY_PESEL = N_(
    "To keep it valid, confirm the next semester and extend the mLegitymacja in the student "
    "portal while your student status is active. The wallet on your phone then fetches the new "
    "validity by itself."
)

FEE_SUBJECT = N_("Student ID card fee: pay {amount} by {due_date}")
FEE_OVERDUE_SUBJECT = N_("Student ID card fee: the deadline of {due_date} has passed")
FEE_DUE = N_(
    "Please pay {amount} for {fee} to your individual account number {account} by {due_date}."
)
FEE_OVERDUE = N_(
    "The deadline of {due_date} for paying {amount} for {fee} has passed. Please pay it to your "
    "individual account number {account} as soon as you can."
)
FEE_SETTLES = N_(
    "A transfer to this account settles the fee by itself; the card is issued once the fee is "
    "paid. If you have paid already, please ignore this message."
)
FEE_LABELS: dict[ChargeKind, str] = {
    ChargeKind.ELS: N_("your plastic student ID card (ELS)"),
    ChargeKind.ELS_DUPLICATE: N_("a duplicate of your plastic student ID card (ELS)"),
}


class Writer:
    """Sentences and dates in one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = normalize_locale(locale)

    def __call__(self, message: str, **params: Any) -> str:
        return translate(message, self.locale, params or None)

    def date(self, value: dt.date) -> str:
        return format_date(value, DATE, locale=self.locale)

    def moment(self, value: dt.datetime) -> str:
        return format_datetime(value, f"{DATE}, HH:mm", tzinfo=WARSAW, locale=self.locale)

    def reason(self, value: object) -> list[str]:
        if value is None:
            return []
        return [self(REASON_MESSAGES[OrderReason(str(value))])]


Params = Mapping[str, Any]
Compose = Callable[[Writer, Params], tuple[str, list[str]]]


def _order_ready(w: Writer, p: Params) -> tuple[str, list[str]]:
    paragraphs = [w(ORDER_READY, expires_at=w.moment(p["expires_at"]))]
    if p.get("data_changed"):
        paragraphs.insert(0, w(ORDER_READY_DATA_CHANGED))
    if p.get("valid_until") is not None:
        paragraphs.append(w(ORDER_READY_VALIDITY, valid_until=w.date(p["valid_until"])))
    paragraphs.append(w(ORDER_READY_HOW))
    return w(ORDER_READY_SUBJECT), paragraphs


def _order_failed(w: Writer, p: Params) -> tuple[str, list[str]]:
    return w(ORDER_FAILED_SUBJECT), [w(ORDER_FAILED), *w.reason(p["reason"]), w(ORDER_DETAILS)]


def _order_invalidated(w: Writer, p: Params) -> tuple[str, list[str]]:
    paragraphs = [w(ORDER_INVALIDATED), *w.reason(p["reason"]), w(ORDER_DETAILS)]
    return w(ORDER_INVALIDATED_SUBJECT), paragraphs


def _mobile_id_invalidated(w: Writer, p: Params) -> tuple[str, list[str]]:
    if p["status"] == "suspended":
        paragraphs = [w(SUSPENDED), *w.reason(p.get("reason")), w(SUSPENDED_BACK)]
        return w(SUSPENDED_SUBJECT), paragraphs
    return w(REVOKED_SUBJECT), [w(REVOKED), *w.reason(p.get("reason")), w(REVOKED_AGAIN)]


def _validity_ending(w: Writer, p: Params) -> tuple[str, list[str]]:
    valid_until = w.date(p["valid_until"])
    how = VALIDITY_ELS if Policy(p["policy"]) is Policy.ELS_LINKED else VALIDITY_PESEL
    return w(VALIDITY_SUBJECT, valid_until=valid_until), [
        w(VALIDITY, valid_until=valid_until),
        w(how),
    ]


def _fee_due(w: Writer, p: Params) -> tuple[str, list[str]]:
    facts = {
        "amount": format_pln(p["amount"]),
        "due_date": w.date(p["due_date"]),
        "account": format_nrb(p["account"]),
        "fee": w(FEE_LABELS[ChargeKind(p["charge_kind"])]),
    }
    if p.get("overdue"):
        subject = w(FEE_OVERDUE_SUBJECT, due_date=facts["due_date"])
        return subject, [w(FEE_OVERDUE, **facts), w(FEE_SETTLES)]
    subject = w(FEE_SUBJECT, amount=facts["amount"], due_date=facts["due_date"])
    return subject, [w(FEE_DUE, **facts), w(FEE_SETTLES)]


COMPOSERS: dict[Kind, Compose] = {
    Kind.ORDER_READY: _order_ready,
    Kind.ORDER_FAILED: _order_failed,
    Kind.ORDER_INVALIDATED: _order_invalidated,
    Kind.MOBILE_ID_INVALIDATED: _mobile_id_invalidated,
    Kind.VALIDITY_ENDING: _validity_ending,
    Kind.FEE_DUE: _fee_due,
}


def portal_url(slug: str, base_url: str = BASE_URL) -> str:
    """The student portal of university ``slug``."""
    return f"{base_url.rstrip('/')}/u/{slug}/student/"


def render(kind: Kind, locale: str, params: Params, *, university: str, slug: str) -> Mail:
    """The e-mail telling of event ``kind`` in ``locale``, signed with the university's name."""
    w = Writer(locale)
    subject, paragraphs = COMPOSERS[Kind(kind)](w, params)
    body = "\n\n".join(
        [
            w(GREETING),
            *paragraphs,
            w(PORTAL_LINK, url=portal_url(slug)),
            f"{w(SIGN_OFF)}\n{university}",
            "-- \n" + w(AUTOMATIC),
        ]
    )
    return Mail(subject, body + "\n")


def fill_base_url(text: str, base_url: str) -> str:
    """``text`` with the deployment's public address in place of :data:`BASE_URL`."""
    return text.replace(BASE_URL, base_url.rstrip("/"))
