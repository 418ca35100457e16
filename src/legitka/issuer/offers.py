"""Credential offers (QR code + activation code) and the token endpoint's grants.

The pre-authorized code grant (OpenID4VCI §6.1) redeems an offer once: the activation code is
the ``tx_code``, compared in constant time; every wrong code costs one of the offer's attempts
and the last one burns the offer. The refresh token grant (RFC 6749 §6) lets the wallet fetch a
renewed mLegitymacja without a new QR code (R19); refresh tokens rotate on every use.
"""

from __future__ import annotations

import datetime as dt
import secrets as random_source
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.mobile_ids import ENDED
from legitka.domain.orders import OrderReason, OrderStatus
from legitka.domain.text import N_
from legitka.issuer import orders, secrets, urls
from legitka.issuer.config import IssuerConfig
from legitka.issuer.errors import OAuthError
from legitka.registry import audit
from legitka.registry.models import (
    IssuanceToken,
    MobileId,
    Offer,
    OfferStatus,
    Order,
    TokenKind,
    University,
)

ACTIVATION_CODE_DESCRIPTION = (
    "Enter the activation code shown next to the QR code in the student portal."
)
ACTOR_WALLET = "wallet"


def create_offer(session: Session, clock: Clock, config: IssuerConfig, order: Order) -> Offer:
    """A new offer for a ready order, valid ``offer_days`` days."""
    salt = random_source.token_urlsafe(24)
    codes = secrets.offer_codes(config.secret_key, salt)
    now = clock.now()
    offer = Offer(
        order_id=order.id,
        university_id=order.university_id,
        salt=salt,
        ref_hash=secrets.token_hash(codes.reference),
        code_hash=secrets.token_hash(codes.pre_authorized_code),
        tx_code_mac=secrets.activation_code_mac(config.secret_key, salt, codes.activation_code),
        status=OfferStatus.OPEN,
        failed_attempts=0,
        created_at=now,
        expires_at=now + dt.timedelta(days=config.offer_days),
    )
    session.add(offer)
    order.offer = offer
    return offer


def offer_document(
    session: Session, clock: Clock, config: IssuerConfig, university: University, reference: str
) -> dict[str, Any]:
    """The Credential Offer object behind ``credential_offer_uri`` (OpenID4VCI §4.1.1)."""
    offer = session.scalar(
        select(Offer).where(
            Offer.ref_hash == secrets.token_hash(reference),
            Offer.university_id == university.id,
        )
    )
    if offer is None or offer.status is not OfferStatus.OPEN or offer.expires_at <= clock.now():
        raise OAuthError(
            "invalid_request",
            N_(
                "This mLegitymacja does not exist or has expired: order a new one in the student "
                "portal."
            ),
            status=404,
        )
    codes = secrets.offer_codes(config.secret_key, offer.salt)
    return {
        "credential_issuer": config.issuer_id(university.slug),
        "credential_configuration_ids": [urls.CONFIGURATION_ID],
        "grants": {
            urls.PRE_AUTHORIZED_GRANT: {
                "pre-authorized_code": codes.pre_authorized_code,
                "tx_code": {
                    "input_mode": "numeric",
                    "length": secrets.ACTIVATION_CODE_LENGTH,
                    "description": ACTIVATION_CODE_DESCRIPTION,
                },
            }
        },
    }


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_in: int


def _new_tokens(session: Session, clock: Clock, config: IssuerConfig, order: Order) -> TokenGrant:
    now = clock.now()
    access = secrets.random_token()
    refresh = secrets.random_token()
    session.add_all(
        [
            IssuanceToken(
                kind=TokenKind.ACCESS, token_hash=secrets.token_hash(access),
                university_id=order.university_id, order_id=order.id, created_at=now,
                expires_at=now + dt.timedelta(seconds=config.access_token_seconds),
            ),
            IssuanceToken(
                kind=TokenKind.REFRESH, token_hash=secrets.token_hash(refresh),
                university_id=order.university_id, order_id=order.id, created_at=now,
                expires_at=now + dt.timedelta(days=config.refresh_token_days),
            ),
        ]
    )  # fmt: skip
    return TokenGrant(access, refresh, config.access_token_seconds)


def _burn(session: Session, clock: Clock, offer: Offer) -> None:
    offer.status = OfferStatus.BURNED
    order = session.get_one(Order, offer.order_id)
    if order.status is OrderStatus.READY:
        orders.move(
            session, clock, order, OrderStatus.EXPIRED, actor=ACTOR_WALLET,
            reason=OrderReason.TOO_MANY_ATTEMPTS,
        )  # fmt: skip


def redeem_pre_authorized_code(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    university: University,
    code: str,
    tx_code: str | None,
) -> TokenGrant:
    """Exchange a pre-authorized code and its activation code for tokens (single use).

    A wrong activation code is counted before it is compared (the attempt is reserved
    atomically), so parallel guesses cannot get more than the allowed number of tries. The
    caller commits also when this raises: the count and a burned offer must stay recorded.
    """
    offer = session.scalar(
        select(Offer).where(
            Offer.code_hash == secrets.token_hash(code), Offer.university_id == university.id
        )
    )
    if offer is None:
        raise OAuthError("invalid_grant", N_("The pre-authorized code is unknown."))
    if offer.status is not OfferStatus.OPEN:
        raise OAuthError(
            "invalid_grant",
            N_(
                "This QR code was already used or is no longer valid ({state}): order a new "
                "mLegitymacja."
            ),
            state=offer.status.value,
        )
    if offer.expires_at <= clock.now():
        offer.status = OfferStatus.EXPIRED
        order = session.get_one(Order, offer.order_id)
        if order.status is OrderStatus.READY:
            orders.move(
                session, clock, order, OrderStatus.EXPIRED, actor=ACTOR_WALLET,
                reason=OrderReason.OFFER_EXPIRED,
            )  # fmt: skip
        raise OAuthError(
            "invalid_grant",
            N_("This QR code has expired: order a new mLegitymacja in the student portal."),
        )
    if tx_code is None or tx_code == "":
        raise OAuthError(
            "invalid_request",
            N_("The activation code (tx_code) is missing: enter the activation code."),
        )
    reserved = session.execute(
        update(Offer)
        .where(
            Offer.id == offer.id,
            Offer.status == OfferStatus.OPEN,
            Offer.failed_attempts < config.activation_attempts,
        )
        .values(failed_attempts=Offer.failed_attempts + 1)
        .returning(Offer.failed_attempts)
    ).scalar()
    if reserved is None:
        raise OAuthError(
            "invalid_grant",
            N_("This QR code is no longer valid: order a new mLegitymacja."),
        )
    session.refresh(offer)
    if not secrets.activation_code_matches(
        config.secret_key, offer.salt, tx_code, offer.tx_code_mac
    ):
        left = config.activation_attempts - reserved
        audit.record(
            session, clock, actor=ACTOR_WALLET, action="offer.wrong_activation_code",
            subject_type="offer", subject_id=offer.id, university_id=offer.university_id,
            attempts_left=left,
        )  # fmt: skip
        if left <= 0:
            _burn(session, clock, offer)
            raise OAuthError(
                "invalid_grant",
                N_(
                    "Wrong activation code, and no attempts are left: this QR code no longer "
                    "works. Order a new mLegitymacja."
                ),
            )
        raise OAuthError(
            "invalid_grant",
            N_("Wrong activation code: {left} attempts left."),
            left=left,
        )
    used = session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.status == OfferStatus.OPEN)
        .values(
            status=OfferStatus.USED,
            used_at=clock.now(),
            failed_attempts=Offer.failed_attempts - 1,
        )
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise OAuthError("invalid_grant", N_("This QR code was already used."))
    session.refresh(offer)
    order = session.get_one(Order, offer.order_id)
    audit.record(
        session, clock, actor=ACTOR_WALLET, action="offer.redeemed", subject_type="offer",
        subject_id=offer.id, university_id=offer.university_id, order_id=order.id,
    )  # fmt: skip
    return _new_tokens(session, clock, config, order)


def redeem_refresh_token(
    session: Session, clock: Clock, config: IssuerConfig, university: University, token: str
) -> TokenGrant:
    """Exchange a refresh token for new tokens (the old refresh token is spent)."""
    now = clock.now()
    found = session.scalar(
        select(IssuanceToken).where(
            IssuanceToken.token_hash == secrets.token_hash(token),
            IssuanceToken.kind == TokenKind.REFRESH,
            IssuanceToken.university_id == university.id,
        )
    )
    if found is None or found.spent_at is not None or found.expires_at <= now:
        raise OAuthError(
            "invalid_grant",
            N_("The refresh token is unknown, used or expired: order a new mLegitymacja."),
        )
    spent = session.execute(
        update(IssuanceToken)
        .where(IssuanceToken.id == found.id, IssuanceToken.spent_at.is_(None))
        .values(spent_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise OAuthError("invalid_grant", N_("The refresh token was already used."))
    order = session.get_one(Order, found.order_id)
    mobile_id = session.scalar(select(MobileId).where(MobileId.order_id == order.id))
    if mobile_id is None or mobile_id.status in ENDED:
        raise OAuthError(
            "invalid_grant",
            N_("This mLegitymacja was cancelled or revoked: order a new one."),
        )
    return _new_tokens(session, clock, config, order)


def access_token(
    session: Session, clock: Clock, university: University, token: str | None
) -> IssuanceToken | None:
    """The live access token ``token`` of this university, or ``None``."""
    if not token:
        return None
    found = session.scalar(
        select(IssuanceToken).where(
            IssuanceToken.token_hash == secrets.token_hash(token),
            IssuanceToken.kind == TokenKind.ACCESS,
            IssuanceToken.university_id == university.id,
        )
    )
    if found is None or found.spent_at is not None or found.expires_at <= clock.now():
        return None
    return found
