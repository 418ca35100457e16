"""What route handlers take from the application: its runtime and database sessions."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from http.cookies import _unquote
from typing import Annotated

from fastapi import Depends
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.requests import Request

from legitka.runtime import Runtime
from legitka.web.i18n import request_locale

logger = logging.getLogger("legitka.web")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for one request; whoever changes state commits it explicitly.

    Opened and closed on the event loop (both are instant; the first query, in the handler's
    thread, takes the connection). Closing here rather than in a worker thread ends the
    request's transaction as soon as its handler returns, even when every worker thread is busy:
    on SQLite, where a transaction holds the write lock from its start, a transaction left open
    while other threads wait for that lock would otherwise stall them all. Handlers never run
    queries on the event loop itself (``async def`` handlers hand their database work to
    ``run_in_threadpool``).
    """
    session = get_runtime(request).sessions()
    try:
        yield session
    finally:
        try:
            session.close()
        except SQLAlchemyError as exc:
            # The database went away after the handler's last query (a restart, an outage):
            # there is nothing left to roll back, and the answer may already be on its way, so
            # the connection is dropped instead of failing the request.
            logger.warning(
                "database connection lost while closing a session (%s)", type(exc).__name__
            )
            session.invalidate()


def cookie_values(request: Request, name: str) -> list[str]:
    """Every value the request carries for the cookie ``name``, in the order sent.

    ``request.cookies`` keeps one value per name, yet a browser sends several when cookies of
    that name were set for other paths or a parent domain (one may be planted by someone else).
    Parsed as Starlette parses the header, so the value it keeps is among them.
    """
    values = []
    for header in request.headers.getlist("cookie"):
        for chunk in header.split(";"):
            key, _, value = chunk.partition("=")
            if key.strip() == name and value.strip():
                values.append(_unquote(value.strip()))
    return values


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session)]
LocaleDep = Annotated[str, Depends(request_locale)]
