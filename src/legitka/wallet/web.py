"""The web wallet at ``{base}/wallet/``: an installable app for the student's phone (PWA).

Everything the wallet does happens in the browser (``static/``: plain ES modules, the vendored
``jose``, ``jsQR`` and ``qrcode-generator``); the server only hands out the files and the little
the wallet needs to know about this deployment (``config.json``). The files are served with
``Cache-Control: no-cache`` and an ETag, so the service worker and the browser always revalidate,
and with a Content-Security-Policy that allows scripts from this origin only.
"""

from __future__ import annotations

import os
from os import PathLike
from pathlib import Path

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from legitka.issuer import urls
from legitka.web.deps import RuntimeDep

STATIC = Path(__file__).parent / "static"

# connect-src is open: a wallet talks to the issuers and verifiers named in the trust list,
# which may live on other origins than the wallet's own.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self' https: http:",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",
}

router = APIRouter(include_in_schema=False)


class WalletFiles(StaticFiles):
    """The wallet's files with its security and caching headers."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(HEADERS)
        if str(full_path).endswith(".webmanifest"):
            response.headers["Content-Type"] = "application/manifest+json"
        return response


@router.get("/wallet")
def wallet_without_slash(request: Request) -> Response:
    query = request.url.query
    return RedirectResponse("/wallet/" + (f"?{query}" if query else ""), status_code=308)


@router.get("/wallet/")
def wallet_page() -> Response:
    """The app shell; an offer link (``?credential_offer_uri=…``) is read by the app itself."""
    return FileResponse(STATIC / "index.html", headers=HEADERS)


@router.get("/wallet/config.json")
def wallet_config(runtime: RuntimeDep) -> Response:
    """What the wallet needs to know about the deployment that serves it."""
    base = runtime.settings.effective_base_url
    body = {
        "base_url": base,
        "trust_list": urls.trust_list(base),
        "verifier_codes": f"{base}/verifier/codes/",
        "vct": urls.vct(base),
    }
    return JSONResponse(body, headers=HEADERS)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/wallet", WalletFiles(directory=STATIC), name="wallet")
