"""``legitka wallet``: activate, show, refresh and remove an mLegitymacja against a real issuer."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select

from legitka.clock import FixedClock
from legitka.domain.studies import StudyStatus
from legitka.issuer import mobile_ids, orders
from legitka.registry.db import transaction
from legitka.registry.models import MobileId
from legitka.registry.services import people
from legitka.registry.services.students import find_study
from legitka.worker import drain
from tests.issuer.conftest import Issuer
from tests.wallet.conftest import Wallet, running_issuer


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def shown(wallet: Wallet) -> tuple[int, dict]:
    result = wallet.run("show", "--json")
    return result.exit_code, json.loads(result.stdout)


def cancel(issuer: Issuer, order_id: int) -> None:
    with transaction(issuer.runtime.sessions) as session:
        mobile_ids.cancel(session, issuer.clock, orders.get(session, order_id), actor="test")
    drain(issuer.runtime)


# -- activation --------------------------------------------------------------------------------


def test_activate_from_the_qr_code_pins_the_root_and_shows_the_id(
    issuer: Issuer, wallet: Wallet
) -> None:
    view = issuer.order()
    result = wallet.activate(view["offer"])
    assert result.exit_code == 0, result.output
    assert "Added: " in result.stdout and "valid until 2027-03-31" in result.stdout
    assert "first use" in result.stdout
    fingerprint = issuer.runtime.pki.root_certificate().fingerprint(hashes.SHA256())
    assert fingerprint.hex(":").upper() in result.stdout
    assert "Replaced" not in result.stdout

    assert mode(wallet.store) == 0o700
    assert set(wallet.files()) == {"credential.json", "device-key.pem", "trust.json"}
    for name in wallet.files():
        assert mode(wallet.store / name) == 0o600, name
    assert wallet.files()["device-key.pem"].startswith(b"-----BEGIN PRIVATE KEY-----")
    document = json.loads(wallet.files()["credential.json"])
    stored = document["credentials"][0]["stored"]
    assert stored["issuer"] == f"{issuer.base}/u/pd" and stored["refresh_token"]
    assert issuer.view(view["id"])["status"] == "picked_up"

    card = wallet.run("show")
    assert card.exit_code == 0, card.output
    claims = stored["claims"]
    for value in (
        claims["given_name"], claims["family_name"], claims["birthdate"],
        claims["personal_administrative_number"], "100001", claims["university"]["name"]["en"],
        claims["issuance_date"], "2027-03-31", "valid (valid)", "status checked live",
        "Data updated",
    ):  # fmt: skip
        assert value in card.stdout, value
    assert "INVALID" not in card.stdout


def test_activate_from_the_wallet_link_with_a_given_root_and_a_passphrase(
    issuer: Issuer, wallet: Wallet, root_pem: Path
) -> None:
    view = issuer.order()
    secret = "correct horse battery staple"
    env = {"LEGITKA_WALLET_PASSPHRASE": secret}
    result = wallet.run(
        "activate", view["offer"]["wallet_link"], "--code", view["offer"]["activation_code"],
        "--trust-root", str(root_pem), env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "first use" not in result.stdout and secret not in result.output
    assert wallet.files()["device-key.pem"].startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert json.loads(wallet.files()["trust.json"])["source"] == "configured"

    assert wallet.run("show", env=env).exit_code == 0
    missing = wallet.run("show")
    assert missing.exit_code == 2
    assert "error[wallet_passphrase_missing]" in missing.stderr
    wrong = wallet.run("show", env={"LEGITKA_WALLET_PASSPHRASE": "wrong"})
    assert wrong.exit_code == 2 and "error[wallet_wrong_passphrase]" in wrong.stderr
    assert "wrong" not in wrong.stderr.split("]", 1)[1].split("LEGITKA")[0]


def test_a_trust_list_names_the_issuer(issuer: Issuer, wallet: Wallet, root_pem: Path) -> None:
    view = issuer.order()
    trust_list = f"{issuer.base}/trust/list.json"
    alone = wallet.activate(view["offer"], "--trust-list", trust_list)
    assert alone.exit_code == 2 and "error[trust_root_required]" in alone.stderr
    result = wallet.activate(view["offer"], "--trust-list", trust_list, "--trust-root",
                             str(root_pem))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(wallet.files()["trust.json"])["trust_list"] == trust_list
    assert wallet.run("show").exit_code == 0


def test_a_wrong_code_says_how_many_tries_remain_and_stores_nothing(
    issuer: Issuer, wallet: Wallet
) -> None:
    view = issuer.order()
    result = wallet.run("activate", view["offer"]["qr_uri"], "--code", "00000000")
    assert result.exit_code == 2
    assert "error[invalid_grant]" in result.stderr
    assert "Wrong activation code: 4 attempts left" in result.stderr
    assert "Traceback" not in result.output
    assert not (wallet.store / "credential.json").exists()
    assert not (wallet.store / "device-key.pem").exists()
    assert wallet.activate(view["offer"]).exit_code == 0  # the right code still works


def test_the_code_can_be_typed_at_the_prompt(issuer: Issuer, wallet: Wallet) -> None:
    view = issuer.order()
    result = wallet.run("activate", view["offer"]["qr_uri"],
                        input=view["offer"]["activation_code"] + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output


def test_a_used_offer_cannot_be_activated_in_a_second_wallet(
    issuer: Issuer, wallet: Wallet, tmp_path: Path
) -> None:
    view = issuer.order()
    assert wallet.activate(view["offer"]).exit_code == 0
    other = Wallet(tmp_path / "second", wallet.runner)
    again = other.activate(view["offer"])
    assert again.exit_code == 2
    assert "order a new one" in again.stderr
    assert not (other.store / "credential.json").exists()


def test_an_expired_offer_is_refused(issuer: Issuer, wallet: Wallet) -> None:
    view = issuer.order()
    issuer.clock.advance(dt.timedelta(days=30, seconds=1))
    drain(issuer.runtime)
    result = wallet.activate(view["offer"])
    assert result.exit_code == 2
    assert "does not exist or has expired" in result.stderr
    assert not (wallet.store / "credential.json").exists()


@pytest.mark.parametrize(
    "text",
    ["hello", "https://example.org/wallet/", "mailto:someone@example.org"],
)
def test_text_that_is_not_an_offer(wallet: Wallet, text: str) -> None:
    result = wallet.run("activate", text, "--code", "12345678")
    assert result.exit_code == 2
    assert "error[invalid_offer]" in result.stderr
    assert not wallet.store.exists()


def other_root(tmp_path: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "Somebody else's root")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    path = tmp_path / "other-root.pem"
    path.write_bytes(certificate.public_bytes(Encoding.PEM))
    return path


def test_an_issuer_outside_the_trusted_roots_is_refused(
    issuer: Issuer, wallet: Wallet, tmp_path: Path
) -> None:
    view = issuer.order()
    result = wallet.activate(view["offer"], "--trust-root", str(other_root(tmp_path)))
    assert result.exit_code == 2
    assert "error[untrusted_issuer]" in result.stderr
    assert "does not chain to a trusted root CA" in result.stderr
    assert "keeps what it had" in result.stderr
    assert not (wallet.store / "credential.json").exists()
    assert not (wallet.store / "device-key.pem").exists()
    assert not (wallet.store / "trust.json").exists()


def test_a_new_activation_replaces_the_older_id_of_the_store(
    issuer: Issuer, wallet: Wallet
) -> None:
    first = issuer.order()
    assert wallet.activate(first["offer"]).exit_code == 0
    key = wallet.files()["device-key.pem"]
    second = issuer.order()
    result = wallet.activate(second["offer"])
    assert result.exit_code == 0, result.output
    assert "Replaced the ID this store held before" in result.stdout
    assert "first use" not in result.stdout  # the pinned root is used
    assert wallet.files()["device-key.pem"] == key  # the same device
    assert issuer.view(first["id"])["reason"] == "replaced"
    assert shown(wallet)[1]["status"] == "valid"


# -- show --------------------------------------------------------------------------------------


def test_show_json_shape(issuer: Issuer, wallet: Wallet) -> None:
    wallet.activate(issuer.order()["offer"])
    code, card = shown(wallet)
    assert code == 0
    assert set(card) >= {
        "status", "invalid", "status_checked_at", "status_detail", "given_name", "family_name",
        "birthdate", "personal_administrative_number", "student_id", "university",
        "issuance_date", "picture", "valid_until", "expires_at", "issued_at", "issuer",
        "status_list", "activated_at", "updated_at",
    }  # fmt: skip
    assert card["status"] == "valid" and card["invalid"] is False and card["status_detail"] is None
    assert card["picture"] is True
    assert card["student_id"] == "100001"
    assert card["valid_until"] == "2027-03-31"
    assert card["university"]["id"] == "pd"
    assert card["status_checked_at"] == issuer.clock.now().isoformat()
    assert "data:image" not in json.dumps(card)


def test_show_after_cancellation_is_invalid(issuer: Issuer, wallet: Wallet) -> None:
    view = issuer.order()
    wallet.activate(view["offer"])
    cancel(issuer, view["id"])
    card = wallet.run("show")
    assert card.exit_code == 1
    assert "INVALID: cancelled or revoked [revoked]" in card.stdout
    code, document = shown(wallet)
    assert code == 1 and document["status"] == "revoked" and document["invalid"] is True
    polish = wallet.run("show", env={"LANG": "pl_PL.UTF-8"})
    assert polish.exit_code == 1
    assert "NIEWAŻNA: anulowana lub unieważniona" in polish.stdout
    assert "Politechnika Demonstracyjna" in polish.stdout


def test_show_during_suspension_is_invalid(issuer: Issuer, wallet: Wallet) -> None:
    wallet.activate(issuer.order()["offer"])
    with transaction(issuer.runtime.sessions) as session:
        study = find_study(session, "pd", "100001")
        people.change_study_status(
            session, issuer.clock, study, StudyStatus.SUSPENDED, since=dt.date(2026, 11, 22),
            actor="office",
        )  # fmt: skip
    drain(issuer.runtime)
    card = wallet.run("show")
    assert card.exit_code == 1 and "INVALID: suspended [suspended]" in card.stdout
    assert shown(wallet)[1]["status"] == "suspended"


def test_show_after_the_validity_date_is_expired(issuer: Issuer, wallet: Wallet) -> None:
    wallet.activate(issuer.order()["offer"])
    issuer.clock.advance(dt.timedelta(days=140))  # 11 April 2027, after 31 March
    card = wallet.run("show")
    assert card.exit_code == 1 and "INVALID: expired [expired]" in card.stdout
    assert shown(wallet)[1]["status"] == "expired"


def test_an_unreachable_status_list_is_unavailable_not_cancelled(
    tmp_path: Path, sqlite_template: Path, clock: FixedClock, wallet: Wallet
) -> None:
    with running_issuer(tmp_path / "gone", sqlite_template, clock) as gone:
        assert wallet.activate(gone.order()["offer"]).exit_code == 0
    card = wallet.run("show")  # the server is stopped now
    assert card.exit_code == 3
    assert "INVALID" not in card.stdout
    assert "status unavailable (status_unavailable)" in card.stdout
    assert "not a cancellation" in card.stdout
    code, document = shown(wallet)
    assert code == 3
    assert document["status"] == "status_unavailable" and document["invalid"] is False
    assert document["status_detail"]["code"] == "no_connection"
    assert document["given_name"]  # the data is still shown


def test_show_without_an_id(wallet: Wallet) -> None:
    result = wallet.run("show")
    assert result.exit_code == 2 and "error[no_credential]" in result.stderr


# -- refresh -----------------------------------------------------------------------------------


def test_refresh_fetches_the_extended_validity(issuer: Issuer, wallet: Wallet) -> None:
    view = issuer.order("uw", "200001")  # PESEL policy: validity follows the semester
    assert wallet.activate(view["offer"]).exit_code == 0
    activated = shown(wallet)[1]
    issuer.clock.advance(dt.timedelta(days=120))  # 22 March 2027: summer semester
    same = wallet.run("refresh")
    assert same.exit_code == 0, same.output
    assert "Nothing changed" in same.stdout and activated["valid_until"] in same.stdout
    with transaction(issuer.runtime.sessions) as session:
        mobile_id = session.scalars(select(MobileId)).one()
        mobile_ids.extend(session, issuer.clock, mobile_id, actor="student")
    renewed = wallet.run("refresh")
    assert renewed.exit_code == 0, renewed.output
    assert "Renewed: valid until 2027-10-31" in renewed.stdout
    card = shown(wallet)[1]
    assert card["valid_until"] == "2027-10-31" and card["status"] == "valid"
    assert card["updated_at"] > activated["updated_at"]
    assert card["activated_at"] == activated["activated_at"]


def test_a_failing_refresh_leaves_the_store_unchanged(issuer: Issuer, wallet: Wallet) -> None:
    view = issuer.order()
    wallet.activate(view["offer"])
    before = wallet.files()
    cancel(issuer, view["id"])
    result = wallet.run("refresh")
    assert result.exit_code == 2
    assert "error[invalid_grant]" in result.stderr and "cancelled or revoked" in result.stderr
    assert wallet.files() == before  # byte for byte, and no temporary file left


# -- remove ------------------------------------------------------------------------------------


def test_remove_asks_then_wipes_the_id_and_the_key(issuer: Issuer, wallet: Wallet) -> None:
    wallet.activate(issuer.order()["offer"])
    kept = wallet.run("remove", input="n\n")
    assert kept.exit_code == 1  # aborted
    assert (wallet.store / "credential.json").exists()
    removed = wallet.run("remove", input="y\n")
    assert removed.exit_code == 0, removed.output
    assert set(wallet.files()) == {"trust.json"}
    assert wallet.run("show").exit_code == 2
    assert "nothing to remove" in wallet.run("remove", "--yes").stdout


def test_remove_with_yes_does_not_ask(issuer: Issuer, wallet: Wallet) -> None:
    wallet.activate(issuer.order()["offer"])
    result = wallet.run("remove", "--yes")
    assert result.exit_code == 0 and "Removed" in result.stdout
    assert not (wallet.store / "device-key.pem").exists()


def test_help_documents_the_exit_codes() -> None:
    from typer.testing import CliRunner

    from legitka.cli import app

    result = CliRunner().invoke(app, ["wallet", "--store", "x", "show", "--help"])
    assert result.exit_code == 0
    assert "status_unavailable" in result.stdout and "INVALID" in result.stdout


def test_a_fingerprint_is_printed_as_it_is_never_as_an_emoji(capsys) -> None:
    from legitka.cli.wallet_common import _say

    _say("{fingerprint}", fingerprint="24:CD:64:80")  # ":CD:" is also an emoji code
    assert "24:CD:64:80" in capsys.readouterr().out
