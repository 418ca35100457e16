"""Every malformed or hostile request to the issuer's endpoints gets the specification's error
code and a description, never a 500, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from legitka.credentials import jose
from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.registry.models import MobileId
from legitka.wallet.holder import Holder
from tests.issuer.conftest import Issuer

ALLOWED_DESCRIPTION = set(range(0x20, 0x7F)) - {0x22, 0x5C}


def assert_oauth_error(response: httpx.Response, error: str, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == error, body
    description = body["error_description"]
    assert description and set(description.encode()) <= ALLOWED_DESCRIPTION
    return body


@pytest.fixture
def urls(shared_issuer: Issuer) -> dict[str, str]:
    base = f"{shared_issuer.base}/u/pd"
    return {
        name: f"{base}/{name}" for name in ("token", "nonce", "credential", "notification")
    }


@pytest.fixture
def tokens(shared_issuer: Issuer) -> Iterator[dict[str, Any]]:
    """A fresh order redeemed at the token endpoint (the credential not yet fetched); it is
    cancelled afterwards so that the next test can order again."""
    view = shared_issuer.order("uw", "200001")
    holder = Holder(shared_issuer.http, now=shared_issuer.clock.now)
    offer = holder.resolve_offer(view["offer"]["qr_uri"])
    response = shared_issuer.http.post(
        f"{shared_issuer.base}/u/uw/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": offer.pre_authorized_code,
            "tx_code": view["offer"]["activation_code"],
        },
    )
    assert response.status_code == 200, response.text
    yield {**response.json(), "holder": holder}
    with transaction(shared_issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, shared_issuer.clock, orders.get(session, view["id"]), actor="t")


def nonce(issuer: Issuer, slug: str = "uw") -> str:
    value: str = issuer.http.post(f"{issuer.base}/u/{slug}/nonce").json()["c_nonce"]
    return value


def proof(
    issuer: Issuer,
    key: ec.EllipticCurvePrivateKey,
    *,
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
) -> str:
    now = int(issuer.clock.now().timestamp())
    body = {"aud": f"{issuer.base}/u/uw", "iat": now, "nonce": nonce(issuer), **(claims or {})}
    head = {"typ": "openid4vci-proof+jwt", "jwk": jose.public_jwk(key), **(header or {})}
    return jose.sign(head, body, key)


def credential_request(
    issuer: Issuer, access_token: str, body: Any, *, raw: bytes | None = None
) -> httpx.Response:
    return issuer.http.post(
        f"{issuer.base}/u/uw/credential",
        content=raw if raw is not None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {access_token}", "Content-Type": "application/json"},
    )


# -- token endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code"}, "invalid_request"),
        (
            {
                "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                "pre-authorized_code": "not-a-real-code",
                "tx_code": "12345678",
            },
            "invalid_grant",
        ),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "unknown"}, "invalid_grant"),
    ],
)
def test_token_request_errors(shared_issuer: Issuer, urls: dict[str, str], form, error) -> None:
    assert_oauth_error(shared_issuer.http.post(urls["token"], data=form), error)


def test_token_request_must_be_a_form(shared_issuer: Issuer, urls: dict[str, str]) -> None:
    response = shared_issuer.http.post(urls["token"], json={"grant_type": "refresh_token"})
    assert_oauth_error(response, "invalid_request")


def test_token_request_without_the_activation_code(shared_issuer: Issuer) -> None:
    view = shared_issuer.order("pd", "100001")
    offer = Holder(shared_issuer.http).resolve_offer(view["offer"]["qr_uri"])
    response = shared_issuer.http.post(
        f"{shared_issuer.base}/u/pd/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
            "pre-authorized_code": offer.pre_authorized_code,
        },
    )
    assert_oauth_error(response, "invalid_request")  # OpenID4VCI §6.3: tx_code expected
    assert shared_issuer.view(view["id"])["offer"]["attempts_left"] == 5


def test_repeated_parameter_is_refused(shared_issuer: Issuer, urls: dict[str, str]) -> None:
    response = shared_issuer.http.post(
        urls["token"],
        content=b"grant_type=refresh_token&grant_type=refresh_token",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_oauth_error(response, "invalid_request")


def test_huge_body_is_refused(shared_issuer: Issuer, urls: dict[str, str]) -> None:
    response = shared_issuer.http.post(
        urls["token"],
        content=b"a" * (65 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_oauth_error(response, "invalid_request", 413)


# -- credential endpoint -------------------------------------------------------------------


def test_credential_without_a_token(shared_issuer: Issuer, urls: dict[str, str]) -> None:
    response = shared_issuer.http.post(urls["credential"], json={})
    assert_oauth_error(response, "invalid_token", 401)
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([], "invalid_credential_request"),
        ({"proofs": {}}, "invalid_credential_request"),
        ({"credential_configuration_id": "diploma", "proofs": {"jwt": ["x"]}},
         "unknown_credential_configuration"),
        ({"credential_identifier": "x", "proofs": {"jwt": ["x"]}}, "unknown_credential_identifier"),
        ({"credential_configuration_id": "student-id"}, "invalid_proof"),
        ({"credential_configuration_id": "student-id", "proof": {"jwt": "x"}},
         "invalid_credential_request"),
        ({"credential_configuration_id": "student-id", "proofs": {"di_vp": [{}]}}, "invalid_proof"),
        ({"credential_configuration_id": "student-id", "proofs": {"jwt": []}}, "invalid_proof"),
        ({"credential_configuration_id": "student-id", "proofs": {"jwt": [42]}}, "invalid_proof"),
        ({"credential_configuration_id": "student-id", "proofs": {"jwt": ["a.b.c"]}},
         "invalid_proof"),
        ({"credential_configuration_id": "student-id", "proofs": {"jwt": ["x", "y"]}},
         "invalid_credential_request"),
        ({"credential_configuration_id": "student-id", "proofs": {"jwt": ["x"]},
          "credential_response_encryption": {"jwk": {}, "enc": "A128GCM"}},
         "invalid_encryption_parameters"),
    ],
)  # fmt: skip
def test_malformed_credential_requests(shared_issuer: Issuer, tokens, body, error) -> None:
    response = credential_request(shared_issuer, tokens["access_token"], body)
    assert_oauth_error(response, error)


def test_credential_request_that_is_not_json(shared_issuer: Issuer, tokens) -> None:
    response = credential_request(shared_issuer, tokens["access_token"], None, raw=b"{not json")
    assert_oauth_error(response, "invalid_credential_request")


def hostile_proofs(issuer: Issuer, key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    private_jwk = {**jose.public_jwk(key), "d": "AAAA"}
    now = int(issuer.clock.now().timestamp())
    good = proof(issuer, key)
    header, payload, _ = good.split(".")
    unsigned_header = jose.b64url_encode(
        json.dumps({"alg": "none", "typ": "openid4vci-proof+jwt", "jwk": jose.public_jwk(key)})
        .encode()
    )
    other = ec.generate_private_key(ec.SECP256R1())
    return {
        "alg none": f"{unsigned_header}.{payload}.",
        "private key in header": proof(issuer, key, header={"jwk": private_jwk}),
        "wrong typ": proof(issuer, key, header={"typ": "JWT"}),
        "kid instead of jwk": proof(issuer, key, header={"kid": "did:example:1#0"}),
        "signature by another key": jose.sign(
            {"typ": "openid4vci-proof+jwt", "jwk": jose.public_jwk(key)},
            {"aud": f"{issuer.base}/u/uw", "iat": now, "nonce": nonce(issuer)},
            other,
        ),
        "wrong audience": proof(issuer, key, claims={"aud": f"{issuer.base}/u/pd"}),
        "no iat": proof(issuer, key, claims={"iat": "yesterday"}),
        "from the future": proof(issuer, key, claims={"iat": now + 3600}),
        "too old": proof(issuer, key, claims={"iat": now - 3600}),
        "no nonce": proof(issuer, key, claims={"nonce": ""}),
        "tampered payload": f"{header}.{jose.b64url_encode(b'{}')}.{good.split('.')[2]}",
    }


def test_hostile_key_proofs_are_refused(shared_issuer: Issuer, tokens) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    for name, bad in hostile_proofs(shared_issuer, key).items():
        body = {"credential_configuration_id": "student-id", "proofs": {"jwt": [bad]}}
        response = credential_request(shared_issuer, tokens["access_token"], body)
        assert response.status_code == 400, name
        assert response.json()["error"] == "invalid_proof", (name, response.json())
    with shared_issuer.runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MobileId)) == 0


def test_unknown_and_replayed_nonces(shared_issuer: Issuer, tokens) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    unknown = proof(shared_issuer, key, claims={"nonce": "made-up"})
    body = {"credential_configuration_id": "student-id", "proofs": {"jwt": [unknown]}}
    assert_oauth_error(
        credential_request(shared_issuer, tokens["access_token"], body), "invalid_nonce"
    )
    good = proof(shared_issuer, key)
    body = {"credential_configuration_id": "student-id", "proofs": {"jwt": [good]}}
    assert credential_request(shared_issuer, tokens["access_token"], body).status_code == 200
    replay = credential_request(shared_issuer, tokens["access_token"], body)
    assert_oauth_error(replay, "invalid_nonce")


def request_with(
    issuer: Issuer, access_token: str, key: ec.EllipticCurvePrivateKey
) -> httpx.Response:
    body = {"credential_configuration_id": "student-id", "proofs": {"jwt": [proof(issuer, key)]}}
    return credential_request(issuer, access_token, body)


def test_renewal_must_use_the_bound_key(shared_issuer: Issuer, tokens) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    assert request_with(shared_issuer, tokens["access_token"], key).status_code == 200
    other = ec.generate_private_key(ec.SECP256R1())
    assert_oauth_error(request_with(shared_issuer, tokens["access_token"], other), "invalid_proof")


# -- notification endpoint -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([], "invalid_notification_request"),
        ({"notification_id": "x"}, "invalid_notification_request"),
        ({"notification_id": "x", "event": "credential_lost"}, "invalid_notification_request"),
        ({"notification_id": "unknown", "event": "credential_accepted"}, "invalid_notification_id"),
    ],
)
def test_notification_errors(shared_issuer: Issuer, tokens, body, error) -> None:
    response = shared_issuer.http.post(
        f"{shared_issuer.base}/u/uw/notification",
        json=body,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert_oauth_error(response, error)


def test_notification_without_a_token(shared_issuer: Issuer, urls: dict[str, str]) -> None:
    response = shared_issuer.http.post(
        urls["notification"], json={"notification_id": "x", "event": "credential_accepted"}
    )
    assert_oauth_error(response, "invalid_token", 401)


# -- other endpoints -----------------------------------------------------------------------


def test_unknown_offer_is_a_clear_404(shared_issuer: Issuer) -> None:
    response = shared_issuer.http.get(f"{shared_issuer.base}/u/pd/offers/nothing-here")
    body = assert_oauth_error(response, "invalid_request", 404)
    assert "order a new one" in body["error_description"]


def test_polish_message_beside_the_ascii_description(shared_issuer: Issuer, urls) -> None:
    response = shared_issuer.http.post(
        urls["token"], data={"grant_type": "x"}, headers={"Accept-Language": "pl"}
    )
    body = assert_oauth_error(response, "unsupported_grant_type")
    assert body["error_message"] != body["error_description"]


def test_unknown_university_and_status_list(shared_issuer: Issuer) -> None:
    assert shared_issuer.http.post(f"{shared_issuer.base}/u/nope/nonce").status_code == 404
    missing = shared_issuer.http.get(
        f"{shared_issuer.base}/u/pd/status/99", headers={"Accept": "application/json"}
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "unknown_status_list"
