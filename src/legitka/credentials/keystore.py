"""PEM files of the PKI: encrypted private keys (mode 0600) beside their certificates.

:class:`KeyStore` reads each file once and again only when it changes (its modification time or
size), writes atomically (readers never see half a file) and turns every file problem into a
coded :class:`PkiError` that says what to do. The passphrase and the key material never appear
in a message.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr

from legitka.domain.errors import LegitkaError

CERT_SUFFIX, KEY_SUFFIX = ".crt.pem", ".key.pem"
ENCRYPTED_PEM = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
T = TypeVar("T")
Stamp = tuple[int, int]


class PkiError(LegitkaError):
    """The key folder is missing, unreadable or does not match the configuration."""

    status = 503


def key_path(certificate_path: Path) -> Path:
    """``<serial>.key.pem`` beside ``<serial>.crt.pem``."""
    return certificate_path.with_name(certificate_path.name[: -len(CERT_SUFFIX)] + KEY_SUFFIX)


def _os_error(what: str, path: Path, exc: OSError) -> PkiError:
    if isinstance(exc, FileNotFoundError):
        return PkiError(
            "pki_file_missing", "{path} is missing: restore it from the backup.", path=str(path)
        )
    return PkiError(
        "pki_unreadable" if what == "read" else "pki_unwritable",
        "Cannot {what} {path} ({reason}): check the owner and permissions.",
        what=what,
        path=str(path),
        reason=exc.strerror or type(exc).__name__,
    )


class KeyStore:
    """The PEM files under one folder, cached by modification time."""

    def __init__(self, directory: Path, passphrase: SecretStr | None) -> None:
        self.directory = directory
        self._passphrase = passphrase
        self._certificates: dict[Path, tuple[Stamp, x509.Certificate]] = {}
        self._keys: dict[Path, tuple[Stamp, ec.EllipticCurvePrivateKey]] = {}

    def secret(self, *, creating: bool = False) -> bytes:
        """The key passphrase; a coded error tells the operator to set it."""
        value = self._passphrase.get_secret_value() if self._passphrase else ""
        if not value:
            raise PkiError(
                "pki_passphrase_missing",
                "Set LEGITKA_KEY_PASSPHRASE (key_passphrase) before creating keys: the private "
                "key files are encrypted with it."
                if creating
                else "The private keys in {folder} are encrypted: set LEGITKA_KEY_PASSPHRASE "
                "(key_passphrase) to their passphrase.",
                field="key_passphrase",
                folder=str(self.directory),
            )
        return value.encode("utf-8")

    def _read(self, path: Path) -> tuple[Stamp, bytes]:
        try:
            info = path.stat()
            return (info.st_mtime_ns, info.st_size), path.read_bytes()
        except OSError as exc:
            raise _os_error("read", path, exc) from None

    def _cached(self, cache: dict[Path, tuple[Stamp, T]], path: Path) -> T | None:
        entry = cache.get(path)
        if entry is None:
            return None
        try:
            info = path.stat()
        except OSError as exc:
            raise _os_error("read", path, exc) from None
        return entry[1] if entry[0] == (info.st_mtime_ns, info.st_size) else None

    def certificate(self, path: Path) -> x509.Certificate:
        cached = self._cached(self._certificates, path)
        if cached is not None:
            return cached
        stamp, data = self._read(path)
        try:
            certificate = x509.load_pem_x509_certificate(data)
        except ValueError:
            raise PkiError(
                "pki_corrupt",
                "{path} is not a PEM certificate: restore it from the backup.",
                path=str(path),
            ) from None
        self._certificates[path] = (stamp, certificate)
        return certificate

    def private_key(self, path: Path) -> ec.EllipticCurvePrivateKey:
        cached = self._cached(self._keys, path)
        if cached is not None:
            return cached
        stamp, data = self._read(path)
        try:
            key = serialization.load_pem_private_key(data, self.secret())
        except ValueError:
            if data.lstrip().startswith(ENCRYPTED_PEM):
                raise PkiError(
                    "pki_wrong_passphrase",
                    "Cannot decrypt {path}: the key passphrase (LEGITKA_KEY_PASSPHRASE) is "
                    "wrong, or the file is damaged.",
                    field="key_passphrase",
                    path=str(path),
                ) from None
            raise PkiError(
                "pki_corrupt",
                "{path} is not a PEM private key: restore it from the backup.",
                path=str(path),
            ) from None
        except TypeError:
            raise PkiError(
                "pki_corrupt",
                "{path} is not encrypted: keys must be encrypted with the key passphrase.",
                path=str(path),
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise PkiError("pki_corrupt", "{path} is not a P-256 key.", path=str(path))
        self._keys[path] = (stamp, key)
        return key

    def listing(self, folder: str) -> list[tuple[Path, x509.Certificate]]:
        """The certificates in ``folder``, oldest first (by ``not_before``, then file time)."""
        where = self.directory / folder
        try:
            paths = [p for p in where.iterdir() if p.name.endswith(CERT_SUFFIX)]
            found = [(p, self.certificate(p), p.stat().st_mtime_ns) for p in paths]
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise _os_error("read", where, exc) from None
        found.sort(key=lambda item: (item[1].not_valid_before_utc, item[2]))
        return [(p, c) for p, c, _ in found]

    def subfolders(self, folder: str) -> list[str]:
        where = self.directory / folder
        try:
            return sorted(p.name for p in where.iterdir() if p.is_dir())
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise _os_error("read", where, exc) from None

    def _folder(self, folder: Path) -> None:
        """Create ``folder`` and the folders between it and the PKI folder, each mode 0700."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        current = self.directory
        for part in folder.relative_to(self.directory).parts:
            current = current / part
            current.mkdir(mode=0o700, exist_ok=True)

    def _write(self, path: Path, data: bytes, mode: int) -> None:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            self._folder(path.parent)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(descriptor, "wb") as file:
                os.fchmod(file.fileno(), mode)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise _os_error("write", path, exc) from None

    def store(
        self, folder: str, key: ec.EllipticCurvePrivateKey, certificate: x509.Certificate
    ) -> Path:
        """Save the key (encrypted, 0600), then its certificate (0644); the certificate's path.

        The key is written first, so a certificate that can be seen always has its key.
        """
        encryption = serialization.BestAvailableEncryption(self.secret(creating=True))
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        path = self.directory / folder / f"{certificate.serial_number:x}{CERT_SUFFIX}"
        self._write(key_path(path), pem, 0o600)
        self._write(path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
        return path
