"""A Python holder (wallet) for legitka and any OpenID4VCI 1.0 issuer of SD-JWT VCs.

It does what the phone does: resolve the offer from the QR code, take the activation code,
get a ``c_nonce``, prove possession of its key, receive and check the credential, confirm it
(notification), renew it with the refresh token, and build presentations with a key-binding
JWT. Used by the tests, the load test and the command line; the browser wallet does the same
in JavaScript.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from legitka.credentials import jose, sd_jwt
from legitka.credentials.chain import ChainError, validate_chain
from legitka.credentials.jose import JoseError

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
OFFER_SCHEMES = ("openid-credential-offer", "haip-vci")


class HolderError(Exception):
    """A step of the wallet failed; ``code`` is the server's OAuth error or a local reason."""

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class CredentialOffer:
    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized_code: str
    tx_code: dict[str, Any] | None


@dataclass
class StoredCredential:
    """A credential kept by the holder, with what it needs to renew it."""

    credential: str
    issuer: str
    configuration_id: str
    token_endpoint: str
    credential_endpoint: str
    nonce_endpoint: str | None
    notification_endpoint: str | None
    refresh_token: str | None
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def sd_jwt(self) -> sd_jwt.SdJwt:
        return sd_jwt.parse(self.credential)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def offer_reference(text: str) -> tuple[str | None, str | None]:
    """``(credential_offer_uri, credential_offer)`` from a QR code's text or a wallet link."""
    text = text.strip()
    try:
        scheme, query = urlsplit(text)[0::3]  # the scheme and the query
    except ValueError:  # e.g. an unclosed [ in the host
        scheme = query = ""
    if scheme not in (*OFFER_SCHEMES, "https", "http"):
        raise HolderError("invalid_offer", "this is not a credential offer QR code or link")
    values = parse_qs(query)
    uri = values.get("credential_offer_uri", [None])[0]
    value = values.get("credential_offer", [None])[0]
    if (uri is None) == (value is None):
        raise HolderError(
            "invalid_offer", "the offer needs exactly one of credential_offer_uri, credential_offer"
        )
    return uri, value


class Holder:
    """One wallet with one device key (P-256), talking HTTP through ``http``."""

    def __init__(
        self,
        http: httpx.Client,
        key: ec.EllipticCurvePrivateKey | None = None,
        *,
        trusted_roots: list[x509.Certificate] | None = None,
        now: Any = None,
    ) -> None:
        self.http = http
        self.key = key or ec.generate_private_key(ec.SECP256R1())
        self.trusted_roots = trusted_roots
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    # -- HTTP --------------------------------------------------------------------------------

    def _json(self, response: httpx.Response, step: str) -> Any:
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            code = body.get("error") or body.get("code") or f"http_{response.status_code}"
            message = body.get("error_description") or body.get("detail") or response.text[:200]
            raise HolderError(code, f"{step}: {message}", status=response.status_code)
        try:
            return response.json()
        except ValueError:
            raise HolderError("invalid_response", f"{step}: the answer is not JSON") from None

    def _get(self, url: str, step: str) -> Any:
        try:
            return self._json(self.http.get(url), step)
        except httpx.HTTPError as exc:
            raise HolderError("no_connection", f"{step}: {exc}") from None

    def _post(self, url: str, step: str, **kwargs: Any) -> Any:
        try:
            return self._json(self.http.post(url, **kwargs), step)
        except httpx.HTTPError as exc:
            raise HolderError("no_connection", f"{step}: {exc}") from None

    # -- issuance ----------------------------------------------------------------------------

    def resolve_offer(self, text: str) -> CredentialOffer:
        uri, value = offer_reference(text)
        try:
            document = self._get(uri, "offer") if uri else json.loads(value or "null")
        except ValueError:
            raise HolderError("invalid_offer", "the credential offer is not JSON") from None
        issuer = document.get("credential_issuer") if isinstance(document, dict) else None
        if not isinstance(issuer, str) or not issuer:
            raise HolderError("invalid_offer", "the offer names no credential_issuer")
        grants = document.get("grants")
        grant = grants.get(PRE_AUTHORIZED_GRANT) if isinstance(grants, dict) else None
        code = grant.get("pre-authorized_code") if isinstance(grant, dict) else None
        if not isinstance(code, str) or not code:
            raise HolderError("invalid_offer", "the offer has no pre-authorized code grant")
        ids = document.get("credential_configuration_ids")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise HolderError("invalid_offer", "the offer names no credential configuration")
        tx_code = grant.get("tx_code") if isinstance(grant, dict) else None
        return CredentialOffer(
            credential_issuer=issuer,
            configuration_ids=tuple(ids),
            pre_authorized_code=code,
            tx_code=None if tx_code is None else tx_code if isinstance(tx_code, dict) else {},
        )

    def _metadata(self, issuer: str) -> tuple[dict[str, Any], dict[str, Any]]:
        parts = urlsplit(issuer)
        origin = f"{parts.scheme}://{parts.netloc}"
        credential_issuer = self._get(
            f"{origin}/.well-known/openid-credential-issuer{parts.path}", "issuer metadata"
        )
        if credential_issuer.get("credential_issuer") != issuer:
            raise HolderError("invalid_metadata", "the metadata names another credential issuer")
        servers = credential_issuer.get("authorization_servers") or [issuer]
        server = urlsplit(servers[0])
        authorization_server = self._get(
            f"{server.scheme}://{server.netloc}/.well-known/oauth-authorization-server{server.path}",
            "authorization server metadata",
        )
        return credential_issuer, authorization_server

    def proof(self, audience: str, nonce: str | None) -> str:
        claims: dict[str, Any] = {"aud": audience, "iat": int(self._now().timestamp())}
        if nonce is not None:
            claims["nonce"] = nonce
        header = {"typ": PROOF_TYP, "jwk": jose.public_jwk(self.key)}
        return jose.sign(header, claims, self.key)

    def _fetch_credential(
        self, stored: StoredCredential, access_token: str
    ) -> tuple[str, str | None]:
        nonce = None
        if stored.nonce_endpoint:
            nonce = self._post(stored.nonce_endpoint, "nonce")["c_nonce"]
        body = {
            "credential_configuration_id": stored.configuration_id,
            "proofs": {"jwt": [self.proof(stored.issuer, nonce)]},
        }
        answer = self._post(
            stored.credential_endpoint, "credential", json=body,
            headers={"Authorization": f"Bearer {access_token}"},
        )  # fmt: skip
        credentials = answer.get("credentials")
        if not isinstance(credentials, list) or not credentials:
            raise HolderError("invalid_response", "credential: no credentials in the answer")
        return credentials[0]["credential"], answer.get("notification_id")

    def activate(self, offer_text: str, activation_code: str | None) -> StoredCredential:
        """Add the credential offered by ``offer_text`` (the QR code) to this wallet."""
        return self.redeem(self.resolve_offer(offer_text), activation_code)

    def redeem(self, offer: CredentialOffer, activation_code: str | None) -> StoredCredential:
        """Add the credential of an offer already resolved (a wallet may check its issuer
        against a trust list first, before the single-use code is spent)."""
        issuer_metadata, server_metadata = self._metadata(offer.credential_issuer)
        form = {
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code,
        }
        if offer.tx_code is not None:
            if not activation_code:
                raise HolderError("activation_code_required", "enter the activation code")
            form["tx_code"] = activation_code
        tokens = self._post(server_metadata["token_endpoint"], "token", data=form)
        configuration_id = offer.configuration_ids[0]
        stored = StoredCredential(
            credential="",
            issuer=offer.credential_issuer,
            configuration_id=configuration_id,
            token_endpoint=server_metadata["token_endpoint"],
            credential_endpoint=issuer_metadata["credential_endpoint"],
            nonce_endpoint=issuer_metadata.get("nonce_endpoint"),
            notification_endpoint=issuer_metadata.get("notification_endpoint"),
            refresh_token=tokens.get("refresh_token"),
        )
        return self._receive(stored, tokens["access_token"])

    def _receive(self, stored: StoredCredential, access_token: str) -> StoredCredential:
        credential, notification_id = self._fetch_credential(stored, access_token)
        try:
            stored.claims = self.check(credential, stored.issuer)
        except HolderError:
            self._notify(stored, access_token, notification_id, "credential_failure")
            raise
        stored.credential = credential
        self._notify(stored, access_token, notification_id, "credential_accepted")
        return stored

    def _notify(
        self, stored: StoredCredential, access_token: str, notification_id: str | None, event: str
    ) -> None:
        if not stored.notification_endpoint or not notification_id:
            return
        try:
            response = self.http.post(
                stored.notification_endpoint,
                json={"notification_id": notification_id, "event": event},
                headers={"Authorization": f"Bearer {access_token}"},
            )
        except httpx.HTTPError:
            return  # a notification is best effort (OpenID4VCI §11)
        if response.status_code >= 400:
            self._json(response, "notification")

    def renew(self, stored: StoredCredential) -> StoredCredential:
        """Fetch the renewed credential with the refresh token: no QR code needed (R19)."""
        if not stored.refresh_token:
            raise HolderError("no_refresh_token", "this credential cannot be renewed")
        tokens = self._post(
            stored.token_endpoint, "token",
            data={"grant_type": "refresh_token", "refresh_token": stored.refresh_token},
        )  # fmt: skip
        stored.refresh_token = tokens.get("refresh_token", stored.refresh_token)
        return self._receive(stored, tokens["access_token"])

    # -- checking and presenting -------------------------------------------------------------

    def check(self, credential: str, issuer: str) -> dict[str, Any]:
        """Check what the issuer sent: signature by its ``x5c`` (chained to a trusted root when
        roots are given), the issuer, the key binding to this wallet's key; return the claims."""
        try:
            parsed = sd_jwt.parse(credential)
            header = parsed.header
            chain = header.get("x5c")
            if not isinstance(chain, list) or not chain:
                raise HolderError("untrusted_issuer", "the credential carries no x5c")
            if self.trusted_roots is not None:
                leaf = validate_chain(chain, self.trusted_roots, self._now())
            else:
                leaf = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
            public_key = leaf.public_key()
            if not isinstance(public_key, ec.EllipticCurvePublicKey):
                raise HolderError("untrusted_issuer", "the issuer key is not an EC key")
            jose.verify(parsed.jwt, public_key)
            claims = parsed.claims()
        except (sd_jwt.SdJwtError, JoseError) as exc:
            raise HolderError("invalid_credential", str(exc)) from None
        except ChainError as exc:
            raise HolderError(exc.code, exc.message) from None
        if header.get("typ") != sd_jwt.VC_TYP:
            raise HolderError("invalid_credential", "the credential's typ is not dc+sd-jwt")
        if claims.get("iss") != issuer:
            raise HolderError("invalid_credential", "the credential names another issuer")
        if (claims.get("cnf") or {}).get("jwk") != jose.public_jwk(self.key):
            raise HolderError("invalid_credential", "the credential is not bound to this wallet")
        return claims

    def present(
        self, stored: StoredCredential, disclose: list[str], *, audience: str, nonce: str
    ) -> str:
        """An SD-JWT+KB presentation of ``disclose`` for ``audience`` and its ``nonce``."""
        return sd_jwt.present(
            stored.sd_jwt, disclose=disclose, holder_key=self.key, audience=audience,
            nonce=nonce, issued_at=int(self._now().timestamp()),
        )  # fmt: skip


def wait_for(predicate: Any, *, timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll ``predicate`` until it returns something truthy (tests of background work)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
