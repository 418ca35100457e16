"""Answers a CDN or a browser may keep: public documents with ``max-age`` and an ``ETag``.

Metadata, the trust list, root certificates and status lists are the same for everybody and
change seldom, so a cache in front of the app processes (or the verifier's and wallet's own
HTTP cache) can carry them; ``If-None-Match`` with the current ``ETag`` gets ``304 Not
Modified`` without the body.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

METADATA_MAX_AGE = 300  # issuer metadata, type metadata, the trust list
CERTIFICATE_MAX_AGE = 3600


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(request: Request, etag: str) -> bool:
    """Whether the client's ``If-None-Match`` names ``etag`` (or ``*``)."""
    wanted = request.headers.get("if-none-match")
    if not wanted:
        return False
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return etag in tags or "*" in tags


def public(
    request: Request,
    body: bytes,
    media_type: str,
    max_age: int,
    *,
    etag: str | None = None,
    revalidate: bool = True,
) -> Response:
    """``body`` for everybody to cache for ``max_age`` seconds; 304 when the client has it.

    ``revalidate=False`` for a document signed afresh on every request (the trust list: its
    ``iat`` and signature differ each time), whose bytes say nothing about a client's copy.
    """
    headers = {"Cache-Control": f"public, max-age={max(max_age, 0)}"}
    if not revalidate:
        return Response(body, media_type=media_type, headers=headers)
    tag = etag or etag_of(body)
    headers["ETag"] = tag
    if matches(request, tag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def public_json(
    request: Request, document: Any, max_age: int = METADATA_MAX_AGE, *, revalidate: bool = True
) -> Response:
    return public(
        request, orjson.dumps(document), "application/json", max_age, revalidate=revalidate
    )
