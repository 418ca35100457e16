"""The photo queue: the university's submitted photos, oldest first, approved or rejected.

One action per photo, each a form of its own (approve; reject with the reason the student reads
in the portal); after it the queue opens again with what was done. Photos are served to the
console only, never cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from legitka.domain.eligibility import PhotoStatus
from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.office import layout, nav
from legitka.office.deps import Scope, ScopeDep, checked_form, not_found
from legitka.registry.models import Person, Photo, Study
from legitka.registry.services import photos as service
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import localized_message
from legitka.web.params import DbId

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("photos", N_("Photos"), "photos", order=20))

SHOWN = 50
REASON_LENGTH = 300
DONE = {
    "approved": N_("The photo is approved."),
    "rejected": N_("The photo is rejected: the student sees the reason in the portal."),
}
# Reasons offered to the office (it may write any other).
COMMON_REASONS = (
    N_("the background must be plain and light"),
    N_("the face must be seen from the front, whole and sharp"),
    N_("the photo must be in colour and recent"),
    N_("no hat or dark glasses"),
)


def _photo_of(session: Session, scope: Scope, photo_id: int) -> Photo:
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise not_found()
    person = session.get(Person, photo.person_id)
    if person is None or person.university_id != scope.university.id:
        raise not_found()
    return photo


def _queue(session: Any, scope: Scope) -> tuple[list[dict[str, Any]], int]:
    pending = (Photo.status == PhotoStatus.PENDING, Person.university_id == scope.university.id)
    total = session.scalar(
        select(func.count(Photo.id)).join(Person, Person.id == Photo.person_id).where(*pending)
    )
    rows = session.execute(
        select(Photo.id, Photo.submitted_at, Photo.width, Photo.height, Person)
        .join(Person, Person.id == Photo.person_id)
        .where(*pending)
        .order_by(Photo.submitted_at, Photo.id)
        .limit(SHOWN)
    ).all()
    people = [row.Person.id for row in rows]
    studies: dict[int, Study] = {}
    for study in session.scalars(
        select(Study).where(Study.person_id.in_(people)).order_by(Study.id.desc())
    ):
        studies[study.person_id] = study  # the oldest study is kept last, so it wins
    queue = []
    for row in rows:
        study = studies.get(row.Person.id)
        queue.append({
            "id": row.id, "name": row.Person.full_name,
            "album": study.album_number if study else None,
            "study_id": study.id if study else None,
            "submitted_at": row.submitted_at, "size": f"{row.width}×{row.height}",
        })  # fmt: skip
    return queue, int(total or 0)


def _page(
    request: Request,
    scope: Scope,
    session: Any,
    locale: str,
    *,
    done: str | None = None,
    error: LegitkaError | None = None,
    failed_photo: int | None = None,
) -> Response:
    queue, total = _queue(session, scope)
    return layout.page(
        request, scope, "office/photos.html",
        {
            "queue": queue, "total": total, "shown": len(queue),
            "done": translate(DONE[done], locale) if done in DONE else None,
            "error": localized_message(error, locale) if error else None,
            "failed_photo": failed_photo,
            "reasons": [translate(reason, locale) for reason in COMMON_REASONS],
        },
        section="photos", status_code=error.status if error else 200,
    )  # fmt: skip


@router.get("/office/u/{slug}/photos")
def photo_queue(
    request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    return _page(request, scope, session, locale, done=request.query_params.get("done"))


@router.get("/office/u/{slug}/photos/{photo_id}/image")
def photo_image(photo_id: DbId, scope: ScopeDep, session: SessionDep) -> Response:
    photo = _photo_of(session, scope, photo_id)
    return Response(
        photo.image,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


async def _decide(
    request: Request,
    scope: Scope,
    session: Any,
    runtime: Any,
    locale: str,
    photo_id: DbId,
    *,
    approve: bool,
) -> Response:
    form = await checked_form(request, scope.staff)
    reason = str(form.get("reason") or "").strip()[:REASON_LENGTH]

    def act() -> Response:
        photo = _photo_of(session, scope, photo_id)
        try:
            service.decide_photo(session, runtime.clock, photo, approve=approve,
                                 reason=reason or None, actor=scope.actor)  # fmt: skip
            session.commit()
        except LegitkaError as exc:
            session.rollback()
            return _page(request, scope, session, locale, error=exc, failed_photo=photo_id)
        done = "approved" if approve else "rejected"
        return RedirectResponse(f"/office/u/{scope.slug}/photos?done={done}", status_code=303)

    return await run_in_threadpool(act)


@router.post("/office/u/{slug}/photos/{photo_id}/approve")
async def approve_photo(
    photo_id: DbId,
    request: Request,
    scope: ScopeDep,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    return await _decide(request, scope, session, runtime, locale, photo_id, approve=True)


@router.post("/office/u/{slug}/photos/{photo_id}/reject")
async def reject_photo(
    photo_id: DbId,
    request: Request,
    scope: ScopeDep,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    return await _decide(request, scope, session, runtime, locale, photo_id, approve=False)
