"""Students in the console: the list, the search, and one student's page.

The search is a POST form (with the session's CSRF token), so that neither a PESEL nor a name
ever stands in a URL that access logs, proxies or the browser's history keep. The list of all
students pages with ``?page=N``, which carries nothing personal.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from legitka.domain.studies import STUDY_STATUS_LABELS, StudyStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.office import layout, nav, search
from legitka.office.deps import ScopeDep, checked_form, not_found, student_in_scope
from legitka.office.student_page import student_page_context
from legitka.registry.models import Photo
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.params import DbId

router = APIRouter(include_in_schema=False)
nav.add(nav.NavItem("students", N_("Students"), "students", order=10))

QUERY_LENGTH = 100


def _page_number(value: object) -> int:
    try:
        return max(1, int(str(value)))
    except ValueError:
        return 1


def _rows(results: search.Results, locale: str) -> list[dict[str, Any]]:
    return [
        {
            "study_id": hit.study_id,
            "name": hit.name,
            "album": hit.album,
            "programme": hit.programme,
            "status": translate(STUDY_STATUS_LABELS[StudyStatus(hit.status)], locale),
        }
        for hit in results.hits
    ]


def _list_page(
    request: Request, scope: Any, results: search.Results, locale: str, query: str | None
) -> Response:
    return layout.page(
        request, scope, "office/students.html",
        {"rows": _rows(results, locale), "results": results, "query": query},
        section="students",
    )  # fmt: skip


@router.get("/office/u/{slug}/students")
def students(request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep) -> Response:
    page = _page_number(request.query_params.get("page", "1"))
    return _list_page(request, scope, search.everyone(session, scope.university, page), locale,
                      None)  # fmt: skip


@router.post("/office/u/{slug}/students")
async def search_students(
    request: Request, scope: ScopeDep, session: SessionDep, locale: LocaleDep
) -> Response:
    form = await checked_form(request, scope.staff)
    query = str(form.get("q") or "").strip()[:QUERY_LENGTH]
    page = _page_number(form.get("page") or "1")

    def find() -> Response:
        if not query:
            results = search.everyone(session, scope.university, page)
            return _list_page(request, scope, results, locale, None)
        results = search.search(session, scope.university, query, page)
        return _list_page(request, scope, results, locale, query)

    return await run_in_threadpool(find)


@router.get("/office/u/{slug}/students/{study_id}")
def student(
    study_id: DbId,
    request: Request,
    scope: ScopeDep,
    session: SessionDep,
    runtime: RuntimeDep,
    locale: LocaleDep,
) -> Response:
    study = student_in_scope(session, scope.staff, study_id, university=scope.university)
    context = student_page_context(session, study, runtime.clock, locale)
    return layout.page(request, scope, "office/student.html", context, section="students")


@router.get("/office/u/{slug}/students/{study_id}/photos/{photo_id}")
def student_photo(study_id: DbId, photo_id: DbId, scope: ScopeDep, session: SessionDep) -> Response:
    """A photo of the student (any state), for the console's eyes only: never cached."""
    study = student_in_scope(session, scope.staff, study_id, university=scope.university)
    photo = session.get(Photo, photo_id)
    if photo is None or photo.person_id != study.person_id:
        raise not_found()
    return Response(
        photo.image,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
