"""JOSE as legitka uses it: ES256 compact JWS with ``x5c`` headers, base64url, P-256 JWKs.

Everything goes through one ``joserfc`` registry that allows ES256 only and has room for
certificate chains in the header (``joserfc``'s default header limit is 512 bytes, less than one
``x5c`` certificate). Failures raise :class:`JoseError` with a stable code; callers map the code
to their surface's error (``invalid_proof``, ``bad_signature``, …).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jws
from joserfc.errors import JoseError as _JoserfcError
from joserfc.jwk import ECKey
from joserfc.jws import JWSRegistry

ALGORITHMS = ("ES256",)
MAX_HEADER_BYTES = 16 * 1024  # a few certificates in x5c
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024  # a status list of millions of entries


class JoseError(Exception):
    """A JOSE object that cannot be used, with the reason as a stable code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Registry(JWSRegistry):
    max_header_length = MAX_HEADER_BYTES
    max_payload_length = MAX_PAYLOAD_BYTES


REGISTRY = _Registry(algorithms=list(ALGORITHMS), strict_check_header=False)


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; anything else raises ``ValueError``."""
    if not isinstance(text, str) or "=" in text or "+" in text or "/" in text:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def json_bytes(value: Any) -> bytes:
    """Compact JSON, UTF-8, as signed payloads use."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _segments(token: str) -> list[str]:
    if not isinstance(token, str):
        raise JoseError("malformed", "a JWT must be a string")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise JoseError("malformed", "a JWT has three base64url parts separated by dots")
    return parts


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (ValueError, UnicodeDecodeError) as exc:
        raise JoseError("malformed", f"the {what} is not base64url-encoded JSON") from exc
    if not isinstance(value, dict):
        raise JoseError("malformed", f"the {what} is not a JSON object")
    return value


def unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header of a compact JWS, before any signature check."""
    parts = _segments(token)
    if len(parts[0]) > MAX_HEADER_BYTES * 4 // 3 + 4:
        raise JoseError("malformed", "the JWT header is too large")
    return _json_object(parts[0], "JWT header")


def unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a compact JWS as a JSON object, before any signature check."""
    return _json_object(_segments(token)[1], "JWT payload")


def sign(
    header: dict[str, Any], payload: dict[str, Any] | bytes, key: ec.EllipticCurvePrivateKey
) -> str:
    """A compact ES256 JWS of ``payload`` (a claims object or raw bytes)."""
    body = payload if isinstance(payload, bytes) else json_bytes(payload)
    protected = {"alg": "ES256", **header}
    return jws.serialize_compact(protected, body, ECKey.import_key(key), registry=REGISTRY)


def verify(token: str, public_key: ec.EllipticCurvePublicKey) -> tuple[dict[str, Any], bytes]:
    """Check the ES256 signature of a compact JWS; return its header and payload bytes."""
    header = unverified_header(token)
    alg = header.get("alg")
    if alg == "none" or not isinstance(alg, str):
        raise JoseError("unsupported_alg", "unsigned JWTs (alg none) are refused")
    if alg not in ALGORITHMS:
        raise JoseError("unsupported_alg", f"algorithm {alg!r} is not supported; use ES256")
    if not isinstance(public_key.curve, ec.SECP256R1):
        raise JoseError("unsupported_key", "ES256 needs a P-256 key")
    try:
        result = jws.deserialize_compact(token, ECKey.import_key(public_key), registry=REGISTRY)
    except _JoserfcError as exc:
        code = "bad_signature" if exc.error == "bad_signature" else "malformed"
        raise JoseError(code, exc.description or str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise JoseError("malformed", str(exc)) from None
    return dict(result.protected), result.payload


def verify_claims(
    token: str, public_key: ec.EllipticCurvePublicKey
) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`verify`, then the payload as a JSON object."""
    header, payload = verify(token, public_key)
    try:
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise JoseError("malformed", "the JWT payload is not JSON") from None
    if not isinstance(claims, dict):
        raise JoseError("malformed", "the JWT payload is not a JSON object")
    return header, claims


def _coordinate(value: int) -> str:
    return b64url_encode(value.to_bytes(32, "big"))


def public_jwk(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> dict[str, str]:
    """The public P-256 JWK of ``key`` (members in RFC 7638 order)."""
    public = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    numbers = public.public_numbers()
    return {"crv": "P-256", "kty": "EC", "x": _coordinate(numbers.x), "y": _coordinate(numbers.y)}


PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def key_from_jwk(jwk: Any) -> ec.EllipticCurvePublicKey:
    """The public key of a P-256 JWK; a private key, another curve or a bad point raise."""
    if not isinstance(jwk, dict):
        raise JoseError("malformed", "the JWK must be a JSON object")
    if PRIVATE_MEMBERS.intersection(jwk):
        raise JoseError("private_key", "the JWK contains private key material")
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise JoseError("unsupported_key", "only EC keys on the P-256 curve are supported")
    try:
        x = b64url_decode(jwk["x"])
        y = b64url_decode(jwk["y"])
    except (KeyError, ValueError):
        raise JoseError("malformed", "the JWK needs base64url 'x' and 'y'") from None
    if len(x) != 32 or len(y) != 32:
        raise JoseError("malformed", "P-256 coordinates are 32 bytes each")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + x + y)
    except ValueError:
        raise JoseError("malformed", "the JWK is not a point on P-256") from None


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of a public EC JWK."""
    canonical = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).digest()
    return b64url_encode(digest)
