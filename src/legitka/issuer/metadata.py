"""The documents a wallet or verifier reads about an issuer and the student ID type.

Credential issuer metadata (OpenID4VCI §12.2), OAuth authorization server metadata (RFC 8414
with the pre-authorized grant), JWT VC issuer metadata (SD-JWT VC §5) and the type metadata at
the ``vct`` URL (SD-JWT VC §6).
"""

from __future__ import annotations

from typing import Any

from legitka.credentials.keys import KeyRing, SigningKey
from legitka.domain.text import N_
from legitka.i18n import LOCALES, translate
from legitka.issuer import urls
from legitka.issuer.claims import DISCLOSABLE
from legitka.issuer.config import IssuerConfig
from legitka.registry.models import University

CREDENTIAL_NAME = N_("Student ID (mLegitymacja)")
CREDENTIAL_DESCRIPTION = N_("Mobile student ID card issued by the university.")
BACKGROUND = "#f4f1ea"
TEXT = "#1d2733"

CLAIM_NAMES: dict[str, str] = {
    "picture": N_("Photo"),
    "given_name": N_("First name"),
    "family_name": N_("Surname"),
    "birthdate": N_("Date of birth"),
    "personal_administrative_number": N_("PESEL"),
    "student_id": N_("Album number"),
    "university": N_("University"),
    "issuance_date": N_("Issue date"),
    "age_over_18": N_("Over 18"),
    "age_under_26": N_("Under 26"),
}


def _claims(label: str) -> list[dict[str, Any]]:
    """Claim descriptions; OpenID4VCI calls the display text ``name``, SD-JWT VC type metadata
    calls it ``label``."""
    return [
        {
            "path": [claim],
            "display": [
                {"locale": locale, label: translate(CLAIM_NAMES[claim], locale)}
                for locale in LOCALES
            ],
        }
        for claim in DISCLOSABLE
    ]


def credential_issuer(config: IssuerConfig, university: University) -> dict[str, Any]:
    issuer = config.issuer_id(university.slug)
    return {
        "credential_issuer": issuer,
        "credential_endpoint": f"{issuer}/credential",
        "nonce_endpoint": f"{issuer}/nonce",
        "notification_endpoint": f"{issuer}/notification",
        "display": [
            {"name": university.name_pl, "locale": "pl"},
            {"name": university.name_en, "locale": "en"},
        ],
        "credential_configurations_supported": {
            urls.CONFIGURATION_ID: {
                "format": "dc+sd-jwt",
                "scope": urls.CONFIGURATION_ID,
                "vct": config.vct,
                "cryptographic_binding_methods_supported": ["jwk"],
                "credential_signing_alg_values_supported": ["ES256"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
                "credential_metadata": {
                    "display": [
                        {
                            "name": translate(CREDENTIAL_NAME, locale),
                            "locale": locale,
                            "description": translate(CREDENTIAL_DESCRIPTION, locale),
                            "background_color": BACKGROUND,
                            "text_color": TEXT,
                        }
                        for locale in LOCALES
                    ],
                    "claims": _claims("name"),
                },
            }
        },
    }


def authorization_server(config: IssuerConfig, university: University) -> dict[str, Any]:
    issuer = config.issuer_id(university.slug)
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/token",
        "grant_types_supported": [urls.PRE_AUTHORIZED_GRANT, "refresh_token"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "token_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": [],
        "scopes_supported": [urls.CONFIGURATION_ID],
    }


def jwt_vc_issuer(
    config: IssuerConfig, university: University, keys: KeyRing[SigningKey], now: Any
) -> dict[str, Any]:
    return {
        "issuer": config.issuer_id(university.slug),
        "jwks": {"keys": [key.public_jwk() for key in keys.verification_keys(now)]},
    }


def type_metadata(config: IssuerConfig) -> dict[str, Any]:
    return {
        "vct": config.vct,
        "name": "legitka student ID",
        "description": "A Polish student ID card (mLegitymacja studencka) as an SD-JWT VC.",
        "display": [
            {
                "locale": locale,
                "name": translate(CREDENTIAL_NAME, locale),
                "description": translate(CREDENTIAL_DESCRIPTION, locale),
                "rendering": {"simple": {"background_color": BACKGROUND, "text_color": TEXT}},
            }
            for locale in LOCALES
        ],
        "claims": [{**claim, "sd": "always"} for claim in _claims("label")],
    }
