"""schemathesis against the served OpenAPI (``/api/openapi.json``): the mobile API
(``/u/{slug}/api/v1/…``), the verifier's API and endpoints, and the issuer's OpenID4VCI
endpoints, called over HTTP on a real server on loopback.

Each operation gets schema-valid and schema-breaking requests; half of them go to a demo
university (``uw``) with a signed-in student's bearer token, so that the handlers behind the
path and authentication are reached, not only the 404 of an unknown university. Every answer
must be below 500, have the content type the schema gives for its status and, when the schema
describes the status, a body that conforms to it.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import FUZZ, Served

SLUG = "uw"
LOGIN = "maria.zajac"
PASSWORD = "demo-maria-1"
# the operations fuzzed: the mobile API, the verifier, the issuer's OpenID4VCI endpoints
SELECTED = re.compile(
    r"^/(u/\{slug\}/api/v1/|verifier/|u/\{slug\}/(token|nonce|credential|notification|offers|status)"
    r"|\.well-known/)"
)
CHECKS = [not_a_server_error, response_schema_conformance]
# the mobile API and the verifier's API document every status they answer, and its content type
DOCUMENTED = re.compile(r"^/(u/\{slug\}/api/v1/|verifier/(api/v1/|codes/|offline))")
FULL_CHECKS = [*CHECKS, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def schema(fuzz_server: Served) -> Any:
    loaded = schemathesis.openapi.from_url(f"{fuzz_server.base}/api/openapi.json")
    return loaded.include(path_regex=SELECTED.pattern)


OPERATIONS = [
    "GET /.well-known/openid-credential-issuer/u/{slug}",
    "GET /.well-known/oauth-authorization-server/u/{slug}",
    "GET /.well-known/jwt-vc-issuer/u/{slug}",
    "GET /u/{slug}/offers/{reference}",
    "POST /u/{slug}/token",
    "POST /u/{slug}/nonce",
    "POST /u/{slug}/credential",
    "POST /u/{slug}/notification",
    "GET /u/{slug}/status/{number}",
    "POST /verifier/api/v1/requests",
    "GET /verifier/api/v1/requests/{request_id}",
    "GET /verifier/codes/{code}",
    "GET /verifier/request/{ref}",
    "POST /verifier/response/{ref}",
    "POST /verifier/offline",
    "GET /u/{slug}/api/v1/payments",
    "GET /u/{slug}/api/v1/oath",
    "POST /u/{slug}/api/v1/oath",
    "GET /u/{slug}/api/v1/photo",
    "POST /u/{slug}/api/v1/photo",
    "GET /u/{slug}/api/v1/photo/{photo_id}",
    "POST /u/{slug}/api/v1/session",
    "DELETE /u/{slug}/api/v1/session",
    "GET /u/{slug}/api/v1/mlegitymacja",
    "GET /u/{slug}/api/v1/mlegitymacja/order",
    "POST /u/{slug}/api/v1/mlegitymacja/order",
    "POST /u/{slug}/api/v1/mlegitymacja/cancel",
    "POST /u/{slug}/api/v1/mlegitymacja/extend",
]


@pytest.fixture(scope="module")
def token(fuzz_server: Served) -> str:
    """A signed-in student's bearer token, taken before any fuzzing: fuzzed sign-ins with wrong
    passwords lock the client out (``too_many_attempts``) and the clock stands still."""
    answer = httpx.post(
        f"{fuzz_server.base}/u/{SLUG}/api/v1/session",
        json={"login": LOGIN, "password": PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    access_token: str = answer.json()["access_token"]
    return access_token


def test_every_selected_operation_is_in_the_schema(schema: Any) -> None:
    served = {op.ok().label for op in schema.get_all_operations()}
    assert served == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_error(label: str, schema: Any, fuzz_server: Served, token: str) -> None:
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    modes = schemathesis.GenerationMode

    @FUZZ
    @given(
        case=st.one_of(
            operation.as_strategy(generation_mode=modes.POSITIVE),
            operation.as_strategy(generation_mode=modes.NEGATIVE),
        ),
        known_university=st.booleans(),
        signed_in=st.booleans(),
    )
    def run(case: Any, known_university: bool, signed_in: bool) -> None:
        if known_university and "slug" in (case.path_parameters or {}):
            case.path_parameters["slug"] = SLUG
        headers = {}
        # the token is never sent to DELETE session, which would end it
        if signed_in and "/api/v1/" in path and not path.startswith("/verifier"):
            headers["Authorization"] = f"Bearer {token if method != 'DELETE' else 'ended'}"
        response = case.call(base_url=fuzz_server.base, headers=headers, timeout=10)
        checks = FULL_CHECKS if DOCUMENTED.match(path) else CHECKS
        case.validate_response(response, checks=checks, headers=headers)

    run()
