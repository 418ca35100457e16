"""Fuzzing: schemathesis against the OpenAPI of the mobile, verifier and issuer APIs, and
hypothesis on every parser of outside input (offer URIs, SD-JWTs, key proofs, status lists,
verifier requests and responses, student CSV, bank statements).

The rule every test checks: no input gets a 500 or an exception other than the parser's own
coded error. The runs are short by default (``LEGITKA_FUZZ_EXAMPLES`` examples per test, 60 when
unset) so that the group stays within about a minute and a half; a long run is one command:

    LEGITKA_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/fuzz

The short default run draws the same examples every time (``derandomize``), so that the suite
gives the same answer on every machine; a run with ``LEGITKA_FUZZ_EXAMPLES`` set draws new ones
each time, to find what the short run cannot.

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
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings

from legitka.clock import FixedClock
from legitka.issuer import orders
from legitka.registry.db import transaction
from legitka.registry.services.students import find_study
from legitka.runtime import Runtime
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, StoredCredential
from legitka.wallet.presentation import PresentationRequest
from legitka.worker import drain
from tests.conftest import NOW
from tests.live import issuer_runtime, serving

EXAMPLES = int(os.environ.get("LEGITKA_FUZZ_EXAMPLES", "60"))

settings.register_profile(
    "fuzz",
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
    derandomize="LEGITKA_FUZZ_EXAMPLES" not in os.environ,
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


@dataclass
class Seeds:
    """Valid tokens made by the project's own issuer and verifier, for the mutations to start
    from, and what it takes to check them."""

    served: Served
    http: httpx.Client
    holder: Holder
    stored: StoredCredential
    presentation: str  # an SD-JWT+KB for the verification request below
    status_token: str  # the Status List Token the credential points at
    status_uri: str
    request_object: str  # the verifier's signed request object
    client_id: str
    request: PresentationRequest


def verification(served: Served, http: httpx.Client) -> tuple[str, str, dict[str, Any]]:
    """A new verification request: ``(client_id, request_uri, created)``."""
    created = http.post(
        f"{served.base}/verifier/api/v1/requests", json={"preset": "student_status"}
    )
    assert created.status_code == 201, created.text
    client_id, uri = presentation.resolve(created.json()["qr_uri"], http, served.base)
    return client_id, uri, created.json()


@pytest.fixture(scope="module")
def seeds(fuzz_server: Served) -> Iterator[Seeds]:
    runtime, clock = fuzz_server.runtime, fuzz_server.clock
    with transaction(runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        order, _ = orders.place(session, clock, study, channel="cli", actor="test")
        order_id = order.id
    drain(runtime)
    with runtime.sessions() as session:
        view = orders.view(session, runtime.issuer_config, orders.get(session, order_id), "en")
    with httpx.Client(timeout=10) as http:
        holder = Holder(http, trusted_roots=[runtime.pki.root_certificate()], now=clock.now)
        stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
        drain(runtime)
        status_uri = stored.claims["status"]["status_list"]["uri"]
        status_token = http.get(status_uri).text
        client_id, uri, _ = verification(fuzz_server, http)
        request_object = http.get(uri).text
        request = presentation.fetch_request(holder, client_id, uri)
        shown = holder.present(
            stored,
            presentation.matching_claims(request, stored),
            audience=request.client_id,
            nonce=request.nonce,
        )
        yield Seeds(
            fuzz_server,
            http,
            holder,
            stored,
            shown,
            status_token,
            status_uri,
            request_object,
            client_id,
            request,
        )
