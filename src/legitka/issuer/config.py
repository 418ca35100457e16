"""The issuer's share of the settings, as one small immutable object its services take."""

from __future__ import annotations

from dataclasses import dataclass

from legitka.config import Settings
from legitka.issuer import urls


@dataclass(frozen=True)
class IssuerConfig:
    base_url: str
    secret_key: str
    offer_days: int = 30
    activation_attempts: int = 5
    status_list_ttl: int = 300
    status_list_lifetime: int = 86400
    status_list_size: int = 100_000
    refresh_token_days: int = 365
    access_token_seconds: int = 600
    nonce_seconds: int = 300
    proof_max_age_seconds: int = 300  # how old a key proof's iat may be
    clock_skew_seconds: int = 60

    @classmethod
    def from_settings(cls, settings: Settings) -> IssuerConfig:
        return cls(
            base_url=settings.effective_base_url,
            secret_key=settings.secret_key.get_secret_value(),
            offer_days=settings.offer_days,
            activation_attempts=settings.activation_attempts,
            status_list_ttl=settings.status_list_ttl,
            status_list_lifetime=settings.status_list_lifetime,
            status_list_size=settings.status_list_size,
            refresh_token_days=settings.refresh_token_days,
        )

    def issuer_id(self, slug: str) -> str:
        return urls.issuer_id(self.base_url, slug)

    @property
    def vct(self) -> str:
        return urls.vct(self.base_url)
