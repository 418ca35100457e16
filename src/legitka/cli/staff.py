"""``legitka staff``: the dean's office console's staff accounts (create, list, disable)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from legitka.cli.common import ConfigOption, DatabaseUrlOption, DataDirOption, cli_runtime, console
from legitka.domain.staff import StaffRole
from legitka.office import accounts
from legitka.registry.db import transaction
from legitka.registry.models import StaffAccount, University

app = typer.Typer(
    help="Staff of the dean's office console: accounts and roles.", no_args_is_help=True
)
ACTOR = "cli"


def _describe(account: StaffAccount, slugs: dict[int, str]) -> dict[str, object]:
    return {
        "login": account.login,
        "display_name": account.display_name,
        "role": account.role.value,
        "university": slugs.get(account.university_id) if account.university_id else None,
        "active": account.active,
        "created_at": account.created_at.isoformat(timespec="seconds"),
    }


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@app.command()
def create(
    login: Annotated[str, typer.Argument(help="The login, e.g. dziekanat.pd.")],
    role: Annotated[StaffRole, typer.Option("--role", help="What the account may do.")],
    university: Annotated[
        str | None,
        typer.Option(
            "--university",
            "-u",
            help="The university's short name (slug); none for a system_admin.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The name shown in the console.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create a staff account (the password is asked for, or read with --password-stdin)."""
    password = _password(password_stdin)
    with (
        cli_runtime(config, database_url, data_dir) as runtime,
        transaction(runtime.sessions) as session,
    ):
        account = accounts.create_staff(
            session, runtime.clock, login=login, password=password,
            display_name=name or login, role=role, university_slug=university, actor=ACTOR,
        )  # fmt: skip
        where = f" at {university}" if account.university_id else " (every university)"
        message = f"Staff account {account.login} created: {account.role.value}{where}."
    console.print(message, highlight=False, markup=False)


@app.command("list")
def list_command(
    university: Annotated[
        str | None, typer.Option("--university", "-u", help="Only this university's staff.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List the staff accounts: login, name, role, university, whether active."""
    with cli_runtime(config, database_url, data_dir) as runtime, runtime.sessions() as session:
        slugs = {u.id: u.slug for u in session.query(University)}
        rows = [_describe(a, slugs) for a in accounts.list_staff(session, university)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print("No staff accounts: create one with `legitka staff create LOGIN --role …`.",
                      highlight=False, markup=False)  # fmt: skip
        return
    table = Table("login", "name", "role", "university", "active", "created")
    for row in rows:
        table.add_row(
            str(row["login"]), str(row["display_name"]), str(row["role"]),
            str(row["university"] or "—"), "yes" if row["active"] else "no",
            str(row["created_at"]),
        )  # fmt: skip
    console.print(table)


@app.command()
def disable(
    login: Annotated[str, typer.Argument(help="The account's login.")],
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Disable a staff account: it cannot sign in, and its sessions end now."""
    with (
        cli_runtime(config, database_url, data_dir) as runtime,
        transaction(runtime.sessions) as session,
    ):
        accounts.disable_staff(session, runtime.clock, login, actor=ACTOR)
    console.print(f"Staff account {login} disabled.", highlight=False, markup=False)
