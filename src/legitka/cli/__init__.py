"""The ``legitka`` command: ``serve`` runs everything; sub-commands manage the register.

Sub-command groups live in their own modules (``db``, ``students``, ``payments``, ``demo``,
``pki``, ``wallet``, ``verifier``, ``staff``), each with its own
``app = typer.Typer(...)``; options and helpers they share are in :mod:`legitka.cli.common`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from legitka import __version__
from legitka.cli import (
    db,
    demo,
    orders,
    payments,
    pki,
    serve,
    staff,
    students,
    universities,
    verifier,
    wallet,
    worker,
)
from legitka.cli.common import CodedErrorGroup, console

app = typer.Typer(
    name="legitka",
    cls=CodedErrorGroup,
    help="legitka: mobile student ID cards. Start with `legitka serve --demo`.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"legitka {__version__}", highlight=False, markup=False)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """legitka: mobile student ID cards (register, ELS cards, issuer, wallet, verifier)."""


app.command(name="serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(universities.app, name="universities")
app.add_typer(students.app, name="students")
app.add_typer(payments.app, name="payments")
app.add_typer(demo.app, name="demo")
app.add_typer(orders.app, name="orders")
app.command(name="worker")(worker.worker)
app.add_typer(pki.app, name="pki")
app.add_typer(wallet.app, name="wallet")
app.add_typer(verifier.app, name="verifier")
app.add_typer(staff.app, name="staff")


def main() -> None:
    app(prog_name="legitka")
