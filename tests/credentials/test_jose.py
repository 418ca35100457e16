"""The JOSE module: ES256 signing and checking, strict base64url, P-256 JWKs."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from legitka.credentials import jose
from legitka.credentials.jose import JoseError

KEY = ec.generate_private_key(ec.SECP256R1())
OTHER = ec.generate_private_key(ec.SECP256R1())


def test_sign_and_verify() -> None:
    token = jose.sign({"typ": "example"}, {"a": "żółw", "n": 1}, KEY)
    header, claims = jose.verify_claims(token, KEY.public_key())
    assert header == {"alg": "ES256", "typ": "example"} and claims == {"a": "żółw", "n": 1}
    assert jose.verify_parsed(token, jose.unverified_header(token), KEY.public_key()) == claims


@pytest.mark.parametrize("check", ["verify_claims", "verify_parsed"])
def test_a_wrong_key_or_changed_payload_fails(check: str) -> None:
    token = jose.sign({}, {"a": 1}, KEY)
    header, payload, signature = token.split(".")
    changed = jose.b64url_encode(b'{"a":2}')
    forged = f"{header}.{changed}.{signature}"

    def run(text: str, key: ec.EllipticCurvePrivateKey) -> object:
        if check == "verify_claims":
            return jose.verify_claims(text, key.public_key())
        return jose.verify_parsed(text, jose.unverified_header(text), key.public_key())

    for text, key in ((token, OTHER), (forged, KEY), (f"{header}.{payload}.!!", KEY)):
        with pytest.raises(JoseError) as failed:
            run(text, key)
        assert failed.value.code == "bad_signature"


def test_verify_parsed_refuses_what_it_does_not_check() -> None:
    token = jose.sign({}, {"a": 1}, KEY)
    with pytest.raises(JoseError):
        jose.verify_parsed(token, {"alg": "ES256", "crit": ["x"], "x": 1}, KEY.public_key())
    with pytest.raises(JoseError):
        jose.verify_parsed(token, {"alg": "none"}, KEY.public_key())


def test_alg_none_is_refused() -> None:
    header = jose.b64url_encode(json.dumps({"alg": "none"}).encode())
    payload = jose.b64url_encode(b"{}")
    with pytest.raises(JoseError) as refused:
        jose.verify(f"{header}.{payload}.", KEY.public_key())
    assert refused.value.code == "unsupported_alg"


def test_base64url_is_strict() -> None:
    assert jose.b64url_decode(jose.b64url_encode(b"\xff\xfe")) == b"\xff\xfe"
    for bad in ("a+b", "a/b", "ab==", 42):
        with pytest.raises(ValueError):
            jose.b64url_decode(bad)  # type: ignore[arg-type]


def test_public_jwk_round_trip_and_thumbprint() -> None:
    jwk = jose.public_jwk(KEY)
    key, canonical = jose.public_key_of(jwk)
    assert canonical == jwk
    assert key.public_numbers() == KEY.public_key().public_numbers()
    assert jose.jwk_thumbprint(jwk) == jose.jwk_thumbprint({**jwk, "kid": "x", "use": "sig"})


@pytest.mark.parametrize(
    ("jwk", "code"),
    [
        ("not a dict", "malformed"),
        ({**jose.public_jwk(KEY), "d": "AAAA"}, "private_key"),
        ({"kty": "RSA", "n": "x", "e": "AQAB"}, "unsupported_key"),
        ({"kty": "EC", "crv": "P-384", "x": "x", "y": "y"}, "unsupported_key"),
        ({"kty": "EC", "crv": "P-256", "x": "AAAA"}, "malformed"),
        ({"kty": "EC", "crv": "P-256", "x": jose.b64url_encode(b"\0" * 32),
          "y": jose.b64url_encode(b"\0" * 32)}, "malformed"),
    ],
)  # fmt: skip
def test_bad_jwks(jwk: object, code: str) -> None:
    with pytest.raises(JoseError) as refused:
        jose.public_key_of(jwk)
    assert refused.value.code == code
