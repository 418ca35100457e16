"""Our OpenID4VP verifier against the wallet side of @openid4vc/openid4vp 0.4.6 and presentations
made by @sd-jwt/sd-jwt-vc 0.19.0 (``openid4vp_wallet.mjs``).

The library wallet scans the QR code's ``openid4vp://`` URI of a request created over HTTP on a
real server (SQLite, demo data), fetches the signed request object by ``request_uri``, checks its
``x5c`` chain to our root and its signature (our callbacks in the script), and accepts the
``x509_hash:`` client id (the server runs on 127.0.0.1) against the leaf; it reads the DCQL query
and ``client_metadata``. Then it answers: the SD-JWT+KB is made by ``SDJwtVcInstance.present``
from a credential our issuer issued to a Python holder (whose device key is handed to node as a
private JWK), disclosing exactly the claims asked for, with the request's nonce and the full
client id as ``aud``; the library builds the ``direct_post.jwt`` response, encrypted (ECDH-ES,
the key agreement written in the script) to the request's key, and posts it to ``response_uri``.

Our verdict is read from the status URL: ``valid`` for the honest presentation; for tampered ones
exactly one reason code each: a changed disclosure, a wrong nonce, a wrong audience, an expired
credential (the clock moved past its validity) and a cancelled one (``revoked``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from legitka.clock import FixedClock
from legitka.credentials import jose, sd_jwt
from legitka.credentials.jose import b64url_encode
from legitka.verifier import presets
from legitka.wallet.holder import Holder, StoredCredential
from tests.interop.live_issuer import LiveIssuer, live_issuer
from tests.interop.node import run_node
from tests.interop.test_sd_jwt_vc_interop import foreign_root, pem

REQUESTED = list(presets.claims_of("student_status"))


@pytest.fixture
def issuer(sqlite_template: Path, clock: FixedClock, tmp_path: Path) -> Iterator[LiveIssuer]:
    with live_issuer(sqlite_template, clock, tmp_path) as running:
        yield running


@dataclass
class Student:
    order_id: int
    holder: Holder
    stored: StoredCredential

    def private_jwk(self) -> dict[str, Any]:
        """The device key as node imports it (a private JWK)."""
        d = self.holder.key.private_numbers().private_value.to_bytes(32, "big")
        return {**jose.public_jwk(self.holder.key), "d": b64url_encode(d)}


@pytest.fixture
def student(issuer: LiveIssuer) -> Student:
    view = issuer.order()
    holder = issuer.holder()
    offer = view["offer"]
    return Student(view["id"], holder, holder.activate(offer["qr_uri"], offer["activation_code"]))


def create(issuer: LiveIssuer, preset: str = "student_status") -> dict[str, Any]:
    answer = issuer.http.post(f"{issuer.base}/verifier/api/v1/requests", json={"preset": preset})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def result(issuer: LiveIssuer, created: dict[str, Any]) -> dict[str, Any]:
    answer = issuer.http.get(created["status_url"])
    assert answer.status_code == 200, answer.text
    status: dict[str, Any] = answer.json()
    assert status["state"] == "done", status
    body: dict[str, Any] = status["result"]
    return body


def codes(issuer: LiveIssuer, created: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in result(issuer, created)["reasons"]]


def root_pem(issuer: LiveIssuer) -> str:
    return pem(issuer.runtime.pki.root_certificate())


def present(
    issuer: LiveIssuer, student: Student, created: dict[str, Any], **options: Any
) -> dict[str, Any]:
    payload = {
        "op": "present",
        "qr_uri": created["qr_uri"],
        "root_pem": root_pem(issuer),
        "now": issuer.now,
        "credential": student.stored.credential,
        "holder_jwk": student.private_jwk(),
        **options,
    }
    answer = run_node("openid4vp_wallet", payload)
    assert "failed" not in answer, answer
    assert answer["status"] == 200 and answer["body"] == {}, answer
    return answer


def test_the_library_wallet_accepts_our_signed_request(issuer: LiveIssuer) -> None:
    created = create(issuer)
    payload = {"op": "resolve", "qr_uri": created["qr_uri"], "root_pem": root_pem(issuer),
               "now": issuer.now}  # fmt: skip
    answer = run_node("openid4vp_wallet", payload)
    assert "failed" not in answer, answer
    request = answer["request"]
    client = answer["client"]
    assert client["prefix"] == "x509_hash"
    assert client["effective"] == client["original"]["clientId"] == request["client_id"]
    assert request["client_id"] == f"x509_hash:{client['identifier']}" == request["iss"]
    assert answer["jar_sent_by"] == "reference"
    header = answer["jar_header"]
    assert (header["alg"], header["typ"]) == ("ES256", "oauth-authz-req+jwt")
    leaf = issuer.runtime.pki.verifier_keyring().signing_key(issuer.clock.now()).certificate
    der = leaf.public_bytes(Encoding.DER)
    assert header["x5c"] == [base64.b64encode(der).decode()]
    # The library computed x509_hash as the base64url SHA-256 of the leaf's DER: ours.
    assert client["identifier"] == b64url_encode(hashlib.sha256(der).digest())
    [checked] = answer["verified"]
    assert checked["typ"] == "oauth-authz-req+jwt"
    assert checked["leaf_subject"] != checked["root_subject"]
    assert request["response_type"] == "vp_token"
    assert request["response_mode"] == "direct_post.jwt"
    assert request["response_uri"].startswith(f"{issuer.base}/verifier/response/")
    assert request["nonce"] and request["state"]
    query = answer["dcql"]
    [credential_query] = query["credentials"]
    assert credential_query["id"] == presets.CREDENTIAL_QUERY_ID
    assert credential_query["format"] == "dc+sd-jwt"
    assert credential_query["meta"] == {"vct_values": [f"{issuer.base}/credentials/student-id/1"]}
    assert [c["path"] for c in credential_query["claims"]] == [[name] for name in REQUESTED]
    metadata = request["client_metadata"]
    [key] = metadata["jwks"]["keys"]
    assert (key["kty"], key["crv"], key["use"], key["alg"]) == ("EC", "P-256", "enc", "ECDH-ES")
    assert metadata["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    assert metadata["vp_formats_supported"]["dc+sd-jwt"]["kb-jwt_alg_values"] == ["ES256"]
    [(method, url, status, media)] = answer["http"]
    assert (method, status, media) == ("GET", 200, "application/oauth-authz-req+jwt")
    assert url.startswith(f"{issuer.base}/verifier/request/")


def test_the_library_wallet_refuses_a_request_under_another_root(issuer: LiveIssuer) -> None:
    created = create(issuer)
    payload = {"op": "resolve", "qr_uri": created["qr_uri"], "root_pem": pem(foreign_root()),
               "now": issuer.now}  # fmt: skip
    answer = run_node("openid4vp_wallet", payload)
    assert "is not issued by" in answer["failed"]["message"], answer


def test_a_library_presentation_is_valid(issuer: LiveIssuer, student: Student) -> None:
    created = create(issuer)
    answer = present(issuer, student, created)
    assert answer["response_mode"] == "direct_post.jwt"
    jwe = answer["jwe_header"]
    assert (jwe["alg"], jwe["enc"]) == ("ECDH-ES", "A128GCM")
    assert jwe["kid"] == answer["request"]["client_metadata"]["jwks"]["keys"][0]["kid"]
    parsed = sd_jwt.parse(answer["presentation"])
    assert sorted(d.name for d in parsed.disclosures) == sorted(REQUESTED)
    assert parsed.kb_jwt is not None
    kb = jose.unverified_claims(parsed.kb_jwt)
    request = answer["request"]
    assert (kb["aud"], kb["nonce"]) == (request["client_id"], request["nonce"])
    assert kb["iat"] == issuer.now
    assert kb["sd_hash"] == sd_jwt.sd_hash(parsed.without_key_binding())
    verdict = result(issuer, created)
    assert verdict["verdict"] == "valid" and verdict["reasons"] == [], verdict
    claims = verdict["claims"]
    assert set(claims) == {*REQUESTED, "exp"}
    assert claims["family_name"] == student.stored.claims["family_name"]
    assert claims["picture"] == student.stored.claims["picture"]


def test_a_changed_disclosure_is_bad_disclosure(issuer: LiveIssuer, student: Student) -> None:
    created = create(issuer)
    answer = present(issuer, student, created, tamper="disclosure")
    assert answer["changed"] in REQUESTED
    assert codes(issuer, created) == ["bad_disclosure"]
    assert result(issuer, created)["claims"] is None


def test_a_wrong_nonce_is_wrong_nonce(issuer: LiveIssuer, student: Student) -> None:
    created = create(issuer)
    present(issuer, student, created, nonce="a-nonce-of-another-request")
    assert codes(issuer, created) == ["wrong_nonce"]


def test_a_wrong_audience_is_wrong_audience(issuer: LiveIssuer, student: Student) -> None:
    created = create(issuer)
    answer = run_node("openid4vp_wallet", {"op": "resolve", "qr_uri": created["qr_uri"],
                      "root_pem": root_pem(issuer), "now": issuer.now})  # fmt: skip
    bare = answer["client"]["identifier"]  # the client id without its x509_hash: prefix
    present(issuer, student, created, aud=bare)
    assert codes(issuer, created) == ["wrong_audience"]


def test_an_expired_credential_is_expired(issuer: LiveIssuer, student: Student) -> None:
    issuer.advance(dt.timedelta(days=140))  # past 31 March 2027, the status list re-signed
    created = create(issuer)
    present(issuer, student, created)
    assert codes(issuer, created) == ["expired"]


def test_a_cancelled_credential_is_revoked(issuer: LiveIssuer, student: Student) -> None:
    issuer.cancel(student.order_id)
    created = create(issuer)
    present(issuer, student, created)
    assert codes(issuer, created) == ["revoked"]
