"""Plain examples of the inputs fuzzing found answered with a 500 or an unhandled exception."""

from __future__ import annotations

import httpx

from tests.fuzz.conftest import Served
from tests.fuzz.test_openapi import LOGIN, PASSWORD, SLUG


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=f"{base}/u/{SLUG}/api/v1", timeout=10)
    answer = client.post("/session", json={"login": LOGIN, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client


def test_a_photo_number_beyond_the_database_integer_is_invalid_input(fuzz_server: Served) -> None:
    api = signed_in(fuzz_server.base)
    for number in (2**31, 2**63, 10**30):
        answer = api.get(f"/photo/{number}")
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "invalid_request"
    api.close()
