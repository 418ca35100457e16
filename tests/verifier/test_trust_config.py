"""The verifier's configured trust (R24): root PEM files, or a trust list served by another
legitka deployment, cached in the database and used offline until its exp, with its age."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from legitka.clock import FixedClock
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, StoredCredential
from tests.issuer.conftest import Issuer
from tests.live import issuer_runtime, serving
from tests.verifier.conftest import Scene


def _pem(path: Path, *certificates: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in certificates))
    return path


def _share(scene: Scene, holder: Holder, stored: StoredCredential) -> dict:
    created = scene.create()
    client_id, uri = presentation.resolve(created["qr_uri"], scene.issuer.http, scene.issuer.base)
    presentation.share(holder, stored, presentation.fetch_request(holder, client_id, uri))
    result: dict = scene.status(created)["result"]
    return result


@pytest.fixture
def other(
    sqlite_template: Path, clock: FixedClock, tmp_path: Path
) -> Iterator[tuple[Issuer, list]]:
    """A second legitka deployment with its own PKI; ``stop[0]()`` takes it off the network."""
    database = tmp_path / "other.sqlite3"
    shutil.copyfile(sqlite_template, database)
    runtime = issuer_runtime(f"sqlite:///{database}", clock, tmp_path / "other")
    server = serving(runtime)
    base = server.__enter__()
    stopped = []

    def stop() -> None:
        if not stopped:
            stopped.append(True)
            server.__exit__(None, None, None)

    with httpx.Client(timeout=10) as http:
        yield Issuer(runtime, base, http, clock), [stop]
    stop()
    runtime.close()


def test_trust_comes_from_the_configured_root_files(scene: Scene, other, tmp_path: Path) -> None:
    settings = scene.issuer.runtime.settings
    own_root = scene.issuer.runtime.pki.root_certificate()
    foreign_root = other[0].runtime.pki.root_certificate()
    settings.verifier_trusted_roots = [_pem(tmp_path / "foreign.pem", foreign_root)]
    refused = _share(scene, scene.holder, scene.stored)
    assert [r["code"] for r in refused["reasons"]] == ["untrusted_issuer"]
    settings.verifier_trusted_roots = [_pem(tmp_path / "both.pem", foreign_root, own_root)]
    accepted = _share(scene, scene.holder, scene.stored)
    assert accepted["verdict"] == "valid", accepted
    assert accepted["status_checked_at"] and accepted["trust_checked_at"] is None


def test_a_trust_list_of_another_deployment_online_offline_and_expired(
    scene: Scene, other, tmp_path: Path
) -> None:
    foreign, (stop,) = other
    clock = scene.issuer.clock
    own_root = scene.issuer.runtime.pki.root_certificate()
    foreign_root = foreign.runtime.pki.root_certificate()
    settings = scene.issuer.runtime.settings
    settings.verifier_trust_list_url = f"{foreign.base}/trust/list.json"
    settings.verifier_trust_list_roots = [_pem(tmp_path / "foreign.pem", foreign_root)]

    view = foreign.order()
    holder = Holder(foreign.http, trusted_roots=[foreign_root, own_root], now=clock.now)
    stored = holder.activate(view["offer"]["qr_uri"], view["offer"]["activation_code"])
    assert stored.claims["iss"].startswith(foreign.base)

    first = clock.now()
    online = _share(scene, holder, stored)
    assert online["verdict"] == "valid", online
    assert online["claims"]["given_name"]
    assert online["trust_checked_at"] == first.isoformat().replace("+00:00", "Z")

    # this deployment's own students are not on that list
    own = _share(scene, scene.holder, scene.stored)
    assert [r["code"] for r in own["reasons"]] == ["untrusted_issuer"]

    stop()  # the other deployment is unreachable: the cached trust and status lists serve
    clock.advance(dt.timedelta(hours=2))
    offline = _share(scene, holder, stored)
    assert offline["verdict"] == "valid", offline
    assert offline["trust_checked_at"] == online["trust_checked_at"]
    assert offline["status_checked_at"] == online["status_checked_at"]

    clock.advance(dt.timedelta(days=8))  # past the cached trust list's exp
    expired = _share(scene, holder, stored)
    codes = [r["code"] for r in expired["reasons"]]
    assert expired["verdict"] == "invalid" and codes == ["trust_unavailable"]
    assert expired["claims"] is None
    assert expired["trust_checked_at"] == online["trust_checked_at"]


def test_an_unreadable_root_file_is_a_coded_setting_error(tmp_path: Path) -> None:
    from legitka.domain.errors import InvalidInput
    from legitka.verifier.trust_source import read_roots

    (tmp_path / "empty.pem").write_text("not a certificate")
    with pytest.raises(InvalidInput) as refused:
        read_roots([tmp_path / "empty.pem"], "verifier_trusted_roots")
    assert refused.value.code == "invalid_setting"
    assert refused.value.field == "verifier_trusted_roots"
    with pytest.raises(InvalidInput):
        read_roots([tmp_path / "missing.pem"], "verifier_trusted_roots")
