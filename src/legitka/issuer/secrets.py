"""The issuer's secrets: random tokens, their hashes, and the codes derived for an offer.

An offer keeps only a random ``salt``. The URL reference in its QR code, the pre-authorized
code and the activation code are derived from the salt with the deployment's secret key
(HMAC-SHA256), so the portal can show the same QR code and activation code again while the
database holds none of them: only SHA-256 hashes (for lookups) and a keyed MAC of the short
activation code, which a hash alone would not protect.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from legitka.credentials.jose import b64url_encode

ACTIVATION_CODE_LENGTH = 8


def random_token(size: int = 32) -> str:
    """A fresh unguessable token (``size`` random bytes, base64url)."""
    return secrets.token_urlsafe(size)


def token_hash(token: str) -> str:
    """SHA-256 of a token, hex: what the database stores instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive(key: bytes, purpose: str, salt: str) -> bytes:
    return hmac.new(key, f"legitka/{purpose}/{salt}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class OfferCodes:
    """What one offer shows: the reference in its URL, the pre-authorized code and the
    activation code (the OpenID4VCI ``tx_code``)."""

    reference: str
    pre_authorized_code: str
    activation_code: str


def offer_codes(secret_key: str, salt: str) -> OfferCodes:
    key = secret_key.encode("utf-8")
    # 128 bits are unguessable and keep the QR code small (the URL is in the code).
    reference = b64url_encode(_derive(key, "offer-reference", salt)[:16])
    code = b64url_encode(_derive(key, "pre-authorized-code", salt))
    number = int.from_bytes(_derive(key, "activation-code", salt), "big")
    activation = str(number % 10**ACTIVATION_CODE_LENGTH).zfill(ACTIVATION_CODE_LENGTH)
    return OfferCodes(reference, code, activation)


def activation_code_mac(secret_key: str, salt: str, activation_code: str) -> str:
    return hmac.new(
        secret_key.encode("utf-8"),
        f"legitka/activation-code-mac/{salt}/{activation_code}".encode(),
        hashlib.sha256,
    ).hexdigest()


def activation_code_matches(secret_key: str, salt: str, given: str, stored_mac: str) -> bool:
    """Compare an entered activation code with the stored MAC in constant time."""
    return hmac.compare_digest(activation_code_mac(secret_key, salt, given), stored_mac)
