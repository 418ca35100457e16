"""The public verifier page at ``/verify`` (R18), usable without an account: mWeryfikator's part.

* ``GET /verify``: a button per preset, and the offline check (the wallet's offline QR code read
  by the camera or from a picture by the page's script and sent to ``POST /verifier/offline``).
* ``POST /verify``: creates a request with ``verifier.requests`` (rate-limited per client) and
  sends the browser to its page. The form carries the token of the start page's cookie
  (``legitka_verify_csrf``, random, kept only for the form): another site cannot make a browser
  create requests (``403 csrf_failed``, not counted against the client's limit).
* ``GET /verify/{id}``: the QR code and the 6-digit code while the request is pending (the
  page's script long-polls the status URL; without JS, *Check now* reloads the page), then the
  verdict with the data asked for, until the retention time ends.
* ``GET /verify/{id}/status``: the request's status for the page's script, as the status URL
  answers it (``?wait=`` long polling) but without an integrator's API key: the secret ``id`` in
  the path is the page's own.
* ``GET /verify/{id}/photo``: the photo shown, larger, as a JPEG (the link works without JS).

The request's ``id`` is the page's secret: the pages keep no personal data (no cookie but the
language and the start page's form token, ``Cache-Control: no-store``) and send no referrer, so
the id never leaves them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import secrets as random_source
import time
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from legitka.clock import WARSAW
from legitka.domain.errors import LegitkaError, NotFound
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer import qr
from legitka.registry.db import transaction
from legitka.runtime import Runtime
from legitka.verifier import limits, presets
from legitka.verifier import requests as verifier_requests
from legitka.verifier.reasons import VERDICTS, Verdict
from legitka.verifier.web import LOOK_EVERY, MAX_WAIT, context
from legitka.web.deps import LocaleDep, RuntimeDep
from legitka.web.errors import coded_headers, localized_message
from legitka.web.i18n import local_date, local_datetime, query_locale, render

router = APIRouter(include_in_schema=False)

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",
    "X-Content-Type-Options": "nosniff",
}
LONG_POLL_SECONDS = 25
CSRF_COOKIE = "legitka_verify_csrf"
CSRF_FIELD = "csrf_token"
CSRF_FAILED = N_(
    "This form has expired or did not come from this site: reload the page and try again."
)

PRESET_DESCRIPTIONS: dict[str, str] = {
    "student_status": N_(
        "Photo, name, university and validity: what mWeryfikator shows at a ticket check."
    ),
    "discount": N_(
        "Student status and age under 26, with the photo to compare but without the name."
    ),
    "full": N_(
        "Everything the plastic card shows, with the date of birth, PESEL and album number."
    ),
}
QR_TITLE = N_("QR code to scan with the student's wallet")

# The data a verdict shows, in this order; the page's script shows them the same way.
FACT_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "birthdate": N_("Date of birth"),
    "personal_administrative_number": N_("PESEL"),
    "student_id": N_("Album number"),
    "university": N_("University"),
    "issuance_date": N_("Issued on"),
    "exp": N_("Valid until"),
    "age_under_26": N_("Under 26"),
}
STRINGS: dict[str, str] = {
    **{f"verdict_{verdict.value}": label for verdict, label in VERDICTS.items()},
    **{f"fact_{name}": label for name, label in FACT_LABELS.items()},
    "yes": N_("Yes"),
    "no": N_("No"),
    "photo": N_("Photo of the student"),
    "enlarge": N_("Tap the photo to enlarge it"),
    "verified_at": N_("Verified at {time}"),
    "kept_until": N_("These data disappear from this page at {time}."),
    "wiped": N_(
        "The data shown have been deleted from this page: they are kept for a few minutes only. "
        "The verdict remains."
    ),
    "status_age": N_("Revocation status list fetched {age}."),
    "time_left": N_("Time left: {time}"),
    "request_over": N_("This request has expired: start a new one."),
    "offline_error": N_("The verifier cannot be reached: check the connection and try again."),
    "no_qr": N_("No QR code was found in this picture: try a sharper, closer one."),
    "camera_error": N_("The camera cannot be used here: choose a photo of the QR code instead."),
    "camera_on": N_("Point the camera at the offline QR code in the student's wallet."),
    "checking": N_("Checking…"),
}


def strings(locale: str) -> dict[str, str]:
    return {key: translate(message, locale) for key, message in STRINGS.items()}


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _university(value: Any, locale: str) -> str:
    if isinstance(value, dict):
        names = value.get("name")
        if isinstance(names, dict):
            return str(names.get(locale) or names.get("en") or names.get("pl") or "")
        return str(value.get("id") or "")
    return str(value)


def valid_until(exp: int) -> dt.date:
    """The last day of validity: ``exp`` is the midnight after it, Warsaw time."""
    return dt.datetime.fromtimestamp(exp - 1, WARSAW).date()


def facts(claims: dict[str, Any], locale: str) -> list[tuple[str, str]]:
    """The shown data as (label, text) rows."""
    values: dict[str, str] = {}
    name = " ".join(str(claims[k]) for k in ("given_name", "family_name") if claims.get(k))
    if name:
        values["name"] = name
    for key in ("birthdate", "issuance_date"):
        if isinstance(claims.get(key), str):
            values[key] = local_date(claims[key], locale)
    for key in ("personal_administrative_number", "student_id"):
        if claims.get(key) is not None:
            values[key] = str(claims[key])
    if claims.get("university") is not None:
        values["university"] = _university(claims["university"], locale)
    if isinstance(claims.get("exp"), int):
        values["exp"] = local_date(valid_until(claims["exp"]), locale)
    if isinstance(claims.get("age_under_26"), bool):
        values["age_under_26"] = translate(
            N_("Yes") if claims["age_under_26"] else N_("No"), locale
        )
    return [
        (translate(FACT_LABELS[key], locale), values[key]) for key in FACT_LABELS if key in values
    ]


def _picture(claims: dict[str, Any] | None) -> str | None:
    picture = (claims or {}).get("picture")
    if isinstance(picture, str) and picture.startswith("data:image/jpeg;base64,"):
        return picture
    return None


def result_view(status: dict[str, Any], locale: str, now: dt.datetime) -> dict[str, Any] | None:
    """What the page shows of a finished request: the verdict, reasons, data and times."""
    result = status["result"]
    if result is None:
        return None
    claims = result["claims"]
    until = result["claims_until"]
    verdict = Verdict(result["verdict"])
    wiped = (
        claims is None
        and until is not None
        and dt.datetime.fromisoformat(until) <= now
        and verdict in (Verdict.VALID, Verdict.INVALID)
    )
    return {
        "verdict": verdict.value,
        "label": translate(VERDICTS[verdict], locale),
        "reasons": result["reasons"],
        "facts": facts(claims, locale) if claims else [],
        "photo": _picture(claims),
        "decided_at": local_datetime(result["decided_at"], locale) if result["decided_at"] else "",
        "claims_until": until if claims else None,
        "claims_until_text": local_datetime(until, locale) if claims and until else "",
        "wiped": wiped,
    }


def _client(request: Request, runtime: Runtime) -> str:
    address = request.client.host if request.client else "?"
    return limits.client_key(runtime.settings.secret_key.get_secret_value(), address)


def _start(
    request: Request, runtime: Runtime, locale: str, *, error: LegitkaError | None = None
) -> Response:
    choices = [
        {
            "preset": name,
            "label": translate(presets.PRESET_LABELS[name], locale),
            "description": translate(PRESET_DESCRIPTIONS[name], locale),
        }
        for name in presets.PRESETS
    ]
    headers = {**HEADERS, **(coded_headers(error) or {})} if error else HEADERS
    csrf = random_source.token_urlsafe(24)
    response = render(
        request,
        "verifier/start.html",
        {
            "choices": choices,
            "error": localized_message(error, locale) if error else None,
            "strings": strings(locale),
            "server_now": _iso(runtime.clock.now()),
            "retention": runtime.settings.verifier_claims_retention,
            "csrf": csrf,
        },
        status_code=error.status if error else 200,
        headers=headers,
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=True, samesite="strict",
        secure=request.url.scheme == "https", path="/verify",
    )  # fmt: skip
    return response


def _csrf_failed(request: Request, form: Any) -> LegitkaError | None:
    """A refusal when the form's token is not the start page's cookie."""
    expected = request.cookies.get(CSRF_COOKIE)
    given = form.get(CSRF_FIELD)
    if expected and isinstance(given, str) and random_source.compare_digest(expected, given):
        return None
    return LegitkaError("csrf_failed", CSRF_FAILED, status=403)


@router.get("/verify")
def start(request: Request, runtime: RuntimeDep, locale: LocaleDep) -> Response:
    return _start(request, runtime, locale)


@router.post("/verify")
async def create(request: Request, runtime: RuntimeDep, locale: LocaleDep) -> Response:
    form = await request.form()
    refused = _csrf_failed(request, form)
    if refused is not None:
        return _start(request, runtime, locale, error=refused)
    preset = form.get("preset")
    ctx = context(runtime)
    client = _client(request, runtime)

    def act() -> Response:
        try:
            with transaction(runtime.sessions) as session:
                limits.check_public(
                    session, client, runtime.clock.now(),
                    per_minute=runtime.settings.verifier_public_requests_per_minute,
                )  # fmt: skip
                created = verifier_requests.create(session, runtime.clock, ctx, preset)
        except LegitkaError as exc:
            return _start(request, runtime, locale, error=exc)
        chosen = query_locale(request)  # a language chosen on the start page stays chosen
        where = f"/verify/{created['id']}" + (f"?lang={chosen}" if chosen else "")
        return RedirectResponse(where, status_code=303, headers=HEADERS)

    return await run_in_threadpool(act)


@router.get("/verify/{request_id}")
def request_page(
    request_id: str, request: Request, runtime: RuntimeDep, locale: LocaleDep
) -> Response:
    ctx = context(runtime)
    with runtime.sessions() as session:
        status = verifier_requests.view(session, runtime.clock, request_id, locale)
        invitation = verifier_requests.invitation(session, ctx, request_id)
    now = runtime.clock.now()
    return render(
        request,
        "verifier/request.html",
        {
            "status": status,
            "preset_label": translate(presets.PRESET_LABELS[status["preset"]], locale),
            "invitation": invitation,
            "qr_svg": qr.svg(invitation["qr_uri"], title=translate(QR_TITLE, locale))
            if invitation
            else None,
            "expires_at_text": local_datetime(status["expires_at"], locale),
            "result": result_view(status, locale, now),
            "strings": strings(locale),
            "server_now": _iso(now),
            "long_poll": LONG_POLL_SECONDS,
            "retention": runtime.settings.verifier_claims_retention,
        },
        headers=HEADERS,
    )


@router.get("/verify/{request_id}/status")
async def status(
    request_id: str, runtime: RuntimeDep, locale: LocaleDep, wait: float = 0
) -> Response:
    """The status URL's answer for the page's own script, held while pending (``wait``)."""

    def look() -> dict[str, Any]:
        with runtime.sessions() as session:
            return verifier_requests.view(session, runtime.clock, request_id, locale)

    deadline = time.monotonic() + max(0.0, min(wait, MAX_WAIT))
    body = await run_in_threadpool(look)
    while body["state"] == verifier_requests.PENDING and time.monotonic() < deadline:
        await asyncio.sleep(LOOK_EVERY)
        body = await run_in_threadpool(look)
    return JSONResponse(body, headers=HEADERS)


@router.get("/verify/{request_id}/photo")
def photo(request_id: str, runtime: RuntimeDep, locale: LocaleDep) -> Response:
    """The photo the student shared, as a JPEG, while the data are kept."""
    with runtime.sessions() as session:
        status = verifier_requests.view(session, runtime.clock, request_id, locale)
    picture = _picture((status["result"] or {}).get("claims"))
    try:
        if picture is None:
            raise ValueError
        image = base64.b64decode(picture.split(",", 1)[1], validate=True)
    except (ValueError, binascii.Error):
        raise NotFound(
            "no_photo", N_("There is no photo to show: it was not shared or has been deleted.")
        ) from None
    return Response(image, media_type="image/jpeg", headers=HEADERS)
