"""The application of one app process of ``legitka serve --workers N``, built from the environment.

``legitka serve`` migrates the database and prepares the demo once, then hands uvicorn this
factory; uvicorn starts N processes, each of which builds its own runtime (its own connection
pool) from the ``LEGITKA_*`` variables the command set. Every process serves the same database:
nothing a request needs lives only in one process's memory.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from legitka.config import load_settings
from legitka.portal.waiting import listen_for_orders
from legitka.runtime import open_runtime
from legitka.web import log_redaction
from legitka.web.app import create_app

logger = logging.getLogger("legitka.web")


def app_from_environment() -> FastAPI:
    """The app of this process: settings from the environment, the database already migrated;
    its background worker (unless ``worker = false``) runs while the app is served."""
    settings = load_settings()
    level = settings.log_level.upper()
    logging.basicConfig(level="DEBUG" if level == "TRACE" else level)
    log_redaction.install()
    runtime = open_runtime(settings, upgrade=False)
    app = create_app(runtime)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = None
        listener = listen_for_orders(runtime)
        if settings.worker:
            from legitka.worker import start_thread

            thread, stop = start_thread(runtime)
        try:
            yield
        finally:
            if stop is not None:
                stop.set()
                thread.join(timeout=10)
            if listener is not None:
                listener.stop()
            runtime.close()

    app.router.lifespan_context = lifespan
    return app
