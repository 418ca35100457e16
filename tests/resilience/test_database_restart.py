"""PostgreSQL stopped (immediate shutdown) and started again under load.

The test runs its own PostgreSQL server (``initdb`` and ``pg_ctl`` in a temporary folder, on a
free port), never the shared one. While it is down every surface answers 503
``database_unavailable`` at once, never 500 and never after a long wait; when it is back the
app and the workers carry on by themselves, and the orders placed before the outage are made.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from legitka.domain.orders import OrderStatus
from legitka.registry.models import Order, StatusList
from tests.conftest import skip_group
from tests.live import free_port
from tests.resilience.conftest import (
    Built,
    Deployment,
    build,
    create_database,
    wait_until,
)
from tests.resilience.test_app_crash import Wallet, offer_of

pytestmark = pytest.mark.postgresql

ORDERS = 20
REQUEST_BOUND = 10.0  # seconds no request may take, outage or not
LOAD_THREADS = 6


@dataclass
class PrivatePostgres:
    """A PostgreSQL server of the test's own, run as the ``postgres`` user when the tests run
    as root (``initdb`` refuses root)."""

    bindir: Path
    root: Path
    port: int
    as_owner: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        done = subprocess.run(
            [*self.as_owner, *args], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout}\n{done.stderr}"

    def initdb(self) -> None:
        self.run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=60"
        )
        self.run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found and shutil.which("pg_ctl"):
        found = [str(shutil.which("pg_ctl"))]
    if not found:
        skip_group("postgresql", "no PostgreSQL programs (initdb, pg_ctl) for a private server")
    as_owner: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="legitka-pg-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            skip_group("postgresql", "running as root without runuser for initdb")
        shutil.chown(root, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    server = PrivatePostgres(Path(found[-1]).parent, root, free_port(), as_owner)
    server.initdb()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(AssertionError):  # already stopped
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Answer:
    what: str
    status: int  # 0: no answer at all
    code: str | None
    seconds: float
    at: float


@dataclass
class Load:
    """Requests to every surface from a few threads, each answer recorded."""

    site: Deployment
    bearer: str
    status_list: str
    answers: list[Answer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def requests(self) -> list[tuple[str, Callable[[httpx.Client], httpx.Response], set[int]]]:
        pd = "/u/pd"
        api = {"Authorization": f"Bearer {self.bearer}"}
        token = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                 "pre-authorized_code": "no-such-code", "tx_code": "123456"}  # fmt: skip
        return [
            ("health", lambda c: c.get("/healthz"), {200}),
            ("mobile api", lambda c: c.get(f"{pd}/api/v1/mlegitymacja", headers=api), {200}),
            (
                "portal page",
                lambda c: c.get(f"{pd}/login", headers={"Accept": "text/html"}),
                {200},
            ),
            (
                "verifier api",
                lambda c: c.post("/verifier/api/v1/requests", json={"preset": "student_status"}),
                {201},
            ),
            ("status list", lambda c: c.get(self.status_list), {200}),
            ("token", lambda c: c.post(f"{pd}/token", data=token), {400}),
            (
                "issuer metadata",
                lambda c: c.get(f"/.well-known/openid-credential-issuer{pd}"),
                {200},
            ),
        ]

    def run(self, offset: int) -> None:
        requests = self.requests()
        with httpx.Client(base_url=self.site.base, timeout=REQUEST_BOUND + 5) as client:
            n = offset
            while not self.stop.is_set():
                what, send, _ = requests[n % len(requests)]
                n += 1
                started = time.monotonic()
                try:
                    response = send(client)
                except httpx.HTTPError:
                    self.answers.append(Answer(what, 0, None, time.monotonic() - started, started))
                    continue
                code = None
                if response.headers.get("content-type", "").startswith("application/problem+json"):
                    code = response.json().get("code")
                elif response.status_code == 503 and "temporarily_unavailable" in response.text:
                    code = "database_unavailable"  # an OAuth endpoint's shape of the outage
                elif response.status_code == 503:
                    code = (
                        "database_unavailable" if "database_unavailable" in response.text else None
                    )
                self.answers.append(
                    Answer(what, response.status_code, code, time.monotonic() - started, started)
                )

    def expected(self) -> dict[str, set[int]]:
        return {what: statuses for what, _, statuses in self.requests()}


def test_requests_fail_cleanly_while_postgresql_restarts_and_everything_recovers(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    url = create_database(private_postgres.admin_url)
    site = build(url, tmp_path, students=40)
    built = Built(site)
    try:
        run_outage(site, private_postgres)
    finally:
        built.close()


def run_outage(site: Deployment, postgres: PrivatePostgres) -> None:
    first, signed_in_order = site.place_orders(2)
    # The app with its worker thread, and a worker process besides.
    app = site.start("serve", LEGITKA_WORKER="true")
    worker = site.start("worker")
    wait_until(
        lambda: site.count(Order.status == OrderStatus.READY) == 2,
        timeout=60, what="the first orders", interval=0.2,
    )  # fmt: skip
    wallet = Wallet(first, *offer_of(site, first))  # a credential, so that a status list exists
    wallet.run(site.base)
    number = site.scalar(select(StatusList.number))
    login, password = site.login_of(signed_in_order)
    signed_in = httpx.post(
        f"{site.base}/u/pd/api/v1/session", json={"login": login, "password": password}
    )
    assert signed_in.status_code == 201, signed_in.text
    load = Load(site, signed_in.json()["access_token"], f"/u/pd/status/{number}")
    threads = [threading.Thread(target=load.run, args=(i,)) for i in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: len(load.answers) > 50, timeout=30, what="load before the outage")
        # Orders placed just before the outage: most wait for the workers' next round.
        outage_orders = site.place_orders(ORDERS)
        waiting = site.count(Order.status == OrderStatus.PENDING)
        postgres.stop("immediate")
        down_at = time.monotonic()

        def unavailable_everywhere() -> bool:
            seen = {a.what for a in load.answers if a.at > down_at and a.status == 503}
            return seen >= {"health", "mobile api", "portal page", "verifier api", "token"}

        wait_until(unavailable_everywhere, timeout=30, what="503 answers during the outage")
        postgres.start()
        up_at = time.monotonic()

        def healthy() -> bool:
            return any(
                a.what == "health" and a.status == 200 and a.at > up_at for a in load.answers
            )

        wait_until(healthy, timeout=30, what="the app to see the database again")
        recovered_at = time.monotonic()

        def all_answer() -> bool:
            expected = load.expected()
            fine = {
                a.what for a in load.answers if a.at > recovered_at and a.status in expected[a.what]
            }
            return fine == set(expected)

        wait_until(all_answer, timeout=30, what="every surface to answer again")
        wait_until(
            lambda: site.count(Order.status == OrderStatus.READY) == ORDERS + 1,
            timeout=60, what="the orders placed before the outage", interval=0.2,
        )  # fmt: skip
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert app.alive() and worker.alive()  # nothing was restarted but PostgreSQL
    expected = load.expected()
    wrong = [a for a in load.answers if a.status not in expected[a.what] and a.status != 503]
    assert not wrong, Counter((a.what, a.status, a.code) for a in wrong)
    unclean = [a for a in load.answers if a.status == 503 and a.code != "database_unavailable"]
    assert not unclean, Counter((a.what, a.code) for a in unclean)
    slowest = max(a.seconds for a in load.answers)
    assert slowest < REQUEST_BOUND, f"a request took {slowest:.1f} s"
    outage = Counter(a.what for a in load.answers if a.status == 503)
    assert sum(outage.values()) > 0 and waiting > 0
    with site.runtime.sessions() as session:
        made = session.scalars(select(Order).where(Order.id.in_(outage_orders))).all()
        assert len(made) == ORDERS
        assert all(o.status is OrderStatus.READY and o.offer is not None for o in made)
