"""The verifier's API needs an integrator's key; the deployment's own page creates requests
through the service and needs none."""

from __future__ import annotations

import httpx

from legitka.registry.db import transaction
from legitka.registry.models import VerifierApiKey
from legitka.verifier import api_keys
from legitka.verifier import requests as verifier_requests
from legitka.verifier.web import context
from tests.conftest import NOW
from tests.verifier.conftest import Scene


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 401, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert answer.json()["code"] == "invalid_api_key"


def test_the_api_refuses_calls_without_a_live_key(scene: Scene) -> None:
    url = f"{scene.issuer.base}/verifier/api/v1/requests"
    http = scene.issuer.http
    _refused(http.post(url, json={"preset": "student_status"}))
    _refused(http.post(url, json={"preset": "full"}, headers={"Authorization": "Bearer lvk_nope"}))
    _refused(http.post(url, json={"preset": "full"}, headers={"Authorization": "Basic eDp5"}))
    created = scene.create()
    _refused(http.get(created["status_url"]))
    assert scene.status(created)["state"] == "pending"


def test_a_revoked_key_is_refused_and_use_is_recorded(scene: Scene) -> None:
    created = scene.create()
    runtime = scene.issuer.runtime
    with runtime.sessions() as session:
        (key,) = api_keys.list_keys(session)
        assert key.last_used_at == scene.issuer.clock.now()
        assert key.secret_hash != scene.api.headers["authorization"].split()[1]
    with transaction(runtime.sessions) as session:
        api_keys.revoke(session, scene.issuer.clock.now(), key.id)
    _refused(scene.api.get(created["status_url"]))
    _refused(scene.api.post(f"{scene.issuer.base}/verifier/api/v1/requests", json={}))


def test_the_service_creates_requests_without_a_key(scene: Scene) -> None:
    runtime = scene.issuer.runtime
    with transaction(runtime.sessions) as session:
        created = verifier_requests.create(session, runtime.clock, context(runtime), "discount")
    request = scene.request(created)
    assert set(request.claims) == {"picture", "university", "age_under_26"}


def test_only_the_hash_of_a_secret_is_stored(sessions) -> None:
    with transaction(sessions) as session:
        key = api_keys.create(session, NOW, "ticket machine 1")
    with sessions() as session:
        stored = session.get(VerifierApiKey, key.id)
        assert stored is not None
        assert key.secret not in (stored.secret_hash, stored.name)
        assert stored.secret_hash == api_keys.secret_hash(key.secret)
