"""Which issuers the verifier trusts: configured root CAs, and a trust list when there is one.

With a trust list, an issuer's certificate must be a current certificate of one of its
``credential_issuer`` entities and the credential's ``iss`` must be that entity's id. Without
one, the certificate must chain to a configured root and name ``iss`` as a URI in its SAN (as
every legitka issuer certificate does), so one university's key cannot speak for another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509

from legitka.credentials.chain import ChainError, parse_x5c, validate_chain
from legitka.credentials.trust_list import TrustList


class UntrustedIssuer(Exception):
    """The signer of a credential or status list is not a trusted issuer."""


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
            leaf = validate_chain(x5c, self.roots, now)
        except ChainError as exc:
            raise UntrustedIssuer(exc.code) from None
        if iss not in uri_names(leaf):
            raise UntrustedIssuer("the certificate does not name the issuer")
        return leaf
