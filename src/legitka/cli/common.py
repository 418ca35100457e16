"""What every ``legitka`` command shares: the settings options, the runtime, coded errors.

A command takes the three options and opens its runtime like this::

    @app.command()
    def things(config: ConfigOption = None, database_url: DatabaseUrlOption = None,
               data_dir: DataDirOption = None) -> None:
        with cli_runtime(config, database_url, data_dir) as runtime:
            ...

A :class:`LegitkaError` raised anywhere below the ``legitka`` group is printed as
``error[code] field: message`` in red on stderr and ends the program with exit code 2.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from typer.core import TyperGroup

from legitka.config import Settings, load_settings
from legitka.domain.errors import LegitkaError
from legitka.i18n import normalize_locale
from legitka.runtime import Runtime, open_runtime
from legitka.web.errors import localized_message

ERROR_EXIT_CODE = 2

console = Console()
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="TOML configuration file (keys as in docs/configuration.md); also LEGITKA_CONFIG.",
        dir_okay=False,
    ),
]
DatabaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="sqlite:///path or postgresql://user@host/db; default: an SQLite file in the "
        "data dir. Also LEGITKA_DATABASE_URL.",
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder for the SQLite database, keys and uploads. Also LEGITKA_DATA_DIR.",
        file_okay=False,
    ),
]

DemoOption = Annotated[
    bool,
    typer.Option(
        "--demo",
        help="Use the demo database (data/demo, as `legitka serve --demo`) unless a data dir or "
        "a database URL is given.",
    ),
]

DATABASE_UNAVAILABLE = (
    "Cannot use the database {url}: {reason}. Check --database-url (LEGITKA_DATABASE_URL) "
    "and that the database server is running."
)


def cli_locale() -> str:
    """The language of the terminal (LC_ALL, LC_MESSAGES, LANG): Polish or English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "pl" if value.lower().startswith("pl") else "en"
    return "en"


def format_error(exc: LegitkaError, locale: str | None = None) -> str:
    """``error[code] field: message``, the one line a coded error prints."""
    message = localized_message(exc, normalize_locale(locale or cli_locale()))
    field = f" {exc.field}:" if exc.field else ":"
    return f"error[{exc.code}]{field} {message}"


def print_error(exc: LegitkaError) -> None:
    err_console.print(Text(format_error(exc), style="bold red"), soft_wrap=True, highlight=False)


def safe_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown by its scheme only
        return url.split(":", 1)[0] + ":…"


def database_error(url: str, exc: SQLAlchemyError) -> LegitkaError:
    """A coded error for a database that cannot be reached or used (no secrets, no traceback)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return LegitkaError(
        "database_unavailable",
        DATABASE_UNAVAILABLE.format(url=safe_url(url), reason=reason),
        field="database_url",
        status=503,
    )


def load(
    config: Path | None,
    database_url: str | None,
    data_dir: Path | None,
    **overrides: Any,
) -> Settings:
    """Settings from the environment and ``--config``; the flags given win."""
    return load_settings(config, database_url=database_url, data_dir=data_dir, **overrides)


def connect(settings: Settings, *, upgrade: bool = True) -> Runtime:
    """Open the runtime (migrating first), turning database failures into a coded error."""
    url = settings.effective_database_url
    try:
        return open_runtime(settings, upgrade=upgrade)
    except SQLAlchemyError as exc:
        raise database_error(url, exc) from None


@contextmanager
def cli_runtime(
    config: Path | None,
    database_url: str | None,
    data_dir: Path | None,
    *,
    upgrade: bool = True,
    demo: bool = False,
) -> Iterator[Runtime]:
    """The runtime of one command, closed at the end of the block."""
    settings = load(config, database_url, data_dir, demo=True if demo else None)
    runtime = connect(settings, upgrade=upgrade)
    try:
        yield runtime
    except OperationalError as exc:
        raise database_error(runtime.settings.effective_database_url, exc) from None
    finally:
        runtime.close()


class CodedErrorGroup(TyperGroup):
    """The ``legitka`` group: a coded error from any command ends in one red line, exit 2."""

    def invoke(self, ctx: Any) -> Any:  # a typer Context (its click is vendored)
        try:
            return super().invoke(ctx)
        except LegitkaError as exc:
            print_error(exc)
            ctx.exit(ERROR_EXIT_CODE)
