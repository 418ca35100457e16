"""The trust list: which certificates belong to which issuer and verifier of this deployment.

Served at ``{base_url}/trust/list.json`` as a flattened JWS JSON serialization (RFC 7515 §7.2.2:
``{"protected", "payload", "signature"}``), ES256, header ``typ: legitka-trust-list+jwt`` and
``x5c`` = the trust-list signing certificate (the root is never included). The payload::

    {"iss": base_url, "iat": …, "exp": …, "roots": [base64 DER],
     "entities": [{"type": "credential_issuer", "id": "{base_url}/u/{slug}",
                   "university": {"slug": …, "name": {"pl": …, "en": …}},
                   "certificates": [base64 DER of every unexpired issuer certificate]},
                  {"type": "verifier", "id": base_url, "certificates": […]}]}

:func:`read_trust_list` trusts only the roots its caller configured, never those in the payload;
the signing certificate must name the list's URL (``{iss}/trust/list.json``) in its SAN, so the
key of an issuer or of the verifier cannot sign a trust list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from legitka.credentials import jose
from legitka.credentials.chain import ChainError, parse_x5c, validate_chain
from legitka.credentials.keys import Signer, certificate_b64
from legitka.credentials.pki import Pki, UniversityRef
from legitka.domain.errors import LegitkaError

TYP = "legitka-trust-list+jwt"
PATH = "/trust/list.json"
LIFETIME = dt.timedelta(days=7)
LEEWAY = dt.timedelta(minutes=5)
MAX_CERTIFICATES = 1000
CREDENTIAL_ISSUER, VERIFIER = "credential_issuer", "verifier"


class TrustListError(LegitkaError):
    """A trust list that cannot be used. Codes: ``malformed``, ``bad_signature``, ``expired``,
    ``not_yet_valid``, ``wrong_signer`` and the chain codes of the signing certificate."""


@dataclass(frozen=True)
class TrustEntry:
    """One trusted party: a university's credential issuer or this deployment's verifier."""

    type: str
    id: str
    certificates: tuple[x509.Certificate, ...]
    university: UniversityRef | None = None

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": self.type, "id": self.id}
        if self.university is not None:
            u = self.university
            entry["university"] = {"slug": u.slug, "name": {"pl": u.name_pl, "en": u.name_en}}
        entry["certificates"] = [certificate_b64(c) for c in self.certificates]
        return entry

    def current(self, leaf: x509.Certificate, now: dt.datetime) -> bool:
        """Whether ``leaf`` is one of this entry's certificates and valid at ``now``."""
        der = leaf.public_bytes(Encoding.DER)
        return leaf.not_valid_before_utc <= now < leaf.not_valid_after_utc and any(
            c.public_bytes(Encoding.DER) == der for c in self.certificates
        )


@dataclass(frozen=True)
class TrustList:
    """A verified trust list; ``anchors`` are the configured roots it was checked against."""

    iss: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    roots: tuple[x509.Certificate, ...]
    entries: tuple[TrustEntry, ...]
    anchors: tuple[x509.Certificate, ...]

    @property
    def issuers(self) -> list[TrustEntry]:
        return [e for e in self.entries if e.type == CREDENTIAL_ISSUER]

    def entry(self, entry_id: str) -> TrustEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def is_current_certificate(
        self, entry_id: str, leaf: x509.Certificate, now: dt.datetime
    ) -> bool:
        """Whether ``leaf`` is a current certificate of the issuer (or verifier) ``entry_id``."""
        entry = self.entry(entry_id)
        return entry is not None and entry.current(leaf, now)

    def issuer_of(self, leaf: x509.Certificate, now: dt.datetime) -> TrustEntry | None:
        """The credential issuer whose current certificate ``leaf`` is."""
        return next((e for e in self.issuers if e.current(leaf, now)), None)

    def verify_issuer(self, x5c: Sequence[str], now: dt.datetime) -> TrustEntry:
        """Validate an ``x5c`` chain to the anchors; its leaf must be a listed issuer's."""
        leaf = validate_chain(x5c, self.anchors, now)
        entry = self.issuer_of(leaf, now)
        if entry is None:
            raise ChainError(
                "untrusted_issuer",
                "The certificate {serial:x} is not a current certificate of any issuer in the "
                "trust list.",
                serial=leaf.serial_number,
            )
        return entry


def build_trust_list(
    *,
    iss: str,
    roots: Sequence[x509.Certificate],
    entries: Sequence[TrustEntry],
    signer: Signer,
    now: dt.datetime,
    lifetime: dt.timedelta = LIFETIME,
) -> dict[str, str]:
    """The signed trust list as a flattened JWS JSON serialization."""
    payload = {
        "iss": iss,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "roots": [certificate_b64(root) for root in roots],
        "entities": [entry.to_json() for entry in entries],
    }
    token = signer.sign_jwt({"typ": TYP, "kid": signer.kid}, payload)
    protected, body, signature = token.split(".")
    return {"protected": protected, "payload": body, "signature": signature}


def trust_entries(
    pki: Pki, universities: Sequence[UniversityRef], base_url: str, now: dt.datetime
) -> list[TrustEntry]:
    """One entry per university with its unexpired issuer certificates, then the verifier."""
    base_url = base_url.rstrip("/")

    def unexpired(certificates: list[x509.Certificate]) -> tuple[x509.Certificate, ...]:
        return tuple(c for c in certificates if now < c.not_valid_after_utc)

    entries = [
        TrustEntry(
            CREDENTIAL_ISSUER,
            f"{base_url}/u/{u.slug}",
            unexpired(pki.issuer_certificates(u.slug)),
            u,
        )
        for u in universities
    ]
    entries.append(TrustEntry(VERIFIER, base_url, unexpired(pki.verifier_certificates())))
    return entries


def publish_trust_list(
    pki: Pki, universities: Sequence[UniversityRef], base_url: str, now: dt.datetime
) -> dict[str, str]:
    """The deployment's trust list, signed with the current trust-list key."""
    base_url = base_url.rstrip("/")
    return build_trust_list(
        iss=base_url,
        roots=[r for r in pki.root_certificates() if now < r.not_valid_after_utc],
        entries=trust_entries(pki, universities, base_url, now),
        signer=pki.trust_list_keyring().signing_key(now),
        now=now,
    )


def _malformed(message: str, **params: Any) -> TrustListError:
    return TrustListError("malformed", "The trust list is malformed: " + message, **params)


def _certificates(values: Any, what: str) -> tuple[x509.Certificate, ...]:
    if not isinstance(values, list):
        raise _malformed("{what} must be a list of certificates.", what=what)
    if not values:
        return ()
    try:
        return tuple(parse_x5c(values, limit=MAX_CERTIFICATES))
    except ChainError as exc:
        raise _malformed("{what}: {reason}", what=what, reason=exc.message) from None


def _entry(value: Any) -> TrustEntry:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        raise _malformed("every entity needs an 'id'.")
    kind = value.get("type")
    if kind not in (CREDENTIAL_ISSUER, VERIFIER):
        raise _malformed("unknown entity type {kind!r}.", kind=kind)
    university = None
    if kind == CREDENTIAL_ISSUER:
        data: Any = value.get("university")
        try:
            university = UniversityRef(
                str(data["slug"]), str(data["name"]["pl"]), str(data["name"]["en"])
            )
        except (KeyError, TypeError):
            raise _malformed("issuer {id} lacks its university.", id=value["id"]) from None
    return TrustEntry(
        kind, value["id"], _certificates(value.get("certificates"), "certificates"), university
    )


def _time(claims: dict[str, Any], name: str) -> dt.datetime:
    value = claims.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _malformed("'{name}' must be a number of seconds.", name=name)
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _parse_document(document: dict[str, Any] | str) -> str:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            raise _malformed("it is not JSON.") from None
    if not isinstance(document, dict):
        raise _malformed("it is not a JSON object.")
    parts = [document.get(name) for name in ("protected", "payload", "signature")]
    if not all(isinstance(part, str) and part for part in parts):
        raise _malformed("it needs 'protected', 'payload' and 'signature' strings.")
    return ".".join(str(part) for part in parts)


def read_trust_list(
    document: dict[str, Any] | str, roots: Sequence[x509.Certificate], now: dt.datetime
) -> TrustList:
    """Verify a trust list (signature, chain to one of ``roots``, lifetime) and parse it."""
    token = _parse_document(document)
    try:
        header = jose.unverified_header(token)
    except jose.JoseError as exc:
        raise _malformed("{reason}", reason=exc.message) from None
    if header.get("typ") != TYP:
        raise _malformed(
            "its type is {typ!r}, not {expected!r}.", typ=header.get("typ"), expected=TYP
        )
    if "crit" in header:
        raise _malformed("critical header parameters are not supported.")
    try:
        x5c: Any = header.get("x5c")
        leaf = validate_chain(x5c, roots, now)
    except ChainError as exc:
        raise TrustListError(
            exc.code, "The trust list's signing certificate: {reason}", reason=exc.message
        ) from None
    public_key = leaf.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise TrustListError("bad_signature", "The trust list is not signed with an EC key.")
    try:
        _, claims = jose.verify_claims(token, public_key)
    except jose.JoseError as exc:
        code = "bad_signature" if exc.code == "bad_signature" else "malformed"
        raise TrustListError(
            code, "The trust list's signature is not valid: {reason}", reason=exc.message
        ) from None
    iss = claims.get("iss")
    if not isinstance(iss, str):
        raise _malformed("'iss' must be the deployment's URL.")
    names = _names(leaf)
    if x509.UniformResourceIdentifier(iss.rstrip("/") + PATH) not in names:
        raise TrustListError(
            "wrong_signer",
            "The certificate that signed the trust list is not for {url}.",
            url=iss.rstrip("/") + PATH,
        )
    issued_at, expires_at = _time(claims, "iat"), _time(claims, "exp")
    if now >= expires_at:
        raise TrustListError(
            "expired", "The trust list expired at {at}: fetch it again.", at=expires_at.isoformat()
        )
    if issued_at > now + LEEWAY:
        raise TrustListError(
            "not_yet_valid",
            "The trust list is issued in the future ({at}).",
            at=issued_at.isoformat(),
        )
    entities = claims.get("entities")
    if not isinstance(entities, list):
        raise _malformed("'entities' must be a list.")
    return TrustList(
        iss=iss,
        issued_at=issued_at,
        expires_at=expires_at,
        roots=_certificates(claims.get("roots", []), "roots"),
        entries=tuple(_entry(e) for e in entities),
        anchors=tuple(roots),
    )


def _names(certificate: x509.Certificate) -> list[x509.GeneralName]:
    try:
        return list(
            certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        )
    except x509.ExtensionNotFound:
        return []
