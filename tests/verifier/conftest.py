"""The verifier's tests: the real server (issuer and verifier in one app) and a Python holder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from legitka.wallet import presentation
from legitka.wallet.holder import Holder, StoredCredential
from tests.issuer.conftest import Issuer, issuer  # noqa: F401  (the fixture, shared)


@dataclass
class Scene:
    """A student with an activated mLegitymacja and a verifier on the same server."""

    issuer: Issuer
    holder: Holder
    stored: StoredCredential
    order_id: int

    def create(self, preset: str = "student_status", **extra: Any) -> dict[str, Any]:
        answer = self.issuer.http.post(
            f"{self.issuer.base}/verifier/api/v1/requests", json={"preset": preset, **extra}
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def request(self, created: dict[str, Any]) -> presentation.PresentationRequest:
        client_id, uri = presentation.resolve(created["qr_uri"], self.issuer.http, self.issuer.base)
        return presentation.fetch_request(self.holder, client_id, uri)

    def status(self, created: dict[str, Any], **params: Any) -> dict[str, Any]:
        answer = self.issuer.http.get(created["status_url"], params=params)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def codes(self, created: dict[str, Any]) -> list[str]:
        result = self.status(created)["result"]
        return [reason["code"] for reason in result["reasons"]]


@pytest.fixture
def scene(issuer: Issuer) -> Scene:  # noqa: F811
    view = issuer.order()
    holder = issuer.holder()
    stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    return Scene(issuer, holder, stored, view["id"])
