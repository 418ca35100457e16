"""``legitka orders``: order an mLegitymacja, follow it, cancel it (operators and tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    DemoOption,
    cli_locale,
    cli_runtime,
    console,
)
from legitka.cli.student_view import Language
from legitka.domain.errors import Conflict, InvalidInput
from legitka.domain.text import N_
from legitka.issuer import mobile_ids, orders
from legitka.issuer import qr as qr_images
from legitka.registry.db import transaction
from legitka.registry.services.students import find_study
from legitka.runtime import Runtime
from legitka.worker import drain

app = typer.Typer(help="mLegitymacja orders: place, show and cancel them.", no_args_is_help=True)

ACTOR = "cli"
JsonOption = Annotated[bool, typer.Option("--json", help="Print the order as JSON.")]
LangOption = Annotated[
    Language | None,
    typer.Option("--lang", help="Language of the messages (default: the terminal's)."),
]


def _show(runtime: Runtime, order_id: int, locale: str, as_json: bool) -> None:
    with runtime.sessions() as session:
        view = orders.view(session, runtime.issuer_config, orders.get(session, order_id), locale)
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    _print(view)


def _print(view: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    table.add_row("order", str(view["id"]))
    table.add_row("student", f"{view['university']} {view['album']}")
    table.add_row("status", f"{view['status_label']} ({view['status']})")
    if view["reason_message"]:
        table.add_row("reason", view["reason_message"])
    if view["valid_until"]:
        table.add_row("valid until", view["valid_until"])
    offer = view["offer"]
    if offer:
        table.add_row("QR code", offer["qr_uri"])
        table.add_row("activation code", offer["activation_code"])
        table.add_row("expires", offer["expires_at"])
    console.print(table)


@app.command()
def create(
    university: Annotated[
        str, typer.Option("--university", "-u", help="The university's short name (slug).")
    ],
    album: Annotated[str, typer.Option("--album", "-a", help="The student's album number.")],
    as_json: JsonOption = False,
    lang: LangOption = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Order an mLegitymacja for a student (one open order at a time: ordering again shows it).

    With the in-process worker on (the `worker` setting), the order is processed right away;
    otherwise a `legitka worker` process picks it up.
    """
    locale = lang.value if lang else cli_locale()
    with cli_runtime(config, database_url, data_dir, demo=demo) as runtime:
        with transaction(runtime.sessions) as session:
            study = find_study(session, university, album)
            order, _ = orders.place(session, runtime.clock, study, channel="cli", actor=ACTOR)
            order_id = order.id
        if runtime.settings.worker:
            drain(runtime)
        _show(runtime, order_id, locale, as_json)


@app.command()
def show(
    order_id: Annotated[int, typer.Argument(metavar="ID", help="The order's number.")],
    as_json: JsonOption = False,
    lang: LangOption = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Show an order: its status, and when it is ready the QR code and activation code."""
    locale = lang.value if lang else cli_locale()
    with cli_runtime(config, database_url, data_dir, demo=demo) as runtime:
        _show(runtime, order_id, locale, as_json)


@app.command()
def qr(
    order_id: Annotated[int, typer.Argument(metavar="ID", help="The order's number.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write the QR code to FILE.svg or FILE.png.", dir_okay=False
        ),
    ] = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """The QR code of a ready order: drawn in the terminal, or written as SVG or PNG.

    The activation code is shown beside it, never inside it.
    """
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        view = orders.view(session, runtime.issuer_config, orders.get(session, order_id), "en")
    offer = view["offer"]
    if offer is None:
        raise Conflict(
            "no_offer",
            N_("Order {order} has no QR code to show: it is {state}."),
            field="order",
            order=order_id,
            state=view["status"],
        )
    if out is None:
        typer.echo(qr_images.terminal(offer["qr_uri"]))
        typer.echo(f"activation code: {offer['activation_code']}")
        return
    suffix = out.suffix.lower()
    if suffix == ".svg":
        out.write_text(qr_images.svg(offer["qr_uri"]), encoding="utf-8")
    elif suffix == ".png":
        out.write_bytes(qr_images.png(offer["qr_uri"]))
    else:
        raise InvalidInput(
            "unknown_image_format",
            N_("Write the QR code to a file ending in .svg or .png, not '{name}'."),
            field="out",
            name=out.name,
        )
    console.print(f"QR code written to {out}", highlight=False, markup=False)


@app.command(name="list")
def list_orders(
    university: Annotated[
        str, typer.Option("--university", "-u", help="The university's short name (slug).")
    ],
    album: Annotated[str, typer.Option("--album", "-a", help="The student's album number.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the orders as JSON.")] = False,
    lang: LangOption = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """A student's orders, newest first."""
    locale = lang.value if lang else cli_locale()
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        study = find_study(session, university, album)
        views = [
            orders.view(session, runtime.issuer_config, order, locale)
            for order in orders.orders_of(session, study)
        ]
    if as_json:
        typer.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    table = Table("order", "status", "created", "valid until")
    for view in views:
        table.add_row(
            str(view["id"]), view["status_label"], view["created_at"], view["valid_until"] or ""
        )
    console.print(table)


@app.command()
def cancel(
    order_id: Annotated[int, typer.Argument(metavar="ID", help="The order's number.")],
    as_json: JsonOption = False,
    lang: LangOption = None,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Cancel an order, or the activated mLegitymacja (works without the phone).

    Online verifiers see the cancellation within the status list's ttl (5 minutes by default),
    offline ones within 24 hours at most.
    """
    locale = lang.value if lang else cli_locale()
    with cli_runtime(config, database_url, data_dir, demo=demo) as runtime:
        with transaction(runtime.sessions) as session:
            mobile_ids.cancel(session, runtime.clock, orders.get(session, order_id), actor=ACTOR)
        if runtime.settings.worker:
            drain(runtime)
        _show(runtime, order_id, locale, as_json)
