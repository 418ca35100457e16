"""``legitka students``: the student register from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from legitka.cli.common import (
    ERROR_EXIT_CODE,
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    DemoOption,
    cli_locale,
    cli_runtime,
    console,
    err_console,
)
from legitka.cli.student_view import Language, print_student
from legitka.domain.errors import InvalidInput
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.registry.db import transaction
from legitka.registry.services import students as student_service
from legitka.registry.services.student_import import import_students
from legitka.registry.services.student_import_rows import RowError
from legitka.registry.services.universities import get_university

app = typer.Typer(help="Student register: add, import and inspect students.", no_args_is_help=True)


@app.command()
def show(
    album: Annotated[str, typer.Argument(help="The student's album number.")],
    university: Annotated[
        str, typer.Option("--university", "-u", help="The university's short name (slug).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the register entry as JSON.")
    ] = False,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language of the messages (default: the terminal's)."),
    ] = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Show a student's register entry and, check by check, whether they may order an
    mLegitymacja."""
    locale = lang.value if lang else cli_locale()
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        study = student_service.find_study(session, university, album)
        report = student_service.student_report(session, study, runtime.clock, locale)
        name = get_university(session, university).name(locale)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_student(console, report, locale, name)


IMPORTED = N_(
    "Imported {filename}: {students} students ({new_people} new people); ELS fees charged: "
    "{els_fees}."
)
DRY_RUN = N_(
    "Dry run, nothing was saved. {filename} would import {students} students ({new_people} new "
    "people); ELS fees to charge: {els_fees}."
)
NOT_IMPORTED = N_(
    "{filename}: {count} errors, nothing was imported. Correct the file and import it again."
)
MORE_ERRORS = N_("… and {count} more errors: --json lists them all.")
TABLE_LIMIT = 200


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV file of students (docs/student-import.md).")],
    university: Annotated[
        str, typer.Option("--university", "-u", help="The university's short name (slug).")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file and save nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    actor: Annotated[str, typer.Option("--actor", help="Who imports, for the audit log.")] = "cli",
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Import students from a CSV file exported by the student system: all rows or none."""
    if not file.is_file():
        raise InvalidInput(
            "file_not_found",
            f"{file} does not exist or is not a file: give the path of the CSV file.",
            field="file",
        )
    data, locale = file.read_bytes(), cli_locale()
    bar = Progress(*Progress.get_default_columns(), console=err_console, transient=True,
                   disable=as_json)  # fmt: skip
    task = bar.add_task(translate(N_("Importing students"), locale), total=None)
    try:
        with (
            bar,
            cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
            transaction(runtime.sessions) as session,
        ):
            report = import_students(
                session, runtime.clock, get_university(session, university), file.name, data,
                actor=actor, dry_run=dry_run,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    except InvalidInput as exc:
        if exc.code != "student_import_invalid":
            raise
        _print_import_errors(file.name, exc, locale, as_json)
        raise typer.Exit(ERROR_EXIT_CODE) from None
    summary = report.as_dict()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        message = translate(DRY_RUN if dry_run else IMPORTED, locale, summary)
        style = "bold" if dry_run else "bold green"
        console.print(message, style=style, markup=False, highlight=False)


def _print_import_errors(filename: str, exc: InvalidInput, locale: str, as_json: bool) -> None:
    errors = [RowError.from_dict(e) for e in exc.params["errors"]]
    summary = translate(NOT_IMPORTED, locale, {"filename": filename, "count": len(errors)})
    if as_json:
        document = {"code": exc.code, "message": summary,
                    "errors": [e.as_dict(locale) for e in errors]}  # fmt: skip
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table = Table(title=escape(summary), title_justify="left", title_style="bold red")
    for name in (N_("line"), N_("column"), N_("code"), N_("message")):
        table.add_column(translate(name, locale), overflow="fold", no_wrap=name != "message",
                         justify="right" if name == "line" else "left")  # fmt: skip
    for e in errors[:TABLE_LIMIT]:
        table.add_row(str(e.line), e.field or "-", e.code, escape(e.message(locale)))
    err_console.print(table)
    if len(errors) > TABLE_LIMIT:
        more = translate(MORE_ERRORS, locale, {"count": len(errors) - TABLE_LIMIT})
        err_console.print(more, highlight=False)
