"""The holder's side of OpenID4VP 1.0: read a verifier's request, show it, share or decline.

``resolve`` turns a scanned ``openid4vp://`` URI or a typed 6-digit code into the request's
address; ``fetch_request`` gets the signed request object and checks it (the ``x5c`` chain to the
trusted roots, the signature, the ``client_id`` prefix against the leaf certificate);
``matching_claims`` evaluates its DCQL query against a stored credential; ``share`` sends an
encrypted SD-JWT+KB (``direct_post.jwt``), ``decline`` an ``access_denied`` error response.
``offline_qr_bytes`` makes the offline QR code's payload. Errors are :class:`HolderError`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from legitka.credentials import jose, sd_jwt
from legitka.credentials.chain import ChainError, validate_chain
from legitka.credentials.jose import JoseError, b64url_encode
from legitka.verifier import encryption, presets
from legitka.verifier.offline import AUDIENCE as OFFLINE_AUDIENCE
from legitka.wallet.holder import Holder, HolderError, StoredCredential

SCHEMES = ("openid4vp", "haip-vp", "https", "http")
REQUEST_TYP = "oauth-authz-req+jwt"
_CODE = re.compile(r"\s*([0-9]{3})\s*-?\s*([0-9]{3})\s*")


@dataclass(frozen=True)
class PresentationRequest:
    """A verified request: who asks (``verifier``, from the certificate), for which claims."""

    client_id: str
    verifier: str
    nonce: str
    state: str
    response_uri: str
    query: dict[str, Any]
    encryption_key: dict[str, Any]
    enc: str
    claims: tuple[str, ...]
    vct_values: tuple[str, ...]


def _invalid(message: str) -> HolderError:
    return HolderError("invalid_request", message)


def resolve(uri_or_code: str, http: httpx.Client, base: str) -> tuple[str, str]:
    """``(client_id, request_uri)`` of a QR code's URI or a short code typed at ``base``."""
    text = (uri_or_code or "").strip()
    code = _CODE.fullmatch(text)
    if code:
        try:
            answer = http.get(f"{base.rstrip('/')}/verifier/codes/{code[1]}{code[2]}")
        except httpx.HTTPError as exc:
            raise HolderError("no_connection", f"code: {exc}") from None
        if answer.status_code == 404:
            raise HolderError("unknown_code", "no verification has this code", status=404)
        if answer.status_code == 429:
            raise HolderError("too_many_attempts", "too many wrong codes: wait", status=429)
        try:
            text = answer.json()["uri"]
        except (ValueError, KeyError, TypeError):
            raise _invalid("the code's answer has no uri") from None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed [ in the host
        raise _invalid("this is not a verification QR code") from None
    if parts.scheme not in SCHEMES:
        raise _invalid("this is not a verification QR code")
    query = parse_qs(parts.query)
    client_id = (query.get("client_id") or [""])[0]
    uri = (query.get("request_uri") or [""])[0]
    if not client_id or not uri or not uri.startswith(("https://", "http://")):
        raise _invalid("the QR code needs client_id and an http(s) request_uri")
    return client_id, uri


def _organization(leaf: x509.Certificate) -> str:
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = leaf.subject.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)
    return leaf.subject.rfc4514_string()


def _check_client_id(client_id: str, leaf: x509.Certificate) -> None:
    prefix, _, value = client_id.partition(":")
    if prefix == "x509_san_dns":
        try:
            san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            raise HolderError("untrusted_verifier", "the certificate names no host") from None
        if value not in san.get_values_for_type(x509.DNSName):
            raise HolderError("untrusted_verifier", "client_id is not a host of the certificate")
    elif prefix == "x509_hash":
        digest = b64url_encode(hashlib.sha256(leaf.public_bytes(Encoding.DER)).digest())
        if value != digest:
            raise HolderError("untrusted_verifier", "client_id is not the certificate's hash")
    else:
        raise _invalid(f"unsupported client_id prefix {prefix!r}")


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise _invalid(f"the request has no {name}")
    return value


def parse_request(
    token: str, client_id: str, roots: list[x509.Certificate], now: Any
) -> PresentationRequest:
    """Check a request object and read it; every fault raises :class:`HolderError`."""
    try:
        header = jose.unverified_header(token)
    except JoseError as exc:
        raise _invalid(exc.message) from None
    if header.get("typ") != REQUEST_TYP:
        raise _invalid("the request object's typ is not oauth-authz-req+jwt")
    try:
        leaf = validate_chain(header.get("x5c") or [], roots, now)
    except ChainError as exc:
        raise HolderError("untrusted_verifier", exc.message) from None
    key = leaf.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise HolderError("untrusted_verifier", "the verifier key is not an EC key")
    try:
        _, claims = jose.verify_claims(token, key)
    except JoseError as exc:
        raise HolderError("untrusted_verifier", exc.message) from None
    if claims.get("client_id") != client_id:
        raise _invalid("the request object is for another client_id")
    _check_client_id(client_id, leaf)
    if claims.get("response_type") != "vp_token" or claims.get("response_mode") != (
        "direct_post.jwt"
    ):
        raise _invalid("only response_type vp_token with direct_post.jwt is supported")
    exp = claims.get("exp")
    if isinstance(exp, int | float) and exp < now.timestamp():
        raise _invalid("the request has expired")
    response_uri = _text(claims, "response_uri")
    if not response_uri.startswith(("https://", "http://")):
        raise _invalid("response_uri must be an http(s) URL")
    metadata = claims.get("client_metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    jwks = metadata.get("jwks")
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    enc_key = next(
        (k for k in keys if isinstance(k, dict) and k.get("alg") == encryption.ALG
         and k.get("crv") == "P-256"), None,
    ) if isinstance(keys, list) else None  # fmt: skip
    if enc_key is None:
        raise _invalid("the request has no P-256 ECDH-ES key to encrypt the response to")
    try:
        jose.key_from_jwk({k: enc_key.get(k) for k in ("kty", "crv", "x", "y")})
    except JoseError as exc:
        raise _invalid(exc.message) from None
    offered = metadata.get("encrypted_response_enc_values_supported") or ["A128GCM"]
    if not isinstance(offered, list):
        raise _invalid("encrypted_response_enc_values_supported must be an array")
    enc = next((e for e in encryption.ENC_VALUES if e in offered), None)
    if enc is None:
        raise _invalid("no supported content encryption is offered")
    query = claims.get("dcql_query")
    names, vct_values = _read_query(query)
    return PresentationRequest(
        client_id=client_id, verifier=_organization(leaf), nonce=_text(claims, "nonce"),
        state=_text(claims, "state"), response_uri=response_uri, query=query or {},
        encryption_key=enc_key, enc=enc, claims=names, vct_values=vct_values,
    )  # fmt: skip


def _read_query(query: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    credentials = query.get("credentials") if isinstance(query, dict) else None
    if not isinstance(credentials, list) or len(credentials) != 1:
        raise _invalid("the DCQL query must ask for exactly one credential")
    wanted = credentials[0]
    if not isinstance(wanted, dict) or wanted.get("id") != presets.CREDENTIAL_QUERY_ID:
        raise _invalid("the DCQL query's credential id must be student_id")
    if wanted.get("format") != presets.FORMAT:
        raise _invalid("only dc+sd-jwt credentials can be presented")
    meta = wanted.get("meta")
    vct_values = meta.get("vct_values") if isinstance(meta, dict) else None
    if not isinstance(vct_values, list) or not all(isinstance(v, str) for v in vct_values):
        raise _invalid("the DCQL query needs meta.vct_values")
    asked = wanted.get("claims") or []
    if not isinstance(asked, list):
        raise _invalid("the DCQL query's claims must be an array")
    names = []
    for item in asked:
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, list) or len(path) != 1 or not isinstance(path[0], str):
            raise _invalid("only top-level claims can be asked for")
        names.append(path[0])
    return tuple(names), tuple(vct_values)


def fetch_request(
    holder: Holder, client_id: str, request_uri: str
) -> PresentationRequest:
    """GET the request object and check it against the holder's trusted roots."""
    try:
        answer = holder.http.get(request_uri)
    except httpx.HTTPError as exc:
        raise HolderError("no_connection", f"request: {exc}") from None
    if answer.status_code != 200:
        raise _invalid(f"the request is unknown or expired (HTTP {answer.status_code})")
    media = answer.headers.get("content-type", "").split(";")[0].strip()
    if media != "application/oauth-authz-req+jwt":
        raise _invalid("the request object is not application/oauth-authz-req+jwt")
    if holder.trusted_roots is None:
        raise HolderError("untrusted_verifier", "the wallet trusts no root certificate")
    return parse_request(answer.text.strip(), client_id, holder.trusted_roots, holder._now())


def matching_claims(request: PresentationRequest, stored: StoredCredential) -> list[str]:
    """The claims to disclose, when ``stored`` can answer ``request``."""
    if stored.claims.get("vct") not in request.vct_values:
        raise HolderError("no_matching_credential", "no student ID of the type asked for")
    available = {d.name for d in stored.sd_jwt.disclosures} | set(stored.claims)
    missing = [name for name in request.claims if name not in available]
    if missing:
        raise HolderError("no_matching_credential", f"the student ID has no {missing}")
    return list(request.claims)


def _post(holder: Holder, request: PresentationRequest, form: dict[str, str]) -> dict[str, Any]:
    result = holder._post(request.response_uri, "response", data=form)
    return result if isinstance(result, dict) else {}


def send_presentation(
    holder: Holder, request: PresentationRequest, presentation: str
) -> dict[str, Any]:
    """Encrypt ``presentation`` to the verifier's key and POST it to ``response_uri``."""
    payload = {"vp_token": {presets.CREDENTIAL_QUERY_ID: [presentation]}, "state": request.state}
    token = encryption.encrypt(payload, request.encryption_key, request.enc)
    return _post(holder, request, {"response": token})


def share(holder: Holder, stored: StoredCredential, request: PresentationRequest) -> dict[str, Any]:
    """Disclose what the request asks for (and nothing more); the verifier's answer."""
    disclose = matching_claims(request, stored)
    presentation = holder.present(
        stored, disclose, audience=request.client_id, nonce=request.nonce
    )
    return send_presentation(holder, request, presentation)


def decline(holder: Holder, request: PresentationRequest) -> dict[str, Any]:
    """Tell the verifier the student said no (``error=access_denied``)."""
    return _post(holder, request, {"error": "access_denied", "state": request.state})


def offline_qr_bytes(holder: Holder, stored: StoredCredential, now: Any = None) -> bytes:
    """The offline QR code's bytes: zlib of the SD-JWT+KB for ``urn:legitka:offline``."""
    moment = now if now is not None else holder._now()
    available = {d.name for d in stored.sd_jwt.disclosures}
    presentation = sd_jwt.present(
        stored.sd_jwt, disclose=[n for n in presets.OFFLINE_CLAIMS if n in available],
        holder_key=holder.key, audience=OFFLINE_AUDIENCE, nonce=secrets.token_urlsafe(12),
        issued_at=int(moment.timestamp()),
    )  # fmt: skip
    return zlib.compress(presentation.encode("ascii"), 9)
