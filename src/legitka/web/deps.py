"""What route handlers take from the application: its runtime and database sessions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.requests import Request

from legitka.runtime import Runtime
from legitka.web.i18n import request_locale


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request; whoever changes state commits it explicitly."""
    with get_runtime(request).sessions() as session:
        yield session


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
SessionDep = Annotated[Session, Depends(get_session)]
LocaleDep = Annotated[str, Depends(request_locale)]
