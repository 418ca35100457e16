"""``legitka wallet present``: answer a verifier's request (OpenID4VP 1.0, R18).

The request comes as the QR code's ``openid4vp://`` URI or as the 6-digit code typed instead
(looked up at the deployment: ``--base``, default the one that issued the stored ID). The signed
request object is checked against the wallet's trusted roots; the command prints who asks (the
organization in the verifier's certificate) and which data, asks for consent, and then shares
exactly those data or declines. Exit codes: 0 shared, 1 declined, 2 an error.
"""

from __future__ import annotations

from typing import Annotated

import typer

from legitka.cli.wallet_common import WalletError, _http, _now, _say, _t, open_wallet
from legitka.domain.text import N_
from legitka.wallet import presentation
from legitka.wallet.holder import Holder, HolderError

EXIT_SHARED, EXIT_DECLINED = 0, 1

CLAIM_LABELS = {
    "picture": N_("Photo"),
    "given_name": N_("First name"),
    "family_name": N_("Surname"),
    "birthdate": N_("Date of birth"),
    "personal_administrative_number": N_("PESEL"),
    "student_id": N_("Album number"),
    "university": N_("University"),
    "issuance_date": N_("Issue date"),
    "age_under_26": N_("Under 26"),
    "age_over_18": N_("Over 18"),
}
E_REQUEST = N_("The verification request cannot be used ({what}): {reason}")
M_WHO = N_("{verifier} asks for your student ID ({client_id}).")
M_WHAT = N_("Data to share: {claims}.")
M_CONSENT = N_("Share these data with {verifier}?")
M_SHARED = N_("Shared with {verifier}: the verifier shows its verdict.")
M_REDIRECT = N_("Continue at: {uri}")
M_DECLINED = N_("Declined: {verifier} was told that you do not share the data.")


def deployment_of(issuer: str) -> str:
    """The deployment that issued a credential (``https://x/u/pd`` → ``https://x``)."""
    head, found, _ = issuer.rpartition("/u/")
    return head if found else issuer.rstrip("/")


def _refused(exc: HolderError) -> WalletError:
    reason = exc.message.rstrip(".") + "."
    return WalletError(exc.code, E_REQUEST, what=exc.code, reason=reason)


def present(
    ctx: typer.Context,
    request: Annotated[
        str,
        typer.Argument(
            metavar="REQUEST_URI_OR_CODE",
            help="What the verifier's QR code holds (openid4vp://?client_id=…&request_uri=…) "
            "or the 6-digit code shown beside it.",
        ),
    ],
    decline: Annotated[
        bool, typer.Option("--decline", help="Tell the verifier no, without sharing anything.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Share without asking for consent.")
    ] = False,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="URL",
            help="The deployment a 6-digit code is looked up at; default: the one that issued "
            "the stored ID.",
        ),
    ] = None,
) -> None:
    """Show the stored ID to a verifier: who asks, which data, consent, share or decline.

    Exit codes: 0 shared; 1 declined (--decline or no consent); 2 an error (unknown code, a
    request that is expired or not signed under a trusted root, data the ID does not have).
    """
    _, entry, key, pins = open_wallet(ctx.obj)
    stored = entry.stored
    with _http() as http:
        holder = Holder(http, key, trusted_roots=list(pins.roots), now=_now)
        try:
            client_id, uri = presentation.resolve(
                request, http, base or deployment_of(stored.issuer)
            )
            asked = presentation.fetch_request(holder, client_id, uri)
        except HolderError as exc:
            raise _refused(exc) from None
        labels = ", ".join(_t(CLAIM_LABELS.get(name, name)) for name in asked.claims)
        _say(M_WHO, verifier=asked.verifier, client_id=asked.client_id)
        _say(M_WHAT, claims=labels)
        try:
            if not decline:
                presentation.matching_claims(asked, stored)
            consent = not decline and (
                yes or typer.confirm(_t(M_CONSENT, verifier=asked.verifier), default=False)
            )
            if consent:
                answer = presentation.share(holder, stored, asked)
            else:
                presentation.decline(holder, asked)
        except HolderError as exc:
            raise _refused(exc) from None
    if not consent:
        _say(M_DECLINED, verifier=asked.verifier)
        raise typer.Exit(EXIT_DECLINED)
    _say(M_SHARED, verifier=asked.verifier)
    if isinstance(answer.get("redirect_uri"), str):
        _say(M_REDIRECT, uri=answer["redirect_uri"])
