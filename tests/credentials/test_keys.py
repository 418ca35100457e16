"""Signing keys carry their chain into ``x5c``; a key ring rotates by certificate validity."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from legitka.credentials import jose
from legitka.credentials.keys import KeyRing, Signer, SigningKey
from legitka.domain.errors import LegitkaError

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
ROOT_KEY = ec.generate_private_key(ec.SECP256R1())
ROOT_NAME = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test root")])


def make_key(start: dt.datetime, days: int = 365) -> SigningKey:
    """A key with a leaf certificate issued by the test root, valid ``days`` from ``start``."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test issuer")]))
        .issuer_name(ROOT_NAME)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + days * DAY)
        .sign(ROOT_KEY, hashes.SHA256())
    )
    return SigningKey(key, (certificate,))


def test_a_key_exposes_its_certificate_validity_and_thumbprint():
    key = make_key(T0)
    assert key.certificate is key.chain[0]
    assert key.not_before == T0
    assert key.not_after == T0 + 365 * DAY
    assert key.not_before.tzinfo is not None
    assert key.kid == jose.jwk_thumbprint(jose.public_jwk(key.private_key))


def test_x5c_is_standard_base64_der_leaf_first():
    key = make_key(T0)
    x5c = key.x5c()
    assert len(x5c) == 1
    der = base64.b64decode(x5c[0], validate=True)  # standard alphabet, padded
    assert der == key.certificate.public_bytes(Encoding.DER)
    x5c.append("changed")  # a copy: the key's own chain stays as it is
    assert len(key.x5c()) == 1


def test_public_jwk_names_the_key_and_carries_the_chain():
    key = make_key(T0)
    jwk = key.public_jwk()
    assert jwk["kid"] == key.kid
    assert (jwk["use"], jwk["alg"], jwk["kty"], jwk["crv"]) == ("sig", "ES256", "EC", "P-256")
    assert jwk["x5c"] == key.x5c()
    assert "d" not in jwk
    assert jose.key_from_jwk({k: jwk[k] for k in ("kty", "crv", "x", "y")}) == (
        key.private_key.public_key()
    )


def test_sign_jwt_puts_the_chain_in_the_header_and_verifies():
    key = make_key(T0)
    token = key.sign_jwt({"typ": "dc+sd-jwt", "x5c": ["forged"]}, {"iss": "https://x"})
    header, claims = jose.verify_claims(token, key.private_key.public_key())
    assert header["alg"] == "ES256"
    assert header["typ"] == "dc+sd-jwt"
    assert header["x5c"] == key.x5c()
    assert claims == {"iss": "https://x"}


def test_a_key_must_match_its_certificate():
    one, other = make_key(T0), make_key(T0)
    with pytest.raises(LegitkaError) as caught:
        SigningKey(one.private_key, other.chain)
    assert caught.value.code == "key_mismatch"
    with pytest.raises(LegitkaError) as caught:
        SigningKey(one.private_key, ())
    assert caught.value.code == "key_without_certificate"


def test_only_p256_keys_sign():
    key = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(LegitkaError) as caught:
        SigningKey(key, make_key(T0).chain)
    assert caught.value.code == "unsupported_key"


def test_the_newest_valid_key_signs_and_older_ones_verify_until_they_expire():
    old = make_key(T0)
    new = make_key(T0 + 100 * DAY)
    ring = KeyRing([new, old], role="issuer pd")
    assert ring.keys == (new, old)
    assert len(ring) == 2

    assert ring.signing_key(T0 + 50 * DAY) is old
    assert ring.verification_keys(T0 + 50 * DAY) == [old]  # the new key is not valid yet

    assert ring.signing_key(T0 + 100 * DAY) is new
    assert ring.verification_keys(T0 + 200 * DAY) == [new, old]
    assert ring.find(old.kid, T0 + 200 * DAY) is old

    after_old_expiry = T0 + 365 * DAY
    assert ring.verification_keys(after_old_expiry) == [new]
    assert ring.find(old.kid, after_old_expiry) is None
    assert ring.signing_key(after_old_expiry) is new


def test_no_valid_key_is_a_coded_error():
    ring = KeyRing([make_key(T0, days=10)], role="verifier")
    with pytest.raises(LegitkaError) as caught:
        ring.signing_key(T0 + 10 * DAY)
    assert caught.value.code == "no_signing_key"
    assert "verifier" in caught.value.message
    assert "legitka pki rotate" in caught.value.message
    with pytest.raises(LegitkaError):
        KeyRing([], role="verifier").signing_key(T0)


def test_keys_starting_at_the_same_second_are_ordered_as_given():
    first, second = make_key(T0), make_key(T0)
    assert KeyRing([first, second]).signing_key(T0) is second
    assert KeyRing([second, first]).signing_key(T0) is first


def test_a_signing_key_is_a_signer():
    signer: Signer = make_key(T0)  # what an HSM backend will implement as well
    assert signer.sign_jwt({}, b"payload").count(".") == 2
