"""The claims of the credential: the picture within 20 kB, and age flags that stay true."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from PIL import Image

from legitka.issuer.claims import (
    DISCLOSABLE,
    PICTURE_MAX_BYTES,
    PictureError,
    age_claims,
    credential_picture,
    disclosable_claims,
)
from tests.builders import photo_bytes


def picture_bytes(data_uri: str) -> bytes:
    prefix = "data:image/jpeg;base64,"
    assert data_uri.startswith(prefix)
    return base64.b64decode(data_uri[len(prefix) :])


def noisy_photo(width: int, height: int) -> bytes:
    image = Image.effect_noise((width, height), 120).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "image", [photo_bytes(), photo_bytes(2000, 2600, "PNG"), noisy_photo(1200, 1600)]
)
def test_picture_is_a_small_jpeg(image: bytes) -> None:
    data = picture_bytes(credential_picture(image))
    assert len(data) <= PICTURE_MAX_BYTES
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.format == "JPEG"
        assert decoded.width <= 280 and decoded.height <= 360


def test_unreadable_photo_is_a_coded_error() -> None:
    with pytest.raises(PictureError) as failed:
        credential_picture(b"not an image")
    assert failed.value.code == "bad_photo"


BIRTH = dt.date(2001, 6, 15)  # 18 on 15 June 2019, 26 on 15 June 2027


def test_age_flags_for_the_whole_validity() -> None:
    assert age_claims(BIRTH, dt.date(2026, 11, 22), dt.date(2027, 3, 31)) == {
        "age_over_18": True,
        "age_under_26": True,
    }


def test_a_flag_that_would_change_is_left_out() -> None:
    # Turns 26 in June 2027, before the summer semester's validity ends.
    assert age_claims(BIRTH, dt.date(2027, 4, 1), dt.date(2027, 10, 31)) == {"age_over_18": True}
    assert age_claims(BIRTH, dt.date(2027, 7, 1), dt.date(2027, 10, 31)) == {
        "age_over_18": True,
        "age_under_26": False,
    }


def test_a_minor_student() -> None:
    young = dt.date(2009, 1, 10)  # 18 on 10 January 2027
    assert age_claims(young, dt.date(2026, 11, 22), dt.date(2027, 3, 31)) == {"age_under_26": True}
    assert age_claims(young, dt.date(2026, 11, 22), dt.date(2026, 12, 31)) == {
        "age_over_18": False,
        "age_under_26": True,
    }


def test_leap_day_birthdays() -> None:
    leap = dt.date(2004, 2, 29)
    assert age_claims(leap, dt.date(2022, 2, 28), dt.date(2022, 2, 28)) == {
        "age_over_18": False,
        "age_under_26": True,
    }
    assert age_claims(leap, dt.date(2022, 3, 1), dt.date(2022, 3, 31))["age_over_18"] is True


def test_disclosable_claims_in_display_order() -> None:
    prepared = {
        "given_name": "Anna", "family_name": "Nowak", "birthdate": BIRTH.isoformat(),
        "personal_administrative_number": "01261512345", "student_id": "100001",
        "university": {"id": "pd", "name": {"pl": "P", "en": "P"}}, "picture": "data:x",
    }  # fmt: skip
    claims = disclosable_claims(
        prepared, issued_on=dt.date(2026, 11, 22), today=dt.date(2026, 11, 22),
        valid_until=dt.date(2027, 3, 31),
    )  # fmt: skip
    assert list(claims) == list(DISCLOSABLE)
    assert claims["issuance_date"] == "2026-11-22"
