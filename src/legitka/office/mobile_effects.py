"""What a change of the register will do to a student's mLegitymacja, told before it is saved.

The console reads the register entry as it is, makes the entry as it would be after the change
(:func:`~legitka.domain.mobile_ids.with_status`,
:func:`~legitka.domain.mobile_ids.with_personal_data`) and asks the one rule the issuer's
reconcile applies after saving (:func:`legitka.issuer.mobile_ids.effect_of`) what it does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.identity import PersonalData
from legitka.domain.mobile_ids import (
    Effect,
    MobileIdStatus,
    with_personal_data,
    with_status,
)
from legitka.domain.orders import REASON_MESSAGES
from legitka.domain.studies import StudyStatus
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.issuer.mobile_ids import effect_of
from legitka.registry.models import Study
from legitka.registry.services.snapshots import register_state, snapshot

REVOKES = N_("This invalidates {count} mLegitymacja: verifiers will see it as invalid.")
SUSPENDS = N_(
    "This suspends {count} mLegitymacja until the student's rights are restored: verifiers "
    "will see it as suspended."
)
RESTORES = N_("This restores {count} suspended mLegitymacja: it works again.")
ORDER_ENDS = N_("This invalidates the student's open mLegitymacja order.")
NEW_OFFER = N_(
    "This prepares a new mLegitymacja offer with the new data and notifies the student: no "
    "duplicate of the plastic card and no visit to the dean's office are needed."
)
NO_EFFECT = N_("No effect on the student's mLegitymacja.")


@dataclass(frozen=True)
class Line:
    code: str  # revokes, suspends, restores, order_ended, new_offer, no_effect
    text: str
    reason: str | None = None


def describe(effect: Effect, locale: str) -> list[Line]:
    """The effect in words, one line per kind of consequence."""
    lines = []
    for status, code, message in (
        (MobileIdStatus.REVOKED, "revokes", REVOKES),
        (MobileIdStatus.SUSPENDED, "suspends", SUSPENDS),
        (MobileIdStatus.ACTIVE, "restores", RESTORES),
    ):
        moves = [m for m in effect.moves if m.status is status]
        if moves:
            reason = moves[0].reason
            lines.append(
                Line(
                    code,
                    translate(message, locale, {"count": len(moves)}),
                    translate(REASON_MESSAGES[reason], locale) if reason else None,
                )
            )
    if effect.order_ended is not None:
        lines.append(
            Line("order_ended", translate(ORDER_ENDS, locale),
                 translate(REASON_MESSAGES[effect.order_ended], locale))
        )  # fmt: skip
    if effect.new_offer:
        lines.append(Line("new_offer", translate(NEW_OFFER, locale)))
    if not lines:
        lines.append(Line("no_effect", translate(NO_EFFECT, locale)))
    return lines


def of_status_change(
    session: Session, clock: Clock, study: Study, status: StudyStatus, since: dt.date
) -> Effect:
    before = register_state(session, study)
    return effect_of(session, clock, study, with_status(before, status, since), before)


def of_data_change(
    session: Session, clock: Clock, study: Study, data: dict[str, Any]
) -> Effect:
    """``data``: the personal data as they would be (``people.proposed_data``)."""
    snap = snapshot(session, study)
    before = register_state(session, study)
    after = with_personal_data(
        before,
        PersonalData(data["given_names"], data["family_name"], data["birth_date"], data["pesel"]),
        card_fingerprint=snap.card.data_fingerprint if snap.card is not None else None,
    )
    return effect_of(session, clock, study, after, before)
