"""What a verification ends with: a verdict and a closed set of reason codes, each with a label.

A result never says only "no": every refusal carries at least one code below, and the codes are
stable (integrators and the statistics store them). ``status_unavailable`` and ``status_stale``
say that the status could not be checked; they are never reported as ``revoked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from legitka.domain.text import N_
from legitka.i18n import translate


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    DECLINED = "declined"
    EXPIRED = "expired"


REASONS: dict[str, str] = {
    "expired": N_("The student ID has expired."),
    "not_yet_valid": N_("The student ID is not valid yet."),
    "revoked": N_("The student ID has been revoked or cancelled."),
    "suspended": N_("The student ID is suspended."),
    "bad_signature": N_("The issuer's signature does not verify: the data may have been altered."),
    "untrusted_issuer": N_("The student ID was not issued by a trusted university."),
    "trust_unavailable": N_(
        "The list of trusted universities is out of date: connect the verifier and try again."
    ),
    "wrong_nonce": N_("The answer belongs to another verification (wrong nonce)."),
    "wrong_audience": N_("The answer was made for another verifier."),
    "stale_key_binding": N_("The answer was not made just now: it may be a copy."),
    "bad_key_binding": N_("The answer was not signed by the phone the ID was issued to."),
    "bad_disclosure": N_("Some shown data do not belong to the signed student ID."),
    "missing_claims": N_("Some of the data asked for were not shown."),
    "extra_claims": N_("More data were shown than asked for."),
    "wrong_type": N_("This is not a student ID."),
    "status_unavailable": N_("The revocation status could not be checked: try again."),
    "status_stale": N_("Only an out-of-date revocation status is known: connect and try again."),
    "malformed": N_("The answer cannot be read."),
    "replayed": N_("This answer has already been used."),
    "declined": N_("The student declined to share the data."),
    "request_expired": N_("Nobody answered before the request expired."),
}

VERDICTS: dict[Verdict, str] = {
    Verdict.VALID: N_("Valid"),
    Verdict.INVALID: N_("Invalid"),
    Verdict.DECLINED: N_("Declined"),
    Verdict.EXPIRED: N_("Expired without an answer"),
}


def label(code: str, locale: str) -> str:
    return translate(REASONS[code], locale)


@dataclass
class Outcome:
    """What validating one presentation found: reason codes (none: valid) and the claims."""

    reasons: list[str] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict)
    status_checked_at: int | None = None  # when the status list used was fetched (Unix time)
    trust_checked_at: int | None = None  # when the trust list used was fetched (Unix time)

    def add(self, code: str) -> None:
        if code not in REASONS:
            raise ValueError(f"unknown reason code {code!r}")
        if code not in self.reasons:
            self.reasons.append(code)

    @property
    def verdict(self) -> Verdict:
        if "declined" in self.reasons:
            return Verdict.DECLINED
        if "request_expired" in self.reasons:
            return Verdict.EXPIRED
        return Verdict.INVALID if self.reasons else Verdict.VALID


def reasons_json(codes: list[str], locale: str) -> list[dict[str, str]]:
    return [{"code": code, "label": label(code, locale)} for code in codes]
