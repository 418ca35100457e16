"""Errors of the OpenID4VCI endpoints, in OAuth's shape: ``{"error", "error_description"}``.

The codes are the ones RFC 6749 §5.2, RFC 6750 §3 and OpenID4VCI 1.0 (§6.3, §8.3.1.2, §11.3)
define for each endpoint; the description says in plain words what is wrong and what to do.
"""

from __future__ import annotations

from typing import Any

from legitka.domain.text import N_


class OAuthError(Exception):
    """An OAuth-style error of an issuer endpoint.

    ``description`` is an English template (``N_``) filled with ``params``; the endpoint sends
    it in the language the client asks for, restricted to the ASCII the specification allows.
    """

    def __init__(
        self,
        error: str,
        description: str,
        *,
        status: int = 400,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}
        self.params = params


def invalid_token(
    description: str = N_("The access token is missing, unknown or expired."),
) -> OAuthError:
    """RFC 6750 §3: a bad bearer token is a 401 with ``WWW-Authenticate``."""
    return OAuthError(
        "invalid_token",
        description,
        status=401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )
