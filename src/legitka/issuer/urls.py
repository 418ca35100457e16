"""Where everything of a university's issuer lives, from the deployment's base URL.

The credential issuer identifier of a university is ``{base}/u/{slug}``; its well-known
metadata documents insert their well-known path between the host and that path (OpenID4VCI
§12.2.2, RFC 8414 §3, SD-JWT VC §5).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

CONFIGURATION_ID = "student-id"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer://"


def issuer_id(base: str, slug: str) -> str:
    return f"{base}/u/{slug}"


def vct(base: str) -> str:
    """The type of every legitka student ID, whichever university issued it."""
    return f"{base}/credentials/student-id/1"


def well_known(base: str, name: str, slug: str) -> str:
    parts = urlsplit(base)
    prefix = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{prefix}/u/{slug}"


def status_list(base: str, slug: str, number: int) -> str:
    return f"{issuer_id(base, slug)}/status/{number}"


def offer(base: str, slug: str, reference: str) -> str:
    """The ``credential_offer_uri``: the offer object, fetched by the wallet."""
    return f"{issuer_id(base, slug)}/offers/{reference}"


def offer_qr_uri(credential_offer_uri: str) -> str:
    """What the QR code carries: the offer by reference, so the code stays small."""
    return f"{OFFER_SCHEME}?credential_offer_uri={quote(credential_offer_uri, safe='')}"


def wallet_link(base: str, credential_offer_uri: str) -> str:
    """The same offer as an https link to legitka's web wallet, for the same phone."""
    return f"{base}/wallet/?credential_offer_uri={quote(credential_offer_uri, safe='')}"


def trust_list(base: str) -> str:
    return f"{base}/trust/list.json"
