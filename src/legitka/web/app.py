"""The ASGI application: start page, health check, static files and the error contract."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from legitka import __version__
from legitka.domain.eligibility import Policy
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import web as issuer_web
from legitka.notifications.web import router as outbox_router
from legitka.office import web as office_web
from legitka.portal import api as portal_api
from legitka.portal import deps as portal_deps
from legitka.portal import mobile_id_pages
from legitka.portal import pages as portal_pages
from legitka.portal import register_api as portal_register_api
from legitka.portal import register_pages as portal_register_pages
from legitka.registry.models import University
from legitka.runtime import Runtime
from legitka.verifier import pages as verifier_pages
from legitka.verifier import web as verifier_web
from legitka.wallet import web as wallet_web
from legitka.web.cors import PublicCors
from legitka.web.deps import LocaleDep, RuntimeDep, SessionDep
from legitka.web.errors import (
    Problem,
    install_error_handlers,
    problem_response,
    problem_type,
    status_title,
)
from legitka.web.i18n import render
from legitka.web.problems import install_problem_schema
from legitka.web.security_headers import SecurityHeaders
from legitka.web.university import router as university_router

logger = logging.getLogger("legitka.web")

STATIC = Path(__file__).parent / "static"

POLICY_LABELS: dict[Policy, str] = {
    Policy.ELS_LINKED: N_("Mobile ID linked to the plastic card (ELS)"),
    Policy.PESEL: N_("Mobile ID for every student with a PESEL"),
}
DATABASE_UNAVAILABLE = N_("The database does not answer; please try again later.")

router = APIRouter()


@router.get("/", include_in_schema=False)
def index(request: Request, session: SessionDep, locale: LocaleDep) -> Response:
    """The start page: the universities served here, each linking to its own pages."""
    universities = sorted(
        session.scalars(select(University)), key=lambda u: u.name(locale).casefold()
    )
    rows = [
        {
            "slug": university.slug,
            "name": university.name(locale),
            "policy": translate(POLICY_LABELS[university.policy], locale),
        }
        for university in universities
    ]
    return render(request, "index.html", {"universities": rows})


@router.get("/healthz", tags=["operations"])
def healthz(runtime: RuntimeDep, locale: LocaleDep) -> Response:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("health check: database unavailable (%s)", type(exc).__name__)
        problem = Problem(
            status=503,
            code="database_unavailable",
            title=status_title(503, locale),
            detail=translate(DATABASE_UNAVAILABLE, locale),
            type=problem_type("database_unavailable"),
        )
        return problem_response(problem, {"Cache-Control": "no-store"})
    body: dict[str, Any] = {"status": "ok", "database": "ok", "version": __version__}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def create_app(runtime: Runtime) -> FastAPI:
    """The web application serving ``runtime``'s database."""
    app = FastAPI(
        title="legitka",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    install_problem_schema(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
    app.include_router(university_router)
    app.include_router(outbox_router)
    issuer_web.install(app)
    wallet_web.install(app)
    verifier_web.install(app)
    app.include_router(verifier_pages.router)
    portal_deps.install(app)
    app.include_router(portal_pages.router)
    app.include_router(portal_register_pages.router)
    app.include_router(portal_register_api.router)
    app.include_router(mobile_id_pages.router)
    app.include_router(portal_api.router)
    office_web.install(app)
    app.add_middleware(PublicCors)
    https = runtime.settings.effective_base_url.startswith("https://")
    app.add_middleware(SecurityHeaders, https=https)
    return app
