"""SD-JWT issuing, reading and presenting, checked against the ``sd-jwt`` reference library."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier

from legitka.credentials import jose, sd_jwt
from legitka.credentials.jose import b64url_encode
from legitka.credentials.sd_jwt import SdJwtError


class KeySigner:
    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())

    def sign_jwt(self, header: dict[str, Any], payload: dict[str, Any] | bytes) -> str:
        return jose.sign(header, payload, self.key)

    def jwk(self) -> JWK:
        return JWK.from_json(json.dumps(jose.public_jwk(self.key)))


ISSUER = KeySigner()
HOLDER = ec.generate_private_key(ec.SECP256R1())
CLAIMS = {"iss": "https://id.example.edu/u/pd", "vct": "https://id.example.edu/credentials/student-id/1",
          "cnf": {"jwk": jose.public_jwk(HOLDER)}}  # fmt: skip
DISCLOSABLE = {"given_name": "Łucja", "family_name": "Żółć", "student_id": "100001",
               "university": {"id": "pd", "name": {"pl": "Politechnika", "en": "Tech"}},
               "age_under_26": True}  # fmt: skip


def issued() -> str:
    return sd_jwt.issue(
        ISSUER, header={"typ": sd_jwt.VC_TYP}, claims=CLAIMS, disclosable=DISCLOSABLE
    )


def test_issue_and_read_back() -> None:
    text = issued()
    assert text.endswith("~")
    parsed = sd_jwt.parse(text)
    assert parsed.header["typ"] == "dc+sd-jwt"
    assert len(parsed.disclosures) == len(DISCLOSABLE)
    assert parsed.claims() == {**CLAIMS, **DISCLOSABLE}
    assert "given_name" not in parsed.payload and parsed.payload["_sd_alg"] == "sha-256"


def test_the_reference_library_verifies_what_we_issue() -> None:
    verifier = SDJWTVerifier(issued(), lambda _iss, _header: ISSUER.jwk())
    payload = verifier.get_verified_payload()
    for name, value in DISCLOSABLE.items():
        assert payload[name] == value


def test_presentation_with_key_binding_verified_by_the_reference_library() -> None:
    presentation = sd_jwt.present(
        sd_jwt.parse(issued()), disclose=["given_name", "university"], holder_key=HOLDER,
        audience="x509_san_dns:verify.example.edu", nonce="n-123", issued_at=1_800_000_000,
    )  # fmt: skip
    parsed = sd_jwt.parse(presentation)
    assert {d.name for d in parsed.disclosures} == {"given_name", "university"}
    assert parsed.kb_jwt is not None
    kb = jose.unverified_claims(parsed.kb_jwt)
    assert kb["sd_hash"] == sd_jwt.sd_hash(parsed.without_key_binding())
    verifier = SDJWTVerifier(
        presentation, lambda _iss, _header: ISSUER.jwk(),
        expected_aud="x509_san_dns:verify.example.edu", expected_nonce="n-123",
    )  # fmt: skip
    payload = verifier.get_verified_payload()
    assert payload["given_name"] == "Łucja" and "family_name" not in payload


def test_claims_already_visible_cannot_be_disclosable_too() -> None:
    with pytest.raises(ValueError):
        sd_jwt.issue(ISSUER, header={}, claims={"a": 1}, disclosable={"a": 2})


def disclosure(value: Any) -> str:
    return b64url_encode(json.dumps(value).encode())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (None, "malformed"),
        ("", "malformed"),
        ("only-a-jwt", "malformed"),
        ("a.b.c~", "malformed"),
        ("x" * 300_000, "malformed"),
    ],
)
def test_malformed_sd_jwts(text: Any, code: str) -> None:
    with pytest.raises(SdJwtError) as failed:
        sd_jwt.parse(text)
    assert failed.value.code == code


def test_bad_disclosures() -> None:
    jwt = issued().split("~")[0]
    for bad in (
        "!!!",
        disclosure(["salt", "name"]),
        disclosure({"salt": "x"}),
        disclosure(["salt", "_sd", 1]),
    ):
        with pytest.raises(SdJwtError) as failed:
            sd_jwt.parse(f"{jwt}~{bad}~")
        assert failed.value.code == "bad_disclosure"


def test_a_disclosure_the_issuer_did_not_sign_is_refused() -> None:
    jwt = issued().split("~")[0]
    forged = sd_jwt.parse(f"{jwt}~{disclosure(['salt', 'family_name', 'Kowalski'])}~")
    with pytest.raises(SdJwtError) as failed:
        forged.claims()
    assert failed.value.code == "bad_disclosure"


def test_the_same_disclosure_twice_is_refused() -> None:
    parts = issued().split("~")
    with pytest.raises(SdJwtError):
        sd_jwt.parse("~".join([parts[0], parts[1], parts[1]]) + "~")
