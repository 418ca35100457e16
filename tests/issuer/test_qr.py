"""QR images of an offer decode back to the offer URI (zxing-cpp reads them as a phone would)."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from legitka.issuer import qr

URI = (
    "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fid.example.edu%2Fu%2Fpd%2F"
    "offers%2FWpryIcMUbjURYB4crOS7Fy"
)


def decode(image: Image.Image) -> str:
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    text: str = results[0].text
    return text


def test_png_decodes_to_the_offer() -> None:
    image = Image.open(io.BytesIO(qr.png(URI)))
    assert decode(image) == URI


def test_svg_is_scalable_and_titled() -> None:
    svg = qr.svg(URI, title="QR")
    assert svg.startswith("<svg") and "<title>QR</title>" in svg
    assert 'width="' not in svg.split(">", 1)[0]  # scales to its container
    assert "viewBox" in svg


def test_the_code_stays_small() -> None:
    # By reference, the QR code of a real offer is a version 7 code (45 × 45 modules).
    assert qr._code(URI).version <= 7
