"""The application's route table, and what kind of caller each route serves.

``route_table`` reads every (method, path) from ``create_app(runtime).routes``; ``KINDS``
classifies each one. A route missing from ``KINDS`` fails ``test_every_route_is_classified``, so a
new route cannot escape the authorization matrix and the CSRF tests.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from fastapi import FastAPI


class Kind(StrEnum):
    PUBLIC = "public"  # anyone: start pages, metadata, status lists, the wallet's files
    SIGN_IN = "sign_in"  # signing in and out (portal, office, mobile API)
    PROTOCOL = "protocol"  # OpenID4VCI endpoints: the issuer's own tokens and codes
    CAPABILITY = "capability"  # a secret in the URL is the permission (offers, requests)
    PUBLIC_FORM = "public_form"  # anyone, through a form of this site (the verifier page)
    VERIFIER_API = "verifier_api"  # an integrator's API key
    STUDENT_PAGE = "student_page"  # the student's browser session at the URL's university
    STUDENT_API = "student_api"  # the mobile app's bearer token at the URL's university
    OFFICE = "office"  # staff serving the URL's university
    OFFICE_ANY = "office_any"  # any signed-in staff member


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the application answers; a mount counts as ``GET``."""
    found: list[tuple[str, str]] = []

    def walk(routes: Any) -> None:
        for route in routes:
            if hasattr(route, "effective_candidates"):  # an included router
                walk(route.effective_candidates())
                continue
            original = getattr(route, "original_route", route)
            methods = getattr(original, "methods", None) or {"GET"}
            for method in sorted(methods - {"HEAD"}):
                found.append((method, route.path))

    walk(app.routes)
    return found


P, G = "POST", "GET"
KINDS: dict[tuple[str, str], Kind] = {
    (G, "/api/openapi.json"): Kind.PUBLIC,
    (G, "/static"): Kind.PUBLIC,
    (G, "/"): Kind.PUBLIC,
    (G, "/healthz"): Kind.PUBLIC,
    (G, "/u/{slug}/"): Kind.PUBLIC,
    (G, "/demo/outbox"): Kind.PUBLIC,  # only with ``demo`` on: a 404 here
    (G, "/.well-known/openid-credential-issuer/u/{slug}"): Kind.PUBLIC,
    (G, "/.well-known/oauth-authorization-server/u/{slug}"): Kind.PUBLIC,
    (G, "/.well-known/jwt-vc-issuer/u/{slug}"): Kind.PUBLIC,
    (G, "/credentials/student-id/1"): Kind.PUBLIC,
    (G, "/u/{slug}/offers/{reference}"): Kind.CAPABILITY,
    (P, "/u/{slug}/token"): Kind.PROTOCOL,
    (P, "/u/{slug}/nonce"): Kind.PROTOCOL,
    (P, "/u/{slug}/credential"): Kind.PROTOCOL,
    (P, "/u/{slug}/notification"): Kind.PROTOCOL,
    (G, "/trust/list.json"): Kind.PUBLIC,
    (G, "/trust/root.pem"): Kind.PUBLIC,
    (G, "/u/{slug}/status/{number}"): Kind.PUBLIC,
    (G, "/wallet"): Kind.PUBLIC,
    (G, "/wallet/"): Kind.PUBLIC,
    (G, "/wallet/config.json"): Kind.PUBLIC,
    (P, "/verifier/api/v1/requests"): Kind.VERIFIER_API,
    (G, "/verifier/api/v1/requests/{request_id}"): Kind.VERIFIER_API,
    (G, "/verifier/codes/{code}"): Kind.CAPABILITY,
    (G, "/verifier/request/{ref}"): Kind.CAPABILITY,
    (P, "/verifier/response/{ref}"): Kind.CAPABILITY,
    (P, "/verifier/offline"): Kind.PUBLIC,
    (G, "/verify"): Kind.PUBLIC,
    (P, "/verify"): Kind.PUBLIC_FORM,
    (G, "/verify/{request_id}"): Kind.CAPABILITY,
    (G, "/verify/{request_id}/status"): Kind.CAPABILITY,
    (G, "/verify/{request_id}/photo"): Kind.CAPABILITY,
    (G, "/u/{slug}/login"): Kind.PUBLIC,
    (P, "/u/{slug}/login"): Kind.SIGN_IN,
    (P, "/u/{slug}/logout"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/payments"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/oath"): Kind.STUDENT_PAGE,
    (P, "/u/{slug}/student/oath"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/photo"): Kind.STUDENT_PAGE,
    (P, "/u/{slug}/student/photo"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/photo/{photo_id}"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/api/v1/payments"): Kind.STUDENT_API,
    (G, "/u/{slug}/api/v1/oath"): Kind.STUDENT_API,
    (P, "/u/{slug}/api/v1/oath"): Kind.STUDENT_API,
    (G, "/u/{slug}/api/v1/photo"): Kind.STUDENT_API,
    (P, "/u/{slug}/api/v1/photo"): Kind.STUDENT_API,
    (G, "/u/{slug}/api/v1/photo/{photo_id}"): Kind.STUDENT_API,
    (G, "/u/{slug}/student/mlegitymacja"): Kind.STUDENT_PAGE,
    (P, "/u/{slug}/student/mlegitymacja/order"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/mlegitymacja/cancel"): Kind.STUDENT_PAGE,
    (P, "/u/{slug}/student/mlegitymacja/cancel"): Kind.STUDENT_PAGE,
    (P, "/u/{slug}/student/mlegitymacja/extend"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/mlegitymacja/status.json"): Kind.STUDENT_PAGE,
    (G, "/u/{slug}/student/mlegitymacja/qr.png"): Kind.STUDENT_PAGE,
    (P, "/u/{slug}/api/v1/session"): Kind.SIGN_IN,
    ("DELETE", "/u/{slug}/api/v1/session"): Kind.STUDENT_API,
    (G, "/u/{slug}/api/v1/mlegitymacja"): Kind.STUDENT_API,
    (G, "/u/{slug}/api/v1/mlegitymacja/order"): Kind.STUDENT_API,
    (P, "/u/{slug}/api/v1/mlegitymacja/order"): Kind.STUDENT_API,
    (P, "/u/{slug}/api/v1/mlegitymacja/cancel"): Kind.STUDENT_API,
    (P, "/u/{slug}/api/v1/mlegitymacja/extend"): Kind.STUDENT_API,
    (G, "/office/login"): Kind.PUBLIC,
    (P, "/office/login"): Kind.SIGN_IN,
    (P, "/office/logout"): Kind.OFFICE_ANY,
    (G, "/office/"): Kind.OFFICE_ANY,
    (G, "/office/reports"): Kind.OFFICE_ANY,
    **{
        (method, f"/office/u/{{slug}}{rest}"): Kind.OFFICE
        for method, rest in (
            (G, "/"),
            (G, "/students"),
            (P, "/students"),
            (G, "/students/{study_id}"),
            (G, "/students/{study_id}/photos/{photo_id}"),
            (G, "/photos"),
            (G, "/photos/{photo_id}/image"),
            (P, "/photos/{photo_id}/approve"),
            (P, "/photos/{photo_id}/reject"),
            (G, "/cards"),
            (P, "/cards/print-orders"),
            (G, "/cards/{study_id}"),
            (P, "/cards/{study_id}/{action}"),
            (G, "/renewals"),
            (P, "/renewals/preview"),
            (P, "/renewals"),
            (G, "/renewals/{job_id}"),
            (G, "/renewals/{job_id}/progress"),
            (G, "/renewals/{job_id}/report.csv"),
            (G, "/audit"),
            (G, "/audit.csv"),
            (G, "/reports"),
            (G, "/payments"),
            (P, "/payments/preview"),
            (P, "/payments/import"),
            (G, "/students/{study_id}/payments"),
            (P, "/students/{study_id}/payments"),
            (P, "/students/{study_id}/payments/{payment_id}/refund"),
            (P, "/students/{study_id}/charges/{charge_id}/cancel"),
            (G, "/students/{study_id}/changes"),
            (P, "/students/{study_id}/changes/status"),
            (P, "/students/{study_id}/changes/data"),
            (G, "/students/{study_id}/mobile-ids/{mobile_id}/lost-phone"),
            (P, "/students/{study_id}/mobile-ids/{mobile_id}/lost-phone"),
        )
    },
}
