"""Signing keys with their certificate chains, and key rotation.

A :class:`SigningKey` is one P-256 private key with its X.509 chain (leaf first, the root CA never
included: HAIP sends the trust anchor out of band). Callers use the small :class:`Signer` protocol
(``kid``, ``x5c()``, ``sign_jwt``), so a PKCS#11 (HSM) backend can be added without touching them.

A :class:`KeyRing` holds every key of one role (an issuer, the verifier, the trust list): it signs
with the newest key valid now and verifies with any key not yet expired, so a rotated key keeps
verifying what it signed until its certificate expires.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from legitka.credentials import jose
from legitka.domain.errors import LegitkaError


class Signer(Protocol):
    """What a caller needs from a key: its id, its chain for ``x5c`` and ES256 signing."""

    @property
    def kid(self) -> str: ...

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def not_before(self) -> dt.datetime: ...

    @property
    def not_after(self) -> dt.datetime: ...

    def x5c(self) -> list[str]: ...

    def sign_jwt(self, header: dict[str, Any], payload: dict[str, Any] | bytes) -> str: ...


def certificate_b64(certificate: x509.Certificate) -> str:
    """Standard base64 (not URL-safe) of the DER certificate, as ``x5c`` carries it."""
    return base64.b64encode(certificate.public_bytes(Encoding.DER)).decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """One file-backed P-256 private key with its certificate chain (leaf first, no root)."""

    private_key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]
    _x5c: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.chain:
            raise LegitkaError("key_without_certificate", "A signing key needs its certificate.")
        if not isinstance(self.private_key.curve, ec.SECP256R1):
            raise LegitkaError("unsupported_key", "Signing keys must be P-256 (ES256).")
        if self.chain[0].public_key() != self.private_key.public_key():
            raise LegitkaError(
                "key_mismatch",
                "The private key does not belong to the certificate "
                "{serial:x}: restore the matching pair from the backup.",
                serial=self.chain[0].serial_number,
            )
        object.__setattr__(self, "_x5c", tuple(certificate_b64(c) for c in self.chain))

    @property
    def certificate(self) -> x509.Certificate:
        """The leaf certificate of this key."""
        return self.chain[0]

    @property
    def not_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    @cached_property
    def kid(self) -> str:
        """RFC 7638 thumbprint of the public JWK."""
        return jose.jwk_thumbprint(jose.public_jwk(self.private_key))

    def valid_at(self, now: dt.datetime) -> bool:
        return self.not_before <= now < self.not_after

    def x5c(self) -> list[str]:
        """The chain as the ``x5c`` header carries it: base64 DER, leaf first, no root."""
        return list(self._x5c)

    def public_jwk(self) -> dict[str, Any]:
        return {
            **jose.public_jwk(self.private_key),
            "kid": self.kid,
            "use": "sig",
            "alg": "ES256",
            "x5c": self.x5c(),
        }

    def sign_jwt(self, header: dict[str, Any], payload: dict[str, Any] | bytes) -> str:
        """A compact ES256 JWS with this key's chain in the ``x5c`` header."""
        return jose.sign({**header, "x5c": self.x5c()}, payload, self.private_key)


K = TypeVar("K", bound=Signer)


class KeyRing(Generic[K]):
    """Every key of one role: sign with the newest valid key, verify with any unexpired key.

    Keys are ordered by their certificate's ``not_before``; of two keys starting at the same
    second, the one later in ``keys`` counts as newer.
    """

    def __init__(self, keys: Sequence[K], *, role: str = "keys") -> None:
        indexed = sorted(enumerate(keys), key=lambda item: (item[1].not_before, item[0]))
        self._keys: tuple[K, ...] = tuple(key for _, key in reversed(indexed))
        self.role = role

    @property
    def keys(self) -> tuple[K, ...]:
        """All keys, newest first, expired ones included."""
        return self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def verification_keys(self, now: dt.datetime) -> list[K]:
        """Keys whose certificate is valid at ``now``, newest first."""
        return [key for key in self._keys if key.not_before <= now < key.not_after]

    def signing_key(self, now: dt.datetime) -> K:
        """The newest key valid at ``now``."""
        current = self.verification_keys(now)
        if not current:
            raise LegitkaError(
                "no_signing_key",
                "No {role} key is valid at {now}: create one with `legitka pki init` or "
                "`legitka pki rotate`.",
                status=503,
                role=self.role,
                now=now.isoformat(timespec="seconds"),
            )
        return current[0]

    def find(self, kid: str, now: dt.datetime) -> K | None:
        """The key with ``kid`` if it is still valid at ``now``."""
        return next((key for key in self.verification_keys(now) if key.kid == kid), None)
