"""Charges and payments: fees owed, transfers received, and how one settles the other."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain import fees as rules
from legitka.domain.errors import InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.registry import audit
from legitka.registry.models import (
    Charge,
    Payment,
    PaymentAllocation,
    PaymentStatus,
    Person,
    StatementImport,
    University,
)


def add_charge(
    session: Session,
    clock: Clock,
    person: Person,
    *,
    kind: ChargeKind,
    amount_grosze: int,
    due_date: dt.date | None,
    description: str | None = None,
    els_card_id: int | None = None,
    actor: str,
) -> Charge:
    """Charge a fee; credit from earlier over-payments settles it at once where it can."""
    if amount_grosze <= 0:
        raise InvalidInput("invalid_amount", "A charge must be more than 0 zł.", field="amount")
    assert person.account_number is not None
    charge = Charge(
        university_id=person.university_id,
        person_id=person.id,
        els_card_id=els_card_id,
        kind=kind,
        amount_grosze=amount_grosze,
        paid_grosze=0,
        due_date=due_date,
        account_number=person.account_number,
        status=ChargeStatus.DUE,
        description=description,
        created_at=clock.now(),
    )
    session.add(charge)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="charge.created",
        subject_type="charge",
        subject_id=charge.id,
        university_id=person.university_id,
        person_id=person.id,
        kind=kind.value,
        amount_grosze=amount_grosze,
    )
    credits = session.scalars(
        select(Payment)
        .where(Payment.person_id == person.id, Payment.unallocated_grosze > 0)
        .order_by(Payment.booked_on, Payment.id)
    ).all()
    for payment in credits:
        _settle(session, clock, payment, payment.unallocated_grosze, actor=actor)
    return charge


def open_charges(session: Session, person_id: int) -> list[Charge]:
    return list(
        session.scalars(
            select(Charge)
            .where(Charge.person_id == person_id, Charge.status == ChargeStatus.DUE)
            .order_by(Charge.due_date, Charge.id)
        )
    )


def _settle(session: Session, clock: Clock, payment: Payment, amount: int, *, actor: str) -> None:
    """Spread ``amount`` of ``payment`` over the person's open charges."""
    assert payment.person_id is not None
    charges = {c.id: c for c in open_charges(session, payment.person_id)}
    settlement = rules.allocate(
        amount,
        [rules.OpenCharge(c.id, c.due_date, c.outstanding_grosze) for c in charges.values()],
    )
    for allocation in settlement.allocations:
        charge = charges[allocation.charge_id]
        session.add(
            PaymentAllocation(
                payment_id=payment.id, charge_id=charge.id, amount_grosze=allocation.amount
            )
        )
        charge.paid_grosze += allocation.amount
        new_status = rules.charge_status(charge.amount_grosze, charge.paid_grosze, charge.status)
        if new_status is not charge.status:
            charge.status = new_status
            charge.settled_at = clock.now()
            audit.record(
                session,
                clock,
                actor=actor,
                action="charge.settled",
                subject_type="charge",
                subject_id=charge.id,
                university_id=charge.university_id,
                person_id=charge.person_id,
                payment_id=payment.id,
            )
    payment.unallocated_grosze = payment.unallocated_grosze - amount + settlement.overpaid


def transaction_key(*parts: object) -> str:
    """A stable key for a bank transaction, so a re-imported statement settles nothing twice."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def person_by_account(session: Session, university: University, account: str) -> Person | None:
    return session.scalar(
        select(Person).where(
            Person.university_id == university.id, Person.account_number == account
        )
    )


def record_payment(
    session: Session,
    clock: Clock,
    university: University,
    *,
    account_number: str | None,
    amount_grosze: int,
    booked_on: dt.date,
    source: PaymentSource,
    key: str,
    reference: str | None = None,
    title: str | None = None,
    counterparty: str | None = None,
    statement: StatementImport | None = None,
    actor: str,
) -> Payment | None:
    """Record an incoming payment and settle the matching student's charges.

    Returns ``None`` when a payment with the same key was recorded before (nothing changes).
    A payment to an account that belongs to no student is kept as unmatched.
    """
    if amount_grosze <= 0:
        raise InvalidInput("invalid_amount", "A payment must be more than 0 zł.", field="amount")
    exists = session.scalar(
        select(Payment.id).where(
            Payment.university_id == university.id, Payment.transaction_key == key
        )
    )
    if exists is not None:
        return None
    person = person_by_account(session, university, account_number) if account_number else None
    payment = Payment(
        university_id=university.id,
        person_id=person.id if person else None,
        statement_id=statement.id if statement else None,
        source=source,
        transaction_key=key,
        account_number=account_number,
        amount_grosze=amount_grosze,
        unallocated_grosze=amount_grosze,
        booked_on=booked_on,
        reference=reference,
        title=title,
        counterparty=counterparty,
        status=PaymentStatus.MATCHED if person else PaymentStatus.UNMATCHED,
        created_at=clock.now(),
    )
    session.add(payment)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="payment.recorded",
        subject_type="payment",
        subject_id=payment.id,
        university_id=university.id,
        source=source.value,
        matched=person is not None,
        amount_grosze=amount_grosze,
    )
    if person is not None:
        _settle(session, clock, payment, amount_grosze, actor=actor)
    return payment


def record_manual_payment(
    session: Session,
    clock: Clock,
    person: Person,
    *,
    amount_grosze: int,
    booked_on: dt.date,
    note: str | None,
    actor: str,
) -> Payment:
    """A payment entered by the dean's office (cash, a transfer to the wrong account…)."""
    university = session.get(University, person.university_id)
    assert university is not None
    payment = record_payment(
        session,
        clock,
        university,
        account_number=person.account_number,
        amount_grosze=amount_grosze,
        booked_on=booked_on,
        source=PaymentSource.MANUAL,
        key=f"manual-{secrets.token_hex(16)}",
        title=note,
        actor=actor,
    )
    assert payment is not None
    return payment


def els_fee_charge(session: Session, person: Person) -> Charge | None:
    """The person's newest ELS card fee that is not cancelled or refunded."""
    return session.scalar(
        select(Charge)
        .where(
            Charge.person_id == person.id,
            Charge.kind == ChargeKind.ELS,
            Charge.status.in_([ChargeStatus.DUE, ChargeStatus.PAID]),
        )
        .order_by(Charge.id.desc())
        .limit(1)
    )
