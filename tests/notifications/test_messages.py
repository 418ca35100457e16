"""What each e-mail says, in Polish and English: every sentence translated, every fact filled in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from legitka.domain.accounts import individual_account
from legitka.domain.orders import REASON_MESSAGES, OrderReason
from legitka.i18n import translate
from legitka.notifications import Kind, render
from legitka.notifications.messages import BASE_URL, fill_base_url, portal_url

ACCOUNT = individual_account("109010140000", 7)
READY = {
    "expires_at": dt.datetime(2026, 12, 22, 10, 0, tzinfo=dt.UTC),
    "valid_until": dt.date(2027, 3, 31),
}
EXAMPLES: dict[Kind, dict[str, Any]] = {
    Kind.ORDER_READY: READY,
    Kind.ORDER_FAILED: {"reason": OrderReason.PROCESSING_FAILED},
    Kind.ORDER_INVALIDATED: {"reason": OrderReason.SUSPENDED},
    Kind.MOBILE_ID_INVALIDATED: {"status": "revoked", "reason": OrderReason.STATUS_LOST},
    Kind.VALIDITY_ENDING: {"valid_until": dt.date(2027, 3, 31), "policy": "els-linked"},
    Kind.FEE_DUE: {
        "amount": 2200,
        "due_date": dt.date(2026, 11, 29),
        "account": ACCOUNT,
        "charge_kind": "els",
        "overdue": False,
    },
}
NAMES = {"pl": "Politechnika Testowa", "en": "Test University"}


def mail(kind: Kind, locale: str, **changes: Any) -> tuple[str, str]:
    params = {**EXAMPLES[kind], **changes}
    rendered = render(kind, locale, params, university=NAMES.get(locale, NAMES["pl"]), slug="pd")
    return rendered.subject, rendered.body


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_is_written_in_both_languages(kind: Kind) -> None:
    subject_pl, body_pl = mail(kind, "pl")
    subject_en, body_en = mail(kind, "en")
    assert subject_pl != subject_en
    assert body_pl.startswith("Dzień dobry,\n\n")
    assert body_en.startswith("Hello,\n\n")
    # Signed with the university's name, with a link to the student portal.
    assert "\n\nZ poważaniem\nPolitechnika Testowa\n" in body_pl
    assert "\n\nBest regards,\nTest University\n" in body_en
    assert f"Portal studenta: {BASE_URL}/u/pd/student/" in body_pl
    assert f"Student portal: {BASE_URL}/u/pd/student/" in body_en
    for subject, body in ((subject_pl, body_pl), (subject_en, body_en)):
        assert "{" not in subject and "\n" not in subject and len(subject) <= 200
        # No placeholder is left unfilled; only the deployment's address waits for the sender.
        assert re.findall(r"\{\w+\}", body) == [BASE_URL]


def test_order_ready_tells_where_the_codes_are_and_until_when() -> None:
    subject, body = mail(Kind.ORDER_READY, "pl")
    assert subject == "Twoja mLegitymacja czeka na aktywację"
    # 10:00 UTC is 11:00 in Warsaw in December.
    assert "są ważne do 22 grudnia 2026, 11:00." in body
    assert "mLegitymacja będzie ważna do 31 marca 2027." in body
    assert "nie zawiera żadnego z tych kodów" in body
    subject, body = mail(Kind.ORDER_READY, "en")
    assert subject == "Your mLegitymacja is ready to activate"
    assert "they are valid until 22 December 2026, 11:00." in body
    assert "contains neither of the codes" in body


def test_order_ready_without_a_validity_date() -> None:
    _subject, body = mail(Kind.ORDER_READY, "en", valid_until=None)
    assert "will be valid until" not in body


@pytest.mark.parametrize("locale", ["pl", "en"])
@pytest.mark.parametrize("kind", [Kind.ORDER_FAILED, Kind.ORDER_INVALIDATED])
def test_a_failed_or_invalidated_order_tells_why(kind: Kind, locale: str) -> None:
    for reason in (OrderReason.PROCESSING_FAILED, OrderReason.NOT_ELIGIBLE, OrderReason.NO_PHOTO):
        _subject, body = mail(kind, locale, reason=reason)
        assert translate(REASON_MESSAGES[reason], locale) in body


def test_a_revocation_tells_why_and_how_to_order_again() -> None:
    subject, body = mail(Kind.MOBILE_ID_INVALIDATED, "pl", reason=OrderReason.DATA_CHANGED)
    assert subject == "Twoja mLegitymacja została unieważniona"
    assert translate(REASON_MESSAGES[OrderReason.DATA_CHANGED], "pl") in body
    assert "Nową mLegitymację możesz zamówić" in body


def test_a_suspension_says_it_comes_back_with_the_rights() -> None:
    params = {"status": "suspended", "reason": OrderReason.SUSPENDED}
    subject, body = mail(Kind.MOBILE_ID_INVALIDATED, "en", **params)
    assert subject == "Your mLegitymacja has been suspended"
    assert translate(REASON_MESSAGES[OrderReason.SUSPENDED], "en") in body
    assert "work again by itself as soon as your student rights are restored" in body
    subject, body = mail(Kind.MOBILE_ID_INVALIDATED, "pl", **params)
    assert subject == "Twoja mLegitymacja została zawieszona"
    assert "gdy tylko zostaną przywrócone Twoje prawa studenta" in body


def test_validity_ending_says_what_to_do_under_each_policy() -> None:
    subject, els = mail(Kind.VALIDITY_ENDING, "pl")
    assert subject == "Twoja mLegitymacja jest ważna do 31 marca 2027"
    assert "zostało 14 dni lub mniej" in els
    assert "w dziekanacie" in els
    _subject, pesel = mail(Kind.VALIDITY_ENDING, "en", policy="pesel")
    assert "Your mLegitymacja is valid until 31 March 2027" in pesel
    assert "confirm the next semester" in pesel
    assert "dean's office" not in pesel


def test_fee_due_gives_amount_deadline_and_the_individual_account() -> None:
    subject, body = mail(Kind.FEE_DUE, "pl")
    assert subject == "Opłata za legitymację studencką: wpłać 22,00 zł do 29 listopada 2026"
    formatted = f"{ACCOUNT[:2]} {ACCOUNT[2:6]} {ACCOUNT[6:10]}"
    assert formatted in body
    assert (
        "Wpłać 22,00 zł za plastikową legitymację studencką (ELS) na swój indywidualny numer "
        "konta " in body
    )
    _subject, duplicate = mail(Kind.FEE_DUE, "en", charge_kind="els-duplicate", amount=3300)
    assert "pay 33,00 zł for a duplicate of your plastic student ID card (ELS)" in duplicate


def test_an_overdue_fee_says_the_deadline_has_passed() -> None:
    subject, body = mail(Kind.FEE_DUE, "en", overdue=True)
    assert subject == "Student ID card fee: the deadline of 29 November 2026 has passed"
    assert "has passed. Please pay it to your individual account number" in body
    subject, _body = mail(Kind.FEE_DUE, "pl", overdue=True)
    assert subject == "Opłata za legitymację studencką: termin 29 listopada 2026 minął"


def test_an_unknown_locale_is_written_in_polish() -> None:
    assert mail(Kind.FEE_DUE, "de") == mail(Kind.FEE_DUE, "pl")


def test_the_base_url_is_filled_in_by_whoever_shows_the_message() -> None:
    _subject, body = mail(Kind.FEE_DUE, "en")
    filled = fill_base_url(body, "https://id.example.edu/")
    assert "Student portal: https://id.example.edu/u/pd/student/" in filled
    assert BASE_URL not in filled
    assert portal_url("uw", "https://id.example.edu") == "https://id.example.edu/u/uw/student/"
