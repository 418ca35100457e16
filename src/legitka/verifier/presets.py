"""What a verifier may ask for: a few fixed presets, each the least data for its purpose.

Each preset is one DCQL query (OpenID4VP 1.0 §6) for one SD-JWT VC of legitka's type; the
always-visible claims (``iss``, ``exp``…) come with every presentation and are not asked for.
"""

from __future__ import annotations

from typing import Any

from legitka.domain.text import N_
from legitka.issuer.urls import vct

CREDENTIAL_QUERY_ID = "student_id"
FORMAT = "dc+sd-jwt"

# Every claim of DESIGN §5 that each student ID carries. The age flags are left out of a
# credential when they would change during its validity (``issuer/claims.py``), and ``escn`` is
# optional: asking for them would make some student IDs unable to answer; the birth date says
# the same.
ALL_CLAIMS = (
    "picture",
    "given_name",
    "family_name",
    "birthdate",
    "personal_administrative_number",
    "student_id",
    "university",
    "issuance_date",
)

PRESETS: dict[str, tuple[str, ...]] = {
    # Is this the student in front of me, and are they a student (valid until exp)?
    "student_status": ("picture", "given_name", "family_name", "university"),
    # A discount for students under 26: no name, the picture to match the face.
    "discount": ("picture", "university", "age_under_26"),
    # Everything the card shows (R16).
    "full": ALL_CLAIMS,
}

PRESET_LABELS: dict[str, str] = {
    "student_status": N_("Student status"),
    "discount": N_("Student discount (under 26)"),
    "full": N_("All data of the student ID"),
}

# What the offline QR code shows (no picture: it would not fit); age_under_26 when the
# credential has it.
OFFLINE_CLAIMS = ("given_name", "family_name", "university", "student_id", "age_under_26")
OFFLINE_REQUIRED = ("given_name", "family_name", "university", "student_id")


def claims_of(preset: str) -> tuple[str, ...]:
    return PRESETS[preset]


def dcql_query(base: str, preset: str, vct_values: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The DCQL query of ``preset`` for student IDs of type ``{base}/credentials/student-id/1``
    (or of any of ``vct_values``: the types of the deployments the verifier trusts)."""
    return {
        "credentials": [
            {
                "id": CREDENTIAL_QUERY_ID,
                "format": FORMAT,
                "meta": {"vct_values": list(vct_values or (vct(base),))},
                "claims": [{"path": [name]} for name in PRESETS[preset]],
            }
        ]
    }
