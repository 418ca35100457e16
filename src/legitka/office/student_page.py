"""What one student's page in the console shows, read from the register's services.

The register entry is :func:`legitka.registry.services.students.student_report` (the same the
CLI's ``students show`` and the portal use), with the console's additions: the status history,
every photo, the orders and mobile IDs, and the audit timeline.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from legitka.clock import Clock
from legitka.domain.els import CARD_STATUS_LABELS, ElsCardStatus
from legitka.domain.studies import STUDY_STATUS_LABELS, StudyStatus
from legitka.i18n import translate
from legitka.registry.models import Study
from legitka.registry.services.students import student_report


def student_page_context(
    session: Session, study: Study, clock: Clock, locale: str
) -> dict[str, Any]:
    report = student_report(session, study, clock, locale)
    for card in report["els_cards"]:
        card["status_label"] = translate(CARD_STATUS_LABELS[ElsCardStatus(card["status"])], locale)
    return {
        "study_id": study.id,
        "report": report,
        "study_status": translate(STUDY_STATUS_LABELS[StudyStatus(study.status)], locale),
    }
