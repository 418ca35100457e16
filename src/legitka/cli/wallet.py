"""``legitka wallet``: a holder on the command line, on the protocols of the phone wallet.

For operators, tests and load generation: ``activate`` adds an mLegitymacja from its QR code (or
wallet link) and activation code (OpenID4VCI 1.0), ``show`` shows it as the card does with its
status read live from the status list, ``refresh`` fetches the renewed credential with the
refresh token (R19, no new QR code), ``remove`` wipes it with the device key, ``present``
answers a verifier's request (OpenID4VP 1.0, R18). The files are described in
:mod:`legitka.wallet.store`; the holder protocol is :class:`Holder`. Shared parts:
``wallet_common`` (store, clock, errors), ``wallet_trust`` (roots and trust lists),
``wallet_card`` (the views), ``wallet_present`` (the ``present`` command).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from legitka.cli.wallet_card import _as_json, _print_card, _summary, _valid_until
from legitka.cli.wallet_common import (
    PASSPHRASE_VARIABLE,
    WalletContext,
    _failed,
    _http,
    _now,
    _say,
    _t,
    open_wallet,
)
from legitka.cli.wallet_present import present
from legitka.cli.wallet_trust import (
    ROOT_PATH,
    _check_listed,
    _fingerprint,
    _load_roots,
    _resolve_trust,
)
from legitka.domain.text import N_
from legitka.wallet.holder import Holder, HolderError
from legitka.wallet.status import Standing, standing
from legitka.wallet.store import StoreEntry

# exit codes of `show` (2 is every coded error, as in the rest of the `legitka` command)
EXIT_VALID, EXIT_INVALID, EXIT_UNAVAILABLE = 0, 1, 3

app = typer.Typer(
    help="A holder wallet in a folder: activate, show, present, refresh and remove an "
    "mLegitymacja.",
    no_args_is_help=True,
)
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


app.command()(present)

__all__ = [
    "EXIT_INVALID", "EXIT_UNAVAILABLE", "EXIT_VALID", "PASSPHRASE_VARIABLE", "app", "open_wallet",
]  # fmt: skip
