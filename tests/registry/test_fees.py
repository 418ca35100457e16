from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from legitka.domain.errors import InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.registry.db import transaction
from legitka.registry.models import Charge, Payment, PaymentStatus, Person
from legitka.registry.services import els, fees
from tests import builders


def _pay(s, clock, uni, account, amount, key):
    return fees.record_payment(
        s, clock, uni, account_number=account, amount_grosze=amount,
        booked_on=dt.date(2026, 11, 20), source=PaymentSource.CSV, key=key, actor="import",
    )


def test_partial_then_full_payment_settles_the_card_fee(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        els.charge_card_fee(s, clock, study, actor="x")
        person = s.get(Person, study.person_id)
        _pay(s, clock, uni, person.account_number, 1000, "a")
        charge = s.scalar(select(Charge))
        assert (charge.status, charge.paid_grosze, charge.outstanding_grosze) == (
            ChargeStatus.DUE, 1000, 1200,
        )
        _pay(s, clock, uni, person.account_number, 1200, "b")
        assert charge.status is ChargeStatus.PAID
        assert charge.settled_at == clock.now()


def test_overpayment_is_credit_for_the_next_charge(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        person = s.get(Person, study.person_id)
        els.charge_card_fee(s, clock, study, actor="x")
        payment = _pay(s, clock, uni, person.account_number, 5000, "a")
        assert payment.unallocated_grosze == 2800
        fees.add_charge(
            s, clock, person, kind=ChargeKind.ELS_DUPLICATE, amount_grosze=3300,
            due_date=None, actor="x",
        )
        duplicate = s.scalar(select(Charge).where(Charge.kind == ChargeKind.ELS_DUPLICATE))
        assert (duplicate.paid_grosze, duplicate.status) == (2800, ChargeStatus.DUE)
        assert payment.unallocated_grosze == 0


def test_the_same_transaction_settles_once(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        els.charge_card_fee(s, clock, study, actor="x")
        account = s.get(Person, study.person_id).account_number
        assert _pay(s, clock, uni, account, 2200, "same") is not None
        assert _pay(s, clock, uni, account, 2200, "same") is None
        assert s.scalar(select(Charge)).paid_grosze == 2200
        assert len(s.scalars(select(Payment)).all()) == 1


def test_unknown_account_is_kept_unmatched(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        payment = _pay(s, clock, uni, "61109010140000071219812874", 2200, "x")
        assert payment.status is PaymentStatus.UNMATCHED
        assert payment.person_id is None
        with pytest.raises(InvalidInput):
            _pay(s, clock, uni, None, 0, "y")


def test_manual_payment(sessions, clock):
    with transaction(sessions) as s:
        uni = builders.university(s, clock)
        study = builders.student(s, clock, uni)
        els.charge_card_fee(s, clock, study, actor="x")
        person = s.get(Person, study.person_id)
        fees.record_manual_payment(
            s, clock, person, amount_grosze=2200, booked_on=dt.date(2026, 11, 21),
            note="cash at the dean's office", actor="staff:1",
        )
        assert s.scalar(select(Charge)).status is ChargeStatus.PAID
