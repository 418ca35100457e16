"""Benchmark of the student register: imports, bank statements, eligibility and demo data.

    .venv/bin/python benchmarks/register.py                      # SQLite file, 10 000 students
    .venv/bin/python benchmarks/register.py --database-url postgresql://postgres@127.0.0.1/bench

Every step goes through the register's own services on an empty database, with the clock fixed at
2026-11-22 10:00 UTC so that every run builds the same data. The numbers are printed as a table;
``--out`` writes them as a Markdown report and ``--json`` prints them as JSON instead of the
table. ``benchmarks/README.md`` explains each measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy
from machine import describe
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from legitka.clock import FixedClock, local_today
from legitka.config import Settings
from legitka.demo import ensure_demo
from legitka.demo.cases import FEMALE, MALE, PROGRAMMES, SURNAMES
from legitka.demo.generate import generate_students, make_pesel
from legitka.domain.eligibility import Policy, StudentFacts, evaluate
from legitka.domain.errors import LegitkaError
from legitka.registry import migrate
from legitka.registry.db import make_engine, session_factory, transaction
from legitka.registry.models import Person, Study, University
from legitka.registry.services.statements import import_statement
from legitka.registry.services.student_import import import_students
from legitka.registry.services.students import eligibility, facts_of
from legitka.registry.services.universities import add_intake, create_university, get_university
from legitka.runtime import Runtime

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
SLUG = "bench"  # the university the imports go to
DEMO_SLUG = "pd"  # the demo university the generated students join
PREFIX = "109010140099"  # sort code 10901014 and a client number no demo university uses
INTAKE = "2026Z"
ACTOR = "benchmark"
MIN_EVALUATIONS = 100_000  # the pure rules run at least this often, in 5 rounds or more
SECTIONS = ("1. Student CSV import", "2. Bank statement import", "3. Eligibility",
            "4. Demo data", "5. Database")  # fmt: skip
T = TypeVar("T")


@dataclass
class Result:
    section: str
    step: str
    count: int | None = None
    seconds: float | None = None
    unit: str | None = None  # what ``count`` counts, for the rate: "rows", "students"
    notes: str = ""

    @property
    def rate(self) -> float | None:
        if self.count is None or not self.seconds or not self.unit:
            return None
        return self.count / self.seconds


class BenchmarkError(Exception):
    """The benchmark cannot run, or a step did not do what it should have."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise BenchmarkError(message)


def timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = work()
    return value, time.perf_counter() - start


def size_text(size: int) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 2**10:.0f} KiB"


def peak_rss_mib() -> float:
    """The process's peak resident memory so far (a high-water mark)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


# ---- input files ----


def student_csv(count: int) -> bytes:
    """A valid student file: ``count`` new first- and second-cycle students of intake 2026Z."""
    rng = random.Random(20261122)  # noqa: S311 - made-up people, the same every run
    lines = ["album_number,given_names,family_name,birth_date,pesel,email,level,programme,"
             "status,started_on,intake,charge_els_fee"]  # fmt: skip
    pesels: set[str] = set()
    for n in range(count):
        female = rng.random() < 0.55
        birth = dt.date(2026 - rng.randint(19, 26), rng.randint(1, 12), rng.randint(1, 28))
        pesel = make_pesel(birth, rng.randrange(5000), female=female)
        while pesel in pesels:
            pesel = make_pesel(birth, rng.randrange(5000), female=female)
        pesels.add(pesel)
        surname = rng.choice(SURNAMES)
        album = str(800_000 + n)
        level = "second-cycle" if rng.random() < 0.3 else "first-cycle"
        given, family = rng.choice(FEMALE if female else MALE), surname[1 if female else 0]
        lines.append(
            f"{album},{given},{family},"
            f"{birth.isoformat()},{pesel},s{album}@{SLUG}.example.org,{level},"
            f"{rng.choice(PROGRAMMES)},active,2026-10-01,{INTAKE},yes"
        )
    return ("\n".join(lines) + "\n").encode()


def statement_csv(payers: Sequence[tuple[str | None, str | None, str, str]]) -> bytes:
    """A bank statement with one 22 zł transfer to each student's individual account."""
    lines = ["booked_on;amount;account;title;counterparty;reference"]
    for n, (album, account, given, family) in enumerate(payers, start=1):
        lines.append(
            f"2026-11-20;22,00;{account};Legitymacja ELS {album};{given} {family};TRX-{n:07d}"
        )
    return ("\n".join(lines) + "\n").encode()


# ---- the steps ----


def bench_student_import(runtime: Runtime, count: int) -> list[Result]:
    section = SECTIONS[0]
    with transaction(runtime.sessions) as session:
        university = create_university(
            session, runtime.clock, slug=SLUG, name_pl="Uczelnia Pomiarowa",
            name_en="Benchmark University", policy=Policy.PESEL, hologram_code="789",
            account_prefix=PREFIX, actor=ACTOR,
        )  # fmt: skip
        add_intake(
            session, runtime.clock, university, code=INTAKE, starts_on=dt.date(2026, 10, 1),
            payment_deadline=dt.date(2026, 12, 15), actor=ACTOR,
        )  # fmt: skip
    data = student_csv(count)
    before = peak_rss_mib()

    def run() -> int:
        with transaction(runtime.sessions) as session:
            target = get_university(session, SLUG)
            report = import_students(session, runtime.clock, target, "students.csv", data,
                                     actor=ACTOR)  # fmt: skip
            return report.new_people

    created, seconds = timed(run)
    expect(created == count, f"the import created {created} people, not {count}")
    peak = peak_rss_mib()
    notes = (f"{size_text(len(data))} file; peak RSS {peak:.0f} MiB "
             f"(+{peak - before:.0f} MiB during the import)")  # fmt: skip
    return [Result(section, "import_students (all new people)", count, seconds, "rows", notes)]


def bench_statements(runtime: Runtime, count: int) -> list[Result]:
    section = SECTIONS[1]
    with runtime.sessions() as session:
        payers = session.execute(
            select(Study.album_number, Person.account_number, Person.given_names,
                   Person.family_name)
            .join(Person, Person.id == Study.person_id)
            .join(University, University.id == Study.university_id)
            .where(University.slug == SLUG)
            .order_by(Study.id)
        ).all()  # fmt: skip
    data = statement_csv([(a, n, g, f) for a, n, g, f in payers])

    def run() -> dict[str, int]:
        with transaction(runtime.sessions) as session:
            target = get_university(session, SLUG)
            report = import_statement(session, runtime.clock, target, "statement.csv", data,
                                      actor=ACTOR)  # fmt: skip
            return report.counts()

    first, seconds = timed(run)
    expect(first["matched"] == count, f"the statement matched {first['matched']} of {count}")
    again, again_seconds = timed(run)
    expect(again["duplicates"] == count, f"the re-import found {again['duplicates']} duplicates")
    return [
        Result(section, "import_statement (CSV, one transfer per student)", count, seconds,
               "transactions", f"{size_text(len(data))} file; every ELS fee settled"),
        Result(section, "the same statement again (all duplicates)", count, again_seconds,
               "transactions", "nothing recorded twice"),
    ]  # fmt: skip


def bench_demo(runtime: Runtime, count: int) -> list[Result]:
    section = SECTIONS[3]
    created, demo_seconds = timed(lambda: ensure_demo(runtime))
    expect(created, "the demo data already existed")
    report, seconds = timed(
        lambda: generate_students(runtime, count, university_slug=DEMO_SLUG, seed=1)
    )
    expect(report.created == count, f"generated {report.created} students, not {count}")
    plans = ", ".join(f"{plan} {n:,}" for plan, n in sorted(report.plans.items()))
    return [
        Result(section, "ensure_demo (two universities, every case)", None, demo_seconds,
               notes="through the register services"),
        Result(section, f"generate_students (into {DEMO_SLUG})", count, seconds, "students",
               plans),
    ]  # fmt: skip


def bench_eligibility(runtime: Runtime) -> list[Result]:
    """Eligibility of every imported and every generated student, then the pure rules alone."""
    section = SECTIONS[2]
    results: list[Result] = []
    facts: list[StudentFacts] = []
    labels = {SLUG: "imported students (no photo or card yet)",
              DEMO_SLUG: "demo and generated students"}  # fmt: skip
    for slug, label in labels.items():
        with runtime.sessions() as session:
            studies = session.scalars(
                select(Study).join(University, University.id == Study.university_id)
                .where(University.slug == slug).order_by(Study.id)
            ).all()  # fmt: skip
            start = time.perf_counter()
            answers = [eligibility(session, study, runtime.clock) for study in studies]
            seconds = time.perf_counter() - start
            eligible = sum(a.eligible for a in answers)
            policy = get_university(session, slug).policy.value
            results.append(Result(section, f"services eligibility: {label}", len(studies),
                                  seconds, "students",
                                  f"{policy} policy; {eligible:,} eligible"))  # fmt: skip
        with runtime.sessions() as session:
            facts += [facts_of(session, study) for study in studies]
    today = local_today(runtime.clock)
    rounds = max(5, -(-MIN_EVALUATIONS // len(facts)))

    def one_round() -> None:
        for f in facts:
            evaluate(f, today)

    gc.collect()
    gc.disable()  # as timeit does: the rules' own cost, not the collector's over a large heap
    try:
        times = sorted(timed(one_round)[1] for _ in range(rounds))
    finally:
        gc.enable()
    notes = (f"median of {rounds} rounds over the facts of {len(facts):,} students, without "
             f"the garbage collector (fastest round {len(facts) / times[0]:,.0f}/s)")  # fmt: skip
    results.append(Result(section, "domain evaluate on prebuilt facts", len(facts),
                          statistics.median(times), "evaluations", notes))  # fmt: skip
    return results


def database_size(runtime: Runtime, url: str) -> tuple[str, Result]:
    """The server version, and the size of the database after every step."""
    if make_url(url).get_backend_name() == "sqlite":
        runtime.close()  # the last connection closing folds the write-ahead log into the file
        path = Path(make_url(url).database or "")
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        notes = f"{size_text(size)} ({path.name} with its -wal and -shm files)"
        return f"SQLite {sqlite3.sqlite_version}", Result(SECTIONS[4], "SQLite file size",
                                                          notes=notes)  # fmt: skip
    with runtime.engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar_one()
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    return f"PostgreSQL {version}", Result(
        SECTIONS[4], "PostgreSQL database size", notes=size_text(size)
    )


def run_benchmark(url: str, count: int, data_dir: Path, progress: Console) -> dict[str, Any]:
    settings = Settings(database_url=url, data_dir=data_dir)
    url = settings.effective_database_url
    migrate.upgrade(url)
    engine = make_engine(url)
    runtime = Runtime(settings, engine, session_factory(engine), FixedClock(NOW))
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        with runtime.sessions() as session:
            universities = session.scalar(select(func.count()).select_from(University))
        expect(not universities, "the database already holds universities: the benchmark needs "
               "an empty one (it creates the demo data and a university 'bench')")  # fmt: skip
        results: list[Result] = []
        steps: list[tuple[str, Callable[[], list[Result]]]] = [
            ("importing the students", lambda: bench_student_import(runtime, count)),
            ("importing the bank statement", lambda: bench_statements(runtime, count)),
            ("creating the demo data", lambda: bench_demo(runtime, count)),
            ("checking eligibility", lambda: bench_eligibility(runtime)),
        ]
        for what, step in steps:
            progress.log(f"{what} …")
            results += step()
        database, size = database_size(runtime, url)
        results.append(size)
    finally:
        runtime.close()
    results.sort(key=lambda r: SECTIONS.index(r.section))
    return {
        "database": database,
        "students": count,
        "started_at": started.isoformat(),
        "register_clock": NOW.isoformat(),
        "machine": machine(),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "results": [{**asdict(r), "rate": r.rate} for r in results],
    }


# ---- reporting ----


def machine() -> dict[str, str]:
    return describe(
        SQLAlchemy=sqlalchemy.__version__,
    )


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def cells(result: dict[str, Any]) -> list[str]:
    seconds, rate = result["seconds"], result["rate"]
    return [
        result["step"],
        f"{result['count']:,}" if result["count"] is not None else "",
        duration(seconds),
        f"{rate:,.0f} {result['unit']}/s" if rate is not None else "",
        result["notes"],
    ]


def rows(report: dict[str, Any], heading: str) -> Iterator[list[str]]:
    """The table's rows: each section's heading, then its results."""
    for section in SECTIONS:
        yield [heading.format(section), "", "", "", ""]
        yield from (cells(r) for r in report["results"] if r["section"] == section)


def title(report: dict[str, Any]) -> str:
    return f"Register benchmark: {report['database']}, {report['students']:,} students"


def print_table(report: dict[str, Any], console: Console) -> None:
    table = Table(title=title(report))
    for name in ("Step", "Count", "Time", "Rate", "Notes"):
        table.add_column(name, justify="right" if name in ("Count", "Time", "Rate") else "left")
    for row in rows(report, "[bold]{}[/bold]"):
        table.add_row(*row)
    console.print(table)


def when(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def markdown(report: dict[str, Any], command: str) -> str:
    machine = {**report["machine"], "Database": report["database"]}
    lines = [
        f"# {title(report)}",
        "",
        f"Run on {when(report['started_at'])} with `{command}`; the register's clock stood at "
        f"{when(report['register_clock'])}.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine.items()),
        "",
        "| Step | Count | Time | Rate | Notes |",
        "|---|---:|---:|---:|---|",
    ]
    for row in rows(report, "**{}**"):
        lines.append(f"| {' | '.join(row)} |")
    lines += ["", f"Peak resident memory of the whole run: {report['peak_rss_mib']:.0f} MiB.", ""]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite "
                        "file); postgresql://user@host/db for PostgreSQL")  # fmt: skip
    parser.add_argument("--students", type=int, default=10_000, help="students to import, pay "
                        "for and generate (default 10000)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="write the results as a Markdown report here")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 50_000:
        parser.error("--students must be between 1 and 50000 (the demo university's hologram "
                     "serials run out beyond that)")  # fmt: skip
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(stderr=args.json)
    with tempfile.TemporaryDirectory(prefix="legitka-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'register.sqlite3'}"
        try:
            report = run_benchmark(url, args.students, Path(tmp), console)
        except (BenchmarkError, LegitkaError) as exc:
            console.print(f"[red]Benchmark failed:[/red] {exc}")
            return 1
        except OperationalError as exc:
            console.print(f"[red]Cannot use the database:[/red] {exc.orig or exc}")
            return 1
    command = "benchmarks/register.py"
    if args.database_url:
        command += f" --database-url {make_url(url).get_backend_name()}://…"
    if args.students != 10_000:
        command += f" --students {args.students}"
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report, console)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(report, command), encoding="utf-8")
        console.log(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
