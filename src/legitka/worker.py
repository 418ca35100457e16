"""Background work: orders, status list signing, semester renewals, lapsed offers, old nonces.

Runs inside ``legitka serve`` (a thread, by default) and as separate ``legitka worker``
processes at scale; any number of workers can share one database. All state is in the database,
so a worker can be killed at any moment: what it held is taken up again by another.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError

from legitka.credentials.pki import PkiError
from legitka.domain.errors import LegitkaError
from legitka.issuer import nonces, processing, status_lists
from legitka.notifications.rounds import mail_round
from legitka.registry import signals
from legitka.registry.db import transaction
from legitka.registry.models import StatusList, University
from legitka.registry.services import renewals
from legitka.runtime import Runtime
from legitka.verifier import requests as verifier_requests

logger = logging.getLogger("legitka.worker")

PURGE_EVERY = 60  # rounds between purges of expired nonces
VERIFIER_PURGE_EVERY = 10  # rounds between wipes of shown data (a status read settles its own)

# Set when this process has just placed an order, so that its own worker thread (if it runs
# one) starts at once instead of at the end of its idle wait.
_work_waiting = threading.Event()


def nudge() -> None:
    """Tell this process's worker that there is work (other processes find it by polling)."""
    _work_waiting.set()


class Changes:
    """Versions of the orders awaited in this process (long polling): moved when orders change,
    so that a request waiting for a study's order looks again at once rather than on its next
    tick. Moved by this process's worker thread (every study) and, on PostgreSQL, by the
    notifications of every worker (the studies named, :mod:`legitka.registry.signals`)."""

    MAX_KEPT = 100_000  # studies remembered; beyond that all move at once

    def __init__(self) -> None:
        self.count = 0
        self.everything = 0
        self.studies: dict[int, int] = {}

    def bump(self, study_ids: Iterable[int] | None = None) -> None:
        """Move the versions of ``study_ids``, or of every study when ``None``."""
        self.count += 1
        if study_ids is None or len(self.studies) > self.MAX_KEPT:
            self.studies = {}
            self.everything = self.count
            return
        for study_id in study_ids:
            self.studies[study_id] = self.count

    def version(self, study_id: int | None = None) -> int:
        if study_id is None:
            return self.count
        return max(self.everything, self.studies.get(study_id, 0))

    def heard(self, payload: str) -> None:
        """A notification on :data:`signals.ORDERS`: the studies it names, or all."""
        self.bump(signals.parse_ids(payload))


changes = Changes()


def heard_work(_payload: str) -> None:
    """A notification on :data:`signals.WORK`: an order was placed somewhere."""
    nudge()


@dataclass
class Round:
    """What one round of the worker did."""

    orders: int = 0
    signed: int = 0
    expired: int = 0
    purged: int = 0
    mailed: int = 0
    renewed: int = 0  # students of renewal jobs dealt with

    @property
    def busy(self) -> bool:
        return bool(self.orders or self.signed or self.expired or self.mailed or self.renewed)


class Worker:
    def __init__(self, runtime: Runtime, *, name: str | None = None) -> None:
        self.runtime = runtime
        self.name = name or f"worker:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.rounds = 0

    def process_orders(self, limit: int = 20) -> int:
        rt = self.runtime
        claimed = processing.claim(
            rt.sessions, rt.clock, self.name, limit=limit,
            lease_seconds=rt.settings.worker_lease_seconds,
        )  # fmt: skip
        if not claimed:
            return 0
        done = processing.process_batch(rt.sessions, rt.clock, rt.issuer_config, self.name, claimed)
        if done and not rt.settings.effective_database_url.startswith("postgresql"):
            changes.bump()  # on PostgreSQL every process hears of it (signals.ORDERS)
        return len(done)

    def sign_status_lists(self) -> int:
        rt = self.runtime
        signed = 0
        with transaction(rt.sessions) as session:
            due = status_lists.due(session, rt.clock.now(), rt.issuer_config)
        for list_id in due:
            try:
                with transaction(rt.sessions) as session:
                    status_list = session.get_one(StatusList, list_id)
                    if not status_lists.needs_signing(
                        status_list, rt.clock.now(), rt.issuer_config
                    ):
                        continue
                    slug = session.get_one(University, status_list.university_id).slug
                    status_lists.sign(
                        session, rt.clock, rt.issuer_config, status_list, rt.issuer_key(slug)
                    )
                    signed += 1
            except (PkiError, LegitkaError) as exc:
                logger.error("status list %s not signed: %s (%s)", list_id, exc.code, exc.message)
        return signed

    def run_once(self) -> Round:
        """One round of every kind of work."""
        rt = self.runtime
        result = Round()
        result.orders = self.process_orders()
        result.signed = self.sign_status_lists()
        result.expired = processing.expire_offers(rt.sessions, rt.clock, self.name)
        result.mailed = mail_round(rt.sessions, rt.clock, rt.settings, worker=self.name)
        result.renewed = renewals.run_round(rt.sessions, rt.clock, self.name)
        if self.rounds % VERIFIER_PURGE_EVERY == 0:
            # the data students showed go a few minutes after the verdict (R18)
            with transaction(rt.sessions) as session:
                verifier_requests.purge(session, rt.clock)
        if self.rounds % PURGE_EVERY == 0:
            with transaction(rt.sessions) as session:
                result.purged = nonces.purge(session, rt.clock)
        self.rounds += 1
        return result

    def run(self, stop: threading.Event, *, idle_seconds: float = 0.5) -> None:
        """Work until ``stop`` is set; a database outage pauses the work, never ends it."""
        logger.info("%s started", self.name)
        listener = signals.listen(
            self.runtime.settings.effective_database_url, {signals.WORK: heard_work}
        )
        try:
            self._loop(stop, idle_seconds)
        finally:
            if listener is not None:
                listener.stop()
        logger.info("%s stopped", self.name)

    def _loop(self, stop: threading.Event, idle_seconds: float) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once().busy
            except OperationalError as exc:
                logger.warning("database unavailable, retrying: %s", type(exc).__name__)
                busy = False
                stop.wait(5)
            except Exception:
                logger.exception("worker round failed")
                busy = False
                stop.wait(5)
            if not busy:
                _work_waiting.wait(idle_seconds)
                _work_waiting.clear()


def start_thread(runtime: Runtime) -> tuple[threading.Thread, threading.Event]:
    """Run a worker in a daemon thread of this process (``legitka serve``'s default)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=Worker(runtime).run, args=(stop,), name="legitka-worker", daemon=True
    )
    thread.start()
    return thread, stop


def drain(runtime: Runtime, *, rounds: int = 50) -> Round:
    """Run rounds until there is nothing left to do (tests and ``--once``)."""
    worker = Worker(runtime)
    total = Round()
    for _ in range(rounds):
        step = worker.run_once()
        total.orders += step.orders
        total.signed += step.signed
        total.expired += step.expired
        total.purged += step.purged
        total.mailed += step.mailed
        total.renewed += step.renewed
        if not step.busy:
            break
    return total
