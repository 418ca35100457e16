"""Semester renewals (R5): one card at the desk, or every card of the university in a job.

A bulk renewal is planned first (:func:`plan`: who gets the semester's sticker and who is left
out, and why), then started as a :class:`RenewalJob` whose students each have their hologram
number fixed in advance. The worker takes the job in batches (:func:`run_round`): every batch is
one transaction that renews its cards, marks its students done and moves the counters together,
only while the worker's lease on the job holds. A worker that dies mid-batch commits nothing of
it; when its lease lapses another worker takes the job up where the last commit left it, so no
card is renewed twice and no hologram is used twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from legitka.clock import Clock, local_today
from legitka.domain import els as rules
from legitka.domain.els import RenewalFacts, RenewalSkip
from legitka.domain.errors import Conflict, LegitkaError
from legitka.domain.fees import ChargeStatus
from legitka.domain.semesters import Semester, validate_hologram
from legitka.domain.studies import ELIGIBLE_LEVELS, StudyStatus
from legitka.domain.text import N_
from legitka.registry import audit
from legitka.registry.db import transaction
from legitka.registry.models import (
    Charge,
    ElsCard,
    ElsRenewal,
    RenewalItemOutcome,
    RenewalJob,
    RenewalJobItem,
    RenewalJobStatus,
    Study,
    University,
)
from legitka.registry.services import els, snapshots

logger = logging.getLogger("legitka.worker")

LEASE_SECONDS = 60
BATCH = 50


@dataclass(frozen=True)
class PlanRow:
    study_id: int
    card_id: int | None
    album: str | None
    name: str
    card: str | None  # number and edition
    skip: RenewalSkip | None
    hologram: str | None = None


@dataclass(frozen=True)
class Plan:
    semester: Semester
    renew: tuple[PlanRow, ...]
    skip: tuple[PlanRow, ...]

    @property
    def fingerprint(self) -> str:
        """What the preview promised: the cards to renew, in their order."""
        text = ",".join(f"{row.study_id}:{row.card_id}" for row in self.renew)
        return hashlib.sha256(f"{self.semester.code}|{text}".encode()).hexdigest()[:32]


def overdue_by_person(
    session: Session, person_ids: Sequence[int], today: dt.date
) -> dict[int, int]:
    """What each person owes past the deadline (or with none): open charges only."""
    owed: dict[int, int] = {}
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), snapshots.BATCH):
        rows = session.execute(
            select(Charge.person_id, func.sum(Charge.amount_grosze - Charge.paid_grosze))
            .where(
                Charge.person_id.in_(ids[start : start + snapshots.BATCH]),
                Charge.status == ChargeStatus.DUE,
                or_(Charge.due_date.is_(None), Charge.due_date < today),
            )
            .group_by(Charge.person_id)
        )
        owed.update((person_id, int(total or 0)) for person_id, total in rows)
    return owed


def facts_of(
    session: Session, studies: Sequence[Study], today: dt.date
) -> dict[int, tuple[RenewalFacts, ElsCard | None, snapshots.Snapshot]]:
    """The renewal facts of each study, its newest card and its snapshot, by study id."""
    snaps = snapshots.snapshots(session, studies)
    owed = overdue_by_person(session, [s.person_id for s in studies], today)
    found = {}
    for study in studies:
        snap = snaps[study.id]
        card = snap.card
        facts = RenewalFacts(
            level_eligible=study.level in ELIGIBLE_LEVELS,
            active=study.status is StudyStatus.ACTIVE,
            card_status=card.status if card else None,
            renewed_for=frozenset(r.semester for r in card.renewals) if card else frozenset(),
            overdue_grosze=owed.get(study.person_id, 0),
        )
        found[study.id] = (facts, card, snap)
    return found


def _considered(session: Session, university: University) -> list[Study]:
    """The students a renewal looks at: every active one, and everyone else whose card has
    not ended (so that a card kept after graduation or removal shows as left out)."""
    with_live_card = select(ElsCard.study_id).where(
        ElsCard.university_id == university.id, ElsCard.status.not_in(list(rules.ENDED))
    )
    return list(
        session.scalars(
            select(Study)
            .where(
                Study.university_id == university.id,
                or_(Study.status == StudyStatus.ACTIVE, Study.id.in_(with_live_card)),
            )
            .order_by(Study.album_number, Study.id)
        )
    )


def plan(session: Session, clock: Clock, university: University, semester: Semester) -> Plan:
    """Who gets the semester's sticker, and who is left out with the reason, by album number."""
    studies = _considered(session, university)
    facts = facts_of(session, studies, local_today(clock))
    renew: list[PlanRow] = []
    skip: list[PlanRow] = []
    for study in studies:
        fact, card, snap = facts[study.id]
        row = PlanRow(
            study_id=study.id,
            card_id=card.id if card else None,
            album=study.album_number,
            name=snap.person.full_name,
            card=f"{card.number}{card.edition}" if card else None,
            skip=rules.renewal_skip(fact, semester.code),
        )
        (skip if row.skip else renew).append(row)
    return Plan(semester, tuple(renew), tuple(skip))


def holograms_for(
    session: Session, university: University, first: str, last: str, needed: int
) -> list[str]:
    """The holograms of the roll ``first``–``last`` the renewal will use, refused before anything
    starts when the roll is too short or one of them is on a card already."""
    first = validate_hologram(first, university.hologram_code, field="first_hologram")
    last = validate_hologram(last, university.hologram_code, field="last_hologram")
    numbers = rules.hologram_serials(first, last, needed)
    for start in range(0, len(numbers), snapshots.BATCH):
        used = session.scalar(
            select(ElsRenewal.hologram_number)
            .where(ElsRenewal.hologram_number.in_(numbers[start : start + snapshots.BATCH]))
            .order_by(ElsRenewal.hologram_number)
            .limit(1)
        )
        if used is not None:
            raise Conflict(
                "hologram_used",
                N_("Hologram {hologram} of this range is already on a card: start after it."),
                field="first_hologram",
                hologram=used,
            )
    return numbers


def running_job(session: Session, university: University) -> RenewalJob | None:
    return session.scalar(
        select(RenewalJob).where(
            RenewalJob.university_id == university.id,
            RenewalJob.status != RenewalJobStatus.FINISHED,
        )
    )


def start(
    session: Session,
    clock: Clock,
    university: University,
    semester: Semester,
    *,
    first_hologram: str,
    last_hologram: str,
    fingerprint: str,
    actor: str,
) -> RenewalJob:
    """Start the renewal the preview showed; refused when the register changed since then."""
    if running_job(session, university) is not None:
        raise Conflict(
            "renewal_running",
            N_("A renewal of this university is still running: wait until it ends."),
        )
    planned = plan(session, clock, university, semester)
    if planned.fingerprint != fingerprint:
        raise Conflict(
            "renewal_plan_changed",
            N_("The register changed since the preview: check the new preview and start again."),
        )
    if not planned.renew:
        raise Conflict("renewal_nobody", N_("Nobody's card can be renewed for this semester."))
    numbers = holograms_for(session, university, first_hologram, last_hologram,
                            len(planned.renew))  # fmt: skip
    now = clock.now()
    job = RenewalJob(
        university_id=university.id,
        semester=semester.code,
        valid_until=semester.validity_end,
        first_hologram=numbers[0],
        last_hologram=validate_hologram(last_hologram, university.hologram_code),
        status=RenewalJobStatus.QUEUED,
        total=len(planned.renew),
        done=0,
        renewed=0,
        skipped=len(planned.skip),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    session.flush()
    position = 0
    for row, hologram in zip(planned.renew, numbers, strict=True):
        position += 1
        session.add(RenewalJobItem(
            job_id=job.id, position=position, study_id=row.study_id, card_id=row.card_id,
            hologram_number=hologram, outcome=RenewalItemOutcome.PENDING,
        ))  # fmt: skip
    for row in planned.skip:
        position += 1
        session.add(RenewalJobItem(
            job_id=job.id, position=position, study_id=row.study_id, card_id=row.card_id,
            outcome=RenewalItemOutcome.SKIPPED, reason=row.skip.value if row.skip else None,
            processed_at=now,
        ))  # fmt: skip
    session.flush()
    audit.record(
        session, clock, actor=actor, action="renewal_job.started", subject_type="renewal_job",
        subject_id=job.id, university_id=university.id, semester=semester.code,
        total=job.total, skipped=job.skipped,
    )  # fmt: skip
    return job


def _claimable(now: dt.datetime) -> object:
    return or_(
        RenewalJob.status == RenewalJobStatus.QUEUED,
        (RenewalJob.status == RenewalJobStatus.RUNNING) & (RenewalJob.lease_until < now),
    )


def claim(sessions: sessionmaker[Session], clock: Clock, worker: str) -> int | None:
    """Take one job that waits, or whose worker's lease lapsed; ``None`` when there is none."""
    with transaction(sessions) as session:
        now = clock.now()
        query = (
            select(RenewalJob.id)
            .where(_claimable(now))  # type: ignore[arg-type]
            .order_by(RenewalJob.id)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job_id = session.scalar(query)
        if job_id is None:
            return None
        taken = session.scalar(
            update(RenewalJob)
            .where(RenewalJob.id == job_id, _claimable(now))  # type: ignore[arg-type]
            .values(
                status=RenewalJobStatus.RUNNING,
                claimed_by=worker,
                lease_until=now + dt.timedelta(seconds=LEASE_SECONDS),
                started_at=func.coalesce(RenewalJob.started_at, now),
                updated_at=now,
            )
            .returning(RenewalJob.id)
        )
        return int(taken) if taken is not None else None


def process_batch(
    session: Session, clock: Clock, worker: str, job_id: int, *, limit: int = BATCH
) -> int:
    """Renew the job's next ``limit`` students in ``session`` (the caller commits); returns how
    many were dealt with, 0 when the job is not this worker's any more or is finished."""
    query = select(RenewalJob).where(RenewalJob.id == job_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    job = session.scalar(query)
    now = clock.now()
    if (
        job is None
        or job.status is not RenewalJobStatus.RUNNING
        or job.claimed_by != worker
        or job.lease_until is None
        or job.lease_until < now
    ):
        return 0
    items = list(
        session.scalars(
            select(RenewalJobItem)
            .where(
                RenewalJobItem.job_id == job.id,
                RenewalJobItem.outcome == RenewalItemOutcome.PENDING,
            )
            .order_by(RenewalJobItem.position)
            .limit(limit)
        )
    )
    semester = Semester.parse(job.semester)
    studies = list(session.scalars(select(Study).where(Study.id.in_([i.study_id for i in items]))))
    facts = facts_of(session, studies, local_today(clock))
    for item in items:
        fact, card, _snap = facts[item.study_id]
        reason = rules.renewal_skip(fact, semester.code)
        if reason is None and (card is None or card.id != item.card_id):
            reason = RenewalSkip.CARD_NOT_ACTIVE  # a duplicate took the card's place
        if reason is None and card is not None and item.hologram_number:
            try:
                with session.begin_nested():
                    renewal = els.renew(session, clock, card, semester,
                                        hologram_number=item.hologram_number,
                                        actor=job.created_by)  # fmt: skip
                    item.renewal_id = renewal.id
            except LegitkaError as exc:
                logger.warning("renewal job %s: card %s not renewed: %s", job.id, card.id, exc.code)
                item.reason = exc.code
        if reason is None and item.renewal_id is not None:
            item.outcome = RenewalItemOutcome.RENEWED
            job.renewed += 1
        else:
            item.outcome = RenewalItemOutcome.SKIPPED
            item.reason = reason.value if reason else item.reason
            job.skipped += 1
        item.processed_at = now
        job.done += 1
    job.updated_at = now
    job.lease_until = now + dt.timedelta(seconds=LEASE_SECONDS)
    remaining = session.scalar(
        select(func.count(RenewalJobItem.id)).where(
            RenewalJobItem.job_id == job.id, RenewalJobItem.outcome == RenewalItemOutcome.PENDING
        )
    )
    if not remaining:
        job.status = RenewalJobStatus.FINISHED
        job.finished_at = now
        job.claimed_by = None
        job.lease_until = None
        audit.record(
            session, clock, actor=worker, action="renewal_job.finished",
            subject_type="renewal_job", subject_id=job.id, university_id=job.university_id,
            renewed=job.renewed, skipped=job.skipped,
        )  # fmt: skip
    return len(items)


def run_round(sessions: sessionmaker[Session], clock: Clock, worker: str) -> int:
    """One batch of one job (the worker's round); returns how many students it dealt with."""
    job_id = claim(sessions, clock, worker)
    if job_id is None:
        return 0
    with transaction(sessions) as session:
        return process_batch(session, clock, worker, job_id)


# ---- one card at the desk ----


def check_renewable(session: Session, clock: Clock, study: Study, semester: Semester) -> ElsCard:
    """The study's card when it may get the semester's sticker; otherwise why not."""
    fact, card, _snap = facts_of(session, [study], local_today(clock))[study.id]
    reason = rules.renewal_skip(fact, semester.code)
    if reason is not None or card is None:
        skip = reason or RenewalSkip.NO_CARD
        raise Conflict(
            f"renewal_{skip.value}",
            N_("The card cannot be renewed: {reason}."),
            field="card",
            reason=rules.RENEWAL_SKIP_LABELS[skip],
        )
    return card


def renew_one(
    session: Session,
    clock: Clock,
    study: Study,
    semester: Semester,
    *,
    hologram_number: str,
    actor: str,
) -> ElsRenewal:
    card = check_renewable(session, clock, study, semester)
    return els.renew(session, clock, card, semester, hologram_number=hologram_number, actor=actor)


# ---- the report ----


@dataclass(frozen=True)
class ReportRow:
    outcome: RenewalItemOutcome
    album: str | None
    family_name: str
    given_names: str
    card: str | None
    hologram: str | None
    reason: str | None


def report(session: Session, job: RenewalJob) -> list[ReportRow]:
    """Every student of the job: renewed with the hologram, left out with the reason."""
    items = list(
        session.scalars(
            select(RenewalJobItem)
            .where(RenewalJobItem.job_id == job.id)
            .order_by(RenewalJobItem.position)
        )
    )
    studies = {
        s.id: s
        for s in session.scalars(select(Study).where(Study.id.in_([i.study_id for i in items])))
    }
    snaps = snapshots.snapshots(session, list(studies.values()))
    cards = {
        c.id: c
        for c in session.scalars(
            select(ElsCard).where(ElsCard.id.in_([i.card_id for i in items if i.card_id]))
        )
    }
    rows = []
    for item in items:
        person = snaps[item.study_id].person
        card = cards.get(item.card_id) if item.card_id else None
        rows.append(ReportRow(
            outcome=item.outcome, album=studies[item.study_id].album_number,
            family_name=person.family_name, given_names=person.given_names,
            card=f"{card.number}{card.edition}" if card else None,
            hologram=item.hologram_number if item.outcome is not RenewalItemOutcome.SKIPPED
            else None,
            reason=item.reason,
        ))  # fmt: skip
    return rows


__all__ = [
    "Plan",
    "PlanRow",
    "ReportRow",
    "check_renewable",
    "claim",
    "plan",
    "process_batch",
    "renew_one",
    "report",
    "run_round",
    "start",
]
