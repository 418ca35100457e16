"""``legitka serve``: migrate the database, then serve every web surface with uvicorn."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.text import Text

from legitka import __version__
from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    connect,
    console,
    load,
    safe_url,
)
from legitka.config import CONFIG_ENV, Settings
from legitka.domain.errors import InvalidInput
from legitka.portal.waiting import listen_for_orders
from legitka.runtime import Runtime
from legitka.web import create_app, log_redaction
from legitka.worker import start_thread

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")

HostOption = Annotated[
    str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")
]
PortOption = Annotated[
    int | None, typer.Option("--port", help="Port to listen on (default 8000).", min=1, max=65535)
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="App processes sharing the port (default 1, or LEGITKA_WORKERS); more than one "
        "needs PostgreSQL.",
        min=1,
        max=64,
    ),
]
DemoOption = Annotated[
    bool,
    typer.Option(
        "--demo",
        help="Create the demo universities, students and accounts, then serve them "
        "(data dir defaults to data/demo).",
    ),
]


def prepare_demo(runtime: Runtime) -> None:
    """Create the demo data and its demo PKI when they are missing (``legitka.demo`` is imported
    only for the demo)."""
    from legitka.demo import ensure_demo, ensure_demo_keys

    ensure_demo(runtime)
    ensure_demo_keys(runtime)


def pass_to_processes(settings: Settings, config: Path | None) -> None:
    """Put what this command resolved into the environment the app processes start with."""
    os.environ["LEGITKA_DATABASE_URL"] = settings.effective_database_url
    os.environ["LEGITKA_DATA_DIR"] = str(settings.data_dir.resolve())
    os.environ["LEGITKA_HOST"] = settings.host
    os.environ["LEGITKA_PORT"] = str(settings.port)
    os.environ["LEGITKA_DEMO"] = "true" if settings.demo else "false"
    if config is not None:
        os.environ[CONFIG_ENV] = str(config.resolve())


def serve(
    host: HostOption = None,
    port: PortOption = None,
    workers: WorkersOption = None,
    demo: DemoOption = False,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve legitka on http://HOST:PORT, migrating the database first."""
    settings = load(
        config,
        database_url,
        data_dir,
        host=host,
        port=port,
        workers=workers,
        demo=True if demo else None,
    )
    log_level = settings.log_level.lower()
    if log_level not in LOG_LEVELS:
        raise InvalidInput(
            "invalid_setting",
            f"Setting 'log_level' is wrong: '{settings.log_level}' is not one of "
            f"{', '.join(LOG_LEVELS)} (LEGITKA_LOG_LEVEL or the TOML file).",
            field="log_level",
        )
    logging.basicConfig(level=log_level.upper() if log_level != "trace" else "DEBUG")
    runtime = connect(settings)
    try:
        if settings.demo:
            prepare_demo(runtime)
        processes = settings.workers
        console.print(
            Text.assemble(
                ("legitka ", "bold"),
                __version__,
                " serving ",
                (settings.effective_base_url, "bold green"),
                f"  (database {safe_url(settings.effective_database_url)}",
                f"; {processes} app processes" if processes > 1 else "",
                "; Ctrl+C stops)",
            ),
            soft_wrap=True,
        )
        if settings.demo:
            console.print("Demo accounts: legitka demo accounts", soft_wrap=True, highlight=False)
        log_redaction.install()
        if processes > 1:
            # Each process builds its own runtime and pool (legitka.web.asgi); this one only
            # migrated the database and watches them.
            runtime.close()
            pass_to_processes(settings, config)
            uvicorn.run(
                "legitka.web.asgi:app_from_environment",
                factory=True,
                host=settings.host,
                port=settings.port,
                workers=processes,
                log_level=log_level,
            )
            return
        app = create_app(runtime)
        listen_for_orders(runtime)
        if settings.worker:
            start_thread(runtime)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level)
    finally:
        runtime.close()
