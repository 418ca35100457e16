"""JOSE as legitka uses it: ES256 compact JWS with ``x5c`` headers, base64url, P-256 JWKs.

Everything goes through one ``joserfc`` registry that allows ES256 only and has room for
certificate chains in the header (``joserfc``'s default header limit is 512 bytes, less than one
``x5c`` certificate). Failures raise :class:`JoseError` with a stable code; callers map the code
to their surface's error (``invalid_proof``, ``bad_signature``, …).

Signing and verifying with a P-256 key check headers and sizes with that registry and parse
with ``joserfc``, but compute the ES256 signature with ``cryptography`` directly: ``joserfc``
exports every key it is given to a JWK on each call, which took more time than the signature
itself (``benchmarks/issuance.py``). Anything else (another curve, ``b64`` headers) still goes
all the way through ``joserfc``, which refuses it as before.
"""

from __future__ import annotations

import binascii
import hashlib
import json
from typing import Any

import orjson
import pybase64
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.errors import JoseError as _JoserfcError
from joserfc.jwk import ECKey
from joserfc.jws import JWSRegistry
from joserfc.util import urlsafe_b64decode as _strict_b64decode

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
_ES256 = ec.ECDSA(hashes.SHA256())
_COORDINATE_BYTES = 32  # P-256: r and s of a signature, x and y of a point


def b64url_encode(data: bytes) -> str:
    # pybase64's SIMD encoder: a credential's picture disclosure is ~11 kB, which the standard
    # library encodes in ~27 µs and pybase64 in ~3 µs (benchmarks/results/issuance.md).
    return pybase64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; anything else raises ``ValueError``."""
    if not isinstance(text, str) or "=" in text or "+" in text or "/" in text:
        raise ValueError("not base64url")
    try:
        # pybase64 (SIMD), strict: a picture disclosure of ~25 kB decodes in a few µs
        return pybase64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def json_bytes(value: Any) -> bytes:
    """Compact JSON, UTF-8, as signed payloads use."""
    # orjson writes the same compact UTF-8 JSON as json.dumps(separators=(",", ":"),
    # ensure_ascii=False), about thirty times faster for a credential's payload.
    return orjson.dumps(value)


def _segments(token: str) -> list[str]:
    if not isinstance(token, str):
        raise JoseError("malformed", "a JWT must be a string")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise JoseError("malformed", "a JWT has three base64url parts separated by dots")
    return parts


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(b64url_decode(segment))
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


def _b64(data: bytes) -> bytes:
    return pybase64.urlsafe_b64encode(data).rstrip(b"=")


def _direct(
    protected: dict[str, Any], key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey
) -> bool:
    """Whether ES256 can be computed here rather than by ``joserfc``: a P-256 key, and no
    ``b64`` header (RFC 7797 unencoded payloads stay with ``joserfc``)."""
    return (
        protected.get("alg") == "ES256"
        and isinstance(key.curve, ec.SECP256R1)
        and "b64" not in protected
    )


def sign(
    header: dict[str, Any], payload: dict[str, Any] | bytes, key: ec.EllipticCurvePrivateKey
) -> str:
    """A compact ES256 JWS of ``payload`` (a claims object or raw bytes)."""
    body = payload if isinstance(payload, bytes) else json_bytes(payload)
    protected = {"alg": "ES256", **header}
    if not _direct(protected, key):
        return jws.serialize_compact(protected, body, ECKey.import_key(key), registry=REGISTRY)
    REGISTRY.check_header(protected)
    # the header segment exactly as joserfc writes it (ASCII JSON, compact separators)
    text = json.dumps(protected, ensure_ascii=True, separators=(",", ":"))
    signing_input = _b64(text.encode("ascii")) + b"." + _b64(body)
    r, s = decode_dss_signature(key.sign(signing_input, _ES256))
    signature = r.to_bytes(_COORDINATE_BYTES, "big") + s.to_bytes(_COORDINATE_BYTES, "big")
    return (signing_input + b"." + _b64(signature)).decode("ascii")


def _verify_es256(
    token: str, public_key: ec.EllipticCurvePublicKey
) -> tuple[dict[str, Any], bytes]:
    """What ``jws.deserialize_compact`` does for an ES256 token and a P-256 key: the same parsing,
    size limits and header checks (``joserfc``'s), and the signature checked here."""
    obj = jws.extract_compact(token.encode("utf-8"), None, REGISTRY)
    protected = obj.headers()
    REGISTRY.check_header(protected)
    REGISTRY.get_alg(protected["alg"])
    try:
        signature = _strict_b64decode(obj.segments["signature"])
    except (TypeError, ValueError):
        raise BadSignatureError() from None
    if len(signature) != 2 * _COORDINATE_BYTES:
        raise BadSignatureError()
    r = int.from_bytes(signature[:_COORDINATE_BYTES], "big")
    s = int.from_bytes(signature[_COORDINATE_BYTES:], "big")
    signing_input = obj.segments["header"] + b"." + obj.segments["payload"]
    try:
        public_key.verify(encode_dss_signature(r, s), signing_input, _ES256)
    except InvalidSignature:
        raise BadSignatureError() from None
    return protected, obj.payload


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
        if _direct(header, public_key):
            protected, payload = _verify_es256(token, public_key)
        else:
            result = jws.deserialize_compact(token, ECKey.import_key(public_key), registry=REGISTRY)
            protected, payload = result.protected, result.payload
    except _JoserfcError as exc:
        code = "bad_signature" if exc.error == "bad_signature" else "malformed"
        raise JoseError(code, exc.description or str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise JoseError("malformed", str(exc)) from None
    return dict(protected), payload


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


MAX_REMEMBERED_KEYS = 256
# the public key of each P-256 JWK already read, per exact (x, y) text: a verifier reads the
# same holder keys again and again, and decoding and checking the point took ~12 µs
_jwk_keys: dict[tuple[str, str], ec.EllipticCurvePublicKey] = {}


def key_from_jwk(jwk: Any) -> ec.EllipticCurvePublicKey:
    """The public key of a P-256 JWK; a private key, another curve or a bad point raise."""
    if isinstance(jwk, dict):
        x, y = jwk.get("x"), jwk.get("y")
        if type(x) is str and type(y) is str:
            coordinates = (x, y)
            key = _jwk_keys.get(coordinates)
            if (
                key is not None
                and jwk.get("kty") == "EC"
                and jwk.get("crv") == "P-256"
                and PRIVATE_MEMBERS.isdisjoint(jwk)
            ):
                return key
            key = public_key_of(jwk)[0]  # every check, and raises as before
            if len(_jwk_keys) >= MAX_REMEMBERED_KEYS:
                del _jwk_keys[next(iter(_jwk_keys))]  # the oldest
            _jwk_keys[coordinates] = key
            return key
    return public_key_of(jwk)[0]


def public_key_of(jwk: Any) -> tuple[ec.EllipticCurvePublicKey, dict[str, str]]:
    """The public key of a P-256 JWK and the JWK in canonical form (RFC 7638 members, the
    coordinates re-encoded); a private key, another curve or a bad point raise."""
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
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b"\x04" + x + y)
    except ValueError:
        raise JoseError("malformed", "the JWK is not a point on P-256") from None
    return key, {"crv": "P-256", "kty": "EC", "x": b64url_encode(x), "y": b64url_encode(y)}


def verify_parsed(
    token: str, header: dict[str, Any], public_key: ec.EllipticCurvePublicKey
) -> dict[str, Any]:
    """The claims of an ES256 ``token`` whose ``header`` the caller parsed (with
    :func:`unverified_header`) and checked: the signature checked with ``public_key``, without
    parsing the header again. For hot paths like key proofs; :func:`verify_claims` otherwise."""
    payload = verify_signature(token, header, public_key)
    return _json_object(payload, "JWT payload")


def verify_signature(
    token: str, header: dict[str, Any], public_key: ec.EllipticCurvePublicKey
) -> str:
    """:func:`verify_parsed` without reading the payload: the checks on ``header`` and the
    signature, and the payload segment that it covers (still base64url) is returned. For a
    caller that already has the payload from :func:`unverified_claims` of the same ``token``."""
    if header.get("alg") != "ES256" or not isinstance(public_key.curve, ec.SECP256R1):
        raise JoseError("unsupported_alg", "only ES256 with a P-256 key is checked here")
    if "crit" in header or "b64" in header:
        raise JoseError("malformed", "critical header parameters are not supported")
    if len(token) > (MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES) * 4 // 3 + 200:
        raise JoseError("malformed", "the JWT is too large")
    signing_input, _, encoded = token.rpartition(".")
    try:
        signature = b64url_decode(encoded)
    except ValueError:
        raise JoseError("bad_signature", "the signature is not base64url") from None
    if len(signature) != 2 * _COORDINATE_BYTES:
        raise JoseError("bad_signature", "an ES256 signature is 64 bytes")
    r = int.from_bytes(signature[:_COORDINATE_BYTES], "big")
    s = int.from_bytes(signature[_COORDINATE_BYTES:], "big")
    try:
        public_key.verify(encode_dss_signature(r, s), signing_input.encode("ascii"), _ES256)
    except (InvalidSignature, UnicodeEncodeError):
        raise JoseError("bad_signature", "the signature does not verify") from None
    return signing_input.partition(".")[2]


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 SHA-256 thumbprint of a public EC JWK."""
    canonical = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    digest = hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).digest()
    return b64url_encode(digest)
