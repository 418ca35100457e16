"""``legitka universities``: the universities served here, their intakes and oath texts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    DemoOption,
    cli_runtime,
    console,
)
from legitka.domain.eligibility import Policy
from legitka.domain.errors import InvalidInput
from legitka.domain.money import format_pln, parse_pln
from legitka.registry.db import transaction
from legitka.registry.models import DeclarationKind, University
from legitka.registry.services import declarations
from legitka.registry.services import universities as service

app = typer.Typer(
    help="Universities: create them, set their policy, fees and intakes, publish the oath.",
    no_args_is_help=True,
)

ACTOR = "cli"
SlugArgument = Annotated[str, typer.Argument(help="The university's short name (slug), e.g. pd.")]


def _grosze(text: str | None, field: str) -> int | None:
    return None if text is None else parse_pln(text, field=field)


def _describe(university: University) -> dict[str, object]:
    return {
        "slug": university.slug,
        "name_pl": university.name_pl,
        "name_en": university.name_en,
        "policy": university.policy.value,
        "hologram_code": university.hologram_code,
        "account_prefix": university.account_prefix,
        "els_fee": format_pln(university.els_fee_grosze),
        "duplicate_fee": format_pln(university.duplicate_fee_grosze),
        "emergency_extension_days": university.emergency_extension_days,
        "intakes": [
            {
                "code": i.code,
                "starts_on": i.starts_on.isoformat(),
                "payment_deadline": i.payment_deadline.isoformat(),
            }
            for i in university.intakes
        ],
    }


@app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """List the universities with their policy, fees and intakes."""
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        universities = service.list_universities(session)
        if as_json:
            typer.echo(
                json.dumps([_describe(u) for u in universities], ensure_ascii=False, indent=2)
            )
            return
        table = Table("slug", "name", "policy", "card fee", "duplicate", "extension", "intakes")
        for u in universities:
            intakes = ", ".join(f"{i.code} (pay by {i.payment_deadline})" for i in u.intakes)
            table.add_row(
                u.slug,
                u.name_pl,
                u.policy.value,
                format_pln(u.els_fee_grosze),
                format_pln(u.duplicate_fee_grosze),
                f"{u.emergency_extension_days} d",
                intakes or "-",
            )
    console.print(table)


@app.command()
def create(
    slug: SlugArgument,
    name_pl: Annotated[str, typer.Option("--name-pl", help="Name in Polish.")],
    name_en: Annotated[str, typer.Option("--name-en", help="Name in English.")],
    policy: Annotated[Policy, typer.Option(help="els-linked or pesel.")],
    hologram_code: Annotated[str, typer.Option("--hologram-code", help="3-digit code.")],
    account_prefix: Annotated[
        str,
        typer.Option(
            "--account-prefix",
            help="Bank sort code (8 digits) and client number that start each student's "
            "individual account.",
        ),
    ],
    els_fee: Annotated[str, typer.Option("--els-fee", help="Card fee, e.g. 22,00.")] = "22,00",
    duplicate_fee: Annotated[
        str, typer.Option("--duplicate-fee", help="Duplicate fee, e.g. 33,00.")
    ] = "33,00",
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Add a university to this deployment."""
    with (
        cli_runtime(config, database_url, data_dir) as runtime,
        transaction(runtime.sessions) as session,
    ):
        university = service.create_university(
            session,
            runtime.clock,
            slug=slug,
            name_pl=name_pl,
            name_en=name_en,
            policy=policy,
            hologram_code=hologram_code,
            account_prefix=account_prefix,
            els_fee_grosze=parse_pln(els_fee, field="els_fee"),
            duplicate_fee_grosze=parse_pln(duplicate_fee, field="duplicate_fee"),
            actor=ACTOR,
        )
        console.print(f"Created university {university.slug} ({university.policy.value}).")


@app.command("set")
def set_command(
    slug: SlugArgument,
    name_pl: Annotated[str | None, typer.Option("--name-pl")] = None,
    name_en: Annotated[str | None, typer.Option("--name-en")] = None,
    policy: Annotated[Policy | None, typer.Option(help="els-linked or pesel.")] = None,
    els_fee: Annotated[str | None, typer.Option("--els-fee", help="e.g. 22,00")] = None,
    duplicate_fee: Annotated[str | None, typer.Option("--duplicate-fee", help="e.g. 33,00")] = None,
    emergency_extension_days: Annotated[
        int | None,
        typer.Option(
            "--emergency-extension-days",
            help="Days added to every card's validity (the rector's decision, e.g. 60; 0 ends it).",
        ),
    ] = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Change a university's names, policy, fees or emergency extension."""
    changes = {
        "name_pl": name_pl,
        "name_en": name_en,
        "policy": policy,
        "els_fee_grosze": _grosze(els_fee, "els_fee"),
        "duplicate_fee_grosze": _grosze(duplicate_fee, "duplicate_fee"),
        "emergency_extension_days": emergency_extension_days,
    }
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        raise InvalidInput("nothing_to_change", "Give at least one option to change.")
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        transaction(runtime.sessions) as session,
    ):
        university = service.get_university(session, slug)
        changed = service.update_university(
            session, runtime.clock, university, actor=ACTOR, **given
        )
    console.print(f"{slug}: " + (", ".join(changed) + " changed" if changed else "no change"))


@app.command("add-intake")
def add_intake(
    slug: SlugArgument,
    code: Annotated[str, typer.Option(help="Intake code, e.g. 2026Z.")],
    starts_on: Annotated[dt.datetime, typer.Option("--starts-on", formats=["%Y-%m-%d"])],
    payment_deadline: Annotated[
        dt.datetime,
        typer.Option(
            "--payment-deadline", formats=["%Y-%m-%d"], help="Deadline of the ELS card fee."
        ),
    ],
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Add an intake (recruitment) with its card fee deadline."""
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        transaction(runtime.sessions) as session,
    ):
        university = service.get_university(session, slug)
        service.add_intake(
            session,
            runtime.clock,
            university,
            code=code.strip(),
            starts_on=starts_on.date(),
            payment_deadline=payment_deadline.date(),
            actor=ACTOR,
        )
    console.print(f"{slug}: intake {code} added (card fee due {payment_deadline.date()}).")


def _read_text(path: Path, field: str) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise InvalidInput("file_not_found", f"There is no file {path}.", field=field) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            "file_not_utf8", f"{path} is not UTF-8 text: save it as UTF-8.", field=field
        ) from None
    if not text:
        raise InvalidInput("missing_value", f"{path} is empty.", field=field)
    return text


@app.command("publish")
def publish(
    slug: SlugArgument,
    kind: Annotated[DeclarationKind, typer.Option(help="oath or declarations.")],
    title_pl: Annotated[str, typer.Option("--title-pl")],
    title_en: Annotated[str, typer.Option("--title-en")],
    text_pl: Annotated[Path, typer.Option("--text-pl", help="File with the Polish text.")],
    text_en: Annotated[Path, typer.Option("--text-en", help="File with the English text.")],
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Publish a new version of the oath or the declarations students accept in the portal."""
    polish, english = _read_text(text_pl, "text_pl"), _read_text(text_en, "text_en")
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        transaction(runtime.sessions) as session,
    ):
        university = service.get_university(session, slug)
        declaration = declarations.publish(
            session,
            runtime.clock,
            university,
            kind,
            title_pl=title_pl,
            title_en=title_en,
            text_pl=polish,
            text_en=english,
            actor=ACTOR,
        )
        version = declaration.version
    console.print(f"{slug}: {kind.value} version {version} published.")
