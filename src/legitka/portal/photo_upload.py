"""A student's photo upload: read with a size limit, cropped to the card's 35×45 proportions.

A page's form or the API's multipart body is read only when it fits a photo, the photo is turned
upright, cropped (to the part the student chose, or to the middle) and encoded again without its
metadata, then handed to :func:`legitka.registry.services.photos.submit_photo`. Every refusal is
a coded error with a message in the student's language, raised before anything changes.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message

from legitka.clock import Clock
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.errors import InvalidInput
from legitka.domain.text import N_
from legitka.portal.auth import Student
from legitka.registry.models import Photo
from legitka.registry.services import photos

RATIO = (35, 45)  # the photo on the card: 35 × 45 mm
MAX_PIXELS = 50_000_000
# The multipart envelope around a photo of MAX_BYTES: boundaries, headers and the small fields.
FORM_OVERHEAD = 64 * 1024
JPEG_QUALITY = 92


class PhotoRejected(InvalidInput):
    """An uploaded photo the register cannot take (422, or 413 when the file is too large)."""


def _too_large() -> PhotoRejected:
    return PhotoRejected(
        "photo_too_large",
        N_("The file is larger than 5 MB: send a smaller photo."),
        field="photo",
        status=413,
    )


def _missing() -> PhotoRejected:
    return PhotoRejected("photo_missing", N_("Choose a photo to upload."), field="photo")


async def read_form(request: Request) -> tuple[Request, FormData]:
    """The request's form, read only when its body fits a photo (else 413 before parsing)."""
    limit = photos.MAX_BYTES + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large()
        chunks.append(chunk)
    body = b"".join(chunks)
    replayed = False

    async def receive() -> Message:
        nonlocal replayed
        if replayed:
            return {"type": "http.disconnect"}
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    limited = Request(request.scope, receive)
    return limited, await limited.form()


@dataclass(frozen=True)
class Crop:
    """The part of the photo to keep, in pixels of the upright image."""

    x: int
    y: int
    width: int
    height: int


CROP_FIELDS = ("crop_x", "crop_y", "crop_width", "crop_height")
CROP_INVALID = N_(
    "The chosen part of the photo is not valid: choose it again, or send the photo without "
    "choosing and it will be cropped to the centre."
)


def crop_from(form: FormData) -> Crop | None:
    """The crop fields of a form: all four numbers, or none (crop to the centre)."""
    values = [str(form.get(name) or "").strip() for name in CROP_FIELDS]
    if not any(values):
        return None
    try:
        numbers = [float(v) for v in values]
    except ValueError:
        raise PhotoRejected("photo_crop_invalid", CROP_INVALID, field="crop") from None
    if not all(math.isfinite(n) for n in numbers) or numbers[2] < 1 or numbers[3] < 1:
        raise PhotoRejected("photo_crop_invalid", CROP_INVALID, field="crop")
    x, y, width, height = (round(n) for n in numbers)
    return Crop(x, y, width, height)


def _fit_ratio(box: Crop) -> Crop:
    """The largest 35:45 part of ``box``, centred in it."""
    width, height = box.width, box.height
    if width * RATIO[1] > height * RATIO[0]:
        width = min(width, round(height * RATIO[0] / RATIO[1]))
    else:
        height = min(height, round(width * RATIO[1] / RATIO[0]))
    return Crop(box.x + (box.width - width) // 2, box.y + (box.height - height) // 2, width, height)


def _open(data: bytes) -> tuple[Image.Image, str]:
    try:
        image = Image.open(io.BytesIO(data))
        kind = "JPEG" if image.format == "MPO" else (image.format or "")
        if kind in photos.FORMATS:
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            image.load()
    except Image.DecompressionBombError:
        raise PhotoRejected(
            "photo_too_many_pixels",
            N_("The photo has more pixels than we can process: send a smaller one."),
            field="photo",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRejected(
            "photo_unreadable",
            N_("The file is not a JPEG or PNG image, or it is damaged: send a JPEG or PNG photo."),
            field="photo",
        ) from None
    if kind not in photos.FORMATS:
        raise PhotoRejected(
            "photo_wrong_format",
            N_("The file is a {format} image: send a JPEG or PNG photo."),
            field="photo",
            format=kind or "?",
        )
    return image, kind


def prepare_photo(data: bytes, crop: Crop | None) -> bytes:
    """The photo turned upright, cropped to 35×45 and encoded again (without its metadata)."""
    if not data:
        raise _missing()
    if len(data) > photos.MAX_BYTES:
        raise _too_large()
    original, kind = _open(data)
    image = ImageOps.exif_transpose(original)
    width, height = image.size
    if width < photos.MIN_WIDTH or height < photos.MIN_HEIGHT:
        raise PhotoRejected(
            "photo_too_small",
            N_(
                "The photo is {width}×{height} pixels; it must be at least "
                "{min_width}×{min_height}: send a larger photo."
            ),
            field="photo",
            width=width,
            height=height,
            min_width=photos.MIN_WIDTH,
            min_height=photos.MIN_HEIGHT,
        )
    box = crop or Crop(0, 0, width, height)
    right, bottom = box.x + box.width, box.y + box.height
    if box.x < -1 or box.y < -1 or right > width + 1 or bottom > height + 1:
        raise PhotoRejected(
            "photo_crop_outside",
            N_("The chosen part reaches outside the photo: choose it again."),
            field="crop",
        )
    x, y = max(box.x, 0), max(box.y, 0)
    box = Crop(x, y, min(right, width) - x, min(bottom, height) - y)
    part = _fit_ratio(box)
    if part.width < photos.KEPT_MIN_WIDTH or part.height < photos.KEPT_MIN_HEIGHT:
        raise PhotoRejected(
            "photo_crop_too_small",
            N_(
                "Cut to the card's 35×45 proportions, the photo is {width}×{height} pixels; it "
                "must be at least {min_width}×{min_height}: choose a larger part or a larger "
                "photo."
            ),
            field="crop",
            width=part.width,
            height=part.height,
            min_width=photos.KEPT_MIN_WIDTH,
            min_height=photos.KEPT_MIN_HEIGHT,
        )
    result = image.crop((part.x, part.y, part.x + part.width, part.y + part.height))
    out = io.BytesIO()
    icc = original.info.get("icc_profile")
    if kind == "JPEG":
        if result.mode not in ("RGB", "L"):
            result = result.convert("RGB")
        result.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=icc)
    else:
        result.save(out, "PNG", icc_profile=icc)
    return out.getvalue()


def latest_photo(session: Session, student: Student) -> Photo | None:
    return session.scalar(
        select(Photo).where(Photo.person_id == student.person.id).order_by(Photo.id.desc()).limit(1)
    )


def upload_photo(
    session: Session, clock: Clock, student: Student, data: bytes, crop: Crop | None
) -> Photo:
    """Submit the photo for approval; the same photo sent again while it waits changes nothing."""
    prepared = prepare_photo(data, crop)
    latest = latest_photo(session, student)
    if (
        latest is not None
        and latest.status is PhotoStatus.PENDING
        and latest.sha256 == hashlib.sha256(prepared).hexdigest()
    ):
        return latest
    return photos.submit_photo(session, clock, student.person, prepared, actor=student.actor)


async def upload_from(form: FormData) -> tuple[bytes, Crop | None]:
    """The uploaded file's bytes and the crop fields of a form."""
    upload = form.get("photo")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    if not data:
        raise _missing()
    return data, crop_from(form)
