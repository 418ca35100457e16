"""``legitka db``: migrate the database schema and show its revision."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    cli_runtime,
    console,
    load,
    safe_url,
)
from legitka.registry.migrate import current_revision, head_revision

app = typer.Typer(help="Database schema: migrate it and show its revision.", no_args_is_help=True)


@app.command()
def upgrade(
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Migrate the database to the newest schema and print its revision."""
    with cli_runtime(config, database_url, data_dir, upgrade=True) as runtime:
        revision = current_revision(runtime.engine)
        url = safe_url(runtime.settings.effective_database_url)
    console.print(f"{revision} (head): {url}", soft_wrap=True, highlight=False, markup=False)


@app.command()
def current(
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Print the database's schema revision and whether it is the newest."""
    settings = load(config, database_url, data_dir)
    url = settings.effective_database_url
    parsed = make_url(url)
    database = parsed.database
    is_file = parsed.get_backend_name() == "sqlite" and database and database != ":memory:"
    if is_file and not Path(str(database)).exists():
        console.print(
            f"none: no database yet at {database} (run `legitka db upgrade`)",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
        return
    with cli_runtime(config, database_url, data_dir, upgrade=False) as runtime:
        revision = current_revision(runtime.engine)
    head = head_revision(url)
    if revision is None:
        state = "none: empty database (run `legitka db upgrade`)"
    elif revision == head:
        state = f"{revision} (head)"
    else:
        state = f"{revision} (head is {head}: run `legitka db upgrade`)"
    console.print(f"{state}: {safe_url(url)}", soft_wrap=True, highlight=False, markup=False)
