"""QR code images of an offer: SVG for pages, PNG for apps and print, text for terminals.

The QR code carries only ``openid-credential-offer://?credential_offer_uri=…``: the offer by
reference keeps the code small enough to scan from a phone screen at arm's length.
"""

from __future__ import annotations

import io

import segno

ERROR_LEVEL = "m"  # 15 % of the code may be damaged or covered


def _code(text: str) -> segno.QRCode:
    return segno.make_qr(text, error=ERROR_LEVEL, boost_error=False)


def svg(text: str, *, title: str | None = None) -> str:
    """An SVG document that scales to its container (no fixed size, no XML declaration)."""
    out = io.BytesIO()
    _code(text).save(
        out, kind="svg", scale=1, border=4, xmldecl=False, svgns=True, title=title,
        omitsize=True, svgclass="qr", lineclass=None,
    )  # fmt: skip
    return out.getvalue().decode("utf-8")


def png(text: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _code(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def terminal(text: str) -> str:
    """The code drawn with block characters, for ``legitka orders show --qr``."""
    out = io.StringIO()
    _code(text).terminal(out=out, compact=True)
    return out.getvalue()
