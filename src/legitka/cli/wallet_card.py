"""How ``legitka wallet`` shows the stored ID: as the card does, or as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.table import Table
from rich.text import Text

from legitka.cli.common import cli_locale, console
from legitka.cli.wallet_common import _t
from legitka.clock import WARSAW
from legitka.domain.text import N_
from legitka.wallet.status import Standing, StatusReport
from legitka.wallet.store import StoreEntry

L_NAME = N_("Name")
L_BIRTH = N_("Date of birth")
L_PESEL = N_("PESEL")
L_ALBUM = N_("Album number")
L_UNIVERSITY = N_("University")
L_ISSUED = N_("Issue date")
L_VALID_UNTIL = N_("Valid until")
L_PHOTO = N_("Photo")
L_STATUS = N_("Status")
L_UPDATED = N_("Data updated")
L_PICTURE_PRESENT = N_("in the credential")
L_PICTURE_MISSING = N_("none")
STANDING_LABELS = {
    Standing.VALID: N_("valid"),
    Standing.REVOKED: N_("cancelled or revoked"),
    Standing.SUSPENDED: N_("suspended"),
    Standing.EXPIRED: N_("expired"),
    Standing.NOT_YET_VALID: N_("not valid yet"),
    Standing.STATUS_UNAVAILABLE: N_("status unavailable"),
}
L_INVALID = N_("INVALID: {reason}")
L_UNAVAILABLE = N_(
    "The status could not be checked ({reason}): this is not a cancellation, try again later."
)
L_CHECKED = N_("status checked live at {time}")
L_VALID_UNTIL_LOWER = N_("valid until")


def _valid_until(claims: dict[str, Any]) -> dt.date | None:
    exp = claims.get("exp")
    if not isinstance(exp, int | float):
        return None
    return dt.datetime.fromtimestamp(exp - 1, WARSAW).date()


def _university(claims: dict[str, Any]) -> str:
    university = claims.get("university") or {}
    names = university.get("name") or {}
    return str(names.get(cli_locale()) or names.get("en") or university.get("id") or "")


def _name(claims: dict[str, Any]) -> str:
    return f"{claims.get('given_name', '')} {claims.get('family_name', '')}".strip()


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M %Z")


def _summary(claims: dict[str, Any]) -> str:
    until = _valid_until(claims)
    return (
        f"{_name(claims)}, {_university(claims)} "
        f"({_t(L_VALID_UNTIL_LOWER)} {until.isoformat() if until else '?'})"
    )


def _iso(timestamp: Any) -> str | None:
    if not isinstance(timestamp, int | float):
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


PERSONAL = (
    "given_name",
    "family_name",
    "birthdate",
    "personal_administrative_number",
    "student_id",
    "university",
    "issuance_date",
    "age_over_18",
    "age_under_26",
    "escn",
)


def _as_json(entry: StoreEntry, report: StatusReport) -> dict[str, Any]:
    claims = entry.stored.claims
    until = _valid_until(claims)
    detail = {"code": report.detail_code, "message": report.detail} if report.detail_code else None
    return {
        "status": report.standing.value,
        "invalid": report.standing.invalid,
        "status_checked_at": report.checked_at.isoformat(),
        "status_detail": detail,
        **{name: claims[name] for name in PERSONAL if name in claims},
        "picture": "picture" in claims,
        "valid_until": until.isoformat() if until else None,
        "expires_at": _iso(claims.get("exp")),
        "issued_at": _iso(claims.get("iat")),
        "issuer": entry.stored.issuer,
        "vct": claims.get("vct"),
        "status_list": (claims.get("status") or {}).get("status_list"),
        "activated_at": entry.activated_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


def _print_card(entry: StoreEntry, report: StatusReport) -> None:
    claims = entry.stored.claims
    until = _valid_until(claims)
    table = Table(show_header=False, box=None)
    table.add_row(_t(L_NAME), _name(claims))
    table.add_row(_t(L_BIRTH), str(claims.get("birthdate", "")))
    table.add_row(_t(L_PESEL), str(claims.get("personal_administrative_number", "")))
    table.add_row(_t(L_ALBUM), str(claims.get("student_id", "")))
    table.add_row(_t(L_UNIVERSITY), _university(claims))
    table.add_row(_t(L_ISSUED), str(claims.get("issuance_date", "")))
    table.add_row(_t(L_VALID_UNTIL), until.isoformat() if until else "")
    table.add_row(_t(L_PHOTO), _t(L_PICTURE_PRESENT if "picture" in claims else L_PICTURE_MISSING))
    label = _t(STANDING_LABELS[report.standing])
    table.add_row(
        _t(L_STATUS),
        f"{label} ({report.standing.value}), {_t(L_CHECKED, time=_local(report.checked_at))}",
    )
    table.add_row(_t(L_UPDATED), _local(entry.updated_at))
    console.print(table, highlight=False, markup=False)
    if report.standing.invalid:
        line = _t(L_INVALID, reason=label) + f" [{report.standing.value}]"
        console.print(Text(f"✗ {line}", style="bold white on red"), highlight=False)
    elif report.standing is Standing.STATUS_UNAVAILABLE:
        message = _t(L_UNAVAILABLE, reason=report.detail or "")
        console.print(Text(f"? {message}", style="bold yellow"), highlight=False)
