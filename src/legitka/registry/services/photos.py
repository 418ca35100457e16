"""Photos for the ID: checked on upload, then approved or rejected by the dean's office."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.credentials.picture import credential_picture
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.errors import Conflict, InvalidInput
from legitka.registry import audit
from legitka.registry.models import Person, Photo

MAX_BYTES = 5 * 1024 * 1024
MIN_WIDTH, MIN_HEIGHT = 354, 496  # what a student's upload must have at least
# A kept photo is at least this large: 35 × 45 mm at about 257 dpi, cut from an upload of at least
# MIN_WIDTH × MIN_HEIGHT to the card's 35:45 proportions.
KEPT_MIN_WIDTH, KEPT_MIN_HEIGHT = 354, 455
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def check_image(data: bytes, *, field: str = "photo") -> tuple[str, int, int]:
    """Return (content type, width, height) of an acceptable photo, or say what is wrong."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            "photo_too_large",
            f"The photo has {len(data) / 1024 / 1024:.1f} MB; the limit is 5 MB.",
            field=field,
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format or "", image.size
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise InvalidInput(
            "photo_unreadable", "The file is not a readable JPEG or PNG image.", field=field
        ) from None
    if fmt not in FORMATS:
        raise InvalidInput(
            "photo_wrong_format",
            f"The photo is {fmt or 'of an unknown format'}: send JPEG or PNG.",
            field=field,
        )
    if width < KEPT_MIN_WIDTH or height < KEPT_MIN_HEIGHT:
        raise InvalidInput(
            "photo_too_small",
            f"The photo is {width}×{height} pixels; it must be at least "
            f"{KEPT_MIN_WIDTH}×{KEPT_MIN_HEIGHT}.",
            field=field,
        )
    return FORMATS[fmt], width, height


def submit_photo(
    session: Session, clock: Clock, person: Person, data: bytes, *, actor: str
) -> Photo:
    content_type, width, height = check_image(data)
    photo = Photo(
        person_id=person.id,
        image=data,
        content_type=content_type,
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        status=PhotoStatus.PENDING,
        submitted_at=clock.now(),
    )
    session.add(photo)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="photo.submitted",
        subject_type="photo",
        subject_id=photo.id,
        university_id=person.university_id,
        person_id=person.id,
    )
    return photo


def decide_photo(
    session: Session,
    clock: Clock,
    photo: Photo,
    *,
    approve: bool,
    reason: str | None = None,
    actor: str,
) -> None:
    if photo.status is not PhotoStatus.PENDING:
        raise Conflict(
            "photo_already_decided",
            f"This photo was already {photo.status.value}.",
            field="photo",
        )
    if not approve and not (reason and reason.strip()):
        raise InvalidInput(
            "rejection_reason_missing",
            "Say why the photo is rejected: the student sees the reason.",
            field="reason",
        )
    if approve:
        # Ready for the credential before anyone orders it (a bad file fails here, not later).
        photo.credential_picture = credential_picture(photo.image)
    photo.status = PhotoStatus.APPROVED if approve else PhotoStatus.REJECTED
    photo.rejection_reason = None if approve else (reason or "").strip()
    photo.decided_at = clock.now()
    photo.decided_by = actor
    person = session.get(Person, photo.person_id)
    assert person is not None
    audit.record(
        session,
        clock,
        actor=actor,
        action="photo.approved" if approve else "photo.rejected",
        subject_type="photo",
        subject_id=photo.id,
        university_id=person.university_id,
        person_id=person.id,
    )


def state_of(
    photos: Sequence[Photo],
) -> tuple[Photo | None, PhotoStatus | None, str | None]:
    """What counts of a person's ``photos`` (newest first): the newest approved photo, else the
    newest photo's status and rejection reason."""
    approved = next((p for p in photos if p.status is PhotoStatus.APPROVED), None)
    if approved is not None:
        return approved, PhotoStatus.APPROVED, None
    if not photos:
        return None, None, None
    return None, photos[0].status, photos[0].rejection_reason


def photo_state(session: Session, person: Person) -> tuple[PhotoStatus | None, str | None]:
    """An approved photo counts; otherwise the newest photo's status (and rejection reason)."""
    photos = session.scalars(
        select(Photo).where(Photo.person_id == person.id).order_by(Photo.id.desc())
    ).all()
    _, status, reason = state_of(photos)
    return status, reason


def approved_photo(session: Session, person: Person) -> Photo | None:
    return session.scalar(
        select(Photo)
        .where(Photo.person_id == person.id, Photo.status == PhotoStatus.APPROVED)
        .order_by(Photo.id.desc())
        .limit(1)
    )


def credential_picture_of(session: Session, photo: Photo) -> str:
    """The approved photo as the credential carries it, made and kept on first use."""
    if photo.credential_picture is None:
        photo.credential_picture = credential_picture(photo.image)
        session.flush()
    return photo.credential_picture
