"""The response encryption key of a request (``direct_post.jwt``, ECDH-ES on P-256).

Each request gets its own ephemeral key; its private JWK is kept in the database only sealed
with AES-256-GCM under a key derived from the deployment's ``secret_key`` (never in a log), and
is deleted with the request's verdict or expiry.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from joserfc import jwe
from joserfc.errors import JoseError as JoserfcError
from joserfc.jwk import ECKey

from legitka.credentials.jose import b64url_decode, b64url_encode

ALG = "ECDH-ES"
ENC_VALUES = ("A128GCM", "A256GCM")
MAX_RESPONSE_CHARS = 512 * 1024
_INFO = b"legitka verifier response key v1"


class ResponseDecryptionError(Exception):
    """A ``response`` that is not a JWE this request's key opens."""


def _sealing_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
    return hkdf.derive(secret_key.encode("utf-8"))


def seal(secret_key: str, private_jwk: dict[str, Any], aad: str) -> str:
    nonce = secrets.token_bytes(12)
    data = json.dumps(private_jwk).encode()
    box = AESGCM(_sealing_key(secret_key)).encrypt(nonce, data, aad.encode())
    return b64url_encode(nonce + box)


def unseal(secret_key: str, sealed: str, aad: str) -> dict[str, Any]:
    raw = b64url_decode(sealed)
    data = AESGCM(_sealing_key(secret_key)).decrypt(raw[:12], raw[12:], aad.encode())
    value: dict[str, Any] = json.loads(data)
    return value


def new_key() -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh P-256 key: ``(private JWK, public JWK with kid, use and alg)``."""
    key = ECKey.generate_key("P-256", private=True)
    private = dict(key.as_dict(private=True))
    public = {name: private[name] for name in ("kty", "crv", "x", "y")}
    kid = b64url_encode(hashlib.sha256(json.dumps(public, sort_keys=True).encode()).digest()[:16])
    return private, {**public, "kid": kid, "use": "enc", "alg": ALG}


def header_of(token: str) -> dict[str, Any]:
    """The protected header of a compact JWE, before decrypting it."""
    if not isinstance(token, str) or len(token) > MAX_RESPONSE_CHARS or token.count(".") != 4:
        raise ResponseDecryptionError("the response is not a compact JWE")
    try:
        header = json.loads(b64url_decode(token.split(".", 1)[0]))
    except (ValueError, UnicodeDecodeError):
        raise ResponseDecryptionError("the JWE header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise ResponseDecryptionError("the JWE header is not a JSON object")
    return header


def decrypt(token: str, private_jwk: dict[str, Any], kid: str) -> dict[str, Any]:
    """The JSON payload of a response encrypted to this request's key."""
    header = header_of(token)
    if header.get("alg") != ALG or header.get("enc") not in ENC_VALUES:
        raise ResponseDecryptionError("the response must use ECDH-ES with A128GCM or A256GCM")
    if header.get("kid") not in (None, kid):
        raise ResponseDecryptionError("the response is encrypted to another key")
    try:
        result = jwe.decrypt_compact(
            token, ECKey.import_key(private_jwk), algorithms=[ALG, *ENC_VALUES]
        )
        payload = json.loads(result.plaintext or b"")
    except (JoserfcError, ValueError, TypeError, UnicodeDecodeError):
        raise ResponseDecryptionError("the response cannot be decrypted") from None
    if not isinstance(payload, dict):
        raise ResponseDecryptionError("the decrypted response is not a JSON object")
    return payload


def encrypt(payload: dict[str, Any], public_jwk: dict[str, Any], enc: str = "A128GCM") -> str:
    """A compact JWE of ``payload`` to a verifier's key (the holder's side)."""
    header = {"alg": ALG, "enc": enc}
    if "kid" in public_jwk:
        header["kid"] = public_jwk["kid"]
    key = ECKey.import_key({k: v for k, v in public_jwk.items() if k in ("kty", "crv", "x", "y")})
    return jwe.encrypt_compact(header, json.dumps(payload).encode(), key)
