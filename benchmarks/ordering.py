"""Benchmark: many students order the mLegitymacja at the same moment; how soon is the QR ready?

    .venv/bin/python benchmarks/ordering.py                          # SQLite, 100 students
    .venv/bin/python benchmarks/ordering.py --database-url postgresql://postgres@127.0.0.1/bench

A real ``legitka serve`` process (with its in-process worker, as deployed by default) serves a
fresh demo database with generated students. Before the timed part every student gets a mobile
API token (signing in is slow on purpose). Then all students send ``POST mlegitymacja/order`` at
once and wait with ``GET mlegitymacja/order?wait=30&status=…`` (long polling: the server answers
when the order's status changes) until their order is ready with its QR code and activation
code; the time from sending the order to seeing the offer is measured per student.
``--out`` writes a Markdown report and ``--json`` prints the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from machine import describe
from pydantic import SecretStr
from sqlalchemy import select

from legitka.clock import SystemClock
from legitka.config import Settings
from legitka.demo import ensure_demo, ensure_demo_keys
from legitka.demo.generate import generate_students
from legitka.portal import auth
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import PortalAccount, Study, University
from legitka.registry.services.students import eligibility
from legitka.runtime import Runtime

WAIT_SECONDS = 30  # long polling: the server answers when the order's status changes
TARGET_P99 = 1.0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare(settings: Settings, students: int) -> list[str]:
    """A demo with generated students; bearer tokens of ``students`` eligible ones."""
    url = settings.effective_database_url
    migrate.upgrade(url)
    engine = make_engine(url)
    runtime = Runtime(settings, engine, session_factory(engine), SystemClock())
    try:
        ensure_demo(runtime)
        ensure_demo_keys(runtime)
        generate_students(runtime, students * 2, seed=7)
        tokens: list[str] = []
        with transaction(runtime.sessions) as session:
            university = session.scalars(select(University).where(University.slug == "pd")).one()
            accounts = session.scalars(
                select(PortalAccount)
                .where(PortalAccount.university_id == university.id)
                .order_by(PortalAccount.id.desc())
            )
            for account in accounts:
                study = session.scalars(
                    select(Study).where(Study.person_id == account.person_id)
                ).first()
                if study is None or not eligibility(session, study, runtime.clock).eligible:
                    continue
                tokens.append(
                    auth.start_session(session, runtime.clock, account, kind=auth.API).token
                )
                if len(tokens) == students:
                    break
        if len(tokens) < students:
            raise SystemExit(f"only {len(tokens)} eligible students were generated")
        return tokens
    finally:
        runtime.close()


async def one_student(
    client: httpx.AsyncClient, token: str, go: asyncio.Event, timeout: float
) -> tuple[float | None, str | None]:
    headers = {"Authorization": f"Bearer {token}"}
    await go.wait()
    started = time.perf_counter()
    response = await client.post("/u/pd/api/v1/mlegitymacja/order", headers=headers)
    if response.status_code not in (200, 201):
        return None, f"order {response.status_code}"
    status = response.json()["status"]
    while time.perf_counter() - started < timeout:
        order = (
            await client.get(
                "/u/pd/api/v1/mlegitymacja/order",
                params={"wait": WAIT_SECONDS, "status": status},
                headers=headers,
            )
        ).json()
        if order.get("offer"):
            return time.perf_counter() - started, None
        status = order.get("status")
        if status in ("error", "invalidated", "cancelled", None):
            return None, f"order ended {status}"
    return None, "timeout"


async def stampede(
    base: str, tokens: list[str], timeout: float
) -> list[tuple[float | None, str | None]]:
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        go = asyncio.Event()
        tasks = [asyncio.create_task(one_student(client, t, go, timeout)) for t in tokens]
        await asyncio.sleep(0.2)
        go.set()
        return await asyncio.gather(*tasks)


def wait_until_up(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise SystemExit(f"the server stopped: {output}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def database_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="legitka-ordering-") as folder:
        data = Path(folder)
        port = free_port()
        settings = Settings(
            data_dir=data, database_url=args.database_url, port=port, demo=True,
            key_passphrase=SecretStr("legitka-demo"),
        )  # fmt: skip
        tokens = prepare(settings, args.students)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEGITKA_")}
        command = [sys.executable, "-m", "legitka", "serve", "--demo", "--data-dir", str(data),
                   "--port", str(port)]  # fmt: skip
        if args.database_url:
            command += ["--database-url", args.database_url]
        env["LEGITKA_LOG_LEVEL"] = "warning"
        server = subprocess.Popen(  # noqa: S603 (our own command line)
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            started = time.perf_counter()
            results = asyncio.run(stampede(base, tokens, args.timeout))
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.communicate(timeout=30)
    times = [t for t, _ in results if t is not None]
    errors = [e for _, e in results if e is not None]
    report = {
        "database": database_name(settings.effective_database_url),
        "students": args.students,
        "ready": len(times),
        "errors": errors,
        "p50": statistics.median(times) if times else None,
        "p95": percentile(times, 0.95) if times else None,
        "p99": percentile(times, 0.99) if times else None,
        "max": max(times) if times else None,
        "wall_seconds": wall,
        "wait_seconds": WAIT_SECONDS,
        "target_p99": TARGET_P99,
        "machine": ", ".join(f"{k}: {v}" for k, v in describe().items()),
    }
    return report


def markdown(report: dict[str, Any]) -> str:
    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value * 1000:.0f} ms"

    met = report["p99"] is not None and report["p99"] < TARGET_P99 and not report["errors"]
    return "\n".join(
        [
            f"## {report['students']} students order at once: {report['database']}",
            "",
            f"Machine: {report['machine']}. Each client sends its order, then waits for the "
            "order's status to change (long polling), until the QR code is ready.",
            "",
            "| | time from the order to the QR code |",
            "|---|---:|",
            f"| p50 | {ms(report['p50'])} |",
            f"| p95 | {ms(report['p95'])} |",
            f"| p99 | {ms(report['p99'])} |",
            f"| max | {ms(report['max'])} |",
            f"| orders ready | {report['ready']} of {report['students']} |",
            f"| errors | {len(report['errors'])} |",
            f"| all orders ready after | {report['wall_seconds']:.2f} s |",
            "",
            f"Target: p99 under {TARGET_P99:.0f} s — {'met' if met else 'not met'}.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="an empty database (default SQLite)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    report = run(args)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(report), encoding="utf-8")
    print(json.dumps(report, indent=2) if args.json else markdown(report))


if __name__ == "__main__":
    main()
