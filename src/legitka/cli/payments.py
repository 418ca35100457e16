"""``legitka payments``: fees and payments from the command line."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    DemoOption,
    cli_runtime,
    console,
)
from legitka.domain.accounts import format_nrb
from legitka.domain.errors import InvalidInput
from legitka.domain.money import format_pln
from legitka.registry.services.statements import ImportReport, import_statement
from legitka.registry.services.universities import get_university
from legitka.registry.statements import MAX_STATEMENT_BYTES

app = typer.Typer(
    help="Fees and payments: import bank statements, record and list payments.",
    no_args_is_help=True,
)


class StatementFormat(StrEnum):
    AUTO = "auto"
    MT940 = "mt940"
    CSV = "csv"


def read_statement(path: Path) -> bytes:
    """The file's bytes, or a coded error saying why it cannot be read."""
    if not path.is_file():
        raise InvalidInput(
            "statement_not_found",
            f"{path} does not exist or is not a file: give the path of the exported statement.",
            field="file",
        )
    if path.stat().st_size > MAX_STATEMENT_BYTES:
        raise InvalidInput(
            "statement_too_large",
            f"{path.name} is larger than {MAX_STATEMENT_BYTES // (1024 * 1024)} MB: "
            "export a shorter period.",
            field="file",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            "statement_unreadable", f"{path} cannot be read: {exc.strerror}.", field="file"
        ) from None


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The bank statement: MT940 (.sta, .mt940) or CSV.")],
    university: Annotated[
        str, typer.Option("--university", help="Short name (slug) of the university.")
    ],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what the import would do and change nothing."),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    statement_format: Annotated[
        StatementFormat,
        typer.Option("--format", help="The file's format; auto recognises it from the content."),
    ] = StatementFormat.AUTO,
    actor: Annotated[str, typer.Option("--actor", help="Who imports, for the audit log.")] = "cli",
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Import a bank statement: settle the fees of the students whose accounts were credited.

    Nothing is imported from a file with a bad record; importing a file again settles nothing
    twice. Transfers to accounts of no student are listed for the dean's office.
    """
    data = read_statement(file)
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        uni = get_university(session, university)
        report = import_statement(
            session,
            runtime.clock,
            uni,
            file.name,
            data,
            actor=actor,
            dry_run=dry_run,
            format=statement_format.value,
        )
        if not dry_run:
            session.commit()
    if json_output:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print_report(report)


def print_report(report: ImportReport) -> None:
    """The report for people: counts, then tables of what needs attention."""
    out = console
    counts = report.counts()
    heading = "Dry run, nothing was saved" if report.dry_run else "Imported"
    out.print(
        f"[bold]{heading}:[/bold] {escape(report.filename)} ({report.format.upper()}), "
        f"{counts['transactions']} incoming transfers",
        highlight=False,
    )
    if report.previously_imported:
        when = ", ".join(at.strftime("%Y-%m-%d %H:%M UTC") for at in report.previously_imported)
        out.print(f"[yellow]This file was imported before: {when}.[/yellow]", highlight=False)
    out.print(
        f"  matched {counts['matched']}, unmatched {counts['unmatched']}, "
        f"already recorded {counts['duplicates']}, over-payments {counts['overpayments']}, "
        f"skipped (debits, reversals) {counts['skipped']}",
        highlight=False,
    )
    if report.matched:
        table = Table(title="Payments settled", title_justify="left")
        for column in ("line", "album", "amount", "charges", "credit"):
            table.add_column(
                column,
                justify="right" if column != "charges" else "left",
                no_wrap=column != "charges",
            )
        for m in report.matched:
            charges = "; ".join(
                f"{c.kind.value} {format_pln(c.amount_grosze)}"
                + (" paid" if c.paid_in_full else f" ({format_pln(c.outstanding_grosze)} due)")
                for c in m.charges
            )
            table.add_row(
                str(m.line),
                escape(m.album_number or "-"),
                format_pln(m.amount_grosze),
                charges or "-",
                format_pln(m.credit_grosze) if m.credit_grosze else "",
            )
        out.print(table)
    if report.unmatched:
        table = Table(
            title="Unmatched transfers: check these and record them by hand",
            title_justify="left",
            title_style="bold red",
        )
        table.add_column("line", justify="right", no_wrap=True)
        table.add_column("booked on\namount", justify="right", no_wrap=True)
        table.add_column("account\nfrom", overflow="fold", ratio=3)
        table.add_column("title", overflow="fold", ratio=2)
        for u in report.unmatched:
            table.add_row(
                str(u.line),
                f"{u.booked_on.isoformat()}\n{format_pln(u.amount_grosze)}",
                (format_nrb(u.account) if u.account else "-")
                + (f"\n{escape(u.counterparty)}" if u.counterparty else ""),
                escape(u.title or ""),
            )
        out.print(table)
    if report.duplicates:
        lines = ", ".join(str(d.line) for d in report.duplicates)
        out.print(f"Already recorded by an earlier import (lines {lines}).", highlight=False)
