"""Where ``legitka wallet`` gets its trust: given root PEM files, the roots pinned in the store,
the issuer's root fetched and pinned on first use, and a signed trust list."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from legitka.cli.wallet_common import WalletError, _now
from legitka.credentials.chain import ChainError
from legitka.credentials.trust_list import TrustListError, read_trust_list
from legitka.domain.text import N_
from legitka.wallet.holder import CredentialOffer, StoredCredential
from legitka.wallet.store import CONFIGURED, FIRST_USE, TrustPins, WalletStore

ROOT_PATH = "/trust/root.pem"


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def _load_roots(paths: list[Path]) -> tuple[x509.Certificate, ...]:
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        except (OSError, ValueError):
            raise WalletError(
                "bad_trust_root",
                N_("{path} is not a readable PEM file of root CA certificates."),
                field="trust_root",
                path=str(path),
            ) from None
    return tuple(roots)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first_use_roots(http: httpx.Client, issuer: str) -> TrustPins:
    url = _origin(issuer) + ROOT_PATH
    try:
        response = http.get(url)
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        roots = tuple(x509.load_pem_x509_certificates(response.content))
    except (httpx.HTTPError, ValueError) as exc:
        raise WalletError(
            "untrusted_issuer",
            N_("Cannot fetch the root CA from {url} ({reason}): give it with --trust-root."),
            url=url,
            reason=str(exc) or type(exc).__name__,
        ) from None
    return TrustPins(roots, FIRST_USE, origin=_origin(issuer))


def _trust_list(http: httpx.Client, pins: TrustPins) -> Any:
    assert pins.trust_list is not None
    try:
        response = http.get(pins.trust_list)
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        return read_trust_list(response.text, pins.roots, _now())
    except (httpx.HTTPError, ValueError) as exc:
        raise WalletError(
            "trust_list_unavailable",
            N_("Cannot fetch the trust list {url} ({reason})."),
            url=pins.trust_list,
            reason=str(exc) or type(exc).__name__,
        ) from None
    except TrustListError as exc:
        raise WalletError(
            exc.code, N_("The trust list {url} is not usable: {reason}"),
            url=pins.trust_list, reason=exc.message,
        ) from None  # fmt: skip


def _not_listed(issuer: str) -> WalletError:
    return WalletError(
        "untrusted_issuer",
        N_("The issuer {issuer} is not in the trust list: nothing was stored."),
        issuer=issuer,
    )


def _check_listed(http: httpx.Client, pins: TrustPins, stored: StoredCredential) -> None:
    """With a trust list, the credential's signing certificate must be a current one of its
    issuer's entry."""
    if pins.trust_list is None:
        return
    listed = _trust_list(http, pins)
    chain = stored.sd_jwt.header.get("x5c") or []
    try:
        entry = listed.verify_issuer(chain, _now())
    except ChainError:
        raise _not_listed(stored.issuer) from None
    if entry.id != stored.issuer:
        raise _not_listed(stored.issuer)


def _resolve_trust(
    http: httpx.Client,
    store: WalletStore,
    offer: CredentialOffer,
    roots: tuple[x509.Certificate, ...],
    trust_list: str | None,
) -> tuple[TrustPins, bool]:
    """The roots to check this offer's issuer with: given, pinned, or fetched on first use
    (then ``True``)."""
    if trust_list and not roots:
        raise WalletError(
            "trust_root_required",
            N_("--trust-list needs --trust-root: the roots that sign the trust list."),
            field="trust_list",
        )
    found = None if roots else store.load_trust()
    if roots:
        pins = TrustPins(roots, CONFIGURED, trust_list)
    elif found is not None:
        pins = found
    else:
        pins = _first_use_roots(http, offer.credential_issuer)
    if pins.trust_list is not None:
        listed = _trust_list(http, pins)
        entry = listed.entry(offer.credential_issuer)
        if entry is None or entry.type != "credential_issuer":
            raise _not_listed(offer.credential_issuer)  # before the one-time code is spent
    return pins, not roots and found is None
