"""Who may order an mLegitymacja, under either policy (R6, R7), item by item (R8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from legitka.domain.els import ElsCardStatus
from legitka.domain.semesters import semester_at
from legitka.domain.studies import (
    ELIGIBLE_LEVELS,
    StudyLevel,
    StudyStatus,
    graduate_grace_end,
    has_student_rights,
)
from legitka.domain.text import N_


class Policy(StrEnum):
    ELS_LINKED = "els-linked"  # the seeds' rules: the mobile ID follows the plastic card
    PESEL = "pesel"  # Polish law since 1 October 2025: the plastic card is optional


class PhotoStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class CardFacts:
    """What eligibility needs to know of the student's current ELS card."""

    number: str
    status: ElsCardStatus
    valid_until: dt.date | None  # with the emergency extension already applied
    data_unchanged: bool


@dataclass(frozen=True)
class StudentFacts:
    """A snapshot of one student's register entry, taken by the service layer."""

    policy: Policy
    status: StudyStatus
    level: StudyLevel
    graduated_on: dt.date | None
    has_pesel: bool
    album_number: str | None
    photo: PhotoStatus | None
    photo_rejection_reason: str | None
    card: CardFacts | None


@dataclass(frozen=True)
class Check:
    """One eligibility condition: its stable code, whether it holds, and its message's variant."""

    code: str
    ok: bool
    variant: str = "ok"
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The English message (a msgid of the catalogs), not yet formatted."""
        return CHECK_MESSAGES[(self.code, self.variant)]


@dataclass(frozen=True)
class Eligibility:
    policy: Policy
    checks: tuple[Check, ...]
    valid_until: dt.date | None

    @property
    def eligible(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def unmet(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


CHECK_MESSAGES: dict[tuple[str, str], str] = {
    ("level_not_eligible", "ok"): N_("Your programme gives the right to a student ID."),
    ("level_not_eligible", "postgraduate"): N_(
        "Postgraduate studies do not give the right to a student ID card, "
        "so no mLegitymacja can be issued."
    ),
    ("inactive_status", "ok"): N_("Your student status is active."),
    ("inactive_status", "graduate-grace"): N_(
        "You graduated from first-cycle studies: you keep your student rights until {until}."
    ),
    ("inactive_status", StudyStatus.ON_LEAVE.value): N_(
        "You are on leave: you can order an mLegitymacja after you return to your studies."
    ),
    ("inactive_status", StudyStatus.SUSPENDED.value): N_(
        "Your student rights are suspended: contact the dean's office."
    ),
    ("inactive_status", StudyStatus.GRADUATED.value): N_(
        "You have graduated and your student rights have ended."
    ),
    ("inactive_status", StudyStatus.REMOVED.value): N_(
        "You have been removed from the list of students: if you resume your studies, "
        "order the mLegitymacja anew."
    ),
    ("no_pesel", "ok"): N_("Your PESEL number is in the register."),
    ("no_pesel", "missing"): N_(
        "There is no PESEL number in your register entry: only the plastic card is available "
        "to you. If you have a PESEL, ask the dean's office to record it."
    ),
    ("no_album_number", "ok"): N_("You have an album number."),
    ("no_album_number", "missing"): N_(
        "You have no album number yet: the dean's office assigns it when you are enrolled."
    ),
    ("no_approved_photo", "ok"): N_("Your photo is approved."),
    ("no_approved_photo", "missing"): N_(
        "There is no photo of you in the register: upload one in the Photo block."
    ),
    ("no_approved_photo", PhotoStatus.PENDING.value): N_(
        "Your photo is waiting for the dean's office's approval."
    ),
    ("no_approved_photo", PhotoStatus.REJECTED.value): N_(
        "Your photo was rejected ({reason}): upload a new one."
    ),
    ("no_els", "ok"): N_("You have a plastic student ID card (ELS) {number}."),
    ("no_els", "missing"): N_(
        "You have no plastic student ID card (ELS): take the oath, pay the card fee and "
        "collect the card from the dean's office."
    ),
    ("no_els", ElsCardStatus.APPLIED.value): N_(
        "Your application for a plastic card ({number}) is recorded: collect the card from the "
        "dean's office when it is printed, then order the mLegitymacja."
    ),
    ("no_els", ElsCardStatus.PRINTING.value): N_(
        "Your plastic card {number} is being printed: collect it from the dean's office, "
        "then order the mLegitymacja."
    ),
    ("no_els", ElsCardStatus.READY_TO_COLLECT.value): N_(
        "Your plastic card {number} is ready: collect it from the dean's office, "
        "then order the mLegitymacja."
    ),
    ("no_els", ElsCardStatus.LOST.value): N_(
        "Your plastic card {number} was reported lost: apply for a duplicate."
    ),
    ("no_els", ElsCardStatus.CANCELLED.value): N_(
        "Your plastic card {number} was cancelled: apply for a new card at the dean's office."
    ),
    ("no_els", ElsCardStatus.REPLACED.value): N_(
        "Your plastic card {number} was replaced by a duplicate that is not active yet: "
        "collect the duplicate from the dean's office."
    ),
    ("els_not_renewed", "ok"): N_("Your plastic card is valid until {valid_until}."),
    ("els_not_renewed", "expired"): N_(
        "Your plastic card expired on {valid_until}: have it renewed (a new hologram sticker) "
        "at the dean's office."
    ),
    ("els_not_renewed", "never"): N_(
        "Your plastic card has no valid semester sticker: have it renewed at the dean's office."
    ),
    ("els_not_renewed", "no-card"): N_("Renewal needs a plastic card first."),
    ("data_changed_since_els", "ok"): N_(
        "Your personal data has not changed since your card was issued."
    ),
    ("data_changed_since_els", "changed"): N_(
        "Your personal data changed after your card was issued: a duplicate card is needed "
        "(apply for it at the dean's office)."
    ),
    ("data_changed_since_els", "no-card"): N_("The data check needs a plastic card first."),
}


# What each condition asks for, in a few words: the list a university shows before anyone logs in.
CHECK_LABELS: dict[str, str] = {
    "level_not_eligible": N_("Studies that give the right to a student ID (not postgraduate)"),
    "inactive_status": N_("Active student status"),
    "no_pesel": N_("A PESEL number in the register"),
    "no_album_number": N_("An album number"),
    "no_approved_photo": N_("An approved photo"),
    "no_els": N_("A plastic student ID card (ELS)"),
    "els_not_renewed": N_("The plastic card renewed for the current semester"),
    "data_changed_since_els": N_("Personal data unchanged since the plastic card was issued"),
}

_COMMON_CHECKS = (
    "level_not_eligible",
    "inactive_status",
    "no_pesel",
    "no_album_number",
    "no_approved_photo",
)
POLICY_CHECKS: dict[Policy, tuple[str, ...]] = {
    Policy.ELS_LINKED: (*_COMMON_CHECKS, "no_els", "els_not_renewed", "data_changed_since_els"),
    Policy.PESEL: _COMMON_CHECKS,
}


def evaluate(facts: StudentFacts, today: dt.date) -> Eligibility:
    """Every condition of the student's university policy, each with its outcome."""
    checks: list[Check] = []

    if facts.level in ELIGIBLE_LEVELS:
        checks.append(Check("level_not_eligible", True))
    else:
        checks.append(Check("level_not_eligible", False, "postgraduate"))

    rights = has_student_rights(facts.status, facts.level, facts.graduated_on, today)
    grace_end: dt.date | None = None
    if rights and facts.status is StudyStatus.GRADUATED and facts.graduated_on is not None:
        grace_end = graduate_grace_end(facts.graduated_on)
        checks.append(
            Check("inactive_status", True, "graduate-grace", {"until": grace_end.isoformat()})
        )
    elif rights:
        checks.append(Check("inactive_status", True))
    else:
        checks.append(Check("inactive_status", False, facts.status.value))

    checks.append(
        Check("no_pesel", True) if facts.has_pesel else Check("no_pesel", False, "missing")
    )
    checks.append(
        Check("no_album_number", True)
        if facts.album_number
        else Check("no_album_number", False, "missing")
    )

    if facts.photo is PhotoStatus.APPROVED:
        checks.append(Check("no_approved_photo", True))
    elif facts.photo is None:
        checks.append(Check("no_approved_photo", False, "missing"))
    else:
        checks.append(
            Check(
                "no_approved_photo",
                False,
                facts.photo.value,
                {"reason": facts.photo_rejection_reason or "-"},
            )
        )

    valid_until: dt.date | None
    if facts.policy is Policy.ELS_LINKED:
        checks.extend(_card_checks(facts.card, today))
        valid_until = facts.card.valid_until if facts.card else None
    else:
        valid_until = semester_at(today).validity_end
    if grace_end is not None and valid_until is not None:
        valid_until = min(valid_until, grace_end)

    return Eligibility(facts.policy, tuple(checks), valid_until)


def _card_checks(card: CardFacts | None, today: dt.date) -> list[Check]:
    if card is None:
        return [
            Check("no_els", False, "missing"),
            Check("els_not_renewed", False, "no-card"),
            Check("data_changed_since_els", False, "no-card"),
        ]
    params = {"number": card.number, "status": card.status.value}
    if card.status is ElsCardStatus.ACTIVE:
        checks = [Check("no_els", True, params=params)]
    else:
        checks = [Check("no_els", False, card.status.value, params)]

    if card.valid_until is None:
        checks.append(Check("els_not_renewed", False, "never"))
    elif card.valid_until < today:
        checks.append(
            Check(
                "els_not_renewed", False, "expired", {"valid_until": card.valid_until.isoformat()}
            )
        )
    else:
        checks.append(
            Check("els_not_renewed", True, params={"valid_until": card.valid_until.isoformat()})
        )

    if card.data_unchanged:
        checks.append(Check("data_changed_since_els", True))
    else:
        checks.append(Check("data_changed_since_els", False, "changed"))
    return checks
