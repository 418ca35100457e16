"""Load test of the whole story on PostgreSQL: students order, activate and present while
verifiers verify, against 1 and 2 app processes.

    make load                                      # full form: 1 and 2 app processes
    .venv/bin/python benchmarks/load.py --short    # a small form (CI runs it)
    .venv/bin/python benchmarks/load.py --app-processes 2 --students 3000 --json

Each configuration gets a fresh PostgreSQL database (created on ``--postgres``, dropped at the
end) with the demo universities and generated students, and real processes: ``legitka serve
--workers N`` (app processes, no worker thread) and ``legitka worker`` processes. Before the timed
part every student signs in (a mobile API session; password hashing is slow on purpose, so it is
not timed) and a pool of wallets activates the credentials the verifiers will be shown.

Timed, one after the other, against the running processes:

1. **Order → activate → present**: each virtual student orders the mLegitymacja through the mobile
   API, waits for the QR code and activation code (long polling), activates it with the holder
   library (offer, metadata, token with the activation code, nonce, credential with a key proof,
   the credential checked against the root, notification) and presents it once to a
   verification request. A flow counts when the verifier's verdict is ``valid``.
2. **Verifications**: verifiers create requests through the verifier API, a wallet fetches each
   signed request object, checks it and answers with an encrypted presentation, and the verifier
   reads the verdict. One counts when the verdict is ``valid``.

Everything talks HTTP on loopback; the load generator runs on the same machine. Reported per
phase: throughput, p50/p95/p99 latency, errors, and the raw crypto limit: how many such flows or
verifications per second the machine's ES256 signatures, verifications and ECDH-ES alone
would allow on all its cores (measured in the same run).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from machine import describe
from pydantic import SecretStr
from sqlalchemy import create_engine, text

from legitka.config import Settings
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, StoredCredential

TARGET_FLOWS = 300.0
TARGET_VERIFICATIONS = 1000.0
WAIT_SECONDS = 30  # long polling of the order
UNIVERSITY = "pd"
API_KEY_NAME = "load-test"


# -- processes ------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``admin_url``'s server, dropped at the end."""
    name = f"legitka_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def environment(url: str, data: Path, port: int, pool: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGITKA_")}
    env.update(
        LEGITKA_DATABASE_URL=url,
        LEGITKA_DATA_DIR=str(data),
        LEGITKA_PORT=str(port),
        LEGITKA_KEY_PASSPHRASE="legitka-demo",  # noqa: S106 (the demo's own keys)
        LEGITKA_SECRET_KEY="load-test-secret-key",  # noqa: S106 (a throwaway database)
        LEGITKA_WORKER="false",
        LEGITKA_LOG_LEVEL="warning",
        LEGITKA_DATABASE_POOL_SIZE=str(pool),
        # the load comes from one address: the public page's limit would count it all
        LEGITKA_VERIFIER_PUBLIC_REQUESTS_PER_MINUTE="10000",
    )
    return env


@contextmanager
def running(
    url: str, data: Path, port: int, app_processes: int, worker_processes: int, pool: int
) -> Iterator[str]:
    """``legitka serve --workers N`` and ``legitka worker`` processes; yields the base URL."""
    env = environment(url, data, port, pool)
    legitka = [sys.executable, "-m", "legitka"]
    serve = [*legitka, "serve", "--workers", str(app_processes)]
    processes = [subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL)]  # noqa: S603
    processes += [
        subprocess.Popen([*legitka, "worker"], env=env, stdout=subprocess.DEVNULL)  # noqa: S603
        for _ in range(worker_processes)
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if any(p.poll() is not None for p in processes):
                raise SystemExit("a legitka process stopped while starting")
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("legitka serve did not start")
            time.sleep(0.2)
        yield base
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# -- preparation ----------------------------------------------------------------------------


def prepare(url: str, data: Path, port: int, students: int) -> tuple[list[str], str, Any]:
    """Demo data with ``students`` eligible generated students; their portal logins, an API key
    of the verifier and the root certificate wallets trust."""
    from sqlalchemy import select

    from legitka.clock import SystemClock
    from legitka.demo import ensure_demo, ensure_demo_keys
    from legitka.demo.generate import generate_students
    from legitka.registry import migrate
    from legitka.registry.db import make_engine, session_factory, transaction
    from legitka.registry.models import PortalAccount, Study, University
    from legitka.registry.services.students import eligibility
    from legitka.runtime import Runtime
    from legitka.verifier import api_keys

    settings = Settings(
        data_dir=data,
        database_url=url,
        port=port,
        demo=True,
        key_passphrase=SecretStr("legitka-demo"),
    )
    migrate.upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    runtime = Runtime(settings, engine, session_factory(engine), SystemClock())
    try:
        ensure_demo(runtime)
        ensure_demo_keys(runtime)
        generate_students(runtime, students * 2, seed=7)
        logins: list[str] = []
        with transaction(runtime.sessions) as session:
            university = session.scalars(
                select(University).where(University.slug == UNIVERSITY)
            ).one()
            accounts = session.scalars(
                select(PortalAccount)
                .where(PortalAccount.university_id == university.id)
                .order_by(PortalAccount.id.desc())
            )
            for account in accounts:
                study = session.scalars(
                    select(Study).where(Study.person_id == account.person_id)
                ).first()
                if study is not None and eligibility(session, study, runtime.clock).eligible:
                    logins.append(account.login)
                if len(logins) == students:
                    break
            key = api_keys.create(session, runtime.clock.now(), API_KEY_NAME).secret
        root = runtime.pki.root_certificate()
    finally:
        runtime.close()
    if len(logins) < students:
        raise SystemExit(f"only {len(logins)} eligible students were generated")
    return logins, key, root


def sign_in(base: str, logins: list[str]) -> list[str]:
    """Every student signs in to the mobile API (``POST session``); their bearer tokens."""
    from legitka.demo.generate import GENERATED_PASSWORD

    def one(login: str) -> str:
        with httpx.Client(base_url=base, timeout=60) as http:
            answer = http.post(
                f"/u/{UNIVERSITY}/api/v1/session",
                json={"login": login, "password": GENERATED_PASSWORD},
            )
        if answer.status_code != 201:
            raise SystemExit(f"{login} cannot sign in: HTTP {answer.status_code} {answer.text}")
        token: str = answer.json()["access_token"]
        return token

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, logins))


# -- one flow -------------------------------------------------------------------------------


class Clients:
    """One keep-alive HTTP client per load-generator thread."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.local = threading.local()
        self.all: list[httpx.Client] = []
        self.lock = threading.Lock()

    def get(self) -> httpx.Client:
        client = getattr(self.local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.base, timeout=60)
            self.local.client = client
            with self.lock:
                self.all.append(client)
        return client

    def close(self) -> None:
        for client in self.all:
            client.close()


class Failed(Exception):
    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step


def order_offer(http: httpx.Client, token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/u/{UNIVERSITY}/api/v1/mlegitymacja/order"
    answer = http.post(path, headers=headers)
    if answer.status_code not in (200, 201):
        raise Failed("order", f"HTTP {answer.status_code} {answer.text[:120]}")
    order = answer.json()
    deadline = time.monotonic() + 120
    while not order.get("offer"):
        if order.get("status") in ("error", "invalidated", "cancelled", None):
            raise Failed("order", f"ended {order.get('status')}")
        if time.monotonic() > deadline:
            raise Failed("order", "no offer after 120 s")
        answer = http.get(
            path, params={"wait": WAIT_SECONDS, "status": order["status"]}, headers=headers
        )
        if answer.status_code != 200:
            raise Failed("order", f"HTTP {answer.status_code} {answer.text[:120]}")
        order = answer.json()
    offer: dict[str, Any] = order["offer"]
    return offer


def verify_once(http: httpx.Client, api_key: str, holder: Holder, stored: StoredCredential) -> None:
    """A verifier's request, the wallet's answer, the verifier's verdict."""
    created = http.post(
        "/verifier/api/v1/requests",
        json={"preset": "student_status"},
        headers={"Authorization": f"Bearer {api_key}"},
    )
    if created.status_code != 201:
        raise Failed("verifier request", f"HTTP {created.status_code} {created.text[:120]}")
    body = created.json()
    client_id, uri = presentation.resolve(body["qr_uri"], http, str(http.base_url))
    request = presentation.fetch_request(holder, client_id, uri)
    presentation.share(holder, stored, request)
    verdict = http.get(body["status_url"], headers={"Authorization": f"Bearer {api_key}"})
    if verdict.status_code != 200:
        raise Failed("verdict", f"HTTP {verdict.status_code}")
    result = verdict.json().get("result") or {}
    if result.get("verdict") != "valid":
        raise Failed("verdict", f"{result.get('verdict')}: {result.get('reasons')}")


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        done = sorted(self.latencies)

        def pct(share: float) -> float | None:
            if not done:
                return None
            return done[min(len(done) - 1, max(0, round(share * len(done)) - 1))]

        return {
            "count": len(done),
            "errors": len(self.errors),
            "first_errors": sorted(set(self.errors))[:5],
            "seconds": round(self.seconds, 3),
            "per_second": round(len(done) / self.seconds, 1) if self.seconds else 0.0,
            "p50": statistics.median(done) if done else None,
            "p95": pct(0.95),
            "p99": pct(0.99),
        }


def run_phase(name: str, jobs: list[Callable[[], None]], concurrency: int, progress: bool) -> Phase:
    """Run every job on ``concurrency`` threads; each job's time is its latency."""
    phase = Phase(name)
    lock = threading.Lock()

    def timed(job: Callable[[], None]) -> None:
        started = time.perf_counter()
        try:
            job()
        except Exception as exc:  # an error of the system under load is a result, not a crash
            step = exc.step if isinstance(exc, Failed) else type(exc).__name__
            with lock:
                phase.errors.append(f"{step}: {str(exc)[:160]}")
            return
        with lock:
            phase.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(timed, job) for job in jobs]
        for number, _ in enumerate(concurrent.futures.as_completed(futures), 1):
            if progress and number % max(len(jobs) // 10, 1) == 0:
                print(f"  {name}: {number}/{len(jobs)}", file=sys.stderr)
    phase.seconds = time.perf_counter() - started
    return phase


# -- the raw limit --------------------------------------------------------------------------


def crypto_limits() -> dict[str, float]:
    """Operations per second of one core: ES256 sign and verify, ECDH-ES P-256 (a key pair and
    an exchange), measured now."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    message = b"x" * 600
    signature = key.sign(message, ec.ECDSA(hashes.SHA256()))

    def rate(operation: Callable[[], object], seconds: float = 0.4) -> float:
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(50):
                operation()
            count += 50
        return count / (time.perf_counter() - started)

    return {
        "sign": rate(lambda: key.sign(message, ec.ECDSA(hashes.SHA256()))),
        "verify": rate(lambda: public.verify(signature, message, ec.ECDSA(hashes.SHA256()))),
        "ecdh": rate(lambda: ec.generate_private_key(ec.SECP256R1()).exchange(ec.ECDH(), public)),
    }


# Public-key operations of one verification: the verifier signs its request object and makes
# an ephemeral key (1 sign + 1 ECDH); the wallet verifies the request object and its certificate
# chain (2 verifies), signs the KB-JWT (1 sign) and encrypts to the verifier (1 ECDH); the
# verifier decrypts (1 ECDH), verifies the credential, its chain and the KB-JWT (3 verifies).
VERIFICATION_OPS = {"sign": 2, "verify": 5, "ecdh": 3}
# Of one order → activate: the wallet signs its key proof (1 sign), the issuer verifies it and
# signs the credential (1 verify + 1 sign), the wallet verifies the credential and its chain
# (2 verifies); the status list is signed by the worker in batches (not counted).
ACTIVATION_OPS = {"sign": 2, "verify": 3, "ecdh": 0}


def limit(rates: dict[str, float], ops: dict[str, int]) -> float:
    """Flows per second all cores could do if they did only these public-key operations."""
    seconds = sum(count / rates[name] for name, count in ops.items())
    return (os.cpu_count() or 1) / seconds


# -- a configuration -----------------------------------------------------------------------


def run_configuration(
    admin_url: str,
    app_processes: int,
    worker_processes: int,
    students: int,
    verifications: int,
    concurrency: int,
    pool: int,
    progress: bool,
) -> dict[str, Any]:
    log = (lambda *a: print(*a, file=sys.stderr)) if progress else (lambda *a: None)
    with database(admin_url) as url, tempfile.TemporaryDirectory(prefix="legitka-load-") as tmp:
        data = Path(tmp)
        wallets_needed = min(max(concurrency, 1), 200)
        log(f"preparing {students + wallets_needed} students on a new PostgreSQL database")
        port = free_port()  # the issuers' certificates name the base URL
        logins, api_key, root = prepare(url, data, port, students + wallets_needed)
        with running(url, data, port, app_processes, worker_processes, pool) as base:
            log(f"signing in {len(logins)} students (not timed: hashing is slow on purpose)")
            tokens = sign_in(base, logins)
            flow_tokens, wallet_tokens = tokens[:students], tokens[students:]
            clients = Clients(base)
            # Wallets for the verification phase, activated before it (not timed).
            wallets: list[tuple[Holder, StoredCredential]] = []
            wallet_lock = threading.Lock()

            def activate_wallet(token: str) -> Callable[[], None]:
                def job() -> None:
                    http = clients.get()
                    offer = order_offer(http, token)
                    holder = Holder(http, trusted_roots=[root])
                    stored = holder.activate(offer["qr_uri"], offer["activation_code"])
                    with wallet_lock:
                        wallets.append((holder, stored))

                return job

            log(f"activating {len(wallet_tokens)} wallets for the verifiers")
            warm = run_phase("wallets", [activate_wallet(t) for t in wallet_tokens], 16, False)
            if not wallets:
                raise SystemExit(f"no wallet could be activated: {warm.errors[:3]}")

            def flow(token: str) -> Callable[[], None]:
                def job() -> None:
                    http = clients.get()
                    offer = order_offer(http, token)
                    holder = Holder(http, trusted_roots=[root])
                    stored = holder.activate(offer["qr_uri"], offer["activation_code"])
                    verify_once(http, api_key, holder, stored)

                return job

            log(f"timed: {students} students order, activate and present")
            flows = run_phase("flows", [flow(t) for t in flow_tokens], concurrency, progress)

            def verification(number: int) -> Callable[[], None]:
                holder, stored = wallets[number % len(wallets)]

                def job() -> None:
                    verify_once(clients.get(), api_key, holder, stored)

                return job

            log(f"timed: {verifications} verifications")
            checks = run_phase(
                "verifications",
                [verification(n) for n in range(verifications)],
                concurrency,
                progress,
            )
            clients.close()
    rates = crypto_limits()
    return {
        "app_processes": app_processes,
        "worker_processes": worker_processes,
        "database": "PostgreSQL",
        "students": students,
        "concurrency": concurrency,
        "seconds": round(flows.seconds + checks.seconds, 3),
        "flows": flows.summary(),
        "verifications": checks.summary(),
        "raw_limit": {
            "flows_per_second": round(limit(rates, ACTIVATION_OPS), 1),
            "verifications_per_second": round(limit(rates, VERIFICATION_OPS), 1),
        },
        "crypto_per_core": {name: round(value, 1) for name, value in rates.items()},
    }


def markdown(report: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value * 1000:.0f} ms"

    lines = [
        "## Load test: order → activate → present, and verifications, on PostgreSQL",
        "",
        f"Machine: {report['machine']}. The load generator runs on the same machine.",
        "",
        "| app processes | worker processes | phase | done | errors | per second | p50 | p95 "
        "| p99 | raw crypto limit | share of it |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        phases = (("order → activate → present", "flows"), ("verification", "verifications"))
        for phase, key in phases:
            numbers = run[key]
            raw = run["raw_limit"][f"{key}_per_second"]
            lines.append(
                f"| {run['app_processes']} | {run['worker_processes']} | {phase} "
                f"| {numbers['count']} | {numbers['errors']} | {numbers['per_second']:.1f} "
                f"| {ms(numbers['p50'])} | {ms(numbers['p95'])} | {ms(numbers['p99'])} "
                f"| {raw:.0f}/s | {numbers['per_second'] / raw:.1%} |"
            )
    targets = report["targets"]
    best_flows = max(r["flows"]["per_second"] for r in report["runs"])
    best_checks = max(r["verifications"]["per_second"] for r in report["runs"])
    lines += [
        "",
        f"Targets: {targets['flows_per_second']:.0f} order → activate flows per second "
        f"({'met' if best_flows >= targets['flows_per_second'] else 'not met'}: best "
        f"{best_flows:.1f}) and {targets['verifications_per_second']:.0f} verifications per "
        f"second ({'met' if best_checks >= targets['verifications_per_second'] else 'not met'}: "
        f"best {best_checks:.1f}), with zero errors.",
        "",
        "The raw crypto limit is what the public-key operations of that work alone (ES256 "
        "signatures and verifications, ECDH-ES) would allow per second on all cores, measured in "
        "the same run.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LEGITKA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server's admin URL; a database is created and dropped there",
    )
    parser.add_argument("--app-processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--worker-processes", type=int, default=1)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--verifications", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--pool", type=int, default=10, help="connections per process")
    parser.add_argument("--short", action="store_true", help="a small, quick form (CI)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if args.short:
        args.app_processes, args.students, args.verifications, args.concurrency = [2], 20, 40, 8
    runs = []
    for processes in args.app_processes:
        run = run_configuration(
            args.postgres, processes, args.worker_processes, args.students,
            args.verifications, args.concurrency, args.pool, progress=True,
        )  # fmt: skip
        runs.append(run)
    report = {
        "machine": ", ".join(f"{k}: {v}" for k, v in describe().items()),
        "targets": {
            "flows_per_second": TARGET_FLOWS,
            "verifications_per_second": TARGET_VERIFICATIONS,
        },
        "runs": runs,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(report), encoding="utf-8")
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    failed = False
    for run in runs:
        for phase in ("flows", "verifications"):
            for error in run[phase]["first_errors"]:
                failed = True
                print(f"{run['app_processes']} app, {phase}: {error}", file=sys.stderr)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
