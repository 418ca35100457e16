"""CORS for the public protocol endpoints, so that browser wallets and verifiers can call them.

Only paths that carry no cookies and no personal pages are opened: the issuers' OpenID4VCI
endpoints, status lists, metadata and the trust list, and the verifier's OpenID4VP endpoints
(request objects, responses, 6-digit codes) that a browser wallet of another origin calls.
Requests are answered with ``Access-Control-Allow-Origin: *`` and never with credentials.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PUBLIC = re.compile(
    r"^/(\.well-known/|credentials/|trust/|"
    r"u/[a-z0-9-]+/(token|nonce|credential|notification|offers/|status/)|"
    r"verifier/(request|response|codes)/)"
)
ALLOW_HEADERS = "Authorization, Content-Type, DPoP, If-None-Match"
EXPOSE_HEADERS = "ETag, WWW-Authenticate, DPoP-Nonce"


class PublicCors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not PUBLIC.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", b"*"),
                        (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                        (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                        (b"access-control-max-age", b"600"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
                ]
            await send(message)

        await self.app(scope, receive, with_cors)
