"""Plain examples of the inputs fuzzing found answered with a 500 or an unhandled exception."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from legitka.credentials import jose
from legitka.verifier.web import context
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, HolderError, offer_reference
from tests.fuzz.conftest import Seeds, Served
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


def test_a_status_list_number_beyond_the_database_integer_is_invalid_input(
    fuzz_server: Served,
) -> None:
    answer = httpx.get(
        f"{fuzz_server.base}/u/pd/status/{2**63}",
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "invalid_request"


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        ("{", "not JSON"),
        ('{"credential_issuer": "https://x", "grants": true}', "pre-authorized code"),
        ('{"credential_issuer": 1}', "credential_issuer"),
        (
            '{"credential_issuer": "https://x", "credential_configuration_ids": 7, "grants": '
            '{"urn:ietf:params:oauth:grant-type:pre-authorized_code":'
            ' {"pre-authorized_code": "c"}}}',
            "credential configuration",
        ),
    ],
)
def test_a_wrong_offer_by_value_is_an_invalid_offer(offer: str, message: str) -> None:
    with httpx.Client() as http, pytest.raises(HolderError) as caught:
        Holder(http).resolve_offer("openid-credential-offer://?credential_offer=" + quote(offer))
    assert caught.value.code == "invalid_offer"
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_metadata": {"jwks": True}}, "ECDH-ES key"),
        ({"client_metadata": {"jwks": {"keys": 3}}}, "ECDH-ES key"),
        ("enc", "must be an array"),
        ("claims", "claims must be an array"),
    ],
)
def test_a_signed_request_object_with_wrong_members_is_an_invalid_request(
    changes: Any, message: str, seeds: Seeds
) -> None:
    claims = jose.unverified_claims(seeds.request_object)
    if changes == "enc":
        claims["client_metadata"]["encrypted_response_enc_values_supported"] = True
    elif changes == "claims":
        claims["dcql_query"]["credentials"][0]["claims"] = True
    else:
        claims.update(changes)
    runtime = seeds.served.runtime
    token = context(runtime).signer.sign_jwt({"typ": presentation.REQUEST_TYP}, claims)
    roots = [runtime.pki.root_certificate()]
    with pytest.raises(HolderError) as caught:
        presentation.parse_request(token, seeds.client_id, roots, seeds.served.clock.now())
    assert caught.value.code == "invalid_request"
    assert message in caught.value.message


def test_an_offer_link_with_an_unclosed_bracket_is_an_invalid_offer() -> None:
    with pytest.raises(HolderError) as caught:
        offer_reference("https://[issuer?credential_offer_uri=https://x")
    assert caught.value.code == "invalid_offer"


def test_a_verification_link_with_an_unclosed_bracket_is_an_invalid_request() -> None:
    with httpx.Client() as http, pytest.raises(HolderError) as caught:
        presentation.resolve("openid4vp://[x?client_id=a", http, "http://127.0.0.1:9")
    assert caught.value.code == "invalid_request"
