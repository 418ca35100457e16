"""Payments, the oath and declarations, and the photo: as the mobile API and the portal show them.

One place for both surfaces: the JSON models below are what ``GET api/v1/payments``, ``…/oath``
and ``…/photo`` return, and the portal pages render the same objects. A photo upload (a page's
form or the API's multipart body) is read with a size limit, cropped to the card's 35×45
proportions and handed to :func:`legitka.registry.services.photos.submit_photo`; every refusal is
a coded error with a message in the student's language, raised before anything changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from babel.numbers import format_currency
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legitka.clock import Clock, local_today
from legitka.domain.accounts import format_nrb, to_iban
from legitka.domain.eligibility import PhotoStatus
from legitka.domain.errors import Conflict, NotFound
from legitka.domain.fees import ChargeKind, ChargeStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.portal import transfer
from legitka.portal.auth import Student
from legitka.portal.deps import ApiStudent
from legitka.portal.pages import photo_summary
from legitka.portal.photo_upload import (
    RATIO,
    latest_photo,
    read_form,
    upload_from,
    upload_photo,
)
from legitka.registry.models import (
    Charge,
    Declaration,
    DeclarationAcceptance,
    DeclarationKind,
    Photo,
)
from legitka.registry.services import declarations, photos
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.params import DbId
from legitka.web.problems import problem_responses

router = APIRouter(tags=["mobile API"], responses=problem_responses(401, 404, 422, 503))

# ---- money --------------------------------------------------------------------------------------

CHARGE_KIND_LABELS: dict[ChargeKind, str] = {
    ChargeKind.ELS: N_("Student ID card (ELS) fee"),
    ChargeKind.ELS_DUPLICATE: N_("Duplicate student ID card (ELS) fee"),
}
CHARGE_STATUS_LABELS: dict[ChargeStatus, str] = {
    ChargeStatus.DUE: N_("To pay"),
    ChargeStatus.PAID: N_("Paid"),
    ChargeStatus.CANCELLED: N_("Cancelled by the university"),
    ChargeStatus.REFUNDED: N_("Refunded"),
}
# The transfer title goes to the university's bookkeeping in a Polish bank: always in Polish.
TRANSFER_TITLES: dict[ChargeKind, str] = {
    ChargeKind.ELS: "Oplata ELS",
    ChargeKind.ELS_DUPLICATE: "Duplikat ELS",
}


def money(grosze: int, locale: str) -> str:
    """``22,00 zł`` in Polish, ``PLN 22.00`` in English."""
    pattern = "#,##0.00\u00a0¤" if locale == "pl" else "¤\u00a0#,##0.00"
    return format_currency(Decimal(grosze).scaleb(-2), "PLN", format=pattern, locale=locale)


class Amount(BaseModel):
    grosze: int = Field(description="The amount in grosze (1/100 PLN).")
    text: str = Field(description="The amount written in the request's language.")


def amount(grosze: int, locale: str) -> Amount:
    return Amount(grosze=grosze, text=money(grosze, locale))


class TransferOut(BaseModel):
    """What to type into a bank transfer, and the same as a QR code banking apps read."""

    account_number: str = Field(description="The 26-digit account number (NRB).")
    recipient: str
    title: str
    amount: Amount
    qr_text: str = Field(description="The ZBP transfer QR code's text (fields split by '|').")


class ChargeOut(BaseModel):
    id: int
    kind: ChargeKind
    kind_label: str
    status: ChargeStatus
    status_label: str
    amount: Amount
    paid: Amount
    outstanding: Amount
    due_date: dt.date | None
    overdue: bool
    account_number: str
    account_number_formatted: str
    transfer: TransferOut | None = Field(description="For a charge still to pay.")


class PaymentsOut(BaseModel):
    account_number: str | None = Field(description="The student's individual account (NRB).")
    account_number_formatted: str | None
    iban: str | None
    recipient: str
    to_pay: Amount
    charges: list[ChargeOut]


def _transfer(charge: Charge, student: Student, locale: str) -> TransferOut | None:
    outstanding = charge.outstanding_grosze
    if charge.status is not ChargeStatus.DUE or not transfer.fits(outstanding):
        return None
    person = student.person
    who = student.study.album_number or person.given_names
    order = transfer.Transfer(
        account=charge.account_number,
        amount_grosze=outstanding,
        recipient=student.university.name_pl,
        title=f"{TRANSFER_TITLES[charge.kind]} {who} {person.family_name}",
    )
    text = order.payload()
    fields = transfer.parse(text)
    return TransferOut(
        account_number=charge.account_number,
        recipient=fields["recipient"],
        title=fields["title"],
        amount=amount(outstanding, locale),
        qr_text=text,
    )


def payments_view(session: Session, clock: Clock, student: Student, locale: str) -> PaymentsOut:
    """The student's charges, open ones first, with what is left to pay and how."""
    today = local_today(clock)
    charges = session.scalars(
        select(Charge).where(Charge.person_id == student.person.id).order_by(Charge.id.desc())
    ).all()
    ordered = sorted(
        charges,
        key=lambda c: (c.status is not ChargeStatus.DUE, c.due_date or dt.date.max, -c.id),
    )
    rows = [
        ChargeOut(
            id=c.id,
            kind=c.kind,
            kind_label=translate(CHARGE_KIND_LABELS[c.kind], locale),
            status=c.status,
            status_label=translate(CHARGE_STATUS_LABELS[c.status], locale),
            amount=amount(c.amount_grosze, locale),
            paid=amount(c.paid_grosze, locale),
            outstanding=amount(c.outstanding_grosze, locale),
            due_date=c.due_date,
            overdue=c.status is ChargeStatus.DUE and c.due_date is not None and c.due_date < today,
            account_number=c.account_number,
            account_number_formatted=format_nrb(c.account_number),
            transfer=_transfer(c, student, locale),
        )
        for c in ordered
    ]
    account = student.person.account_number
    return PaymentsOut(
        account_number=account,
        account_number_formatted=format_nrb(account) if account else None,
        iban=to_iban(account) if account else None,
        recipient=student.university.name(locale),
        to_pay=amount(sum(c.outstanding_grosze for c in charges), locale),
        charges=rows,
    )


# ---- the oath and the declarations --------------------------------------------------------------

DECLARATION_LABELS: dict[DeclarationKind, str] = {
    DeclarationKind.OATH: N_("Oath"),
    DeclarationKind.DECLARATIONS: N_("Declarations"),
}
NOT_PUBLISHED: dict[DeclarationKind, str] = {
    DeclarationKind.OATH: N_(
        "The university has not published the text of the oath yet: check again later."
    ),
    DeclarationKind.DECLARATIONS: N_(
        "The university has not published the declarations yet: check again later."
    ),
}
TEXT_CHANGED = N_(
    "The university has just published a new version of this text: read it and accept it again."
)


class DeclarationOut(BaseModel):
    kind: DeclarationKind
    kind_label: str
    published: bool
    message: str | None = Field(description="Why there is nothing to accept, when there is not.")
    version: int | None
    title: str | None
    text: str | None = Field(description="In the request's language.")
    published_at: dt.datetime | None
    accepted: bool = Field(description="This version is accepted.")
    accepted_at: dt.datetime | None
    accepted_version: int | None = Field(description="The newest version the student accepted.")


class OathOut(BaseModel):
    taken: bool = Field(description="Oath and declarations accepted: a condition for the card.")
    texts: list[DeclarationOut]


class OathAcceptance(BaseModel):
    """The student accepts one text, in the version they read."""

    kind: DeclarationKind
    version: int = Field(ge=1, description="The version shown to the student.")


def _acceptances(
    session: Session, student: Student
) -> dict[DeclarationKind, tuple[int, dt.datetime]]:
    """The newest accepted version of each kind, with its acceptance."""
    found: dict[DeclarationKind, tuple[int, dt.datetime]] = {}
    rows = session.execute(
        select(Declaration.kind, Declaration.version, DeclarationAcceptance.accepted_at)
        .join(DeclarationAcceptance, DeclarationAcceptance.declaration_id == Declaration.id)
        .where(DeclarationAcceptance.person_id == student.person.id)
        .order_by(Declaration.version)
    )
    for kind, version, accepted_at in rows:
        found[kind] = (version, accepted_at)
    return found


def _current(session: Session, student: Student, kind: DeclarationKind) -> Declaration | None:
    try:
        return declarations.current(session, student.university, kind)
    except NotFound:
        return None


def oath_view(session: Session, student: Student, locale: str) -> OathOut:
    accepted = _acceptances(session, student)
    texts = []
    for kind in DeclarationKind:
        text = _current(session, student, kind)
        version, accepted_at = accepted.get(kind, (None, None))
        this_one = text is not None and version == text.version
        texts.append(
            DeclarationOut(
                kind=kind,
                kind_label=translate(DECLARATION_LABELS[kind], locale),
                published=text is not None,
                message=translate(NOT_PUBLISHED[kind], locale) if text is None else None,
                version=text.version if text else None,
                title=(text.title_en if locale == "en" else text.title_pl) if text else None,
                text=(text.text_en if locale == "en" else text.text_pl) if text else None,
                published_at=text.published_at if text else None,
                accepted=this_one,
                accepted_at=accepted_at if this_one else None,
                accepted_version=version,
            )
        )
    return OathOut(taken=declarations.oath_taken(session, student.person), texts=texts)


def accept_text(
    session: Session, clock: Clock, student: Student, kind: DeclarationKind, version: int
) -> DeclarationAcceptance:
    """Accept the current ``kind`` text, which must be the ``version`` the student read."""
    text = _current(session, student, kind)
    if text is None:
        raise NotFound("declaration_not_published", NOT_PUBLISHED[kind], field="kind")
    if text.version != version:
        raise Conflict("declaration_changed", TEXT_CHANGED, field="version")
    return declarations.accept(session, clock, student.person, text, actor=actor(student))


def actor(student: Student) -> str:
    return student.actor


# ---- the photo ----------------------------------------------------------------------------------

PHOTO_STATUS_LABELS: dict[PhotoStatus, str] = {
    PhotoStatus.PENDING: N_("Waiting for approval"),
    PhotoStatus.APPROVED: N_("Approved"),
    PhotoStatus.REJECTED: N_("Rejected"),
}


class PhotoItem(BaseModel):
    id: int
    status: PhotoStatus
    status_label: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    rejection_reason: str | None
    width: int
    height: int
    content_type: str
    image_url: str


class PhotoRules(BaseModel):
    formats: list[str] = ["image/jpeg", "image/png"]
    max_bytes: int = photos.MAX_BYTES
    min_width: int = photos.MIN_WIDTH
    min_height: int = photos.MIN_HEIGHT
    ratio: str = f"{RATIO[0]}:{RATIO[1]}"


class PhotoOut(BaseModel):
    status: PhotoStatus | None = Field(
        description="What counts: an approved photo, else the newest."
    )
    summary: str
    rejection_reason: str | None
    latest: PhotoItem | None = Field(description="The newest photo the student sent.")
    rules: PhotoRules


class PhotoUpload(BaseModel):
    """``multipart/form-data``: the file, and optionally the part of it to keep (in pixels)."""

    photo: bytes = Field(description="A JPEG or PNG photo, at most 5 MB, 354×496 px or more.")
    crop_x: float | None = Field(None, description="Left edge of the part to keep.")
    crop_y: float | None = Field(None, description="Top edge of the part to keep.")
    crop_width: float | None = Field(None, description="Width of the part to keep.")
    crop_height: float | None = Field(None, description="Height of the part to keep.")


def photo_view(
    session: Session, student: Student, locale: str, image_url: Callable[[int], str]
) -> PhotoOut:
    status, reason = photos.photo_state(session, student.person)
    latest = latest_photo(session, student)
    item = None
    if latest is not None:
        item = PhotoItem(
            id=latest.id,
            status=latest.status,
            status_label=translate(PHOTO_STATUS_LABELS[latest.status], locale),
            submitted_at=latest.submitted_at,
            decided_at=latest.decided_at,
            rejection_reason=latest.rejection_reason,
            width=latest.width,
            height=latest.height,
            content_type=latest.content_type,
            image_url=image_url(latest.id),
        )
    return PhotoOut(
        status=status,
        summary=translate(photo_summary(status.value if status else None), locale),
        rejection_reason=reason,
        latest=item,
        rules=PhotoRules(),
    )


def own_photo(session: Session, student: Student, photo_id: int) -> Response:
    """One of the student's own photos; any other photo does not exist for them (404)."""
    photo = session.get(Photo, photo_id)
    if photo is None or photo.person_id != student.person.id:
        raise NotFound("photo_not_found", N_("There is no such photo of yours."), field="photo")
    extension = "png" if photo.content_type == "image/png" else "jpg"
    return Response(
        photo.image,
        media_type=photo.content_type,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'inline; filename="photo-{photo.id}.{extension}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


# ---- the routes ---------------------------------------------------------------------------------


def _api_photo_url(slug: str) -> Callable[[int], str]:
    return lambda photo_id: f"/u/{slug}/api/v1/photo/{photo_id}"


def _no_store(response: Response) -> None:
    """Personal data: no cache keeps a copy."""
    response.headers["Cache-Control"] = "no-store"


NO_STORE = [Depends(_no_store)]


@router.get("/u/{slug}/api/v1/payments", response_model=PaymentsOut, dependencies=NO_STORE)
def get_payments(
    slug: str, student: ApiStudent, session: SessionDep, runtime: RuntimeDep, locale: LocaleDep
) -> PaymentsOut:
    """The student's fees, what is left to pay, the individual account and transfer QR texts."""
    return payments_view(session, runtime.clock, student, locale)


@router.get("/u/{slug}/api/v1/oath", response_model=OathOut, dependencies=NO_STORE)
def get_oath(slug: str, student: ApiStudent, session: SessionDep, locale: LocaleDep) -> OathOut:
    """The current oath and declarations in the request's language, and what is accepted."""
    return oath_view(session, student, locale)


@router.post(
    "/u/{slug}/api/v1/oath",
    response_model=OathOut,
    dependencies=NO_STORE,
    responses=problem_responses(400, 409),
)
def post_oath(
    slug: str,
    body: OathAcceptance,
    student: ApiStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> OathOut:
    """Accept a text in the version read; accepting it again changes nothing."""
    accept_text(session, runtime.clock, student, body.kind, body.version)
    session.commit()
    return oath_view(session, student, locale)


@router.get("/u/{slug}/api/v1/photo", response_model=PhotoOut, dependencies=NO_STORE)
def get_photo(slug: str, student: ApiStudent, session: SessionDep, locale: LocaleDep) -> PhotoOut:
    """The photo's state (none, pending, approved, rejected with the reason) and the newest one."""
    return photo_view(session, student, locale, _api_photo_url(slug))


@router.post(
    "/u/{slug}/api/v1/photo",
    response_model=PhotoOut,
    status_code=201,
    dependencies=NO_STORE,
    responses=problem_responses(400, 413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": PhotoUpload.model_json_schema()}},
        }
    },
)
async def post_photo(
    slug: str,
    request: Request,
    student: ApiStudent,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> PhotoOut:
    """Send a new photo: cropped to 35×45 (to the centre without crop fields), then pending."""
    _, form = await read_form(request)
    data, crop = await upload_from(form)

    def keep() -> PhotoOut:
        upload_photo(session, runtime.clock, student, data, crop)
        session.commit()
        return photo_view(session, student, locale, _api_photo_url(slug))

    return await run_in_threadpool(keep)


@router.get(
    "/u/{slug}/api/v1/photo/{photo_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
)
def get_photo_image(
    slug: str,
    photo_id: DbId,
    student: ApiStudent,
    session: SessionDep,
) -> Response:
    """One of the student's own photos (JPEG or PNG); any other photo is 404."""
    return own_photo(session, student, photo_id)
