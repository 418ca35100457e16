"""The credential endpoint's work: activate an mLegitymacja, or renew it (OpenID4VCI §8).

An access token from the pre-authorized code grant activates its order: the mLegitymacja is
bound to the key of the phone's proof, the older one on another phone ends (R15), the order is
picked up. An access token from the refresh grant, or a second request with the same token,
renews it: a new credential with the validity the student last extended to (R19), with the
current register data, bound to the same key, each with its own status list index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import WARSAW, Clock, local_today
from legitka.credentials import jose, sd_jwt
from legitka.credentials.sd_jwt import Signer
from legitka.domain.mobile_ids import ENDED, MobileIdStatus
from legitka.domain.orders import OrderReason, OrderStatus
from legitka.domain.text import N_
from legitka.issuer import claims, mobile_ids, nonces, orders, proofs, secrets, status_lists, urls
from legitka.issuer.config import IssuerConfig
from legitka.issuer.errors import OAuthError
from legitka.registry import audit
from legitka.registry.models import (
    IssuanceToken,
    IssuedCredential,
    MobileId,
    Order,
    Person,
    Study,
    University,
)
from legitka.registry.services.students import eligibility

ACTOR = "wallet"


@dataclass(frozen=True)
class Issued:
    credential: str
    notification_id: str


def read_request(body: Any) -> str:
    """The one ``jwt`` key proof of a credential request, after checking its shape."""
    if not isinstance(body, dict):
        raise OAuthError(
            "invalid_credential_request", N_("The credential request must be a JSON object.")
        )
    if "credential_response_encryption" in body:
        raise OAuthError(
            "invalid_encryption_parameters",
            N_("Encrypted credential responses are not supported: leave out "
               "credential_response_encryption."),
        )  # fmt: skip
    if "credential_identifier" in body:
        raise OAuthError(
            "unknown_credential_identifier",
            N_("No credential identifiers were issued: use credential_configuration_id."),
        )
    configuration = body.get("credential_configuration_id")
    if configuration is None:
        raise OAuthError(
            "invalid_credential_request",
            N_("The credential request needs credential_configuration_id."),
        )
    if configuration != urls.CONFIGURATION_ID:
        raise OAuthError(
            "unknown_credential_configuration",
            N_("Unknown credential configuration: this issuer offers only student-id."),
        )
    if "proofs" not in body:
        if "proof" in body:
            raise OAuthError(
                "invalid_credential_request",
                N_("Send the key proof in proofs.jwt (OpenID4VCI 1.0), not in proof."),
            )
        raise OAuthError("invalid_proof", N_("The credential request needs a key proof (proofs)."))
    given = body["proofs"]
    if not isinstance(given, dict) or len(given) != 1:
        raise OAuthError("invalid_proof", N_("proofs must hold exactly one proof type."))
    if "jwt" not in given:
        raise OAuthError("invalid_proof", N_("Only the jwt proof type is supported."))
    jwts = given["jwt"]
    if not isinstance(jwts, list) or not jwts:
        raise OAuthError("invalid_proof", N_("proofs.jwt must be a non-empty array."))
    if len(jwts) > 1:
        raise OAuthError(
            "invalid_credential_request",
            N_("An mLegitymacja is bound to one phone: send exactly one key proof."),
        )
    proof: str = jwts[0]
    return proof


def end_of_validity(valid_until: dt.date) -> dt.datetime:
    """``exp`` of a credential valid until ``valid_until``: midnight after it, Warsaw time."""
    midnight = dt.datetime.combine(valid_until + dt.timedelta(days=1), dt.time(), tzinfo=WARSAW)
    return midnight.astimezone(dt.UTC)


def denied(description: str, **params: Any) -> OAuthError:
    return OAuthError("credential_request_denied", description, **params)


def issue(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    signer: Signer,
    university: University,
    token: IssuanceToken,
    body: Any,
) -> Issued:
    """Handle a credential request authorised by ``token``. The caller commits, also after an
    :class:`OAuthError` (a used nonce or an order that turned out ineligible stays recorded)."""
    proof_jwt = read_request(body)
    now = clock.now()
    proof = proofs.check(
        proof_jwt,
        audience=config.issuer_id(university.slug),
        now=int(now.timestamp()),
        max_age=config.proof_max_age_seconds,
        skew=config.clock_skew_seconds,
    )
    if not nonces.consume(session, clock, university.id, proof.nonce):
        raise OAuthError(
            "invalid_nonce",
            N_("The key proof's nonce is unknown, used or expired: get a new c_nonce."),
        )
    order = session.get_one(Order, token.order_id)
    mobile_id = mobile_ids.of_order(session, order)
    if mobile_id is None:
        return _activate(session, clock, config, signer, university, order, proof)
    return _renew(session, clock, config, signer, university, mobile_id, proof)


def _activate(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    signer: Signer,
    university: University,
    order: Order,
    proof: proofs.KeyProof,
) -> Issued:
    if order.status is not OrderStatus.READY or order.claims is None:
        raise denied(
            N_("This mLegitymacja order is {state}: order a new one."), state=order.status.value
        )
    study = session.get_one(Study, order.study_id)
    person = session.get_one(Person, order.person_id)
    result = eligibility(session, study, clock)
    if not result.eligible or result.valid_until is None:
        orders.move(
            session, clock, order, OrderStatus.INVALIDATED, actor=ACTOR,
            reason=OrderReason.NOT_ELIGIBLE,
        )  # fmt: skip
        raise denied(
            N_("You no longer meet the conditions for an mLegitymacja: see the student portal.")
        )
    if person.personal_data.fingerprint() != order.data_fingerprint:
        prepared = claims.prepare(session, study)
        order.claims = prepared.claims
        order.data_fingerprint = prepared.data_fingerprint
        order.card_number = prepared.card_number
    today = local_today(clock)
    now = clock.now()
    mobile_id = MobileId(
        university_id=order.university_id,
        person_id=order.person_id,
        study_id=order.study_id,
        order_id=order.id,
        status=MobileIdStatus.ACTIVE,
        status_changed_at=now,
        holder_jwk=proof.jwk,
        holder_kid=jose.jwk_thumbprint(proof.jwk),
        card_number=order.card_number,
        data_fingerprint=order.data_fingerprint or person.personal_data.fingerprint(),
        issued_on=today,
        valid_until=result.valid_until,
        created_at=now,
    )
    session.add(mobile_id)
    session.flush()
    mobile_ids.replace_older(session, clock, study, keep=mobile_id.id, actor=ACTOR)
    issued = _sign(
        session, clock, config, signer, university, mobile_id, order.claims, renewal=False
    )
    order.valid_until = result.valid_until
    orders.move(session, clock, order, OrderStatus.PICKED_UP, actor=ACTOR)
    audit.record(
        session, clock, actor=ACTOR, action="mobile_id.activated", subject_type="mobile_id",
        subject_id=mobile_id.id, university_id=mobile_id.university_id, order_id=order.id,
        valid_until=result.valid_until.isoformat(),
    )  # fmt: skip
    return issued


def _renew(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    signer: Signer,
    university: University,
    mobile_id: MobileId,
    proof: proofs.KeyProof,
) -> Issued:
    if mobile_id.status in ENDED:
        raise denied(N_("This mLegitymacja was cancelled or revoked: order a new one."))
    if jose.jwk_thumbprint(proof.jwk) != mobile_id.holder_kid:
        raise OAuthError(
            "invalid_proof",
            N_("The key proof is not made with the key this mLegitymacja is bound to."),
        )
    target = mobile_ids.standing_of(session, clock, mobile_id)
    if target.status is not MobileIdStatus.ACTIVE:
        raise denied(N_("This mLegitymacja is suspended or no longer valid: see the portal."))
    study = session.get_one(Study, mobile_id.study_id)
    try:
        prepared = claims.prepare(session, study)
    except claims.PictureError:
        raise denied(
            N_("Your photo is missing from the register: contact the dean's office.")
        ) from None
    issued = _sign(
        session, clock, config, signer, university, mobile_id, prepared.claims, renewal=True
    )
    audit.record(
        session, clock, actor=ACTOR, action="mobile_id.renewed", subject_type="mobile_id",
        subject_id=mobile_id.id, university_id=mobile_id.university_id,
        valid_until=mobile_id.valid_until.isoformat(),
    )  # fmt: skip
    return issued


def _sign(
    session: Session,
    clock: Clock,
    config: IssuerConfig,
    signer: Signer,
    university: University,
    mobile_id: MobileId,
    prepared: dict[str, Any],
    *,
    renewal: bool,
) -> Issued:
    now = clock.now()
    expires = end_of_validity(mobile_id.valid_until)
    credential = IssuedCredential(
        mobile_id_id=mobile_id.id,
        notification_id=secrets.random_token(24),
        issued_at=now,
        expires_at=expires,
        valid_until=mobile_id.valid_until,
        renewal=renewal,
    )
    status_list = status_lists.allocate(session, clock, config, university.id, credential)
    iat = int(now.timestamp())
    payload = {
        "iss": config.issuer_id(university.slug),
        "iat": iat,
        "nbf": iat,
        "exp": int(expires.timestamp()),
        "vct": config.vct,
        "cnf": {"jwk": mobile_id.holder_jwk},
        "status": {
            "status_list": {
                "idx": credential.status_index,
                "uri": urls.status_list(config.base_url, university.slug, status_list.number),
            }
        },
    }
    disclosable = claims.disclosable_claims(
        prepared, issued_on=mobile_id.issued_on, today=local_today(clock),
        valid_until=mobile_id.valid_until,
    )  # fmt: skip
    text = sd_jwt.issue(
        signer, header={"typ": sd_jwt.VC_TYP}, claims=payload, disclosable=disclosable
    )
    audit.record(
        session, clock, actor=ACTOR, action="credential.issued", subject_type="mobile_id",
        subject_id=mobile_id.id, university_id=mobile_id.university_id,
        credential_id=credential.id, renewal=renewal,
    )  # fmt: skip
    return Issued(text, credential.notification_id)


NOTIFICATION_EVENTS = ("credential_accepted", "credential_failure", "credential_deleted")


def notify(session: Session, clock: Clock, token: IssuanceToken, body: Any) -> None:
    """The wallet's notification (§11): accepted confirms the activation; a failure or deletion
    of a first credential cancels that mLegitymacja, so the student can order again."""
    if not isinstance(body, dict):
        raise OAuthError(
            "invalid_notification_request", N_("The notification must be a JSON object.")
        )
    notification_id = body.get("notification_id")
    event = body.get("event")
    if not isinstance(notification_id, str) or event not in NOTIFICATION_EVENTS:
        raise OAuthError(
            "invalid_notification_request",
            N_("A notification needs notification_id and an event of credential_accepted, "
               "credential_failure or credential_deleted."),
        )  # fmt: skip
    credential = session.scalar(
        select(IssuedCredential).where(IssuedCredential.notification_id == notification_id)
    )
    mobile_id = session.get(MobileId, credential.mobile_id_id) if credential else None
    if credential is None or mobile_id is None or mobile_id.order_id != token.order_id:
        raise OAuthError("invalid_notification_id", N_("The notification_id is unknown."))
    audit.record(
        session, clock, actor=ACTOR, action=f"credential.{event}", subject_type="mobile_id",
        subject_id=mobile_id.id, university_id=mobile_id.university_id,
        credential_id=credential.id,
    )  # fmt: skip
    if event == "credential_accepted":
        if mobile_id.accepted_at is None:
            mobile_id.accepted_at = clock.now()
    elif not credential.renewal and mobile_id.accepted_at is None:
        mobile_ids.set_status(
            session, clock, mobile_id, MobileIdStatus.CANCELLED,
            reason=OrderReason.WALLET_FAILED, actor=ACTOR,
        )  # fmt: skip
