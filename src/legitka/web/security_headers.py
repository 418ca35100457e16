"""Security headers on every answer: no sniffing, no framing, a strict default policy.

Each header is added only when the route did not set it itself, so a page with a stricter or
wider policy of its own (the wallet, the verifier page: ``Referrer-Policy: no-referrer`` and their
own ``Content-Security-Policy``) keeps it. The default policy allows scripts, styles and images
from this origin only: templates carry no inline script, ``style=`` attribute or event handler.
``Strict-Transport-Security`` is sent only when the deployment's base URL is https.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "HSTS", "SecurityHeaders"]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
DEFAULTS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
)


class SecurityHeaders:
    """ASGI middleware adding the default security headers a response lacks."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.defaults = (*DEFAULTS, ("Strict-Transport-Security", HSTS)) if https else DEFAULTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in self.defaults:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
