"""Importing a bank statement: every incoming transfer settles the fees of the student it names.

The file is read and checked completely first (:mod:`legitka.registry.statements`); only then is
anything written, in the caller's transaction. A transfer is matched to a student by the credited
individual account; :func:`legitka.registry.services.fees.record_payment` settles the charges
(partial payments leave a charge due, over-payments stay as credit). Each transfer has a key made
of its booking date, amount, account, reference, title and its occurrence number among identical
transfers in the file, so importing the same statement again settles nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.errors import Conflict
from legitka.domain.fees import ChargeKind, ChargeStatus, PaymentSource
from legitka.registry import audit
from legitka.registry.models import (
    Charge,
    Payment,
    StatementImport,
    Study,
    University,
)
from legitka.registry.services import fees
from legitka.registry.statements import BankTransaction, SkippedRecord, parse_statement


@dataclass(frozen=True)
class SettledCharge:
    """The part of a transfer that went to one charge, and what is still owed on it."""

    charge_id: int
    kind: ChargeKind
    amount_grosze: int
    paid_in_full: bool
    outstanding_grosze: int


@dataclass(frozen=True)
class MatchedPayment:
    line: int
    booked_on: dt.date
    album_number: str | None
    amount_grosze: int
    charges: tuple[SettledCharge, ...]
    credit_grosze: int


@dataclass(frozen=True)
class UnmatchedTransfer:
    """A transfer to an account of no student: the dean's office must look at it."""

    line: int
    booked_on: dt.date
    account: str | None
    amount_grosze: int
    title: str | None
    counterparty: str | None


@dataclass(frozen=True)
class DuplicateTransfer:
    """A transfer recorded by an earlier import (of this or another statement)."""

    line: int
    booked_on: dt.date
    amount_grosze: int


@dataclass(frozen=True)
class ImportReport:
    filename: str
    format: str
    sha256: str
    dry_run: bool
    statement_id: int | None
    previously_imported: tuple[dt.datetime, ...]
    matched: tuple[MatchedPayment, ...] = field(default=())
    unmatched: tuple[UnmatchedTransfer, ...] = field(default=())
    duplicates: tuple[DuplicateTransfer, ...] = field(default=())
    skipped: tuple[SkippedRecord, ...] = field(default=())

    @property
    def transactions(self) -> int:
        return len(self.matched) + len(self.unmatched) + len(self.duplicates)

    @property
    def overpayments(self) -> tuple[MatchedPayment, ...]:
        return tuple(m for m in self.matched if m.credit_grosze > 0)

    def counts(self) -> dict[str, int]:
        return {
            "transactions": self.transactions,
            "matched": len(self.matched),
            "unmatched": len(self.unmatched),
            "duplicates": len(self.duplicates),
            "overpayments": len(self.overpayments),
            "skipped": len(self.skipped),
        }

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: dates in ISO 8601, amounts in grosze."""
        return {
            "file": self.filename,
            "format": self.format,
            "sha256": self.sha256,
            "dry_run": self.dry_run,
            "statement_import_id": self.statement_id,
            "previously_imported": [at.isoformat() for at in self.previously_imported],
            "counts": self.counts(),
            "matched": [_jsonable(asdict(m)) for m in self.matched],
            "overpayments": [
                {"line": m.line, "album_number": m.album_number, "credit_grosze": m.credit_grosze}
                for m in self.overpayments
            ],
            "unmatched": [_jsonable(asdict(u)) for u in self.unmatched],
            "duplicates": [_jsonable(asdict(d)) for d in self.duplicates],
            "skipped": [_jsonable(asdict(s)) for s in self.skipped],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def transaction_keys(transactions: tuple[BankTransaction, ...]) -> list[str]:
    """One key per transfer; identical transfers in one file are told apart by their order."""
    seen: Counter[tuple[object, ...]] = Counter()
    keys = []
    for tx in transactions:
        identity = (
            tx.booked_on.isoformat(),
            tx.amount_grosze,
            tx.account or "",
            tx.reference or "",
            tx.title or "",
        )
        seen[identity] += 1
        keys.append(fees.transaction_key("statement", *identity, seen[identity]))
    return keys


def _album_numbers(session: Session, person_ids: list[int]) -> dict[int, str]:
    """Each person's album number (of the newest study that has one)."""
    albums: dict[int, str] = {}
    for start in range(0, len(person_ids), fees.BATCH):
        rows = session.execute(
            select(Study.person_id, Study.album_number)
            .where(
                Study.person_id.in_(person_ids[start : start + fees.BATCH]),
                Study.album_number.is_not(None),
            )
            .order_by(Study.started_on, Study.id)
        )
        for person_id, album in rows:
            if album is not None:
                albums[person_id] = album  # the newest study comes last
    return albums


def _settled(session: Session, payment: Payment) -> tuple[SettledCharge, ...]:
    rows = [(a.amount_grosze, session.get_one(Charge, a.charge_id)) for a in payment.allocations]
    return tuple(
        SettledCharge(
            charge_id=charge.id,
            kind=charge.kind,
            amount_grosze=amount,
            paid_in_full=charge.status is ChargeStatus.PAID,
            outstanding_grosze=charge.outstanding_grosze,
        )
        for amount, charge in rows
    )


def import_statement(
    session: Session,
    clock: Clock,
    university: University,
    filename: str,
    data: bytes,
    *,
    actor: str,
    dry_run: bool = False,
    format: str = "auto",
) -> ImportReport:
    """Import a statement file into the caller's transaction and report what it did.

    A bad file raises :class:`InvalidInput` before anything is written. With ``dry_run`` the
    same work is done and the report returned, then the session is rolled back: run a dry run
    in a session of its own.
    """
    prefix = university.account_prefix
    parsed = parse_statement(data, filename, format=format, account_prefix=prefix)
    sha256 = hashlib.sha256(data).hexdigest()
    previously = tuple(
        session.scalars(
            select(StatementImport.imported_at)
            .where(
                StatementImport.university_id == university.id,
                StatementImport.sha256 == sha256,
            )
            .order_by(StatementImport.imported_at)
        )
    )
    statement = StatementImport(
        university_id=university.id,
        filename=filename[-255:],
        sha256=sha256,
        format=parsed.format,
        imported_at=clock.now(),
        imported_by=actor[:80],
        transactions=len(parsed.transactions),
        matched=0,
        unmatched=0,
        duplicates=0,
    )
    source = PaymentSource.MT940 if parsed.format == "mt940" else PaymentSource.CSV
    matched: list[MatchedPayment] = []
    unmatched: list[UnmatchedTransfer] = []
    duplicates: list[DuplicateTransfer] = []
    keys = transaction_keys(parsed.transactions)
    try:
        session.add(statement)
        session.flush()
        payments = fees.record_payments(
            session, clock, university,
            [
                fees.IncomingPayment(
                    tx.account, tx.amount_grosze, tx.booked_on, key, tx.reference, tx.title,
                    tx.counterparty,
                )
                for tx, key in zip(parsed.transactions, keys, strict=True)
            ],
            source=source, statement=statement, actor=actor,
        )  # fmt: skip
        albums = _album_numbers(
            session, sorted({p.person_id for p in payments if p and p.person_id})
        )
        for tx, payment in zip(parsed.transactions, payments, strict=True):
            if payment is None:
                duplicates.append(DuplicateTransfer(tx.line, tx.booked_on, tx.amount_grosze))
            elif payment.person_id is None:
                unmatched.append(
                    UnmatchedTransfer(
                        tx.line,
                        tx.booked_on,
                        tx.account,
                        tx.amount_grosze,
                        tx.title,
                        tx.counterparty,
                    )
                )
            else:
                matched.append(
                    MatchedPayment(
                        line=tx.line,
                        booked_on=tx.booked_on,
                        album_number=albums.get(payment.person_id),
                        amount_grosze=tx.amount_grosze,
                        charges=_settled(session, payment),
                        credit_grosze=payment.unallocated_grosze,
                    )
                )
        statement.matched = len(matched)
        statement.unmatched = len(unmatched)
        statement.duplicates = len(duplicates)
        audit.record(
            session,
            clock,
            actor=actor,
            action="statement.imported",
            subject_type="statement_import",
            subject_id=statement.id,
            university_id=university.id,
            format=parsed.format,
            sha256=sha256,
            transactions=len(parsed.transactions),
            matched=len(matched),
            unmatched=len(unmatched),
            duplicates=len(duplicates),
            skipped=len(parsed.skipped),
        )
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "statement_import_conflict",
            f"Transfers from {filename} were recorded by another import at the same time; "
            "nothing was imported. Import the file again: transfers already recorded are skipped.",
            field="file",
        ) from None
    report = ImportReport(
        filename=filename,
        format=parsed.format,
        sha256=sha256,
        dry_run=dry_run,
        statement_id=None if dry_run else statement.id,
        previously_imported=previously,
        matched=tuple(matched),
        unmatched=tuple(unmatched),
        duplicates=tuple(duplicates),
        skipped=parsed.skipped,
    )
    if dry_run:
        session.rollback()
    return report
