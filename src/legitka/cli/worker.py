"""``legitka worker``: background work in its own process (orders, status lists, expiry)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    DemoOption,
    cli_runtime,
    console,
)
from legitka.worker import Worker, drain


def worker(
    once: Annotated[
        bool, typer.Option("--once", help="Do what is waiting now, then stop.")
    ] = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Process orders, sign status lists and expire lapsed offers until stopped (Ctrl+C).

    Start as many as the load needs, on any machines that reach the database; set
    `worker = false` for `legitka serve` then.
    """
    with cli_runtime(config, database_url, data_dir, demo=demo) as runtime:
        logging.basicConfig(level=runtime.settings.log_level.upper())
        if once:
            done = drain(runtime)
            console.print(
                f"orders processed: {done.orders}, status lists signed: {done.signed}, "
                f"offers expired: {done.expired}",
                highlight=False,
            )
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        process = Worker(runtime)
        console.print(f"{process.name} working (Ctrl+C stops)", highlight=False)
        process.run(stop)
