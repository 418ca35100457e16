"""What every ``legitka wallet`` command shares: the store's folder, the clock, coded errors,
messages in the terminal's language, and opening the stored ID."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import SecretStr

from legitka.cli.common import cli_locale, console
from legitka.clock import Clock, SystemClock
from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_
from legitka.i18n import translate
from legitka.wallet.holder import HolderError
from legitka.wallet.store import StoreEntry, TrustPins, WalletStore

PASSPHRASE_VARIABLE = "LEGITKA_WALLET_PASSPHRASE"  # noqa: S105 (a variable name)
TIMEOUT = 10.0
# the steps of the holder protocol its errors name (``HolderError.message`` = "step: reason")
HOLDER_STEPS = frozenset(
    ("offer", "issuer metadata", "authorization server metadata", "token", "nonce", "credential",
     "notification")
)  # fmt: skip

# The clock of every wallet command; tests set the one their issuer runs on.
CLOCK: Clock = SystemClock()


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
    console.print(_t(message, **params), highlight=False, markup=False, emoji=False, soft_wrap=True)


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


def open_wallet(
    context: WalletContext,
) -> tuple[WalletStore, StoreEntry, ec.EllipticCurvePrivateKey, TrustPins]:
    """The store, its ID, device key and trust pins, or a coded error when there is no ID.

    Every command that uses the stored ID (``show``, ``refresh``, ``present``) opens the
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
