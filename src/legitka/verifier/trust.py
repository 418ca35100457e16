"""Which issuers the verifier trusts: configured root CAs, and a trust list when there is one.

With a trust list, an issuer's certificate must be a current certificate of one of its
``credential_issuer`` entities and the credential's ``iss`` must be that entity's id. Without
one, the certificate must chain to a configured root and name ``iss`` as a URI in its SAN (as
every legitka issuer certificate does), so one university's key cannot speak for another.

A chain that validated is remembered (per ``x5c`` and roots, in this process) with the time
window in which all its certificates and the roots that may have issued it are valid: within
that window the same ``x5c`` gives the same leaf without checking its signatures again, outside
it the whole validation runs again (and fails with its own reason). Every credential of a
university carries the same ``x5c``, so a verifier checks each issuer certificate once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from legitka.credentials.chain import ChainError, parse_x5c, validate_chain
from legitka.credentials.trust_list import TrustList

MAX_REMEMBERED = 256


class UntrustedIssuer(Exception):
    """The signer of a credential or status list is not a trusted issuer."""


@dataclass(frozen=True)
class _Validated:
    leaf: x509.Certificate
    uri_names: frozenset[str]
    valid_from: dt.datetime
    valid_until: dt.datetime


_validated: dict[tuple[tuple[str, ...], tuple[x509.Certificate, ...]], _Validated] = {}


def uri_names(certificate: x509.Certificate) -> list[str]:
    try:
        ext = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(ext.value.get_values_for_type(x509.UniformResourceIdentifier))


@dataclass(frozen=True)
class Trust:
    roots: tuple[x509.Certificate, ...]
    trust_list: TrustList | None = None

    def issuer_certificate(
        self, x5c: Sequence[str], iss: object, now: dt.datetime
    ) -> x509.Certificate:
        """The leaf of ``x5c`` once it is a trusted certificate of the issuer ``iss``."""
        if not isinstance(iss, str) or not iss:
            raise UntrustedIssuer("the credential names no issuer")
        try:
            if self.trust_list is not None:
                entry = self.trust_list.verify_issuer(x5c, now)
                if entry.id != iss:
                    raise UntrustedIssuer("the certificate belongs to another issuer")
                return parse_x5c(x5c)[0]
            validated = self._chain(x5c, now)
        except ChainError as exc:
            raise UntrustedIssuer(exc.code) from None
        if iss not in validated.uri_names:
            raise UntrustedIssuer("the certificate does not name the issuer")
        return validated.leaf

    def _chain(self, x5c: Any, now: dt.datetime) -> _Validated:
        """``validate_chain``, remembered while every certificate involved stays valid."""
        if not isinstance(x5c, list | tuple) or not all(isinstance(c, str) for c in x5c):
            leaf = validate_chain(x5c, self.roots, now)  # raises: malformed
            return _Validated(leaf, frozenset(uri_names(leaf)), now, now)
        key = (tuple(x5c), self.roots)
        known = _validated.get(key)
        if known is not None and known.valid_from <= now < known.valid_until:
            return known
        leaf = validate_chain(x5c, self.roots, now)
        chain = parse_x5c(x5c)
        # every root that may have issued the last certificate, so the window is never wider
        # than the anchor's own validity
        involved = [*chain, *(r for r in self.roots if r.subject == chain[-1].issuer)]
        validated = _Validated(
            leaf,
            frozenset(uri_names(leaf)),
            max(c.not_valid_before_utc for c in involved),
            min(c.not_valid_after_utc for c in involved),
        )
        if len(_validated) >= MAX_REMEMBERED:
            _validated.clear()
        _validated[key] = validated
        return validated
