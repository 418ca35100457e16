from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.accounts import validate_prefix
from legitka.domain.eligibility import Policy
from legitka.domain.errors import Conflict, InvalidInput, NotFound
from legitka.domain.text import N_
from legitka.registry import audit
from legitka.registry.models import Intake, University

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")


def create_university(
    session: Session,
    clock: Clock,
    *,
    slug: str,
    name_pl: str,
    name_en: str,
    policy: Policy,
    hologram_code: str,
    account_prefix: str,
    els_fee_grosze: int = 2200,
    duplicate_fee_grosze: int = 3300,
    emergency_extension_days: int = 0,
    actor: str = "system",
) -> University:
    if not SLUG.fullmatch(slug):
        raise InvalidInput(
            "invalid_slug",
            f"'{slug}' is not a valid short name: use 1-40 lowercase letters, digits and hyphens.",
            field="slug",
        )
    if not re.fullmatch(r"\d{3}", hologram_code):
        raise InvalidInput(
            "invalid_hologram_code",
            "The hologram code has exactly 3 digits.",
            field="hologram_code",
        )
    if session.scalar(select(University.id).where(University.slug == slug)) is not None:
        raise Conflict("university_exists", f"A university '{slug}' already exists.", field="slug")
    university = University(
        slug=slug,
        name_pl=name_pl.strip(),
        name_en=name_en.strip(),
        policy=policy,
        hologram_code=hologram_code,
        account_prefix=validate_prefix(account_prefix),
        els_fee_grosze=els_fee_grosze,
        duplicate_fee_grosze=duplicate_fee_grosze,
        emergency_extension_days=emergency_extension_days,
        created_at=clock.now(),
    )
    session.add(university)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="university.created",
        subject_type="university",
        subject_id=university.id,
        university_id=university.id,
        slug=slug,
        policy=policy.value,
    )
    return university


def parse_policy(value: str) -> Policy:
    try:
        return Policy(value)
    except ValueError:
        raise InvalidInput(
            "invalid_policy",
            f"'{value}' is not a policy: use els-linked (the mobile ID follows the plastic card) "
            "or pesel (every student with a PESEL).",
            field="policy",
        ) from None


def get_university(session: Session, slug: str) -> University:
    university = session.scalar(select(University).where(University.slug == slug))
    if university is None:
        known = ", ".join(session.scalars(select(University.slug).order_by(University.slug)))
        raise NotFound(
            "unknown_university",
            N_("There is no university '{slug}'. Known universities: {known}."),
            field="university",
            slug=slug,
            known=known or "-",
        )
    return university


def add_intake(
    session: Session,
    clock: Clock,
    university: University,
    *,
    code: str,
    starts_on: dt.date,
    payment_deadline: dt.date,
    actor: str = "system",
) -> Intake:
    if payment_deadline < starts_on:
        raise InvalidInput(
            "invalid_payment_deadline",
            "The ELS fee deadline cannot be before the intake starts.",
            field="payment_deadline",
        )
    intake = Intake(
        university_id=university.id,
        code=code,
        starts_on=starts_on,
        payment_deadline=payment_deadline,
    )
    session.add(intake)
    session.flush()
    audit.record(
        session,
        clock,
        actor=actor,
        action="intake.created",
        subject_type="intake",
        subject_id=intake.id,
        university_id=university.id,
        code=code,
    )
    return intake


def get_intake(session: Session, university: University, code: str) -> Intake:
    intake = session.scalar(
        select(Intake).where(Intake.university_id == university.id, Intake.code == code)
    )
    if intake is None:
        raise NotFound(
            "unknown_intake",
            f"University '{university.slug}' has no intake '{code}'.",
            field="intake",
        )
    return intake


MAX_EMERGENCY_EXTENSION_DAYS = 366
_UPDATABLE = (
    "name_pl",
    "name_en",
    "policy",
    "els_fee_grosze",
    "duplicate_fee_grosze",
    "emergency_extension_days",
)


def update_university(
    session: Session, clock: Clock, university: University, *, actor: str, **changes: object
) -> list[str]:
    """Change a university's names, policy, fees or emergency extension; returns what changed."""
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise InvalidInput(
            "unknown_field",
            f"Cannot change {', '.join(sorted(unknown))}.",
            field=sorted(unknown)[0],
        )
    for name in ("name_pl", "name_en"):
        if name in changes and not str(changes[name]).strip():
            raise InvalidInput("missing_value", f"{name} must not be empty.", field=name)
    for name in ("els_fee_grosze", "duplicate_fee_grosze"):
        value = changes.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidInput("invalid_amount", "A fee is 0 zł or more.", field=name)
    days = changes.get("emergency_extension_days")
    if days is not None and (
        not isinstance(days, int) or not 0 <= days <= MAX_EMERGENCY_EXTENSION_DAYS
    ):
        raise InvalidInput(
            "invalid_emergency_extension",
            f"The emergency extension is 0 to {MAX_EMERGENCY_EXTENSION_DAYS} days "
            "(the rector's decision; 60 is usual).",
            field="emergency_extension_days",
        )
    if "policy" in changes:
        changes["policy"] = parse_policy(str(changes["policy"]))
    changed = [n for n in _UPDATABLE if n in changes and getattr(university, n) != changes[n]]
    for name in changed:
        value = changes[name]
        setattr(university, name, value.strip() if isinstance(value, str) else value)
    if changed:
        audit.record(
            session,
            clock,
            actor=actor,
            action="university.updated",
            subject_type="university",
            subject_id=university.id,
            university_id=university.id,
            fields=changed,
            policy=university.policy.value,
            emergency_extension_days=university.emergency_extension_days,
        )
    return changed


def list_universities(session: Session) -> list[University]:
    return list(session.scalars(select(University).order_by(University.slug)))
