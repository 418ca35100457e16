"""Fuzzing the parsers that sit behind an endpoint, over HTTP on a real server on loopback: the
credential endpoint with random bodies and key proofs, the verifier's response endpoint with
random forms and with encrypted answers carrying random presentations. Every answer is below
500 and, when it is an error, says what is wrong with a code."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from legitka.verifier import encryption, presets
from legitka.wallet import presentation
from tests.fuzz.conftest import FUZZ, Seeds, verification
from tests.fuzz.strategies import b64_json, garbage, headers, json_objects, json_values, jwt_like
from tests.fuzz.strategies import mutated as mutation

CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", ""]


def coded(answer: httpx.Response) -> None:
    """Below 500, and an error names its code (OAuth ``error`` or the problem's ``code``)."""
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        body = answer.json()
        assert body.get("error") or body.get("code"), body


@pytest.fixture(scope="module")
def access_token(seeds: Seeds) -> str:
    """A new access token for the seed credential, from its refresh token."""
    answer = seeds.http.post(
        seeds.stored.token_endpoint,
        data={"grant_type": "refresh_token", "refresh_token": seeds.stored.refresh_token},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


proof_values = st.one_of(jwt_like(headers()), garbage, json_values)
credential_requests = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "credential_configuration_id": st.sampled_from(["student_id", ""]) | json_values,
            "proofs": st.one_of(
                json_values,
                st.fixed_dictionaries({"jwt": st.lists(proof_values, max_size=3) | json_values}),
            ),
            "proof": st.fixed_dictionaries(
                {"proof_type": st.just("jwt") | json_values, "jwt": proof_values}
            ),
            "credential_identifier": json_values,
        },
    ),
    json_values,
)


@FUZZ
@given(
    body=st.one_of(
        credential_requests.map(lambda b: ("json", b)),
        st.binary(max_size=200).map(lambda b: ("raw", b)),
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
    signed_in=st.booleans(),
)
def test_credential_endpoint(
    body: tuple[str, Any], content_type: str, signed_in: bool, seeds: Seeds, access_token: str
) -> None:
    kind, value = body
    headers_ = {"Content-Type": content_type} if content_type else {}
    if signed_in:
        headers_["Authorization"] = f"Bearer {access_token}"
    if kind == "json":
        answer = seeds.http.post(seeds.stored.credential_endpoint, json=value, headers=headers_)
    else:
        answer = seeds.http.post(seeds.stored.credential_endpoint, content=value, headers=headers_)
    coded(answer)


@FUZZ
@given(data=st.data())
def test_credential_endpoint_with_mutated_proofs(
    data: st.DataObject, seeds: Seeds, access_token: str
) -> None:
    nonce = seeds.http.post(seeds.stored.nonce_endpoint or "").json()["c_nonce"]
    proof = data.draw(mutation(seeds.holder.proof(seeds.stored.issuer, nonce)))
    answer = seeds.http.post(
        seeds.stored.credential_endpoint,
        json={
            "credential_configuration_id": seeds.stored.configuration_id,
            "proofs": {"jwt": [proof]},
        },
        headers={"Authorization": f"Bearer {access_token}"},
    )
    coded(answer)


forms = st.dictionaries(
    st.sampled_from(["response", "error", "state", "error_description", "vp_token"])
    | st.text(max_size=5),
    st.one_of(garbage, jwt_like(), b64_json()),
    max_size=4,
)


@pytest.fixture(scope="module")
def pending_ref(seeds: Seeds) -> str:
    """A verification request that stays unanswered: the random forms never carry its JWE."""
    _, uri, _ = verification(seeds.served, seeds.http)
    return uri.rstrip("/").rsplit("/", 1)[-1]


@FUZZ
@given(
    form=forms,
    raw=st.one_of(st.none(), st.binary(max_size=200)),
    content_type=st.sampled_from(CONTENT_TYPES),
    unknown=st.booleans(),
)
def test_verifier_response_endpoint(
    form: dict[str, str],
    raw: bytes | None,
    content_type: str,
    unknown: bool,
    seeds: Seeds,
    pending_ref: str,
) -> None:
    ref = "nothing-here" if unknown else pending_ref
    url = f"{seeds.served.base}/verifier/response/{ref}"
    headers_ = {"Content-Type": content_type} if content_type else {}
    if raw is None:
        answer = seeds.http.post(url, data=form)
    else:
        answer = seeds.http.post(url, content=raw, headers=headers_)
    coded(answer)


@FUZZ
@given(data=st.data())
def test_verifier_response_with_encrypted_random_presentations(
    data: st.DataObject, seeds: Seeds
) -> None:
    """Answers the verifier can decrypt, with the right state, whose vp_token is wrong: each
    example answers a verification request of its own."""
    client_id, uri, created = verification(seeds.served, seeds.http)
    request = presentation.fetch_request(seeds.holder, client_id, uri)
    shown = data.draw(st.one_of(mutation(seeds.presentation), garbage, json_values))
    token = data.draw(
        st.one_of(
            st.just({presets.CREDENTIAL_QUERY_ID: [shown]}),
            st.just({presets.CREDENTIAL_QUERY_ID: shown}),
            json_values,
        )
    )
    extra = data.draw(json_objects)
    payload = {**extra, "vp_token": token, "state": request.state}
    sealed = encryption.encrypt(payload, request.encryption_key, request.enc)
    answer = seeds.http.post(request.response_uri, data={"response": sealed})
    coded(answer)
    status = seeds.http.get(created["status_url"])
    assert status.status_code == 200, status.text
