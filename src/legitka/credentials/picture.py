"""The credential's ``picture``: the register's photo as a JPEG data URI of at most 20 kB.

Re-encoding drops every piece of metadata the original file carried (EXIF, location, camera).
"""

from __future__ import annotations

import base64
import io

from PIL import Image, UnidentifiedImageError

from legitka.domain.errors import LegitkaError
from legitka.domain.text import N_

PICTURE_MAX_BYTES = 20 * 1024
PICTURE_SIZE = (280, 360)  # 35 × 45 mm at 203 dpi
JPEG_QUALITIES = (85, 75, 65, 55, 45, 35)


class PictureError(LegitkaError):
    """The register's photo cannot be turned into the credential's picture."""


def credential_picture(image: bytes) -> str:
    """The photo as a JPEG data URI of at most 20 kB, re-encoded (no metadata kept)."""
    try:
        with Image.open(io.BytesIO(image)) as source:
            picture = source.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise PictureError(
            "bad_photo", N_("The approved photo cannot be read: upload a new photo.")
        ) from None
    picture.thumbnail(PICTURE_SIZE, Image.Resampling.LANCZOS)
    while True:
        for quality in JPEG_QUALITIES:
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
            if out.tell() <= PICTURE_MAX_BYTES:
                return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
        width, height = picture.size
        if width < 80:
            raise PictureError(
                "bad_photo", N_("The approved photo cannot be made small enough: upload another.")
            )
        picture = picture.resize((width * 3 // 4, height * 3 // 4), Image.Resampling.LANCZOS)
