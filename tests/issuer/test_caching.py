"""Public documents carry ``Cache-Control: public`` and an ``ETag`` so a CDN can serve them."""

from __future__ import annotations

import re

import pytest

from legitka.wallet.holder import Holder
from tests.issuer.conftest import Issuer

PUBLIC_DOCUMENTS = [
    "/.well-known/openid-credential-issuer/u/pd",
    "/.well-known/oauth-authorization-server/u/pd",
    "/.well-known/jwt-vc-issuer/u/pd",
    "/credentials/student-id/1",
    "/trust/root.pem",
]


@pytest.mark.parametrize("path", PUBLIC_DOCUMENTS)
def test_public_document_is_cacheable_and_revalidates(shared_issuer: Issuer, path: str) -> None:
    http = shared_issuer.http
    first = http.get(shared_issuer.base + path)
    assert first.status_code == 200
    assert re.fullmatch(r"public, max-age=\d+", first.headers["cache-control"])
    assert int(first.headers["cache-control"].rsplit("=", 1)[1]) >= 60
    etag = first.headers["etag"]
    again = http.get(shared_issuer.base + path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = http.get(shared_issuer.base + path, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_trust_list_is_cacheable_but_signed_afresh(shared_issuer: Issuer) -> None:
    response = shared_issuer.http.get(shared_issuer.base + "/trust/list.json")
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "etag" not in response.headers  # a new iat and signature every time


def test_status_list_is_cached_no_longer_than_it_is_valid(shared_issuer: Issuer) -> None:
    offer = shared_issuer.order(album="100001")["offer"]
    holder: Holder = shared_issuer.holder()
    credential = holder.activate(offer["qr_uri"], offer["activation_code"])
    uri = credential.claims["status"]["status_list"]["uri"]
    response = shared_issuer.http.get(uri)
    assert response.status_code == 200
    max_age = int(response.headers["cache-control"].removeprefix("public, max-age="))
    ttl = shared_issuer.runtime.issuer_config.status_list_ttl
    assert 1 <= max_age <= ttl
    revalidated = shared_issuer.http.get(uri, headers={"If-None-Match": response.headers["etag"]})
    assert revalidated.status_code == 304
