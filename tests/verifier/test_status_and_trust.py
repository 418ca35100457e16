"""Status lists (revoked, suspended, unreachable, stale), untrusted issuers and verifiers,
and the offline QR code, over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import update

from legitka.credentials import sd_jwt
from legitka.credentials.pki import Pki, UniversityRef
from legitka.domain.studies import StudyStatus
from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.registry.models import StatusList
from legitka.registry.services import people
from legitka.registry.services.students import find_study
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, HolderError
from legitka.worker import drain
from tests.verifier.conftest import Scene


def _share(scene: Scene) -> list[str]:
    created = scene.create()
    presentation.share(scene.holder, scene.stored, scene.request(created))
    return scene.codes(created)


def test_revoked_after_cancellation(scene: Scene) -> None:
    with transaction(scene.issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, scene.issuer.clock, orders.get(session, scene.order_id),
                          actor="test")  # fmt: skip
    drain(scene.issuer.runtime)
    assert _share(scene) == ["revoked"]


def test_suspended_with_the_study(scene: Scene) -> None:
    with transaction(scene.issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(session, scene.issuer.clock, study, StudyStatus.SUSPENDED,
                                   since=dt.date(2026, 11, 22), actor="office")  # fmt: skip
    drain(scene.issuer.runtime)
    assert _share(scene) == ["suspended"]


def _unpublish(scene: Scene) -> None:
    """The issuer's status list stops answering (404), as if its server were unreachable."""
    with transaction(scene.issuer.runtime.sessions) as session:
        session.execute(update(StatusList).values(number=StatusList.number + 1000))


def test_status_unavailable_is_not_revoked(scene: Scene) -> None:
    _unpublish(scene)
    assert _share(scene) == ["status_unavailable"]


def test_cached_list_is_used_until_exp_and_never_after(scene: Scene) -> None:
    assert _share(scene) == []  # the list is now cached
    _unpublish(scene)
    scene.issuer.clock.advance(dt.timedelta(hours=1))  # past ttl, before exp
    assert _share(scene) == []
    scene.issuer.clock.advance(dt.timedelta(hours=24))  # past exp
    assert _share(scene) == ["status_stale"]


def _other_pki(tmp_path: Path, base: str, now: dt.datetime) -> Pki:
    pki = Pki(tmp_path / "other-pki", SecretStr("other"))
    pki.init(base_url=base, universities=[UniversityRef("pd", "Inna", "Other")], now=now)
    return pki


def test_untrusted_issuer(scene: Scene, tmp_path: Path) -> None:
    now = scene.issuer.clock.now()
    other = _other_pki(tmp_path, scene.issuer.base, now)
    signer = other.issuer_keyring("pd").signing_key(now)
    original = scene.stored.sd_jwt
    claims = {k: v for k, v in original.payload.items() if k not in ("_sd", "_sd_alg")}
    forged = sd_jwt.issue(signer, header={"typ": "dc+sd-jwt"}, claims=claims,
                          disclosable={d.name: d.value for d in original.disclosures})  # fmt: skip
    scene.stored.credential = forged
    assert _share(scene) == ["untrusted_issuer"]


def test_holder_refuses_a_request_signed_under_another_root(scene: Scene, tmp_path: Path) -> None:
    created = scene.create()
    other = _other_pki(tmp_path, scene.issuer.base, scene.issuer.clock.now())
    stranger = Holder(scene.issuer.http, scene.holder.key, trusted_roots=other.root_certificates(),
                      now=scene.issuer.clock.now)  # fmt: skip
    client_id, uri = presentation.resolve(created["qr_uri"], scene.issuer.http, scene.issuer.base)
    with pytest.raises(HolderError) as refused:
        presentation.fetch_request(stranger, client_id, uri)
    assert refused.value.code == "untrusted_verifier"
    with pytest.raises(HolderError) as other_client:
        presentation.fetch_request(scene.holder, "x509_hash:AAAA", uri)
    assert other_client.value.code == "invalid_request"


def _offline(scene: Scene, data: bytes) -> dict:
    answer = scene.issuer.http.post(
        f"{scene.issuer.base}/verifier/offline", json={"qr": base64.b64encode(data).decode()}
    )
    assert answer.status_code == 200, answer.text
    body: dict = answer.json()
    return body


def test_offline_qr_fresh_and_stale(scene: Scene) -> None:
    data = presentation.offline_qr_bytes(scene.holder, scene.stored)
    assert len(data) < 2900  # fits a QR code in byte mode
    fresh = _offline(scene, data)
    assert fresh["verdict"] == "valid", fresh
    assert "picture" not in fresh["claims"] and fresh["claims"]["student_id"] == "100001"
    assert fresh["status_age"] == 0
    scene.issuer.clock.advance(dt.timedelta(seconds=91))
    stale = _offline(scene, data)
    assert [r["code"] for r in stale["reasons"]] == ["stale_key_binding"]
    bad = scene.issuer.http.post(f"{scene.issuer.base}/verifier/offline", json={"qr": "%%"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_qr"
    assert _offline(scene, b"not zlib")["reasons"][0]["code"] == "malformed"
