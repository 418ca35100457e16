"""Finding students of one university: by name (case and diacritics ignored), album, PESEL.

A query of 11 digits is a PESEL (exact), other digits an album number (exact, else its
beginning), anything else words of the name that must all appear (``nowak anna``, ``Wozniak``
finds Woźniak). Names are compared in Python after one query of the university's names, since
SQLite folds neither case nor diacritics outside ASCII.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from legitka.registry.models import Person, Study, University

PAGE_SIZE = 25


def fold(text: str) -> str:
    """``text`` without case, diacritics and extra spaces (Ł and ł become l)."""
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class Hit:
    study_id: int
    person_id: int
    name: str
    album: str | None
    programme: str
    level: str
    status: str


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    page: int
    pages: int
    total: int


def _rows(query: Select[Study, Person]) -> Select[Study, Person]:
    return query.order_by(Person.family_name, Person.given_names, Study.album_number, Study.id)


def _page(session: Session, query: Select[Study, Person], page: int) -> Results:
    total = int(
        session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    window = _rows(query).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    rows = session.execute(window).all()
    return Results([_hit(study, person) for study, person in rows], page, pages, total)


def _hit(study: Study, person: Person) -> Hit:
    return Hit(
        study_id=study.id,
        person_id=person.id,
        name=f"{person.family_name} {person.given_names}",
        album=study.album_number,
        programme=study.programme,
        level=study.level.value,
        status=study.status.value,
    )


def _base(university: University) -> Select[Study, Person]:
    return (
        select(Study, Person)
        .join(Person, Person.id == Study.person_id)
        .where(Study.university_id == university.id)
    )


def everyone(session: Session, university: University, page: int = 1) -> Results:
    return _page(session, _base(university), page)


def search(session: Session, university: University, text: str, page: int = 1) -> Results:
    """The studies at ``university`` whose student matches ``text``, a page at a time."""
    text = " ".join(text.split())
    compact = text.replace(" ", "")
    query = _base(university)
    if compact.isdigit() and len(compact) == 11:
        return _page(session, query.where(Person.pesel == compact), page)
    if compact.isdigit():
        exact = query.where(Study.album_number == compact)
        if session.scalar(select(func.count()).select_from(exact.subquery())):
            return _page(session, exact, page)
        return _page(session, query.where(Study.album_number.startswith(compact)), page)
    words = fold(text).split()
    if not words:
        return Results([], 1, 1, 0)
    people: Sequence[tuple[int, str, str]] = session.execute(
        select(Person.id, Person.given_names, Person.family_name).where(
            Person.university_id == university.id
        )
    ).all()
    matching = [
        pid
        for pid, given, family in people
        if all(word in fold(f"{given} {family}") for word in words)
    ]
    if not matching:
        return Results([], 1, 1, 0)
    return _page(session, query.where(Person.id.in_(matching)), page)
