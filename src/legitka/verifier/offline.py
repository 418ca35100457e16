"""The offline check: a presentation the wallet shows as a QR code, without any network.

The QR code holds, in byte mode, ``zlib.compress`` (RFC 1950, what browsers'
``DecompressionStream('deflate')`` writes) of the ASCII SD-JWT+KB, disclosing only the claims of
``presets.OFFLINE_CLAIMS`` (the picture would not fit). Its key-binding JWT has ``aud``
``urn:legitka:offline``, a random ``nonce`` and ``iat`` = the moment of showing: accepted when it
is at most 60 s old (30 s more for clocks that differ). The status comes from the cache (with
its age) when the verifier has no network.
"""

from __future__ import annotations

import datetime as dt
import zlib

from legitka.verifier import presets
from legitka.verifier.reasons import Outcome
from legitka.verifier.status import StatusSource
from legitka.verifier.trust import Trust
from legitka.verifier.validation import Expected, validate

AUDIENCE = "urn:legitka:offline"
MAX_AGE = 60
CLOCK_SKEW = 30
MAX_INFLATED = 64 * 1024


def inflate(data: bytes) -> str | None:
    """The ASCII presentation in a QR code's bytes, or None when they are not one."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_INFLATED + 1)
    except zlib.error:
        return None
    if len(text) > MAX_INFLATED or not inflater.eof or inflater.unused_data:
        return None
    try:
        return text.decode("ascii")
    except UnicodeDecodeError:
        return None


def verify_offline(
    data: bytes, *, vct_values: tuple[str, ...], trust: Trust, status: StatusSource,
    now: dt.datetime,
) -> Outcome:  # fmt: skip
    """Every check of an online presentation, with the offline audience and a 60 s window."""
    presentation = inflate(data)
    if presentation is None:
        outcome = Outcome()
        outcome.add("malformed")
        return outcome
    expected = Expected(
        nonce=None,
        audience=AUDIENCE,
        vct_values=vct_values,
        claims=presets.OFFLINE_REQUIRED,
        optional=tuple(set(presets.OFFLINE_CLAIMS) - set(presets.OFFLINE_REQUIRED)),
        kb_max_age=MAX_AGE + CLOCK_SKEW,
        kb_max_future=CLOCK_SKEW,
    )
    return validate(presentation, expected, trust=trust, status=status, now=now)
