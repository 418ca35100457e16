"""Charges and payments: fees owed, transfers received, and how one settles the other."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain import fees as rules
from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.domain.money import format_pln
from legitka.domain.text import N_
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
from legitka.registry.models.fees import Refund


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
        settled = _settle(
            payment, payment.unallocated_grosze, open_charges(session, person.id), clock.now()
        )
        _audit_settled(session, clock, payment, settled, actor)
    return charge


def open_charges(session: Session, person_id: int) -> list[Charge]:
    return list(
        session.scalars(
            select(Charge)
            .where(Charge.person_id == person_id, Charge.status == ChargeStatus.DUE)
            .order_by(Charge.due_date, Charge.id)
        )
    )


def _settle(payment: Payment, amount: int, charges: list[Charge], now: dt.datetime) -> list[Charge]:
    """Spread ``amount`` of ``payment`` over ``charges`` (the person's open ones, in memory).

    Returns the charges this paid in full; the caller audits them once the payment has an id.
    """
    by_id = {c.id: c for c in charges}
    settlement = rules.allocate(
        amount, [rules.OpenCharge(c.id, c.due_date, c.outstanding_grosze) for c in charges]
    )
    settled = []
    for allocation in settlement.allocations:
        charge = by_id[allocation.charge_id]
        payment.allocations.append(
            PaymentAllocation(charge_id=charge.id, amount_grosze=allocation.amount)
        )
        charge.paid_grosze += allocation.amount
        new_status = rules.charge_status(charge.amount_grosze, charge.paid_grosze, charge.status)
        if new_status is not charge.status:
            charge.status = new_status
            charge.settled_at = now
            settled.append(charge)
    payment.unallocated_grosze = payment.unallocated_grosze - amount + settlement.overpaid
    return settled


def _audit_settled(
    session: Session, clock: Clock, payment: Payment, charges: list[Charge], actor: str
) -> None:
    for charge in charges:
        audit.record(
            session, clock, actor=actor, action="charge.settled", subject_type="charge",
            subject_id=charge.id, university_id=charge.university_id,
            person_id=charge.person_id, payment_id=payment.id,
        )  # fmt: skip


def transaction_key(*parts: object) -> str:
    """A stable key for a bank transaction, so a re-imported statement settles nothing twice."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


BATCH = 500


def recorded_keys(session: Session, university: University, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` belong to payments recorded before."""
    found: set[str] = set()
    for start in range(0, len(keys), BATCH):
        found.update(
            session.scalars(
                select(Payment.transaction_key).where(
                    Payment.university_id == university.id,
                    Payment.transaction_key.in_(keys[start : start + BATCH]),
                )
            )
        )
    return found


def people_by_account(
    session: Session, university: University, accounts: Sequence[str]
) -> dict[str, Person]:
    """The students whose individual accounts are among ``accounts``."""
    found: dict[str, Person] = {}
    for start in range(0, len(accounts), BATCH):
        for person in session.scalars(
            select(Person).where(
                Person.university_id == university.id,
                Person.account_number.in_(accounts[start : start + BATCH]),
            )
        ):
            assert person.account_number is not None
            found[person.account_number] = person
    return found


def person_by_account(session: Session, university: University, account: str) -> Person | None:
    return session.scalar(
        select(Person).where(
            Person.university_id == university.id, Person.account_number == account
        )
    )


@dataclass(frozen=True)
class IncomingPayment:
    """One transfer to record: to a student's individual account, or to an unknown one."""

    account_number: str | None
    amount_grosze: int
    booked_on: dt.date
    key: str
    reference: str | None = None
    title: str | None = None
    counterparty: str | None = None


def _open_charges_of(session: Session, person_ids: Sequence[int]) -> dict[int, list[Charge]]:
    found: dict[int, list[Charge]] = {}
    for start in range(0, len(person_ids), BATCH):
        for charge in session.scalars(
            select(Charge)
            .where(
                Charge.person_id.in_(person_ids[start : start + BATCH]),
                Charge.status == ChargeStatus.DUE,
            )
            .order_by(Charge.due_date, Charge.id)
        ):
            found.setdefault(charge.person_id, []).append(charge)
    return found


def record_payments(
    session: Session,
    clock: Clock,
    university: University,
    incoming: Sequence[IncomingPayment],
    *,
    source: PaymentSource,
    statement: StatementImport | None = None,
    actor: str,
) -> list[Payment | None]:
    """Record incoming payments and settle the matching students' charges, in one flush.

    For each payment, in order: ``None`` when a payment with the same key was recorded before
    (nothing changes), else the payment. A payment to an account that belongs to no student is
    kept as unmatched. Several payments of one student settle their charges in turn.
    """
    for item in incoming:
        if item.amount_grosze <= 0:
            raise InvalidInput(
                "invalid_amount", "A payment must be more than 0 zł.", field="amount"
            )
    recorded = recorded_keys(session, university, [i.key for i in incoming])
    people = people_by_account(
        session, university, sorted({i.account_number for i in incoming if i.account_number})
    )
    charges = _open_charges_of(session, [p.id for p in people.values()])
    now = clock.now()
    results: list[Payment | None] = []
    settled: list[tuple[Payment, list[Charge]]] = []
    with session.no_autoflush:
        for item in incoming:
            if item.key in recorded:
                results.append(None)
                continue
            recorded.add(item.key)
            person = people.get(item.account_number) if item.account_number else None
            payment = Payment(
                university_id=university.id, person_id=person.id if person else None,
                statement_id=statement.id if statement else None, source=source,
                transaction_key=item.key, account_number=item.account_number,
                amount_grosze=item.amount_grosze, unallocated_grosze=item.amount_grosze,
                booked_on=item.booked_on, reference=item.reference, title=item.title,
                counterparty=item.counterparty,
                status=PaymentStatus.MATCHED if person else PaymentStatus.UNMATCHED,
                created_at=now, allocations=[],
            )  # fmt: skip
            session.add(payment)
            if person is not None:
                paid = _settle(payment, item.amount_grosze, charges.get(person.id, []), now)
                settled.append((payment, paid))
            results.append(payment)
    session.flush()
    for new in results:
        if new is not None:
            audit.record(
                session, clock, actor=actor, action="payment.recorded", subject_type="payment",
                subject_id=new.id, university_id=university.id, source=source.value,
                matched=new.person_id is not None, amount_grosze=new.amount_grosze,
            )  # fmt: skip
    for new, paid in settled:
        _audit_settled(session, clock, new, paid, actor)
    return results


def record_payment(
    session: Session,
    clock: Clock,
    university: University,
    *,
    account_number: str | None,
    amount_grosze: int,
    booked_on: dt.date,
    key: str,
    source: PaymentSource,
    reference: str | None = None,
    title: str | None = None,
    counterparty: str | None = None,
    statement: StatementImport | None = None,
    actor: str,
) -> Payment | None:
    """Record one incoming payment (see :func:`record_payments`)."""
    incoming = IncomingPayment(
        account_number, amount_grosze, booked_on, key, reference, title, counterparty
    )
    (result,) = record_payments(
        session, clock, university, [incoming], source=source, statement=statement, actor=actor
    )
    return result


def record_manual_payment(
    session: Session,
    clock: Clock,
    person: Person,
    *,
    amount_grosze: int,
    booked_on: dt.date,
    note: str | None,
    actor: str,
    key: str | None = None,
) -> Payment | None:
    """A payment entered by the dean's office (cash, a transfer to the wrong account…).

    ``key`` (random, from the form that was shown) makes a form sent twice one payment: the
    second time nothing is recorded and ``None`` is returned.
    """
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
        key=f"manual-{key or secrets.token_hex(16)}",
        title=note,
        actor=actor,
    )
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


def credit_of(session: Session, person: Person) -> int:
    """What the student paid and no charge took (over-payments), in grosze."""
    return sum(
        session.scalars(
            select(Payment.unallocated_grosze).where(
                Payment.person_id == person.id, Payment.unallocated_grosze > 0
            )
        )
    )


def refund_credit(
    session: Session,
    clock: Clock,
    payment: Payment,
    *,
    amount_grosze: int,
    refunded_on: dt.date,
    note: str | None,
    actor: str,
) -> Refund:
    """Return (part of) a payment's credit, the over-payment no charge took, to the student."""
    if amount_grosze <= 0:
        raise InvalidInput("invalid_amount", "A refund must be more than 0 zł.", field="amount")
    if payment.person_id is None or amount_grosze > payment.unallocated_grosze:
        raise Conflict(
            "refund_exceeds_credit",
            N_("Only {credit} of this payment is unused credit: refund at most that."),
            field="amount",
            credit=format_pln(payment.unallocated_grosze),
        )
    payment.unallocated_grosze -= amount_grosze
    if payment.unallocated_grosze == 0 and not payment.allocations:
        payment.status = PaymentStatus.REFUNDED  # all of it went back
    return _refund(
        session, clock, payment.person_id, amount_grosze, refunded_on, note, actor,
        payment=payment,
    )  # fmt: skip


def cancel_charge(
    session: Session,
    clock: Clock,
    charge: Charge,
    *,
    refunded_on: dt.date,
    note: str | None,
    actor: str,
) -> Refund | None:
    """Cancel a charge (e.g. a duplicate's fee when the university printed wrong data); what was
    paid on it is refunded (the charge becomes ``refunded``). Returns the refund, if any."""
    if charge.status is ChargeStatus.REFUNDED or (
        charge.status is ChargeStatus.CANCELLED and charge.paid_grosze == 0
    ):
        raise Conflict(
            "charge_closed",
            N_("This fee is already {state}: there is nothing to cancel or refund."),
            field="charge",
            state=charge.status.value,
        )
    previous = charge.status
    charge.settled_at = clock.now()
    if charge.paid_grosze == 0:
        charge.status = ChargeStatus.CANCELLED
        audit.record(
            session, clock, actor=actor, action="charge.cancelled", subject_type="charge",
            subject_id=charge.id, university_id=charge.university_id,
            person_id=charge.person_id, previous=previous.value,
        )  # fmt: skip
        return None
    charge.status = ChargeStatus.REFUNDED
    return _refund(
        session, clock, charge.person_id, charge.paid_grosze, refunded_on, note, actor,
        charge=charge,
    )  # fmt: skip


def _refund(
    session: Session, clock: Clock, person_id: int, amount: int, refunded_on: dt.date,
    note: str | None, actor: str, *, payment: Payment | None = None, charge: Charge | None = None,
) -> Refund:  # fmt: skip
    person = session.get_one(Person, person_id)
    refund = Refund(
        university_id=person.university_id, person_id=person.id,
        payment_id=payment.id if payment else None, charge_id=charge.id if charge else None,
        amount_grosze=amount, refunded_on=refunded_on, note=(note or "").strip()[:300] or None,
        created_at=clock.now(), created_by=actor[:80],
    )  # fmt: skip
    session.add(refund)
    session.flush()
    audit.record(
        session, clock, actor=actor, action="refund.recorded", subject_type="refund",
        subject_id=refund.id, university_id=person.university_id, person_id=person.id,
        payment_id=refund.payment_id, charge_id=refund.charge_id, amount_grosze=amount,
    )  # fmt: skip
    return refund
