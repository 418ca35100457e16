"""``legitka wallet``: a holder on the command line, on the protocols of the phone wallet.

For operators, tests and load generation: ``activate`` adds an mLegitymacja from its QR code (or
wallet link) and activation code (OpenID4VCI 1.0), ``show`` shows it as the card does with its
status read live from the status list, ``refresh`` fetches the renewed credential with the
refresh token (R19, no new QR code), ``remove`` wipes it with the device key. The files are
described in :mod:`legitka.wallet.store`; the holder protocol is :class:`Holder`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn
from urllib.parse import urlsplit

import httpx
import typer
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr
from rich.table import Table
from rich.text import Text

from legitka.cli.common import cli_locale, console
from legitka.clock import WARSAW, Clock, SystemClock
from legitka.credentials.chain import ChainError
from legitka.credentials.trust_list import TrustListError, read_trust_list
from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.wallet.holder import CredentialOffer, Holder, HolderError, StoredCredential
from legitka.wallet.status import Standing, StatusReport, standing
from legitka.wallet.store import CONFIGURED, FIRST_USE, StoreEntry, TrustPins, WalletStore

PASSPHRASE_VARIABLE = "LEGITKA_WALLET_PASSPHRASE"  # noqa: S105 (a variable name)
ROOT_PATH = "/trust/root.pem"
TIMEOUT = 10.0
# the steps of the holder protocol its errors name (``HolderError.message`` = "step: reason")
HOLDER_STEPS = frozenset(
    ("offer", "issuer metadata", "authorization server metadata", "token", "nonce", "credential",
     "notification")
)  # fmt: skip

# exit codes of `show` (2 is every coded error, as in the rest of the `legitka` command)
EXIT_VALID, EXIT_INVALID, EXIT_UNAVAILABLE = 0, 1, 3

# The clock of every wallet command; tests set the one their issuer runs on.
CLOCK: Clock = SystemClock()

app = typer.Typer(
    help="A holder wallet in a folder: activate, show, refresh and remove an mLegitymacja.",
    no_args_is_help=True,
)

L_NAME = N_("Name")
L_BIRTH = N_("Date of birth")
L_PESEL = N_("PESEL")
L_ALBUM = N_("Album number")
L_UNIVERSITY = N_("University")
L_ISSUED = N_("Issue date")
L_VALID_UNTIL = N_("Valid until")
L_PHOTO = N_("Photo")
L_STATUS = N_("Status")
L_UPDATED = N_("Data updated")
L_PICTURE_PRESENT = N_("in the credential")
L_PICTURE_MISSING = N_("none")
STANDING_LABELS = {
    Standing.VALID: N_("valid"),
    Standing.REVOKED: N_("cancelled or revoked"),
    Standing.SUSPENDED: N_("suspended"),
    Standing.EXPIRED: N_("expired"),
    Standing.NOT_YET_VALID: N_("not valid yet"),
    Standing.STATUS_UNAVAILABLE: N_("status unavailable"),
}
L_INVALID = N_("INVALID: {reason}")
L_UNAVAILABLE = N_(
    "The status could not be checked ({reason}): this is not a cancellation, try again later."
)
L_CHECKED = N_("status checked live at {time}")
E_OFFER = N_("Reading the offer failed{step}: {reason} The wallet keeps what it had.")
E_ACTIVATION = N_("Activation failed{step}: {reason} The wallet keeps what it had.")
E_RENEWAL = N_("Renewal failed{step}: {reason} The wallet keeps what it had.")
M_ADDED = N_("Added: {summary}")
M_REPLACED = N_("Replaced the ID this store held before: {summary}")
M_FIRST_USE = N_(
    "Trusting the root CA {subject} fetched from {url} on first use (pinned in the store). "
    "Compare its SHA-256 fingerprint with the one your university publishes: {fingerprint}"
)
M_RENEWED = N_("Renewed: valid until {date}.")
M_CHANGED = N_("Renewed with changed data ({names}): valid until {date}.")
M_UNCHANGED = N_("Nothing changed: the ID is valid until {date}.")
M_NOTHING = N_("This wallet holds no ID: nothing to remove.")
M_CONFIRM = N_("Remove {what} and the device key from {path}? This cannot be undone.")
M_REMOVED = N_("Removed {what} and the device key.")
L_KEY_ONLY = N_("the device key")
L_VALID_UNTIL_LOWER = N_("valid until")


class WalletError(LegitkaError):
    """A wallet command that cannot be done; the store keeps what it had."""


@dataclass
class WalletContext:
    directory: Path

    def store(self) -> WalletStore:
        secret = os.environ.get(PASSPHRASE_VARIABLE)
        return WalletStore(self.directory, SecretStr(secret) if secret else None)


def _now() -> dt.datetime:
    return CLOCK.now()


def _t(message: str, **params: Any) -> str:
    return translate(message, cli_locale(), params or None)


def _say(message: str, **params: Any) -> None:
    console.print(_t(message, **params), highlight=False, markup=False, soft_wrap=True)


def _http() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, headers={"Accept-Language": cli_locale()})


def _failed(exc: HolderError, template: str) -> NoReturn:
    """A holder step that failed, as a coded error; nothing was stored."""
    step, _, reason = exc.message.partition(": ")
    if step not in HOLDER_STEPS or not reason:
        step, reason = "", exc.message
    raise WalletError(
        exc.code,
        template,
        step=f" ({step})" if step else "",
        reason=reason.rstrip(".") + ".",
    ) from None


@app.callback()
def _wallet(
    ctx: typer.Context,
    store: Annotated[
        Path,
        typer.Option(
            "--store",
            metavar="DIR",
            help="The wallet folder (created with mode 0700): device key, credential, trust "
            f"pins. The device key is encrypted when {PASSPHRASE_VARIABLE} is set.",
            file_okay=False,
        ),
    ],
) -> None:
    """A holder wallet in a folder, speaking OpenID4VCI like the phone wallet.

    The device key (P-256, PEM, mode 0600) is encrypted with the passphrase in
    LEGITKA_WALLET_PASSPHRASE when it is set. Files are replaced atomically: a failed command
    leaves the folder as it was.
    """
    ctx.obj = WalletContext(store)


# -- trust -----------------------------------------------------------------------------------


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def _load_roots(paths: list[Path]) -> tuple[x509.Certificate, ...]:
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        except (OSError, ValueError):
            raise WalletError(
                "bad_trust_root",
                N_("{path} is not a readable PEM file of root CA certificates."),
                field="trust_root",
                path=str(path),
            ) from None
    return tuple(roots)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first_use_roots(http: httpx.Client, issuer: str) -> TrustPins:
    url = _origin(issuer) + ROOT_PATH
    try:
        response = http.get(url)
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        roots = tuple(x509.load_pem_x509_certificates(response.content))
    except (httpx.HTTPError, ValueError) as exc:
        raise WalletError(
            "untrusted_issuer",
            N_("Cannot fetch the root CA from {url} ({reason}): give it with --trust-root."),
            url=url,
            reason=str(exc) or type(exc).__name__,
        ) from None
    return TrustPins(roots, FIRST_USE, origin=_origin(issuer))


def _trust_list(http: httpx.Client, pins: TrustPins) -> Any:
    assert pins.trust_list is not None
    try:
        response = http.get(pins.trust_list)
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        return read_trust_list(response.text, pins.roots, _now())
    except (httpx.HTTPError, ValueError) as exc:
        raise WalletError(
            "trust_list_unavailable",
            N_("Cannot fetch the trust list {url} ({reason})."),
            url=pins.trust_list,
            reason=str(exc) or type(exc).__name__,
        ) from None
    except TrustListError as exc:
        raise WalletError(
            exc.code, N_("The trust list {url} is not usable: {reason}"),
            url=pins.trust_list, reason=exc.message,
        ) from None  # fmt: skip


def _not_listed(issuer: str) -> WalletError:
    return WalletError(
        "untrusted_issuer",
        N_("The issuer {issuer} is not in the trust list: nothing was stored."),
        issuer=issuer,
    )


def _check_listed(http: httpx.Client, pins: TrustPins, stored: StoredCredential) -> None:
    """With a trust list, the credential's signing certificate must be a current one of its
    issuer's entry."""
    if pins.trust_list is None:
        return
    listed = _trust_list(http, pins)
    chain = stored.sd_jwt.header.get("x5c") or []
    try:
        entry = listed.verify_issuer(chain, _now())
    except ChainError:
        raise _not_listed(stored.issuer) from None
    if entry.id != stored.issuer:
        raise _not_listed(stored.issuer)


def _resolve_trust(
    http: httpx.Client,
    store: WalletStore,
    offer: CredentialOffer,
    roots: tuple[x509.Certificate, ...],
    trust_list: str | None,
) -> tuple[TrustPins, bool]:
    """The roots to check this offer's issuer with: given, pinned, or fetched on first use
    (then ``True``)."""
    if trust_list and not roots:
        raise WalletError(
            "trust_root_required",
            N_("--trust-list needs --trust-root: the roots that sign the trust list."),
            field="trust_list",
        )
    found = None if roots else store.load_trust()
    if roots:
        pins = TrustPins(roots, CONFIGURED, trust_list)
    elif found is not None:
        pins = found
    else:
        pins = _first_use_roots(http, offer.credential_issuer)
    if pins.trust_list is not None:
        listed = _trust_list(http, pins)
        entry = listed.entry(offer.credential_issuer)
        if entry is None or entry.type != "credential_issuer":
            raise _not_listed(offer.credential_issuer)  # before the one-time code is spent
    return pins, not roots and found is None


# -- views -----------------------------------------------------------------------------------


def _valid_until(claims: dict[str, Any]) -> dt.date | None:
    exp = claims.get("exp")
    if not isinstance(exp, int | float):
        return None
    return dt.datetime.fromtimestamp(exp - 1, WARSAW).date()


def _university(claims: dict[str, Any]) -> str:
    university = claims.get("university") or {}
    names = university.get("name") or {}
    return str(names.get(cli_locale()) or names.get("en") or university.get("id") or "")


def _name(claims: dict[str, Any]) -> str:
    return f"{claims.get('given_name', '')} {claims.get('family_name', '')}".strip()


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M %Z")


def _summary(claims: dict[str, Any]) -> str:
    until = _valid_until(claims)
    return (
        f"{_name(claims)}, {_university(claims)} "
        f"({_t(L_VALID_UNTIL_LOWER)} {until.isoformat() if until else '?'})"
    )


def _iso(timestamp: Any) -> str | None:
    if not isinstance(timestamp, int | float):
        return None
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat()


PERSONAL = (
    "given_name",
    "family_name",
    "birthdate",
    "personal_administrative_number",
    "student_id",
    "university",
    "issuance_date",
    "age_over_18",
    "age_under_26",
    "escn",
)


def _as_json(entry: StoreEntry, report: StatusReport) -> dict[str, Any]:
    claims = entry.stored.claims
    until = _valid_until(claims)
    detail = {"code": report.detail_code, "message": report.detail} if report.detail_code else None
    return {
        "status": report.standing.value,
        "invalid": report.standing.invalid,
        "status_checked_at": report.checked_at.isoformat(),
        "status_detail": detail,
        **{name: claims[name] for name in PERSONAL if name in claims},
        "picture": "picture" in claims,
        "valid_until": until.isoformat() if until else None,
        "expires_at": _iso(claims.get("exp")),
        "issued_at": _iso(claims.get("iat")),
        "issuer": entry.stored.issuer,
        "vct": claims.get("vct"),
        "status_list": (claims.get("status") or {}).get("status_list"),
        "activated_at": entry.activated_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


def _print_card(entry: StoreEntry, report: StatusReport) -> None:
    claims = entry.stored.claims
    until = _valid_until(claims)
    table = Table(show_header=False, box=None)
    table.add_row(_t(L_NAME), _name(claims))
    table.add_row(_t(L_BIRTH), str(claims.get("birthdate", "")))
    table.add_row(_t(L_PESEL), str(claims.get("personal_administrative_number", "")))
    table.add_row(_t(L_ALBUM), str(claims.get("student_id", "")))
    table.add_row(_t(L_UNIVERSITY), _university(claims))
    table.add_row(_t(L_ISSUED), str(claims.get("issuance_date", "")))
    table.add_row(_t(L_VALID_UNTIL), until.isoformat() if until else "")
    table.add_row(_t(L_PHOTO), _t(L_PICTURE_PRESENT if "picture" in claims else L_PICTURE_MISSING))
    label = _t(STANDING_LABELS[report.standing])
    table.add_row(
        _t(L_STATUS),
        f"{label} ({report.standing.value}), {_t(L_CHECKED, time=_local(report.checked_at))}",
    )
    table.add_row(_t(L_UPDATED), _local(entry.updated_at))
    console.print(table, highlight=False, markup=False)
    if report.standing.invalid:
        line = _t(L_INVALID, reason=label) + f" [{report.standing.value}]"
        console.print(Text(f"✗ {line}", style="bold white on red"), highlight=False)
    elif report.standing is Standing.STATUS_UNAVAILABLE:
        message = _t(L_UNAVAILABLE, reason=report.detail or "")
        console.print(Text(f"? {message}", style="bold yellow"), highlight=False)


# -- commands --------------------------------------------------------------------------------


@app.command()
def activate(
    ctx: typer.Context,
    offer_uri: Annotated[
        str,
        typer.Argument(
            metavar="OFFER_URI",
            help="What the QR code holds (openid-credential-offer://?credential_offer_uri=…) "
            "or the wallet link ({base}/wallet/?credential_offer_uri=…).",
        ),
    ],
    code: Annotated[
        str,
        typer.Option(
            "--code",
            metavar="CODE",
            prompt="Activation code",
            help="The activation code shown beside the QR code.",
        ),
    ],
    trust_root: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust-root",
            metavar="PEM",
            help="A PEM file of trusted root CA certificates (repeatable). Without it the "
            "roots pinned in the store are used, or on first use {issuer origin}/trust/root.pem "
            "is fetched and pinned.",
            dir_okay=False,
        ),
    ] = None,
    trust_list: Annotated[
        str | None,
        typer.Option(
            "--trust-list",
            metavar="URL",
            help="URL of the deployment's signed trust list ({base}/trust/list.json); the issuer "
            "must be listed in it. Needs --trust-root.",
        ),
    ] = None,
) -> None:
    """Add the mLegitymacja of a QR code with its activation code.

    The issuer must chain to a trusted root, else nothing is stored. An ID this store held
    before is replaced (the issuer also cancels an older mLegitymacja of the same student).
    """
    context: WalletContext = ctx.obj
    store = context.store()
    old = store.load_entry()
    key = store.load_key()
    new_key = key is None
    roots = _load_roots(trust_root or [])
    with _http() as http:
        holder = Holder(http, key, now=_now)
        try:
            offer = holder.resolve_offer(offer_uri)
        except HolderError as exc:
            _failed(exc, E_OFFER)
        pins, first_use = _resolve_trust(http, store, offer, roots, trust_list)
        holder.trusted_roots = list(pins.roots)
        try:
            stored = holder.redeem(offer, code)
        except HolderError as exc:
            _failed(exc, E_ACTIVATION)
        _check_listed(http, pins, stored)
    now = _now()
    if new_key:
        store.save_key(holder.key)  # the key first: a readable credential always has its key
    store.save_trust(pins)
    store.save_entry(StoreEntry(stored, now, now))
    _say(M_ADDED, summary=_summary(stored.claims))
    if old is not None:
        _say(M_REPLACED, summary=_summary(old.stored.claims))
    if first_use:
        for root in pins.roots:
            _say(
                M_FIRST_USE, subject=root.subject.rfc4514_string(),
                url=f"{pins.origin}{ROOT_PATH}", fingerprint=_fingerprint(root),
            )  # fmt: skip


def open_wallet(
    context: WalletContext,
) -> tuple[WalletStore, StoreEntry, ec.EllipticCurvePrivateKey, TrustPins]:
    """The store, its ID, device key and trust pins, or a coded error when there is no ID.

    Every command that uses the stored ID (``show``, ``refresh``, later ``present``) opens the
    wallet with this.
    """
    store = context.store()
    entry = store.load_entry()
    if entry is None:
        raise WalletError(
            "no_credential",
            N_("The wallet {path} holds no ID: add one with `legitka wallet activate`."),
            path=str(context.directory),
        )
    key = store.load_key()
    pins = store.load_trust()
    if key is None or pins is None:
        raise WalletError(
            "wallet_corrupt",
            N_("The wallet {path} lacks its device key or trust roots: activate the ID again."),
            path=str(context.directory),
        )
    return store, entry, key, pins


@app.command()
def show(
    ctx: typer.Context,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print a JSON object (no picture bytes: 'picture' says if one is there)."
        ),
    ] = False,
) -> None:
    """Show the ID as the card does, with its status read live from the status list.

    Exit codes: 0 valid; 1 INVALID (expired, cancelled or revoked, suspended, not valid yet);
    2 an error (no ID in the store, a damaged store); 3 the status list could not be fetched or
    checked (status_unavailable: not a cancellation, the data is shown unconfirmed).
    """
    _, entry, _, pins = open_wallet(ctx.obj)
    stored = entry.stored
    with _http() as http:
        report = standing(
            http, stored.sd_jwt.header, stored.claims, trusted_roots=list(pins.roots), now=_now()
        )
    if as_json:
        typer.echo(json.dumps(_as_json(entry, report), ensure_ascii=False, indent=2))
    else:
        _print_card(entry, report)
    if report.standing.invalid:
        raise typer.Exit(EXIT_INVALID)
    if report.standing is Standing.STATUS_UNAVAILABLE:
        raise typer.Exit(EXIT_UNAVAILABLE)


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    ignored = {"iat", "nbf", "status", "exp"}
    names = (set(old) | set(new)) - ignored
    return sorted(name for name in names if old.get(name) != new.get(name))


@app.command()
def refresh(ctx: typer.Context) -> None:
    """Fetch the renewed credential with the refresh token (no new QR code needed).

    The stored ID is replaced only after the new credential is checked; when the issuer
    rotated the refresh token before a later step failed, only the new refresh token is kept.
    """
    store, entry, key, pins = open_wallet(ctx.obj)
    before = entry.stored
    candidate = dataclasses.replace(before, claims=dict(before.claims))
    with _http() as http:
        holder = Holder(http, key, trusted_roots=list(pins.roots), now=_now)
        try:
            renewed = holder.renew(candidate)
        except HolderError as exc:
            if candidate.refresh_token != before.refresh_token:
                store.save_entry(
                    dataclasses.replace(
                        entry,
                        stored=dataclasses.replace(before, refresh_token=candidate.refresh_token),
                    )
                )
            _failed(exc, E_RENEWAL)
        _check_listed(http, pins, renewed)
    changed = _changes(before.claims, renewed.claims)
    extended = before.claims.get("exp") != renewed.claims.get("exp")
    store.save_entry(StoreEntry(renewed, entry.activated_at, _now()))
    until = _valid_until(renewed.claims)
    text = until.isoformat() if until else "?"
    if extended:
        _say(M_RENEWED, date=text)
    elif changed:
        _say(M_CHANGED, names=", ".join(changed), date=text)
    else:
        _say(M_UNCHANGED, date=text)


@app.command()
def remove(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Wipe the stored ID and the device key (the trusted roots stay pinned)."""
    context: WalletContext = ctx.obj
    store = context.store()
    entry = store.load_entry()
    if entry is None and not store.key_path.exists():
        _say(M_NOTHING)
        return
    what = _summary(entry.stored.claims) if entry is not None else _t(L_KEY_ONLY)
    if not yes:
        typer.confirm(_t(M_CONFIRM, what=what, path=str(context.directory)), abort=True, err=True)
    store.wipe()
    _say(M_REMOVED, what=what)


# `present` (OpenID4VP 1.0: scan the verifier's request, consent, send the presentation) is
# added here as `@app.command() def present(ctx, …)`: it opens the wallet with `open_wallet`
# and builds the presentation with `legitka.wallet.presentation`.

__all__ = ["CLOCK", "EXIT_INVALID", "EXIT_UNAVAILABLE", "EXIT_VALID", "app", "open_wallet"]
