"""The trust list: signed by its own key under the root, checked against configured roots only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from pydantic import SecretStr

from legitka.credentials import jose
from legitka.credentials.keys import certificate_b64
from legitka.credentials.pki import ChainError, Pki, UniversityRef
from legitka.credentials.trust_list import (
    TYP,
    TrustListError,
    build_trust_list,
    publish_trust_list,
    read_trust_list,
    trust_entries,
)

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
BASE = "https://id.example.edu"
PD = UniversityRef("pd", "Politechnika Demonstracyjna", "Demo University of Technology")
UD = UniversityRef("ud", "Uniwersytet Demonstracyjny", "Demo University")


def make_pki(folder: Path) -> Pki:
    pki = Pki(folder, SecretStr("trust-list-test"))
    pki.init(base_url=BASE, universities=[PD, UD], now=NOW)
    return pki


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return make_pki(tmp_path / "pki")


@pytest.fixture
def document(pki: Pki) -> dict[str, str]:
    return publish_trust_list(pki, [PD, UD], BASE, NOW)


def roots(pki: Pki) -> list:
    return [pki.root_certificate()]


def payload(document: dict[str, str]) -> dict:
    return json.loads(jose.b64url_decode(document["payload"]))


def test_a_flattened_jws_with_the_trust_list_certificate_and_no_root(pki, document):
    assert set(document) == {"protected", "payload", "signature"}
    header = json.loads(jose.b64url_decode(document["protected"]))
    signer = pki.trust_list_keyring().signing_key(NOW)
    assert header["alg"] == "ES256"
    assert header["typ"] == TYP
    assert header["kid"] == signer.kid
    assert header["x5c"] == signer.x5c()
    assert certificate_b64(pki.root_certificate()) not in header["x5c"]


def test_the_payload_names_the_deployment_roots_issuers_and_verifier(pki, document):
    claims = payload(document)
    assert claims["iss"] == BASE
    assert claims["exp"] - claims["iat"] == 7 * 86400
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["roots"] == [certificate_b64(pki.root_certificate())]
    issuer, _, verifier = claims["entities"]
    assert issuer == {
        "type": "credential_issuer",
        "id": f"{BASE}/u/pd",
        "university": {"slug": "pd", "name": {"pl": PD.name_pl, "en": PD.name_en}},
        "certificates": [certificate_b64(c) for c in pki.issuer_certificates("pd")],
    }
    assert verifier["type"] == "verifier"
    assert verifier["id"] == BASE
    assert verifier["certificates"] == [certificate_b64(c) for c in pki.verifier_certificates()]


def test_reading_a_list_gives_typed_entries_and_lookups(pki, document):
    trust = read_trust_list(document, roots(pki), NOW + DAY)
    assert trust.iss == BASE
    assert trust.expires_at == NOW + 7 * DAY
    assert [e.id for e in trust.issuers] == [f"{BASE}/u/pd", f"{BASE}/u/ud"]
    assert trust.roots == (pki.root_certificate(),)

    pd_key = pki.issuer_keyring("pd").signing_key(NOW)
    leaf = pd_key.certificate
    assert trust.is_current_certificate(f"{BASE}/u/pd", leaf, NOW)
    assert not trust.is_current_certificate(f"{BASE}/u/ud", leaf, NOW)
    assert not trust.is_current_certificate(f"{BASE}/u/none", leaf, NOW)
    found = trust.issuer_of(leaf, NOW)
    assert found is not None
    assert found.university == PD

    entry = trust.verify_issuer(pd_key.x5c(), NOW)
    assert entry.id == f"{BASE}/u/pd"


def test_a_json_text_reads_as_well(pki, document):
    assert read_trust_list(json.dumps(document), roots(pki), NOW).iss == BASE


def test_a_listed_verifier_certificate_is_not_an_issuer(pki, document):
    trust = read_trust_list(document, roots(pki), NOW)
    with pytest.raises(ChainError) as caught:
        trust.verify_issuer(pki.verifier_keyring().signing_key(NOW).x5c(), NOW)
    assert caught.value.code == "untrusted_issuer"


def test_rotated_issuer_certificates_are_listed_until_they_expire(pki):
    old = pki.issuer_keyring("pd").signing_key(NOW)
    later = NOW + 100 * DAY
    new = pki.rotate_issuer("pd", BASE, later)
    trust = read_trust_list(publish_trust_list(pki, [PD], BASE, later), roots(pki), later)
    assert trust.is_current_certificate(f"{BASE}/u/pd", old.certificate, later)
    assert trust.is_current_certificate(f"{BASE}/u/pd", new.certificate, later)

    after = old.not_after + DAY
    entries = trust_entries(pki, [PD], BASE, after)
    assert entries[0].certificates == (new.certificate,)
    assert not trust.is_current_certificate(f"{BASE}/u/pd", old.certificate, after)


def test_an_expired_list_is_refused(pki, document):
    with pytest.raises(TrustListError) as caught:
        read_trust_list(document, roots(pki), NOW + 7 * DAY)
    assert caught.value.code == "expired"


def test_a_list_from_the_future_is_refused(pki):
    future = publish_trust_list(pki, [PD], BASE, NOW + 2 * DAY)
    with pytest.raises(TrustListError) as caught:
        read_trust_list(future, roots(pki), NOW + DAY)
    assert caught.value.code == "not_yet_valid"


def tamper(document: dict[str, str], change) -> dict[str, str]:
    claims = payload(document)
    change(claims)
    return {**document, "payload": jose.b64url_encode(jose.json_bytes(claims))}


def test_a_tampered_list_is_refused(pki, document):
    added = tamper(document, lambda c: c["entities"][0]["certificates"].append("MIIB"))
    for bad in (
        added,
        tamper(document, lambda c: c.update(exp=c["exp"] + 86400 * 365)),
        {**document, "signature": document["signature"][::-1]},
    ):
        with pytest.raises(TrustListError) as caught:
            read_trust_list(bad, roots(pki), NOW)
        assert caught.value.code == "bad_signature"


def test_a_list_signed_under_another_root_is_refused(pki, tmp_path):
    other = make_pki(tmp_path / "other")
    forged = publish_trust_list(other, [PD, UD], BASE, NOW)
    with pytest.raises(TrustListError) as caught:
        read_trust_list(forged, roots(pki), NOW)
    assert caught.value.code == "untrusted_issuer"
    assert "signing certificate" in caught.value.message


def test_an_issuer_key_cannot_sign_the_trust_list(pki):
    issuer_key = pki.issuer_keyring("pd").signing_key(NOW)
    forged = build_trust_list(
        iss=BASE,
        roots=roots(pki),
        entries=trust_entries(pki, [PD], BASE, NOW),
        signer=issuer_key,
        now=NOW,
    )
    with pytest.raises(TrustListError) as caught:
        read_trust_list(forged, roots(pki), NOW)
    assert caught.value.code == "wrong_signer"


def test_a_list_for_another_deployment_is_refused(pki):
    elsewhere = build_trust_list(
        iss="https://elsewhere.example.org",
        roots=roots(pki),
        entries=[],
        signer=pki.trust_list_keyring().signing_key(NOW),
        now=NOW,
    )
    with pytest.raises(TrustListError) as caught:
        read_trust_list(elsewhere, roots(pki), NOW)
    assert caught.value.code == "wrong_signer"


def forge_header(pki: Pki, document: dict[str, str], **changes) -> dict[str, str]:
    """The list re-signed by the real trust-list key under a changed header."""
    signer = pki.trust_list_keyring().signing_key(NOW)
    header = {"alg": "ES256", "typ": TYP, "x5c": signer.x5c(), **changes}
    protected = jose.b64url_encode(jose.json_bytes(header))
    signing_input = f"{protected}.{document['payload']}".encode()
    r, s = decode_dss_signature(signer.private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    signature = jose.b64url_encode(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return {"protected": protected, "payload": document["payload"], "signature": signature}


def test_a_re_signed_header_verifies(pki, document):
    assert read_trust_list(forge_header(pki, document), roots(pki), NOW).iss == BASE


def test_the_header_must_be_a_trust_list_header(pki, document):
    for changes, code in (
        ({"typ": "JWT"}, "malformed"),
        ({"crit": ["exp"]}, "malformed"),
        ({"x5c": []}, "malformed_certificate"),
    ):
        with pytest.raises(TrustListError) as caught:
            read_trust_list(forge_header(pki, document, **changes), roots(pki), NOW)
        assert caught.value.code == code


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        "[]",
        {"payload": "e30", "signature": "AA"},
        {"protected": 1, "payload": "e30", "signature": "AA"},
        {"protected": "!!", "payload": "e30", "signature": "AA"},
    ],
)
def test_malformed_documents_are_refused(pki, bad):
    with pytest.raises(TrustListError) as caught:
        read_trust_list(bad, roots(pki), NOW)
    assert caught.value.code == "malformed"


def test_a_signed_but_malformed_payload_is_refused(pki):
    signer = pki.trust_list_keyring().signing_key(NOW)
    for claims in (
        {"iss": BASE, "iat": int(NOW.timestamp()), "exp": "soon", "entities": []},
        {"iss": BASE, "iat": int(NOW.timestamp()), "exp": int(NOW.timestamp()) + 60},
        {
            "iss": BASE,
            "iat": int(NOW.timestamp()),
            "exp": int(NOW.timestamp()) + 60,
            "entities": [{"type": "credential_issuer", "id": "x", "certificates": []}],
        },
        {
            "iss": BASE,
            "iat": int(NOW.timestamp()),
            "exp": int(NOW.timestamp()) + 60,
            "entities": [{"type": "verifier", "id": "x", "certificates": ["!!"]}],
        },
    ):
        protected, body, signature = signer.sign_jwt({"typ": TYP}, claims).split(".")
        document = {"protected": protected, "payload": body, "signature": signature}
        with pytest.raises(TrustListError) as caught:
            read_trust_list(document, roots(pki), NOW)
        assert caught.value.code == "malformed"


def test_roots_in_the_payload_are_never_trusted(pki, tmp_path):
    other = make_pki(tmp_path / "other")
    forged = publish_trust_list(other, [PD], BASE, NOW)
    assert payload(forged)["roots"] == [certificate_b64(other.root_certificate())]
    with pytest.raises(TrustListError):
        read_trust_list(forged, roots(pki), NOW)
