"""Our issuer against the wallet side of @openid4vc/openid4vci 0.4.6 and @openid4vc/oauth2 0.4.6.

``openid4vci_wallet.mjs`` runs the library's ``Openid4vciClient`` through the whole
pre-authorized code flow of OpenID4VCI 1.0 against a real server (SQLite, demo data): the offer
behind the QR code, issuer and authorization server metadata, the token request with the
activation code as ``tx_code``, a ``c_nonce``, an ``openid4vci-proof+jwt`` key proof, the
credential request and the ``credential_accepted`` notification. Then the errors a wallet must
be able to show: a wrong activation code, a replayed pre-authorized code and an expired offer,
each an ``invalid_grant`` from the token endpoint as the library surfaces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from legitka.clock import FixedClock
from legitka.credentials import jose, sd_jwt
from legitka.credentials.chain import validate_chain
from tests.interop.live_issuer import LiveIssuer, live_issuer
from tests.interop.node import run_node

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


@pytest.fixture
def issuer(sqlite_template: Path, clock: FixedClock, tmp_path: Path) -> Iterator[LiveIssuer]:
    with live_issuer(sqlite_template, clock, tmp_path) as running:
        yield running


def activate(issuer: LiveIssuer, qr_uri: str, tx_code: str) -> dict[str, Any]:
    payload = {"op": "activate", "qr_uri": qr_uri, "tx_code": tx_code, "now": issuer.now}
    return run_node("openid4vci_wallet", payload)


def pre_authorized_code(qr_uri: str) -> str:
    """The code in the offer document, as the library reads it (before anyone uses it)."""
    code: str = run_node("openid4vci_wallet", {"op": "resolve", "qr_uri": qr_uri})[
        "pre_authorized_code"
    ]
    return code


def token_request(issuer: LiveIssuer, code: str, tx_code: str) -> dict[str, Any]:
    payload = {
        "op": "token",
        "credential_issuer": issuer.issuer_id(),
        "pre_authorized_code": code,
        "tx_code": tx_code,
    }
    return run_node("openid4vci_wallet", payload)


def assert_invalid_grant(answer: dict[str, Any], *words: str) -> None:
    """The library threw its OAuth error-response error carrying our ``invalid_grant``."""
    assert answer["step"] == "token", answer
    failed = answer["failed"]
    assert failed["name"] == "Oauth2ClientErrorResponseError", failed
    assert failed["status"] == 400
    assert failed["error_response"]["error"] == "invalid_grant"
    for word in words:
        assert word in failed["error_response"]["error_description"]


def test_the_library_wallet_activates_a_student_id(issuer: LiveIssuer) -> None:
    view = issuer.order()
    offer = view["offer"]
    answer = activate(issuer, offer["qr_uri"], offer["activation_code"])
    assert "failed" not in answer, answer
    iss = issuer.issuer_id()

    grant = answer["offer"]["grants"][PRE_AUTHORIZED_GRANT]
    assert answer["offer"]["credential_issuer"] == iss
    assert answer["offer"]["credential_configuration_ids"] == ["student-id"]
    assert grant["tx_code"]["input_mode"] == "numeric" and grant["tx_code"]["length"] == 8

    metadata = answer["metadata"]
    assert metadata["version"] == "V1"
    assert metadata["credential_issuer"] == metadata["authorization_server"] == iss
    assert metadata["token_endpoint"] == f"{iss}/token"
    assert metadata["known_formats"] == ["dc+sd-jwt"]

    assert answer["token"]["token_type"] == "Bearer"
    assert answer["token"]["refresh_token"]

    proof = answer["proof"]
    assert proof["header"] == {
        "alg": "ES256",
        "typ": "openid4vci-proof+jwt",
        "jwk": answer["holder_jwk"],
    }
    assert proof["payload"] == {"aud": iss, "iat": issuer.now, "nonce": answer["c_nonce"]}

    assert answer["credential_count"] == 1
    credential = sd_jwt.parse(answer["credential"])
    assert credential.header["typ"] == "dc+sd-jwt"
    roots = [issuer.runtime.pki.root_certificate()]
    issuer_key = validate_chain(credential.header["x5c"], roots, issuer.clock.now()).public_key()
    assert isinstance(issuer_key, ec.EllipticCurvePublicKey)
    jose.verify(credential.jwt, issuer_key)
    claims = credential.claims()
    assert claims["iss"] == iss and claims["student_id"] == "100001"
    assert claims["cnf"] == {"jwk": answer["holder_jwk"]}

    assert answer["notification_status"] == 204
    assert [(method, url.removeprefix(issuer.base)) for method, url, _ in answer["http"]] == [
        ("GET", offer["credential_offer_uri"].removeprefix(issuer.base)),
        ("GET", "/.well-known/openid-credential-issuer/u/pd"),
        ("GET", "/.well-known/oauth-authorization-server/u/pd"),
        ("POST", "/u/pd/token"),
        ("POST", "/u/pd/nonce"),
        ("POST", "/u/pd/credential"),
        ("POST", "/u/pd/notification"),
    ]
    assert issuer.view(view["id"])["status"] == "picked_up"
    assert issuer.mobile_id(view["id"]).accepted_at == issuer.clock.now()


def test_a_wrong_activation_code_is_invalid_grant_with_the_attempts_left(
    issuer: LiveIssuer,
) -> None:
    offer = issuer.order()["offer"]
    wrong = f"{(int(offer['activation_code']) + 1) % 10**8:08d}"
    assert_invalid_grant(activate(issuer, offer["qr_uri"], wrong), "4 attempts left")
    # One wrong try does not burn the QR code: the right code still works.
    assert "failed" not in activate(issuer, offer["qr_uri"], offer["activation_code"])


def test_a_used_pre_authorized_code_is_invalid_grant(issuer: LiveIssuer) -> None:
    offer = issuer.order()["offer"]
    code = pre_authorized_code(offer["qr_uri"])
    assert "failed" not in activate(issuer, offer["qr_uri"], offer["activation_code"])
    replay = token_request(issuer, code, offer["activation_code"])
    assert_invalid_grant(replay, "already used")


def test_an_expired_offer_is_invalid_grant(issuer: LiveIssuer) -> None:
    view = issuer.order()
    offer = view["offer"]
    code = pre_authorized_code(offer["qr_uri"])
    issuer.advance(dt.timedelta(days=31))
    assert issuer.view(view["id"])["status"] == "expired"
    assert issuer.http.get(offer["credential_offer_uri"]).status_code == 404
    assert_invalid_grant(token_request(issuer, code, offer["activation_code"]), "expired")
