"""Outside input never crashes the parsers: request objects, responses, presentations, QR codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legitka.credentials import jose
from legitka.verifier import encryption
from legitka.verifier.offline import verify_offline
from legitka.verifier.status import StatusReading
from legitka.verifier.trust import Trust
from legitka.verifier.validation import Expected, validate
from legitka.wallet import presentation
from legitka.wallet.holder import HolderError

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
EXPECTED = Expected(nonce="n", audience="a", vct_values=("v",), claims=("given_name",))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


class NoStatus:
    def read(self, uri: str, index: int, issuer: str, now: dt.datetime) -> StatusReading:
        raise AssertionError("no status list may be fetched for an unverified credential")


def _jwt(header: Any, payload: Any) -> str:
    parts = (jose.b64url_encode(jose.json_bytes(part)) for part in (header, payload))
    return ".".join(parts) + ".c2ln"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300) | st.builds(lambda h, p: _jwt(h, p), json_values, json_values))
def test_presentations_end_in_reason_codes(text: str) -> None:
    outcome = validate(text, EXPECTED, trust=Trust(()), status=NoStatus(), now=NOW)
    assert outcome.reasons and outcome.verdict.value == "invalid"
    data = text.encode()
    assert verify_offline(data, vct_values=("v",), trust=Trust(()), status=NoStatus(),
                          now=NOW).reasons  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.dictionaries(st.text(max_size=8), json_values, max_size=3))
def test_responses_fail_with_one_exception(token: str, header: dict[str, Any]) -> None:
    private, _ = encryption.new_key()
    candidates = [token, _jwt(header, {}) + ".x.y"]
    for candidate in candidates:
        with pytest.raises(encryption.ResponseDecryptionError):
            encryption.decrypt(candidate, private, "kid")


@settings(max_examples=150, deadline=None)
@given(json_values, json_values)
def test_request_objects_fail_with_holder_errors(header: Any, payload: Any) -> None:
    with pytest.raises(HolderError):
        presentation.parse_request(_jwt(header, payload), "x509_hash:x", [], NOW)
    if isinstance(payload, dict):
        with pytest.raises(HolderError):
            presentation._read_query(payload)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_scanned_text_fails_with_holder_errors(text: str) -> None:
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404))) as http:
        try:
            client_id, uri = presentation.resolve(text, http, "http://127.0.0.1:1")
        except HolderError:
            return
    assert client_id and uri.startswith(("https://", "http://"))
