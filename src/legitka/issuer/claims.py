"""The data an mLegitymacja carries (DESIGN.md §5), taken from the register.

The worker prepares the personal claims and the photo when it processes an order; the issuer
adds what depends on the moment of issue (issue date, validity, age flags) when the wallet
fetches the credential.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from legitka.credentials.picture import (
    PICTURE_MAX_BYTES,
    PictureError,
    credential_picture,
)
from legitka.domain.text import N_
from legitka.registry.models import Study, University
from legitka.registry.services import photos, snapshots

# Selectively disclosable claims, in the order wallets and verifiers show them.
DISCLOSABLE = (
    "picture",
    "given_name",
    "family_name",
    "birthdate",
    "personal_administrative_number",
    "student_id",
    "university",
    "issuance_date",
    "age_over_18",
    "age_under_26",
)


@dataclass(frozen=True)
class PreparedData:
    """What the worker prepares for an order: personal claims and what they rest on."""

    claims: dict[str, Any]
    data_fingerprint: str
    card_number: str | None


def university_claim(university: University) -> dict[str, Any]:
    return {"id": university.slug, "name": {"pl": university.name_pl, "en": university.name_en}}


def prepare(session: Session, study: Study) -> PreparedData:
    """The personal claims of ``study``'s student, with the approved photo re-encoded."""
    return prepare_from(session, snapshots.snapshot(session, study, with_pictures=True))


def prepare_from(session: Session, snap: snapshots.Snapshot) -> PreparedData:
    """:func:`prepare` from a snapshot already read (a batch of orders reads them at once)."""
    if snap.photo is None:
        raise PictureError(
            "no_photo", N_("There is no approved photo: upload one and wait for its approval.")
        )
    card = snap.card
    claims = {
        "given_name": snap.person.given_names,
        "family_name": snap.person.family_name,
        "birthdate": snap.person.birth_date.isoformat(),
        "personal_administrative_number": snap.person.pesel,
        "student_id": snap.study.album_number,
        "university": university_claim(snap.university),
        "picture": photos.credential_picture_of(session, snap.photo),
    }
    return PreparedData(
        claims=claims,
        data_fingerprint=snap.person.personal_data.fingerprint(),
        card_number=f"{card.number}{card.edition}" if card is not None else None,
    )


def _birthday(birth: dt.date, years: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # born on 29 February
        return dt.date(birth.year + years, 3, 1)


def age_claims(birth: dt.date, today: dt.date, valid_until: dt.date) -> dict[str, bool]:
    """``age_over_18`` and ``age_under_26`` where they hold for the whole validity.

    A flag that would change before the credential expires is left out: the verifier then asks
    for the birth date instead of trusting a claim that turns false on the way.
    """
    flags: dict[str, bool] = {}
    adult = _birthday(birth, 18)
    if adult <= today:
        flags["age_over_18"] = True
    elif adult > valid_until:
        flags["age_over_18"] = False
    twenty_six = _birthday(birth, 26)
    if twenty_six > valid_until:
        flags["age_under_26"] = True
    elif twenty_six <= today:
        flags["age_under_26"] = False
    return flags


def disclosable_claims(
    prepared: dict[str, Any], *, issued_on: dt.date, today: dt.date, valid_until: dt.date
) -> dict[str, Any]:
    """Every selectively disclosable claim of the credential, in display order."""
    birth = dt.date.fromisoformat(prepared["birthdate"])
    values = {
        **prepared,
        "issuance_date": issued_on.isoformat(),
        **age_claims(birth, today, valid_until),
    }
    return {name: values[name] for name in DISCLOSABLE if values.get(name) is not None}


__all__ = [
    "DISCLOSABLE",
    "PICTURE_MAX_BYTES",
    "PictureError",
    "PreparedData",
    "age_claims",
    "credential_picture",
    "disclosable_claims",
    "prepare",
    "university_claim",
]
