"""``legitka wallet present``: a student answers a verifier from the command line, against a
real server: who asks, which data, consent, share or decline; unknown codes and verifiers
signed under an untrusted root are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from legitka.clock import FixedClock
from tests.issuer.conftest import Issuer
from tests.wallet.conftest import Wallet, running_issuer


def _request(issuer: Issuer, preset: str = "student_status") -> dict[str, Any]:
    answer = issuer.http.post(f"{issuer.base}/verifier/api/v1/requests", json={"preset": preset})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _result(issuer: Issuer, created: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = issuer.http.get(created["status_url"]).json()["result"]
    return result


@pytest.fixture
def activated(issuer: Issuer, wallet: Wallet) -> Wallet:
    result = wallet.activate(issuer.order()["offer"])
    assert result.exit_code == 0, result.output
    return wallet


def test_share_from_the_qr_code_with_yes(issuer: Issuer, activated: Wallet) -> None:
    created = _request(issuer)
    result = activated.run("present", created["qr_uri"], "--yes")
    assert result.exit_code == 0, result.output
    assert "asks for your student ID" in result.stdout
    assert "Data to share: Photo, First name, Surname, University." in result.stdout
    assert "Shared with" in result.stdout
    shown = _result(issuer, created)
    assert shown["verdict"] == "valid" and shown["claims"]["given_name"]
    assert "personal_administrative_number" not in shown["claims"]


def test_a_typed_code_with_consent_at_the_prompt(issuer: Issuer, activated: Wallet) -> None:
    created = _request(issuer, "discount")
    code = f"{created['short_code'][:3]} {created['short_code'][3:]}"
    result = activated.run("present", code, input="y\n")
    assert result.exit_code == 0, result.output
    assert "Share these data with" in result.stdout
    assert _result(issuer, created)["verdict"] == "valid"


@pytest.mark.parametrize("how", ["--decline", "prompt"])
def test_decline(issuer: Issuer, activated: Wallet, how: str) -> None:
    created = _request(issuer)
    if how == "--decline":
        result = activated.run("present", created["short_code"], "--decline", "--base", issuer.base)
    else:
        result = activated.run("present", created["qr_uri"], input="n\n")
    assert result.exit_code == 1, result.output
    assert "Declined" in result.stdout
    declined = _result(issuer, created)
    assert declined["verdict"] == "declined" and declined["claims"] is None


def test_an_unknown_code(activated: Wallet) -> None:
    result = activated.run("present", "000000", "--yes")
    assert result.exit_code == 2
    assert "error[unknown_code]" in result.output


def test_a_verifier_under_an_untrusted_root_is_refused(
    activated: Wallet, tmp_path: Path, sqlite_template: Path, clock: FixedClock
) -> None:
    with running_issuer(tmp_path / "stranger", sqlite_template, clock) as stranger:
        created = _request(stranger)
        result = activated.run("present", created["qr_uri"], "--yes")
        assert result.exit_code == 2
        assert "error[untrusted_verifier]" in result.output
        assert stranger.http.get(created["status_url"]).json()["state"] == "pending"


def test_without_an_id(wallet: Wallet) -> None:
    result = wallet.run("present", "123456")
    assert result.exit_code == 2 and "error[no_credential]" in result.output
