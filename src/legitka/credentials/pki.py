"""The file-based PKI under ``settings.pki_dir``: a root CA and the leaf keys it certifies.

Layout (``docs/keys.md``)::

    pki/root/<serial>.crt.pem, <serial>.key.pem         the trust anchor (its key may go offline)
    pki/issuers/<slug>/<serial>.crt.pem, .key.pem       one credential issuer per university (R24)
    pki/verifier/<serial>.crt.pem, .key.pem             OpenID4VP requests (x509_san_dns, x509_hash)
    pki/trust-list/<serial>.crt.pem, .key.pem           signs {base_url}/trust/list.json

``<serial>`` is the certificate's serial number in hex. Several files per role are the rotation
history. Private keys are PKCS#8 PEM encrypted with ``key_passphrase``, mode 0600; certificates are
PEM beside them (:mod:`legitka.credentials.keystore` reads and writes them; every problem is a
coded :class:`PkiError` that says what to do). Chain validation (HAIP: the leaf is not self-signed,
the trust anchor is never in ``x5c``) lives in :mod:`legitka.credentials.chain`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from legitka.credentials.chain import ChainError, validate_chain
from legitka.credentials.keys import KeyRing, SigningKey
from legitka.credentials.keystore import KeyStore, PkiError, key_path

__all__ = ["CertificateRecord", "ChainError", "Pki", "PkiError", "UniversityRef", "validate_chain"]

ROOT, ISSUERS, VERIFIER, TRUST_LIST = "root", "issuers", "verifier", "trust-list"
ROOT_LIFETIME = dt.timedelta(days=3652)
LEAF_LIFETIME = dt.timedelta(days=365)
BACKDATE = dt.timedelta(minutes=5)  # verifiers whose clock is a little behind still accept
ROOT_NAME = "legitka root CA"
DEMO_ROOT_NAME = "legitka DEMO root CA — not for production"
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")  # as the register's slugs


@dataclass(frozen=True)
class UniversityRef:
    """What the PKI needs to know of a university (no database import here)."""

    slug: str
    name_pl: str
    name_en: str


@dataclass(frozen=True)
class CertificateRecord:
    """One certificate file of the PKI, for listings (never any private material)."""

    role: str  # root, issuer, verifier, trust-list
    slug: str | None
    path: Path
    certificate: x509.Certificate
    has_key: bool


@dataclass(frozen=True)
class _Profile:
    """What a leaf certificate of one role says: its folder, subject and alternative names."""

    folder: str
    subject: x509.Name
    names: tuple[x509.GeneralName, ...]


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _host_name(base_url: str) -> x509.GeneralName:
    host = urlsplit(base_url).hostname
    if not host or not base_url.startswith(("https://", "http://")):
        raise PkiError(
            "invalid_base_url",
            "The base URL '{url}' has no host name: set LEGITKA_BASE_URL (base_url) to "
            "https://your.host.",
            field="base_url",
            url=base_url,
        )
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _organization(certificate: x509.Certificate) -> str:
    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else "legitka"


def _alternative_names(certificate: x509.Certificate) -> set[x509.GeneralName]:
    try:
        ext = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return set()
    return set(ext.value)


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not signer,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signer,
        crl_sign=signer,
        encipher_only=False,
        decipher_only=False,
    )


def _root_certificate(
    key: ec.EllipticCurvePrivateKey, organization: str, now: dt.datetime, demo: bool
) -> x509.Certificate:
    name = _name(DEMO_ROOT_NAME if demo else ROOT_NAME, organization)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + ROOT_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    key: ec.EllipticCurvePrivateKey,
    profile: _Profile,
    root: x509.Certificate,
    root_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
) -> x509.Certificate:
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(profile.subject)
        .issuer_name(root.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(min(now + LEAF_LIFETIME, root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectAlternativeName(list(profile.names)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )


class Pki:
    """The keys and certificates in one folder; files are read once and re-read when changed."""

    def __init__(self, directory: Path, passphrase: SecretStr | None) -> None:
        self.directory = directory
        self.store = KeyStore(directory, passphrase)

    # -- reading -------------------------------------------------------------------------------

    def _keyring(self, folder: str, role: str) -> KeyRing[SigningKey]:
        files = self.store.listing(folder)
        if not files:
            raise self._missing(folder)
        keys = [SigningKey(self.store.private_key(key_path(p)), (c,)) for p, c in files]
        return KeyRing(keys, role=role)

    def _missing(self, folder: str) -> PkiError:
        if not self.store.listing(ROOT):
            return PkiError(
                "pki_missing",
                "There are no keys in {folder}: run `legitka pki init` first.",
                folder=str(self.directory),
            )
        slug = folder.split("/", 1)[1] if folder.startswith(ISSUERS + "/") else None
        return PkiError(
            "pki_key_missing",
            "There is no certificate in {path}: create one with {hint}.",
            path=str(self.directory / folder),
            hint=f"`legitka pki rotate --university {slug}`" if slug else "`legitka pki init`",
        )

    def root_certificates(self) -> list[x509.Certificate]:
        """Every root CA certificate, newest first (verifiers trust all of them)."""
        files = self.store.listing(ROOT)
        if not files:
            raise self._missing(ROOT)
        return [certificate for _, certificate in reversed(files)]

    def root_certificate(self) -> x509.Certificate:
        """The newest root CA certificate: the trust anchor verifiers are given."""
        return self.root_certificates()[0]

    def issuer_slugs(self) -> list[str]:
        return [s for s in self.store.subfolders(ISSUERS) if SLUG.fullmatch(s)]

    def issuer_keyring(self, slug: str) -> KeyRing[SigningKey]:
        return self._keyring(_issuer_folder(slug), f"issuer {slug}")

    def verifier_keyring(self) -> KeyRing[SigningKey]:
        return self._keyring(VERIFIER, "verifier")

    def trust_list_keyring(self) -> KeyRing[SigningKey]:
        return self._keyring(TRUST_LIST, "trust list")

    def issuer_certificates(self, slug: str) -> list[x509.Certificate]:
        """The certificates of one issuer, newest first, without reading any private key."""
        return [c for _, c in reversed(self.store.listing(_issuer_folder(slug)))]

    def verifier_certificates(self) -> list[x509.Certificate]:
        return [c for _, c in reversed(self.store.listing(VERIFIER))]

    def certificates(self) -> list[CertificateRecord]:
        """Every certificate with its role, for ``legitka pki show``."""
        folders: list[tuple[str, str, str | None]] = [
            (ROOT, "root", None),
            (TRUST_LIST, "trust-list", None),
            (VERIFIER, "verifier", None),
        ]
        folders += [(_issuer_folder(s), "issuer", s) for s in self.issuer_slugs()]
        return [
            CertificateRecord(role, slug, path, certificate, key_path(path).exists())
            for folder, role, slug in folders
            for path, certificate in self.store.listing(folder)
        ]

    # -- creating ------------------------------------------------------------------------------

    def _signing_root(
        self, now: dt.datetime
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        files = self.store.listing(ROOT)
        valid = [(p, c) for p, c in files if _valid(c, now)]
        if not files:
            raise self._missing(ROOT)
        if not valid:
            raise PkiError(
                "pki_root_expired",
                "No root CA is valid now: run `legitka pki init` to create a new one and give it "
                "to every verifier.",
            )
        path, certificate = valid[-1]
        if not key_path(path).exists():
            raise PkiError(
                "pki_root_key_offline",
                "The root CA key {path} is not here: bring it back from its offline storage "
                "to create or rotate certificates, then move it away again.",
                path=str(key_path(path)),
            )
        return certificate, self.store.private_key(key_path(path))

    def _create_leaf(self, profile: _Profile, now: dt.datetime) -> tuple[SigningKey, Path]:
        self.store.secret(creating=True)
        root, root_key = self._signing_root(now)
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _leaf_certificate(key, profile, root, root_key, now)
        return SigningKey(key, (certificate,)), self.store.store(profile.folder, key, certificate)

    def _ensure(self, profile: _Profile, now: dt.datetime) -> tuple[SigningKey, Path] | None:
        """A new key unless a certificate valid at ``now`` names exactly this profile's SAN."""
        wanted = set(profile.names)
        for _, certificate in self.store.listing(profile.folder):
            if _valid(certificate, now) and _alternative_names(certificate) == wanted:
                return None
        return self._create_leaf(profile, now)

    def ensure_root(
        self,
        *,
        base_url: str,
        now: dt.datetime,
        demo: bool = False,
        organization: str | None = None,
    ) -> Path | None:
        """Create the root CA unless one is valid at ``now``; the new certificate's path."""
        if any(_valid(c, now) for _, c in self.store.listing(ROOT)):
            return None
        host = _host_name(_clean(base_url)).value
        self.store.secret(creating=True)
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _root_certificate(key, organization or f"legitka ({host})", now, demo)
        return self.store.store(ROOT, key, certificate)

    def _issuer_profile(self, university: UniversityRef, base_url: str) -> _Profile:
        return _Profile(
            _issuer_folder(university.slug),
            _name(f"{university.slug} credential issuer", university.name_pl),
            (
                x509.UniformResourceIdentifier(f"{base_url}/u/{university.slug}"),
                _host_name(base_url),
            ),
        )

    def _service_profile(self, folder: str, base_url: str) -> _Profile:
        host = _host_name(base_url)
        organization = _organization(self.root_certificate())
        if folder == TRUST_LIST:
            names = (x509.UniformResourceIdentifier(f"{base_url}/trust/list.json"), host)
            return _Profile(folder, _name(f"{host.value} trust list", organization), names)
        return _Profile(folder, _name(f"{host.value} verifier", organization), (host,))

    def ensure_issuer(
        self, university: UniversityRef, base_url: str, now: dt.datetime
    ) -> SigningKey | None:
        """Create the university's issuer key unless one for ``base_url`` is valid at ``now``.

        Returns the new key, or None when a current one exists.
        """
        created = self._ensure(self._issuer_profile(university, _clean(base_url)), now)
        return created[0] if created else None

    def ensure_verifier(self, base_url: str, now: dt.datetime) -> SigningKey | None:
        created = self._ensure(self._service_profile(VERIFIER, _clean(base_url)), now)
        return created[0] if created else None

    def ensure_trust_list_signer(self, base_url: str, now: dt.datetime) -> SigningKey | None:
        created = self._ensure(self._service_profile(TRUST_LIST, _clean(base_url)), now)
        return created[0] if created else None

    def init(
        self,
        *,
        base_url: str,
        universities: Sequence[UniversityRef],
        now: dt.datetime,
        demo: bool = False,
        organization: str | None = None,
    ) -> list[str]:
        """Create what is missing: the root, the trust list and verifier keys, one issuer key
        per university. Returns the new certificates' paths relative to the folder."""
        base_url = _clean(base_url)
        self.store.secret(creating=True)
        root = self.ensure_root(base_url=base_url, now=now, demo=demo, organization=organization)
        profiles = [
            self._service_profile(TRUST_LIST, base_url),
            self._service_profile(VERIFIER, base_url),
            *(self._issuer_profile(u, base_url) for u in universities),
        ]
        created = [root] if root else []
        created += [made[1] for profile in profiles if (made := self._ensure(profile, now))]
        return [p.relative_to(self.directory).as_posix() for p in created]

    def rotate_issuer(
        self, slug: str, base_url: str, now: dt.datetime, *, name: str | None = None
    ) -> SigningKey:
        """A new key and certificate for the issuer; older keys verify until they expire.

        ``name`` (the university's Polish name) defaults to the newest certificate's.
        """
        if name is None:
            latest = self.issuer_certificates(slug)
            if not latest:
                raise self._missing(_issuer_folder(slug))
            name = _organization(latest[0])
        profile = self._issuer_profile(UniversityRef(slug, name, name), _clean(base_url))
        return self._create_leaf(profile, now)[0]

    def rotate_verifier(self, base_url: str, now: dt.datetime) -> SigningKey:
        return self._create_leaf(self._service_profile(VERIFIER, _clean(base_url)), now)[0]

    def rotate_trust_list_signer(self, base_url: str, now: dt.datetime) -> SigningKey:
        return self._create_leaf(self._service_profile(TRUST_LIST, _clean(base_url)), now)[0]


def _valid(certificate: x509.Certificate, now: dt.datetime) -> bool:
    return certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc


def _clean(base_url: str) -> str:
    base_url = base_url.rstrip("/")
    _host_name(base_url)
    return base_url


def _issuer_folder(slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise PkiError(
            "invalid_slug",
            "'{slug}' is not a university short name: 1-40 lowercase letters, digits, hyphens.",
            field="university",
            slug=slug,
        )
    return f"{ISSUERS}/{slug}"
