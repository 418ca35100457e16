"""Our SD-JWT VCs verified by @sd-jwt/sd-jwt-vc 0.19.0 (``SDJwtVcInstance``, sd_jwt_vc.mjs).

Credentials come from a real issuer through our Python holder. The npm side validates the
``x5c`` chain to the root CA with node's X.509 (HAIP: root not sent, leaf not self-signed) and
verifies the signature with the leaf's key; the library checks the times, discloses the claims,
verifies a key-binding presentation made by ``Holder.present`` and reads the credential's entry
in our status list, fetched over HTTP and signed under the same root. Its decoding of the
disclosures is compared claim by claim with ``sd_jwt.parse(...).claims()``.

One server serves the whole module (its clock never moves here); tests that change a student's
standing each use their own student.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from legitka.clock import FixedClock
from legitka.credentials import sd_jwt
from legitka.credentials.jose import b64url_decode, b64url_encode
from legitka.domain.studies import StudyStatus
from legitka.wallet.holder import Holder, StoredCredential
from tests.conftest import NOW
from tests.interop.live_issuer import LiveIssuer, live_issuer
from tests.interop.node import run_node

VERIFIER = "https://verifier.example/check"
NONCE = "n-0S6_WzA2Mj"


@dataclass
class Student:
    order_id: int
    holder: Holder
    stored: StoredCredential


@pytest.fixture(scope="module")
def issuer(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveIssuer]:
    with live_issuer(sqlite_template, FixedClock(NOW), tmp_path_factory.mktemp("issuer")) as it:
        yield it


@pytest.fixture(scope="module")
def student(issuer: LiveIssuer) -> Student:
    """pd 100001's mLegitymacja; the tests using it only read it."""
    return activated(issuer, "pd", "100001")


def activated(issuer: LiveIssuer, slug: str, album: str) -> Student:
    view = issuer.order(slug, album)
    holder = issuer.holder()
    offer = view["offer"]
    return Student(view["id"], holder, holder.activate(offer["qr_uri"], offer["activation_code"]))


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(Encoding.PEM).decode()


def verify(issuer: LiveIssuer, *cases: dict[str, Any]) -> list[dict[str, Any]]:
    root = pem(issuer.runtime.pki.root_certificate())
    payload = {"op": "verify", "root_pem": root, "now": issuer.now, "cases": list(cases)}
    results: list[dict[str, Any]] = run_node("sd_jwt_vc", payload)["results"]
    return results


def foreign_root() -> x509.Certificate:
    """A CA that never issued anything of ours, valid now."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Somebody else's root")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def with_header(credential: str, **changes: Any) -> str:
    """The credential with its JWT header changed (the signature no longer matches)."""
    jwt, rest = credential.split("~", 1)
    header, payload, signature = jwt.split(".")
    new = {**json.loads(b64url_decode(header)), **changes}
    return ".".join([b64url_encode(json.dumps(new).encode()), payload, signature]) + "~" + rest


def test_npm_verifies_our_credential_and_reads_its_status(
    issuer: LiveIssuer, student: Student
) -> None:
    claims = student.stored.claims
    [result] = verify(
        issuer, {"sd_jwt": student.stored.credential, "required_claim_keys": list(claims)}
    )
    assert result["verified"], result["error"]
    assert result["header"]["typ"] == "dc+sd-jwt"
    assert result["payload"] == claims
    assert result["payload"]["iss"] == issuer.issuer_id("pd")
    assert result["payload"]["vct"] == f"{issuer.base}/credentials/student-id/1"
    # Both the credential and the status list token were checked from x5c to our root.
    assert [chain["typ"] for chain in result["chains"]] == ["dc+sd-jwt", "statuslist+jwt"]
    for chain in result["chains"]:
        assert chain["length"] == 1
        assert chain["leaf_self_signed"] is False
        assert chain["leaf_issuer"] == chain["root_subject"]
    assert result["statuses"] == [0]
    status_uri = claims["status"]["status_list"]["uri"]
    assert result["chains"][1]["sub"] == status_uri
    [fetched] = result["fetched"]
    assert fetched["url"] == status_uri
    assert fetched["accept"] == fetched["content_type"] == "application/statuslist+jwt"


def test_npm_trusts_our_credential_only_under_our_root(
    issuer: LiveIssuer, student: Student
) -> None:
    root = issuer.runtime.pki.root_certificate()
    root_der = base64.b64encode(root.public_bytes(Encoding.DER)).decode()
    root_sent = with_header(
        student.stored.credential, x5c=[*student.stored.sd_jwt.header["x5c"], root_der]
    )
    other_root, with_root = verify(
        issuer,
        {"sd_jwt": student.stored.credential, "root_pem": pem(foreign_root())},
        {"sd_jwt": root_sent},
    )
    assert not other_root["verified"] and "is not issued by" in other_root["error"]
    assert not with_root["verified"] and "x5c contains the root CA" in with_root["error"]


def test_npm_decodes_the_same_claims_as_we_do(student: Student) -> None:
    ours = sd_jwt.parse(student.stored.credential)
    answer = run_node("sd_jwt_vc", {"op": "decode", "sd_jwt": student.stored.credential})
    assert answer["claims"] == ours.claims()
    assert {d["key"]: d["value"] for d in answer["disclosures"]} == {
        d.name: d.value for d in ours.disclosures
    }
    assert len(answer["disclosures"]) == len(ours.disclosures) >= 10


def test_npm_verifies_a_key_binding_presentation(issuer: LiveIssuer) -> None:
    student = activated(issuer, "uw", "200005")
    disclosed = ["student_id", "university", "age_under_26"]
    presentation = student.holder.present(student.stored, disclosed, audience=VERIFIER, nonce=NONCE)
    valid, wrong_nonce, not_disclosed = verify(
        issuer,
        {"sd_jwt": presentation, "required_claim_keys": disclosed, "key_binding_nonce": NONCE},
        {"sd_jwt": presentation, "key_binding_nonce": "another-nonce"},
        {
            "sd_jwt": presentation,
            "required_claim_keys": ["family_name"],
            "key_binding_nonce": NONCE,
        },
    )
    assert valid["verified"], valid["error"]
    assert valid["kb"]["header"] == {"typ": "kb+jwt", "alg": "ES256"}
    kb = valid["kb"]["payload"]
    assert (kb["aud"], kb["nonce"], kb["iat"]) == (VERIFIER, NONCE, issuer.now)
    assert kb["sd_hash"] == sd_jwt.sd_hash(presentation.rsplit("~", 1)[0] + "~")
    hidden = {"given_name", "family_name", "birthdate", "picture", "personal_administrative_number"}
    assert set(disclosed) <= set(valid["payload"]) and not hidden & set(valid["payload"])
    assert valid["payload"]["student_id"] == student.stored.claims["student_id"]
    assert not wrong_nonce["verified"] and "Invalid Nonce" in wrong_nonce["error"]
    assert not not_disclosed["verified"]
    assert "Missing required claim keys: family_name" in not_disclosed["error"]


def test_a_cancelled_credential_has_status_1(issuer: LiveIssuer) -> None:
    student = activated(issuer, "pd", "100017")
    issuer.cancel(student.order_id)
    [result] = verify(issuer, {"sd_jwt": student.stored.credential})
    assert not result["verified"]
    assert result["statuses"] == [1]
    assert "status is 1" in result["error"]


def test_a_suspended_credential_has_status_2_until_reinstated(issuer: LiveIssuer) -> None:
    student = activated(issuer, "uw", "200001")
    issuer.change_study_status(StudyStatus.SUSPENDED, "uw", "200001")
    [suspended] = verify(issuer, {"sd_jwt": student.stored.credential})
    assert not suspended["verified"]
    assert suspended["statuses"] == [2]
    assert "status is 2" in suspended["error"]
    issuer.change_study_status(StudyStatus.ACTIVE, "uw", "200001")
    [reinstated] = verify(issuer, {"sd_jwt": student.stored.credential})
    assert reinstated["verified"], reinstated["error"]
    assert reinstated["statuses"] == [0]


def test_npm_reads_our_type_metadata(issuer: LiveIssuer, student: Student) -> None:
    [result] = verify(issuer, {"sd_jwt": student.stored.credential, "type_metadata": True})
    assert result["verified"], result["error"]
    assert result["type_metadata"]["vct"] == student.stored.claims["vct"]
    labels = {claim["path"][0]: claim["display"] for claim in result["type_metadata"]["claims"]}
    assert {"locale": "en", "label": "Album number"} in labels["student_id"]
