"""The verification story over real HTTP with the Python holder, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from legitka.credentials import jose, sd_jwt
from legitka.registry.models import VerificationOutcome, VerificationRequest
from legitka.verifier import presets
from legitka.verifier import requests as verifier_requests
from legitka.wallet import presentation
from legitka.wallet.holder import HolderError
from legitka.worker import drain
from tests.verifier.conftest import Scene


def test_share_by_short_code_shows_only_the_claims_asked_for(scene: Scene) -> None:
    created = scene.create("student_status")
    assert created["qr_uri"].startswith("openid4vp://?client_id=x509_hash%3A")
    assert len(created["short_code"]) == 6
    assert scene.status(created)["state"] == "pending"
    client_id, uri = presentation.resolve(
        created["short_code"], scene.issuer.http, scene.issuer.base
    )
    request = presentation.fetch_request(scene.holder, client_id, uri)
    assert request.claims == presets.claims_of("student_status")
    assert request.verifier  # who asks: the certificate's organization
    assert presentation.share(scene.holder, scene.stored, request) == {}
    status = scene.status(created)
    assert status["state"] == "done"
    result = status["result"]
    assert result["verdict"] == "valid" and result["reasons"] == []
    assert set(result["claims"]) == {"picture", "given_name", "family_name", "university", "exp"}


def test_request_object_is_signed_by_the_verifier(scene: Scene) -> None:
    created = scene.create("discount")
    client_id, uri = presentation.resolve(created["qr_uri"], scene.issuer.http, scene.issuer.base)
    answer = scene.issuer.http.get(uri)
    assert answer.headers["content-type"].startswith("application/oauth-authz-req+jwt")
    header = jose.unverified_header(answer.text)
    claims = jose.unverified_claims(answer.text)
    assert header["typ"] == "oauth-authz-req+jwt" and len(header["x5c"]) == 1
    assert claims["client_id"] == client_id and claims["aud"] == "https://self-issued.me/v2"
    assert claims["response_mode"] == "direct_post.jwt"
    query = claims["dcql_query"]["credentials"][0]
    assert query["meta"]["vct_values"] == [f"{scene.issuer.base}/credentials/student-id/1"]
    assert [c["path"][0] for c in query["claims"]] == ["picture", "university", "age_under_26"]
    key = claims["client_metadata"]["jwks"]["keys"][0]
    assert key["use"] == "enc" and key["alg"] == "ECDH-ES" and "d" not in key and key["kid"]


def test_decline_ends_with_declined(scene: Scene) -> None:
    created = scene.create()
    request = scene.request(created)
    presentation.decline(scene.holder, request)
    result = scene.status(created)["result"]
    assert result["verdict"] == "declined" and scene.codes(created) == ["declined"]
    assert result["claims"] is None


def test_replayed_response_is_refused(scene: Scene) -> None:
    created = scene.create()
    request = scene.request(created)
    disclose = presentation.matching_claims(request, scene.stored)
    vp = scene.holder.present(scene.stored, disclose, audience=request.client_id,
                              nonce=request.nonce)  # fmt: skip
    presentation.send_presentation(scene.holder, request, vp)
    with pytest.raises(HolderError) as again:
        presentation.send_presentation(scene.holder, request, vp)
    assert again.value.code == "invalid_request"
    assert scene.status(created)["result"]["verdict"] == "valid"


def _send(scene: Scene, created: dict, **changes: object) -> list[str]:
    request = scene.request(created)
    disclose = changes.pop("disclose", presentation.matching_claims(request, scene.stored))
    vp = scene.holder.present(
        scene.stored,
        list(disclose),  # type: ignore[call-overload]
        audience=str(changes.get("audience", request.client_id)),
        nonce=str(changes.get("nonce", request.nonce)),
    )
    presentation.send_presentation(scene.holder, request, vp)
    return scene.codes(created)


def test_wrong_nonce(scene: Scene) -> None:
    assert _send(scene, scene.create(), nonce="another-nonce") == ["wrong_nonce"]


def test_wrong_audience(scene: Scene) -> None:
    assert _send(scene, scene.create(), audience="x509_san_dns:evil.example") == ["wrong_audience"]


def test_extra_and_missing_claims(scene: Scene) -> None:
    more = ["given_name", "family_name", "university", "picture", "birthdate"]
    assert _send(scene, scene.create(), disclose=more) == ["extra_claims"]
    assert _send(scene, scene.create(), disclose=["given_name"]) == ["missing_claims"]


def test_stale_key_binding(scene: Scene) -> None:
    created = scene.create()
    request = scene.request(created)
    disclose = presentation.matching_claims(request, scene.stored)
    scene.issuer.clock.advance(dt.timedelta(minutes=-10))
    vp = scene.holder.present(scene.stored, disclose, audience=request.client_id,
                              nonce=request.nonce)  # fmt: skip
    scene.issuer.clock.advance(dt.timedelta(minutes=10))
    presentation.send_presentation(scene.holder, request, vp)
    assert scene.codes(created) == ["stale_key_binding"]


def test_tampered_disclosure(scene: Scene) -> None:
    created = scene.create()
    request = scene.request(created)
    disclose = presentation.matching_claims(request, scene.stored)
    selected = scene.stored.sd_jwt.select(disclose)
    forged = sd_jwt.make_disclosure("family_name", "Someone-Else")
    disclosures = [d.encoded if d.name != "family_name" else forged for d in selected.disclosures]
    body = "~".join([selected.jwt, *disclosures]) + "~"
    kb = jose.sign(
        {"typ": "kb+jwt"},
        {"iat": int(scene.issuer.clock.now().timestamp()), "aud": request.client_id,
         "nonce": request.nonce, "sd_hash": sd_jwt.sd_hash(body)},
        scene.holder.key,
    )  # fmt: skip
    presentation.send_presentation(scene.holder, request, body + kb)
    assert scene.codes(created) == ["bad_disclosure"]
    assert scene.status(created)["result"]["claims"] is None


def test_expired_credential(scene: Scene) -> None:
    scene.issuer.clock.advance(dt.timedelta(days=140))  # past 31 March 2027
    created = scene.create()
    assert _send(scene, created) == ["expired"]


def test_unknown_short_code_and_rate_limit(scene: Scene) -> None:
    http, base = scene.issuer.http, scene.issuer.base
    for _ in range(20):
        answer = http.get(f"{base}/verifier/codes/000000")
        assert answer.status_code == 404
        assert answer.json()["code"] == "unknown_code"
        assert answer.headers["content-type"].startswith("application/problem+json")
    limited = http.get(f"{base}/verifier/codes/000000")
    assert limited.status_code == 429 and limited.json()["code"] == "too_many_attempts"
    scene.issuer.clock.advance(dt.timedelta(minutes=2))
    with pytest.raises(HolderError) as unknown:
        presentation.resolve("123 456", http, base)
    assert unknown.value.code == "unknown_code"


def test_claims_wiped_after_retention(scene: Scene) -> None:
    created = scene.create()
    presentation.share(scene.holder, scene.stored, scene.request(created))
    assert scene.status(created)["result"]["claims"]
    scene.issuer.clock.advance(dt.timedelta(minutes=5, seconds=1))
    drain(scene.issuer.runtime)
    result = scene.status(created)["result"]
    assert result["verdict"] == "valid" and result["claims"] is None


def test_reading_a_status_past_retention_wipes_its_data_without_a_worker(scene: Scene) -> None:
    created = scene.create()
    presentation.share(scene.holder, scene.stored, scene.request(created))
    scene.issuer.clock.advance(dt.timedelta(minutes=5, seconds=1))
    result = scene.status(created)["result"]  # no worker round in between
    assert result["verdict"] == "valid" and result["claims"] is None
    with scene.issuer.runtime.sessions() as session:
        stored = session.get_one(VerificationRequest, created["id"])
        assert stored.claims is None


def test_an_expired_request_is_counted_once_however_often_it_is_read(scene: Scene) -> None:
    created = scene.create()
    scene.issuer.clock.advance(dt.timedelta(minutes=6))
    assert scene.status(created)["state"] == "expired"
    assert scene.status(created)["state"] == "expired"
    drain(scene.issuer.runtime)
    with scene.issuer.runtime.sessions() as session:
        expired = session.scalars(
            select(VerificationOutcome).where(VerificationOutcome.verdict == "expired")
        ).all()
    assert len(expired) == 1


def test_the_api_answers_a_too_large_body_in_its_own_shape(scene: Scene) -> None:
    answer = scene.api.post(
        f"{scene.issuer.base}/verifier/api/v1/requests",
        content=b'{"preset": "' + b"x" * 600_000 + b'"}',
        headers={"Content-Type": "application/json", "Accept": "*/*"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "invalid_request" and problem["status"] == 413
    assert problem["detail"] and problem["title"]


def test_a_short_code_in_use_is_never_given_twice_and_a_lapsed_one_is_freed(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = scene.create()
    taken = int(first["short_code"])
    draws = iter([taken, taken + 1 if taken < 999_999 else taken - 1])
    monkeypatch.setattr(verifier_requests.secrets, "randbelow", lambda _n: next(draws))
    second = scene.create()  # the first draw is in use: drawn again
    assert second["short_code"] != first["short_code"]
    scene.issuer.clock.advance(dt.timedelta(minutes=6))  # both lapse, unread
    draws = iter([taken])
    third = scene.create()  # the lapsed request gives its code up at once
    assert third["short_code"] == first["short_code"]
    assert scene.status(first)["state"] == "expired"
    code = scene.issuer.http.get(f"{scene.issuer.base}/verifier/codes/{taken:06d}")
    assert code.status_code == 200 and third["qr_uri"] == code.json()["uri"]
    drain(scene.issuer.runtime)
    with scene.issuer.runtime.sessions() as session:
        expired = session.scalars(
            select(VerificationOutcome).where(VerificationOutcome.verdict == "expired")
        ).all()
    assert len(expired) == 2  # the first and the second, each counted once


def test_request_expires_without_answer(scene: Scene) -> None:
    created = scene.create()
    scene.issuer.clock.advance(dt.timedelta(minutes=6))
    status = scene.status(created)
    assert status["state"] == "expired"
    assert status["result"]["verdict"] == "expired"
    with pytest.raises(HolderError):
        scene.request(created)


def test_bad_input_gets_clear_errors(scene: Scene) -> None:
    http, base = scene.issuer.http, scene.issuer.base
    bad = scene.api.post(f"{base}/verifier/api/v1/requests", json={"preset": "everything"})
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_preset"
    created = scene.create()
    request = scene.request(created)
    garbage = http.post(request.response_uri, data={"response": "a.b.c.d.e"})
    assert garbage.status_code == 400 and garbage.json()["error"] == "invalid_request"
    wrong_state = http.post(request.response_uri, data={"error": "access_denied", "state": "x"})
    assert wrong_state.status_code == 400
    as_json = http.post(request.response_uri, json={"response": "x"})
    assert as_json.status_code == 400
    unknown = scene.api.get(f"{base}/verifier/api/v1/requests/nope")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_request"
    # none of it consumed the request
    assert presentation.share(scene.holder, scene.stored, request) == {}


def test_same_device_redirect_shows_claims_only_with_the_response_code(scene: Scene) -> None:
    created = scene.create(redirect_uri="https://shop.example/after")
    answer = presentation.share(scene.holder, scene.stored, scene.request(created))
    target, _, fragment = answer["redirect_uri"].partition("#response_code=")
    assert target == "https://shop.example/after" and fragment
    assert scene.status(created)["result"]["claims"] is None
    shown = scene.status(created, response_code=fragment)["result"]
    assert shown["verdict"] == "valid" and shown["claims"]["given_name"]


def test_long_polling_waits_while_pending(scene: Scene) -> None:
    created = scene.create()
    assert scene.status(created, wait=0.5)["state"] == "pending"
    presentation.share(scene.holder, scene.stored, scene.request(created))
    assert scene.status(created, wait=5)["state"] == "done"
