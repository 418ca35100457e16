"""``legitka demo``: the demo data and its accounts.

Like ``legitka serve --demo``, these commands use the folder ``data/demo`` unless a data dir or a
database URL is given, so that they find the demo that ``serve --demo`` created.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    cli_locale,
    connect,
    console,
    database_error,
    load,
    safe_url,
)
from legitka.cli.student_view import Language
from legitka.demo import demo_accounts, ensure_demo, ensure_demo_keys
from legitka.demo.cases import CASES, UNIVERSITIES
from legitka.demo.generate import generate_students
from legitka.runtime import Runtime

app = typer.Typer(help="Demo data: create it and list the demo accounts.", no_args_is_help=True)


@contextmanager
def demo_runtime(
    config: ConfigOption, database_url: DatabaseUrlOption, data_dir: DataDirOption
) -> Iterator[Runtime]:
    settings = load(config, database_url, data_dir, demo=True)
    runtime = connect(settings)
    try:
        yield runtime
    except SQLAlchemyError as exc:
        raise database_error(settings.effective_database_url, exc) from None
    finally:
        runtime.close()


@app.command()
def create(
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create the demo universities and students (once: nothing happens when they exist)."""
    with demo_runtime(config, database_url, data_dir) as runtime:
        created = ensure_demo(runtime)
        ensure_demo_keys(runtime)
        url = safe_url(runtime.settings.effective_database_url)
    if created:
        console.print(
            f"Demo created in {url}: {len(UNIVERSITIES)} universities, {len(CASES)} students. "
            "Their logins: legitka demo accounts",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
    else:
        console.print(
            f"The demo already exists in {url}. Its logins: legitka demo accounts",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )


@app.command()
def accounts(
    as_json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language of the descriptions (default: the terminal's)."),
    ] = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """List the demo students' portal logins and passwords, each with its situation."""
    locale = lang.value if lang else cli_locale()
    with demo_runtime(config, database_url, data_dir) as runtime:
        rows = demo_accounts(runtime, locale)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title="Demo accounts (portal logins)", title_justify="left")
    for column in ("University", "Login", "Password", "Album", "Eligible", "Card"):
        table.add_column(column, no_wrap=True)
    table.add_column("Situation", overflow="fold", min_width=24)
    for row in rows:
        table.add_row(
            row["university"],
            row["login"],
            row["password"],
            row["album"] or "-",
            Text("✓", style="bold green") if row["eligible"] else Text("✗", style="bold red"),
            row["card"] or "-",
            Text(row["case"]),
        )
    console.print(table)


@app.command()
def generate(
    students: Annotated[
        int, typer.Option("--students", "-n", min=1, help="How many students to add.")
    ],
    university: Annotated[
        str, typer.Option("--university", "-u", help="The university's short name (slug).")
    ] = "pd",
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed for reproducible students.")
    ] = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=10_000, help="Students per transaction.")
    ] = 500,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Add many generated students (for load tests): PESELs, accounts, photos, cards."""
    with demo_runtime(config, database_url, data_dir) as runtime:
        started = time.perf_counter()
        columns = (
            TextColumn("[bold]Generating students"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("students", total=students)
            report = generate_students(
                runtime,
                students,
                university_slug=university,
                seed=seed,
                batch_size=batch_size,
                on_progress=lambda n: progress.advance(task, n),
            )
        seconds = time.perf_counter() - started
    plans = ", ".join(f"{plan} {n}" for plan, n in sorted(report.plans.items()))
    console.print(
        f"Added {report.created} students to {report.university} in {seconds:.1f} s "
        f"(albums {report.first_album}–{report.last_album}; {plans}).\n"
        f"Each logs in with login s<album> (e.g. {report.example_login}) and password "
        f"{report.password}.",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )
