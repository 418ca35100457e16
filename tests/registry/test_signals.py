"""Wake-ups between processes on PostgreSQL (``LISTEN``/``NOTIFY``): a worker hears of a new
order at once, and a student waiting for the QR code hears of it from a worker of another
process. Each test makes the regular look at the database too slow to matter, so only the
notification can bring the answer in time."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from legitka.clock import FixedClock
from legitka.issuer import orders
from legitka.portal import waiting
from legitka.registry import signals
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import Order
from legitka.registry.services.students import find_study
from legitka.runtime import Runtime
from legitka.worker import Worker, drain
from tests.conftest import empty_postgres
from tests.live import issuer_runtime, serving
from tests.portal.conftest import demo_password

pytestmark = pytest.mark.postgresql


@pytest.fixture
def pg(postgres_database: str) -> str:
    empty_postgres(postgres_database)
    return postgres_database


@pytest.fixture
def runtime(pg: str, clock: FixedClock, tmp_path: Path) -> Iterator[Runtime]:
    rt = issuer_runtime(pg, clock, tmp_path / "data")
    yield rt
    rt.close()


def other_process(runtime: Runtime) -> Runtime:
    """A runtime with its own engine and pool on the same database, as another process has."""
    engine = make_engine(runtime.settings.effective_database_url)
    return Runtime(runtime.settings, engine, session_factory(engine), runtime.clock)


def test_a_committed_announcement_reaches_a_listener_with_its_ids(runtime: Runtime) -> None:
    heard: queue.Queue[str] = queue.Queue()
    listener = signals.Listener(
        runtime.settings.effective_database_url, {signals.ORDERS: heard.put}
    ).start()
    try:
        assert listener.listening.wait(10)
        assert heard.get(timeout=10) == ""  # on (re)connecting: look at everything once
        with runtime.sessions() as session:
            signals.announce(session, signals.ORDERS, [7, 11])
            session.rollback()  # nothing is said of a transaction that did not happen
        with transaction(runtime.sessions) as session:
            signals.announce(session, signals.ORDERS, [3, 5])
        assert heard.get(timeout=10) == "3,5"
        assert heard.empty()
    finally:
        listener.stop()
    assert signals.parse_ids("3,5") == [3, 5]
    assert signals.parse_ids("") is None and signals.parse_ids("x") is None


def test_a_new_order_wakes_an_idle_worker_of_another_process(runtime: Runtime) -> None:
    worker_runtime = other_process(runtime)
    stop = threading.Event()
    thread = threading.Thread(
        target=Worker(worker_runtime).run, args=(stop,), kwargs={"idle_seconds": 120}
    )
    thread.start()
    try:
        drain(runtime)  # the demo's status lists: the worker is idle from now on
        with transaction(runtime.sessions) as session:
            study = find_study(session, "pd", "100001")
            order, _ = orders.place(session, runtime.clock, study, channel="cli", actor="test")
        deadline = 60
        for _ in range(deadline * 10):
            with runtime.sessions() as session:
                if session.get_one(Order, order.id).ready_at is not None:
                    break
            stop.wait(0.1)
        with runtime.sessions() as session:
            assert session.get_one(Order, order.id).ready_at is not None
    finally:
        stop.set()
        thread.join(timeout=20)
        worker_runtime.close()


def test_a_waiting_student_hears_of_the_qr_code_from_another_process(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "LOOK_AGAIN", 120.0)
    listener = waiting.listen_for_orders(runtime)
    assert listener is not None and listener.listening.wait(10)
    worker_runtime = other_process(runtime)
    try:
        with (
            serving(runtime) as base,
            httpx.Client(base_url=f"{base}/u/pd/api/v1", timeout=60) as api,
        ):
            signed_in = api.post(
                "/session", json={"login": "anna.nowak", "password": demo_password("anna.nowak")}
            )
            api.headers["Authorization"] = f"Bearer {signed_in.json()['access_token']}"
            assert api.post("/mlegitymacja/order").json()["status"] == "pending"
            answers: queue.Queue[httpx.Response] = queue.Queue()
            waiter = threading.Thread(
                target=lambda: answers.put(
                    api.get("/mlegitymacja/order", params={"wait": 30, "status": "pending"})
                )
            )
            waiter.start()
            threading.Event().wait(0.5)  # the request is waiting before the worker starts
            drain(worker_runtime)
            waiter.join(timeout=40)
            answer = answers.get(timeout=1).json()
        # without the notification the answer would have come after 30 s, still pending
        assert answer["status"] == "ready" and answer["offer"]["activation_code"]
    finally:
        listener.stop()
        worker_runtime.close()
