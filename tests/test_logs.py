"""No personal data or secret in any log line (DESIGN: PESEL and photos never appear in logs).

The whole story over real HTTP, with every logger at DEBUG and uvicorn's access log on: a student
signs in through the mobile API and orders, the worker prepares the offer, the Python holder
activates it with the activation code, an inspector's verification is answered by its short
code, the student cancels, the worker runs again. Then no captured line may hold the PESEL, the
password, the activation code, the offer's secrets, a token, a private key, the verification
request's id or the photo.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.credentials import jose
from legitka.registry.db import transaction
from legitka.registry.models import Person, Photo, PortalAccount
from legitka.verifier import requests as verifier_requests
from legitka.wallet import presentation
from legitka.wallet.holder import Holder
from legitka.web import log_redaction
from legitka.web.log_redaction import redact_path
from legitka.worker import drain
from tests.live import issuer_runtime, serving
from tests.portal.conftest import demo_password

LOGGERS = ("legitka", "uvicorn", "uvicorn.access", "uvicorn.error", "httpx", "httpcore")
SLUG, LOGIN = "pd", "anna.nowak"
CLIENT_LOGGERS = ("httpx ", "httpcore.")


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Lines]:
    """Every record of the root logger, every logger at DEBUG."""
    handler = Lines()
    saved: list[tuple[logging.Logger, int]] = []
    for name in ("", *LOGGERS):
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)
    for logger, level in saved:
        logger.setLevel(level)


def key_texts(key: object) -> list[str]:
    """A private key as PEM and as the JWK ``d`` (base64url)."""
    pem = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    body = "".join(pem.strip().splitlines()[1:-1])
    d = key.private_numbers().private_value.to_bytes(32, "big")  # type: ignore[attr-defined]
    return [body, body[:40], jose.b64url_encode(d)]


def test_the_whole_story_leaves_no_secret_in_the_logs(
    db_url: str, clock: FixedClock, tmp_path: Path, captured: Lines
) -> None:
    runtime = issuer_runtime(db_url, clock, tmp_path / "data")
    password = demo_password(LOGIN)
    secrets: dict[str, str] = {"password": password}
    with serving(runtime, captured) as base, httpx.Client(timeout=10) as http:
        api = httpx.Client(base_url=f"{base}/u/{SLUG}/api/v1", timeout=10)
        signed_in = api.post("/session", json={"login": LOGIN, "password": password})
        assert signed_in.status_code == 201, signed_in.text
        secrets["session token"] = signed_in.json()["access_token"]
        api.headers["Authorization"] = f"Bearer {secrets['session token']}"
        assert api.post("/mlegitymacja/order").status_code == 201
        drain(runtime)
        offer = api.get("/mlegitymacja").json()["order"]["offer"]
        secrets["activation code"] = offer["activation_code"]
        offer_uri = offer["credential_offer_uri"]
        secrets["offer reference"] = offer_uri.rsplit("/", 1)[1]

        holder = Holder(http, trusted_roots=[runtime.pki.root_certificate()], now=clock.now)
        resolved = holder.resolve_offer(offer["qr_uri"])
        secrets["pre-authorized code"] = resolved.pre_authorized_code
        stored = holder.redeem(resolved, offer["activation_code"])
        assert stored.refresh_token
        secrets["refresh token"] = stored.refresh_token

        from legitka.verifier.web import context as verifier_context  # after legitka.web

        with transaction(runtime.sessions) as session:
            created = verifier_requests.create(
                session, clock, verifier_context(runtime), "student_status"
            )
        secrets["verification request id"] = created["id"]
        # The inspector's page, as the browser opens and polls it, and the verifier's API.
        assert http.get(f"{base}/verify/{created['id']}").status_code == 200
        client_id, uri = presentation.resolve(created["short_code"], http, base)
        presentation.share(holder, stored, presentation.fetch_request(holder, client_id, uri))
        assert http.get(f"{base}/verify/{created['id']}/status").status_code == 200
        assert http.get(f"{base}/verify/{created['id']}/photo").status_code == 200
        assert http.get(created["status_url"]).status_code == 200

        cancelled = api.post("/mlegitymacja/cancel")
        assert cancelled.status_code == 200, cancelled.text
        drain(runtime)
        api.close()

    with runtime.sessions() as session:
        account = session.scalar(select(PortalAccount).where(PortalAccount.login == LOGIN))
        assert account is not None
        person = session.get(Person, account.person_id)
        assert person is not None and person.pesel
        secrets["PESEL"] = person.pesel
        photo = session.scalar(select(Photo).where(Photo.person_id == person.id))
        assert photo is not None
        picture = photo.credential_picture or ""
        image = photo.image
    runtime_key = runtime.issuer_key(SLUG).private_key
    runtime.close()

    for i, text in enumerate(key_texts(holder.key)):
        secrets[f"holder key {i}"] = text
    for i, text in enumerate(key_texts(runtime_key)):
        secrets[f"issuer key {i}"] = text
    secrets["photo (credential)"] = picture.split(",", 1)[-1][100:160]
    secrets["photo (upload)"] = base64.b64encode(image).decode()[100:160]

    lines = captured.lines
    assert any(line.startswith("uvicorn.access ") for line in lines), "no access log captured"
    assert any("/mlegitymacja/order" in line for line in lines)
    # httpx logs the URL its caller asked for: the client's own log (the holder's, the
    # inspector's), where the capabilities it was given in URLs are no news. The server's
    # log is another reader's: nothing at all.
    in_urls = {"offer reference", "verification request id"}
    found = {
        name: [
            line for line in lines
            if value in line and not (name in in_urls and line.startswith(CLIENT_LOGGERS))
        ]
        for name, value in secrets.items()
        if value
    }  # fmt: skip
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_secret_path_segments_are_redacted() -> None:
    assert redact_path("/verify/AbC-12_x/status?lang=pl") == "/verify/***/status?lang=pl"
    assert redact_path("/verifier/api/v1/requests/AbC") == "/verifier/api/v1/requests/***"
    assert redact_path("/u/pd/offers/r3f") == "/u/pd/offers/***"
    assert redact_path("/wallet/?credential_offer_uri=http%3A%2F%2Fx&lang=en") == (
        "/wallet/?credential_offer_uri=***&lang=en"
    )
    assert redact_path("/verify") == "/verify"
    assert redact_path("/verifier/request/ref1") == "/verifier/request/ref1"  # public (QR code)
    assert redact_path("/u/pd/api/v1/mlegitymacja") == "/u/pd/api/v1/mlegitymacja"


def test_the_filter_survives_uvicorns_logging_configuration() -> None:
    log_redaction.install()
    log_redaction.install()
    uvicorn.Config(lambda: None, log_level="info", access_log=True)
    access = logging.getLogger(log_redaction.ACCESS_LOGGER)
    filters = [f for f in access.filters if isinstance(f, log_redaction.SecretPathFilter)]
    assert len(filters) == 1
    record = access.makeRecord(
        access.name, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/verify/secret-id", "1.1", 200), None,
    )  # fmt: skip
    assert access.filter(record)
    assert "secret-id" not in record.getMessage()
