"""Building register entries for tests through the real services (no fixtures of raw rows)."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.eligibility import Policy
from legitka.domain.studies import StudyLevel
from legitka.registry.models import DeclarationKind, Study, University
from legitka.registry.services import declarations, people, universities

# A real sort code with its check digit (10901014) and a client number.
ACCOUNT_PREFIX = "109010140000"


def university(
    session: Session, clock: Clock, *, slug: str = "pd", policy: Policy = Policy.ELS_LINKED
) -> University:
    uni = universities.create_university(
        session, clock, slug=slug, name_pl="Politechnika Testowa", name_en="Test University",
        policy=policy, hologram_code="123", account_prefix=ACCOUNT_PREFIX,
    )
    for kind in DeclarationKind:
        declarations.publish(
            session, clock, uni, kind, title_pl=kind.value, title_en=kind.value,
            text_pl="Tekst", text_en="Text",
        )
    return uni


def student(
    session: Session,
    clock: Clock,
    uni: University,
    *,
    album: str = "100001",
    pesel: str | None = "02270803624",
    birth_date: dt.date = dt.date(2002, 7, 8),
    level: StudyLevel = StudyLevel.FIRST_CYCLE,
) -> Study:
    return people.enrol_student(
        session, clock, uni, given_names="Anna", family_name="Testowa", birth_date=birth_date,
        pesel=pesel, email="anna@example.org", album_number=album, level=level,
        programme="Informatyka", started_on=dt.date(2024, 10, 1),
    )


def photo_bytes(width: int = 354, height: int = 496, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buffer, fmt)
    return buffer.getvalue()
