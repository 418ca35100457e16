"""Replays: an answer, a presentation or a token used where, or once more than, it was made for.

Covered by other tests, not repeated here:

- a KB-JWT whose ``iat`` is too old is ``stale_key_binding``:
  ``tests/verifier/test_flow.py::test_stale_key_binding``;
- a KB-JWT for another audience is ``wrong_audience``: ``test_flow.py::test_wrong_audience``;
- a made-up nonce is ``wrong_nonce``: ``test_flow.py::test_wrong_nonce``;
- a second answer to an answered request is refused (400 ``invalid_request``) and the first
  verdict stands: ``test_flow.py::test_replayed_response_is_refused`` (here: the very same
  form, byte for byte, and the ``replayed`` record it leaves);
- a key proof sent again with its used ``c_nonce`` is ``invalid_nonce``:
  ``tests/issuer/test_endpoint_errors.py::test_unknown_and_replayed_nonces``;
- access tokens are not single-use by design: the wallet sends its notification with the token
  that fetched the credential, and each credential request needs a fresh ``c_nonce`` and a proof
  by the bound key, so a second use gets nothing new (``test_unknown_and_replayed_nonces``,
  ``test_renewal_must_use_the_bound_key``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from legitka.registry.db import transaction
from legitka.registry.models import VerificationOutcome
from legitka.verifier import api_keys, encryption, presets
from legitka.wallet import presentation
from legitka.wallet.presentation import PresentationRequest
from tests.issuer.conftest import Issuer
from tests.security.conftest import Site
from tests.verifier.conftest import Scene


@pytest.fixture(scope="module")
def issuer(site: Site) -> Iterator[Issuer]:
    with httpx.Client(timeout=10) as http:
        yield Issuer(site.runtime, site.base, http, site.clock)


@pytest.fixture(scope="module")
def scene(issuer: Issuer) -> Iterator[Scene]:
    """Maria (uw) with an activated mLegitymacja, and an integrator with an API key."""
    with transaction(issuer.runtime.sessions) as session:
        key = api_keys.create(session, issuer.clock.now(), "replays")
    view = issuer.order("uw", "200001")
    holder = issuer.holder()
    stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    headers = {"Authorization": f"Bearer {key.secret}"}
    with httpx.Client(timeout=10, headers=headers) as api:
        yield Scene(issuer, holder, stored, view["id"], api)


def _sealed(request: PresentationRequest, vp: str, *, to: PresentationRequest) -> str:
    """``vp`` with ``request``'s state, encrypted to the key of ``to``."""
    payload = {"vp_token": {presets.CREDENTIAL_QUERY_ID: [vp]}, "state": request.state}
    return encryption.encrypt(payload, to.encryption_key, to.enc)


def _made_for(scene: Scene, request: PresentationRequest) -> str:
    disclose = presentation.matching_claims(request, scene.stored)
    return scene.holder.present(
        scene.stored, disclose, audience=request.client_id, nonce=request.nonce
    )


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "invalid_request"


def test_a_presentation_for_one_request_is_refused_by_another(scene: Scene) -> None:
    made_for, other, third = scene.create(), scene.create(), scene.create()
    a, b, c = scene.request(made_for), scene.request(other), scene.request(third)
    assert a.client_id == b.client_id == c.client_id  # one verifier: only the nonce differs
    assert len({a.nonce, b.nonce, c.nonce}) == 3
    vp = _made_for(scene, a)
    http = scene.issuer.http

    # A's own answer posted to B: B's key cannot open it; neither can A's state pass at B
    _refused(http.post(b.response_uri, data={"response": _sealed(a, vp, to=a)}))
    _refused(http.post(b.response_uri, data={"response": _sealed(a, vp, to=b)}))
    assert scene.status(other)["state"] == "pending"  # nothing consumed

    # sealed anew for C with C's state (all public in C's request object): the nonce betrays it
    assert presentation.send_presentation(scene.holder, c, vp) == {}
    assert scene.status(third)["result"]["verdict"] == "invalid"
    assert scene.codes(third) == ["wrong_nonce"]

    # B is still answered properly, and so is A with the presentation made for it
    assert presentation.share(scene.holder, scene.stored, b) == {}
    assert scene.status(other)["result"]["verdict"] == "valid"
    assert presentation.send_presentation(scene.holder, a, vp) == {}
    result = scene.status(made_for)["result"]
    assert result["verdict"] == "valid" and result["reasons"] == []


def _replayed(scene: Scene) -> int:
    with scene.issuer.runtime.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(VerificationOutcome)
            .where(VerificationOutcome.reasons == "replayed")
        )
    return int(count or 0)


def test_the_same_answer_sent_again_is_refused_and_recorded_as_replayed(scene: Scene) -> None:
    created = scene.create()
    request = scene.request(created)
    form = {"response": _sealed(request, _made_for(scene, request), to=request)}
    http = scene.issuer.http
    first = http.post(request.response_uri, data=form)
    assert first.status_code == 200, first.text
    done: dict[str, Any] = scene.status(created)
    assert done["result"]["verdict"] == "valid"
    before = _replayed(scene)

    _refused(http.post(request.response_uri, data=form))  # byte for byte
    _refused(http.post(request.response_uri, data={"error": "access_denied",
                                                  "state": request.state}))  # fmt: skip
    assert _replayed(scene) == before + 2
    assert scene.status(created) == done  # the first verdict and its claims stand


def test_a_rotated_refresh_token_is_refused(issuer: Issuer) -> None:
    """Refresh tokens rotate on every use; the spent one is ``invalid_grant``. A reuse is not
    taken for theft (nothing else is revoked): a refresh token alone gets no credential, which
    needs a proof by the device key the credential is bound to."""
    view = issuer.order("uw", "200002")
    holder = issuer.holder()
    stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    spent = stored.refresh_token
    assert spent
    holder.renew(stored)
    current = stored.refresh_token
    assert current and current != spent

    def token(slug: str, refresh_token: str) -> httpx.Response:
        return issuer.http.post(
            f"{issuer.base}/u/{slug}/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        )

    for replay in (token("uw", spent), token("uw", spent), token("pd", current)):
        assert replay.status_code == 400, replay.text
        body = replay.json()
        assert body["error"] == "invalid_grant" and "access_token" not in body
    # the refused attempts spent nothing: the current token renews, and rotates again
    assert holder.renew(stored).credential
    assert stored.refresh_token not in (spent, current)
    assert token("uw", current).json()["error"] == "invalid_grant"
    assert issuer.status_of(stored) == 0
