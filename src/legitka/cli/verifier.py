"""``legitka verifier``: the verifier's API keys for integrators (ticket machines, libraries)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from legitka.cli.common import ConfigOption, DatabaseUrlOption, DataDirOption, cli_runtime, console
from legitka.registry.db import transaction
from legitka.registry.models import VerifierApiKey
from legitka.verifier import api_keys

app = typer.Typer(help="The verifier: API keys for integrators.", no_args_is_help=True)
keys = typer.Typer(
    help="API keys for POST /verifier/api/v1/requests and the status URL.", no_args_is_help=True
)
app.add_typer(keys, name="keys")


def _when(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _describe(key: VerifierApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "name": key.name,
        "created_at": _when(key.created_at),
        "last_used_at": _when(key.last_used_at),
        "revoked_at": _when(key.revoked_at),
    }


@keys.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Who uses the key, e.g. 'library desk 2'.")],
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create an API key and print its secret: it is shown this once and never again."""
    with (
        cli_runtime(config, database_url, data_dir) as runtime,
        transaction(runtime.sessions) as session,
    ):
        key = api_keys.create(session, runtime.clock.now(), name)
    console.print(
        f"API key {key.id} ({key.name}) created. Its secret is shown only now; the integrator "
        "sends it as `Authorization: Bearer <secret>`:",
        soft_wrap=True, highlight=False, markup=False,
    )  # fmt: skip
    typer.echo(key.secret)


@keys.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List the API keys (never their secrets): name, creation, last use, revocation."""
    with cli_runtime(config, database_url, data_dir) as runtime, runtime.sessions() as session:
        rows = [_describe(key) for key in api_keys.list_keys(session)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        console.print("No API keys: create one with `legitka verifier keys create NAME`.",
                      highlight=False, markup=False)  # fmt: skip
        return
    table = Table("id", "name", "created", "last used", "revoked")
    for row in rows:
        table.add_row(*(str(row[column] or "—") for column in (
            "id", "name", "created_at", "last_used_at", "revoked_at"
        )))  # fmt: skip
    console.print(table)


@keys.command("revoke")
def revoke(
    key_id: Annotated[int, typer.Argument(metavar="ID", help="The key's id (keys list).")],
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Revoke an API key: every process refuses it from now on."""
    with (
        cli_runtime(config, database_url, data_dir) as runtime,
        transaction(runtime.sessions) as session,
    ):
        name = api_keys.revoke(session, runtime.clock.now(), key_id).name
    console.print(f"API key {key_id} ({name}) revoked.", highlight=False, markup=False)
