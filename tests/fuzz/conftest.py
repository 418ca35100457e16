"""Fuzzing: schemathesis against the OpenAPI of the mobile, verifier and issuer APIs, and
hypothesis on every parser of outside input (offer URIs, SD-JWTs, key proofs, status lists,
verifier requests and responses, student CSV, bank statements).

The rule every test checks: no input gets a 500 or an exception other than the parser's own
coded error. The runs are short by default (``LEGITKA_FUZZ_EXAMPLES`` examples per test, 60 when
unset) so that the group stays within about a minute and a half; a long run is one command:

    LEGITKA_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/fuzz

The served demo (``fuzz_server``) is one per module, on an SQLite file: every fuzzing test of a
module talks to the same real server on loopback, since starting one per example would cost
more than the examples themselves.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from legitka.clock import FixedClock
from legitka.runtime import Runtime
from tests.conftest import NOW
from tests.live import issuer_runtime, serving

EXAMPLES = int(os.environ.get("LEGITKA_FUZZ_EXAMPLES", "60"))

settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
    derandomize=False,
)
FUZZ = settings.get_profile("fuzz")


@dataclass
class Served:
    runtime: Runtime
    base: str
    clock: FixedClock


@pytest.fixture(scope="module")
def fuzz_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The demo served from an SQLite file on loopback, shared by a module's tests."""
    where = tmp_path_factory.mktemp("fuzz")
    path = where / "legitka.sqlite3"
    shutil.copyfile(sqlite_template, path)
    clock = FixedClock(NOW)
    runtime = issuer_runtime(f"sqlite:///{path}", clock, where / "data")
    with serving(runtime) as base:
        yield Served(runtime, base, clock)
    runtime.close()
