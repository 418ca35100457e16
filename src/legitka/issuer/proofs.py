"""Key proofs of the credential request: the ``jwt`` proof type (OpenID4VCI Appendix F).

Every check of the specification's "Verifying Proof" list (Appendix F.4): required claims, the
explicit type, an acceptable asymmetric algorithm (never ``none``), the signature with the key in
the header, no private key in the header, the server's ``c_nonce`` (checked by the caller, which
uses it up) and a recent creation time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from legitka.credentials import jose
from legitka.credentials.jose import JoseError
from legitka.domain.text import N_
from legitka.issuer.errors import OAuthError

PROOF_TYP = "openid4vci-proof+jwt"


@dataclass(frozen=True)
class KeyProof:
    jwk: dict[str, str]  # the public key the credential is bound to (RFC 7638 members only)
    key: ec.EllipticCurvePublicKey
    nonce: str


def _invalid(description: str, **params: Any) -> OAuthError:
    return OAuthError("invalid_proof", description, **params)


def check(proof: Any, *, audience: str, now: int, max_age: int, skew: int) -> KeyProof:
    """Validate one ``jwt`` key proof; raise ``invalid_proof`` naming the failed check."""
    if not isinstance(proof, str):
        raise _invalid(N_("A jwt key proof must be a string."))
    try:
        header = jose.unverified_header(proof)
    except JoseError:
        raise _invalid(N_("The key proof is not a JWT.")) from None
    if header.get("typ") != PROOF_TYP:
        raise _invalid(N_("The key proof's typ must be openid4vci-proof+jwt."))
    alg = header.get("alg")
    if alg not in jose.ALGORITHMS:
        raise _invalid(N_("The key proof's alg must be ES256 (alg none is never accepted)."))
    if "kid" in header or "x5c" in header:
        raise _invalid(N_("Give the key as a jwk header: kid and x5c are not supported."))
    try:
        key, jwk = jose.public_key_of(header.get("jwk"))
    except JoseError as exc:
        if exc.code == "private_key":
            raise _invalid(N_("The key proof's header contains a private key.")) from None
        raise _invalid(N_("The key proof's jwk must be a P-256 public key.")) from None
    try:
        claims = jose.verify_parsed(proof, header, key)
    except JoseError:
        raise _invalid(N_("The key proof's signature does not verify with its jwk.")) from None
    if claims.get("aud") != audience:
        raise _invalid(
            N_("The key proof's aud must be the credential issuer {issuer}."), issuer=audience
        )
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise _invalid(N_("The key proof needs a numeric iat."))
    if iat > now + skew:
        raise _invalid(N_("The key proof was issued in the future: check the phone's clock."))
    if iat < now - max_age:
        raise _invalid(N_("The key proof is too old: make a new one with a fresh nonce."))
    nonce = claims.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise _invalid(N_("The key proof needs the c_nonce from the nonce endpoint."))
    return KeyProof(jwk=jwk, key=key, nonce=nonce)
