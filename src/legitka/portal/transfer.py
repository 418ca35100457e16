"""The text of a transfer QR code that Polish banking apps read (the ZBP "2D code" standard).

Format: *Rekomendacja Związku Banków Polskich dotycząca kodu dwuwymiarowego („2D”),
umożliwiającego realizację polecenia przelewu oraz aktywację usług bankowych na rynku polskim*,
version 1.0 of 3 December 2013. Nine fields separated by ``|``, at most 160 characters::

    NIP|PL|26-digit account|amount in grosze, 6 digits|recipient (20)|title (32)|||

1. the recipient's NIP (10 digits), may be empty;
2. the country code, ``PL``;
3. the recipient's account number: the 26-digit NRB, without ``PL`` or spaces;
4. the amount in grosze, zero-padded to 6 digits (so at most 9 999,99 zł);
5. the recipient's name, at most 20 characters;
6. the payment title, at most 32 characters;
7. to 9. reserved (a direct debit id of 20, an Invoobill id of 12, 24 more): left empty.

The recommendation asks for UTF-8 and lets the text fields hold Polish letters, but a QR encoder
picks ISO 8859-1 for a text whose only non-ASCII letter is, say, ``ó``, and banking apps differ in
how they read non-ASCII bytes. The text fields are therefore transliterated to ASCII (``ł`` to
``l``, ``ż`` to ``z``) and kept to letters, digits, spaces and ``, . - /``: the same bytes in every
encoding, with the field separator impossible inside a field. The amount is what is still
outstanding, so a partly paid charge asks only for the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from legitka.domain.accounts import validate_account

SEPARATOR = "|"
COUNTRY = "PL"
MAX_AMOUNT_GROSZE = 999_999
RECIPIENT_LENGTH = 20
TITLE_LENGTH = 32
MAX_LENGTH = 160
RESERVED_FIELDS = 3
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9 ,./-]+")
_SPACES = re.compile(r"\s+")
# Letters that Unicode does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O"})


def transliterate(text: str) -> str:
    """``text`` in ASCII: Polish (and other) letters without their marks, others dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = _NOT_ALLOWED.sub(" ", ascii_only)
    return _SPACES.sub(" ", cleaned).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, without a dangling space or punctuation mark."""
    return text if len(text) <= limit else text[:limit].rstrip(" ,.-/")


@dataclass(frozen=True)
class Transfer:
    """What a transfer QR code asks the payer's bank to fill in."""

    account: str
    amount_grosze: int
    recipient: str
    title: str
    nip: str = ""

    def payload(self) -> str:
        """The QR code's text; ``ValueError`` when a field cannot be expressed in the format."""
        account = validate_account(self.account)
        if not 0 <= self.amount_grosze <= MAX_AMOUNT_GROSZE:
            raise ValueError(
                f"a transfer QR code holds 0 to {MAX_AMOUNT_GROSZE} grosze, "
                f"not {self.amount_grosze}"
            )
        nip = self.nip.replace("-", "").replace(" ", "")
        if nip and not (nip.isascii() and nip.isdigit() and len(nip) == 10):
            raise ValueError(f"a NIP has 10 digits, not {self.nip!r}")
        recipient = shorten(transliterate(self.recipient), RECIPIENT_LENGTH)
        title = shorten(transliterate(self.title), TITLE_LENGTH)
        if not recipient or not title:
            raise ValueError("a transfer QR code needs a recipient name and a title")
        fields = [nip, COUNTRY, account, f"{self.amount_grosze:06d}", recipient, title]
        text = SEPARATOR.join([*fields, *[""] * RESERVED_FIELDS])
        assert len(text) <= MAX_LENGTH
        return text


def fits(amount_grosze: int) -> bool:
    """Whether a transfer QR code can ask for this amount (more than 0, at most 9 999,99 zł)."""
    return 0 < amount_grosze <= MAX_AMOUNT_GROSZE


def parse(text: str) -> dict[str, str]:
    """The named fields of a transfer QR code's text (for tests and for reading codes back)."""
    parts = text.split(SEPARATOR)
    if len(parts) != 9:
        raise ValueError(f"a transfer QR code has 9 fields, this one {len(parts)}")
    names = ("nip", "country", "account", "amount", "recipient", "title", "r1", "r2", "r3")
    return dict(zip(names, parts, strict=True))
