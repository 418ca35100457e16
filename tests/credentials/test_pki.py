"""The file PKI: root CA, issuer per university, rotation, files on disk and chain validation."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from legitka.credentials import jose
from legitka.credentials.keys import certificate_b64
from legitka.credentials.pki import ChainError, Pki, PkiError, UniversityRef, validate_chain

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
BASE = "https://id.example.edu"
PASSPHRASE = "correct horse battery staple"
PD = UniversityRef("pd", "Politechnika Demonstracyjna", "Demo University of Technology")
UD = UniversityRef("ud", "Uniwersytet Demonstracyjny", "Demo University")


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    pki = Pki(tmp_path / "pki", SecretStr(PASSPHRASE))
    pki.init(base_url=BASE, universities=[PD, UD], now=NOW)
    return pki


def names(certificate: x509.Certificate) -> list[x509.GeneralName]:
    return list(certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)


def attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return str(name.get_attributes_for_oid(oid)[0].value)


# -- init ----------------------------------------------------------------------------------------


def test_init_creates_every_role_once(tmp_path):
    pki = Pki(tmp_path / "pki", SecretStr(PASSPHRASE))
    created = pki.init(base_url=BASE + "/", universities=[PD, UD], now=NOW)
    folders = [path.rsplit("/", 1)[0] for path in created]
    assert folders == ["root", "trust-list", "verifier", "issuers/pd", "issuers/ud"]
    assert all(path.endswith(".crt.pem") for path in created)
    assert pki.init(base_url=BASE, universities=[PD, UD], now=NOW + DAY) == []


def test_a_new_university_gets_only_its_issuer_key(pki):
    third = UniversityRef("uwt", "Uniwersytet Trzeci", "Third University")
    created = pki.init(base_url=BASE, universities=[PD, UD, third], now=NOW + DAY)
    assert [path.rsplit("/", 1)[0] for path in created] == ["issuers/uwt"]
    assert pki.issuer_slugs() == ["pd", "ud", "uwt"]


def test_the_root_is_a_ten_year_ca_named_for_the_deployment(tmp_path):
    pki = Pki(tmp_path / "pki", SecretStr(PASSPHRASE))
    pki.init(base_url=BASE, universities=[], now=NOW, organization="Operator sp. z o.o.")
    root = pki.root_certificate()
    assert attribute(root.subject, NameOID.COMMON_NAME) == "legitka root CA"
    assert attribute(root.subject, NameOID.ORGANIZATION_NAME) == "Operator sp. z o.o."
    assert root.issuer == root.subject
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    assert root.not_valid_after_utc - root.not_valid_before_utc > 3650 * DAY
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)


def test_a_demo_root_says_so(tmp_path):
    pki = Pki(tmp_path / "pki", SecretStr("legitka-demo"))
    pki.init(base_url="http://127.0.0.1:8000", universities=[PD], now=NOW, demo=True)
    name = attribute(pki.root_certificate().subject, NameOID.COMMON_NAME)
    assert name == "legitka DEMO root CA — not for production"
    issuer = pki.issuer_keyring("pd").signing_key(NOW).certificate
    assert x509.IPAddress(ipaddress.ip_address("127.0.0.1")) in names(issuer)
    assert x509.UniformResourceIdentifier("http://127.0.0.1:8000/u/pd") in names(issuer)


def test_an_issuer_certificate_names_the_university_and_its_issuer_url(pki):
    key = pki.issuer_keyring("pd").signing_key(NOW)
    certificate = key.certificate
    assert attribute(certificate.subject, NameOID.ORGANIZATION_NAME) == PD.name_pl
    assert attribute(certificate.subject, NameOID.COMMON_NAME) == "pd credential issuer"
    assert set(names(certificate)) == {
        x509.UniformResourceIdentifier(f"{BASE}/u/pd"),
        x509.DNSName("id.example.edu"),
    }
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is False
    assert certificate.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert 364 * DAY < lifetime < 366 * DAY
    assert certificate.not_valid_before_utc <= NOW


def test_verifier_and_trust_list_certificates(pki):
    verifier = pki.verifier_keyring().signing_key(NOW).certificate
    assert names(verifier) == [x509.DNSName("id.example.edu")]
    trust_list = pki.trust_list_keyring().signing_key(NOW).certificate
    assert x509.UniformResourceIdentifier(f"{BASE}/trust/list.json") in names(trust_list)
    root = pki.root_certificate()
    for certificate in (verifier, trust_list):
        assert certificate.issuer == root.subject
        certificate.verify_directly_issued_by(root)


# -- HAIP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["issuer", "verifier", "trust-list"])
def test_x5c_holds_the_leaf_only_never_the_root(pki, role):
    ring = {
        "issuer": lambda: pki.issuer_keyring("ud"),
        "verifier": pki.verifier_keyring,
        "trust-list": pki.trust_list_keyring,
    }[role]()
    key = ring.signing_key(NOW)
    header = jose.unverified_header(key.sign_jwt({"typ": "test"}, {"iss": BASE}))
    root = pki.root_certificate()
    assert header["x5c"] == [certificate_b64(key.certificate)]
    assert certificate_b64(root) not in header["x5c"]
    leaf = validate_chain(header["x5c"], [root], NOW)
    assert leaf.issuer != leaf.subject  # not self-signed
    assert leaf == key.certificate


# -- files -----------------------------------------------------------------------------------------


def test_private_keys_are_encrypted_files_only_the_owner_reads(pki):
    keys = sorted(pki.directory.rglob("*.key.pem"))
    assert len(keys) == 5
    for path in keys:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        data = path.read_bytes()
        assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert PASSPHRASE.encode() not in data
    for folder in [pki.directory, *[p for p in pki.directory.rglob("*") if p.is_dir()]]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not list(pki.directory.rglob("*.tmp"))


def test_certificates_lie_beside_their_keys(pki):
    for record in pki.certificates():
        assert record.has_key
        assert record.path.name == f"{record.certificate.serial_number:x}.crt.pem"
    roles = [(r.role, r.slug) for r in pki.certificates()]
    assert roles == [
        ("root", None),
        ("trust-list", None),
        ("verifier", None),
        ("issuer", "pd"),
        ("issuer", "ud"),
    ]


def test_keys_are_read_once_and_again_when_the_file_changes(pki):
    first = pki.issuer_keyring("pd").signing_key(NOW)
    again = pki.issuer_keyring("pd").signing_key(NOW)
    assert again.private_key is first.private_key
    path = next((pki.directory / "issuers" / "pd").glob("*.key.pem"))
    later = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))
    reloaded = pki.issuer_keyring("pd").signing_key(NOW)
    assert reloaded.private_key is not first.private_key
    assert reloaded.kid == first.kid


# -- coded errors --------------------------------------------------------------------------------


def test_a_wrong_passphrase_says_so_and_shows_no_secret(pki):
    wrong = Pki(pki.directory, SecretStr("not the passphrase"))
    with pytest.raises(PkiError) as caught:
        wrong.issuer_keyring("pd")
    assert caught.value.code == "pki_wrong_passphrase"
    assert "LEGITKA_KEY_PASSPHRASE" in caught.value.message
    assert "not the passphrase" not in str(caught.value)
    assert PASSPHRASE not in str(caught.value)


@pytest.mark.parametrize("passphrase", [None, SecretStr("")])
def test_no_passphrase_no_keys(tmp_path, passphrase):
    pki = Pki(tmp_path / "pki", passphrase)
    with pytest.raises(PkiError) as caught:
        pki.init(base_url=BASE, universities=[PD], now=NOW)
    assert caught.value.code == "pki_passphrase_missing"
    assert "LEGITKA_KEY_PASSPHRASE" in caught.value.message
    assert not (tmp_path / "pki").exists()


def test_reading_keys_without_a_passphrase_is_refused(pki):
    with pytest.raises(PkiError) as caught:
        Pki(pki.directory, None).issuer_keyring("pd")
    assert caught.value.code == "pki_passphrase_missing"
    # Certificates are public: no passphrase needed.
    assert Pki(pki.directory, None).root_certificate() == pki.root_certificate()


def test_without_init_every_use_says_run_init(tmp_path):
    pki = Pki(tmp_path / "nothing", SecretStr(PASSPHRASE))
    for use in (pki.root_certificate, pki.verifier_keyring, lambda: pki.issuer_keyring("pd")):
        with pytest.raises(PkiError) as caught:
            use()
        assert caught.value.code == "pki_missing"
        assert "legitka pki init" in caught.value.message
    with pytest.raises(PkiError) as caught:
        pki.ensure_issuer(PD, BASE, NOW)
    assert caught.value.code == "pki_missing"


def test_an_unknown_university_has_no_key(pki):
    with pytest.raises(PkiError) as caught:
        pki.issuer_keyring("zz")
    assert caught.value.code == "pki_key_missing"
    assert "legitka pki rotate --university zz" in caught.value.message
    with pytest.raises(PkiError) as caught:
        pki.issuer_keyring("../root")
    assert caught.value.code == "invalid_slug"


def test_corrupt_files_are_named(pki):
    certificate = next((pki.directory / "issuers" / "pd").glob("*.crt.pem"))
    key = next((pki.directory / "issuers" / "ud").glob("*.key.pem"))
    certificate.write_text("garbage")
    key.write_text("garbage")
    for use in (lambda: pki.issuer_certificates("pd"), lambda: pki.issuer_keyring("ud")):
        with pytest.raises(PkiError) as caught:
            use()
        assert caught.value.code == "pki_corrupt"
        assert "restore it from the backup" in caught.value.message


def test_a_missing_key_file_is_named(pki):
    next((pki.directory / "verifier").glob("*.key.pem")).unlink()
    with pytest.raises(PkiError) as caught:
        pki.verifier_keyring()
    assert caught.value.code == "pki_file_missing"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_named(pki):
    key = next((pki.directory / "verifier").glob("*.key.pem"))
    key.chmod(0)
    with pytest.raises(PkiError) as caught:
        Pki(pki.directory, SecretStr(PASSPHRASE)).verifier_keyring()
    assert caught.value.code == "pki_unreadable"
    assert "permissions" in caught.value.message


def test_a_key_path_that_is_no_file_is_unreadable(pki):
    key = next((pki.directory / "verifier").glob("*.key.pem"))
    key.unlink()
    key.mkdir()
    with pytest.raises(PkiError) as caught:
        pki.verifier_keyring()
    assert caught.value.code == "pki_unreadable"


def test_a_base_url_without_host_is_refused(tmp_path):
    with pytest.raises(PkiError) as caught:
        Pki(tmp_path, SecretStr(PASSPHRASE)).init(
            base_url="id.example.edu", universities=[], now=NOW
        )
    assert caught.value.code == "invalid_base_url"


# -- rotation --------------------------------------------------------------------------------------


def test_rotation_signs_with_the_new_key_and_the_old_one_verifies_until_it_expires(pki):
    old = pki.issuer_keyring("pd").signing_key(NOW)
    token = old.sign_jwt({"typ": "dc+sd-jwt"}, {"iss": f"{BASE}/u/pd"})
    later = NOW + 100 * DAY
    new = pki.rotate_issuer("pd", BASE, later)
    assert new.kid != old.kid
    ring = pki.issuer_keyring("pd")
    assert ring.signing_key(later).kid == new.kid
    assert [k.kid for k in ring.verification_keys(later)] == [new.kid, old.kid]
    assert attribute(new.certificate.subject, NameOID.ORGANIZATION_NAME) == PD.name_pl

    # What the old key signed still validates until its certificate expires …
    x5c = jose.unverified_header(token)["x5c"]
    validate_chain(x5c, [pki.root_certificate()], later)
    # … and then the old key is no longer offered.
    expired = old.not_after
    assert [k.kid for k in pki.issuer_keyring("pd").verification_keys(expired)] == [new.kid]
    with pytest.raises(ChainError) as caught:
        validate_chain(x5c, [pki.root_certificate()], expired)
    assert caught.value.code == "certificate_expired"
    # The university's other issuer is untouched.
    assert len(pki.issuer_keyring("ud")) == 1


def test_rotating_the_verifier_and_the_trust_list(pki):
    later = NOW + 10 * DAY
    assert pki.rotate_verifier(BASE, later).kid == pki.verifier_keyring().signing_key(later).kid
    new = pki.rotate_trust_list_signer(BASE, later)
    assert pki.trust_list_keyring().signing_key(later).kid == new.kid
    assert len(pki.verifier_keyring()) == len(pki.trust_list_keyring()) == 2


def test_a_new_base_url_gets_a_new_issuer_certificate(pki):
    assert pki.ensure_issuer(PD, BASE, NOW + DAY) is None
    moved = pki.ensure_issuer(PD, "https://legitymacje.example.edu", NOW + DAY)
    assert moved is not None
    assert x509.UniformResourceIdentifier("https://legitymacje.example.edu/u/pd") in names(
        moved.certificate
    )


def test_an_expired_issuer_key_is_replaced_by_init(pki):
    next_year = NOW + 400 * DAY
    created = pki.init(base_url=BASE, universities=[PD], now=next_year)
    assert [p.rsplit("/", 1)[0] for p in created] == ["trust-list", "verifier", "issuers/pd"]
    assert pki.issuer_keyring("pd").signing_key(next_year).not_before <= next_year


def test_the_root_key_may_live_offline(pki, tmp_path):
    root_key = next((pki.directory / "root").glob("*.key.pem"))
    offline = tmp_path / "offline.key.pem"
    root_key.rename(offline)
    assert pki.issuer_keyring("pd").signing_key(NOW)  # day-to-day work needs no root key
    assert [r.has_key for r in pki.certificates() if r.role == "root"] == [False]
    with pytest.raises(PkiError) as caught:
        pki.rotate_issuer("pd", BASE, NOW + DAY)
    assert caught.value.code == "pki_root_key_offline"
    offline.rename(root_key)
    assert pki.rotate_issuer("pd", BASE, NOW + DAY)


# -- chain validation --------------------------------------------------------------------------


def build(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: ec.EllipticCurvePrivateKey,
    *,
    ca: bool = False,
    start: dt.datetime = NOW - DAY,
    days: int = 30,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + days * DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("x.example")]), critical=False)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def b64(*certificates: x509.Certificate) -> list[str]:
    return [certificate_b64(c) for c in certificates]


def issuer_x5c(pki: Pki) -> list[str]:
    return pki.issuer_keyring("pd").signing_key(NOW).x5c()


def test_a_valid_chain_returns_its_leaf(pki):
    leaf = validate_chain(issuer_x5c(pki), [pki.root_certificate()], NOW)
    assert leaf.subject.rfc4514_string() == f"CN=pd credential issuer,O={PD.name_pl}"


def test_a_chain_to_another_root_is_untrusted(pki, tmp_path):
    other = Pki(tmp_path / "other", SecretStr(PASSPHRASE))
    other.init(base_url=BASE, universities=[PD], now=NOW)
    with pytest.raises(ChainError) as caught:
        validate_chain(issuer_x5c(other), [pki.root_certificate()], NOW)
    assert caught.value.code == "untrusted_issuer"
    with pytest.raises(ChainError) as caught:
        validate_chain(issuer_x5c(pki), [], NOW)
    assert caught.value.code == "untrusted_issuer"


@pytest.mark.parametrize(
    ("when", "code"),
    [(NOW - 2 * DAY, "certificate_not_yet_valid"), (NOW + 366 * DAY, "certificate_expired")],
)
def test_validity_is_checked_at_the_given_time(pki, when, code):
    with pytest.raises(ChainError) as caught:
        validate_chain(issuer_x5c(pki), [pki.root_certificate()], when)
    assert caught.value.code == code


def test_an_expired_root_fails_the_chain():
    root_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    root = build("old root", root_key, None, root_key, ca=True, start=NOW - 40 * DAY, days=30)
    leaf = build("leaf", leaf_key, root, root_key, start=NOW - 20 * DAY, days=40)
    with pytest.raises(ChainError) as caught:
        validate_chain(b64(leaf), [root], NOW)
    assert caught.value.code == "certificate_expired"
    assert "root CA" in caught.value.message


def test_a_self_signed_leaf_is_refused(pki):
    key = ec.generate_private_key(ec.SECP256R1())
    selfie = build("me", key, None, key)
    with pytest.raises(ChainError) as caught:
        validate_chain(b64(selfie), [pki.root_certificate(), selfie], NOW)
    assert caught.value.code == "self_signed_leaf"
    with pytest.raises(ChainError) as caught:
        validate_chain(b64(pki.root_certificate()), [pki.root_certificate()], NOW)
    assert caught.value.code == "self_signed_leaf"


def test_the_root_must_not_be_sent(pki):
    x5c = [*issuer_x5c(pki), certificate_b64(pki.root_certificate())]
    with pytest.raises(ChainError) as caught:
        validate_chain(x5c, [pki.root_certificate()], NOW)
    assert caught.value.code == "root_in_chain"


def test_a_leaf_cannot_issue_certificates(pki):
    issuer = pki.issuer_keyring("pd").signing_key(NOW)
    fake_key = ec.generate_private_key(ec.SECP256R1())
    fake = build("fake", fake_key, issuer.certificate, issuer.private_key)
    with pytest.raises(ChainError) as caught:
        validate_chain(b64(fake, issuer.certificate), [pki.root_certificate()], NOW)
    assert caught.value.code == "not_a_ca"


def test_a_broken_chain_is_untrusted(pki):
    issuer, verifier = issuer_x5c(pki)[0], pki.verifier_keyring().signing_key(NOW).x5c()[0]
    with pytest.raises(ChainError) as caught:
        validate_chain([issuer, verifier], [pki.root_certificate()], NOW)
    assert caught.value.code == "untrusted_issuer"


def test_an_intermediate_under_a_pathlen_zero_root_is_refused(pki):
    root = pki.root_certificate()
    root_key = pki.store.private_key(next((pki.directory / "root").glob("*.key.pem")))
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    intermediate = build("intermediate", ca_key, root, root_key, ca=True)
    leaf = build("leaf", leaf_key, intermediate, ca_key)
    with pytest.raises(ChainError) as caught:
        validate_chain(b64(leaf, intermediate), [root], NOW)
    assert caught.value.code == "untrusted_issuer"


@pytest.mark.parametrize(
    "x5c",
    [
        [],
        "MIIB",
        [42],
        ["not base64!"],
        [base64.b64encode(b"not a certificate").decode()],
        ["A" * 8] * 6,
    ],
)
def test_malformed_x5c_is_refused(pki, x5c):
    with pytest.raises(ChainError) as caught:
        validate_chain(x5c, [pki.root_certificate()], NOW)
    assert caught.value.code == "malformed_certificate"


def test_url_safe_base64_is_not_x5c(pki):
    der = pki.issuer_keyring("pd").signing_key(NOW).certificate.public_bytes(Encoding.DER)
    url_safe = base64.urlsafe_b64encode(der).decode()
    if url_safe == base64.b64encode(der).decode():
        pytest.skip("this certificate encodes alike in both alphabets")
    with pytest.raises(ChainError) as caught:
        validate_chain([url_safe], [pki.root_certificate()], NOW)
    assert caught.value.code == "malformed_certificate"
