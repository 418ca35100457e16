"""A real legitka server on loopback for functional and interoperability tests.

``issuer_runtime`` builds a runtime on the test's database whose base URL is a free local port,
with the demo universities and students and a demo PKI; ``serving`` runs the real ASGI
application with uvicorn on that port in a thread. The runtime's clock is the test's
``FixedClock``: background work is run explicitly (``legitka.worker.drain``), never by sleeping.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from legitka.clock import FixedClock
from legitka.config import Settings
from legitka.demo import ensure_demo, ensure_demo_keys
from legitka.registry.db import make_engine, session_factory
from legitka.runtime import Runtime
from legitka.web import create_app, log_redaction


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def issuer_runtime(
    db_url: str, clock: FixedClock, data_dir: Path, *, demo: bool = True,
    verifier_api_open: bool = True, **settings_: object,
) -> Runtime:  # fmt: skip
    """The verifier's API is open (no API key) unless ``verifier_api_open=False``: the verifier
    tests close it and call it with a key (``tests/verifier/conftest.py``)."""
    port = free_port()
    settings = Settings(
        database_url=db_url,
        data_dir=data_dir,
        port=port,
        secret_key=SecretStr("test-secret-key-for-offers"),
        key_passphrase=SecretStr("test-passphrase"),
        worker=False,
        verifier_api_open=verifier_api_open,
        **settings_,  # type: ignore[arg-type]
    )
    engine = make_engine(settings.effective_database_url)
    runtime = Runtime(settings, engine, session_factory(engine), clock)
    if demo:
        ensure_demo(runtime)
        ensure_demo_keys(runtime)
    return runtime


@contextmanager
def serving(runtime: Runtime, log_handler: logging.Handler | None = None) -> Iterator[str]:
    """Serve ``runtime`` on its port until the block ends; yields the base URL.

    With ``log_handler`` it runs as ``legitka serve`` does at ``info`` (the access log on, with
    its redaction) and ``log_handler`` receives uvicorn's lines: uvicorn's loggers do not
    propagate and its configuration replaces their handlers, so the handler joins afterwards.
    """
    if log_handler is not None:
        log_redaction.install()  # where ``legitka serve`` installs it, before uvicorn's logging
    config = uvicorn.Config(
        create_app(runtime),
        host="127.0.0.1",
        port=runtime.settings.port,
        log_level="warning" if log_handler is None else "info",
        access_log=log_handler is not None,
        lifespan="off",
    )
    uvicorn_loggers = [logging.getLogger(n) for n in ("uvicorn", "uvicorn.access")]
    if log_handler is not None:
        for logger in uvicorn_loggers:
            logger.addHandler(log_handler)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield runtime.settings.effective_base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if log_handler is not None:
            for logger in uvicorn_loggers:
                logger.removeHandler(log_handler)
