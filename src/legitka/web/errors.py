"""The error contract of the web surfaces (documented in ``docs/errors.md``).

JSON requests get an RFC 9457 ``application/problem+json`` document with a stable ``code``; HTML
requests get ``error.html`` with the status, a message in the request's language and the code.
A request is JSON when its path is an endpoint for programs (``/api/``, the OpenID4VCI and
OpenID4VP endpoints, metadata, status lists, the verifier's endpoints: ``JSON_PATHS``) or its
``Accept`` header prefers JSON; only pages for browsers negotiate. The OAuth-style endpoints
(``OAUTH_PATHS``) answer every error, their own and these, as ``{"error", "error_description"}``.

Five kinds of failure are handled: coded errors (:class:`LegitkaError`), HTTP errors (404, 405…),
invalid requests (422), a database that does not answer (503 ``database_unavailable``: an outage
or a restart of PostgreSQL, over in seconds, is not a fault of the request) and anything else
(500: logged with its traceback, never shown).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from legitka.domain.errors import LegitkaError, TooManyRequests
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.web.headers import weighted_items
from legitka.web.i18n import render, request_locale

logger = logging.getLogger("legitka.web")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://legitka.org/problems/"
JSON_TYPES = ("application/json", "application/problem+json")

TITLES: dict[int, str] = {
    400: N_("Bad request"),
    401: N_("Sign-in required"),
    403: N_("Access denied"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    406: N_("Not acceptable"),
    409: N_("Conflict with the current state"),
    413: N_("Request too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many requests"),
    500: N_("Internal server error"),
    503: N_("Service unavailable"),
}

HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}

HTTP_DETAILS: dict[int, str] = {
    404: N_("There is nothing at this address. Check the link or start from the home page."),
    405: N_("This address does not accept the {method} method."),
    500: N_("Something went wrong on our side. The error has been logged; please try again later."),
    503: N_("The service is temporarily unavailable; please try again later."),
}

DATABASE_UNAVAILABLE = N_("The database does not answer; please try again later.")
# What the database driver raises when the server is down, restarting or unreachable, when a
# connection breaks mid-request, or when no pooled connection frees up in time.
DATABASE_OUTAGES = (OperationalError, InterfaceError, PoolTimeout)
DATABASE_RETRY_AFTER = "5"

INVALID_REQUEST = N_("Some values in the request are wrong: see the list of errors.")

# Endpoints for programs: their errors are JSON whatever the Accept header says (a wallet or a
# verifier sending ``Accept: */*`` must not get an HTML page).
JSON_PATHS = re.compile(
    r"/api/|^/verifier/|^/\.well-known/|^/credentials/|^/trust/list\.json$"
    r"|^/u/[^/]+/(token|nonce|credential|notification|offers/[^/]+|status/[^/]+)$"
)
# The OpenID4VCI and OpenID4VP endpoints, whose errors have OAuth's shape (RFC 6749 §5.2).
OAUTH_PATHS = re.compile(
    r"^/u/[^/]+/(token|nonce|credential|notification|offers/[^/]+)$"
    r"|^/verifier/(request|response)/[^/]+$"
)
_NOT_ASCII_SAFE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


@dataclass(frozen=True)
class Problem:
    """One error as every surface reports it; ``type`` is ``about:blank`` for plain HTTP errors."""

    status: int
    code: str
    title: str
    detail: str
    type: str = "about:blank"
    field: str | None = None
    errors: list[dict[str, str]] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.field is not None:
            body["field"] = self.field
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_type(code: str) -> str:
    return PROBLEM_TYPE_BASE + code


def status_title(status: int, locale: str) -> str:
    english = TITLES.get(status)
    if english is None:
        try:
            english = HTTPStatus(status).phrase
        except ValueError:
            english = N_("Error")
    return translate(english, locale)


def localized_message(exc: LegitkaError, locale: str) -> str:
    """The coded error's message in ``locale``; the English text when it cannot be filled in."""
    try:
        return translate(exc.template, locale, exc.params or None)
    except (KeyError, IndexError, ValueError):
        return exc.message


def oauth_endpoint(request: Request) -> bool:
    """True for the OpenID4VCI and OpenID4VP endpoints, which answer errors in OAuth's shape."""
    return OAUTH_PATHS.search(request.url.path) is not None


def wants_json(request: Request) -> bool:
    """True for endpoints for programs (``JSON_PATHS``) and for clients whose ``Accept`` header
    prefers JSON over HTML."""
    if JSON_PATHS.search(request.url.path) is not None:
        return True
    best_json = best_html = (0.0, 0)  # (quality, -position): equal qualities go to the first
    for media, quality, position in weighted_items(request.headers.get("accept")):
        if media in JSON_TYPES:
            best_json = max(best_json, (quality, -position))
        elif media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html, (quality, -position))
    return best_json[0] > 0 and best_json > best_html


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.to_dict(),
        status_code=problem.status,
        headers=headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


def oauth_error(status: int) -> str:
    """The OAuth error code for a failure that is not the endpoint's own."""
    if status == 503:
        return "temporarily_unavailable"
    if status >= 500:
        return "server_error"
    return "invalid_request"


def oauth_response(
    problem: Problem, english: Problem, headers: dict[str, str] | None = None
) -> JSONResponse:
    """``problem`` in OAuth's shape: ``error_description`` in ASCII English (as the
    specifications require), ``error_message`` in the request's language."""
    description = english.detail if english.field is None else f"{english.detail} ({english.field})"
    body = {
        "error": oauth_error(problem.status),
        "error_description": _NOT_ASCII_SAFE.sub("'", description.replace("\u2019", "'")),
        "error_message": problem.detail,
    }
    return JSONResponse(
        body, status_code=problem.status, headers={**(headers or {}), "Cache-Control": "no-store"}
    )


def respond(
    request: Request,
    build: Callable[[str], Problem],
    headers: dict[str, str] | None = None,
) -> Response:
    """The problem ``build`` makes for the request's language, in the shape the endpoint uses."""
    locale = request_locale(request)
    problem = build(locale)
    if oauth_endpoint(request):
        return oauth_response(problem, build("en") if locale != "en" else problem, headers)
    return error_response(request, problem, headers)


def error_response(
    request: Request, problem: Problem, headers: dict[str, str] | None = None
) -> Response:
    """The problem as JSON or as an HTML page, whichever the request wants."""
    if wants_json(request):
        return problem_response(problem, headers)
    return render(
        request, "error.html", {"problem": problem}, status_code=problem.status, headers=headers
    )


def coded_headers(exc: LegitkaError) -> dict[str, str] | None:
    """The HTTP headers a coded error asks for: ``Retry-After`` with a rate limit."""
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(exc.retry_after)}
    return None


def coded_problem(exc: LegitkaError, locale: str) -> Problem:
    return Problem(
        status=exc.status,
        code=exc.code,
        title=status_title(exc.status, locale),
        detail=localized_message(exc, locale),
        type=problem_type(exc.code),
        field=exc.field,
    )


def http_problem(request: Request, exc: HTTPException, locale: str) -> Problem:
    status = exc.status_code
    try:
        default_detail = HTTPStatus(status).phrase
    except ValueError:
        default_detail = ""
    if isinstance(exc.detail, str) and exc.detail and exc.detail != default_detail:
        detail = translate(exc.detail, locale)
    elif status in HTTP_DETAILS:
        detail = translate(HTTP_DETAILS[status], locale, {"method": request.method})
    else:
        detail = status_title(status, locale)
    return Problem(
        status=status,
        code=HTTP_CODES.get(status, f"http_{status}"),
        title=status_title(status, locale),
        detail=detail,
    )


def validation_problem(exc: RequestValidationError, locale: str) -> Problem:
    errors: list[dict[str, str]] = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        where = location[0] if location else "body"
        path = ".".join(location[1:]) or where
        errors.append(
            {
                "field": path,
                "in": where,
                "code": str(error.get("type", "invalid")),
                "message": translate(str(error.get("msg", "")), locale),
            }
        )
    return Problem(
        status=422,
        code="invalid_request",
        title=status_title(422, locale),
        detail=translate(INVALID_REQUEST, locale),
        type=problem_type("invalid_request"),
        field=errors[0]["field"] if errors else None,
        errors=errors,
    )


def internal_problem(locale: str) -> Problem:
    return Problem(
        status=500,
        code="internal_error",
        title=status_title(500, locale),
        detail=translate(HTTP_DETAILS[500], locale),
    )


def database_problem(locale: str) -> Problem:
    return Problem(
        status=503,
        code="database_unavailable",
        title=status_title(503, locale),
        detail=translate(DATABASE_UNAVAILABLE, locale),
        type=problem_type("database_unavailable"),
    )


def database_response(request: Request, exc: Exception) -> Response:
    """503 ``database_unavailable`` with ``Retry-After``; the log names the failure, without a
    traceback (the driver's message may quote the request's data)."""
    route = getattr(request.scope.get("route"), "path", "(no route)")
    logger.warning("database unavailable in %s %s (%s)", request.method, route, type(exc).__name__)
    return respond(
        request,
        database_problem,
        {"Retry-After": DATABASE_RETRY_AFTER, "Cache-Control": "no-store"},
    )


async def _database_error(request: Request, exc: Exception) -> Response:
    return database_response(request, exc)


async def _legitka_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LegitkaError)
    return respond(request, lambda locale: coded_problem(exc, locale), coded_headers(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return respond(
        request, lambda locale: http_problem(request, exc, locale), dict(exc.headers or {})
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return respond(request, lambda locale: validation_problem(exc, locale))


class UnhandledErrors:
    """ASGI middleware: any exception no handler took becomes a 500 ``internal_error``.

    The traceback goes to the ``legitka.web`` log (with the route, not the raw path, which may
    hold personal data); the client sees only the generic message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except DATABASE_OUTAGES as exc:
            if started:
                raise
            request = Request(scope, receive)
            await database_response(request, exc)(scope, receive, send)
        except Exception:
            route = getattr(scope.get("route"), "path", "(no route)")
            logger.exception("unhandled error in %s %s", scope.get("method"), route)
            if started:
                raise
            request = Request(scope, receive)
            await respond(request, internal_problem)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Make ``app`` answer every failure in the documented shape."""
    app.add_exception_handler(LegitkaError, _legitka_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for outage in DATABASE_OUTAGES:
        app.add_exception_handler(outage, _database_error)
    app.add_middleware(UnhandledErrors)
