"""Writing audit events. Details hold identifiers and codes only, never personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.registry.models import AuditEvent

FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "pesel",
        "given_names",
        "family_name",
        "name",
        "birth_date",
        "email",
        "photo",
        "image",
        "account_number",
        "counterparty",
        "old_value",
        "new_value",
    }
)


def record(
    session: Session,
    clock: Clock,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: int | None,
    university_id: int | None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session (it commits with the change it describes)."""
    leaked = FORBIDDEN_DETAIL_KEYS.intersection(details)
    if leaked:
        raise ValueError(f"audit details must not carry personal data: {sorted(leaked)}")
    event = AuditEvent(
        university_id=university_id,
        at=clock.now(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    session.add(event)
    return event
