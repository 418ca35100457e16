"""``legitka pki``: the root CA, each university's issuer key, the verifier and trust-list keys.

``init`` creates what is missing (``docs/keys.md``), ``rotate`` gives one role a new key (older
keys keep verifying until they expire) and ``show`` lists the certificates. Private key material
and the passphrase are never printed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import select

from legitka.cli.common import (
    ConfigOption,
    DatabaseUrlOption,
    DataDirOption,
    DemoOption,
    cli_runtime,
    console,
    load,
)
from legitka.clock import SystemClock
from legitka.config import DEMO_KEY_PASSPHRASE, Settings
from legitka.credentials.keys import SigningKey
from legitka.credentials.pki import Pki, PkiError, UniversityRef
from legitka.domain.errors import InvalidInput
from legitka.registry.models import University
from legitka.registry.services import universities as university_service

app = typer.Typer(
    help="Keys and certificates: the root CA, one issuer per university, verifier, trust list.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
TRUST_LIST_PATH = "/trust/list.json"


def _pki(settings: Settings) -> Pki:
    passphrase = settings.key_passphrase
    if not settings.demo and passphrase and passphrase.get_secret_value() == DEMO_KEY_PASSPHRASE:
        raise PkiError(
            "pki_demo_passphrase",
            "The demo passphrase protects demo keys only: set your own "
            "LEGITKA_KEY_PASSPHRASE (key_passphrase).",
            field="key_passphrase",
        )
    return Pki(settings.pki_dir, settings.key_passphrase)


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, as colon-separated hex."""
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def _names(certificate: x509.Certificate) -> list[str]:
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    prefixes: dict[type[x509.GeneralName], str] = {
        x509.DNSName: "DNS",
        x509.UniformResourceIdentifier: "URI",
        x509.IPAddress: "IP",
    }
    return [f"{prefixes.get(type(name), type(name).__name__)}:{name.value}" for name in names]


def _state(certificate: x509.Certificate, now: dt.datetime) -> str:
    if now < certificate.not_valid_before_utc:
        return "not yet valid"
    return "valid" if now < certificate.not_valid_after_utc else "expired"


def describe(certificate: x509.Certificate, now: dt.datetime) -> dict[str, Any]:
    """What ``show`` prints of a certificate (public data only)."""
    return {
        "subject": certificate.subject.rfc4514_string(),
        "san": _names(certificate),
        "serial": f"{certificate.serial_number:x}",
        "not_before": certificate.not_valid_before_utc.isoformat(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
        "sha256": fingerprint(certificate),
        "state": _state(certificate, now),
    }


@app.command()
def init(
    organization: Annotated[
        str | None,
        typer.Option(
            "--organization", help="O of the root CA (e.g. the operator's name); default: the host."
        ),
    ] = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Create the root CA and every missing key: trust list, verifier, one issuer per university."""
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        universities = [
            UniversityRef(u.slug, u.name_pl, u.name_en)
            for u in session.scalars(select(University).order_by(University.slug))
        ]
        settings = runtime.settings
        pki = _pki(settings)
        created = pki.init(
            base_url=settings.effective_base_url,
            universities=universities,
            now=runtime.clock.now(),
            demo=settings.demo,
            organization=organization,
        )
    if as_json:
        typer.echo(json.dumps({"directory": str(pki.directory), "created": created}, indent=2))
        return
    if not created:
        console.print(
            f"Every key exists in {pki.directory}: nothing created.", highlight=False, markup=False
        )
        return
    console.print(f"Created in {pki.directory}:", highlight=False, markup=False)
    for path in created:
        console.print(f"  {path}", highlight=False, markup=False)
    root = [r for r in pki.certificates() if r.role == "root"][-1]  # the newest
    console.print(
        f"Give verifiers the root certificate {root.path} "
        f"(SHA-256 {fingerprint(root.certificate)}) and the trust list "
        f"{settings.effective_base_url}{TRUST_LIST_PATH}. Keep a backup of {pki.directory}; "
        "the root key can now move offline (docs/keys.md).",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@app.command()
def rotate(
    university: Annotated[
        str | None, typer.Option("--university", help="New issuer key for this university.")
    ] = None,
    verifier: Annotated[bool, typer.Option("--verifier", help="New verifier key.")] = False,
    trust_list: Annotated[bool, typer.Option("--trust-list", help="New trust-list key.")] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """Give one role a new key; the older keys keep verifying until their certificates expire."""
    if sum((university is not None, verifier, trust_list)) != 1:
        raise InvalidInput(
            "choose_one_role", "Give exactly one of --university SLUG, --verifier, --trust-list."
        )
    with (
        cli_runtime(config, database_url, data_dir, demo=demo) as runtime,
        runtime.sessions() as session,
    ):
        settings, now = runtime.settings, runtime.clock.now()
        pki = _pki(settings)
        base_url = settings.effective_base_url
        key: SigningKey
        if university is not None:
            found = university_service.get_university(session, university)
            key = pki.rotate_issuer(found.slug, base_url, now, name=found.name_pl)
            role = f"issuer {found.slug}"
        elif verifier:
            key, role = pki.rotate_verifier(base_url, now), "verifier"
        else:
            key, role = pki.rotate_trust_list_signer(base_url, now), "trust list"
    info = describe(key.certificate, now)
    if as_json:
        typer.echo(json.dumps({"role": role, "kid": key.kid, **info}, indent=2))
        return
    console.print(
        f"New {role} key {info['serial']}, valid until {info['not_after']}. "
        "Older keys keep verifying until they expire.",
        highlight=False,
        markup=False,
    )


@app.command()
def show(
    as_json: JsonOption = False,
    config: ConfigOption = None,
    database_url: DatabaseUrlOption = None,
    data_dir: DataDirOption = None,
    demo: DemoOption = False,
) -> None:
    """List the certificates: role, subject, SAN, serial, validity and fingerprint."""
    settings = load(config, database_url, data_dir, demo=True if demo else None)
    pki = Pki(settings.pki_dir, settings.key_passphrase)
    pki.root_certificates()  # a coded error when `legitka pki init` has not run
    now = SystemClock().now()
    records = [
        {
            "role": r.role,
            "university": r.slug,
            "path": str(r.path.relative_to(pki.directory)),
            "private_key": "present" if r.has_key else "offline",
            **describe(r.certificate, now),
        }
        for r in pki.certificates()
    ]
    if as_json:
        document = {
            "directory": str(pki.directory),
            "trust_list": settings.effective_base_url + TRUST_LIST_PATH,
            "certificates": records,
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for r in records:
        role = r["role"] + (f" {r['university']}" if r["university"] else "")
        lines = [
            f"{role}: {r['subject']}",
            f"  file     {r['path']} (private key {r['private_key']})",
            f"  SAN      {', '.join(r['san']) or '-'}",
            f"  serial   {r['serial']}",
            f"  valid    {r['not_before']} – {r['not_after']} ({r['state']})",
            f"  SHA-256  {r['sha256']}",
        ]
        console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
    console.print(
        f"Folder: {pki.directory}. Trust list: {settings.effective_base_url}{TRUST_LIST_PATH}",
        highlight=False,
        markup=False,
    )
