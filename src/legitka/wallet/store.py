"""A holder's wallet on disk: one folder with the device key, the credential and the trust pins.

::

    DIR/                  mode 0700
      device-key.pem      the P-256 device key (PKCS#8 PEM, 0600), encrypted when a passphrase
                          is given (``LEGITKA_WALLET_PASSPHRASE`` in the command line)
      credential.json     {"format": 1, "credentials": [{"stored": StoredCredential.to_json(),
                          "activated_at": …, "updated_at": …}]} (0600)
      trust.json          {"format": 1, "roots": [PEM], "trust_list": URL | null,
                          "source": "configured" | "first_use", "origin": URL | null} (0600)

Every file is written atomically (a temporary file in the same folder, fsync, rename, fsync of
the folder), so a crash leaves either the old or the new file, never half of one. Callers write
the key before the credential: a credential that can be read always has its key. Every problem
is a coded :class:`WalletStoreError`; key material and the passphrase never appear in a message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr

from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.wallet.holder import StoredCredential

__all__ = ["StoreEntry", "TrustPins", "WalletStore", "WalletStoreError"]

FORMAT = 1
KEY_FILE, CREDENTIAL_FILE, TRUST_FILE = "device-key.pem", "credential.json", "trust.json"
ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
FIRST_USE, CONFIGURED = "first_use", "configured"


class WalletStoreError(LegitkaError):
    """The wallet folder cannot be read or written, or its key cannot be opened."""


def _os_error(path: Path, exc: OSError, *, writing: bool) -> WalletStoreError:
    return WalletStoreError(
        "wallet_unwritable" if writing else "wallet_unreadable",
        N_("Cannot use the wallet file {path} ({reason}): check the owner and permissions."),
        path=str(path),
        reason=exc.strerror or type(exc).__name__,
    )


def _corrupt(path: Path) -> WalletStoreError:
    return WalletStoreError(
        "wallet_corrupt",
        N_("The wallet file {path} is damaged: remove the ID and activate it again."),
        path=str(path),
    )


@dataclass
class StoreEntry:
    """The stored credential with when it was activated and last fetched from the issuer."""

    stored: StoredCredential
    activated_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "stored": self.stored.to_json(),
            "activated_at": self.activated_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    @classmethod
    def from_json(cls, value: Any) -> StoreEntry:
        names = {f.name for f in fields(StoredCredential)}
        stored = value["stored"]
        if not isinstance(stored, dict) or not {"credential", "issuer"} <= stored.keys():
            raise ValueError("no credential")
        return cls(
            StoredCredential(**{k: v for k, v in stored.items() if k in names}),
            dt.datetime.fromisoformat(value["activated_at"]),
            dt.datetime.fromisoformat(value["updated_at"]),
        )


@dataclass(frozen=True)
class TrustPins:
    """The roots this wallet trusts, and how it came to trust them."""

    roots: tuple[x509.Certificate, ...]
    source: str
    trust_list: str | None = None
    origin: str | None = None

    def to_json(self) -> dict[str, Any]:
        pems = [c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in self.roots]
        return {
            "format": FORMAT,
            "roots": pems,
            "trust_list": self.trust_list,
            "source": self.source,
            "origin": self.origin,
        }


class WalletStore:
    """The files of one wallet folder."""

    def __init__(self, directory: Path, passphrase: SecretStr | None = None) -> None:
        self.directory = directory
        self._passphrase = passphrase

    @property
    def key_path(self) -> Path:
        return self.directory / KEY_FILE

    @property
    def credential_path(self) -> Path:
        return self.directory / CREDENTIAL_FILE

    @property
    def trust_path(self) -> Path:
        return self.directory / TRUST_FILE

    # -- files -------------------------------------------------------------------------------

    def _ensure_folder(self) -> None:
        try:
            if not self.directory.exists():
                self.directory.mkdir(mode=0o700, parents=True)
                os.chmod(self.directory, 0o700)  # whatever the umask
        except OSError as exc:
            raise _os_error(self.directory, exc, writing=True) from None

    def _write(self, path: Path, data: bytes) -> None:
        self._ensure_folder()
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                os.fchmod(file.fileno(), 0o600)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
            folder = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise _os_error(path, exc, writing=True) from None

    def _read(self, path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _os_error(path, exc, writing=False) from None

    def _json(self, path: Path) -> dict[str, Any] | None:
        data = self._read(path)
        if data is None:
            return None
        try:
            value = json.loads(data)
        except ValueError:
            raise _corrupt(path) from None
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise _corrupt(path)
        return value

    def _write_json(self, path: Path, value: dict[str, Any]) -> None:
        self._write(path, json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")

    def _remove(self, path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise _os_error(path, exc, writing=True) from None
        return True

    # -- the device key ----------------------------------------------------------------------

    def _secret(self) -> bytes | None:
        value = self._passphrase.get_secret_value() if self._passphrase else ""
        return value.encode("utf-8") if value else None

    def load_key(self) -> ec.EllipticCurvePrivateKey | None:
        """The device key, or ``None`` when this wallet has none yet."""
        data = self._read(self.key_path)
        if data is None:
            return None
        encrypted = data.lstrip().startswith(ENCRYPTED_PEM)
        if encrypted and self._secret() is None:
            raise WalletStoreError(
                "wallet_passphrase_missing",
                N_("The device key in {path} is encrypted: set LEGITKA_WALLET_PASSPHRASE."),
                path=str(self.key_path),
            )
        try:
            key = serialization.load_pem_private_key(data, self._secret() if encrypted else None)
        except (ValueError, TypeError):
            if encrypted:
                raise WalletStoreError(
                    "wallet_wrong_passphrase",
                    N_(
                        "Cannot decrypt the device key in {path}: LEGITKA_WALLET_PASSPHRASE is "
                        "wrong, or the file is damaged."
                    ),
                    path=str(self.key_path),
                ) from None
            raise _corrupt(self.key_path) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(
            key.curve, ec.SECP256R1
        ):
            raise _corrupt(self.key_path)
        return key

    def save_key(self, key: ec.EllipticCurvePrivateKey) -> None:
        secret = self._secret()
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(secret)
            if secret
            else serialization.NoEncryption()
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        self._write(self.key_path, pem)

    # -- the credential ----------------------------------------------------------------------

    def load_entry(self) -> StoreEntry | None:
        """The stored ID, or ``None`` when the wallet holds none."""
        value = self._json(self.credential_path)
        if value is None:
            return None
        credentials = value.get("credentials")
        if not isinstance(credentials, list):
            raise _corrupt(self.credential_path)
        if not credentials:
            return None
        try:
            return StoreEntry.from_json(credentials[0])
        except (KeyError, TypeError, ValueError):
            raise _corrupt(self.credential_path) from None

    def save_entry(self, entry: StoreEntry) -> None:
        self._write_json(self.credential_path, {"format": FORMAT, "credentials": [entry.to_json()]})

    # -- trust -------------------------------------------------------------------------------

    def load_trust(self) -> TrustPins | None:
        value = self._json(self.trust_path)
        if value is None:
            return None
        try:
            roots = tuple(
                x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in value["roots"]
            )
            return TrustPins(
                roots, str(value["source"]), value.get("trust_list"), value.get("origin")
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _corrupt(self.trust_path) from None

    def save_trust(self, pins: TrustPins) -> None:
        self._write_json(self.trust_path, pins.to_json())

    # -- removal -----------------------------------------------------------------------------

    def wipe(self) -> bool:
        """Remove the credential, then the device key; whether there was anything to remove."""
        removed = self._remove(self.credential_path)
        return self._remove(self.key_path) or removed
