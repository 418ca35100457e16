"""Where students stand, read for many at once: a handful of queries for any number of studies.

A :class:`Snapshot` holds what the rules need of one student (university, person, the newest
card with its renewals, the photo that counts) and the :class:`StudentFacts` eligibility is
judged on. One student or a batch of orders is read the same way, so there is one path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from legitka.domain.eligibility import CardFacts, StudentFacts
from legitka.domain.els import card_valid_until
from legitka.domain.mobile_ids import RegisterState
from legitka.registry.models import ElsCard, Person, Photo, Study, University
from legitka.registry.services.photos import state_of

BATCH = 500


@dataclass(frozen=True)
class Snapshot:
    study: Study
    person: Person
    university: University
    card: ElsCard | None  # the study's newest card
    photo: Photo | None  # the newest approved photo
    facts: StudentFacts


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[start : start + BATCH] for start in range(0, len(ordered), BATCH)]


def snapshots(
    session: Session, studies: Sequence[Study], *, with_pictures: bool = False
) -> dict[int, Snapshot]:
    """The snapshot of each study, by study id. ``with_pictures`` also loads each photo's
    credential picture (for preparing credentials), which eligibility alone does not need."""
    universities: dict[int, University] = {}
    people: dict[int, Person] = {}
    photos: dict[int, list[Photo]] = {}
    cards: dict[int, ElsCard] = {}
    for chunk in _chunks([s.university_id for s in studies]):
        universities.update(
            (u.id, u) for u in session.scalars(select(University).where(University.id.in_(chunk)))
        )
    for chunk in _chunks([s.person_id for s in studies]):
        people.update(
            (p.id, p) for p in session.scalars(select(Person).where(Person.id.in_(chunk)))
        )
        query = select(Photo).where(Photo.person_id.in_(chunk)).order_by(Photo.id.desc())
        if with_pictures:
            query = query.options(undefer(Photo.credential_picture))
        for each in session.scalars(query):
            photos.setdefault(each.person_id, []).append(each)
    for chunk in _chunks([s.id for s in studies]):
        for found_card in session.scalars(
            select(ElsCard)
            .where(ElsCard.study_id.in_(chunk))
            .options(selectinload(ElsCard.renewals))
            .order_by(ElsCard.id)
        ):
            cards[found_card.study_id] = found_card  # the newest comes last
    found: dict[int, Snapshot] = {}
    for study in studies:
        university = universities[study.university_id]
        person = people[study.person_id]
        photo, photo_status, reason = state_of(photos.get(person.id, []))
        card = cards.get(study.id)
        card_facts = None
        if card is not None:
            card_facts = CardFacts(
                number=f"{card.number}{card.edition}",
                status=card.status,
                valid_until=card_valid_until(
                    (r.valid_until for r in card.renewals), university.emergency_extension_days
                ),
                data_unchanged=card.data_fingerprint == person.personal_data.fingerprint(),
            )
        facts = StudentFacts(
            policy=university.policy,
            status=study.status,
            level=study.level,
            graduated_on=study.graduated_on,
            has_pesel=bool(person.pesel),
            album_number=study.album_number,
            photo=photo_status,
            photo_rejection_reason=reason,
            card=card_facts,
        )
        found[study.id] = Snapshot(study, person, university, card, photo, facts)
    return found


def snapshot(session: Session, study: Study, *, with_pictures: bool = False) -> Snapshot:
    return snapshots(session, [study], with_pictures=with_pictures)[study.id]


def register_state(session: Session, study: Study) -> RegisterState:
    """The study's register entry as :func:`legitka.domain.mobile_ids.effect` reads it: the
    facts and the fingerprint of the personal data printed on the ID."""
    snap = snapshot(session, study)
    return RegisterState(snap.facts, snap.person.personal_data.fingerprint())
