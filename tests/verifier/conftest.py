"""The verifier's tests: the real server (issuer and verifier in one app) and a Python holder."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from legitka.clock import FixedClock
from legitka.registry.db import transaction
from legitka.verifier import api_keys
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, StoredCredential
from tests.issuer.conftest import Issuer
from tests.live import issuer_runtime, serving


@pytest.fixture
def issuer(db_url: str, clock: FixedClock, tmp_path: Path) -> Iterator[Issuer]:
    """The real server with the verifier's API closed: integrators need an API key."""
    runtime = issuer_runtime(db_url, clock, tmp_path / "data", verifier_api_open=False)
    with serving(runtime) as base, httpx.Client(timeout=10) as http:
        yield Issuer(runtime, base, http, clock)
    runtime.close()


@pytest.fixture
def api(issuer: Issuer) -> Iterator[httpx.Client]:
    """An integrator's HTTP client: it sends a fresh API key with every call."""
    with transaction(issuer.runtime.sessions) as session:
        key = api_keys.create(session, issuer.clock.now(), "tests")
    headers = {"Authorization": f"Bearer {key.secret}"}
    with httpx.Client(timeout=10, headers=headers) as client:
        yield client


@dataclass
class Scene:
    """A student with an activated mLegitymacja and a verifier on the same server."""

    issuer: Issuer
    holder: Holder
    stored: StoredCredential
    order_id: int
    api: httpx.Client  # the integrator's client, with an API key

    def create(self, preset: str = "student_status", **extra: Any) -> dict[str, Any]:
        answer = self.api.post(
            f"{self.issuer.base}/verifier/api/v1/requests", json={"preset": preset, **extra}
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def request(self, created: dict[str, Any]) -> presentation.PresentationRequest:
        client_id, uri = presentation.resolve(created["qr_uri"], self.issuer.http, self.issuer.base)
        return presentation.fetch_request(self.holder, client_id, uri)

    def status(self, created: dict[str, Any], **params: Any) -> dict[str, Any]:
        answer = self.api.get(created["status_url"], params=params)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def codes(self, created: dict[str, Any]) -> list[str]:
        result = self.status(created)["result"]
        return [reason["code"] for reason in result["reasons"]]


@pytest.fixture
def scene(issuer: Issuer, api: httpx.Client) -> Scene:
    view = issuer.order()
    holder = issuer.holder()
    stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    return Scene(issuer, holder, stored, view["id"], api)
