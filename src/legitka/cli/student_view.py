"""A student's register entry in the terminal: the view of ``legitka students show``.

It renders the JSON-ready report of :func:`legitka.registry.services.students.student_report`
(so the terminal and ``--json`` never disagree): the person, the study, the photo and oath, the
ELS cards with their renewals, the charges, the card conditions and the mLegitymacja
eligibility checklist with ✓ or ✗ and the reason for each item.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from legitka.domain.accounts import format_nrb
from legitka.domain.money import format_pln
from legitka.domain.text import N_
from legitka.i18n import translate

L_PERSON = N_("Personal data")
L_GIVEN_NAMES = N_("Given names")
L_FAMILY_NAME = N_("Family name")
L_BIRTH_DATE = N_("Date of birth")
L_ACCOUNT = N_("Individual account number")
L_DATA_CHANGES = N_("Changes of personal data")
L_STUDY = N_("Studies")
L_PROGRAMME = N_("Programme")
L_LEVEL = N_("Level of studies")
L_STATUS = N_("Study status")
L_SINCE = N_("since {date}")
L_STARTED = N_("Started on")
L_GRADUATED = N_("Graduated on")
L_RESUMED = N_("Resumed on")
L_INTAKE = N_("Intake")
L_PHOTO = N_("ID photo")
L_OATH = N_("Oath and declarations")
L_NONE = N_("(none)")
L_ELS_CARDS = N_("Plastic cards (ELS)")
L_CARD = N_("Card number")
L_CARD_STATUS = N_("Card status")
L_ISSUED = N_("Issued on")
L_CHIP = N_("Chip serial")
L_RENEWALS = N_("Renewals (semester → valid until, hologram)")
L_CONTINUED = N_("continued from the previous study")
L_DUPLICATE = N_("duplicate: {reason}")
L_CHARGES = N_("Fees charged")
L_KIND = N_("Fee")
L_AMOUNT = N_("Amount charged")
L_PAID = N_("Paid so far")
L_DUE = N_("Pay by")
L_CHARGE_STATUS = N_("Fee status")
L_CARD_CONDITIONS = N_("Conditions for the plastic card")
L_ELIGIBILITY = N_("mLegitymacja eligibility")
L_ELIGIBLE = N_("May order an mLegitymacja (policy {policy}, valid until {valid_until}).")
L_NOT_ELIGIBLE = N_("Cannot order an mLegitymacja yet (policy {policy}):")

OK, FAIL = "✓", "✗"


class Language(StrEnum):
    """The ``--lang`` choices of the commands that print messages for students."""

    PL = "pl"
    EN = "en"


def render_student(report: dict[str, Any], locale: str, university_name: str) -> RenderableType:
    """The whole register entry as one rich renderable."""

    def t(message: str, **params: Any) -> str:
        return translate(message, locale, params or None)

    person, study = report["person"], report["study"]
    title = Text.assemble(
        (f"{person['given_names']} {person['family_name']}", "bold"),
        f"  ·  {report['album'] or '-'}  ·  {university_name} ({report['university']})",
    )
    parts: list[RenderableType] = [title]

    changes = ", ".join(f"{c['field']} ({c['changed_at'][:10]})" for c in person["data_changes"])
    parts.append(
        _fields(
            t(L_PERSON),
            [
                (t(L_GIVEN_NAMES), person["given_names"]),
                (t(L_FAMILY_NAME), person["family_name"]),
                (t(L_BIRTH_DATE), person["birth_date"]),
                ("PESEL", person["pesel"] or "-"),
                ("E-mail", person["email"] or "-"),
                (
                    t(L_ACCOUNT),
                    format_nrb(person["account_number"]) if person["account_number"] else "-",
                ),
                (t(L_DATA_CHANGES), changes or t(L_NONE)),
            ],
        )
    )
    photo = report["photo"]
    photo_text = photo["status"] or t(L_NONE)
    if photo["rejection_reason"]:
        photo_text += f" ({photo['rejection_reason']})"
    parts.append(
        _fields(
            t(L_STUDY),
            [
                (t(L_PROGRAMME), study["programme"]),
                (t(L_LEVEL), study["level"]),
                (
                    t(L_STATUS),
                    f"{study['status']} ({t(L_SINCE, date=study['status_since'])})",
                ),
                (t(L_STARTED), study["started_on"]),
                (t(L_GRADUATED), study["graduated_on"] or "-"),
                (t(L_RESUMED), study["resumed_on"] or "-"),
                (t(L_INTAKE), study["intake"] or "-"),
                (t(L_PHOTO), photo_text),
                (t(L_OATH), OK if report["oath_taken"] else FAIL),
            ],
        )
    )
    parts.append(_cards(report["els_cards"], t))
    parts.append(_charges(report["charges"], t))
    parts.append(_checklist(t(L_CARD_CONDITIONS), report["els_conditions"]))

    eligibility = report["eligibility"]
    if eligibility["eligible"]:
        verdict = Text(
            f"{OK} "
            + t(L_ELIGIBLE, policy=eligibility["policy"], valid_until=eligibility["valid_until"]),
            style="bold green",
        )
    else:
        verdict = Text(
            f"{FAIL} " + t(L_NOT_ELIGIBLE, policy=eligibility["policy"]), style="bold red"
        )
    parts.append(
        Panel(
            Group(verdict, _checklist(None, eligibility["checks"])),
            title=t(L_ELIGIBILITY),
            title_align="left",
        )
    )
    return Group(*parts)


def _fields(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, Text(str(value)))
    return table


def _cards(cards: list[dict[str, Any]], t: Any) -> RenderableType:
    if not cards:
        return Text(f"{t(L_ELS_CARDS)}: {t(L_NONE)}", style="bold")
    table = Table(title=t(L_ELS_CARDS), title_justify="left")
    for column in (L_CARD, L_CARD_STATUS, L_ISSUED, L_CHIP, L_RENEWALS):
        table.add_column(t(column))
    for card in cards:
        notes = []
        if card["duplicate_reason"]:
            notes.append(t(L_DUPLICATE, reason=card["duplicate_reason"]))
        if card["continued"]:
            notes.append(t(L_CONTINUED))
        renewals = "\n".join(
            f"{r['semester']} → {r['valid_until']}  #{r['hologram_number']}"
            for r in card["renewals"]
        )
        name = f"{card['number']}{card['edition']}" + "".join(f"\n{n}" for n in notes)
        table.add_row(
            Text(name),
            Text(card["status"], style="green" if card["status"] == "active" else "yellow"),
            card["issued_on"] or "-",
            card["chip_serial"] or "-",
            Text(renewals or "-"),
        )
    return table


def _charges(charges: list[dict[str, Any]], t: Any) -> RenderableType:
    if not charges:
        return Text(f"{t(L_CHARGES)}: {t(L_NONE)}", style="bold")
    table = Table(title=t(L_CHARGES), title_justify="left")
    for column in (L_KIND, L_AMOUNT, L_PAID, L_DUE, L_CHARGE_STATUS):
        table.add_column(t(column))
    for charge in charges:
        table.add_row(
            charge["kind"],
            format_pln(round(charge["amount"] * 100)),
            format_pln(round(charge["paid"] * 100)),
            charge["due_date"] or "-",
            Text(charge["status"], style="green" if charge["status"] == "paid" else "yellow"),
        )
    return table


def _checklist(title: str | None, items: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for item in items:
        mark = Text(OK, style="bold green") if item["ok"] else Text(FAIL, style="bold red")
        table.add_row(mark, Text(item["message"], style="" if item["ok"] else "red"))
    return table


def print_student(
    console: Console, report: dict[str, Any], locale: str, university_name: str
) -> None:
    console.print(render_student(report, locale, university_name), soft_wrap=False)
