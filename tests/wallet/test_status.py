"""The wallet believes a status list only when the credential's own issuer signed it."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from legitka.credentials import jose
from legitka.credentials.status_list import StatusList, status_list_claims
from legitka.wallet.holder import StoredCredential
from legitka.wallet.status import Standing, standing
from tests.issuer.conftest import Issuer


@pytest.fixture
def activated(issuer: Issuer) -> StoredCredential:
    view = issuer.order()
    return issuer.holder().activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])


def serving_token(token: str | None, status: int = 200) -> httpx.Client:
    """An HTTP client whose every GET answers ``token``: a status list server we control."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text=token or "")

    return httpx.Client(transport=httpx.MockTransport(answer))


def signed_list(issuer: Issuer, stored: StoredCredential, value: int, *, slug: str = "pd") -> str:
    reference = stored.claims["status"]["status_list"]
    bits = StatusList(reference["idx"] + 8)
    bits.set(reference["idx"], value)
    now = int(issuer.clock.now().timestamp())
    claims = status_list_claims(
        uri=reference["uri"], status_list=bits, issued_at=now, expires_at=now + 3600, ttl=300
    )
    return issuer.runtime.issuer_key(slug).sign_jwt({"typ": "statuslist+jwt"}, claims)


def report(issuer: Issuer, stored: StoredCredential, http: httpx.Client) -> tuple[Standing, str]:
    roots = [issuer.runtime.pki.root_certificate()]
    with http:
        result = standing(
            http, stored.sd_jwt.header, stored.claims, trusted_roots=roots, now=issuer.clock.now()
        )
    return result.standing, result.detail_code or ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, Standing.VALID), (1, Standing.REVOKED), (2, Standing.SUSPENDED)],
)
def test_the_issuers_list_is_believed(
    issuer: Issuer, activated: StoredCredential, value: int, expected: Standing
) -> None:
    token = signed_list(issuer, activated, value)
    assert report(issuer, activated, serving_token(token))[0] is expected


def test_the_live_list_of_the_issuer(issuer: Issuer, activated: StoredCredential) -> None:
    assert report(issuer, activated, httpx.Client())[0] is Standing.VALID


def test_a_list_signed_by_another_university_is_not_believed(
    issuer: Issuer, activated: StoredCredential
) -> None:
    forged = signed_list(issuer, activated, 1, slug="uw")  # same root, another issuer
    assert report(issuer, activated, serving_token(forged)) == (
        Standing.STATUS_UNAVAILABLE, "untrusted_issuer",
    )  # fmt: skip


def test_a_list_signed_without_a_chain_is_not_believed(
    issuer: Issuer, activated: StoredCredential
) -> None:
    token = signed_list(issuer, activated, 1)
    header, claims = jose.unverified_header(token), jose.unverified_claims(token)
    del header["x5c"]
    unsigned = jose.sign(
        {k: v for k, v in header.items() if k != "alg"},
        claims,
        ec.generate_private_key(ec.SECP256R1()),
    )
    assert report(issuer, activated, serving_token(unsigned))[0] is Standing.STATUS_UNAVAILABLE


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [("not a token", 200, "malformed"), ("", 404, "http_error"), ("", 503, "http_error")],
)
def test_an_unusable_answer_is_unavailable_never_revoked(
    issuer: Issuer, activated: StoredCredential, body: str, status: int, code: str
) -> None:
    assert report(issuer, activated, serving_token(body, status)) == (
        Standing.STATUS_UNAVAILABLE, code,
    )  # fmt: skip


def test_an_expired_list_is_unavailable(issuer: Issuer, activated: StoredCredential) -> None:
    token = signed_list(issuer, activated, 0)
    issuer.clock.advance(dt.timedelta(hours=2))
    assert report(issuer, activated, serving_token(token)) == (
        Standing.STATUS_UNAVAILABLE, "expired",
    )  # fmt: skip


def test_a_revocation_wins_over_an_expiry(issuer: Issuer, activated: StoredCredential) -> None:
    token = signed_list(issuer, activated, 1)
    late = dict(activated.claims, exp=int(issuer.clock.now().timestamp()) - 1)
    roots = [issuer.runtime.pki.root_certificate()]
    with serving_token(token) as http:
        result = standing(http, activated.sd_jwt.header, late, trusted_roots=roots,
                          now=issuer.clock.now())  # fmt: skip
    assert result.standing is Standing.REVOKED
    with serving_token("", 503) as http:
        result = standing(http, activated.sd_jwt.header, late, trusted_roots=roots,
                          now=issuer.clock.now())  # fmt: skip
    assert result.standing is Standing.EXPIRED  # an expiry needs no list
