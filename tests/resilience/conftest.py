"""Real legitka processes on a database of their own, for killing and for outages.

``Deployment`` is one database with the demo universities, generated students and a demo PKI,
and the environment every ``legitka serve`` and ``legitka worker`` process of the test gets;
``Deployment.start`` runs one with :class:`subprocess.Popen`, ``Process.kill`` sends SIGKILL.
The processes use the real clock, so the test's own runtime does too. Waiting is polling with
a deadline, never a fixed sleep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from legitka.clock import SystemClock
from legitka.config import Settings
from legitka.demo import ensure_demo, ensure_demo_keys
from legitka.demo.generate import GENERATED_PASSWORD, generate_students
from legitka.domain.errors import Conflict
from legitka.issuer import orders
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import Order, Study, University
from legitka.runtime import Runtime
from tests.conftest import POSTGRES_ADMIN_URL, skip_group
from tests.live import free_port

SECRET_KEY = "resilience-secret-key-for-offers"
PASSPHRASE = "resilience-passphrase"
LEASE_SECONDS = 3  # how soon a killed worker's orders are taken up again

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T], *, timeout: float, what: str, interval: float = 0.05
) -> T:
    """Poll ``predicate`` until it returns something true; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Process:
    """One ``legitka`` process; its output goes to a log file that failures show."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine loses the process."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Deployment:
    url: str  # the SQLAlchemy URL of the test's own database
    data_dir: Path
    logs: Path
    port: int
    runtime: Runtime
    processes: list[Process] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEGITKA_")}
        env.update(
            LEGITKA_DATABASE_URL=self.url,
            LEGITKA_DATA_DIR=str(self.data_dir),
            LEGITKA_SECRET_KEY=SECRET_KEY,
            LEGITKA_KEY_PASSPHRASE=PASSPHRASE,
            LEGITKA_PORT=str(self.port),
            LEGITKA_HOST="127.0.0.1",
            LEGITKA_LOG_LEVEL="warning",
            LEGITKA_WORKER_LEASE_SECONDS=str(LEASE_SECONDS),
            LEGITKA_VERIFIER_API_OPEN="true",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def start(self, command: str, **env: str) -> Process:
        """Start ``legitka serve`` or ``legitka worker``; ``serve`` is waited for until it
        answers ``/healthz``."""
        name = f"{command}-{len(self.processes) + 1}"
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "legitka", command],
                env=self.environment(**env),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        if command == "serve":

            def answers() -> bool:
                assert process.alive(), f"{name} ended:\n{process.output()}"
                try:
                    return httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_until(answers, timeout=60, what=f"{name} to answer", interval=0.1)
        return process

    def scalar(self, query: Any) -> Any:
        with self.runtime.sessions() as session:
            return session.scalar(query)

    def count(self, *where: Any) -> int:
        return int(self.scalar(select(func.count()).select_from(Order).where(*where)) or 0)

    def place_orders(self, count: int, *, slug: str = "pd") -> list[int]:
        """Orders for the first ``count`` generated students who meet the conditions."""
        placed: list[int] = []
        rt = self.runtime
        with transaction(rt.sessions) as session:
            university = session.scalars(select(University).where(University.slug == slug)).one()
            studies = session.scalars(
                select(Study)
                .where(Study.university_id == university.id, Study.album_number >= "300001")
                .order_by(Study.album_number)
            )
            for study in studies:
                if len(placed) == count:
                    break
                try:
                    order, new = orders.place(
                        session, rt.clock, study, channel="cli", actor="resilience-test"
                    )
                except Conflict:
                    continue  # a generated student who does not meet the conditions
                if new:
                    placed.append(order.id)
        assert len(placed) == count, f"only {len(placed)} generated students can order"
        return placed

    def login_of(self, order_id: int) -> tuple[str, str]:
        """The portal login and password of the generated student of an order."""
        with self.runtime.sessions() as session:
            order = session.get_one(Order, order_id)
            study = session.get_one(Study, order.study_id)
            return f"s{study.album_number}", GENERATED_PASSWORD


def create_database(admin_url: str) -> str:
    """A new, migrated PostgreSQL database on the server of ``admin_url``."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"legitka_resilience_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    return url


def drop_database(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@dataclass
class Built:
    deployment: Deployment

    def close(self) -> None:
        for process in self.deployment.processes:
            process.stop()
        self.deployment.runtime.close()


def build(url: str, tmp_path: Path, *, students: int) -> Deployment:
    """The demo and ``students`` generated students on ``url``, with a runtime on the real
    clock whose settings are the processes' own (same secret key, same base URL)."""
    port = free_port()
    settings = Settings(
        database_url=url,
        data_dir=tmp_path / "data",
        port=port,
        secret_key=SecretStr(SECRET_KEY),
        key_passphrase=SecretStr(PASSPHRASE),
        worker=False,
    )
    engine = make_engine(settings.effective_database_url)
    runtime = Runtime(settings, engine, session_factory(engine), SystemClock())
    ensure_demo(runtime)
    ensure_demo_keys(runtime)
    if students:
        generate_students(runtime, students, seed=8)
    logs = tmp_path / "logs"
    logs.mkdir()
    return Deployment(url, settings.data_dir, logs, port, runtime)


@pytest.fixture
def deploy(tmp_path: Path) -> Iterator[Callable[..., Deployment]]:
    """``deploy(students=N)``: a deployment on a new database of the shared PostgreSQL server;
    every process it started is stopped and the database dropped afterwards."""
    try:
        admin = create_engine(POSTGRES_ADMIN_URL)
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
        admin.dispose()
    except (OperationalError, OSError) as exc:
        skip_group("postgresql", f"no PostgreSQL server ({type(exc).__name__})")
    made: list[tuple[str, Built]] = []

    def make(*, students: int) -> Deployment:
        url = create_database(POSTGRES_ADMIN_URL)
        deployment = build(url, tmp_path, students=students)
        made.append((url, Built(deployment)))
        return deployment

    yield make
    for url, built in made:
        built.close()
        drop_database(POSTGRES_ADMIN_URL, url)
