"""A university's public page: who may order a mobile student ID there, and what the card costs."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from legitka.domain.eligibility import CHECK_LABELS, POLICY_CHECKS, Policy
from legitka.domain.money import format_pln
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.registry.services.universities import get_university
from legitka.web.deps import LocaleDep, SessionDep
from legitka.web.i18n import render

POLICY_EXPLANATIONS: dict[Policy, str] = {
    Policy.ELS_LINKED: N_(
        "Here the mobile student ID follows the plastic card: it can be ordered by a student who "
        "meets all of the conditions below, and its validity is extended after each renewal of "
        "the plastic card."
    ),
    Policy.PESEL: N_(
        "Here every student with a PESEL number may order the mobile student ID; the plastic "
        "card is optional. Students without a PESEL get the plastic card only."
    ),
}

router = APIRouter()


@router.get("/u/{slug}/", include_in_schema=False)
def university_page(
    slug: str, request: Request, session: SessionDep, locale: LocaleDep
) -> Response:
    university = get_university(session, slug)
    conditions = [
        translate(CHECK_LABELS[code], locale) for code in POLICY_CHECKS[university.policy]
    ]
    return render(
        request,
        "university.html",
        {
            "name": university.name(locale),
            "explanation": translate(POLICY_EXPLANATIONS[university.policy], locale),
            "conditions": conditions,
            "els_fee": format_pln(university.els_fee_grosze),
            "duplicate_fee": format_pln(university.duplicate_fee_grosze),
        },
    )
